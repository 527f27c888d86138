/*
 * pam_module/pa_conn.h: pam_authd.so's connection to authd: a connect bounded
 * by the timeout, the check of the server's uid, the greeting, and line I/O
 * through common/buf and common/proto. Hidden symbols (-fvisibility=hidden).
 */
#ifndef PAM_AUTHD_PA_CONN_H
#define PAM_AUTHD_PA_CONN_H

#include <security/pam_modules.h>

struct buf;
struct proto_msg;

struct pa_opts {
	const char	*socket;	/* points into argv or at the default */
	int		 timeout;	/* seconds, per wait on authd */
	int		 use_first_pass;
	int		 try_first_pass;
	int		 debug;
};

/* One connection to authd. */
struct pa_conn {
	pam_handle_t		*pamh;
	const struct pa_opts	*o;
	int			 fd;
	struct buf		*in;	/* bytes from authd not yet parsed */
	struct buf		*out;	/* the line being sent (may hold an answer: wiped) */
};

/*
 * Connect to o->socket, check the server (see pa_conn.c) and read its
 * greeting. On error the reason is logged, c is closed, and an AUTHD_ERR_*
 * code returned. o must outlive c.
 */
int	pa_open(pam_handle_t *pamh, const struct pa_opts *o, struct pa_conn *c);
/* Close the socket and free (wiping) both buffers; safe to repeat. */
void	pa_close(struct pa_conn *c);
/* Read and parse one line; each wait bounded by the timeout. msg: proto_msg_clear(). */
int	pa_read_msg(struct pa_conn *c, struct proto_msg *msg);
/* Send the line built in c->out, then wipe c->out (it may hold an answer). */
int	pa_send(struct pa_conn *c);
/* Send a line made of the verb alone (CANCEL). */
int	pa_send_verb(struct pa_conn *c, const char *verb);

#endif
