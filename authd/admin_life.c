/*
 * authd/admin_life.c: the states of an account (R9, R11-R13, R24, R25):
 * unlock, freeze and unfreeze, delete only when frozen and keyless,
 * offboarding in one transaction, and the bulk freeze of everything a
 * compromised administrator created.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "num.h"
#include "scope.h"
#include "server.h"

static int
load_user(struct admin_req *rq, const char *name, struct store_user *u)
{
	char msg[128];
	int r;

	if ((r = store_user_get(rq->srv->st, name, u)) != 0) {
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		return -1;
	}
	return 0;
}

static void
commit_or_fail(struct admin_req *rq, int r)
{
	if (r == 0)
		r = store_commit(rq->srv->st);
	if (r != 0) {
		store_rollback(rq->srv->st);
		admin_store_fail(rq, r, "");
	}
}

/* R9: freeze, recover and unbind the key, then delete; any other order is refused. */
void
admin_user_delete(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	const char *name;
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if (load_user(rq, name, &u) != 0) {
		store_rollback(st);
		return;
	}
	if (strcmp(u.state, "deleted") == 0) {
		conn_fail(rq->c, "state", "user %s is already deleted", name);
		goto refuse;
	}
	if (strcmp(u.state, "frozen") != 0) {
		conn_fail(rq->c, "state", "user %s is active: freeze it first"
		    " (user freeze %s --reason TEXT) (R9)", name, name);
		goto refuse;
	}
	if (u.key_serial[0] != '\0') {
		conn_fail(rq->c, "state", "user %s still holds key %s: recover the key and"
		    " unbind it first (key unbind %s) (R9)", name, u.key_serial, name);
		goto refuse;
	}
	/* a tombstone: the row stays for the audit trail, the name is never reused */
	r = store_user_set_state(st, u.id, "deleted", u.freeze_reason);
	if (r == 0)
		r = store_session_del_user(st, u.id);
	if (r == 0)
		r = admin_audit(rq, "user_delete", name, 1, "", u.freeze_reason);
	commit_or_fail(rq, r);
	if (r == 0)
		conn_send(rq->c, "OK", NULL);
	store_user_clear(&u);
	return;
 refuse:
	store_rollback(st);
	store_user_clear(&u);
}

/* R24: departure: freeze and return the key in one transaction, ready to delete. */
void
admin_user_offboard(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	const char *name, *reason, *state = "";
	char why[STORE_TEXT_MAX + 1], serial[STORE_NAME_MAX + 1] = "";
	int r = 0;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	reason = admin_arg(rq, "reason");
	if (reason != NULL && strlen(reason) > 200) {
		conn_fail(rq->c, "invalid", "reason longer than 200 bytes");
		return;
	}
	snprintf(why, sizeof(why), "offboarded%s%s", reason && reason[0] ? ": " : "",
	    reason ? reason : "");
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if (load_user(rq, name, &u) != 0) {
		store_rollback(st);
		return;
	}
	if (strcmp(u.state, "deleted") == 0) {
		store_rollback(st);
		conn_fail(rq->c, "state", "user %s is deleted", name);
		store_user_clear(&u);
		return;
	}
	if (strcmp(u.state, "active") == 0) {
		r = store_user_set_state(st, u.id, "frozen", why);
		if (r == 0)
			r = store_session_del_user(st, u.id);
		if (r == 0)
			r = admin_audit(rq, "user_freeze", name, 1, why, "");
	}
	if (r == 0 && u.key_serial[0] != '\0')
		r = admin_unbind_key(rq, &u, serial, sizeof(serial), &state);
	if (r == 0)
		r = admin_audit(rq, "user_offboard", name, 1, reason ? reason : "", serial);
	commit_or_fail(rq, r);
	if (r == 0)
		conn_send(rq->c, "OK", "serial", serial, "state", state, NULL);
	store_user_clear(&u);
}

struct bulk {
	struct admin_req	*rq;
	int64_t			 ids[4096];
	char			 names[4096][STORE_NAME_MAX + 1];
	size_t			 n;
	int			 overflow;
	size_t			 skipped;	/* outside the actor's subtree */
};

static int
bulk_collect(const struct store_user *u, void *arg)
{
	struct bulk *b = arg;

	if (strcmp(u->state, "active") != 0)
		return 0;
	/*
	 * Incident response (R12, R25) reaches the actor's whole subtree: the
	 * administrator above a compromised one must be able to stop what it made.
	 */
	if (u->id == b->rq->actor.id || !(scope_manages_user(b->rq->srv->st, &b->rq->actor, u) ||
	    (u->unit_id != b->rq->actor.unit_id &&
	    scope_in_subtree(b->rq->srv->st, b->rq->actor.unit_id, u->unit_id)))) {
		b->skipped++;	/* never sideways: not the actor's peers */
		return 0;
	}
	if (b->n >= sizeof(b->ids) / sizeof(b->ids[0])) {
		b->overflow = 1;
		return 1;
	}
	b->ids[b->n] = u->id;
	snprintf(b->names[b->n], sizeof(b->names[0]), "%s", u->name);
	b->n++;
	return 0;
}

/*
 * R12, R25: freeze every active account NAME created since TIME, in one
 * transaction, one audit record per account.
 */
void
admin_user_freeze_bulk(struct admin_req *rq, const char *creator, const char *reason)
{
	static struct bulk b;	/* large; the loop thread is the only user */
	struct store *st = rq->srv->st;
	struct store_user_filter f;
	const char *since = admin_arg_req(rq, "since"), *errstr;
	char details[160], count[16];
	size_t i;
	int r;

	if (since == NULL)
		return;
	memset(&f, 0, sizeof(f));
	f.created_by = creator;
	f.since = strtonum_ll(since, 0, INT64_MAX, &errstr);
	if (errstr != NULL) {
		conn_fail(rq->c, "invalid", "since: not a time (epoch seconds)");
		return;
	}
	memset(&b, 0, sizeof(b));
	b.rq = rq;
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if ((r = store_user_list(st, &f, bulk_collect, &b)) != 0 && !b.overflow) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	if (b.overflow) {
		store_rollback(st);
		conn_fail(rq->c, "invalid", "more than %zu accounts: narrow --since",
		    sizeof(b.ids) / sizeof(b.ids[0]));
		return;
	}
	snprintf(details, sizeof(details), "bulk: created_by=%s since=%s", creator, since);
	for (i = 0, r = 0; i < b.n && r == 0; i++) {
		r = store_user_set_state(st, b.ids[i], "frozen", reason);
		if (r == 0)
			r = store_session_del_user(st, b.ids[i]);
		if (r == 0)
			r = admin_audit(rq, "user_freeze", b.names[i], 1, reason, details);
	}
	if (r == 0)
		r = store_commit(st);
	if (r != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	for (i = 0; i < b.n; i++)
		conn_send(rq->c, "ROW", "name", b.names[i], NULL);
	snprintf(count, sizeof(count), "%zu", b.n);
	snprintf(details, sizeof(details), "%zu", b.skipped);
	conn_send(rq->c, "OK", "frozen", count, "skipped", details, NULL);
}

/* Load NAME inside a transaction for a state change; replies and returns -1 on failure. */
static int
begin_user(struct admin_req *rq, const char *name, struct store_user *u)
{
	char msg[128];
	int r;

	if ((r = store_begin(rq->srv->st)) != 0) {
		admin_store_fail(rq, r, "");
		return -1;
	}
	if ((r = store_user_get(rq->srv->st, name, u)) != 0) {
		store_rollback(rq->srv->st);
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		return -1;
	}
	return 0;
}

static void
finish_user(struct admin_req *rq, struct store_user *u, int r, const char *action,
    const char *reason, const char *details)
{
	if (r == 0)
		r = admin_audit(rq, action, u->name, 1, reason, details);
	if (r == 0)
		r = store_commit(rq->srv->st);
	if (r != 0) {
		store_rollback(rq->srv->st);
		admin_store_fail(rq, r, "");
	} else
		conn_send(rq->c, "OK", NULL);
	store_user_clear(u);
}

void
admin_user_unlock(struct admin_req *rq)
{
	struct store_user u;
	const char *name;
	char details[64];

	if ((name = admin_arg_req(rq, "name")) == NULL || begin_user(rq, name, &u) != 0)
		return;
	snprintf(details, sizeof(details), "failures=%lld locked=%s", (long long)u.failures,
	    u.locked_until > rq->now ? "yes" : "no");
	finish_user(rq, &u, store_user_unlock(rq->srv->st, u.id), "user_unlock", "", details);
}

void
admin_user_freeze(struct admin_req *rq)
{
	struct store_user u;
	const char *name, *reason;
	int r;

	if ((reason = admin_arg_req(rq, "reason")) == NULL)
		return;
	if (strlen(reason) > 200) {
		conn_fail(rq->c, "invalid", "reason longer than 200 bytes");
		return;
	}
	if ((name = admin_arg(rq, "created_by")) != NULL) {
		admin_user_freeze_bulk(rq, name, reason);
		return;
	}
	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if (begin_user(rq, name, &u) != 0)
		return;
	if (strcmp(u.state, "active") != 0) {
		store_rollback(rq->srv->st);
		conn_fail(rq->c, "state", "user %s is already %s", name, u.state);
		store_user_clear(&u);
		return;
	}
	/* the account's admin sessions end with it */
	r = store_user_set_state(rq->srv->st, u.id, "frozen", reason);
	if (r == 0)
		r = store_session_del_user(rq->srv->st, u.id);
	finish_user(rq, &u, r, "user_freeze", reason, "");
}

void
admin_user_unfreeze(struct admin_req *rq)
{
	struct store_user u;
	const char *name;

	if ((name = admin_arg_req(rq, "name")) == NULL || begin_user(rq, name, &u) != 0)
		return;
	if (strcmp(u.state, "frozen") != 0) {
		store_rollback(rq->srv->st);
		conn_fail(rq->c, "state", "user %s is %s, not frozen", name, u.state);
		store_user_clear(&u);
		return;
	}
	/* R11: after a lost or damaged key, a new key is bound before the account returns */
	if (u.needs_key && u.key_serial[0] == '\0') {
		store_rollback(rq->srv->st);
		conn_fail(rq->c, "state", "user %s's key was lost or damaged: bind a new key first"
		    " (key bind %s SERIAL, or key enroll %s) (R11)", name, name, name);
		store_user_clear(&u);
		return;
	}
	finish_user(rq, &u, store_user_set_state(rq->srv->st, u.id, "active", ""),
	    "user_unfreeze", "", u.freeze_reason);
}
