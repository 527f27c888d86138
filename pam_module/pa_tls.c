/*
 * pam_module/pa_tls.c: pam_authd.so reaching a remote authd over mutual TLS 1.3
 * (server=tls://HOST:PORT[,...] ca= cert= key=; INTERFACE.md "PAM module").
 *
 * The client side of authd/tlsca.h's tlsca_ssl_ctx_client(), written here with
 * OpenSSL directly (the module does not link authd's code): TLS 1.3 only; the
 * server's certificate must verify against the ca= file alone (no system
 * roots), for TLS server use, and name HOST (SSL_set1_host: a DNS name or an
 * IPv4/IPv6 address; X509_V_ERR_HOSTNAME_MISMATCH otherwise); SNI is sent for
 * names only. Our certificate and key (cert=, key=) name this host to authd.
 *
 * Every wait (name lookup, TCP connect, each handshake round, each read and
 * write) is bounded: the lookup, the connect and the handshake together by
 * timeout= seconds per server, reads and writes as for the Unix socket
 * (pa_conn.c).
 *
 * Name lookup: an address is converted with AI_NUMERICHOST (no lookup, never
 * blocks). A name goes to glibc's getaddrinfo_a() (GAI_NOWAIT, SIGEV_NONE:
 * no module code ever runs on libc's resolver thread) and is waited for with
 * gai_suspend() until the server's deadline, then cancelled. libc's thread
 * reads the name and hints and writes the result into the request, so all of
 * it is one heap block (struct pa_lookup), freed only once gai_cancel() has
 * said, under libc's own mutex, that the thread is done with it (EAI_CANCELED
 * or EAI_ALLDONE). A lookup still running at the deadline cannot be cancelled
 * (EAI_NOTCANCELED): its block is deliberately leaked, since the thread will
 * still write into it, possibly after this module has been unloaded.
 *
 * SIGPIPE: OpenSSL writes with write(2); a server gone away must not kill the
 * application, so SIGPIPE is blocked around each OpenSSL call that may write
 * and a SIGPIPE raised there is consumed (pa_nopipe_begin/end).
 *
 * Nothing secret is logged: OpenSSL's error strings and the verify result name
 * files, certificates and reasons, never key material or protocol lines.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "err.h"
#include "num.h"
#include "pa_conn.h"

/* --- server= ------------------------------------------------------------- */

/* A DNS name: labels of 1-63 [A-Za-z0-9-], not starting or ending with '-'. */
static int
pa_name_valid(const char *h, size_t len)
{
	size_t i, lab = 0;

	if (len == 0 || len > PA_HOST_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (h[i] == '.') {
			if (lab == 0 || h[i - 1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '-'))
			return 0;
		if ((lab == 0 && h[i] == '-') || ++lab > 63)
			return 0;
	}
	return lab > 0 && h[len - 1] != '-';
}

/* One entry "tls://HOST:PORT" of length len into s; 0 or -1 (logged). */
static int
pa_parse_server(pam_handle_t *pamh, const char *e, size_t len, struct pa_server *s)
{
	static const char scheme[] = "tls://";
	const char *h, *end = e + len, *colon, *errstr = NULL;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t hlen, plen;

	memset(s, 0, sizeof(*s));
	if (len <= sizeof(scheme) - 1 || strncmp(e, scheme, sizeof(scheme) - 1) != 0)
		goto bad;
	h = e + sizeof(scheme) - 1;
	if (*h == '[') {			/* [IPv6]:PORT */
		if ((colon = memchr(h, ']', (size_t)(end - h))) == NULL || colon + 1 >= end ||
		    colon[1] != ':')
			goto bad;
		hlen = (size_t)(colon - h - 1);
		if (hlen == 0 || hlen >= sizeof(s->host))
			goto bad;
		memcpy(s->host, h + 1, hlen);
		if (inet_pton(AF_INET6, s->host, addr) != 1)
			goto bad;
		colon++;
	} else {
		if ((colon = memchr(h, ':', (size_t)(end - h))) == NULL)
			goto bad;
		hlen = (size_t)(colon - h);
		if (hlen == 0 || hlen >= sizeof(s->host))
			goto bad;
		memcpy(s->host, h, hlen);
		if (inet_pton(AF_INET, s->host, addr) != 1) {
			if (!pa_name_valid(s->host, hlen))
				goto bad;
			s->is_name = 1;
		}
	}
	plen = (size_t)(end - colon - 1);
	if (plen == 0 || plen >= sizeof(s->port))
		goto bad;
	memcpy(s->port, colon + 1, plen);
	if (strspn(s->port, "0123456789") != plen ||
	    (strtonum_ll(s->port, 1, 65535, &errstr), errstr != NULL))
		goto bad;
	snprintf(s->label, sizeof(s->label), "%.*s", (int)len, e);
	return 0;
 bad:
	pam_syslog(pamh, LOG_ERR, "server=: \"%.*s\" is not tls://HOST:PORT (HOST a name, an "
	    "IPv4 address or [IPv6], PORT 1..65535)", len > 300 ? 300 : (int)len, e);
	return -1;
}

int
pa_tls_parse_servers(pam_handle_t *pamh, const char *v, struct pa_opts *o)
{
	const char *p = v, *comma;
	size_t len;
	int i;

	o->nservers = 0;
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (o->nservers == PA_SERVERS_MAX) {
			pam_syslog(pamh, LOG_ERR, "server=: at most %d servers", PA_SERVERS_MAX);
			return AUTHD_ERR_INVALID;
		}
		if (pa_parse_server(pamh, p, len, &o->servers[o->nservers]) != 0)
			return AUTHD_ERR_INVALID;
		for (i = 0; i < o->nservers; i++)
			if (strcmp(o->servers[i].label, o->servers[o->nservers].label) == 0) {
				pam_syslog(pamh, LOG_ERR, "server=: %s given twice",
				    o->servers[i].label);
				return AUTHD_ERR_INVALID;
			}
		o->nservers++;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* --- SIGPIPE ------------------------------------------------------------- */

struct pa_nopipe {
	sigset_t	old;
	int		pending;	/* SIGPIPE was already pending: leave it */
};

static void
pa_nopipe_begin(struct pa_nopipe *np)
{
	sigset_t set, pend;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pend);
	np->pending = sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE) == 1;
	(void)pthread_sigmask(SIG_BLOCK, &set, &np->old);
}

static void
pa_nopipe_end(struct pa_nopipe *np)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t set, pend;
	int saved = errno;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pend);
	if (!np->pending && sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE) == 1)
		while (sigtimedwait(&set, NULL, &zero) == -1 && errno == EINTR)
			;
	(void)pthread_sigmask(SIG_SETMASK, &np->old, NULL);
	errno = saved;
}

/* --- OpenSSL ------------------------------------------------------------- */

/* Log what failed with OpenSSL's first queued reason (never a secret). */
static void
pa_ssl_log(struct pa_conn *c, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", errno != 0 ? strerror(errno) : "no reason given");
	pam_syslog(c->pamh, LOG_ERR, "%s: %s: %s", c->name, what, buf);
	ERR_clear_error();
}

/* The client context: TLS 1.3 only, the ca= file alone, our certificate and key. */
static SSL_CTX *
pa_tls_ctx(struct pa_conn *c)
{
	const struct pa_opts *o = c->o;
	struct stat sb;
	SSL_CTX *ctx;

	if (stat(o->key, &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0) {
		pam_syslog(c->pamh, LOG_ERR, "key=%s: must be a regular file of mode 0600 "
		    "or stricter", o->key);
		return NULL;
	}
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		pa_ssl_log(c, "SSL_CTX_new");
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
		pa_ssl_log(c, "TLS 1.3");
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1) {
		pam_syslog(c->pamh, LOG_ERR, "ca=%s: cannot load the CA certificate", o->ca);
		goto fail;
	}
	if (SSL_CTX_use_certificate_file(ctx, o->cert, SSL_FILETYPE_PEM) != 1) {
		pam_syslog(c->pamh, LOG_ERR, "cert=%s: cannot load the certificate", o->cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		pam_syslog(c->pamh, LOG_ERR, "key=%s: cannot load the key, or it does not "
		    "match cert=", o->key);
		goto fail;
	}
	/*
	 * No verify depth is set: authd's CA is pathlen:0, so nothing but a
	 * certificate issued by it directly verifies, and a foreign chain is
	 * reported for what it is ("self-signed certificate in certificate
	 * chain"), not as "certificate chain too long".
	 */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) != 1) {
		pa_ssl_log(c, "purpose");
		goto fail;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	ERR_clear_error();
	return ctx;
 fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

/* --- name lookup ---------------------------------------------------------- */

/* Everything libc's resolver thread touches; see the comment at the top. */
struct pa_lookup {
	struct gaicb	 cb;
	struct addrinfo	 hints;
	char		 host[PA_HOST_MAX + 1];
	char		 port[6];
};

#define PA_DEQUEUE_WAIT_MS	100	/* a finished lookup's last step inside libc */

/*
 * s's addresses into *res_r (freeaddrinfo) before deadline. 0, or
 * AUTHD_ERR_TIMEOUT / AUTHD_ERR_IO / AUTHD_ERR_NOMEM (logged).
 */
static int
pa_resolve(struct pa_conn *c, const struct pa_server *s, int64_t deadline,
    struct addrinfo **res_r)
{
	struct addrinfo hints;
	struct pa_lookup *lk;
	struct gaicb *list[1];
	struct sigevent sev;
	struct timespec ts;
	int64_t left;
	int ar, gr, cr, timedout = 0, waited = 0;

	*res_r = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (!s->is_name) {
		hints.ai_flags |= AI_NUMERICHOST;	/* a conversion, not a lookup */
		if ((gr = getaddrinfo(s->host, s->port, &hints, res_r)) != 0) {
			*res_r = NULL;
			pam_syslog(c->pamh, LOG_ERR, "%s: cannot resolve %s: %s", c->name, s->host,
			    gai_strerror(gr));
			return AUTHD_ERR_IO;
		}
		return 0;
	}

	if ((lk = calloc(1, sizeof(*lk))) == NULL) {
		pam_syslog(c->pamh, LOG_ERR, "%s: out of memory", c->name);
		return AUTHD_ERR_NOMEM;
	}
	lk->hints = hints;
	snprintf(lk->host, sizeof(lk->host), "%s", s->host);
	snprintf(lk->port, sizeof(lk->port), "%s", s->port);
	lk->cb.ar_name = lk->host;
	lk->cb.ar_service = lk->port;
	lk->cb.ar_request = &lk->hints;
	list[0] = &lk->cb;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;		/* libc copies it; nothing is called back */

	/* a failure may still leave the request queued (EAI_AGAIN): gai_cancel() tells */
	if ((ar = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev)) == 0) {
		while (gai_error(&lk->cb) == EAI_INPROGRESS) {
			if ((left = deadline - pa_now_ms()) <= 0) {
				timedout = 1;
				break;
			}
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			/* 0, EAI_AGAIN (timed out), EAI_INTR: gai_error() and the clock decide */
			(void)gai_suspend((const struct gaicb *const *)list, 1, &ts);
		}
	}

	/*
	 * Between storing its result and dequeuing the request, libc's thread
	 * still owns a finished lookup (EAI_NOTCANCELED): a moment, waited for.
	 */
	while ((cr = gai_cancel(&lk->cb)) == EAI_NOTCANCELED && !timedout &&
	    waited++ < PA_DEQUEUE_WAIT_MS)
		(void)poll(NULL, 0, 1);
	if (cr == EAI_NOTCANCELED) {
		/* libc's thread still owns lk: leaked on purpose (see the top) */
		if (ar != 0)
			pam_syslog(c->pamh, LOG_ERR, "%s: cannot resolve %s: %s", c->name,
			    s->host, gai_strerror(ar));
		else
			pam_syslog(c->pamh, LOG_ERR, "%s: cannot resolve %s: no answer within "
			    "%d s", c->name, s->host, c->o->timeout);
		return ar != 0 ? AUTHD_ERR_IO : AUTHD_ERR_TIMEOUT;
	}
	/* EAI_CANCELED (never started) or EAI_ALLDONE (finished): lk is ours again */
	gr = ar != 0 ? ar : timedout ? EAI_AGAIN : gai_error(&lk->cb);
	if (gr == 0) {
		*res_r = lk->cb.ar_result;
		lk->cb.ar_result = NULL;
	}
	if (lk->cb.ar_result != NULL)		/* finished after the deadline */
		freeaddrinfo(lk->cb.ar_result);
	free(lk);
	if (timedout) {
		pam_syslog(c->pamh, LOG_ERR, "%s: cannot resolve %s: no answer within %d s",
		    c->name, s->host, c->o->timeout);
		return AUTHD_ERR_TIMEOUT;
	}
	if (gr != 0) {
		pam_syslog(c->pamh, LOG_ERR, "%s: cannot resolve %s: %s", c->name, s->host,
		    gai_strerror(gr));
		return AUTHD_ERR_IO;
	}
	return 0;
}

/* --- TCP and TLS --------------------------------------------------------- */

/* Non-blocking TCP connect to one of s's addresses before deadline; c->fd set. */
static int
pa_tcp_connect(struct pa_conn *c, const struct pa_server *s, int64_t deadline)
{
	struct addrinfo *res = NULL, *ai;
	socklen_t len;
	int err = 0, r = AUTHD_ERR_IO;

	if ((r = pa_resolve(c, s, deadline, &res)) != 0)
		return r;
	r = AUTHD_ERR_IO;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol)) == -1) {
			err = errno;
			continue;
		}
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			r = 0;
			break;
		}
		err = errno;
		if (err == EINPROGRESS || err == EINTR) {
			if ((r = pa_wait(c->fd, POLLOUT, deadline)) == 0) {
				len = sizeof(err);
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
					err = errno;
				if (err == 0)
					break;
				r = AUTHD_ERR_IO;
			}
		} else
			r = AUTHD_ERR_IO;
		close(c->fd);
		c->fd = -1;
		if (r == AUTHD_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (r == AUTHD_ERR_TIMEOUT)
		pam_syslog(c->pamh, LOG_ERR, "authd unreachable at %s: connect timed out after "
		    "%d s", c->name, c->o->timeout);
	else if (r != 0)
		pam_syslog(c->pamh, LOG_ERR, "authd unreachable at %s: %s", c->name,
		    strerror(err));
	return r;
}

/* After an SSL call returned ret: wait as OpenSSL asks (0), or the error. */
static int
pa_ssl_wait(struct pa_conn *c, int ret, int64_t deadline)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return pa_wait(c->fd, POLLIN, deadline);
	case SSL_ERROR_WANT_WRITE:
		return pa_wait(c->fd, POLLOUT, deadline);
	case SSL_ERROR_ZERO_RETURN:
		return AUTHD_ERR_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (errno == EINTR)
			return 0;
		/* OpenSSL 3: an EOF without close_notify is SSL_ERROR_SSL */
		return errno == 0 || errno == EPIPE || errno == ECONNRESET ?
		    AUTHD_ERR_CLOSED : AUTHD_ERR_IO;
	default:
		return AUTHD_ERR_IO;
	}
}

int
pa_tls_connect(struct pa_conn *c, const struct pa_server *s)
{
	struct pa_nopipe np;
	int64_t deadline = pa_now_ms() + (int64_t)c->o->timeout * 1000;
	SSL *ssl;
	long vr;
	int ret, r;

	ERR_clear_error();
	if ((r = pa_tcp_connect(c, s, deadline)) != 0)
		return r;
	if ((c->ctx = pa_tls_ctx(c)) == NULL)
		return AUTHD_ERR_INVALID;
	if ((ssl = SSL_new(c->ctx)) == NULL) {
		pa_ssl_log(c, "SSL_new");
		return AUTHD_ERR_NOMEM;
	}
	c->ssl = ssl;
	if (SSL_set_fd(ssl, c->fd) != 1 || SSL_set1_host(ssl, s->host) != 1 ||
	    (s->is_name && SSL_set_tlsext_host_name(ssl, s->host) != 1)) {
		pa_ssl_log(c, "TLS setup");
		return AUTHD_ERR_IO;
	}
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	for (;;) {
		errno = 0;
		pa_nopipe_begin(&np);
		ret = SSL_connect(ssl);
		pa_nopipe_end(&np);
		if (ret == 1)
			break;
		if ((r = pa_ssl_wait(c, ret, deadline)) != 0)
			break;
	}
	if (ret == 1) {
		if (c->o->debug)
			pam_syslog(c->pamh, LOG_DEBUG, "%s: TLS handshake done (%s)", c->name,
			    SSL_get_cipher_name(ssl));
		return 0;
	}
	if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK)
		pam_syslog(c->pamh, LOG_ERR, "%s: server certificate refused: %s", c->name,
		    X509_verify_cert_error_string(vr));
	else if (r == AUTHD_ERR_TIMEOUT)
		pam_syslog(c->pamh, LOG_ERR, "%s: TLS handshake timed out after %d s", c->name,
		    c->o->timeout);
	else
		pa_ssl_log(c, "TLS handshake failed");
	ERR_clear_error();
	return r != 0 ? r : AUTHD_ERR_IO;
}

long
pa_tls_read(struct pa_conn *c, void *p, size_t len, int64_t deadline)
{
	struct pa_nopipe np;
	size_t n = 0;
	int ret, r;

	for (;;) {
		errno = 0;
		ERR_clear_error();
		pa_nopipe_begin(&np);
		ret = SSL_read_ex(c->ssl, p, len, &n);
		pa_nopipe_end(&np);
		if (ret == 1 && n > 0)
			return (long)n;
		if (SSL_get_error(c->ssl, ret) == SSL_ERROR_SSL &&
		    ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return AUTHD_ERR_CLOSED;	/* the server hung up (revoked, stopped) */
		}
		if ((r = pa_ssl_wait(c, ret, deadline)) != 0) {
			if (r == AUTHD_ERR_IO)
				pa_ssl_log(c, "TLS read");
			return r;
		}
	}
}

int
pa_tls_write(struct pa_conn *c, const void *p, size_t len, int64_t deadline)
{
	struct pa_nopipe np;
	size_t off = 0, n;
	int ret, r;

	while (off < len) {
		errno = 0;
		n = 0;
		ERR_clear_error();
		pa_nopipe_begin(&np);
		ret = SSL_write_ex(c->ssl, (const unsigned char *)p + off, len - off, &n);
		pa_nopipe_end(&np);
		if (ret == 1) {
			off += n;
			continue;
		}
		if ((r = pa_ssl_wait(c, ret, deadline)) != 0) {
			ERR_clear_error();
			return r;
		}
	}
	return 0;
}

void
pa_tls_free(struct pa_conn *c)
{
	struct pa_nopipe np;

	if (c->ssl != NULL) {
		/* close_notify if it goes out at once; no wait for the server's */
		pa_nopipe_begin(&np);
		if (SSL_is_init_finished(c->ssl))
			(void)SSL_shutdown(c->ssl);
		pa_nopipe_end(&np);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ctx != NULL) {
		SSL_CTX_free(c->ctx);
		c->ctx = NULL;
	}
	ERR_clear_error();
}
