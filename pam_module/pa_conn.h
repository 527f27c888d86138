/*
 * pam_module/pa_conn.h: pam_authd.so's connection to authd: a connect bounded
 * by the timeout, the check of the server's uid, the greeting, and line I/O
 * through common/buf and common/proto. Hidden symbols (-fvisibility=hidden).
 */
#ifndef PAM_AUTHD_PA_CONN_H
#define PAM_AUTHD_PA_CONN_H

#include <security/pam_modules.h>

#include <stdint.h>

struct buf;
struct proto_msg;

#define PA_SERVERS_MAX	4	/* entries in server= */
#define PA_HOST_MAX	253	/* a host name (RFC 1123) */

/* One entry of server=tls://HOST:PORT (pa_tls.c). */
struct pa_server {
	char	 host[PA_HOST_MAX + 1];	/* a name, or an address without its brackets */
	char	 port[6];		/* 1..65535, digits */
	int	 is_name;		/* not an IPv4/IPv6 address: SNI is sent */
	char	 label[PA_HOST_MAX + 16];	/* "tls://HOST:PORT", for the log */
};

struct pa_opts {
	const char	*socket;	/* points into argv or at the default */
	const char	*ca;		/* ca=, cert=, key=: absolute paths into argv (TLS) */
	const char	*cert;
	const char	*key;
	struct pa_server servers[PA_SERVERS_MAX];
	int		 nservers;	/* 0: the Unix socket; else server=, tried in order */
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
	const char		*name;	/* what the log calls the server: socket or tls://H:P */
	void			*ssl;	/* SSL *, over TLS (pa_tls.c); else NULL */
	void			*ctx;	/* SSL_CTX * */
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

/* Shared with pa_tls.c: the monotonic clock in ms; wait for events on fd until deadline. */
int64_t	pa_now_ms(void);
int	pa_wait(int fd, short events, int64_t deadline);

/* pa_tls.c */
/* Parse server=tls://HOST:PORT[,...] into o->servers; logs, 0 or AUTHD_ERR_INVALID. */
int	pa_tls_parse_servers(pam_handle_t *pamh, const char *v, struct pa_opts *o);
/*
 * TCP connect to s and the TLS 1.3 handshake (server certificate verified
 * against o->ca alone and for s->host; our certificate o->cert/o->key), all
 * within o->timeout seconds. Logs why on failure; c->fd, c->ssl, c->ctx are
 * then released. 0 or an AUTHD_ERR_* code.
 */
int	pa_tls_connect(struct pa_conn *c, const struct pa_server *s);
/* Read into p (at most len): > 0 bytes, or a negative AUTHD_ERR_* (CLOSED, TIMEOUT, IO). */
long	pa_tls_read(struct pa_conn *c, void *p, size_t len, int64_t deadline);
/* Write all of p: 0 or an AUTHD_ERR_* code. */
int	pa_tls_write(struct pa_conn *c, const void *p, size_t len, int64_t deadline);
/* Close notify (best effort), free SSL and SSL_CTX; NULL-safe. */
void	pa_tls_free(struct pa_conn *c);

#endif
