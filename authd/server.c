/*
 * authd/server.c: listening sockets, client connections and bounded line I/O
 * on libevent; SIGTERM drains in-flight work and exits cleanly.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "hex.h"
#include "admin.h"
#include "conv.h"
#include "err.h"
#include "keys.h"
#include "log.h"
#include "otp.h"
#include "pool.h"
#include "proto.h"
#include "pwjob.h"
#include "radius_server.h"
#include "tls_server.h"
#include "server.h"
#include "store.h"
#include "wipe.h"

int64_t
server_now(void)
{
	return (int64_t)time(NULL);
}

int
conn_send(struct conn *c, const char *verb, ...)
{
	struct buf *b;
	va_list ap;
	int r;

	if (c->closed || c->bev == NULL)
		return AUTHD_ERR_CLOSED;
	if ((b = buf_new(PROTO_MAX_LINE)) == NULL)
		return AUTHD_ERR_NOMEM;
	va_start(ap, verb);
	r = proto_vline(b, verb, ap);
	va_end(ap);
	if (r == 0 && bufferevent_write(c->bev, buf_ptr(b), buf_len(b)) != 0)
		r = AUTHD_ERR_IO;
	if (r != 0)
		log_warnx("reply %s not sent: %s", verb, authd_strerror(r));
	buf_free(&b);
	return r;
}

int
conn_fail(struct conn *c, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->last_fail, sizeof(c->last_fail), "%s", msg);
	return conn_send(c, "FAIL", "code", code, "msg", msg, NULL);
}

static void
conn_close(struct conn *c)
{
	struct server *srv = c->srv;

	if (c->closed)
		return;
	c->closed = 1;
	if (c->bev != NULL) {
		if (c->tls)
			tlssrv_shutdown(c);
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	TAILQ_REMOVE(&srv->conns, c, entry);
	srv->nconns--;
	conn_release(c);
}

void
conn_release(struct conn *c)
{
	if (!c->closed || c->busy)
		return;
	conv_free(c);
	admin_conn_free(c);
	admin_import_free(c);
	free(c);
}

void
conn_set_prompting(struct conn *c, int prompting)
{
	struct timeval tv;

	if (c->closed || c->bev == NULL)
		return;
	tv.tv_sec = prompting ? c->srv->cfg->prompt_timeout : c->srv->cfg->idle_timeout;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(c->bev, &tv, &tv);
}

void
conn_set_busy(struct conn *c, int busy)
{
	c->busy = busy;
	if (c->closed || c->bev == NULL)
		return;
	if (busy)
		bufferevent_disable(c->bev, EV_READ);
	else {
		bufferevent_enable(c->bev, EV_READ);
		/* lines a client sent ahead are already buffered: no new read event comes */
		if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
			bufferevent_trigger(c->bev, EV_READ,
			    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	}
}

static void
write_done_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	/*
	 * A write callback may be a late (deferred) one for earlier data: bufferevent_openssl
	 * runs them so; close only once the last reply has really gone.
	 */
	if (c->close_after_write && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_close(c);
}

void
conn_proto_error(struct conn *c, const char *what)
{
	log_info("client uid=%ld pid=%ld: protocol error: %s", (long)c->uid, (long)c->pid, what);
	conv_free(c);
	(void)conn_fail(c, "proto", "%s", what);
	c->close_after_write = 1;
	if (c->bev != NULL) {
		bufferevent_disable(c->bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			conn_close(c);
	}
}

void
server_dispatch(struct conn *c, struct proto_msg *msg)
{
	if (c->import != NULL) {
		admin_import_line(c, msg);
		return;
	}
	if (c->conv != NULL) {
		if (strcmp(msg->verb, "ANSWER") == 0 || strcmp(msg->verb, "CANCEL") == 0)
			conv_input(c, msg);
		else
			conn_proto_error(c, "expected ANSWER or CANCEL");
		return;
	}
	if (c->kind == CONN_PAM && (strcmp(msg->verb, "AUTH") == 0 ||
	    strcmp(msg->verb, "CHPASS") == 0))
		conv_start(c, msg);
	else if (c->kind == CONN_PAM && strcmp(msg->verb, "ACCT") == 0)
		conv_acct(c, msg);
	else if (c->tls_admin && (strcmp(msg->verb, "AUTH") == 0 ||
	    strcmp(msg->verb, "CHPASS") == 0 || strcmp(msg->verb, "ACCT") == 0))
		/* item 1 of issue 8: only an enrolled host's certificate logs users in */
		conn_proto_error(c, "no host certificate: this connection serves the admin "
		    "protocol only");
	else if (c->kind == CONN_ADMIN && strcmp(msg->verb, "LOGIN") == 0)
		conv_start(c, msg);
	else if (c->kind == CONN_ADMIN)
		admin_dispatch(c, msg);
	else {
		char what[96];

		snprintf(what, sizeof(what), "unknown verb: %.40s", msg->verb);
		conn_proto_error(c, what);
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr eol;
	struct proto_msg msg;
	char *line;
	size_t len;
	int r;

	while (!c->closed && !c->busy && !c->close_after_write) {
		eol = evbuffer_search_eol(in, NULL, &len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			if (evbuffer_get_length(in) >= PROTO_MAX_LINE)
				conn_proto_error(c, "line too long");
			return;
		}
		if ((size_t)eol.pos + 1 > PROTO_MAX_LINE) {
			conn_proto_error(c, "line too long");
			return;
		}
		if ((line = malloc((size_t)eol.pos + 1)) == NULL) {
			conn_proto_error(c, "out of memory");
			return;
		}
		evbuffer_remove(in, line, (size_t)eol.pos + 1);
		r = proto_parse(line, (size_t)eol.pos, &msg);
		wipe(line, (size_t)eol.pos + 1);
		free(line);
		if (r != 0) {
			char what[96];

			snprintf(what, sizeof(what), "malformed line: %s", authd_strerror(r));
			conn_proto_error(c, what);
			return;
		}
		server_dispatch(c, &msg);
		proto_msg_clear(&msg);
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if ((what & BEV_EVENT_CONNECTED) && c->tls) {
		/* the TLS handshake is done: the certificate says which host this is */
		if (tlssrv_identify(c->srv->tls, c) != 0) {
			conn_close(c);
			return;
		}
		(void)conn_send(c, "VERSION", "major", "1", "minor", "0", NULL);
		return;
	}
	if ((what & BEV_EVENT_ERROR) && c->tls && c->tls_host[0] == '\0' && !c->tls_admin)
		log_info("tls: handshake with %s failed", c->peer_addr);
	if (what & BEV_EVENT_TIMEOUT) {
		if (c->tls)
			log_debug("tls %s %s: idle timeout", c->peer_addr, c->tls_host);
		else
			log_debug("client uid=%ld: idle timeout", (long)c->uid);
	}
	conn_close(c);
}

/* A new connection joins the list and starts reading, silence bounded by idle_timeout. */
static void
conn_start(struct conn *c)
{
	struct server *srv = c->srv;
	struct timeval tv;

	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns++;
	bufferevent_setcb(c->bev, read_cb, write_done_cb, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, PROTO_MAX_LINE * 2);
	tv.tv_sec = srv->cfg->idle_timeout;
	tv.tv_usec = 0;
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

const char *
conn_origin(const struct conn *c, char *buf, size_t len)
{
	if (c->tls_admin)
		snprintf(buf, len, "tls %s", c->peer_addr);
	else if (c->tls)
		snprintf(buf, len, "host %s", c->tls_host);
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}

struct conn *
server_adopt_tls(struct server *srv, struct bufferevent *bev, const struct sockaddr *sa,
    int salen)
{
	char port[NI_MAXSERV];
	struct conn *c;

	unsigned int ntls = 0;

	/* the network may take three quarters of max_connections: local logins keep the rest */
	TAILQ_FOREACH(c, &srv->conns, entry)
		if (c->tls)
			ntls++;
	if (srv->draining || srv->nconns >= srv->cfg->max_connections ||
	    ntls >= srv->cfg->max_connections - srv->cfg->max_connections / 4 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		static time_t logged;
		static unsigned long refused;

		/* counted, and said at most once a minute: a flood must not flood syslog */
		if (!srv->draining && ntls >= srv->cfg->max_connections -
		    srv->cfg->max_connections / 4 && ++refused > 0 &&
		    time(NULL) - logged >= 60) {
			log_warnx("tls: %lu connections refused: %u TLS connections (three quarters"
			    " of max_connections)", refused, ntls);
			refused = 0;
			logged = time(NULL);
		}
		bufferevent_free(bev);
		return NULL;
	}
	c->srv = srv;
	/* until the handshake says what it is: nobody; a host's PAM module gets uid 0 */
	c->uid = (uid_t)-1;
	c->pid = 0;
	c->kind = CONN_PAM;
	c->tls = 1;
	c->bev = bev;
	c->peer_port = -1;
	if (getnameinfo(sa, (socklen_t)salen, c->peer_addr, sizeof(c->peer_addr), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		c->peer_port = atoi(port);
	else
		snprintf(c->peer_addr, sizeof(c->peer_addr), "unknown");
	/* the handshake and then every silence are bounded by idle_timeout */
	conn_start(c);
	return c;
}

unsigned int
server_close_host(struct server *srv, const char *host, const char *serial)
{
	struct conn *c, *next;
	unsigned int n = 0;

	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->tls && strcmp(c->tls_host, host) == 0 &&
		    (serial == NULL || strcmp(c->tls_serial, serial) == 0)) {
			/* a pending hash job keeps the struct until it is done */
			conn_close(c);
			n++;
		}
	}
	return n;
}

struct conn *
server_adopt(struct server *srv, evutil_socket_t fd, enum conn_kind kind, int internal)
{
	struct conn *c;
	struct ucred cred;
	socklen_t credlen = sizeof(cred);
	unsigned int peers = 0;

	if (!internal && (srv->draining || srv->nconns >= srv->cfg->max_connections)) {
		log_warnx("connection refused: %s", srv->draining ? "shutting down" :
		    "too many connections");
		evutil_closesocket(fd);
		return NULL;
	}
	/* STYLE.md habit 9: read SO_PEERCRED on every accept */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) != 0) {
		log_warn("SO_PEERCRED");
		evutil_closesocket(fd);
		return NULL;
	}
	/* STYLE.md habit 9: cap connections per uid, so one local user cannot starve others */
	TAILQ_FOREACH(c, &srv->conns, entry)
		if (c->uid == cred.uid && !c->internal && !c->tls)	/* TLS: capped per host */
			peers++;
	if (!internal && peers >= srv->cfg->max_connections_per_uid) {
		log_warnx("connection refused: uid %ld has %u connections", (long)cred.uid, peers);
		evutil_closesocket(fd);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return NULL;
	}
	c->srv = srv;
	c->uid = cred.uid;
	c->peer_port = -1;
	c->pid = cred.pid;
	c->kind = kind;
	c->internal = internal;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		evutil_closesocket(fd);
		free(c);
		return NULL;
	}
	conn_start(c);
	(void)conn_send(c, "VERSION", "major", "1", "minor", "0", NULL);
	return c;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
    void *arg)
{
	struct server *srv = arg;

	(void)sa;
	(void)salen;
	(void)server_adopt(srv, fd, l == srv->admin_l ? CONN_ADMIN : CONN_PAM, 0);
}

static void
resume_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evconnlistener *l = arg;

	evconnlistener_enable(l);
}

static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct server *srv = arg;
	struct timeval tv = { 1, 0 };

	/* EMFILE and friends: stop accepting for a moment (STYLE.md habit 9) */
	log_warn("accept");
	evconnlistener_disable(l);
	if (!srv->draining)
		event_base_once(srv->base, -1, EV_TIMEOUT, resume_accept_cb, l, &tv);
}

static int
listen_unix(struct server *srv, const char *path, mode_t mode, struct evconnlistener **l_r,
    char *err, size_t errlen)
{
	struct sockaddr_un sun;
	evutil_socket_t fd;
	struct stat sb;
	mode_t old;
	int r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	/* remove a stale socket, but never another kind of file */
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/*
	 * The mode comes with bind() through the umask: a chmod(path) after it would
	 * follow whatever the directory's owner put at path in between.
	 */
	old = umask(~mode & 0777);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	(void)umask(old);
	if (r != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*l_r = evconnlistener_new(srv->base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128, fd);
	if (*l_r == NULL) {
		snprintf(err, errlen, "%s: listen: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(*l_r, accept_error_cb);
	return 0;
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct conn *c;
	int busy = 0;

	TAILQ_FOREACH(c, &srv->conns, entry)
		if (c->busy)
			busy = 1;
	if (!busy && radsrv_pending(srv->radius) == 0 &&
	    (srv->pool == NULL || pool_pending(srv->pool) == 0))
		event_base_loopexit(srv->base, NULL);
}

/*
 * R33: the chain's head also goes to syslog (a second anchor outside the
 * database), once a minute when it moved.
 */
static void
anchor_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	unsigned char mac[32];
	char hex[65];
	int64_t seq;

	if (store_audit_head(srv->st, &seq, mac) != 0 || seq == srv->anchor_logged)
		return;
	hex_encode(mac, 32, hex);
	log_info("audit anchor: seq %lld mac %s", (long long)seq, hex);
	srv->anchor_logged = seq;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	struct timeval tv = { 0, 50000 };

	if (srv->draining)
		return;
	log_info("signal %d: finishing in-flight requests, then exiting", (int)sig);
	srv->draining = 1;
	if (srv->pam_l != NULL)
		evconnlistener_disable(srv->pam_l);
	if (srv->admin_l != NULL)
		evconnlistener_disable(srv->admin_l);
	srv->ev_drain = event_new(srv->base, -1, EV_PERSIST, drain_cb, srv);
	if (srv->ev_drain == NULL || event_add(srv->ev_drain, &tv) != 0)
		event_base_loopexit(srv->base, NULL);
}

int
server_init(struct server *srv, struct config *cfg, char *err, size_t errlen)
{
	char path[4096];
	int64_t now;

	memset(srv, 0, sizeof(*srv));
	srv->lockfd = -1;
	TAILQ_INIT(&srv->conns);
	srv->cfg = cfg;
	srv->kdf.memory_kib = cfg->kdf_memory_kib;
	srv->kdf.iterations = cfg->kdf_iterations;
	if (gethostname(srv->hostname, sizeof(srv->hostname)) != 0)
		snprintf(srv->hostname, sizeof(srv->hostname), "localhost");
	if (pwhash_init() != 0 || otp_init() != 0) {
		snprintf(err, errlen, "crypto libraries failed to initialise");
		return -1;
	}
	/* one authd per state directory; a key rotation takes the same lock */
	if (keys_lock(cfg->state_dir, &srv->lockfd, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/authd.db", cfg->state_dir);
	if (store_open(path, &srv->st, err, errlen) != 0 ||
	    keys_load(cfg->state_dir, srv->st, &srv->key, err, errlen) != 0 ||
	    keys_audit(cfg->state_dir, srv->st, &srv->key, err, errlen) != 0)
		return -1;
	if (store_audit_anchor_frozen(srv->st))
		log_warnx("AUDIT: the anchor file disagrees with the audit chain in %s/authd.db"
		    " (records cut off or an older database restored?); it is kept as"
		    " evidence: run 'authadm audit verify'", cfg->state_dir);
	snprintf(path, sizeof(path), "%s/audit-sign.key", cfg->state_dir);
	if (seal_sign_key(path, srv->sign_sk, srv->sign_pk, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/authd.db", cfg->state_dir);
	now = server_now();
	if (store_begin(srv->st) != 0 || store_policy_seed(srv->st, now) != 0 ||
	    store_commit(srv->st) != 0) {
		snprintf(err, errlen, "%s: %s", path, store_errmsg(srv->st));
		store_rollback(srv->st);
		return -1;
	}
	/* the dummy hash for unknown users costs what a real one does (STYLE.md 8) */
	if (pwhash_hash(&srv->kdf, "authd-dummy-password-for-unknown-users",
	    srv->dummy_hash) != 0) {
		snprintf(err, errlen, "cannot compute the dummy hash (kdf_memory_kib too large?)");
		return -1;
	}
	if (evthread_use_pthreads() != 0 || (srv->base = event_base_new()) == NULL) {
		snprintf(err, errlen, "libevent initialisation failed");
		return -1;
	}
	return 0;
}

int
server_listen(struct server *srv, char *err, size_t errlen)
{
	/* PAM socket: any local process may ask; SO_PEERCRED limits what it may ask */
	if (listen_unix(srv, srv->cfg->socket, 0666, &srv->pam_l, err, errlen) != 0)
		return -1;
	/* admin socket: root (the owner) only; admins still log in with password + OTP */
	if (listen_unix(srv, srv->cfg->admin_socket, 0600, &srv->admin_l, err, errlen) != 0)
		return -1;
	/* network devices (issue 7): off unless radius_listen is set */
	if (radsrv_start(srv, &srv->radius, err, errlen) != 0)
		return -1;
	/* remote hosts (issue 8): off unless tls_listen is set */
	if (tlssrv_start(srv, &srv->tls, err, errlen) != 0)
		return -1;
	return 0;
}

int
server_run(struct server *srv)
{
	/* threads start here, after a possible daemon() fork */
	if (event_reinit(srv->base) != 0 ||
	    pool_new(srv->base, srv->cfg->workers, srv->cfg->queue_max, &srv->pool) != 0) {
		log_warnx("cannot start worker threads");
		return -1;
	}
	srv->ev_term = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
	srv->ev_int = evsignal_new(srv->base, SIGINT, signal_cb, srv);
	if (srv->ev_term == NULL || srv->ev_int == NULL ||
	    evsignal_add(srv->ev_term, NULL) != 0 || evsignal_add(srv->ev_int, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	{
		struct timeval tv = { 60, 0 };

		srv->ev_anchor = event_new(srv->base, -1, EV_PERSIST, anchor_cb, srv);
		if (srv->ev_anchor == NULL || event_add(srv->ev_anchor, &tv) != 0)
			return -1;
		anchor_cb(-1, 0, srv);
	}
	log_info("serving on %s and %s", srv->cfg->socket, srv->cfg->admin_socket);
	if (event_base_dispatch(srv->base) < 0)
		return -1;
	log_info("stopped");
	return 0;
}

void
server_free(struct server *srv)
{
	struct conn *c;

	radsrv_free(&srv->radius);
	tlssrv_free(&srv->tls);
	while ((c = TAILQ_FIRST(&srv->conns)) != NULL) {
		c->busy = 0;
		conn_close(c);
	}
	if (srv->pam_l != NULL) {
		evconnlistener_free(srv->pam_l);
		unlink(srv->cfg->socket);
	}
	if (srv->admin_l != NULL) {
		evconnlistener_free(srv->admin_l);
		unlink(srv->cfg->admin_socket);
	}
	if (srv->pool != NULL)
		pool_free(&srv->pool);
	if (srv->ev_term != NULL)
		event_free(srv->ev_term);
	if (srv->ev_int != NULL)
		event_free(srv->ev_int);
	if (srv->ev_drain != NULL)
		event_free(srv->ev_drain);
	if (srv->ev_anchor != NULL) {
		anchor_cb(-1, 0, srv);	/* the last head, on the way out */
		event_free(srv->ev_anchor);
	}
	if (srv->base != NULL)
		event_base_free(srv->base);
	store_close(&srv->st);
	if (srv->lockfd != -1)
		close(srv->lockfd);
	seal_key_wipe(&srv->key);
	wipe(srv->sign_sk, sizeof(srv->sign_sk));
	otp_done();
}
