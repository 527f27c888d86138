/*
 * authd/conv_int.h: the conversation's state, shared by conv.c (the login
 * engine) and conv_pam.c (the PAM module's extra verbs). Nothing else
 * includes this.
 */
#ifndef AUTHD_CONV_INT_H
#define AUTHD_CONV_INT_H

#include <sys/types.h>

#include <stdint.h>

#include "policy.h"
#include "store.h"

struct event;

#define GENERIC_FAILURE		"Authentication failed"

enum conv_step {
	STEP_PASSWORD,
	STEP_OTP,
	STEP_VERIFY,		/* hash job or failure delay pending */
	STEP_NEW1,
	STEP_NEW2,
	STEP_CHANGE,		/* history/hash job pending */
};

struct conv {
	struct conn	*c;
	int		 admin;		/* LOGIN on the admin socket */
	enum conv_step	 step;
	char		 user[STORE_NAME_MAX + 1];
	char		 service[STORE_NAME_MAX + 1];
	char		 rhost[64];
	int		 rport;
	char		 tty[STORE_NAME_MAX + 1];
	char		 ruser[STORE_NAME_MAX + 1];
	char		 host[STORE_TEXT_MAX + 1];
	char		 client[64];
	char		*password;
	char		*otp;
	char		*newpw;
	int		 otp_required;
	int		 defer;		/* AUTH defer_change=1: change later via a ticket */
	int		 chpass;	/* CHPASS: the user changes the password (passwd) */
	int		 no_change;	/* AUTH no_change=1: the client cannot change passwords (RADIUS) */
	int		 remote;	/* AUTH remote=1: never a local console, even without rhost */
	int		 rounds;
	/* decided before the hash */
	int		 found;
	int		 usable;
	const char	*deny;		/* for the audit log only */
	struct store_user u;
	struct policy	 pol;
	struct event	*delay;
};

void	conv_destroy(struct conv **cvp);
/*
 * service, rhost, tty, ruser, host: refused (FAIL invalid sent) when too long.
 * Then what the connection says whatever the client claims: the host (a TLS
 * host's certificate name, else this machine's name), client (uid and pid, or
 * the TLS peer address), and for remote authadm rhost/rport from TCP.
 */
int	conv_copy_client_fields(const struct proto_msg *msg, struct conv *cv, struct conn *c);
void	conv_send_prompt(struct conv *cv, const char *step, const char *echo, const char *prompt);
const char *conv_peer_name(uid_t uid, char *buf, size_t len);
void	conv_audit_login(struct conv *cv, const char *action, int ok, const char *reason,
	    int64_t now);
/* Why the password must be changed now, or NULL. */
const char *conv_change_reason(struct conv *cv, int64_t now, char *msg, size_t msglen);
/* R21: rhost against the nearest allow_from (user, unit, units above). */
int	conv_source_allowed(struct conv *cv);
/* Issue 8: users limited to the hosts of given units. */
int	conv_host_allowed(struct conv *cv);
void	conv_start_ticket(struct conn *c, const struct proto_msg *msg);

#endif
