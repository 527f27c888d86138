/*
 * bench/bench_login.c: logins/s through authd against raw argon2id verifications/s
 * at the same parameters, in one run (bench/run.sh drives it).
 *
 *   bench_login raw MEMORY_KIB ITERATIONS THREADS SECONDS
 *   bench_login authd SOCKET USER_PREFIX NUSERS PASSWORD THREADS SECONDS
 *   bench_login cancel SOCKET THREADS SECONDS      (greeting + AUTH + CANCEL: no hash)
 *   bench_login tls HOST PORT CA CERT KEY USER_PREFIX NUSERS PASSWORD THREADS SECONDS
 *   bench_login tlshello HOST PORT CA CERT KEY THREADS SECONDS
 *
 * authd and cancel keep one connection per thread on the PAM socket. tls opens
 * a fresh connection per login, as the PAM module's server=tls://... does: TCP
 * connect, full mutual TLS 1.3 handshake (no resumption), greeting, the login,
 * close_notify. tlshello stops after the greeting: the cost of a connection
 * without a hash. The TLS client is pam_module/pa_tls.c's: TLS 1.3 at least,
 * the server's certificate verified against CA alone and for HOST
 * (SSL_set1_host: a name or an IP address), our CERT and KEY presented. One
 * SSL_CTX serves every connection (the PAM module loads its files per
 * connection; that cost is the client's, not authd's).
 *
 * Prints one line "rate=<ops per second> ops=<n> seconds=<s> client_cpu=<c>",
 * c being the CPUs this process kept busy on average (user + system time over
 * wall time): what the client took from a machine it shares with authd. Any
 * failed operation is reported and the exit status is 1.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sodium.h>

#define IO_TIMEOUT_S	30	/* a read or write that waits longer fails the run */

enum mode { M_RAW, M_AUTHD, M_CANCEL, M_TLS, M_TLSHELLO };

static enum mode mode;
static const char *sock_path, *prefix, *password, *tls_host;
static unsigned int memory_kib, iterations, nusers;
static double seconds;
static char hash[crypto_pwhash_STRBYTES];
static struct addrinfo *tls_addrs;
static SSL_CTX *tls_ctx;
static int tls_host_is_name;
static volatile int stop;
static volatile int failed;

/* One client connection: the Unix socket (ssl NULL) or TLS, read through a buffer. */
struct bconn {
	int	 fd;
	SSL	*ssl;
	size_t	 off, len;
	char	 buf[4096];
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A decimal in [min, max], nothing else; 0 or -1. */
static int
parse_uint(const char *s, unsigned long min, unsigned long max, unsigned int *v_r)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max || v > UINT_MAX)
		return -1;
	*v_r = (unsigned int)v;
	return 0;
}

/* Seconds: a positive decimal number of at most a day; 0 or -1. */
static int
parse_seconds(const char *s, double *v_r)
{
	double v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v > 0 && v <= 86400))
		return -1;
	*v_r = v;
	return 0;
}

/* Report a failure once per thread; the run's result is void. */
static void
fail(const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", errno != 0 ? strerror(errno) : "closed");
	fprintf(stderr, "bench: %s: %s\n", what, buf);
	ERR_clear_error();
	failed = 1;
}

static void
set_timeouts(int fd)
{
	struct timeval tv = { IO_TIMEOUT_S, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Refill c's buffer; 0, or -1 on EOF or error. */
static int
fill(struct bconn *c)
{
	size_t n = 0;
	ssize_t rn;

	c->off = c->len = 0;
	if (c->ssl != NULL) {
		ERR_clear_error();
		if (SSL_read_ex(c->ssl, c->buf, sizeof(c->buf), &n) != 1)
			return -1;
	} else {
		do
			rn = read(c->fd, c->buf, sizeof(c->buf));
		while (rn == -1 && errno == EINTR);
		if (rn <= 0)
			return -1;
		n = (size_t)rn;
	}
	c->len = n;
	return 0;
}

/* Read one line without its '\n'; its length, or -1 (EOF, error, longer than len - 1). */
static int
read_line(struct bconn *c, char *line, size_t len)
{
	size_t n = 0;
	char ch;

	for (;;) {
		if (c->off == c->len && fill(c) != 0)
			return -1;
		ch = c->buf[c->off++];
		if (ch == '\n')
			break;
		if (n + 1 >= len)
			return -1;
		line[n++] = ch;
	}
	line[n] = '\0';
	return (int)n;
}

static int
send_str(struct bconn *c, const char *s)
{
	size_t len = strlen(s), off = 0, n;
	ssize_t wn;

	while (off < len) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			if (SSL_write_ex(c->ssl, s + off, len - off, &n) != 1)
				return -1;
		} else {
			if ((wn = write(c->fd, s + off, len - off)) == -1) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			n = (size_t)wn;
		}
		off += n;
	}
	return 0;
}

static void
bconn_close(struct bconn *c)
{
	if (c->ssl != NULL) {
		/* close_notify if it goes out at once; no wait for the server's */
		if (SSL_is_init_finished(c->ssl))
			(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->off = c->len = 0;
	ERR_clear_error();
}

/* The greeting: "VERSION\tmajor=1..." (docs/protocol.md); 0 or -1. */
static int
read_greeting(struct bconn *c)
{
	char line[512];

	if (read_line(c, line, sizeof(line)) < 0)
		return -1;
	if (strncmp(line, "VERSION\t", 8) != 0) {
		fprintf(stderr, "bench: unexpected greeting \"%.80s\"\n", line);
		return -1;
	}
	return 0;
}

static int
connect_unix(struct bconn *c)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	c->ssl = NULL;
	c->off = c->len = 0;
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	set_timeouts(c->fd);
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

/* The client context, once: pam_module/pa_tls.c's settings. */
static SSL_CTX *
make_tls_ctx(const char *ca, const char *cert, const char *key)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1) {
		fprintf(stderr, "bench: cannot require TLS 1.3\n");
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		fprintf(stderr, "bench: %s: cannot load the CA certificate\n", ca);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		fprintf(stderr, "bench: %s: cannot load the certificate\n", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "bench: %s: cannot load the key, or it does not match %s\n",
		    key, cert);
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) != 1)
		goto fail;
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	ERR_clear_error();
	return ctx;
 fail:
	ERR_print_errors_fp(stderr);
	SSL_CTX_free(ctx);
	return NULL;
}

/* TCP connect, full handshake, the greeting; 0 or -1 (reported). */
static int
connect_tls(struct bconn *c)
{
	struct addrinfo *ai;
	long vr;
	int ret;

	c->ssl = NULL;
	c->off = c->len = 0;
	c->fd = -1;
	errno = 0;
	for (ai = tls_addrs; ai != NULL; ai = ai->ai_next) {
		if ((c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		set_timeouts(c->fd);
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(c->fd);
		c->fd = -1;
	}
	if (c->fd == -1) {
		fail("TCP connect");
		return -1;
	}
	ERR_clear_error();
	if ((c->ssl = SSL_new(tls_ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set1_host(c->ssl, tls_host) != 1 ||
	    (tls_host_is_name && SSL_set_tlsext_host_name(c->ssl, tls_host) != 1)) {
		fail("TLS setup");
		goto err;
	}
	SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	errno = 0;
	if ((ret = SSL_connect(c->ssl)) != 1) {
		if ((vr = SSL_get_verify_result(c->ssl)) != X509_V_OK) {
			fprintf(stderr, "bench: server certificate refused: %s\n",
			    X509_verify_cert_error_string(vr));
			failed = 1;
		} else
			fail("TLS handshake");
		goto err;
	}
	if (read_greeting(c) != 0) {
		/* TLS 1.3: a refused client certificate shows here, not in SSL_connect */
		fail("greeting over TLS");
		goto err;
	}
	return 0;
 err:
	bconn_close(c);
	return -1;
}

/* One login conversation on c: AUTH, password, expect OK. */
static int
login_once(struct bconn *c, unsigned int user)
{
	char line[8192], req[512];

	snprintf(req, sizeof(req), "AUTH\tuser=%s%u\tservice=bench\n", prefix, user);
	if (send_str(c, req) != 0 || read_line(c, line, sizeof(line)) < 0 ||
	    strncmp(line, "CONT", 4) != 0)
		return -1;
	snprintf(req, sizeof(req), "ANSWER\tvalue=%s\n", password);
	if (send_str(c, req) != 0)
		return -1;
	for (;;) {
		if (read_line(c, line, sizeof(line)) < 0)
			return -1;
		if (strncmp(line, "OK", 2) == 0)
			return 0;
		if (strncmp(line, "FAIL", 4) == 0) {
			fprintf(stderr, "bench: %s\n", line);
			return -1;
		}
	}
}

static void *
worker(void *arg)
{
	unsigned long *count = arg, i = *count;	/* the starting user */
	struct bconn c;
	char line[8192];

	*count = 0;
	c.fd = -1;
	c.ssl = NULL;
	switch (mode) {
	case M_RAW:
		while (!stop) {
			if (crypto_pwhash_str_verify(hash, "bench-Passw0rd!", 15) != 0)
				abort();
			(*count)++;
		}
		return NULL;
	case M_TLS:
	case M_TLSHELLO:
		/* a fresh connection per operation */
		while (!stop && !failed) {
			if (connect_tls(&c) != 0)
				return NULL;
			if (mode == M_TLS && login_once(&c, (unsigned int)((i++) % nusers)) != 0) {
				fail("login over TLS");
				bconn_close(&c);
				return NULL;
			}
			bconn_close(&c);
			(*count)++;
		}
		return NULL;
	case M_AUTHD:
	case M_CANCEL:
		break;
	}
	if (connect_unix(&c) != 0 || read_greeting(&c) != 0) {
		fail("connect");
		bconn_close(&c);
		return NULL;
	}
	while (!stop && !failed) {
		if (mode == M_CANCEL) {
			if (send_str(&c, "AUTH\tuser=nobody\tservice=bench\nCANCEL\n") != 0 ||
			    read_line(&c, line, sizeof(line)) < 0 ||
			    read_line(&c, line, sizeof(line)) < 0) {
				fail("AUTH + CANCEL");
				break;
			}
		} else if (login_once(&c, (unsigned int)((i++) % nusers)) != 0) {
			fail("login");
			break;
		}
		(*count)++;
	}
	bconn_close(&c);
	return NULL;
}

/* argv: HOST PORT CA CERT KEY; resolves HOST once and builds the context. */
static int
tls_setup(char **argv)
{
	struct addrinfo hints;
	unsigned char addr[sizeof(struct in6_addr)];
	unsigned int port;
	int gr;

	tls_host = argv[0];
	if (parse_uint(argv[1], 1, 65535, &port) != 0)
		return -1;
	tls_host_is_name = inet_pton(AF_INET, tls_host, addr) != 1 &&
	    inet_pton(AF_INET6, tls_host, addr) != 1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (tls_host_is_name ? 0 : AI_NUMERICHOST);
	if ((gr = getaddrinfo(tls_host, argv[1], &hints, &tls_addrs)) != 0) {
		fprintf(stderr, "bench: %s: %s\n", tls_host, gai_strerror(gr));
		return -1;
	}
	if ((tls_ctx = make_tls_ctx(argv[2], argv[3], argv[4])) == NULL)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int threads, t;
	unsigned long *counts, total = 0;
	pthread_t *tids;
	struct timespec ts;
	double t0, c0, el;
	char **rest;

	if (argc < 2)
		goto usage;
	/* a server that hangs up must fail the run, not kill it in write(2) */
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "raw") == 0 && argc == 6) {
		mode = M_RAW;
		if (parse_uint(argv[2], 8, 4194304, &memory_kib) != 0 ||
		    parse_uint(argv[3], 1, 1000, &iterations) != 0)
			goto usage;
		rest = argv + 4;
		if (sodium_init() < 0 || crypto_pwhash_str_alg(hash, "bench-Passw0rd!", 15,
		    iterations, (size_t)memory_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
			return 1;
	} else if (strcmp(argv[1], "authd") == 0 && argc == 8) {
		mode = M_AUTHD;
		sock_path = argv[2];
		prefix = argv[3];
		if (parse_uint(argv[4], 1, 1000000, &nusers) != 0)
			goto usage;
		password = argv[5];
		rest = argv + 6;
	} else if (strcmp(argv[1], "cancel") == 0 && argc == 5) {
		mode = M_CANCEL;
		sock_path = argv[2];
		rest = argv + 3;
	} else if (strcmp(argv[1], "tls") == 0 && argc == 12) {
		mode = M_TLS;
		prefix = argv[7];
		if (parse_uint(argv[8], 1, 1000000, &nusers) != 0)
			goto usage;
		password = argv[9];
		if (tls_setup(argv + 2) != 0)
			return 2;
		rest = argv + 10;
	} else if (strcmp(argv[1], "tlshello") == 0 && argc == 9) {
		mode = M_TLSHELLO;
		if (tls_setup(argv + 2) != 0)
			return 2;
		rest = argv + 7;
	} else
		goto usage;
	if (parse_uint(rest[0], 1, 256, &threads) != 0 || parse_seconds(rest[1], &seconds) != 0)
		goto usage;
	counts = calloc(threads, sizeof(*counts));
	tids = calloc(threads, sizeof(*tids));
	if (counts == NULL || tids == NULL)
		return 1;
	t0 = now_s();
	c0 = cpu_s();
	for (t = 0; t < threads; t++) {
		counts[t] = t * 7919;	/* starting user for this thread */
		if (pthread_create(&tids[t], NULL, worker, &counts[t]) != 0) {
			fprintf(stderr, "bench: cannot start thread %u\n", t);
			return 1;
		}
	}
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	stop = 1;
	for (t = 0; t < threads; t++) {
		pthread_join(tids[t], NULL);
		total += counts[t];
	}
	el = now_s() - t0;
	printf("rate=%.1f ops=%lu seconds=%.2f client_cpu=%.2f\n", total / el, total, el,
	    (cpu_s() - c0) / el);
	if (tls_ctx != NULL)
		SSL_CTX_free(tls_ctx);
	if (tls_addrs != NULL)
		freeaddrinfo(tls_addrs);
	return total > 0 && !failed ? 0 : 1;
 usage:
	fprintf(stderr, "usage: see the comment at the top of bench/bench_login.c\n");
	return 2;
}
