/* admin/client.c: connect to authd's admin socket; send and read bounded protocol lines. */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "err.h"
#include "proto.h"
#include "wipe.h"

/* Room for one whole line plus what one read may bring after it. */
#define CLIENT_INBUF	(2 * PROTO_MAX_LINE)

struct client {
	int		 fd;
	struct buf	*in;	/* bytes read and not yet parsed */
};

static long long
client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes. */
static int
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

void
client_free(struct client **cp)
{
	struct client *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
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

int
client_connect(const char *path, struct client **c_r, char *err,
    size_t errlen)
{
	struct sockaddr_un sa;
	struct timeval tv;
	struct client *c = NULL;
	int r;

	*c_r = NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return AUTHD_ERR_TOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->in = buf_new(CLIENT_INBUF)) == NULL) {
		if (c != NULL)
			free(c);
		snprintf(err, errlen, "%s", authd_strerror(AUTHD_ERR_NOMEM));
		return AUTHD_ERR_NOMEM;
	}
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		r = AUTHD_ERR_IO;
		goto fail;
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
		r = AUTHD_ERR_IO;
		goto fail;
	}
	if ((r = client_greeting(c, path, err, errlen)) != 0)
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
	int r;

	while (off < len) {
		if ((r = client_wait(c->fd, POLLOUT, deadline)) != 0)
			return r;
		n = send(c->fd, p + off, len - off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			return errno == EPIPE || errno == ECONNRESET ?
			    AUTHD_ERR_CLOSED : AUTHD_ERR_IO;
		}
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
		if ((r = client_wait(c->fd, POLLIN, deadline)) != 0)
			break;
		room = buf_max(c->in) - buf_len(c->in);
		if (room > sizeof(tmp))
			room = sizeof(tmp);
		n = recv(c->fd, tmp, room, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			r = errno == ECONNRESET ? AUTHD_ERR_CLOSED :
			    AUTHD_ERR_IO;
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
