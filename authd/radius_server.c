/*
 * authd/radius_server.c: the RADIUS front-end on libevent.
 *
 * A request is checked, in this order, before any hash or database work:
 * known client (address), well-formed packet, Message-Authenticator
 * (BlastRADIUS, CVE-2024-3596), duplicate (RFC 5080: a retransmission gets the
 * cached reply, never a second verification). Then it is relayed into the
 * login conversation over a socketpair, exactly as pam_authd.so does: the
 * password (and the OTP, appended or sent after an Access-Challenge) are the
 * answers. A password change cannot be done over RADIUS: the user is told to
 * log in to a host. Replies carry Message-Authenticator first.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cidr.h"
#include "config.h"
#include "log.h"
#include "proto.h"
#include "radius.h"
#include "radius_server.h"
#include "server.h"
#include "store.h"
#include "wipe.h"

#define RAD_MAX_INFLIGHT	1024	/* conversations at once; more are dropped (NAS retries) */
#define RAD_DUP_MAX		2048	/* RFC 5080 duplicate cache */
#define RAD_DUP_TTL		30.0	/* seconds a reply is kept for retransmissions */
#define RAD_RCVBUF		(8 << 20)	/* bursts: the default drops above ~190 requests */
#define RAD_OTP_DIGITS		6	/* password+OTP in one field: the last six digits */

struct radsrv;

struct rad_dup {
	int			 used;
	int			 done;		/* reply cached */
	size_t			 client;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	uint8_t			 id;
	uint8_t			 auth[RADIUS_AUTH_LEN];
	double			 at;
	int			 fd;
	uint8_t			 reply[RADIUS_MAX_PACKET];
	size_t			 len;
};

/* One login conversation with the engine, possibly across a challenge. */
struct rad_req {
	TAILQ_ENTRY(rad_req)	 entry;
	struct radsrv		*rs;
	size_t			 client;
	int			 fd;		/* the UDP socket the request came on */
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	uint8_t			 id;
	uint8_t			 auth[RADIUS_AUTH_LEN];
	uint8_t			 proxy[4][RADIUS_MAX_VALUE];	/* Proxy-State, copied back */
	size_t			 proxylen[4], nproxy;
	struct rad_dup		*dup;
	char			 user[STORE_NAME_MAX + 1];
	char			 pw[RADIUS_MAX_PASSWORD + 1];
	char			 otp[16];
	int			 have_otp;
	struct bufferevent	*bev;
	uint8_t			 state[16];
	int			 challenged;
	double			 expires;
};

struct radsrv {
	struct server		*srv;
	evutil_socket_t		 fd;
	struct event		*ev;
	struct event		*sweep;
	TAILQ_HEAD(, rad_req)	 reqs;
	unsigned int		 nreqs;
	struct rad_dup		 dups[RAD_DUP_MAX];
	unsigned long		 dropped_unknown, dropped_malformed, dropped_ma, dropped_busy;
};

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
addr_str(const struct sockaddr_storage *ss, char *out, size_t outlen, int *port_r)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	out[0] = '\0';
	*port_r = -1;
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, out, (socklen_t)outlen);
		*port_r = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)outlen);
		*port_r = ntohs(s6->sin6_port);
	}
}

static const struct config_radius_client *
client_of(struct radsrv *rs, size_t i)
{
	return &rs->srv->cfg->radius_clients[i];
}

static int
find_client(struct radsrv *rs, const char *addr, size_t *i_r)
{
	size_t i;

	for (i = 0; i < rs->srv->cfg->nradius_clients; i++)
		if (cidr_list_match(client_of(rs, i)->address, addr)) {
			*i_r = i;
			return 0;
		}
	return -1;
}

/* ---- duplicate detection (RFC 5080 §2.2.2) ---- */

static struct rad_dup *
dup_find(struct radsrv *rs, size_t client, const struct sockaddr_storage *from,
    socklen_t fromlen, uint8_t id, const uint8_t auth[RADIUS_AUTH_LEN])
{
	double now = mono();
	size_t i;

	for (i = 0; i < RAD_DUP_MAX; i++) {
		struct rad_dup *d = &rs->dups[i];

		if (!d->used)
			continue;
		if (now - d->at > RAD_DUP_TTL) {
			d->used = 0;
			continue;
		}
		if (d->client == client && d->id == id && d->fromlen == fromlen &&
		    memcmp(&d->from, from, fromlen) == 0 &&
		    memcmp(d->auth, auth, RADIUS_AUTH_LEN) == 0)
			return d;
	}
	return NULL;
}

static struct rad_dup *
dup_add(struct radsrv *rs, size_t client, int fd, const struct sockaddr_storage *from,
    socklen_t fromlen, uint8_t id, const uint8_t auth[RADIUS_AUTH_LEN])
{
	double now = mono(), oldest = now + 1;
	struct rad_dup *d = NULL;
	size_t i;

	for (i = 0; i < RAD_DUP_MAX; i++) {
		if (!rs->dups[i].used || now - rs->dups[i].at > RAD_DUP_TTL) {
			d = &rs->dups[i];
			break;
		}
		/* full: the oldest finished entry makes room */
		if (rs->dups[i].done && rs->dups[i].at < oldest) {
			oldest = rs->dups[i].at;
			d = &rs->dups[i];
		}
	}
	if (d == NULL)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->used = 1;
	d->client = client;
	d->fd = fd;
	memcpy(&d->from, from, fromlen);
	d->fromlen = fromlen;
	d->id = id;
	memcpy(d->auth, auth, RADIUS_AUTH_LEN);
	d->at = now;
	return d;
}

/* ---- replies ---- */

static void
send_reply(struct radsrv *rs, int fd, const struct sockaddr_storage *to, socklen_t tolen,
    struct rad_dup *dup, const uint8_t req_auth[RADIUS_AUTH_LEN], size_t client,
    struct radius_reply *r)
{
	const struct config_radius_client *cc = client_of(rs, client);
	uint8_t *out;
	size_t len;

	if (radius_reply_finish(r, req_auth, (const uint8_t *)cc->secret, strlen(cc->secret),
	    &out, &len) != 0) {
		log_warnx("radius: cannot build a reply for %s", cc->name);
		return;
	}
	if (sendto(fd, out, len, 0, (const struct sockaddr *)to, tolen) == -1)
		log_warn("radius: sendto %s", cc->name);
	if (dup != NULL) {
		memcpy(dup->reply, out, len);
		dup->len = len;
		dup->done = 1;
	}
}

static void
req_reply(struct rad_req *q, uint8_t code, const char *msg, const char *klass)
{
	struct radius_reply r;
	size_t i;

	if (radius_reply_init(&r, code, q->id) != 0)
		return;
	if (msg != NULL)
		(void)radius_reply_add(&r, RADIUS_ATTR_REPLY_MESSAGE, msg, strlen(msg));
	if (klass != NULL && klass[0] != '\0')
		(void)radius_reply_add(&r, RADIUS_ATTR_CLASS, klass, strlen(klass));
	if (code == RADIUS_ACCESS_CHALLENGE)
		(void)radius_reply_add(&r, RADIUS_ATTR_STATE, q->state, sizeof(q->state));
	for (i = 0; i < q->nproxy; i++)
		(void)radius_reply_add(&r, RADIUS_ATTR_PROXY_STATE, q->proxy[i], q->proxylen[i]);
	send_reply(q->rs, q->fd, &q->from, q->fromlen, q->dup, q->auth, q->client, &r);
}

static void
req_free(struct rad_req *q)
{
	struct radsrv *rs = q->rs;

	TAILQ_REMOVE(&rs->reqs, q, entry);
	rs->nreqs--;
	if (q->bev != NULL)
		bufferevent_free(q->bev);	/* authd's end sees EOF and closes */
	wipe(q, sizeof(*q));
	free(q);
}

/* Write one line to the engine. */
static int
req_send(struct rad_req *q, const char *verb, ...)
{
	struct buf *b = buf_new(PROTO_MAX_LINE);
	va_list ap;
	int r;

	if (b == NULL)
		return -1;
	va_start(ap, verb);
	r = proto_vline(b, verb, ap);
	va_end(ap);
	if (r == 0)
		r = bufferevent_write(q->bev, buf_ptr(b), buf_len(b));
	buf_free(&b);	/* wipes: answers are secrets */
	return r;
}

/* One line from the engine; 1 when q is gone afterwards. */
static int
req_line(struct rad_req *q, const struct proto_msg *m)
{
	const char *step, *code;
	char klass[STORE_TEXT_MAX + 32];
	int r;

	if (strcmp(m->verb, "VERSION") == 0 || strcmp(m->verb, "INFO") == 0 ||
	    strcmp(m->verb, "ERROR") == 0)
		return 0;
	if (strcmp(m->verb, "CONT") == 0) {
		step = proto_get(m, "step");
		if (step != NULL && strcmp(step, "password") == 0) {
			r = req_send(q, "ANSWER", "value", q->pw, NULL);
			wipe(q->pw, sizeof(q->pw));
			if (r != 0)
				goto reject;
			return 0;
		}
		if (step != NULL && strcmp(step, "otp") == 0) {
			if (q->have_otp) {
				r = req_send(q, "ANSWER", "value", q->otp, NULL);
				wipe(q->otp, sizeof(q->otp));
				q->have_otp = 0;
				if (r != 0)
					goto reject;
				return 0;
			}
			/* the password alone: ask the device to ask for the code */
			if (RAND_bytes(q->state, sizeof(q->state)) != 1) {
				req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
				req_free(q);
				return 1;
			}
			q->challenged = 1;
			q->expires = mono() + q->rs->srv->cfg->prompt_timeout;
			req_reply(q, RADIUS_ACCESS_CHALLENGE, "OTP: ", NULL);
			q->dup = NULL;
			return 0;
		}
		/* nothing else is asked with defer_change=1 */
		req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
		req_free(q);
		return 1;
	}
	if (strcmp(m->verb, "OK") == 0) {
		/* R17: roles and unit for the device's privilege mapping */
		snprintf(klass, sizeof(klass), "roles=%s;unit=%s",
		    proto_get(m, "roles") ? proto_get(m, "roles") : "",
		    proto_get(m, "unit") ? proto_get(m, "unit") : "");
		req_reply(q, RADIUS_ACCESS_ACCEPT, NULL, klass);
		req_free(q);
		return 1;
	}
	code = proto_get(m, "code");
	if (code != NULL && strcmp(code, "change_required") == 0) {
		/* R6, R7: no change over RADIUS; the engine logged why, the user learns where */
		req_reply(q, RADIUS_ACCESS_REJECT, proto_get(m, "msg"), NULL);
		req_free(q);
		return 1;
	}
	if (code != NULL && strcmp(code, "busy") == 0) {
		/* the hash queue is full: no reply, the device retries (issue 7 item 6) */
		q->rs->dropped_busy++;
		if (q->dup != NULL)
			q->dup->used = 0;
		req_free(q);
		return 1;
	}
	/* every failure looks the same (R18) */
 reject:
	req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
	req_free(q);
	return 1;
}

static void
req_read_cb(struct bufferevent *bev, void *arg)
{
	struct rad_req *q = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct proto_msg m;
	char *line;
	size_t len;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		int r = proto_parse(line, len, &m);

		wipe(line, len);
		free(line);
		if (r != 0) {
			req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
			req_free(q);
			return;
		}
		r = req_line(q, &m);
		proto_msg_clear(&m);
		if (r)
			return;	/* q is gone */
	}
}

static void
req_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct rad_req *q = arg;

	/* the engine went away without a verdict: no reply, the device retries */
	if (q->dup != NULL)
		q->dup->used = 0;
	req_free(q);
}

/* ---- requests ---- */

static void
copy_proxy_state(struct rad_req *q, const struct radius_packet *p)
{
	size_t i;

	q->nproxy = 0;
	for (i = 0; i < p->nattrs && q->nproxy < 4; i++)
		if (p->attrs[i].type == RADIUS_ATTR_PROXY_STATE && p->attrs[i].len > 0) {
			memcpy(q->proxy[q->nproxy], p->attrs[i].value, p->attrs[i].len);
			q->proxylen[q->nproxy++] = p->attrs[i].len;
		}
}

static void
new_conversation(struct radsrv *rs, size_t client, int fd, const struct sockaddr_storage *from,
    socklen_t fromlen, const struct radius_packet *p, struct rad_dup *dup, const char *nasaddr)
{
	const struct config_radius_client *cc = client_of(rs, client);
	struct rad_req *q;
	char calling[64] = "", nasid[STORE_TEXT_MAX] = "", port[24] = "", cl[128];
	const struct radius_attr *a;
	uint32_t nport;
	size_t n, i;
	int sv[2];

	if (rs->nreqs >= RAD_MAX_INFLIGHT) {
		rs->dropped_busy++;
		dup->used = 0;
		return;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		dup->used = 0;
		return;
	}
	q->rs = rs;
	q->client = client;
	q->fd = fd;
	memcpy(&q->from, from, fromlen);
	q->fromlen = fromlen;
	q->id = p->id;
	memcpy(q->auth, p->auth, RADIUS_AUTH_LEN);
	q->dup = dup;
	copy_proxy_state(q, p);
	TAILQ_INSERT_TAIL(&rs->reqs, q, entry);
	rs->nreqs++;
	if (radius_get_str(p, RADIUS_ATTR_USER_NAME, q->user, sizeof(q->user)) != 0 ||
	    q->user[0] == '\0' ||
	    radius_decode_password(p, (const uint8_t *)cc->secret, strlen(cc->secret), q->pw,
	    sizeof(q->pw)) != 0) {
		req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
		req_free(q);
		return;
	}
	/* the line protocol carries UTF-8 only: anything else cannot be a valid login */
	if (!proto_utf8_valid((const unsigned char *)q->user, strlen(q->user)) ||
	    !proto_utf8_valid((const unsigned char *)q->pw, strlen(q->pw))) {
		req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
		req_free(q);
		return;
	}
	/* password and OTP in one field: the last six digits are the code */
	n = strlen(q->pw);
	if (config_service_otp(rs->srv->cfg, cc->name) == CONFIG_OTP_REQUIRED &&
	    n > RAD_OTP_DIGITS) {
		for (i = n - RAD_OTP_DIGITS; i < n && q->pw[i] >= '0' && q->pw[i] <= '9'; i++)
			;
		if (i == n) {
			memcpy(q->otp, q->pw + n - RAD_OTP_DIGITS, RAD_OTP_DIGITS);
			q->otp[RAD_OTP_DIGITS] = '\0';
			wipe(q->pw + n - RAD_OTP_DIGITS, RAD_OTP_DIGITS);
			q->pw[n - RAD_OTP_DIGITS] = '\0';
			q->have_otp = 1;
		}
	}
	(void)radius_get_str(p, RADIUS_ATTR_CALLING_STATION_ID, calling, sizeof(calling));
	if (radius_get_str(p, RADIUS_ATTR_NAS_IDENTIFIER, nasid, sizeof(nasid)) != 0)
		snprintf(nasid, sizeof(nasid), "%s", cc->name);
	if ((a = radius_get(p, RADIUS_ATTR_NAS_PORT)) != NULL && radius_attr_u32(a, &nport) == 0)
		snprintf(port, sizeof(port), "nas-port %u", nport);
	snprintf(cl, sizeof(cl), "radius %s %s", cc->name, nasaddr);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0 ||
	    server_adopt(rs->srv, sv[0], CONN_PAM, 1) == NULL) {
		req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
		req_free(q);
		return;
	}
	q->bev = bufferevent_socket_new(rs->srv->base, sv[1], BEV_OPT_CLOSE_ON_FREE);
	if (q->bev == NULL) {
		close(sv[1]);
		req_free(q);
		return;
	}
	bufferevent_setcb(q->bev, req_read_cb, NULL, req_event_cb, q);
	bufferevent_enable(q->bev, EV_READ | EV_WRITE);
	/*
	 * R31: the device, the caller's station and the port, for the audit record.
	 * A RADIUS login is always remote (R21) and cannot change a password.
	 */
	if (req_send(q, "AUTH", "user", q->user, "service", cc->name, "rhost", calling, "tty",
	    port, "host", nasid, "client", cl, "no_change", "1", "remote", "1", NULL) != 0) {
		req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
		req_free(q);
	}
}

static void
challenge_answer(struct radsrv *rs, size_t client, int fd, const struct sockaddr_storage *from,
    socklen_t fromlen, const struct radius_packet *p, const struct radius_attr *st,
    struct rad_dup *dup)
{
	const struct config_radius_client *cc = client_of(rs, client);
	struct rad_req *q;
	char user[STORE_NAME_MAX + 1], code[RADIUS_MAX_PASSWORD + 1];
	struct radius_reply r;
	double now = mono();

	TAILQ_FOREACH(q, &rs->reqs, entry)
		if (q->challenged && st->len == sizeof(q->state) &&
		    CRYPTO_memcmp(q->state, st->value, sizeof(q->state)) == 0)
			break;
	/* State is bound to the user, the client and the time, and works once */
	if (q == NULL || q->client != client || now > q->expires ||
	    radius_get_str(p, RADIUS_ATTR_USER_NAME, user, sizeof(user)) != 0 ||
	    strcmp(user, q->user) != 0 ||
	    radius_decode_password(p, (const uint8_t *)cc->secret, strlen(cc->secret), code,
	    sizeof(code)) != 0) {
		if (radius_reply_init(&r, RADIUS_ACCESS_REJECT, p->id) == 0)
			send_reply(rs, fd, from, fromlen, dup, p->auth, client, &r);
		if (q != NULL && q->challenged)
			req_free(q);
		wipe(code, sizeof(code));
		return;
	}
	q->challenged = 0;
	q->fd = fd;
	memcpy(&q->from, from, fromlen);
	q->fromlen = fromlen;
	q->id = p->id;
	memcpy(q->auth, p->auth, RADIUS_AUTH_LEN);
	q->dup = dup;
	copy_proxy_state(q, p);
	if (req_send(q, "ANSWER", "value", code, NULL) != 0) {
		req_reply(q, RADIUS_ACCESS_REJECT, NULL, NULL);
		req_free(q);
	}
	wipe(code, sizeof(code));
}

static void
handle(struct radsrv *rs, int fd, uint8_t *buf, size_t len, struct sockaddr_storage *from,
    socklen_t fromlen)
{
	struct radius_packet p;
	const struct config_radius_client *cc;
	const struct radius_attr *st;
	struct rad_dup *d;
	struct radius_reply r;
	char addr[INET6_ADDRSTRLEN];
	size_t client;
	int port, ma;

	addr_str(from, addr, sizeof(addr), &port);
	if (find_client(rs, addr, &client) != 0) {
		if (rs->dropped_unknown++ % 100 == 0)
			log_warnx("radius: request from unknown client %s dropped (%lu so far)",
			    addr, rs->dropped_unknown);
		return;
	}
	cc = client_of(rs, client);
	if (radius_decode(buf, len, &p) != 0 || (p.code != RADIUS_ACCESS_REQUEST &&
	    p.code != RADIUS_STATUS_SERVER)) {
		rs->dropped_malformed++;
		log_debug("radius: malformed or unexpected packet from %s", cc->name);
		return;
	}
	/* BlastRADIUS: no valid Message-Authenticator, no work at all */
	ma = radius_verify_request_ma(&p, buf, len, (const uint8_t *)cc->secret,
	    strlen(cc->secret));
	if (ma < 0 || (ma == 0 && (cc->require_ma || p.code == RADIUS_STATUS_SERVER))) {
		if (rs->dropped_ma++ % 100 == 0)
			log_warnx("radius: request from %s (%s) without a valid"
			    " Message-Authenticator dropped (%lu so far)", cc->name, addr,
			    rs->dropped_ma);
		return;
	}
	if ((d = dup_find(rs, client, from, fromlen, p.id, p.auth)) != NULL) {
		/* RFC 5080: the same answer again, never a second verification */
		if (d->done)
			(void)sendto(fd, d->reply, d->len, 0, (struct sockaddr *)from, fromlen);
		return;
	}
	if ((d = dup_add(rs, client, fd, from, fromlen, p.id, p.auth)) == NULL) {
		rs->dropped_busy++;
		return;
	}
	if (p.code == RADIUS_STATUS_SERVER) {
		/* RFC 5997: alive */
		if (radius_reply_init(&r, RADIUS_ACCESS_ACCEPT, p.id) == 0)
			send_reply(rs, fd, from, fromlen, d, p.auth, client, &r);
		return;
	}
	if ((st = radius_get(&p, RADIUS_ATTR_STATE)) != NULL)
		challenge_answer(rs, client, fd, from, fromlen, &p, st, d);
	else
		new_conversation(rs, client, fd, from, fromlen, &p, d, addr);
}

static void
recv_cb(evutil_socket_t fd, short what, void *arg)
{
	struct radsrv *rs = arg;
	uint8_t buf[RADIUS_MAX_PACKET + 1];
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		fromlen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			break;
		if (rs->srv->draining)
			continue;
		handle(rs, fd, buf, (size_t)n, &from, fromlen);
	}
	wipe(buf, sizeof(buf));
}

static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct radsrv *rs = arg;
	struct rad_req *q, *next;
	double now = mono();

	/* challenges nobody answered */
	for (q = TAILQ_FIRST(&rs->reqs); q != NULL; q = next) {
		next = TAILQ_NEXT(q, entry);
		if (q->challenged && now > q->expires)
			req_free(q);
	}
}

int
radsrv_start(struct server *srv, struct radsrv **rs_r, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	int sslen = sizeof(ss), one = 1, zero = 0, sz = RAD_RCVBUF;
	struct radsrv *rs;
	struct timeval tv = { 5, 0 };

	*rs_r = NULL;
	if (srv->cfg->radius_listen == NULL)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(srv->cfg->radius_listen, (struct sockaddr *)&ss,
	    &sslen) != 0) {
		snprintf(err, errlen, "radius_listen %s: not ADDR:PORT", srv->cfg->radius_listen);
		return -1;
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rs->srv = srv;
	rs->fd = -1;
	TAILQ_INIT(&rs->reqs);
	rs->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rs->fd == -1)
		goto fail;
	(void)setsockopt(rs->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)	/* [::] serves IPv4 too */
		(void)setsockopt(rs->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	/* room for bursts: root may go past rmem_max */
	if (setsockopt(rs->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(rs->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(rs->fd, (struct sockaddr *)&ss, (socklen_t)sslen) != 0)
		goto fail;
	if ((rs->ev = event_new(srv->base, rs->fd, EV_READ | EV_PERSIST, recv_cb, rs)) == NULL ||
	    event_add(rs->ev, NULL) != 0 ||
	    (rs->sweep = event_new(srv->base, -1, EV_PERSIST, sweep_cb, rs)) == NULL ||
	    event_add(rs->sweep, &tv) != 0)
		goto fail;
	log_info("radius: listening on %s (%zu clients)", srv->cfg->radius_listen,
	    srv->cfg->nradius_clients);
	*rs_r = rs;
	return 0;
 fail:
	snprintf(err, errlen, "radius_listen %s: %s", srv->cfg->radius_listen, strerror(errno));
	radsrv_free(&rs);
	return -1;
}

void
radsrv_free(struct radsrv **rsp)
{
	struct radsrv *rs;
	struct rad_req *q;

	if (rsp == NULL || (rs = *rsp) == NULL)
		return;
	while ((q = TAILQ_FIRST(&rs->reqs)) != NULL)
		req_free(q);
	if (rs->ev != NULL)
		event_free(rs->ev);
	if (rs->sweep != NULL)
		event_free(rs->sweep);
	if (rs->fd != -1)
		close(rs->fd);
	if (rs->dropped_unknown || rs->dropped_ma || rs->dropped_malformed || rs->dropped_busy)
		log_info("radius: dropped %lu from unknown clients, %lu without a valid"
		    " Message-Authenticator, %lu malformed, %lu for load", rs->dropped_unknown,
		    rs->dropped_ma, rs->dropped_malformed, rs->dropped_busy);
	wipe(rs, sizeof(*rs));
	free(rs);
	*rsp = NULL;
}

unsigned int
radsrv_pending(const struct radsrv *rs)
{
	const struct rad_req *q;
	unsigned int n = 0;

	if (rs == NULL)
		return 0;
	TAILQ_FOREACH(q, &rs->reqs, entry)
		if (!q->challenged)
			n++;
	return n;
}
