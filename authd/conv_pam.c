/*
 * authd/conv_pam.c: the PAM module's extra verbs: the change step redeemed
 * with a ticket (CHPASS ticket=) and the account phase (ACCT).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "conv_int.h"
#include "proto.h"
#include "server.h"
#include "ticket.h"
#include "wipe.h"

/*
 * CHPASS ticket=...: the change step of a login authenticated moments ago in
 * the same PAM handle (defer_change=1): straight to the new password.
 */
void
conv_start_ticket(struct conn *c, const struct proto_msg *msg)
{
	struct server *srv = c->srv;
	struct conv *cv;
	char origin[CONN_ORIGIN_MAX];
	int64_t user_id;

	if (ticket_redeem(&srv->tickets, proto_get(msg, "ticket"), c->uid,
	    conn_origin(c, origin, sizeof(origin)), &user_id) != 0) {
		conn_fail(c, "auth", "the password change ticket is invalid or expired;"
		    " log in again");
		return;
	}
	if ((cv = calloc(1, sizeof(*cv))) == NULL) {
		conn_fail(c, "internal", "out of memory");
		return;
	}
	cv->c = c;
	if (store_user_get_id(srv->st, user_id, &cv->u) != 0 ||
	    strcmp(cv->u.state, "active") != 0) {
		conn_fail(c, "auth", GENERIC_FAILURE);
		conv_destroy(&cv);
		return;
	}
	cv->found = cv->usable = 1;
	if (store_policy_get(srv->st, cv->u.policy, &cv->pol) != 0)
		cv->pol = *policy_builtin_find("standard");
	snprintf(cv->user, sizeof(cv->user), "%s", cv->u.name);
	if (conv_copy_client_fields(msg, cv, c) != 0) {
		conv_destroy(&cv);
		return;
	}
	cv->chpass = 1;
	c->conv = cv;
	cv->step = STEP_NEW1;
	conv_send_prompt(cv, "new_password", "off", "New password: ");
}

/*
 * ACCT user=NAME: the account phase for a login another PAM module
 * authenticated (e.g. an ssh key): is the account usable, must its password be
 * changed? Only root, or the user itself, may ask. Refusals are audited (R18).
 */
void
conv_acct(struct conn *c, const struct proto_msg *msg)
{
	struct server *srv = c->srv;
	struct store_user u;
	struct policy pol;
	struct conv tmp;
	const char *user = proto_get(msg, "user"), *why = NULL, *code = NULL, *change;
	char self[STORE_NAME_MAX + 1], cmsg[768];
	int64_t now = server_now();
	int r;

	if (user == NULL || user[0] == '\0' || strlen(user) > STORE_NAME_MAX) {
		conn_fail(c, "invalid", "user name missing or longer than %d bytes",
		    STORE_NAME_MAX);
		return;
	}
	if (c->uid != 0 &&
	    (conv_peer_name(c->uid, self, sizeof(self)) == NULL || strcmp(self, user) != 0)) {
		conn_fail(c, "denied", "only root may ask about another user");
		return;
	}
	r = store_user_get(srv->st, user, &u);
	if (r == STORE_ERR_NOTFOUND) {
		conn_fail(c, "unknown", "unknown user");
		return;
	}
	if (r != 0) {
		conn_fail(c, "internal", "authentication service error");
		return;
	}
	memset(&tmp, 0, sizeof(tmp));
	tmp.c = c;
	snprintf(tmp.user, sizeof(tmp.user), "%s", user);
	if (conv_copy_client_fields(msg, &tmp, c) != 0) {
		store_user_clear(&u);
		return;
	}
	tmp.u = u;
	if (strcmp(u.state, "active") != 0) {
		code = "disabled";
		why = strcmp(u.state, "frozen") == 0 ? "account frozen" : "account deleted";
	} else if (u.expires_at > 0 && now >= u.expires_at) {
		code = "expired";
		why = "account expired";
	} else if (!conv_source_allowed(&tmp)) {
		code = "disabled";
		why = "source address not allowed";
	}
	if (code != NULL) {
		if (store_begin(srv->st) == 0) {
			conv_audit_login(&tmp, "account", 0, why, now);
			if (store_commit(srv->st) != 0)
				store_rollback(srv->st);
		}
		store_user_clear(&u);
		store_user_clear(&tmp.u);
		conn_fail(c, code, "%s", code[0] == 'e' ? "account expired" :
		    "account disabled");
		return;
	}
	if (store_policy_get(srv->st, u.policy, &pol) != 0)
		pol = *policy_builtin_find("standard");
	/* the plaintext is not in hand here: initial, at-risk and age only */
	memset(&tmp, 0, sizeof(tmp));
	tmp.u = u;
	tmp.pol = pol;
	tmp.password = NULL;
	change = conv_change_reason(&tmp, now, cmsg, sizeof(cmsg));
	if (change != NULL)
		conn_send(c, "OK", "user", user, "change", "required", "reason", change, NULL);
	else
		conn_send(c, "OK", "user", user, NULL);
	store_user_clear(&tmp.u);
	store_user_clear(&u);
}
