/*
 * authd/admin.h: the admin protocol: one dispatch table row per verb (name,
 * required roles, handler; STYLE.md habit 10), a session check before every
 * handler, and the helpers the admin_*.c handlers share.
 */
#ifndef AUTHD_ADMIN_H
#define AUTHD_ADMIN_H

#include <sys/types.h>

#include <stdint.h>

#include "store.h"

struct conn;
struct proto_msg;
struct server;

/* One admin request being handled. */
struct admin_req {
	struct conn		*c;
	struct server		*srv;
	const struct proto_msg	*msg;
	struct store_user	 actor;
	int64_t			 now;
	int64_t			 limit, shown;	/* listings: --limit after the scope filter */
	int			 sees_all;	/* audit listings: the reader sees every record */
};

/* Work an admin request keeps while a hash runs on the pool. */
struct admin_pending {
	char			 verb[32];
	char			 actor[STORE_NAME_MAX + 1];
	struct store_user	 u;
	char			 roles[STORE_TEXT_MAX + 1];
	char			 phone[40];
	char			 idno[72];	/* ID number, sealed when stored */
	int			 soft_token;
	char			 key[STORE_NAME_MAX + 1];	/* hardware key to bind */
	char			*password;	/* generated initial password, wiped */
};

void	admin_dispatch(struct conn *c, struct proto_msg *msg);
/* A line while a key import collects its KEY lines. */
void	admin_import_line(struct conn *c, const struct proto_msg *msg);
void	admin_import_free(struct conn *c);
void	admin_conn_free(struct conn *c);

/* Reply helpers: FAIL with the right code for a store error. */
void	admin_store_fail(struct admin_req *rq, int r, const char *what);
/* Write an audit record for an admin action in the current transaction. */
int	admin_audit(struct admin_req *rq, const char *action, const char *target, int ok,
	    const char *reason, const char *details);
/* Same, with a bare actor name (for continuations that no longer have a request). */
int	admin_audit_as(struct server *srv, const char *actor, const struct conn *from,
	    const char *action, const char *target, int ok, const char *reason,
	    const char *details);
/* A required argument: replies FAIL invalid and returns NULL when missing/empty. */
const char *admin_arg_req(struct admin_req *rq, const char *key);
const char *admin_arg(struct admin_req *rq, const char *key);	/* NULL if absent */
/* An epoch-seconds (or count) argument, 0 when absent: 0, or -1 after a FAIL. */
int	admin_time_arg(struct admin_req *rq, const char *key, int64_t *v_r);
/* Format epoch as ISO 8601 UTC into out ("" for 0). */
void	admin_iso8601(int64_t t, char *out, size_t outlen);

/* Validation (R4 coding rule for names; roles; CIDR lists; dates). 0 or -1 with msg. */
int	admin_check_username(const char *pattern, const char *name, char *msg, size_t msglen);
/* R4: the next free name from username_template for unit; -1 when off or exhausted. */
int	admin_generate_username(struct admin_req *rq, const char *unit, char *out, size_t outlen);
int	admin_check_unit_code(const char *code, char *msg, size_t msglen);
int	admin_check_roles(const char *csv, char *norm, size_t normlen, char *msg, size_t msglen);
int	admin_check_cidrs(const char *csv, char *msg, size_t msglen);
int	admin_parse_date(const char *s, int64_t *t_r);
int	admin_check_phone(const char *s, char *msg, size_t msglen);
int	admin_check_id_number(const char *s, char *msg, size_t msglen);
void	admin_mask_phone(const char *phone, char *out, size_t outlen);
int	admin_has_role(const struct store_user *u, const char *role);

/* Handlers (admin_unit.c, admin_user.c, admin_misc.c). */
void	admin_unit_add(struct admin_req *rq);
void	admin_unit_list(struct admin_req *rq);
void	admin_unit_set(struct admin_req *rq);
void	admin_user_add(struct admin_req *rq);
void	admin_user_show(struct admin_req *rq);
void	admin_user_list(struct admin_req *rq);
void	admin_user_set(struct admin_req *rq);
void	admin_user_reset_password(struct admin_req *rq);
void	admin_user_mark_risk(struct admin_req *rq);
void	admin_user_unlock(struct admin_req *rq);
void	admin_user_freeze(struct admin_req *rq);
void	admin_user_unfreeze(struct admin_req *rq);
void	admin_key_enroll(struct admin_req *rq);
void	admin_policy_list(struct admin_req *rq);
void	admin_policy_show(struct admin_req *rq);
void	admin_policy_set(struct admin_req *rq);
void	admin_audit_show(struct admin_req *rq);
void	admin_audit_verify(struct admin_req *rq);
void	admin_host_add(struct admin_req *rq);
void	admin_host_list(struct admin_req *rq);
void	admin_host_renew(struct admin_req *rq);
void	admin_host_revoke(struct admin_req *rq);
void	admin_audit_export(struct admin_req *rq);
void	admin_audit_prune(struct admin_req *rq);
void	admin_key_import(struct admin_req *rq);
void	admin_key_list(struct admin_req *rq);
void	admin_key_show(struct admin_req *rq);
void	admin_key_bind(struct admin_req *rq);
void	admin_key_unbind(struct admin_req *rq);
void	admin_key_lost(struct admin_req *rq);
void	admin_key_damaged(struct admin_req *rq);
void	admin_key_resync(struct admin_req *rq);
void	admin_user_delete(struct admin_req *rq);
void	admin_user_offboard(struct admin_req *rq);
void	admin_request_list(struct admin_req *rq);
void	admin_request_approve(struct admin_req *rq);
void	admin_request_reject(struct admin_req *rq);
void	admin_report_review(struct admin_req *rq);	/* admin_report.c */
void	admin_report_logs(struct admin_req *rq);
void	admin_report_incident(struct admin_req *rq);
/* Create p's account in the caller's transaction (also on a request's approval). */
int	admin_create_user(struct server *srv, const struct conn *from, struct admin_pending *p,
	    const char *pw_hash, int64_t now, const unsigned char *seed, size_t seedlen,
	    const char *approved_by, char *serial, size_t seriallen, char *uri, size_t urilen);
/* Two-person rule: hold a user_add (uri gets the soft token's URI, if any). */
int	admin_request_user_add(struct server *srv, const struct conn *from, struct admin_pending *p,
	    const char *pw_hash, int64_t now, int64_t *id_r, char *uri, size_t urilen);
/* Hold user_set_roles (roles) or password_reset (pw_hash). */
int	admin_request_simple(struct server *srv, const struct conn *from, const char *actor,
	    const char *kind, const char *target, const char *roles, const char *pw_hash, int64_t now,
	    int64_t *id_r);
void	admin_user_freeze_bulk(struct admin_req *rq, const char *creator, const char *reason);
/* Unbind u's key in the caller's transaction, with its audit record. */
int	admin_unbind_key(struct admin_req *rq, const struct store_user *u, char *serial,
	    size_t seriallen, const char **state_r);

#endif
