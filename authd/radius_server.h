/*
 * authd/radius_server.h: the RADIUS front-end (RFC 2865, 3579, 5080, 5997).
 * Network devices log staff in through the same login conversation as PAM:
 * each Access-Request becomes a conversation with authd's engine over a
 * socketpair, so lockout, policies, OTP and audit are the very same code.
 */
#ifndef AUTHD_RADIUS_SERVER_H
#define AUTHD_RADIUS_SERVER_H

struct server;
struct radsrv;

/* Bind radius_listen (if configured); err gets a message on failure. */
int	radsrv_start(struct server *srv, struct radsrv **rs_r, char *err, size_t errlen);
void	radsrv_free(struct radsrv **rsp);
/* Requests in progress (for draining at shutdown). */
unsigned int radsrv_pending(const struct radsrv *rs);

#endif
