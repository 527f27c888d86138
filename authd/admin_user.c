/*
 * authd/admin_user.c: user add/show/list/set/reset-password/mark-risk.
 * Adding a user and resetting a password hash on the worker pool; the request
 * waits in conn->pending and finishes in the continuation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "admin.h"
#include "log.h"
#include "num.h"
#include "policy.h"
#include "pwjob.h"
#include "scope.h"
#include "server.h"
#include "wipe.h"

#define INITIAL_PW_MAX	64

static void	user_add_hashed(struct pwjob *pj);
static void	reset_hashed(struct pwjob *pj);

/* Generate an initial password for policy name and queue its hash. */
static int
start_password_job(struct admin_req *rq, struct admin_pending *p, const struct policy *pol,
    void (*cb)(struct pwjob *))
{
	char pw[INITIAL_PW_MAX + 1];
	struct pwjob *pj;

	if (policy_generate(pol, p->u.name, pw, sizeof(pw)) != 0 ||
	    (p->password = strdup(pw)) == NULL) {
		wipe(pw, sizeof(pw));
		conn_fail(rq->c, "internal", "cannot generate a password for policy %s",
		    pol->name);
		return -1;
	}
	wipe(pw, sizeof(pw));
	if ((pj = pwjob_new(PWJOB_HASH, &rq->srv->kdf, p->password, cb, rq->c)) == NULL) {
		conn_fail(rq->c, "internal", "out of memory");
		return -1;
	}
	if (pwjob_submit(rq->srv->pool, pj) != 0) {
		pwjob_free(&pj);
		conn_fail(rq->c, "busy", "server busy, try again");
		return -1;
	}
	rq->c->pending = p;
	conn_set_busy(rq->c, 1);
	return 0;
}

static struct admin_pending *
pending_new(struct admin_req *rq, const char *verb)
{
	struct admin_pending *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		conn_fail(rq->c, "internal", "out of memory");
		return NULL;
	}
	snprintf(p->verb, sizeof(p->verb), "%s", verb);
	snprintf(p->actor, sizeof(p->actor), "%s", rq->actor.name);
	return p;
}

static void
pending_free(struct admin_pending **pp)
{
	struct admin_pending *p = *pp;

	if (p == NULL)
		return;
	wipe_free_str(p->password);
	store_user_clear(&p->u);
	wipe(p, sizeof(*p));
	free(p);
	*pp = NULL;
}

void
admin_user_add(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct admin_pending *p = NULL;
	struct store_unit unit;
	struct store_user existing;
	struct policy pol;
	const char *name, *unitcode, *roles, *polname, *phone, *im, *expires, *key, *soft, *idno;
	char msg[512], generated[STORE_NAME_MAX + 1];
	int r;

	if ((unitcode = admin_arg_req(rq, "unit")) == NULL)
		return;
	name = admin_arg(rq, "name");
	if ((name == NULL || name[0] == '\0') && (soft = admin_arg(rq, "generate")) != NULL &&
	    strcmp(soft, "1") == 0) {
		if (admin_generate_username(rq, unitcode, generated, sizeof(generated)) != 0) {
			conn_fail(rq->c, "invalid", "no name can be generated: set"
			    " username_template in authd's configuration (e.g. {unit}{seq:4})");
			return;
		}
		name = generated;
	}
	if (name == NULL || name[0] == '\0') {
		conn_fail(rq->c, "invalid", "missing argument: name");
		return;
	}
	roles = admin_arg(rq, "roles");
	polname = admin_arg(rq, "policy");
	phone = admin_arg(rq, "phone");
	im = admin_arg(rq, "im");
	expires = admin_arg(rq, "expires");
	key = admin_arg(rq, "key");
	soft = admin_arg(rq, "soft_token");
	if (admin_check_username(rq->srv->cfg->username_pattern, name, msg, sizeof(msg)) != 0) {
		conn_fail(rq->c, "invalid", "%s", msg);
		return;
	}
	if ((p = pending_new(rq, "user_add")) == NULL)
		return;
	snprintf(p->u.name, sizeof(p->u.name), "%s", name);
	if (admin_check_roles(roles ? roles : "", p->roles, sizeof(p->roles), msg,
	    sizeof(msg)) != 0) {
		conn_fail(rq->c, "invalid", "%s", msg);
		goto fail;
	}
	if (phone != NULL && phone[0] != '\0') {
		if (admin_check_phone(phone, msg, sizeof(msg)) != 0) {
			conn_fail(rq->c, "invalid", "%s", msg);
			goto fail;
		}
		snprintf(p->phone, sizeof(p->phone), "%s", phone);
	}
	if (im != NULL && strlen(im) > STORE_TEXT_MAX) {
		conn_fail(rq->c, "invalid", "IM id longer than %d bytes", STORE_TEXT_MAX);
		goto fail;
	}
	snprintf(p->u.im, sizeof(p->u.im), "%s", im ? im : "");
	if ((idno = admin_arg(rq, "id_number")) != NULL && idno[0] != '\0') {
		if (admin_check_id_number(idno, msg, sizeof(msg)) != 0) {
			conn_fail(rq->c, "invalid", "%s", msg);
			goto fail;
		}
		snprintf(p->idno, sizeof(p->idno), "%s", idno);
	}
	if (expires != NULL && expires[0] != '\0' &&
	    admin_parse_date(expires, &p->u.expires_at) != 0) {
		conn_fail(rq->c, "invalid", "expires: not a date (YYYY-MM-DD): %.32s", expires);
		goto fail;
	}
	p->soft_token = soft != NULL && strcmp(soft, "1") == 0;
	if (key != NULL && key[0] != '\0') {
		struct store_token t;

		if (p->soft_token) {
			conn_fail(rq->c, "invalid", "give either a key serial or soft_token=1");
			goto fail;
		}
		if ((r = store_token_get(st, key, &t)) != 0) {
			snprintf(msg, sizeof(msg), "no such key: %.64s", key);
			admin_store_fail(rq, r, msg);
			goto fail;
		}
		r = strcmp(t.state, "stock") == 0 || strcmp(t.state, "returned") == 0;
		if (!r)
			conn_fail(rq->c, "state", "key %s is %s%s%s and cannot be issued", key,
			    t.state, t.holder[0] ? " to " : "", t.holder);
		store_token_clear(&t);
		if (!r)
			goto fail;
		snprintf(p->key, sizeof(p->key), "%s", key);
	}
	/* R22: sysadmins default to the server policy, everyone else to standard */
	if (polname == NULL || polname[0] == '\0')
		polname = strstr(p->roles, "sysadmin") != NULL ? "server" : "standard";
	if ((r = store_policy_get(st, polname, &pol)) != 0) {
		snprintf(msg, sizeof(msg), "no such policy: %.40s", polname);
		admin_store_fail(rq, r, msg);
		goto fail;
	}
	if ((r = store_unit_get(st, unitcode, &unit)) != 0) {
		snprintf(msg, sizeof(msg), "no such unit: %.40s", unitcode);
		admin_store_fail(rq, r, msg);
		goto fail;
	}
	if (store_user_get(st, name, &existing) == 0) {
		/* deleted accounts stay as tombstones: names are never reused */
		conn_fail(rq->c, "exists", "user %s already exists%s", name,
		    strcmp(existing.state, "deleted") == 0 ?
		    " (deleted; names are not reused)" : "");
		store_user_clear(&existing);
		goto fail;
	}
	p->u.unit_id = unit.id;
	snprintf(p->u.unit, sizeof(p->u.unit), "%s", unit.code);
	snprintf(p->u.policy, sizeof(p->u.policy), "%s", pol.name);
	if (start_password_job(rq, p, &pol, user_add_hashed) != 0)
		goto fail;
	return;
 fail:
	pending_free(&p);
}

/*
 * Create the account p describes, in the caller's transaction, with its audit
 * records; actor did it (approved_by, if any, approved it). seed: the soft
 * token's seed when one was already shown (a held request), else NULL.
 * Returns a STORE_ERR_* or 0; STORE_ERR_CONFLICT when the key was issued
 * meanwhile.
 */
int
admin_create_user(struct server *srv, const struct conn *from, struct admin_pending *p,
    const char *pw_hash, int64_t now, const unsigned char *seed, size_t seedlen,
    const char *approved_by, char *serial, size_t seriallen, char *uri, size_t urilen)
{
	struct store *st = srv->st;
	char details[640], appr[96] = "";
	int r;

	serial[0] = '\0';
	uri[0] = '\0';
	if (approved_by != NULL)
		snprintf(appr, sizeof(appr), " approved_by=%s", approved_by);
	snprintf(p->u.pw_hash, sizeof(p->u.pw_hash), "%s", pw_hash);
	p->u.pw_changed_at = now;
	snprintf(p->u.must_change, sizeof(p->u.must_change), "initial");	/* R6 */
	p->u.created_at = now;
	snprintf(p->u.created_by, sizeof(p->u.created_by), "%s", p->actor);
	if (p->phone[0] != '\0')
		admin_mask_phone(p->phone, p->u.phone_hint, sizeof(p->u.phone_hint));
	if ((r = store_user_add(st, &p->u)) != 0)
		return r;
	if (p->phone[0] != '\0' &&
	    ((r = account_seal_phone(&srv->key, p->u.id, p->phone, p->u.phone_sealed,
	    &p->u.phone_sealed_len)) != 0 || (r = store_user_update(st, &p->u)) != 0))
		return r;
	if ((r = store_user_set_roles(st, p->u.id, p->roles)) != 0)
		return r;
	if (p->idno[0] != '\0' && (r = account_set_id_number(st, &srv->key, p->u.id, p->idno,
	    p->u.id_hint, sizeof(p->u.id_hint))) != 0)
		return r;
	if (p->soft_token) {
		r = seed != NULL ? account_soft_token_seed(st, &srv->key, p->u.id, p->u.name, now,
		    seed, seedlen, serial, seriallen, uri, urilen) :
		    account_soft_token(st, &srv->key, p->u.id, p->u.name, now, serial, seriallen,
		    uri, urilen);
		if (r != 0)
			return r;
	}
	if (p->key[0] != '\0') {
		struct store_token t;

		/* checked before the hash; checked again here, where it counts */
		if ((r = store_token_get(st, p->key, &t)) != 0)
			return r;
		if (strcmp(t.state, "stock") != 0 && strcmp(t.state, "returned") != 0) {
			store_token_clear(&t);
			return STORE_ERR_CONFLICT;
		}
		r = store_token_bind(st, t.id, p->u.id, now);
		store_token_clear(&t);
		if (r != 0)
			return r;
		snprintf(serial, seriallen, "%s", p->key);
	}
	snprintf(details, sizeof(details), "unit=%s roles=%s policy=%s phone=%s key=%s%s",
	    p->u.unit, p->roles, p->u.policy, p->u.phone_hint, serial, appr);
	if ((r = admin_audit_as(srv, p->actor, from, "user_add", p->u.name, 1, "", details)) != 0)
		return r;
	if (p->soft_token && (r = admin_audit_as(srv, p->actor, from, "key_enroll", p->u.name, 1,
	    "", serial)) != 0)
		return r;
	snprintf(details, sizeof(details), "serial=%s", p->key);
	if (p->key[0] != '\0' && (r = admin_audit_as(srv, p->actor, from, "key_bind", p->u.name,
	    1, "", details)) != 0)
		return r;
	return 0;
}

/* R22: granting sysadmin, or a password under the server policy, waits for a second person. */
static int
needs_two_persons(struct server *srv, const char *roles, const char *policy)
{
	struct store_user tmp;

	if (!srv->cfg->two_person_rule)
		return 0;
	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.roles, sizeof(tmp.roles), "%s", roles);
	return admin_has_role(&tmp, "sysadmin") || strcmp(policy, "server") == 0;
}

static void
user_add_hashed(struct pwjob *pj)
{
	struct conn *c = pj->arg;
	struct server *srv = c->srv;
	struct admin_pending *p = c->pending;
	struct store *st = srv->st;
	char serial[STORE_NAME_MAX + 1] = "", uri[ACCOUNT_URI_MAX] = "", id[24];
	int64_t now = server_now(), rid;
	int r;

	c->pending = NULL;
	conn_set_busy(c, 0);
	if (c->closed || pj->rc != 0) {
		if (!c->closed)
			conn_fail(c, "internal", "cannot hash the password");
		goto out;
	}
	if ((r = store_begin(st)) != 0)
		goto dberr;
	if (needs_two_persons(srv, p->roles, p->u.policy)) {
		if ((r = admin_request_user_add(srv, c, p, pj->out, now, &rid, uri,
		    sizeof(uri))) == STORE_ERR_CONFLICT) {
			store_rollback(st);
			conn_fail(c, "exists", "a request for %s is already pending (request list)",
			    p->u.name);
			goto out;
		}
		if (r != 0 || (r = store_commit(st)) != 0)
			goto dberr;
		snprintf(id, sizeof(id), "%lld", (long long)rid);
		conn_send(c, "OK", "name", p->u.name, "pending", id, "password", p->password,
		    uri[0] ? "otpauth" : NULL, uri, NULL);
		goto out;
	}
	if ((r = admin_create_user(srv, c, p, pj->out, now, NULL, 0, NULL, serial,
	    sizeof(serial), uri, sizeof(uri))) != 0 || (r = store_commit(st)) != 0)
		goto dberr;
	if (p->soft_token)
		conn_send(c, "OK", "name", p->u.name, "password", p->password, "serial", serial,
		    "otpauth", uri, NULL);
	else if (serial[0] != '\0')
		conn_send(c, "OK", "name", p->u.name, "password", p->password, "serial", serial,
		    NULL);
	else
		conn_send(c, "OK", "name", p->u.name, "password", p->password, NULL);
	goto out;
 dberr:
	store_rollback(st);
	if (r == STORE_ERR_EXISTS)
		conn_fail(c, "exists", "user %s already exists", p->u.name);
	else if (r == STORE_ERR_CONFLICT)
		conn_fail(c, "state", "key %s was issued meanwhile", p->key);
	else if (r == STORE_ERR_FULL)
		conn_fail(c, "internal", "disk full: user not added");
	else {
		log_warnx("user_add %s: %s", p->u.name, store_errmsg(st));
		conn_fail(c, "internal", "database error: user not added");
	}
 out:
	wipe(uri, sizeof(uri));
	pwjob_free(&pj);
	pending_free(&p);
	conn_release(c);
}

static int
user_fields(struct admin_req *rq, const struct store_user *u, int full)
{
	char changed[32], expires[32], created[32], last[32], locked[32];

	snprintf(changed, sizeof(changed), "%lld", (long long)u->pw_changed_at);
	snprintf(expires, sizeof(expires), "%s", "");
	if (u->expires_at > 0)
		admin_iso8601(u->expires_at, expires, sizeof(expires));
	expires[10] = '\0';	/* a date */
	if (!full)
		return conn_send(rq->c, "ROW", "name", u->name, "unit", u->unit, "state",
		    u->state, "roles", u->roles, "policy", u->policy, "key", u->key_serial,
		    "must_change", u->must_change[0] ? "1" : "0", NULL);
	snprintf(created, sizeof(created), "%lld", (long long)u->created_at);
	snprintf(last, sizeof(last), "%lld", (long long)u->last_login_at);
	snprintf(locked, sizeof(locked), "%lld",
	    (long long)(u->locked_until > rq->now ? u->locked_until : 0));
	return conn_send(rq->c, "ROW", "name", u->name, "unit", u->unit, "state", u->state,
	    "roles", u->roles, "policy", u->policy, "key", u->key_serial, "phone", u->phone_hint,
	    "im", u->im, "must_change", u->must_change[0] ? "1" : "0",
	    "must_change_reason", u->must_change, "password_changed_at", changed,
	    "expires", expires, "created_at", created, "created_by", u->created_by,
	    "id_number", u->id_hint, "hosts", u->hosts,
	    "last_login_at", u->last_login_at ? last : "", "locked_until_at",
	    u->locked_until > rq->now ? locked : "", "allow_from", u->allow_from,
	    "freeze_reason", u->freeze_reason, NULL);
}

void
admin_user_show(struct admin_req *rq)
{
	struct store_user u;
	const char *name;
	char msg[128];
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if ((r = store_user_get(rq->srv->st, name, &u)) != 0) {
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		return;
	}
	user_fields(rq, &u, 1);
	store_user_clear(&u);
	conn_send(rq->c, "OK", NULL);
}

static int
user_row(const struct store_user *u, void *arg)
{
	struct admin_req *rq = arg;

	if (!scope_reads_user(rq->srv->st, &rq->actor, u))
		return 0;	/* R1, R2: only what the actor may read */
	return user_fields(rq, u, 0);
}

void
admin_user_list(struct admin_req *rq)
{
	struct store_user_filter f;
	const char *since = admin_arg(rq, "since"), *errstr;
	int r;

	memset(&f, 0, sizeof(f));
	f.unit = admin_arg(rq, "unit");
	f.state = admin_arg(rq, "state");
	f.created_by = admin_arg(rq, "created_by");
	if (since != NULL && since[0] != '\0') {
		f.since = strtonum_ll(since, 0, INT64_MAX, &errstr);
		if (errstr != NULL) {
			conn_fail(rq->c, "invalid", "since: not a time (epoch seconds): %s", errstr);
			return;
		}
	}
	if ((since = admin_arg(rq, "inactive")) != NULL && since[0] != '\0') {
		long long days = strtonum_ll(since, 0, 36500, &errstr);

		if (errstr != NULL) {
			conn_fail(rq->c, "invalid", "inactive: a number of days (0..36500)");
			return;
		}
		f.inactive_before = rq->now - days * 86400;
		if (f.inactive_before <= 0)
			f.inactive_before = 1;
	}
	if (f.state != NULL && f.state[0] != '\0' && strcmp(f.state, "active") != 0 &&
	    strcmp(f.state, "frozen") != 0 && strcmp(f.state, "deleted") != 0) {
		conn_fail(rq->c, "invalid", "state must be active, frozen or deleted");
		return;
	}
	if ((r = store_user_list(rq->srv->st, &f, user_row, rq)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

void
admin_user_set(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	struct policy pol;
	const char *name, *phone, *im, *polname, *expires, *roles, *allow, *idno, *hosts;
	char msg[512], details[768], norm[STORE_TEXT_MAX + 1], heldid[24];
	int64_t held = 0;
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	phone = admin_arg(rq, "phone");
	im = admin_arg(rq, "im");
	polname = admin_arg(rq, "policy");
	expires = admin_arg(rq, "expires");
	roles = admin_arg(rq, "roles");
	allow = admin_arg(rq, "allow_from");
	idno = admin_arg(rq, "id_number");
	hosts = admin_arg(rq, "hosts");
	if (!phone && !im && !polname && !expires && !roles && !allow && !idno && !hosts) {
		conn_fail(rq->c, "invalid", "nothing to change");
		return;
	}
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if ((r = store_user_get(st, name, &u)) != 0) {
		store_rollback(st);
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		return;
	}
	details[0] = '\0';
	if (strcmp(u.state, "deleted") == 0) {
		conn_fail(rq->c, "state", "user %s is deleted", name);
		goto fail;
	}
	if (phone != NULL) {
		if (phone[0] == '\0') {
			u.phone_sealed_len = 0;
			u.phone_hint[0] = '\0';
		} else if (admin_check_phone(phone, msg, sizeof(msg)) != 0) {
			conn_fail(rq->c, "invalid", "%s", msg);
			goto fail;
		} else {
			admin_mask_phone(phone, u.phone_hint, sizeof(u.phone_hint));
			if (account_seal_phone(&rq->srv->key, u.id, phone, u.phone_sealed,
			    &u.phone_sealed_len) != 0) {
				conn_fail(rq->c, "internal", "cannot seal the phone number");
				goto fail;
			}
		}
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " phone=%s", u.phone_hint);
	}
	if (im != NULL) {
		if (strlen(im) > STORE_TEXT_MAX) {
			conn_fail(rq->c, "invalid", "IM id longer than %d bytes", STORE_TEXT_MAX);
			goto fail;
		}
		snprintf(u.im, sizeof(u.im), "%s", im);
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " im=%s", im);
	}
	if (polname != NULL) {
		if (store_policy_get(st, polname, &pol) != 0) {
			conn_fail(rq->c, "notfound", "no such policy: %.40s", polname);
			goto fail;
		}
		/* R22: a sysadmin's password follows the server policy, always */
		if (admin_has_role(&u, "sysadmin") && strcmp(pol.name, "server") != 0) {
			conn_fail(rq->c, "denied", "a sysadmin stays under the server policy (R22)");
			goto fail;
		}
		snprintf(u.policy, sizeof(u.policy), "%s", pol.name);
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " policy=%s", pol.name);
	}
	if (expires != NULL) {
		if (expires[0] == '\0')
			u.expires_at = 0;
		else if (admin_parse_date(expires, &u.expires_at) != 0) {
			conn_fail(rq->c, "invalid", "expires: not a date (YYYY-MM-DD)");
			goto fail;
		}
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " expires=%s", expires);
	}
	if (allow != NULL) {
		if (admin_check_cidrs(allow, msg, sizeof(msg)) != 0) {
			conn_fail(rq->c, "invalid", "%s", msg);
			goto fail;
		}
		snprintf(u.allow_from, sizeof(u.allow_from), "%s", allow);
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " allow_from=%s", allow);
	}
	if (hosts != NULL) {
		char list[STORE_TEXT_MAX + 1], *p, *tok, *save = NULL;
		struct store_unit hu;

		if (strlen(hosts) > STORE_TEXT_MAX) {
			conn_fail(rq->c, "invalid", "hosts: list too long");
			goto fail;
		}
		snprintf(list, sizeof(list), "%s", hosts);
		for (p = list; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
			if (store_unit_get(st, tok, &hu) != 0) {
				conn_fail(rq->c, "notfound", "hosts: no such unit: %.40s", tok);
				goto fail;
			}
		snprintf(u.hosts, sizeof(u.hosts), "%s", hosts);
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " hosts=%s", hosts);
	}
	if ((r = store_user_update(st, &u)) != 0)
		goto dberr;
	if (idno != NULL) {
		if (idno[0] != '\0' && admin_check_id_number(idno, msg, sizeof(msg)) != 0) {
			conn_fail(rq->c, "invalid", "%s", msg);
			goto fail;
		}
		if ((r = account_set_id_number(st, &rq->srv->key, u.id, idno, u.id_hint,
		    sizeof(u.id_hint))) != 0)
			goto dberr;
		snprintf(details + strlen(details), sizeof(details) - strlen(details),
		    " id_number=%s", u.id_hint);
	}
	if (roles != NULL) {
		if (admin_check_roles(roles, norm, sizeof(norm), msg, sizeof(msg)) != 0) {
			conn_fail(rq->c, "invalid", "%s", msg);
			goto fail;
		}
		if (needs_two_persons(rq->srv, norm, "") && !admin_has_role(&u, "sysadmin")) {
			/* R22: granting sysadmin waits for a second person */
			if ((r = admin_request_simple(rq->srv, rq->c, rq->actor.name,
			    "user_set_roles", name, norm, "", rq->now, &held)) != 0)
				goto dberr;
		} else {
			if ((r = store_user_set_roles(st, u.id, norm)) != 0)
				goto dberr;
			snprintf(details + strlen(details), sizeof(details) - strlen(details),
			    " roles=%s (was %s)", norm, u.roles);
			/* R22: a new sysadmin moves to the server policy (checked at its next login) */
			if (strstr(norm, "sysadmin") != NULL && strcmp(u.policy, "server") != 0) {
				snprintf(u.policy, sizeof(u.policy), "server");
				if ((r = store_user_update(st, &u)) != 0)
					goto dberr;
				snprintf(details + strlen(details), sizeof(details) -
				    strlen(details), " policy=server");
			}
		}
	}
	if ((details[0] != '\0' && (r = admin_audit(rq, "user_set", name, 1, "", details + 1)) != 0) ||
	    (r = store_commit(st)) != 0)
		goto dberr;
	store_user_clear(&u);
	if (held > 0) {
		snprintf(heldid, sizeof(heldid), "%lld", (long long)held);
		conn_send(rq->c, "OK", "pending", heldid, NULL);
	} else
		conn_send(rq->c, "OK", NULL);
	return;
 dberr:
	admin_store_fail(rq, r, "");
 fail:
	store_rollback(st);
	store_user_clear(&u);
}

void
admin_user_reset_password(struct admin_req *rq)
{
	struct admin_pending *p;
	struct store_user u;
	struct policy pol;
	const char *name;
	char msg[128];
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if ((r = store_user_get(rq->srv->st, name, &u)) != 0) {
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		return;
	}
	if (strcmp(u.state, "deleted") == 0) {
		conn_fail(rq->c, "state", "user %s is deleted", name);
		store_user_clear(&u);
		return;
	}
	if (store_policy_get(rq->srv->st, u.policy, &pol) != 0)
		pol = *policy_builtin_find("standard");
	if ((p = pending_new(rq, "user_reset_password")) == NULL) {
		store_user_clear(&u);
		return;
	}
	p->u = u;
	store_user_clear(&u);
	if (start_password_job(rq, p, &pol, reset_hashed) != 0)
		pending_free(&p);
}

static void
reset_hashed(struct pwjob *pj)
{
	struct conn *c = pj->arg;
	struct server *srv = c->srv;
	struct admin_pending *p = c->pending;
	int64_t now = server_now();
	int r;

	c->pending = NULL;
	conn_set_busy(c, 0);
	if (c->closed || pj->rc != 0) {
		if (!c->closed)
			conn_fail(c, "internal", "cannot hash the password");
		goto out;
	}
	if (needs_two_persons(srv, p->u.roles, p->u.policy)) {
		int64_t rid;
		char id[24];

		if ((r = store_begin(srv->st)) != 0 ||
		    (r = admin_request_simple(srv, c, p->actor, "password_reset", p->u.name,
		    "", pj->out, now, &rid)) != 0 || (r = store_commit(srv->st)) != 0) {
			store_rollback(srv->st);
			conn_fail(c, "internal", "database error: password not reset");
			goto out;
		}
		snprintf(id, sizeof(id), "%lld", (long long)rid);
		conn_send(c, "OK", "name", p->u.name, "pending", id, "password", p->password, NULL);
		goto out;
	}
	/* R23: a reset password must be changed at first use; it also lifts a lockout */
	if ((r = store_begin(srv->st)) != 0 ||
	    (r = store_user_set_password(srv->st, p->u.id, pj->out, now, "reset")) != 0 ||
	    (r = store_user_unlock(srv->st, p->u.id)) != 0 ||
	    (r = admin_audit_as(srv, p->actor, c, "password_reset", p->u.name, 1, "",
	    "")) != 0 || (r = store_commit(srv->st)) != 0) {
		store_rollback(srv->st);
		conn_fail(c, "internal", r == STORE_ERR_FULL ? "disk full: password not reset" :
		    "database error: password not reset");
		goto out;
	}
	conn_send(c, "OK", "name", p->u.name, "password", p->password, NULL);
 out:
	pwjob_free(&pj);
	pending_free(&p);
	conn_release(c);
}

void
admin_user_mark_risk(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	const char *name;
	char msg[128];
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if ((r = store_user_get(st, name, &u)) != 0) {
		store_rollback(st);
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		return;
	}
	/* R7: a password flagged at risk must be changed before use */
	if ((r = store_user_set_must_change(st, u.id, "risk")) != 0 ||
	    (r = admin_audit(rq, "mark_risk", name, 1, "", "")) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
	} else
		conn_send(rq->c, "OK", NULL);
	store_user_clear(&u);
}
