/* authd/admin_misc.c: key enroll (soft TOTP), password policies, audit show. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "account.h"
#include "admin.h"
#include "log.h"
#include "num.h"
#include "policy.h"
#include "scope.h"
#include "server.h"
#include "wipe.h"

void
admin_key_enroll(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	const char *name;
	char msg[256], serial[STORE_NAME_MAX + 1], uri[ACCOUNT_URI_MAX];
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
	if (strcmp(u.state, "deleted") == 0) {
		store_rollback(st);
		conn_fail(rq->c, "state", "user %s is deleted", name);
		goto out;
	}
	/* a user holds at most one key (R15) */
	if (u.key_serial[0] != '\0') {
		store_rollback(st);
		conn_fail(rq->c, "state", "user %s already holds key %s; unbind it first", name,
		    u.key_serial);
		goto out;
	}
	if ((r = account_soft_token(st, &rq->srv->key, u.id, u.name, rq->now, serial,
	    sizeof(serial), uri, sizeof(uri))) != 0 ||
	    (r = admin_audit(rq, "key_enroll", name, 1, "", serial)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		goto out;
	}
	conn_send(rq->c, "OK", "name", name, "serial", serial, "otpauth", uri, NULL);
	wipe(uri, sizeof(uri));
 out:
	store_user_clear(&u);
}

static int
policy_row(struct admin_req *rq, const struct policy *p, int full)
{
	char ml[16], cl[16], age[16], hist[16], desc[256];

	snprintf(ml, sizeof(ml), "%u", p->min_length);
	snprintf(cl, sizeof(cl), "%u", p->classes);
	snprintf(age, sizeof(age), "%u", p->max_age_days);
	snprintf(hist, sizeof(hist), "%u", p->history);
	if (!full)
		return conn_send(rq->c, "ROW", "name", p->name, "min_length", ml, "classes", cl,
		    "class_set", policy_class_set(p), "max_age_days", age, "history", hist, NULL);
	policy_describe(p, desc, sizeof(desc));
	return conn_send(rq->c, "ROW", "name", p->name, "min_length", ml, "classes", cl,
	    "class_set", policy_class_set(p), "max_age_days", age, "history", hist,
	    "description", desc, NULL);
}

static int
policy_list_cb(const struct policy *p, void *arg)
{
	return policy_row(arg, p, 0);
}

void
admin_policy_list(struct admin_req *rq)
{
	int r;

	if ((r = store_policy_list(rq->srv->st, policy_list_cb, rq)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

void
admin_policy_show(struct admin_req *rq)
{
	struct policy p;
	const char *name;
	char msg[128];
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if ((r = store_policy_get(rq->srv->st, name, &p)) != 0) {
		snprintf(msg, sizeof(msg), "no such policy: %.40s", name);
		admin_store_fail(rq, r, msg);
		return;
	}
	policy_row(rq, &p, 1);
	conn_send(rq->c, "OK", NULL);
}

static int
policy_num(struct admin_req *rq, const char *key, unsigned int *v)
{
	const char *s = admin_arg(rq, key), *errstr;
	long long n;

	if (s == NULL)
		return 0;
	n = strtonum_ll(s, 0, 100000, &errstr);
	if (errstr != NULL) {
		conn_fail(rq->c, "invalid", "%s: %s number: %.20s", key, errstr, s);
		return -1;
	}
	*v = (unsigned int)n;
	return 1;
}

void
admin_policy_set(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct policy p, old;
	const char *name;
	char msg[512], details[256];
	int r, n = 0, k;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if ((r = store_policy_get(st, name, &p)) != 0) {
		snprintf(msg, sizeof(msg), "no such policy: %.40s", name);
		admin_store_fail(rq, r, msg);
		return;
	}
	old = p;
	if ((k = policy_num(rq, "min_length", &p.min_length)) < 0)
		return;
	n += k;
	if ((k = policy_num(rq, "classes", &p.classes)) < 0)
		return;
	n += k;
	if ((k = policy_num(rq, "max_age_days", &p.max_age_days)) < 0)
		return;
	n += k;
	if ((k = policy_num(rq, "history", &p.history)) < 0)
		return;
	n += k;
	if (n == 0) {
		conn_fail(rq->c, "invalid", "nothing to change");
		return;
	}
	if (policy_validate(&p, msg, sizeof(msg)) != 0) {
		conn_fail(rq->c, "invalid", "%s", msg);
		return;
	}
	snprintf(details, sizeof(details), "min_length %u->%u classes %u->%u max_age_days %u->%u"
	    " history %u->%u", old.min_length, p.min_length, old.classes, p.classes,
	    old.max_age_days, p.max_age_days, old.history, p.history);
	/* existing passwords are re-checked against the new rule at their next login */
	if ((r = store_begin(st)) != 0 || (r = store_policy_put(st, &p, rq->now)) != 0 ||
	    (r = admin_audit(rq, "policy_set", name, 1, "", details)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

static int
audit_row(const struct store_audit_row *a, void *arg)
{
	struct admin_req *rq = arg;
	char seq[24], t[24], port[16];

	/* R2, R20: an auditor reads the log of its scope; the root's auditors all of it */
	if (!scope_reads_record(rq->srv->st, &rq->actor, rq->sees_all, a->actor, a->target))
		return 0;
	/* --limit counts the records the actor sees, not the ones it does not */
	if (rq->limit > 0 && rq->shown >= rq->limit)
		return 1;
	rq->shown++;

	snprintf(seq, sizeof(seq), "%lld", (long long)a->seq);
	snprintf(t, sizeof(t), "%lld", (long long)a->time);
	if (a->source_port >= 0)
		snprintf(port, sizeof(port), "%lld", (long long)a->source_port);
	else
		port[0] = '\0';
	return conn_send(rq->c, "ROW", "seq", seq, "time", t, "actor", a->actor, "action",
	    a->action, "target", a->target, "result", a->result, "reason", a->reason,
	    "source_addr", a->source_addr, "source_port", port, "host", a->host, "service",
	    a->service, "tty", a->tty, "ruser", a->ruser, "client", a->client, "details",
	    a->details, NULL);
}

static const char *
audit_filter_text(const struct store_audit_filter *f)
{
	static char buf[STORE_TEXT_MAX];

	snprintf(buf, sizeof(buf), "actor=%s target=%s action=%s since=%lld until=%lld",
	    f->actor ? f->actor : "", f->target ? f->target : "", f->action ? f->action : "",
	    (long long)f->since, (long long)f->until);
	return buf;
}

void
admin_audit_show(struct admin_req *rq)
{
	struct store_audit_filter f;
	int r;

	memset(&f, 0, sizeof(f));
	f.actor = admin_arg(rq, "actor");
	f.target = admin_arg(rq, "target");
	f.action = admin_arg(rq, "action");
	if (admin_time_arg(rq, "since", &f.since) != 0 ||
	    admin_time_arg(rq, "until", &f.until) != 0 ||
	    admin_time_arg(rq, "limit", &f.limit) != 0)
		return;
	rq->limit = f.limit;
	f.limit = 0;
	rq->sees_all = scope_sees_all_records(rq->srv->st, &rq->actor);
	if ((r = store_audit_list(rq->srv->st, &f, audit_row, rq)) != 0 && r != 1) {
		admin_store_fail(rq, r, "");
		return;
	}
	/* R20: reading the log is itself logged */
	if ((r = store_begin(rq->srv->st)) != 0 ||
	    (r = admin_audit(rq, "audit_read", "", 1, "", audit_filter_text(&f))) != 0 ||
	    (r = store_commit(rq->srv->st)) != 0) {
		store_rollback(rq->srv->st);
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

/* audit verify: walk the chain and check the anchor (R33). */
void
admin_audit_verify(struct admin_req *rq)
{
	struct store_audit_check chk;
	char n[24], head[24], mhex[65], details[128];
	int r, bad;

	r = store_audit_verify(rq->srv->st, &chk);
	if (r != 0 && chk.problem[0] == '\0') {
		admin_store_fail(rq, r, "");
		return;
	}
	bad = r != 0;
	hex_encode(chk.head_mac, 32, mhex);
	snprintf(n, sizeof(n), "%lld", (long long)chk.records);
	snprintf(head, sizeof(head), "%lld", (long long)chk.head_seq);
	snprintf(details, sizeof(details), "records=%s head=%s%s", n, head, bad ? " BROKEN" : "");
	log_info("audit verify by %s: %s; anchor seq %s mac %s", rq->actor.name,
	    bad ? chk.problem : "intact", head, mhex);
	if (store_begin(rq->srv->st) == 0) {
		if (admin_audit(rq, "audit_verify", "", !bad, bad ? chk.problem : "", details) == 0)
			(void)store_commit(rq->srv->st);
		else
			store_rollback(rq->srv->st);
	}
	if (bad)
		conn_fail(rq->c, "tampered", "audit chain broken at record %lld: %s",
		    (long long)chk.bad_seq, chk.problem);
	else
	{
		char pk[65];

		hex_encode(rq->srv->sign_pk, 32, pk);
		conn_send(rq->c, "OK", "records", n, "head_seq", head, "head_mac", mhex,
		    "signing_key", pk, NULL);
	}
}
