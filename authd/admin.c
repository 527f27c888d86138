/*
 * authd/admin.c: admin request dispatch. Every verb is one row of the table
 * below with the roles allowed to run it; the session and the role are checked
 * here, before any handler runs, so no handler can forget them.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "hex.h"
#include "admin.h"
#include "cidr.h"
#include "log.h"
#include "num.h"
#include "proto.h"
#include "scope.h"
#include "server.h"
#include "wipe.h"

#define R_SYSADMIN	"sysadmin"
#define R_READERS	"sysadmin,leader,responsible,auditor"
#define R_AUDIT		"sysadmin,auditor"
#define R_KEYS		"sysadmin,custodian"	/* R15: the custodian runs the key's life */

/* What a verb acts on, checked against the actor's place in the unit tree (R1, R2, R15). */
enum admin_scope {
	SC_NONE,	/* global reading (policies) */
	SC_ROOT,	/* global change: sysadmins of the root unit only */
	SC_LIST,	/* a listing: the handler shows only what the actor may read */
	SC_USER,	/* name= : a user the actor manages */
	SC_USER_READ,	/* name= : a user the actor may read */
	SC_NEW_USER,	/* unit= roles= : the user to be created */
	SC_UNIT_NEW,	/* parent= : a unit to be created below the actor's unit */
	SC_UNIT,	/* code= : a unit directly below the actor's unit */
	SC_KEY,		/* serial= : a key of the actor's unit */
	SC_KEY_USER,	/* name= [serial=] : the key's holder, for a custodian or sysadmin */
	SC_KEY_IMPORT,	/* unit= : keys received into a unit */
};

static const struct admin_verb {
	const char	*verb;
	const char	*roles;		/* any of these (comma separated) */
	enum admin_scope scope;
	void		(*handler)(struct admin_req *);
} admin_verbs[] = {
	{ "unit_add",		R_SYSADMIN,	SC_UNIT_NEW,	admin_unit_add },
	{ "unit_list",		R_READERS ",custodian", SC_LIST, admin_unit_list },
	{ "unit_set",		R_SYSADMIN,	SC_UNIT,	admin_unit_set },
	{ "user_add",		R_SYSADMIN,	SC_NEW_USER,	admin_user_add },
	{ "user_show",		R_READERS ",custodian", SC_USER_READ, admin_user_show },
	{ "user_list",		R_READERS ",custodian", SC_LIST, admin_user_list },
	{ "user_set",		R_SYSADMIN,	SC_USER,	admin_user_set },
	{ "user_reset_password", R_SYSADMIN,	SC_USER,	admin_user_reset_password },
	{ "user_mark_risk",	R_SYSADMIN,	SC_USER,	admin_user_mark_risk },
	{ "user_unlock",	R_SYSADMIN,	SC_USER,	admin_user_unlock },
	{ "user_freeze",	R_SYSADMIN,	SC_USER,	admin_user_freeze },
	{ "user_unfreeze",	R_SYSADMIN,	SC_USER,	admin_user_unfreeze },
	{ "user_delete",	R_SYSADMIN,	SC_USER,	admin_user_delete },
	{ "user_offboard",	R_SYSADMIN,	SC_USER,	admin_user_offboard },
	{ "key_enroll",		R_KEYS,		SC_KEY_USER,	admin_key_enroll },
	{ "key_import",		R_KEYS,		SC_KEY_IMPORT,	admin_key_import },
	{ "key_list",		R_KEYS ",auditor,leader,responsible", SC_LIST, admin_key_list },
	{ "key_show",		R_KEYS ",auditor,leader,responsible", SC_KEY, admin_key_show },
	{ "key_bind",		R_KEYS,		SC_KEY_USER,	admin_key_bind },
	{ "key_unbind",		R_KEYS,		SC_KEY_USER,	admin_key_unbind },
	{ "key_lost",		R_KEYS,		SC_KEY,		admin_key_lost },
	{ "key_damaged",	R_KEYS,		SC_KEY,		admin_key_damaged },
	{ "key_resync",		R_KEYS,		SC_KEY,		admin_key_resync },
	{ "policy_list",	R_READERS ",custodian", SC_NONE, admin_policy_list },
	{ "policy_show",	R_READERS ",custodian", SC_NONE, admin_policy_show },
	{ "policy_set",		R_SYSADMIN,	SC_ROOT,	admin_policy_set },
	{ "audit_show",		R_AUDIT,	SC_LIST,	admin_audit_show },
	{ "audit_verify",	R_AUDIT,	SC_NONE,	admin_audit_verify },
	{ "host_add",		R_SYSADMIN,	SC_NONE,	admin_host_add },
	{ "host_list",		R_READERS,	SC_NONE,	admin_host_list },
	{ "host_renew",		R_SYSADMIN,	SC_NONE,	admin_host_renew },
	{ "host_revoke",	R_SYSADMIN,	SC_NONE,	admin_host_revoke },
	{ "audit_export",	"auditor",	SC_ROOT,	admin_audit_export },
	{ "audit_prune",	"auditor,sysadmin", SC_ROOT,	admin_audit_prune },
	{ "request_list",	"sysadmin,responsible", SC_LIST, admin_request_list },
	{ "request_approve",	"sysadmin,responsible", SC_LIST, admin_request_approve },
	{ "request_reject",	"sysadmin,responsible", SC_LIST, admin_request_reject },
	{ "report_review",	R_READERS,	SC_LIST,	admin_report_review },
	{ "report_logs",	R_AUDIT,	SC_LIST,	admin_report_logs },
	{ "report_incident",	R_AUDIT,	SC_LIST,	admin_report_incident },
};

int
admin_has_role(const struct store_user *u, const char *role)
{
	char buf[STORE_TEXT_MAX + 1], *p, *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", u->roles);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		if (strcmp(tok, role) == 0)
			return 1;
	return 0;
}

static int
has_any_role(const struct store_user *u, const char *roles)
{
	char buf[128], *p, *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", roles);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		if (admin_has_role(u, tok))
			return 1;
	return 0;
}

static int
token_hash(const char *hex, unsigned char out[32])
{
	unsigned char raw[32];

	if (hex_decode(hex, raw, sizeof(raw)) != 0)
		return -1;
	SHA256(raw, sizeof(raw), out);
	wipe(raw, sizeof(raw));
	return 0;
}

static int
check_session(struct admin_req *rq, const char *token)
{
	unsigned char hash[32];
	char origin[CONN_ORIGIN_MAX];
	int64_t uid = 0;
	int r;

	if (token == NULL || token_hash(token, hash) != 0)
		return -1;
	r = store_session_check(rq->srv->st, hash, (long)rq->c->uid,
	    conn_origin(rq->c, origin, sizeof(origin)), rq->now,
	    (int64_t)rq->srv->cfg->admin_session_minutes * 60, &uid);
	if (r != 0)
		return -1;
	if (store_user_get_id(rq->srv->st, uid, &rq->actor) != 0)
		return -1;
	/* a frozen or deleted administrator's sessions end with the account */
	if (strcmp(rq->actor.state, "active") != 0)
		return -1;
	return 0;
}

static void
admin_logout(struct admin_req *rq, const char *token)
{
	unsigned char hash[32];

	if (token != NULL && token_hash(token, hash) == 0 && store_begin(rq->srv->st) == 0) {
		if (store_session_del(rq->srv->st, hash) == 0)
			(void)store_commit(rq->srv->st);
		else
			store_rollback(rq->srv->st);
	}
	conn_send(rq->c, "OK", NULL);
}

static void
audit_refusal(struct admin_req *rq, const char *verb, const char *why)
{
	struct store *st = rq->srv->st;
	const char *target = admin_arg(rq, "name"), *errstr;
	char tbuf[STORE_NAME_MAX + 1];

	if (target == NULL)
		target = admin_arg(rq, "code");
	if (target == NULL)
		target = admin_arg(rq, "serial");
	if (target == NULL && admin_arg(rq, "id") != NULL) {
		struct store_request req;
		long long id = strtonum_ll(admin_arg(rq, "id"), 1, INT64_MAX, &errstr);

		/* a request's verdict is about its target: log it under that name */
		if (errstr == NULL && store_request_get(st, id, &req) == 0) {
			snprintf(tbuf, sizeof(tbuf), "%s", req.target);
			target = tbuf;
			store_request_clear(&req);
		}
	}
	store_rollback(st);	/* a handler that failed mid-way left nothing open */
	if (store_begin(st) != 0)
		return;
	if (admin_audit(rq, verb, target ? target : "", 0, why, "") == 0)
		(void)store_commit(st);
	else
		store_rollback(st);
}

/* A key's holder for a custodian (same unit) or a sysadmin (a user it manages). */
static int
key_user_ok(struct admin_req *rq, const struct store_user *target)
{
	if (admin_has_role(&rq->actor, "sysadmin") &&
	    scope_manages_user(rq->srv->st, &rq->actor, target))
		return 1;
	/* a custodian issues and recovers the keys of its unit's people, not its administrators' */
	return admin_has_role(&rq->actor, "custodian") && target->unit_id == rq->actor.unit_id &&
	    !admin_has_role(target, "sysadmin");
}

/*
 * R1, R2, R15: refuse, before the handler runs, a request on anything outside
 * the actor's scope. Objects that do not exist pass: the handler says so.
 */
static int
check_scope(struct admin_req *rq, const struct admin_verb *v)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	struct store_unit unit;
	struct store_token t;
	const char *arg, *roles;
	int ok = 1, r;

	memset(&u, 0, sizeof(u));
	memset(&t, 0, sizeof(t));
	switch (v->scope) {
	case SC_NONE:
	case SC_LIST:
		return 0;
	case SC_ROOT:
		ok = scope_is_root(st, &rq->actor);
		break;
	case SC_USER:
	case SC_USER_READ:
		if (strcmp(v->verb, "user_freeze") == 0 && admin_arg(rq, "created_by") != NULL)
			return 0;	/* bulk freeze: the handler keeps to the actor's subtree */
		if ((arg = admin_arg(rq, "name")) == NULL || store_user_get(st, arg, &u) != 0)
			return 0;
		ok = v->scope == SC_USER ? scope_manages_user(st, &rq->actor, &u) :
		    scope_reads_user(st, &rq->actor, &u);
		/* a change of roles must leave the user in the actor's scope (no sideways grant) */
		if (ok && strcmp(v->verb, "user_set") == 0 &&
		    (roles = admin_arg(rq, "roles")) != NULL)
			ok = scope_manages(st, &rq->actor, u.unit_id, roles, u.id);
		break;
	case SC_NEW_USER:
		if ((arg = admin_arg(rq, "unit")) == NULL || store_unit_get(st, arg, &unit) != 0)
			return 0;
		roles = admin_arg(rq, "roles");
		ok = scope_manages(st, &rq->actor, unit.id, roles ? roles : "", -1);
		break;
	case SC_UNIT_NEW:
		arg = admin_arg(rq, "parent");
		if (store_unit_get(st, arg && arg[0] ? arg : "ROOT", &unit) != 0)
			return 0;
		ok = scope_manages_unit(&rq->actor, unit.id);
		break;
	case SC_UNIT:
		if ((arg = admin_arg(rq, "code")) == NULL || store_unit_get(st, arg, &unit) != 0)
			return 0;
		ok = scope_manages_unit(&rq->actor, unit.parent_id);
		break;
	case SC_KEY:
		if ((arg = admin_arg(rq, "serial")) == NULL || store_token_get(st, arg, &t) != 0)
			return 0;
		ok = scope_keys(st, &rq->actor, t.unit_id);
		/* moving a held key acts on its holder too (key lost freezes it) */
		if (ok && t.holder_id > 0 && strcmp(v->verb, "key_show") != 0 &&
		    store_user_get_id(st, t.holder_id, &u) == 0)
			ok = key_user_ok(rq, &u);
		break;
	case SC_KEY_USER:
		if ((arg = admin_arg(rq, "serial")) != NULL && store_token_get(st, arg, &t) == 0 &&
		    !scope_keys(st, &rq->actor, t.unit_id))
			ok = 0;
		if (ok && (arg = admin_arg(rq, "name")) != NULL && store_user_get(st, arg, &u) == 0)
			ok = key_user_ok(rq, &u);
		break;
	case SC_KEY_IMPORT:
		arg = admin_arg(rq, "unit");
		if (arg != NULL && arg[0] != '\0') {
			if (store_unit_get(st, arg, &unit) != 0)
				return 0;
			ok = scope_keys(st, &rq->actor, unit.id);
		} else
			ok = scope_keys(st, &rq->actor, 0);
		break;
	}
	store_user_clear(&u);
	store_token_clear(&t);
	if (ok)
		return 0;
	conn_fail(rq->c, "denied", "%s: outside your scope (%s of unit %s): a sysadmin manages"
	    " the ordinary users of its unit and the units and sysadmins directly below it (R1)",
	    v->verb, rq->actor.roles, rq->actor.unit);
	r = store_begin(st);
	if (r == 0 && admin_audit(rq, v->verb, admin_arg(rq, "name") ? admin_arg(rq, "name") :
	    admin_arg(rq, "code") ? admin_arg(rq, "code") : admin_arg(rq, "serial") ?
	    admin_arg(rq, "serial") : "", 0, "outside the actor's scope", "") == 0)
		(void)store_commit(st);
	else
		store_rollback(st);
	return -1;
}

void
admin_dispatch(struct conn *c, struct proto_msg *msg)
{
	struct admin_req rq;
	const struct admin_verb *v = NULL;
	const char *token = proto_get(msg, "token");
	size_t i;
	char what[96];

	memset(&rq, 0, sizeof(rq));
	rq.c = c;
	rq.srv = c->srv;
	rq.msg = msg;
	rq.now = server_now();
	if (strcmp(msg->verb, "LOGOUT") == 0) {
		admin_logout(&rq, token);
		return;
	}
	for (i = 0; i < sizeof(admin_verbs) / sizeof(admin_verbs[0]); i++)
		if (strcmp(admin_verbs[i].verb, msg->verb) == 0)
			v = &admin_verbs[i];
	if (v == NULL) {
		snprintf(what, sizeof(what), "unknown verb: %.40s", msg->verb);
		conn_proto_error(c, what);
		return;
	}
	if (c->pending != NULL) {
		conn_proto_error(c, "a request is already in progress");
		return;
	}
	if (check_session(&rq, token) != 0) {
		conn_fail(c, "session", "no valid session; log in again");
		goto out;
	}
	if (!has_any_role(&rq.actor, v->roles)) {
		conn_fail(c, "denied", "%s needs one of the roles: %s", v->verb, v->roles);
		audit_refusal(&rq, v->verb, c->last_fail);
		goto out;
	}
	if (check_scope(&rq, v) != 0)
		goto out;
	c->last_fail[0] = '\0';
	v->handler(&rq);
	/* a refused request is an action too: it lands in the log with its reason */
	if (c->last_fail[0] != '\0')
		audit_refusal(&rq, v->verb, c->last_fail);
 out:
	store_user_clear(&rq.actor);
}

void
admin_conn_free(struct conn *c)
{
	struct admin_pending *p = c->pending;

	if (p == NULL)
		return;
	wipe_free_str(p->password);
	store_user_clear(&p->u);
	wipe(p, sizeof(*p));
	free(p);
	c->pending = NULL;
}

void
admin_store_fail(struct admin_req *rq, int r, const char *what)
{
	switch (r) {
	case STORE_ERR_NOTFOUND:
		conn_fail(rq->c, "notfound", "%s", what);
		break;
	case STORE_ERR_EXISTS:
		conn_fail(rq->c, "exists", "%s", what);
		break;
	case STORE_ERR_FULL:
		conn_fail(rq->c, "internal", "disk full: nothing was changed");
		break;
	default:
		log_warnx("store: %s", store_errmsg(rq->srv->st));
		conn_fail(rq->c, "internal", "database error: nothing was changed");
		break;
	}
}

int
admin_audit_as(struct server *srv, const char *actor, const struct conn *from, const char *action,
    const char *target, int ok, const char *reason, const char *details)
{
	struct audit_rec a;
	char client[96];

	memset(&a, 0, sizeof(a));
	a.source_port = -1;
	if (from->tls) {
		/* remote authadm: the administrator's machine, as TCP says (issue 8 item 5) */
		snprintf(client, sizeof(client), "authadm tls");
		a.source_addr = from->peer_addr;
		a.source_port = from->peer_port;
	} else
		snprintf(client, sizeof(client), "authadm uid=%ld", (long)from->uid);
	a.actor = actor;
	a.action = action;
	a.target = target;
	a.result = ok ? "ok" : "fail";
	a.reason = reason;
	a.host = srv->hostname;
	a.service = "authadm";
	a.client = client;
	a.details = details;
	return store_audit_append(srv->st, server_now(), &a);
}

int
admin_audit(struct admin_req *rq, const char *action, const char *target, int ok,
    const char *reason, const char *details)
{
	return admin_audit_as(rq->srv, rq->actor.name, rq->c, action, target, ok, reason,
	    details);
}

int
admin_time_arg(struct admin_req *rq, const char *key, int64_t *v_r)
{
	const char *s = admin_arg(rq, key), *errstr;

	*v_r = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	*v_r = strtonum_ll(s, 0, INT64_MAX, &errstr);
	if (errstr != NULL) {
		conn_fail(rq->c, "invalid", "%s: not a time (epoch seconds)", key);
		return -1;
	}
	return 0;
}

const char *
admin_arg(struct admin_req *rq, const char *key)
{
	return proto_get(rq->msg, key);
}

const char *
admin_arg_req(struct admin_req *rq, const char *key)
{
	const char *v = proto_get(rq->msg, key);

	if (v == NULL || v[0] == '\0') {
		conn_fail(rq->c, "invalid", "missing argument: %s", key);
		return NULL;
	}
	return v;
}

void
admin_iso8601(int64_t t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, outlen, "%s", "");
		return;
	}
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * R4: every new user name follows the one configured coding rule
 * (username_pattern, an extended regular expression), and is at most 32
 * characters of a-z, 0-9, '.', '_', '-' whatever the pattern says, so names
 * stay safe as Unix user names and in otpauth URIs.
 */
int
admin_check_username(const char *pattern, const char *name, char *msg, size_t msglen)
{
	regex_t re;
	size_t i, n = strlen(name);
	int ok;

	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '.' || name[i] == '_' || name[i] == '-'))
			break;
	if (n == 0 || n > 32 || i != n) {
		snprintf(msg, msglen, "user name \"%.40s\" is invalid: 1-32 characters of a-z,"
		    " 0-9, '.', '_', '-'", name);
		return -1;
	}
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		snprintf(msg, msglen, "the username_pattern does not compile");
		return -1;
	}
	ok = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	if (!ok) {
		snprintf(msg, msglen, "user name \"%.40s\" breaks the naming rule %s (R4)", name,
		    pattern);
		return -1;
	}
	return 0;
}

/*
 * R4: the next free name from username_template: {unit} is the unit code in
 * lower case, {seq:N} the lowest N-digit number not yet used (deleted names
 * included: names are never reused).
 */
int
admin_generate_username(struct admin_req *rq, const char *unit, char *out, size_t outlen)
{
	const char *tpl = rq->srv->cfg->username_template, *p;
	struct store_user u;
	unsigned long seq, max;
	size_t o, k;
	int width = 0, r;

	if (tpl == NULL)
		return -1;
	for (p = tpl; *p != '\0'; p++)
		if (strncmp(p, "{seq:", 5) == 0)
			width = p[5] - '0';
	for (max = 1, k = 0; k < (size_t)width; k++)
		max *= 10;
	for (seq = 1; seq < max; seq++) {
		for (p = tpl, o = 0; *p != '\0' && o + 1 < outlen;) {
			if (strncmp(p, "{unit}", 6) == 0) {
				for (k = 0; unit[k] != '\0' && o + 1 < outlen; k++)
					out[o++] = (char)tolower((unsigned char)unit[k]);
				p += 6;
			} else if (strncmp(p, "{seq:", 5) == 0) {
				o += (size_t)snprintf(out + o, outlen - o, "%0*lu", width, seq);
				if (o >= outlen)
					return -1;
				p += 7;
			} else
				out[o++] = *p++;
		}
		out[o] = '\0';
		if ((r = store_user_get(rq->srv->st, out, &u)) == STORE_ERR_NOTFOUND)
			return 0;
		store_user_clear(&u);
		if (r != 0)
			return -1;
	}
	return -1;
}

int
admin_check_unit_code(const char *code, char *msg, size_t msglen)
{
	size_t i, n = strlen(code);

	if (n < 1 || n > 32)
		goto bad;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)code[i]) && code[i] != '_' && code[i] != '-' &&
		    code[i] != '.')
			goto bad;
	return 0;
 bad:
	snprintf(msg, msglen, "unit code \"%.40s\" is invalid: 1-32 characters of A-Z, a-z,"
	    " 0-9, '.', '_', '-'", code);
	return -1;
}

static const char *const known_roles[] = {
	"sysadmin", "bizadmin", "leader", "responsible", "officer", "custodian", "auditor",
};

int
admin_check_roles(const char *csv, char *norm, size_t normlen, char *msg, size_t msglen)
{
	char buf[STORE_TEXT_MAX + 1], *p, *tok, *save = NULL;
	int seen[sizeof(known_roles) / sizeof(known_roles[0])] = { 0 };
	size_t i, n = 0, k;

	norm[0] = '\0';
	if (strlen(csv) > STORE_TEXT_MAX) {
		snprintf(msg, msglen, "role list too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", csv);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		for (i = 0; i < sizeof(known_roles) / sizeof(known_roles[0]); i++)
			if (strcmp(tok, known_roles[i]) == 0)
				break;
		if (i == sizeof(known_roles) / sizeof(known_roles[0])) {
			snprintf(msg, msglen, "unknown role \"%.32s\" (roles: sysadmin, bizadmin,"
			    " leader, responsible, officer, custodian, auditor)", tok);
			return -1;
		}
		if (!seen[i])
			n++;
		seen[i] = 1;
	}
	/* R3: a system administrator account is set up on its own and holds no other role */
	if (seen[0] && n > 1) {
		snprintf(msg, msglen, "a sysadmin holds no other role (R3): give the other roles"
		    " to a separate account");
		return -1;
	}
	for (i = 0, k = 0; i < sizeof(known_roles) / sizeof(known_roles[0]); i++) {
		if (!seen[i])
			continue;
		k += (size_t)snprintf(norm + k, normlen - k, "%s%s", k ? "," : "", known_roles[i]);
		if (k >= normlen)
			return -1;
	}
	return 0;
}

int
admin_check_cidrs(const char *csv, char *msg, size_t msglen)
{
	if (strlen(csv) > STORE_TEXT_MAX) {
		snprintf(msg, msglen, "address list too long (at most %d bytes)", STORE_TEXT_MAX);
		return -1;
	}
	return cidr_list_check(csv, msg, msglen);
}

int
admin_parse_date(const char *s, int64_t *t_r)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 10 || (end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*t_r = (int64_t)t;
	return 0;
}

int
admin_check_phone(const char *s, char *msg, size_t msglen)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && !(i == 0 && s[i] == '+') &&
		    !(i > 0 && s[i] == '-'))
			break;
	if (n < 5 || n > 20 || i != n) {
		snprintf(msg, msglen, "phone number must be 5-20 digits (a leading + and inner"
		    " '-' allowed)");
		return -1;
	}
	return 0;
}

int
admin_check_id_number(const char *s, char *msg, size_t msglen)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z')))
			break;
	if (n < 8 || n > 32 || i != n) {
		snprintf(msg, msglen, "ID number must be 8-32 letters and digits");
		return -1;
	}
	return 0;
}

/* R30: 138****5678 */
void
admin_mask_phone(const char *phone, char *out, size_t outlen)
{
	size_t n = strlen(phone);

	if (n <= 7)
		snprintf(out, outlen, "%.*s****", n > 2 ? 2 : 0, phone);
	else
		snprintf(out, outlen, "%.3s****%s", phone, phone + n - 4);
}
