/*
 * authd/server.h: the daemon's shared state, client connections and line I/O.
 * Everything here runs on the one event-loop thread.
 */
#ifndef AUTHD_SERVER_H
#define AUTHD_SERVER_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>

#include "config.h"
#include "pwhash.h"
#include "seal.h"
#include "ticket.h"

struct event_base;
struct event;
struct bufferevent;
struct evconnlistener;
struct store;
struct pool;
struct conv;
struct tlssrv;
struct proto_msg;
struct sockaddr;

enum conn_kind { CONN_PAM, CONN_ADMIN };

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct server		*srv;
	struct bufferevent	*bev;
	enum conn_kind		 kind;
	uid_t			 uid;
	pid_t			 pid;
	struct conv		*conv;		/* login conversation in progress */
	int			 busy;		/* a hash job or delay timer is pending */
	int			 closed;	/* the socket is gone; free when no longer busy */
	int			 close_after_write;
	int			 internal;	/* authd's own client (RADIUS front-end) */
	int			 tls;		/* a remote host over mutual TLS (issue 8) */
	char			 tls_host[256];	/* the host its certificate names, once verified */
	int			 tls_critical;	/* R21: a critical host always asks for the OTP */
	char			 tls_unit[64];	/* the host's unit code, "" if none */
	char			 tls_serial[48];	/* the serial of the certificate it showed */
	int			 tls_admin;	/* TLS without a certificate: remote authadm only */
	char			 peer_addr[64];	/* a TLS peer's address (numeric), "" on Unix sockets */
	int			 peer_port;	/* a TLS peer's port, -1 on Unix sockets */
	struct admin_pending	*pending;	/* admin request waiting for a hash */
	struct admin_import	*import;	/* key import collecting its KEY lines */
	char			 last_fail[256];	/* the last FAIL sent (audited for admin requests) */
};

struct server {
	struct config		*cfg;
	struct event_base	*base;
	struct store		*st;
	struct pool		*pool;
	struct seal_key		 key;
	unsigned char		 sign_sk[64];	/* signs audit exports */
	unsigned char		 sign_pk[32];
	struct pwhash_params	 kdf;
	char			 dummy_hash[PWHASH_STR_MAX];	/* unknown users verify against this */
	struct evconnlistener	*pam_l, *admin_l;
	struct event		*ev_term, *ev_int, *ev_drain, *ev_anchor;
	int64_t			 anchor_logged;	/* the audit head last written to syslog */
	TAILQ_HEAD(, conn)	 conns;
	unsigned int		 nconns;
	int			 draining;
	char			 hostname[256];
	int			 lockfd;	/* state_dir/authd.lock, held while serving */
	struct ticket_table	 tickets;
	struct radsrv		*radius;	/* the RADIUS front-end, or NULL */
	struct tlssrv		*tls;		/* the TLS front-end, or NULL */	/* change tickets (deferred change) */
};

/* Wall-clock now (UTC epoch seconds); the one place authd reads it. */
int64_t	 server_now(void);

/* Send one line: verb, then key, value pairs ending with NULL. */
int	 conn_send(struct conn *c, const char *verb, ...) __attribute__((sentinel));
/* FAIL code=... msg=... */
int	 conn_fail(struct conn *c, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Protocol error: one FAIL code=proto line, then close. */
void	 conn_proto_error(struct conn *c, const char *what);
/* Timeouts: a person answering a prompt gets prompt_timeout, else idle_timeout. */
void	 conn_set_prompting(struct conn *c, int prompting);
/* Stop/start reading while a job runs for this connection. */
void	 conn_set_busy(struct conn *c, int busy);
/* Free a closed connection once nothing references it. */
void	 conn_release(struct conn *c);

int	 server_init(struct server *srv, struct config *cfg, char *err, size_t errlen);
int	 server_listen(struct server *srv, char *err, size_t errlen);
int	 server_run(struct server *srv);
void	 server_free(struct server *srv);

/*
 * Serve fd (a connected stream socket) as a client connection of kind; an
 * internal one (authd's RADIUS front-end over a socketpair) is exempt from
 * the connection caps, which its own limits replace. NULL when refused.
 */
struct conn *server_adopt(struct server *srv, int fd, enum conn_kind kind, int internal);

/*
 * Serve a TLS bufferevent (handshake in progress) from the peer at sa: a
 * remote host's connection when its certificate names one, else remote authadm.
 */
struct conn *server_adopt_tls(struct server *srv, struct bufferevent *bev,
	    const struct sockaddr *sa, int salen);
/*
 * What admin sessions and change tickets are bound to besides the peer's uid:
 * "" on the Unix sockets, "tls ADDR" for remote authadm, "host NAME" for an
 * enrolled host (a token or ticket is good only from where it was issued).
 * buf of at least CONN_ORIGIN_MAX bytes.
 */
#define CONN_ORIGIN_MAX	300
const char *conn_origin(const struct conn *c, char *buf, size_t len);
/*
 * Close every connection of a host (host revoke cuts open ones at once), or
 * with serial, only those made with that certificate (a renewed-away one).
 */
unsigned int server_close_host(struct server *srv, const char *host, const char *serial);

/* The default login path: dispatch a parsed line from a client. */
void	 server_dispatch(struct conn *c, struct proto_msg *msg);

#endif
