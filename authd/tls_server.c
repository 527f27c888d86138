/*
 * authd/tls_server.c: TLS listener on libevent's bufferevent_openssl. The
 * handshake requires a client certificate from authd's CA (tlsca.c); once it
 * completes, the certificate's host name becomes the connection's identity,
 * checked against the enrolled, unrevoked hosts before a single line is read.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "log.h"
#include "server.h"
#include "store.h"
#include "tls_server.h"
#include "tlsca.h"

#define TLS_DEFAULT_NAMES	"localhost,127.0.0.1,::1"

struct tlssrv {
	struct server		*srv;
	SSL_CTX			*ctx;
	struct evconnlistener	*l;
	const char		*names;		/* tls_names, or the defaults */
	int64_t			 not_after;	/* the server certificate's end */
	int64_t			 renew_tried;	/* the last attempt to renew it */
	double			 tokens;	/* handshakes that may start now */
	struct timespec		 refilled;	/* when tokens was last topped up */
	unsigned long		 refused;	/* over the rate since the last log line */
	time_t			 refused_logged;
};

#define TLS_RENEW_SECS		(30 * 86400)	/* tlsca.c re-issues this close to the end */
#define TLS_RENEW_RETRY_SECS	3600

/* The end of ctx's own certificate (0 if unknown). */
static int64_t
ctx_not_after(SSL_CTX *ctx)
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	struct tm tm;

	if (x == NULL || ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

/*
 * A daemon may run longer than its server certificate lasts: close to the end,
 * the next connection has the certificate re-issued (tlsca_init) and served
 * from a new context. Connections already open keep theirs (SSL_CTX is counted).
 */
static void
renew_server_cert(struct tlssrv *ts)
{
	char err[256], end[32];
	SSL_CTX *ctx = NULL;
	int64_t now = server_now();
	struct tm tm;
	time_t t;

	if (ts->not_after == 0 || now < ts->not_after - TLS_RENEW_SECS ||
	    now - ts->renew_tried < TLS_RENEW_RETRY_SECS)
		return;
	ts->renew_tried = now;
	if (tlsca_init(ts->srv->cfg->state_dir, ts->names, err, sizeof(err)) != 0 ||
	    tlsca_ssl_ctx_server(ts->srv->cfg->state_dir, &ctx, err, sizeof(err)) != 0) {
		log_warnx("tls: cannot renew the server certificate (retried in an hour): %s", err);
		return;
	}
	SSL_CTX_free(ts->ctx);
	ts->ctx = ctx;
	ts->not_after = ctx_not_after(ctx);
	t = (time_t)ts->not_after;
	if (gmtime_r(&t, &tm) == NULL || strftime(end, sizeof(end), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(end, sizeof(end), "?");
	log_info("tls: server certificate renewed, valid until %s", end);
}

/* tlsca's revocation question: unknown or revoked serials are refused (fail closed). */
static int
revoked_cb(const char *serial, void *arg)
{
	struct tlssrv *ts = arg;
	struct store_host h;

	if (store_host_by_serial(ts->srv->st, serial, &h) != 0)
		return 1;
	return h.revoked_at > 0;
}

/*
 * A client without a certificate is no host: remote authadm (issue 8 item 5).
 * It is served the admin protocol only (an administrator's password and OTP),
 * from at most max_connections_per_uid connections per source address.
 */
static int
identify_admin(struct tlssrv *ts, struct conn *c)
{
	struct conn *o;
	unsigned int n = 0;

	TAILQ_FOREACH(o, &ts->srv->conns, entry)
		if (o != c && o->tls_admin && strcmp(o->peer_addr, c->peer_addr) == 0)
			n++;
	if (n >= ts->srv->cfg->max_connections_per_uid) {
		log_warnx("tls: %s has %u admin connections: refused", c->peer_addr, n);
		return -1;
	}
	c->kind = CONN_ADMIN;
	c->tls_admin = 1;
	log_debug("tls: admin client %s connected", c->peer_addr);
	return 0;
}

int
tlssrv_identify(struct tlssrv *ts, struct conn *c)
{
	struct store_host h;
	char name[TLSCA_NAME_MAX + 1], serial[TLSCA_SERIAL_LEN], err[256];
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
	int r, renewed, retired;

	if (ssl == NULL)
		return -1;
	if (SSL_get0_peer_certificate(ssl) == NULL)
		return identify_admin(ts, c);
	r = tlsca_ssl_peer(ssl, revoked_cb, ts, name, sizeof(name), serial, sizeof(serial), err,
	    sizeof(err));
	if (r != 0) {
		log_warnx("tls: connection refused: %s", err[0] ? err : tlsca_strerror(r));
		return -1;
	}
	/* the current certificate, or the one it renewed until the host first shows the new */
	if (store_host_get(ts->srv->st, name, &h) != 0 || h.revoked_at > 0 ||
	    (strcmp(h.serial, serial) != 0 &&
	    (h.prev_serial[0] == '\0' || strcmp(h.prev_serial, serial) != 0))) {
		log_warnx("tls: host %s (serial %s) is not enrolled or revoked", name, serial);
		return -1;
	}
	renewed = h.prev_serial[0] != '\0' && strcmp(h.serial, serial) == 0;
	/*
	 * One host cannot take every connection (issue 8 item 6). The first connection
	 * with a renewed certificate does not count those of the old one: they are
	 * about to be closed, and whoever holds the old key must not keep it alive.
	 */
	{
		struct conn *o;
		unsigned int n = 0;

		TAILQ_FOREACH(o, &ts->srv->conns, entry)
			if (o != c && o->tls && strcmp(o->tls_host, name) == 0 &&
			    !(renewed && strcmp(o->tls_serial, h.prev_serial) == 0))
				n++;
		if (n >= ts->srv->cfg->max_connections_per_uid) {
			log_warnx("tls: host %s has %u connections: refused", name, n);
			return -1;
		}
	}
	c->uid = 0;	/* an enrolled host: its PAM module speaks for the host */
	snprintf(c->tls_host, sizeof(c->tls_host), "%s", name);
	snprintf(c->tls_serial, sizeof(c->tls_serial), "%s", serial);
	c->tls_critical = h.critical;
	snprintf(c->tls_unit, sizeof(c->tls_unit), "%s", h.unit);
	/*
	 * Last seen to the minute (not a synchronous commit for every connection); the
	 * first connection with a renewed certificate retires the previous one.
	 */
	retired = 0;
	if ((renewed || h.last_seen <= server_now() - 60) && store_begin(ts->srv->st) == 0) {
		if (store_host_seen(ts->srv->st, name, server_now()) == 0 &&
		    (!renewed || store_host_prev_done(ts->srv->st, name) == 0) &&
		    store_commit(ts->srv->st) == 0)
			retired = renewed;
		else
			store_rollback(ts->srv->st);
	}
	/* the old certificate is done (once that is stored): its connections too */
	if (retired)
		log_info("tls: host %s uses its renewed certificate: serial %s no longer accepted"
		    " (%u connections with it closed)", name, h.prev_serial,
		    server_close_host(ts->srv, name, h.prev_serial));
	/* a certificate close to its end: said on the host's first connection of each day */
	if (!renewed && strcmp(h.serial, serial) == 0 && h.expires_at > 0 &&
	    h.expires_at - server_now() < TLS_RENEW_SECS &&
	    h.last_seen / 86400 != server_now() / 86400)
		log_warnx("tls: the certificate of host %s ends in %lld days: authadm host renew %s",
		    name, (long long)((h.expires_at - server_now()) / 86400), name);
	log_debug("tls: host %s connected", name);
	return 0;
}

void
tlssrv_shutdown(struct conn *c)
{
	SSL *ssl;

	if (c->bev == NULL || (c->tls_host[0] == '\0' && !c->tls_admin) ||
	    (ssl = bufferevent_openssl_get_ssl(c->bev)) == NULL)
		return;
	/* non-blocking: what the socket takes now; the peer sees a clean end, not EOF */
	(void)SSL_shutdown(ssl);
	ERR_clear_error();
}

/*
 * A handshake costs the event loop about a millisecond (an ECDSA signature and
 * two certificate checks): a flood of them from the network would starve local
 * logins and the admin socket. New TLS connections are admitted at most
 * tls_handshakes_per_second (a token bucket holding one second's worth); the
 * rest are closed at once, counted, and logged at most once a minute.
 */
static int
admit(struct tlssrv *ts)
{
	unsigned int rate = ts->srv->cfg->tls_handshakes_per_second;
	struct timespec now;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - ts->refilled.tv_sec) +
	    (double)(now.tv_nsec - ts->refilled.tv_nsec) / 1e9;
	ts->refilled = now;
	ts->tokens += dt * rate;
	if (ts->tokens > rate)
		ts->tokens = rate;
	if (ts->tokens >= 1.0) {
		ts->tokens -= 1.0;
		return 1;
	}
	ts->refused++;
	if (now.tv_sec - ts->refused_logged >= 60) {
		log_warnx("tls: more than %u new connections a second: %lu refused",
		    rate, ts->refused);
		ts->refused = 0;
		ts->refused_logged = now.tv_sec;
	}
	return 0;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
    void *arg)
{
	struct tlssrv *ts = arg;
	struct bufferevent *bev;
	SSL *ssl;

	if (!admit(ts)) {
		evutil_closesocket(fd);
		return;
	}
	renew_server_cert(ts);
	if ((ssl = SSL_new(ts->ctx)) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	bev = bufferevent_openssl_socket_new(ts->srv->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		evutil_closesocket(fd);
		return;
	}
	(void)server_adopt_tls(ts->srv, bev, sa, salen);
}

int
tlssrv_start(struct server *srv, struct tlssrv **ts_r, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	int sslen = sizeof(ss);
	struct tlssrv *ts;
	const char *names;

	*ts_r = NULL;
	if (srv->cfg->tls_listen == NULL)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(srv->cfg->tls_listen, (struct sockaddr *)&ss, &sslen) != 0) {
		snprintf(err, errlen, "tls_listen %s: not ADDR:PORT", srv->cfg->tls_listen);
		return -1;
	}
	names = srv->cfg->tls_names != NULL ? srv->cfg->tls_names : TLS_DEFAULT_NAMES;
	if (tlsca_init(srv->cfg->state_dir, names, err, errlen) != 0)
		return -1;
	if ((ts = calloc(1, sizeof(*ts))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ts->srv = srv;
	ts->names = names;
	ts->tokens = srv->cfg->tls_handshakes_per_second;
	clock_gettime(CLOCK_MONOTONIC, &ts->refilled);
	if (tlsca_ssl_ctx_server(srv->cfg->state_dir, &ts->ctx, err, errlen) != 0) {
		free(ts);
		return -1;
	}
	ts->not_after = ctx_not_after(ts->ctx);
	ts->l = evconnlistener_new_bind(srv->base, accept_cb, ts,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&ss, sslen);
	if (ts->l == NULL) {
		snprintf(err, errlen, "tls_listen %s: cannot listen", srv->cfg->tls_listen);
		tlssrv_free(&ts);
		return -1;
	}
	log_info("tls: listening on %s (certificate names %s)", srv->cfg->tls_listen, names);
	*ts_r = ts;
	return 0;
}

void
tlssrv_free(struct tlssrv **tsp)
{
	struct tlssrv *ts;

	if (tsp == NULL || (ts = *tsp) == NULL)
		return;
	if (ts->l != NULL)
		evconnlistener_free(ts->l);
	if (ts->ctx != NULL)
		SSL_CTX_free(ts->ctx);
	free(ts);
	*tsp = NULL;
}
