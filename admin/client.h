/*
 * admin/client.h: authadm's connection to authd's admin socket, or to a
 * remote authd over TLS (authadm -H tls://HOST:PORT --ca FILE).
 *
 * client_connect() connects and reads the greeting, refusing any protocol
 * major version but PROTO_VERSION_MAJOR. Then one line is sent and lines are
 * read back, each bounded by PROTO_MAX_LINE (LF included) and waited for at
 * most CLIENT_TIMEOUT seconds. Everything read or sent is wiped when done.
 */
#ifndef ADMIN_CLIENT_H
#define ADMIN_CLIENT_H

#include <signal.h>
#include <stddef.h>

#include "buf.h"
#include "proto.h"

#define CLIENT_TIMEOUT	30	/* seconds to wait for a line or a write */
#define CLIENT_CONNECT_TIMEOUT	10	/* seconds to connect and shake hands over TLS */

struct client;

/* CLOCK_MONOTONIC in milliseconds: the clock of every deadline here. */
long long	client_now_ms(void);
/* Wait until fd is ready for events (poll(2)) or deadline passes: 0 or AUTHD_ERR_*. */
int	client_wait(int fd, short events, long long deadline);
/*
 * Around each OpenSSL call (it writes with write(2)): SIGPIPE blocked, and one
 * raised meanwhile consumed, so a server gone away cannot kill authadm.
 */
int	nopipe_begin(sigset_t *old);
void	nopipe_end(const sigset_t *old);

/*
 * Connect to where: the Unix socket at that path, or a remote authd at
 * tls://HOST:PORT whose certificate must verify against ca_file (authd's
 * ca.crt; ignored for a socket) and name HOST; then check the greeting. On
 * failure returns AUTHD_ERR_* and writes one sentence (no prefix) into err.
 * The caller frees *c_r with client_free().
 */
int	client_connect(const char *where, const char *ca_file, struct client **c_r,
	    char *err, size_t errlen);
/* Close and wipe; NULLs *cp; NULL is a no-op. */
void	client_free(struct client **cp);
/* Send the finished line in b (proto_end() done). Returns 0 or AUTHD_ERR_*. */
int	client_send(struct client *c, const struct buf *b);
/*
 * Read and parse the next line into msg (caller proto_msg_clear()s it).
 * Returns 0, or AUTHD_ERR_TIMEOUT, _CLOSED, _TRUNCATED (closed mid-line),
 * _TOOLONG, _IO or a parse error; msg is left empty on error.
 */
int	client_recv(struct client *c, struct proto_msg *msg);

#endif
