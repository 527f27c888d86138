/*
 * authd/conv.h: the server-driven login conversation (DESIGN.md): password,
 * then OTP, then the verdict, then — when required — the password change.
 * One engine for every client: authadm login, pam_authd.so, RADIUS later.
 */
#ifndef AUTHD_CONV_H
#define AUTHD_CONV_H

struct conn;
struct proto_msg;

/*
 * AUTH (PAM socket), LOGIN (admin socket) or CHPASS (PAM socket: user= for
 * passwd, ticket= for the change step after AUTH defer_change=1).
 */
void	conv_start(struct conn *c, const struct proto_msg *msg);
/* ACCT: account phase for a login another module authenticated. */
void	conv_acct(struct conn *c, const struct proto_msg *msg);
/* ANSWER or CANCEL while a conversation waits for the client. */
void	conv_input(struct conn *c, const struct proto_msg *msg);
/* The connection is going away: forget the conversation (wipes secrets). */
void	conv_free(struct conn *c);

#endif
