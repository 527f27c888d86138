/*
 * admin/client.c: connect to authd's admin socket, or to a remote authd over
 * TLS (client_tls.c); send and read bounded protocol lines.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "client.h"
#include "client_tls.h"
#include "err.h"
#include "proto.h"
#include "wipe.h"

/* Room for one whole line plus what one read may bring after it. */
#define CLIENT_INBUF	(2 * PROTO_MAX_LINE)

struct client {
	int		 fd;
	SSL		*ssl;	/* remote authd (tls://), else NULL */
	int		 tls_dead;	/* a fatal TLS error: no close_notify */
	struct buf	*in;	/* bytes read and not yet parsed */
};

long long
client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
client_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int n;

	for (;;) {
		if ((left = deadline - client_now_ms()) <= 0)
			return AUTHD_ERR_TIMEOUT;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return AUTHD_ERR_IO;
		}
		if (n > 0)
			return 0;
	}
}

/*
 * OpenSSL writes with write(2), also while reading or shutting down: a server
 * gone away must not kill authadm with SIGPIPE. SIGPIPE is blocked around each
 * OpenSSL call and one raised there is consumed.
 */
int
nopipe_begin(sigset_t *old)
{
	sigset_t pipe;

	if (sigemptyset(&pipe) != 0 || sigaddset(&pipe, SIGPIPE) != 0 ||
	    pthread_sigmask(SIG_BLOCK, &pipe, old) != 0)
		return -1;
	return 0;
}

void
nopipe_end(const sigset_t *old)
{
	const struct timespec zero = { 0, 0 };
	sigset_t pipe, pend;

	if (sigemptyset(&pipe) == 0 && sigaddset(&pipe, SIGPIPE) == 0 &&
	    sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE) == 1 &&
	    sigismember(old, SIGPIPE) != 1)
		(void)sigtimedwait(&pipe, NULL, &zero);
	(void)pthread_sigmask(SIG_SETMASK, old, NULL);
}

/*
 * One TLS read or write (waiting until deadline): >0 bytes, 0 at the end of the
 * stream (reading), or AUTHD_ERR_*. A fatal error marks the connection dead.
 */
static ssize_t
client_tls_io(struct client *c, unsigned char *rp, const unsigned char *wp, size_t len,
    long long deadline)
{
	sigset_t old;
	size_t done;
	int r, e, ok;

	for (;;) {
		if (nopipe_begin(&old) != 0)
			return AUTHD_ERR_IO;
		ok = wp != NULL ? SSL_write_ex(c->ssl, wp, len, &done) :
		    SSL_read_ex(c->ssl, rp, len, &done);
		e = ok == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ssl, 0);
		nopipe_end(&old);
		if (ok == 1)
			return (ssize_t)done;
		ERR_clear_error();
		if (e == SSL_ERROR_ZERO_RETURN && wp == NULL)
			return 0;
		if (e == SSL_ERROR_WANT_READ)
			r = client_wait(c->fd, POLLIN, deadline);
		else if (e == SSL_ERROR_WANT_WRITE)
			r = client_wait(c->fd, POLLOUT, deadline);
		else {
			c->tls_dead = 1;
			return AUTHD_ERR_CLOSED;	/* reset, or closed without close_notify */
		}
		if (r != 0)
			return r;
	}
}

/*
 * Read what is there (waiting until deadline): >0 bytes, 0 at the end of the
 * stream, or AUTHD_ERR_*.
 */
static ssize_t
client_read(struct client *c, unsigned char *p, size_t len, long long deadline)
{
	ssize_t n;
	int r;

	if (c->ssl != NULL)
		return client_tls_io(c, p, NULL, len, deadline);
	for (;;) {
		if ((r = client_wait(c->fd, POLLIN, deadline)) != 0)
			return r;
		if ((n = recv(c->fd, p, len, MSG_DONTWAIT)) >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == ECONNRESET ? AUTHD_ERR_CLOSED : AUTHD_ERR_IO;
	}
}

/* Write some of p (waiting until deadline): >0 bytes written or AUTHD_ERR_*. */
static ssize_t
client_write(struct client *c, const unsigned char *p, size_t len, long long deadline)
{
	ssize_t n;
	int r;

	if (c->ssl != NULL)
		return client_tls_io(c, NULL, p, len, deadline);
	for (;;) {
		if ((r = client_wait(c->fd, POLLOUT, deadline)) != 0)
			return r;
		if ((n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT)) >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == EPIPE || errno == ECONNRESET ? AUTHD_ERR_CLOSED :
			    AUTHD_ERR_IO;
	}
}

void
client_free(struct client **cp)
{
	struct client *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	if (c->ssl != NULL) {
		sigset_t old;

		/* close_notify, best effort; never after a fatal error (OpenSSL says so) */
		if (!c->tls_dead && nopipe_begin(&old) == 0) {
			(void)SSL_shutdown(c->ssl);
			nopipe_end(&old);
		}
		SSL_free(c->ssl);
		ERR_clear_error();
	}
	if (c->fd != -1)
		close(c->fd);
	buf_free(&c->in);
	free(c);
	*cp = NULL;
}

/* Strict decimal, digits only. */
static int
client_parse_uint(const char *s, unsigned long long *v_r)
{
	unsigned long long v;
	char *end;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*v_r = v;
	return 0;
}

static int
client_greeting(struct client *c, const char *path, char *err, size_t errlen)
{
	struct proto_msg msg;
	unsigned long long major;
	const char *m;
	int r;

	if ((r = client_recv(c, &msg)) != 0) {
		snprintf(err, errlen, "no greeting from authd at %s: %s",
		    path, authd_strerror(r));
		return r;
	}
	if (strcmp(msg.verb, "FAIL") == 0) {
		/* e.g. busy: the server refuses the connection itself */
		m = proto_get(&msg, "msg");
		snprintf(err, errlen, "authd at %s refused the connection: %s",
		    path, m != NULL ? m : "(no reason given)");
		r = AUTHD_ERR_CLOSED;
	} else if (strcmp(msg.verb, "VERSION") != 0 ||
	    client_parse_uint(proto_get(&msg, "major"), &major) != 0) {
		snprintf(err, errlen, "unexpected greeting from %s", path);
		r = AUTHD_ERR_MALFORMED;
	} else if (major != PROTO_VERSION_MAJOR) {
		snprintf(err, errlen, "authd at %s speaks protocol version "
		    "%llu; this authadm speaks version %d", path, major,
		    PROTO_VERSION_MAJOR);
		r = AUTHD_ERR_INVALID;
	}
	proto_msg_clear(&msg);
	return r;
}

/* A TLS connection to url (tls://HOST:PORT) checked against ca_file. */
static int
client_connect_tls(struct client *c, const char *url, const char *ca_file, char *err,
    size_t errlen)
{
	return client_tls_open(url, ca_file, client_now_ms() + CLIENT_CONNECT_TIMEOUT * 1000LL,
	    &c->fd, &c->ssl, err, errlen);
}

/* The Unix socket at path. */
static int
client_connect_unix(struct client *c, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct timeval tv;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return AUTHD_ERR_TOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return AUTHD_ERR_IO;
	}
	/* bounds connect() too when authd's listen queue is full */
	tv.tv_sec = CLIENT_TIMEOUT;
	tv.tv_usec = 0;
	(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		if (errno == EINTR)
			continue;
		snprintf(err, errlen, "cannot connect to authd at %s: %s",
		    path, strerror(errno));
		return AUTHD_ERR_IO;
	}
	return 0;
}

int
client_connect(const char *where, const char *ca_file, struct client **c_r, char *err,
    size_t errlen)
{
	struct client *c = NULL;
	int r;

	*c_r = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->in = buf_new(CLIENT_INBUF)) == NULL) {
		if (c != NULL)
			free(c);
		snprintf(err, errlen, "%s", authd_strerror(AUTHD_ERR_NOMEM));
		return AUTHD_ERR_NOMEM;
	}
	c->fd = -1;
	if (strncmp(where, CLIENT_TLS_PREFIX, strlen(CLIENT_TLS_PREFIX)) == 0)
		r = client_connect_tls(c, where, ca_file, err, errlen);
	else
		r = client_connect_unix(c, where, err, errlen);
	if (r != 0 || (r = client_greeting(c, where, err, errlen)) != 0)
		goto fail;
	*c_r = c;
	return 0;
 fail:
	client_free(&c);
	return r;
}

int
client_send(struct client *c, const struct buf *b)
{
	const unsigned char *p = buf_ptr(b);
	size_t off = 0, len = buf_len(b);
	long long deadline = client_now_ms() + CLIENT_TIMEOUT * 1000LL;
	ssize_t n;

	while (off < len) {
		if ((n = client_write(c, p + off, len - off, deadline)) < 0)
			return (int)n;
		off += (size_t)n;
	}
	return 0;
}

int
client_recv(struct client *c, struct proto_msg *msg)
{
	unsigned char tmp[4096];
	long long deadline = client_now_ms() + CLIENT_TIMEOUT * 1000LL;
	size_t room;
	ssize_t n;
	long lf;
	int r;

	memset(msg, 0, sizeof(*msg));
	for (;;) {
		if ((lf = buf_find(c->in, '\n')) >= 0) {
			if ((size_t)lf + 1 > PROTO_MAX_LINE) {
				r = AUTHD_ERR_TOOLONG;
				break;
			}
			r = proto_parse((const char *)buf_ptr(c->in),
			    (size_t)lf, msg);
			(void)buf_consume(c->in, (size_t)lf + 1);
			break;
		}
		if (buf_len(c->in) >= PROTO_MAX_LINE) {
			r = AUTHD_ERR_TOOLONG;
			break;
		}
		room = buf_max(c->in) - buf_len(c->in);
		if (room > sizeof(tmp))
			room = sizeof(tmp);
		if ((n = client_read(c, tmp, room, deadline)) < 0) {
			r = (int)n;
			break;
		}
		if (n == 0) {
			r = buf_len(c->in) > 0 ? AUTHD_ERR_TRUNCATED :
			    AUTHD_ERR_CLOSED;
			break;
		}
		r = buf_put(c->in, tmp, (size_t)n);
		wipe(tmp, (size_t)n);
		if (r != 0)
			break;
	}
	if (r != 0)
		proto_msg_clear(msg);
	return r;
}
