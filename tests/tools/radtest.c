/*
 * tests/tools/radtest.c: a raw-UDP RADIUS client for authd's tests and benchmark,
 * built on authd's own codec (authd/radius.[ch], client direction).
 *
 * Debian's radclient predates the BlastRADIUS fix and checks nothing in a reply;
 * this client does: every reply must verify (Response Authenticator and
 * Message-Authenticator, radius_verify_reply) and carry Message-Authenticator as
 * its FIRST attribute.
 *
 *   radtest -s ADDR:PORT -k SECRET [request options] [mode]
 *
 * Request: -c auth|status (default auth), -u USER, -p PASSWORD (hidden, RFC 2865
 * §5.2), --state HEX, --calling-station-id S, --nas-port N, --nas-id S,
 * --attr TYPE=HEX (any attribute, repeatable), --no-ma (no Message-Authenticator),
 * --bad-ma (a wrong one), --id N, --authenticator HEX (32 hex digits: with --id,
 * the same packet every run), -b ADDR (source address), -t SECONDS (timeout, 2).
 *
 * Modes:
 *   (default)    send once; print the reply: a line "CODE id=N length=N", then each
 *                attribute "Name=value" in packet order (text as is, the rest 0xHEX,
 *                NAS-Port in decimal); --raw adds "raw=0xHEX" (the whole packet).
 *   --resend N   send the same packet N times, each after the previous reply;
 *                print each reply, then "identical=yes" or "identical=no".
 *   --copies N   send N identical copies back to back (an impatient NAS), then
 *                print every reply that arrives within the timeout and "replies=K".
 *   --burst N    N requests (distinct ID/authenticator) as fast as possible; print
 *                "sent=N answered=K invalid=J seconds=S".
 *   --rate SECONDS [--window W]
 *                closed loop, W requests in flight (default 8, at most 256); an
 *                unanswered request is counted lost after the timeout and replaced;
 *                print "rate=R ops=N lost=L accept=A reject=J challenge=C invalid=I".
 *   --count N    with --rate: stop after N replies instead of (or before) SECONDS.
 *   --user-count N: burst/rate requests cycle User-Name through USER0..USER<N-1>.
 *
 * Exit status: 0 every reply valid; 1 usage or system error; 2 no reply (timeout);
 * 3 a reply that does not decode or verify; 4 Message-Authenticator not first.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "radius.h"
#include "wipe.h"

#define EX_OK		0
#define EX_USAGE	1
#define EX_NOREPLY	2
#define EX_INVALID	3
#define EX_MAORDER	4

#define MAX_EXTRA	16

struct extra {
	uint8_t		 type;
	uint8_t		 val[RADIUS_MAX_VALUE];
	size_t		 len;
};

static struct {
	const char	*server, *bind, *secret, *user, *password, *calling, *nasid;
	uint8_t		 code;
	uint8_t		 state[RADIUS_MAX_VALUE];
	size_t		 statelen;
	int		 have_state;
	long		 nasport;	/* -1: none */
	int		 no_ma, bad_ma, raw;
	int		 id;		/* -1: random */
	uint8_t		 auth[RADIUS_AUTH_LEN];
	int		 have_auth;
	double		 timeout;
	struct extra	 extra[MAX_EXTRA];
	size_t		 nextra;
	long		 user_count;
} opt;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: radtest -s ADDR:PORT -k SECRET [-c auth|status] [-u USER] [-p PASSWORD]\n"
	    "           [--state HEX] [--calling-station-id S] [--nas-port N] [--nas-id S]\n"
	    "           [--attr TYPE=HEX]... [--no-ma | --bad-ma] [--id N] [--authenticator HEX]\n"
	    "           [-b ADDR] [-t SECONDS] [--raw]\n"
	    "           [--resend N | --copies N | --burst N | --rate SECONDS [--window W]\n"
	    "            [--count N]] [--user-count N]\n");
	exit(EX_USAGE);
}

static void die(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "radtest: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EX_USAGE);
}

/* A checked integer in [min, max]. */
static long
num(const char *s, long min, long max, const char *what)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || e == s || *e != '\0' || v < min || v > max)
		die("%s: not a number in range", what);
	return v;
}

static double
fnum(const char *s, const char *what)
{
	char *e;
	double v;

	errno = 0;
	v = strtod(s, &e);
	if (errno != 0 || e == s || *e != '\0' || !(v > 0) || v > 3600)
		die("%s: not a positive number of seconds", what);
	return v;
}

/* HEX (optionally 0x-prefixed) into out; the length in bytes, or -1. */
static long
unhex(const char *s, uint8_t *out, size_t outlen)
{
	size_t n = 0;
	unsigned int hi, lo;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (s[0] != '\0') {
		if (s[1] == '\0' || n >= outlen || sscanf(s, "%1x%1x", &hi, &lo) != 2)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (long)n;
}

static void
print_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	fputs("0x", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* "ADDR:PORT" or "[V6ADDR]:PORT" (port optional for -b). */
static int
parse_addr(const char *s, int need_port, struct sockaddr_storage *ss, socklen_t *len_r)
{
	char host[INET6_ADDRSTRLEN + 2], *port = NULL, *p;
	struct addrinfo hints, *res;
	int r;

	if (strlen(s) >= sizeof(host))
		return -1;
	snprintf(host, sizeof(host), "%s", s);
	if (host[0] == '[') {
		if ((p = strchr(host, ']')) == NULL)
			return -1;
		*p = '\0';
		if (p[1] == ':')
			port = p + 2;
		else if (p[1] != '\0')
			return -1;
		memmove(host, host + 1, strlen(host + 1) + 1);
	} else if ((p = strrchr(host, ':')) != NULL && strchr(host, ':') == p) {
		*p = '\0';
		port = p + 1;
	}
	if (need_port && (port == NULL || *port == '\0'))
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((r = getaddrinfo(host, port != NULL ? port : "0", &hints, &res)) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len_r = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* The client socket: bound to -b if given, connected to the server. */
static int
open_socket(void)
{
	struct sockaddr_storage srv, src;
	socklen_t srvlen, srclen;
	int fd, sz = 8 << 20;

	if (parse_addr(opt.server, 1, &srv, &srvlen) != 0)
		die("server %s: expected ADDR:PORT or [ADDR]:PORT", opt.server);
	if ((fd = socket(srv.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("radtest: socket");
		exit(EX_USAGE);
	}
	/* room for a burst's replies; root may go past rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (opt.bind != NULL) {
		if (parse_addr(opt.bind, 0, &src, &srclen) != 0 || src.ss_family != srv.ss_family)
			die("bind %s: not an address of the server's family", opt.bind);
		if (bind(fd, (struct sockaddr *)&src, srclen) != 0) {
			perror("radtest: bind");
			exit(EX_USAGE);
		}
	}
	if (connect(fd, (struct sockaddr *)&srv, srvlen) != 0) {
		perror("radtest: connect");
		exit(EX_USAGE);
	}
	return fd;
}

/*
 * Build the request with ID id and authenticator auth into out (RADIUS_MAX_PACKET
 * bytes); user_idx >= 0 appends the index to User-Name (--user-count).
 */
static size_t
build(uint8_t id, const uint8_t auth[RADIUS_AUTH_LEN], long user_idx, uint8_t *out)
{
	struct radius_reply r;
	uint8_t hidden[RADIUS_MAX_PASSWORD], *pkt, port[4];
	char user[RADIUS_MAX_VALUE + 1];
	size_t hlen, len, i;
	int e;

	if ((e = radius_reply_init(&r, opt.code, id)) != 0)
		goto fail;
	if (opt.user != NULL) {
		if (user_idx >= 0)
			snprintf(user, sizeof(user), "%s%ld", opt.user, user_idx);
		else
			snprintf(user, sizeof(user), "%s", opt.user);
		if ((e = radius_reply_add(&r, RADIUS_ATTR_USER_NAME, user, strlen(user))) != 0)
			goto fail;
	}
	if (opt.password != NULL) {
		if ((e = radius_hide_password(auth, (const uint8_t *)opt.secret, strlen(opt.secret),
		    opt.password, strlen(opt.password), hidden, sizeof(hidden), &hlen)) != 0 ||
		    (e = radius_reply_add(&r, RADIUS_ATTR_USER_PASSWORD, hidden, hlen)) != 0)
			goto fail;
		wipe(hidden, sizeof(hidden));
	}
	if (opt.have_state &&
	    (e = radius_reply_add(&r, RADIUS_ATTR_STATE, opt.state, opt.statelen)) != 0)
		goto fail;
	if (opt.calling != NULL && (e = radius_reply_add(&r, RADIUS_ATTR_CALLING_STATION_ID,
	    opt.calling, strlen(opt.calling))) != 0)
		goto fail;
	if (opt.nasport >= 0) {
		port[0] = (uint8_t)(opt.nasport >> 24);
		port[1] = (uint8_t)(opt.nasport >> 16);
		port[2] = (uint8_t)(opt.nasport >> 8);
		port[3] = (uint8_t)opt.nasport;
		if ((e = radius_reply_add(&r, RADIUS_ATTR_NAS_PORT, port, 4)) != 0)
			goto fail;
	}
	if (opt.nasid != NULL && (e = radius_reply_add(&r, RADIUS_ATTR_NAS_IDENTIFIER,
	    opt.nasid, strlen(opt.nasid))) != 0)
		goto fail;
	for (i = 0; i < opt.nextra; i++)
		if ((e = radius_reply_add(&r, opt.extra[i].type, opt.extra[i].val,
		    opt.extra[i].len)) != 0)
			goto fail;
	if ((e = radius_request_finish(&r, auth, (const uint8_t *)opt.secret, strlen(opt.secret),
	    &pkt, &len)) != 0)
		goto fail;
	memcpy(out, pkt, len);
	wipe(&r, sizeof(r));
	/* the builder puts Message-Authenticator first: offset 20, value at 22 */
	if (opt.bad_ma)
		out[RADIUS_HDR_LEN + 2] ^= 0x01;
	if (opt.no_ma) {
		memmove(out + RADIUS_HDR_LEN, out + RADIUS_HDR_LEN + 2 + RADIUS_AUTH_LEN,
		    len - RADIUS_HDR_LEN - 2 - RADIUS_AUTH_LEN);
		len -= 2 + RADIUS_AUTH_LEN;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
	}
	return len;
 fail:
	wipe(&r, sizeof(r));
	wipe(hidden, sizeof(hidden));
	die("cannot build the request: %s", radius_strerror(e));
}

static const char *
code_name(uint8_t c)
{
	switch (c) {
	case RADIUS_ACCESS_ACCEPT:	return "Access-Accept";
	case RADIUS_ACCESS_REJECT:	return "Access-Reject";
	case RADIUS_ACCESS_CHALLENGE:	return "Access-Challenge";
	case RADIUS_ACCESS_REQUEST:	return "Access-Request";
	case RADIUS_STATUS_SERVER:	return "Status-Server";
	default:			return NULL;
	}
}

static const char *
attr_name(uint8_t t, int *text_r)
{
	*text_r = 1;
	switch (t) {
	case RADIUS_ATTR_USER_NAME:		return "User-Name";
	case RADIUS_ATTR_FILTER_ID:		return "Filter-Id";
	case RADIUS_ATTR_REPLY_MESSAGE:		return "Reply-Message";
	case RADIUS_ATTR_CLASS:			return "Class";
	case RADIUS_ATTR_CALLING_STATION_ID:	return "Calling-Station-Id";
	case RADIUS_ATTR_NAS_IDENTIFIER:	return "NAS-Identifier";
	}
	*text_r = 0;
	switch (t) {
	case RADIUS_ATTR_USER_PASSWORD:		return "User-Password";
	case RADIUS_ATTR_NAS_PORT:		return "NAS-Port";
	case RADIUS_ATTR_STATE:			return "State";
	case RADIUS_ATTR_PROXY_STATE:		return "Proxy-State";
	case RADIUS_ATTR_MESSAGE_AUTHENTICATOR:	return "Message-Authenticator";
	}
	return NULL;
}

static void
print_reply(const struct radius_packet *p, const uint8_t *buf)
{
	const struct radius_attr *a;
	const char *name;
	uint32_t v;
	size_t i, j;
	int text;

	if ((name = code_name(p->code)) != NULL)
		printf("%s id=%u length=%u\n", name, p->id, p->len);
	else
		printf("Code-%u id=%u length=%u\n", p->code, p->id, p->len);
	for (i = 0; i < p->nattrs; i++) {
		a = &p->attrs[i];
		if ((name = attr_name(a->type, &text)) != NULL)
			printf("%s=", name);
		else
			printf("Attr-%u=", a->type);
		for (j = 0; text && j < a->len; j++)
			if (a->value[j] < 0x20 || a->value[j] > 0x7e)
				text = 0;
		if (a->type == RADIUS_ATTR_NAS_PORT && radius_attr_u32(a, &v) == 0)
			printf("%u", v);
		else if (text)
			fwrite(a->value, 1, a->len, stdout);
		else
			print_hex(stdout, a->value, a->len);
		putchar('\n');
	}
	if (opt.raw) {
		fputs("raw=", stdout);
		print_hex(stdout, buf, p->len);
		putchar('\n');
	}
}

/* Decode and check a reply to the request with authenticator auth: EX_* code. */
static int
check_reply(const uint8_t *buf, size_t len, const uint8_t auth[RADIUS_AUTH_LEN],
    struct radius_packet *p, int quiet)
{
	int r;

	if ((r = radius_decode(buf, len, p)) != 0) {
		if (!quiet)
			fprintf(stderr, "radtest: reply does not decode: %s\n", radius_strerror(r));
		return EX_INVALID;
	}
	if ((r = radius_verify_reply(p, buf, len, auth, (const uint8_t *)opt.secret,
	    strlen(opt.secret))) != 0) {
		if (!quiet)
			fprintf(stderr, "radtest: reply does not verify: %s\n", radius_strerror(r));
		return EX_INVALID;
	}
	if (p->nattrs == 0 || p->attrs[0].type != RADIUS_ATTR_MESSAGE_AUTHENTICATOR) {
		if (!quiet)
			fprintf(stderr, "radtest: Message-Authenticator is not the first attribute\n");
		return EX_MAORDER;
	}
	return EX_OK;
}

/* Wait for a datagram with ID id until deadline; its length, or 0 on timeout. */
static size_t
recv_reply(int fd, uint8_t id, double deadline, uint8_t *buf)
{
	struct pollfd pfd;
	ssize_t n;
	double left;

	for (;;) {
		left = deadline - now_s();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		/* an error (ICMP port unreachable: ECONNREFUSED) or another ID: keep waiting */
		n = recv(fd, buf, RADIUS_MAX_PACKET + 1, MSG_DONTWAIT);
		if (n >= 2 && buf[1] == id)
			return (size_t)n;
	}
}

static void
new_auth(uint8_t auth[RADIUS_AUTH_LEN])
{
	if (RAND_bytes(auth, RADIUS_AUTH_LEN) != 1)
		die("RAND_bytes failed");
}

/* Default, --resend and --copies. */
static int
run_single(int fd, long resend, long copies)
{
	static uint8_t pkt[RADIUS_MAX_PACKET], buf[RADIUS_MAX_PACKET + 1],
	    first[RADIUS_MAX_PACKET + 1];
	struct radius_packet *p;
	size_t len, n, firstlen = 0;
	uint8_t id, auth[RADIUS_AUTH_LEN];
	long i, got = 0;
	int rc = EX_OK, r, identical = 1;
	double deadline;

	if ((p = malloc(sizeof(*p))) == NULL)
		die("out of memory");
	id = opt.id >= 0 ? (uint8_t)opt.id : 0;
	if (opt.id < 0 && RAND_bytes(&id, 1) != 1)
		die("RAND_bytes failed");
	if (opt.have_auth)
		memcpy(auth, opt.auth, sizeof(auth));
	else
		new_auth(auth);
	len = build(id, auth, -1, pkt);

	if (copies > 0) {
		for (i = 0; i < copies; i++)
			if (send(fd, pkt, len, 0) != (ssize_t)len)
				perror("radtest: send");
		deadline = now_s() + opt.timeout;
		while ((n = recv_reply(fd, id, deadline, buf)) > 0) {
			got++;
			if ((r = check_reply(buf, n, auth, p, 0)) != EX_OK && rc == EX_OK)
				rc = r;
			if (r != EX_INVALID)
				print_reply(p, buf);
		}
		printf("replies=%ld\n", got);
		free(p);
		return got == 0 && rc == EX_OK ? EX_NOREPLY : rc;
	}

	for (i = 0; i < resend; i++) {
		if (send(fd, pkt, len, 0) != (ssize_t)len)
			perror("radtest: send");
		deadline = now_s() + opt.timeout;
		if ((n = recv_reply(fd, id, deadline, buf)) == 0) {
			fprintf(stderr, "radtest: no reply within %g s\n", opt.timeout);
			if (rc == EX_OK)
				rc = EX_NOREPLY;
			identical = 0;
			continue;
		}
		if ((r = check_reply(buf, n, auth, p, 0)) != EX_OK && rc == EX_OK)
			rc = r;
		if (r != EX_INVALID)
			print_reply(p, buf);
		if (i == 0) {
			memcpy(first, buf, n);
			firstlen = n;
		} else if (n != firstlen || memcmp(first, buf, n) != 0)
			identical = 0;
	}
	if (resend > 1)
		printf("identical=%s\n", identical ? "yes" : "no");
	free(p);
	return rc;
}

/* A request of --burst or --rate. */
struct slot {
	uint8_t		 auth[RADIUS_AUTH_LEN];
	double		 sent;
	int		 busy;		/* sent, no reply yet */
};

static int
send_slot(int fd, struct slot *s, uint8_t id, long seq)
{
	uint8_t pkt[RADIUS_MAX_PACKET];
	size_t len;
	ssize_t n;

	new_auth(s->auth);
	len = build(id, s->auth, opt.user_count > 0 ? seq % opt.user_count : -1, pkt);
	for (;;) {
		n = send(fd, pkt, len, MSG_DONTWAIT);
		if (n == (ssize_t)len)
			break;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			struct pollfd pfd = { fd, POLLOUT, 0 };

			(void)poll(&pfd, 1, 10);
			continue;
		}
		if (n < 0 && errno == ECONNREFUSED)
			continue;	/* a stale ICMP error */
		perror("radtest: send");
		return -1;
	}
	s->sent = now_s();
	s->busy = 1;
	return 0;
}

/* --burst N: N requests as fast as possible, then count valid replies. */
static int
run_burst(int fd, long n)
{
	static uint8_t buf[RADIUS_MAX_PACKET + 1];
	struct radius_packet *p;
	struct slot *s;
	long i, j, answered = 0, invalid = 0;
	double t0, last, deadline;
	ssize_t k;

	if ((s = calloc((size_t)n, sizeof(*s))) == NULL || (p = malloc(sizeof(*p))) == NULL)
		die("out of memory");
	t0 = now_s();
	last = t0;
	deadline = 0;
	for (i = 0; ; ) {
		/* send all first; drain what is already there as we go */
		if (i < n) {
			if (send_slot(fd, &s[i], (uint8_t)(i & 0xff), i) != 0)
				return EX_USAGE;
			i++;
			if (i == n)
				deadline = now_s() + opt.timeout;
		} else {
			struct pollfd pfd = { fd, POLLIN, 0 };
			double left = deadline - now_s();

			if (answered + invalid >= n || left <= 0)
				break;
			(void)poll(&pfd, 1, (int)(left * 1000) + 1);
		}
		while ((k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 ||
		    (k < 0 && errno == ECONNREFUSED)) {
			if (k < 20)
				continue;
			/* the candidates with this ID: i % 256 == id */
			for (j = buf[1]; j < n; j += 256)
				if (s[j].busy && check_reply(buf, (size_t)k, s[j].auth, p, 1) == EX_OK)
					break;
			if (j < n) {
				s[j].busy = 0;
				answered++;
				last = now_s();
			} else
				invalid++;
		}
	}
	printf("sent=%ld answered=%ld invalid=%ld seconds=%.3f\n", n, answered, invalid,
	    last - t0);
	free(s);
	free(p);
	return invalid > 0 ? EX_INVALID : answered < n ? EX_NOREPLY : EX_OK;
}

/* --rate SECONDS: a closed loop with window requests in flight. */
static int
run_rate(int fd, double seconds, long window, long count)
{
	static uint8_t buf[RADIUS_MAX_PACKET + 1];
	struct radius_packet *p;
	struct slot s[256];
	long i, seq = 0, ops = 0, lost = 0, invalid = 0, bycode[256];
	double t0, now, end;
	ssize_t k;
	int r;

	if ((p = malloc(sizeof(*p))) == NULL)
		die("out of memory");
	memset(s, 0, sizeof(s));
	memset(bycode, 0, sizeof(bycode));
	t0 = now_s();
	end = t0 + seconds;
	for (i = 0; i < window; i++)
		if (send_slot(fd, &s[i], (uint8_t)i, seq++) != 0)
			return EX_USAGE;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		now = now_s();
		if (now >= end || (count > 0 && ops >= count))
			break;
		(void)poll(&pfd, 1, 10);
		while ((count <= 0 || ops < count) &&
		    ((k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 ||
		    (k < 0 && errno == ECONNREFUSED))) {
			if (k < 20 || buf[1] >= window || !s[buf[1]].busy)
				continue;
			i = buf[1];
			if ((r = check_reply(buf, (size_t)k, s[i].auth, p, 1)) != EX_OK) {
				invalid++;	/* late reply to a replaced request, or bad */
				continue;
			}
			ops++;
			bycode[p->code]++;
			s[i].busy = 0;
			if (now_s() < end && (count <= 0 || ops < count) &&
			    send_slot(fd, &s[i], (uint8_t)i, seq++) != 0)
				return EX_USAGE;
		}
		now = now_s();
		for (i = 0; i < window; i++)
			if (s[i].busy && now - s[i].sent > opt.timeout) {
				lost++;
				if (send_slot(fd, &s[i], (uint8_t)i, seq++) != 0)
					return EX_USAGE;
			}
	}
	now = now_s();
	printf("rate=%.1f ops=%ld lost=%ld accept=%ld reject=%ld challenge=%ld invalid=%ld\n",
	    ops / (now - t0), ops, lost, bycode[RADIUS_ACCESS_ACCEPT],
	    bycode[RADIUS_ACCESS_REJECT], bycode[RADIUS_ACCESS_CHALLENGE], invalid);
	free(p);
	return ops == 0 ? EX_NOREPLY : EX_OK;
}

int
main(int argc, char **argv)
{
	enum { O_STATE = 256, O_CALLING, O_NASPORT, O_NASID, O_ATTR, O_NOMA, O_BADMA, O_ID,
	    O_AUTH, O_RAW, O_RESEND, O_COPIES, O_BURST, O_RATE, O_WINDOW, O_COUNT, O_UCOUNT };
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "secret", required_argument, NULL, 'k' },
		{ "code", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, O_STATE },
		{ "calling-station-id", required_argument, NULL, O_CALLING },
		{ "nas-port", required_argument, NULL, O_NASPORT },
		{ "nas-id", required_argument, NULL, O_NASID },
		{ "attr", required_argument, NULL, O_ATTR },
		{ "no-ma", no_argument, NULL, O_NOMA },
		{ "bad-ma", no_argument, NULL, O_BADMA },
		{ "id", required_argument, NULL, O_ID },
		{ "authenticator", required_argument, NULL, O_AUTH },
		{ "raw", no_argument, NULL, O_RAW },
		{ "resend", required_argument, NULL, O_RESEND },
		{ "copies", required_argument, NULL, O_COPIES },
		{ "burst", required_argument, NULL, O_BURST },
		{ "rate", required_argument, NULL, O_RATE },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "count", required_argument, NULL, O_COUNT },
		{ "user-count", required_argument, NULL, O_UCOUNT },
		{ NULL, 0, NULL, 0 },
	};
	long resend = 1, copies = 0, burst = 0, window = 8, count = 0, n;
	double rate = 0;
	char *eq;
	int ch, fd, modes = 0;

	opt.code = RADIUS_ACCESS_REQUEST;
	opt.nasport = -1;
	opt.id = -1;
	opt.timeout = 2;
	while ((ch = getopt_long(argc, argv, "s:k:c:u:p:b:t:", lo, NULL)) != -1) {
		switch (ch) {
		case 's': opt.server = optarg; break;
		case 'k': opt.secret = optarg; break;
		case 'c':
			if (strcmp(optarg, "auth") == 0)
				opt.code = RADIUS_ACCESS_REQUEST;
			else if (strcmp(optarg, "status") == 0)
				opt.code = RADIUS_STATUS_SERVER;
			else
				die("code %s: expected auth or status", optarg);
			break;
		case 'u': opt.user = optarg; break;
		case 'p': opt.password = optarg; break;
		case 'b': opt.bind = optarg; break;
		case 't': opt.timeout = fnum(optarg, "timeout"); break;
		case O_STATE:
			if ((n = unhex(optarg, opt.state, sizeof(opt.state))) <= 0)
				die("state %s: expected 1..253 bytes of hex", optarg);
			opt.statelen = (size_t)n;
			opt.have_state = 1;
			break;
		case O_CALLING: opt.calling = optarg; break;
		case O_NASPORT: opt.nasport = num(optarg, 0, 0xffffffffL, "nas-port"); break;
		case O_NASID: opt.nasid = optarg; break;
		case O_ATTR:
			if (opt.nextra >= MAX_EXTRA || (eq = strchr(optarg, '=')) == NULL)
				die("attr %s: expected TYPE=HEX", optarg);
			*eq = '\0';
			opt.extra[opt.nextra].type = (uint8_t)num(optarg, 1, 255, "attr type");
			if ((n = unhex(eq + 1, opt.extra[opt.nextra].val, RADIUS_MAX_VALUE)) <= 0)
				die("attr value %s: expected 1..253 bytes of hex", eq + 1);
			opt.extra[opt.nextra++].len = (size_t)n;
			break;
		case O_NOMA: opt.no_ma = 1; break;
		case O_BADMA: opt.bad_ma = 1; break;
		case O_ID: opt.id = (int)num(optarg, 0, 255, "id"); break;
		case O_AUTH:
			if (unhex(optarg, opt.auth, sizeof(opt.auth)) != RADIUS_AUTH_LEN)
				die("authenticator %s: expected 32 hex digits", optarg);
			opt.have_auth = 1;
			break;
		case O_RAW: opt.raw = 1; break;
		case O_RESEND: resend = num(optarg, 1, 1000, "resend"); modes++; break;
		case O_COPIES: copies = num(optarg, 1, 1000, "copies"); modes++; break;
		case O_BURST: burst = num(optarg, 1, 10000000, "burst"); modes++; break;
		case O_RATE: rate = fnum(optarg, "rate"); modes++; break;
		case O_WINDOW: window = num(optarg, 1, 256, "window"); break;
		case O_COUNT: count = num(optarg, 1, LONG_MAX, "count"); break;
		case O_UCOUNT: opt.user_count = num(optarg, 1, 1000000, "user-count"); break;
		default: usage();
		}
	}
	if (optind != argc || opt.server == NULL || opt.secret == NULL || opt.secret[0] == '\0' ||
	    modes > 1 || (opt.no_ma && opt.bad_ma))
		usage();
	if (opt.password != NULL && strlen(opt.password) > RADIUS_MAX_PASSWORD)
		die("password: at most 128 bytes");
	if ((burst > 0 || rate > 0) && (opt.have_auth || opt.id >= 0))
		die("--id and --authenticator make one packet: not with --burst or --rate");
	fd = open_socket();
	if (burst > 0)
		return run_burst(fd, burst);
	if (rate > 0)
		return run_rate(fd, rate, window, count);
	return run_single(fd, resend, copies);
}
