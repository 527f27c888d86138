/* pam_module/pa_conn.c: bounded, checked line I/O between pam_authd.so and authd. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "buf.h"
#include "err.h"
#include "num.h"
#include "pa_conn.h"
#include "proto.h"
#include "wipe.h"

#define PA_CONNECT_RETRY_MS	20	/* backlog full: try again after this */

int64_t
pa_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
pa_deadline(const struct pa_opts *o)
{
	return pa_now_ms() + (int64_t)o->timeout * 1000;
}

/* Wait for events on fd until deadline (monotonic ms): 0, AUTHD_ERR_TIMEOUT or _IO. */
int
pa_wait(int fd, short events, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left;
	int n;

	for (;;) {
		if ((left = deadline - pa_now_ms()) <= 0)
			return AUTHD_ERR_TIMEOUT;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;	/* readable, writable, HUP or ERR: the I/O call tells */
		if (n == 0)
			return AUTHD_ERR_TIMEOUT;
		if (errno != EINTR)
			return AUTHD_ERR_IO;
	}
}

/*
 * Who may answer: the peer's uid, read with SO_PEERCRED on the connected
 * socket (the credentials authd had when it called listen(), i.e. root before
 * it drops privileges), must be 0, or the effective uid of this very process
 * (an unprivileged application, or the test suite, trusting a daemon of its
 * own uid: such a daemon could already do anything this process can). A
 * listener of any other uid is refused, whatever it answers, so a fake authd
 * bound by another user cannot say "OK". As defence in depth the socket file
 * must be a socket owned by root or by that same peer uid. The peer check is
 * the one that counts: it cannot race with the path being replaced.
 */
static int
pa_check_server(struct pa_conn *c, uid_t *peer_r)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct stat sb;

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    len != sizeof(cred)) {
		pam_syslog(c->pamh, LOG_ERR, "%s: cannot read the server's credentials: %m",
		    c->name);
		return AUTHD_ERR_IO;
	}
	*peer_r = cred.uid;
	if (cred.uid != 0 && cred.uid != geteuid()) {
		pam_syslog(c->pamh, LOG_ERR, "%s: refusing a server running as uid %ld "
		    "(must be root or uid %ld)", c->name, (long)cred.uid, (long)geteuid());
		return AUTHD_ERR_INVALID;
	}
	if (lstat(c->o->socket, &sb) != 0 || !S_ISSOCK(sb.st_mode) ||
	    (sb.st_uid != 0 && sb.st_uid != cred.uid)) {
		pam_syslog(c->pamh, LOG_ERR, "%s: not a socket owned by root or by the "
		    "server's uid %ld", c->name, (long)cred.uid);
		return AUTHD_ERR_INVALID;
	}
	return 0;
}

/* Non-blocking connect bounded by the timeout. */
static int
pa_connect(struct pa_conn *c)
{
	struct sockaddr_un sun;
	int64_t deadline = pa_deadline(c->o);
	socklen_t len;
	int err, r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* length checked by pa_parse_args() */
	memcpy(sun.sun_path, c->o->socket, strlen(c->o->socket) + 1);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1) {
		pam_syslog(c->pamh, LOG_ERR, "socket: %m");
		return AUTHD_ERR_IO;
	}
	for (;;) {
		if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return 0;
		if (errno == EINPROGRESS || errno == EINTR) {
			/* the connection completes in the background */
			if ((r = pa_wait(c->fd, POLLOUT, deadline)) != 0)
				break;
			len = sizeof(err);
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
				err = errno;
			if (err == 0)
				return 0;
			errno = err;
			r = AUTHD_ERR_IO;
			break;
		}
		if (errno != EAGAIN) {
			r = AUTHD_ERR_IO;
			break;
		}
		/* AF_UNIX: the listen backlog is full; retry until the deadline */
		if (pa_now_ms() + PA_CONNECT_RETRY_MS >= deadline) {
			r = AUTHD_ERR_TIMEOUT;
			break;
		}
		(void)poll(NULL, 0, PA_CONNECT_RETRY_MS);
	}
	if (r == AUTHD_ERR_TIMEOUT)
		pam_syslog(c->pamh, LOG_ERR, "authd unreachable at %s: connect timed out "
		    "after %d s", c->name, c->o->timeout);
	else
		pam_syslog(c->pamh, LOG_ERR, "authd unreachable at %s: %m", c->name);
	return r;
}

/* Read and parse one line from authd; each wait bounded by the timeout. */
int
pa_read_msg(struct pa_conn *c, struct proto_msg *msg)
{
	unsigned char chunk[4096];
	int64_t deadline = pa_deadline(c->o);
	size_t room;
	ssize_t n;
	long eol;
	int r;

	memset(msg, 0, sizeof(*msg));
	while ((eol = buf_find(c->in, '\n')) < 0) {
		if ((room = buf_max(c->in) - buf_len(c->in)) == 0)
			return AUTHD_ERR_TOOLONG;
		if (c->ssl != NULL) {
			/* TLS: SSL_read first (it may hold decrypted bytes), waits inside */
			n = pa_tls_read(c, chunk, room < sizeof(chunk) ? room : sizeof(chunk),
			    deadline);
			if (n < 0)
				return (int)n;
			r = buf_put(c->in, chunk, (size_t)n);
			wipe(chunk, (size_t)n);
			if (r != 0)
				return r;
			continue;
		}
		if ((r = pa_wait(c->fd, POLLIN, deadline)) != 0)
			return r;
		n = read(c->fd, chunk, room < sizeof(chunk) ? room : sizeof(chunk));
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return AUTHD_ERR_IO;
		}
		if (n == 0)
			return AUTHD_ERR_CLOSED;
		r = buf_put(c->in, chunk, (size_t)n);
		wipe(chunk, (size_t)n);
		if (r != 0)
			return r;
	}
	if ((r = proto_parse((const char *)buf_ptr(c->in), (size_t)eol, msg)) != 0)
		return r;
	if ((r = buf_consume(c->in, (size_t)eol + 1)) != 0)
		proto_msg_clear(msg);
	return r;
}

/* Send c->out, then wipe it (it may hold an answer). */
int
pa_send(struct pa_conn *c)
{
	const unsigned char *p = buf_ptr(c->out);
	size_t off = 0, len = buf_len(c->out);
	int64_t deadline = pa_deadline(c->o);
	ssize_t n;
	int r = 0;

	if (c->ssl != NULL) {
		r = pa_tls_write(c, p, len, deadline);
		buf_reset(c->out);
		return r;
	}
	while (off < len) {
		n = send(c->fd, p + off, len - off, MSG_NOSIGNAL);
		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			r = errno == EPIPE || errno == ECONNRESET ? AUTHD_ERR_CLOSED : AUTHD_ERR_IO;
			break;
		}
		if ((r = pa_wait(c->fd, POLLOUT, deadline)) != 0)
			break;
	}
	buf_reset(c->out);
	return r;
}

/* A bare line: verb only (CANCEL). */
int
pa_send_verb(struct pa_conn *c, const char *verb)
{
	int r;

	if ((r = proto_begin(c->out, verb)) != 0 || (r = proto_end(c->out)) != 0) {
		buf_reset(c->out);
		return r;
	}
	return pa_send(c);
}

void
pa_close(struct pa_conn *c)
{
	pa_tls_free(c);
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	buf_free(&c->in);
	buf_free(&c->out);
}

/* Read and check authd's greeting on a connection just made: 0 or an AUTHD_ERR_* code. */
static int
pa_greeting(struct pa_conn *c)
{
	struct proto_msg msg;
	const char *major, *errstr = NULL;
	int r;

	memset(&msg, 0, sizeof(msg));
	if ((r = pa_read_msg(c, &msg)) != 0) {
		pam_syslog(c->pamh, LOG_ERR, "%s: no greeting from authd: %s", c->name,
		    authd_strerror(r));
		goto out;
	}
	major = proto_get(&msg, "major");
	if (strcmp(msg.verb, "VERSION") != 0 || major == NULL ||
	    strtonum_ll(major, 0, INT_MAX, &errstr) != PROTO_VERSION_MAJOR || errstr != NULL) {
		pam_syslog(c->pamh, LOG_ERR, "%s: not an authd greeting, or an unknown protocol "
		    "version (this module speaks %d)", c->name, PROTO_VERSION_MAJOR);
		r = AUTHD_ERR_MALFORMED;
	}
 out:
	proto_msg_clear(&msg);
	return r;
}

/*
 * Connect and read the greeting. The Unix socket: one try, the server checked
 * with pa_check_server(). server=: each entry in order (pa_tls_connect()
 * verifies the certificate); a server that fails at any step is logged and the
 * next one tried. On error c is closed and the reason logged.
 */
int
pa_open(pam_handle_t *pamh, const struct pa_opts *o, struct pa_conn *c)
{
	uid_t peer = 0;
	int i, r;

	memset(c, 0, sizeof(*c));
	c->pamh = pamh;
	c->o = o;
	c->fd = -1;
	c->name = o->socket;
	if ((c->in = buf_new(PROTO_MAX_LINE)) == NULL ||
	    (c->out = buf_new(PROTO_MAX_LINE)) == NULL) {
		r = AUTHD_ERR_NOMEM;
		pam_syslog(pamh, LOG_CRIT, "out of memory");
		goto out;
	}
	if (o->nservers == 0) {
		if ((r = pa_connect(c)) != 0 || (r = pa_check_server(c, &peer)) != 0 ||
		    (r = pa_greeting(c)) != 0)
			goto out;
		if (o->debug)
			pam_syslog(pamh, LOG_DEBUG, "connected to %s (server uid %ld)", c->name,
			    (long)peer);
		return 0;
	}
	r = AUTHD_ERR_IO;
	for (i = 0; i < o->nservers; i++) {
		c->name = o->servers[i].label;
		buf_reset(c->in);
		if ((r = pa_tls_connect(c, &o->servers[i])) == 0 && (r = pa_greeting(c)) == 0) {
			if (o->debug)
				pam_syslog(pamh, LOG_DEBUG, "connected to %s over TLS", c->name);
			return 0;
		}
		pa_tls_free(c);
		if (c->fd != -1)
			close(c->fd);
		c->fd = -1;
		if (i + 1 < o->nservers)
			pam_syslog(pamh, LOG_NOTICE, "%s failed, trying %s", c->name,
			    o->servers[i + 1].label);
	}
	pam_syslog(pamh, LOG_ERR, "no authd server answered (%d tried)", o->nservers);
 out:
	pa_close(c);
	return r;
}
