/*
 * authd/admin_report.c: the compliance reports, one command each.
 *   report_review    the access review (R16, R26, R34): every account the reader
 *                    may read, with the flags a reviewer acts on
 *   report_logs      the monthly log check (R20, R33): chain intact, retention
 *                    met, counts by action and result, failed logins by source
 *   report_incident  what an account did, what it created, what was done to it
 *                    (R12-R14)
 * All three are SC_LIST verbs: every row is kept to what the reader may see
 * (scope.h, the same rule as audit show), and running a report is logged (R20).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "num.h"
#include "policy.h"
#include "scope.h"
#include "server.h"
#include "store.h"
#include "store_report.h"

#define REPORT_DAY		86400
#define REPORT_INACTIVE_DAYS	90	/* report review's default --inactive-days */
#define REPORT_TOP_SOURCES	20	/* report logs: failed logins, the busiest sources */
#define REPORT_POLICIES		16	/* policies remembered while a review runs */

static void
num(char *out, size_t len, int64_t v)
{
	snprintf(out, len, "%" PRId64, v);
}

/* An epoch for the wire: "" for 0 (never). */
static void
when(char *out, size_t len, int64_t v)
{
	if (v == 0)
		out[0] = '\0';
	else
		num(out, len, v);
}

/* The reader sees the whole log: an auditor of the root unit (R20). */
/* R20: running a report is an audit record of its own. 0, or -1 after a FAIL. */
static int
report_log(struct admin_req *rq, const char *action, const char *target, const char *details)
{
	struct store *st = rq->srv->st;
	int r;

	if ((r = store_begin(st)) != 0 || (r = admin_audit(rq, action, target, 1, "", details)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return -1;
	}
	return 0;
}

/* A days argument (0..36500); def when absent. 0, or -1 after a FAIL. */
static int
days_arg(struct admin_req *rq, const char *key, int64_t def, int64_t *v_r)
{
	const char *s = admin_arg(rq, key), *errstr;

	*v_r = def;
	if (s == NULL || s[0] == '\0')
		return 0;
	*v_r = strtonum_ll(s, 0, 36500, &errstr);
	if (errstr != NULL) {
		conn_fail(rq->c, "invalid", "%s: a number of days (0..36500)", key);
		return -1;
	}
	return 0;
}

/* ---- report_review: the access review (R16, R26) ---- */

struct review {
	struct admin_req	*rq;
	int64_t			 inactive_before;	/* no login since: inactive */
	struct policy		 pol[REPORT_POLICIES];
	size_t			 npol;
	int64_t			 count;
	int			 sendfail;
};

/* The maximum password age of a policy, in days (0: never expires). */
static unsigned int
review_max_age(struct review *rv, const char *name)
{
	size_t i;

	for (i = 0; i < rv->npol; i++)
		if (strcmp(rv->pol[i].name, name) == 0)
			return rv->pol[i].max_age_days;
	if (rv->npol < REPORT_POLICIES &&
	    store_policy_get(rv->rq->srv->st, name, &rv->pol[rv->npol]) == 0)
		return rv->pol[rv->npol++].max_age_days;
	return 0;
}

static void
flag(char *flags, size_t len, const char *f)
{
	size_t n = strlen(flags);

	snprintf(flags + n, len - n, "%s%s", n > 0 ? "," : "", f);
}

static int
review_row(const struct store_user *u, void *arg)
{
	struct review *rv = arg;
	struct admin_req *rq = rv->rq;
	int64_t now = rq->now, seen, age;
	unsigned int max_age;
	char flags[160] = "", last[24], changed[24], agedays[24], expires[32], created[24];

	/* a deleted account is a tombstone with no access left to review (R9) */
	if (strcmp(u->state, "deleted") == 0 || !scope_reads_user(rq->srv->st, &rq->actor, u))
		return 0;
	seen = u->last_login_at != 0 ? u->last_login_at : u->created_at;
	age = now > u->pw_changed_at ? (now - u->pw_changed_at) / REPORT_DAY : 0;
	if (u->last_login_at == 0)
		flag(flags, sizeof(flags), "never_used");
	/* never used counts from the account's creation, like user list --inactive */
	if (seen < rv->inactive_before)
		flag(flags, sizeof(flags), "inactive");
	if (u->expires_at > 0 && now >= u->expires_at)
		flag(flags, sizeof(flags), "expired");
	if (strcmp(u->state, "active") == 0 && u->key_serial[0] == '\0')
		flag(flags, sizeof(flags), "no_key");
	if (u->must_change[0] != '\0')
		flag(flags, sizeof(flags), "must_change");
	max_age = review_max_age(rv, u->policy);
	if (max_age > 0 && now - u->pw_changed_at >= (int64_t)max_age * REPORT_DAY)
		flag(flags, sizeof(flags), "password_expired");
	if (u->locked_until > now)
		flag(flags, sizeof(flags), "locked");
	when(last, sizeof(last), u->last_login_at);
	num(changed, sizeof(changed), u->pw_changed_at);
	num(agedays, sizeof(agedays), age);
	num(created, sizeof(created), u->created_at);
	expires[0] = '\0';
	if (u->expires_at > 0) {
		admin_iso8601(u->expires_at, expires, sizeof(expires));
		expires[10] = '\0';	/* a date, as user show gives it */
	}
	rv->count++;
	if (conn_send(rq->c, "ROW", "name", u->name, "unit", u->unit, "state", u->state,
	    "roles", u->roles, "policy", u->policy, "key", u->key_serial, "last_login_at", last,
	    "password_changed_at", changed, "password_age_days", agedays, "expires", expires,
	    "created_at", created, "created_by", u->created_by, "must_change",
	    u->must_change[0] ? "1" : "0", "flags", flags, NULL) != 0) {
		rv->sendfail = 1;
		return 1;
	}
	return 0;
}

void
admin_report_review(struct admin_req *rq)
{
	struct store_user_filter f;
	struct review rv;
	int64_t days;
	char count[24], ds[24], now[24], details[96];
	int r;

	if (days_arg(rq, "inactive_days", REPORT_INACTIVE_DAYS, &days) != 0)
		return;
	memset(&rv, 0, sizeof(rv));
	memset(&f, 0, sizeof(f));
	rv.rq = rq;
	rv.inactive_before = rq->now - days * REPORT_DAY;
	if ((r = store_user_list(rq->srv->st, &f, review_row, &rv)) != 0) {
		if (!rv.sendfail)
			admin_store_fail(rq, r, "");
		return;
	}
	num(count, sizeof(count), rv.count);
	num(ds, sizeof(ds), days);
	num(now, sizeof(now), rq->now);
	snprintf(details, sizeof(details), "accounts=%s inactive_days=%s", count, ds);
	if (report_log(rq, "report_review", "", details) != 0)
		return;
	conn_send(rq->c, "OK", "count", count, "inactive_days", ds, "generated_at", now, NULL);
}

/* ---- report_logs: the monthly log check (R20, R33) ---- */

struct source {
	char	addr[64];
	int64_t	count, names, last;
};

struct logcheck {
	struct admin_req	*rq;
	int			 all;
	int			 sendfail;
	/* counts by action and result: groups arrive sorted, summed while the key holds */
	char			 action[32], result[8];
	int64_t			 n, total;
	/* failed logins: groups arrive sorted by address, then name */
	struct source		 cur;
	char			 cur_name[STORE_NAME_MAX + 1];
	int			 cur_open;
	struct source		 top[REPORT_TOP_SOURCES];
	size_t			 ntop;
	int64_t			 failed, sources;
};

static int
count_flush(struct logcheck *lc)
{
	char n[24];

	if (lc->n == 0)
		return 0;
	num(n, sizeof(n), lc->n);
	lc->total += lc->n;
	lc->n = 0;
	if (conn_send(lc->rq->c, "ROW", "section", "count", "action", lc->action, "result",
	    lc->result, "count", n, NULL) != 0) {
		lc->sendfail = 1;
		return 1;
	}
	return 0;
}

static int
count_group(const struct store_report_group *g, void *arg)
{
	struct logcheck *lc = arg;
	int r;

	if (!scope_reads_record(lc->rq->srv->st, &lc->rq->actor, lc->all, g->actor, g->target))
		return 0;
	if (strcmp(g->action, lc->action) != 0 || strcmp(g->result, lc->result) != 0) {
		if ((r = count_flush(lc)) != 0)
			return r;
		snprintf(lc->action, sizeof(lc->action), "%s", g->action);
		snprintf(lc->result, sizeof(lc->result), "%s", g->result);
	}
	lc->n += g->count;
	return 0;
}

/* Keep the busiest sources: by count, then address. */
static void
source_flush(struct logcheck *lc)
{
	struct source *s = &lc->cur;
	size_t i, pos;

	if (!lc->cur_open)
		return;
	lc->cur_open = 0;
	lc->sources++;
	for (pos = 0; pos < lc->ntop; pos++)
		if (s->count > lc->top[pos].count ||
		    (s->count == lc->top[pos].count && strcmp(s->addr, lc->top[pos].addr) < 0))
			break;
	if (pos >= REPORT_TOP_SOURCES)
		return;
	if (lc->ntop < REPORT_TOP_SOURCES)
		lc->ntop++;
	for (i = lc->ntop - 1; i > pos; i--)
		lc->top[i] = lc->top[i - 1];
	lc->top[pos] = *s;
}

static int
failed_group(const struct store_report_group *g, void *arg)
{
	struct logcheck *lc = arg;

	if (!scope_reads_record(lc->rq->srv->st, &lc->rq->actor, lc->all, g->actor, g->target))
		return 0;
	if (!lc->cur_open || strcmp(g->source_addr, lc->cur.addr) != 0) {
		source_flush(lc);
		memset(&lc->cur, 0, sizeof(lc->cur));
		snprintf(lc->cur.addr, sizeof(lc->cur.addr), "%s", g->source_addr);
		lc->cur_name[0] = '\0';
		lc->cur_open = 1;
	}
	/* names tried from this address: one spraying source tries many */
	if (lc->cur.names == 0 || strcmp(g->actor, lc->cur_name) != 0) {
		lc->cur.names++;
		snprintf(lc->cur_name, sizeof(lc->cur_name), "%s", g->actor);
	}
	lc->cur.count += g->count;
	if (g->last_time > lc->cur.last)
		lc->cur.last = g->last_time;
	lc->failed += g->count;
	return 0;
}

/* "YYYY-MM" to [from, until): the month in UTC. 0 or -1. */
static int
month_range(const char *s, int64_t *from_r, int64_t *until_r)
{
	struct tm tm;
	int y, m;
	time_t a, b;

	if (strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d", &y, &m) != 2 ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    y < 1970 || y > 9999 || m < 1 || m > 12)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = 1;
	if ((a = timegm(&tm)) == (time_t)-1)
		return -1;
	tm.tm_mon = m == 12 ? 0 : m;
	tm.tm_year = m == 12 ? y + 1 - 1900 : y - 1900;
	tm.tm_mday = 1;
	if ((b = timegm(&tm)) == (time_t)-1)
		return -1;
	*from_r = (int64_t)a;
	*until_r = (int64_t)b;
	return 0;
}

/*
 * R20: is every record of the last retention_days still there? Either the
 * log reaches back that far, or nothing was ever pruned and the service is
 * younger than that (complete since --init), or what was pruned (after its
 * export) was past the retention then and the chain continues from the cut.
 */
static const char *
retention_verdict(const struct store_report_span *sp, int64_t now, int64_t days,
    const char **basis_r, char *note, size_t notelen)
{
	int64_t need = now - days * REPORT_DAY;
	int64_t back = sp->first_time > 0 && now > sp->first_time ?
	    (now - sp->first_time) / REPORT_DAY : 0;
	int64_t age = sp->service_since > 0 && now > sp->service_since ?
	    (now - sp->service_since) / REPORT_DAY : 0;

	*basis_r = "";
	if (sp->records == 0) {
		snprintf(note, notelen, "the audit log is empty");
		return "not_met";
	}
	if (sp->first_seq != sp->cut_seq + 1) {
		snprintf(note, notelen, "the oldest record is %" PRId64 " but the log should start"
		    " at %" PRId64 ": records missing", sp->first_seq, sp->cut_seq + 1);
		return "not_met";
	}
	if (sp->first_time <= need) {
		*basis_r = "reaches_back";
		snprintf(note, notelen, "the log reaches back %" PRId64 " days, at least the"
		    " %" PRId64 " days of the retention", back, days);
		return "met";
	}
	if (sp->cut_seq == 0 && sp->service_since > need) {
		*basis_r = "service_younger";
		snprintf(note, notelen, "the service started %" PRId64 " days ago, less than the"
		    " %" PRId64 " days of the retention, and its log is complete since then", age,
		    days);
		return "met";
	}
	if (sp->cut_seq > 0 && sp->cut_time - days * REPORT_DAY <= need) {
		*basis_r = "pruned_past_retention";
		snprintf(note, notelen, "records up to %" PRId64 " were pruned after export, each"
		    " older than the retention then; the log reaches back %" PRId64 " days and"
		    " continues from the cut", sp->cut_seq, back);
		return "met";
	}
	snprintf(note, notelen, "the log reaches back only %" PRId64 " days (service started %"
	    PRId64 " days ago, retention %" PRId64 " days)", back, age, days);
	return "not_met";
}

void
admin_report_logs(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_audit_check chk;
	struct store_report_span sp;
	struct logcheck lc;
	const char *month = admin_arg(rq, "month"), *retention, *basis;
	char mbuf[8], from_s[24], until_s[24], records[24], head[24], bad[24], rdays[24],
	    first[24], first_at[24], since_at[24], cut[24], cut_at[24], back[24], total[24],
	    failed[24], sources[24], n[24], names[24], last[24], note[256], details[128];
	int64_t from, until;
	time_t tt = (time_t)rq->now;
	struct tm tm;
	size_t i;
	int r, intact;

	if (month == NULL || month[0] == '\0') {
		/* the current month of authd's clock */
		if (gmtime_r(&tt, &tm) == NULL) {
			conn_fail(rq->c, "internal", "clock out of range");
			return;
		}
		snprintf(mbuf, sizeof(mbuf), "%04d-%02d", (tm.tm_year + 1900) % 10000,
		    tm.tm_mon + 1);
		month = mbuf;
	}
	if (month_range(month, &from, &until) != 0) {
		conn_fail(rq->c, "invalid", "month: YYYY-MM");
		return;
	}
	/* integrity: the whole chain and its anchor (R33) */
	memset(&chk, 0, sizeof(chk));
	r = store_audit_verify(st, &chk);
	if (r != 0 && chk.problem[0] == '\0') {
		admin_store_fail(rq, r, "");
		return;
	}
	intact = r == 0;
	if ((r = store_report_span(st, &sp)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	retention = retention_verdict(&sp, rq->now, rq->srv->cfg->audit_retention_days, &basis,
	    note, sizeof(note));

	memset(&lc, 0, sizeof(lc));
	lc.rq = rq;
	lc.all = scope_sees_all_records(rq->srv->st, &rq->actor);
	if ((r = store_report_action_counts(st, from, until, count_group, &lc)) == 0)
		r = count_flush(&lc);
	if (r == 0)
		r = store_report_failed_logins(st, from, until, failed_group, &lc);
	if (r != 0) {
		if (!lc.sendfail)
			admin_store_fail(rq, r, "");
		return;
	}
	source_flush(&lc);
	for (i = 0; i < lc.ntop; i++) {
		num(n, sizeof(n), lc.top[i].count);
		num(names, sizeof(names), lc.top[i].names);
		num(last, sizeof(last), lc.top[i].last);
		if (conn_send(rq->c, "ROW", "section", "failed_source", "source_addr",
		    lc.top[i].addr, "count", n, "names", names, "last_at", last, NULL) != 0)
			return;
	}

	num(from_s, sizeof(from_s), from);
	num(until_s, sizeof(until_s), until);
	num(records, sizeof(records), chk.records);
	num(head, sizeof(head), chk.head_seq);
	num(bad, sizeof(bad), chk.bad_seq);
	num(rdays, sizeof(rdays), rq->srv->cfg->audit_retention_days);
	num(first, sizeof(first), sp.first_seq);
	when(first_at, sizeof(first_at), sp.first_time);
	when(since_at, sizeof(since_at), sp.service_since);
	num(cut, sizeof(cut), sp.cut_seq);
	when(cut_at, sizeof(cut_at), sp.cut_time);
	num(back, sizeof(back), sp.first_time > 0 && rq->now > sp.first_time ?
	    (rq->now - sp.first_time) / REPORT_DAY : 0);
	num(total, sizeof(total), lc.total);
	num(failed, sizeof(failed), lc.failed);
	num(sources, sizeof(sources), lc.sources);
	snprintf(details, sizeof(details), "month=%s chain=%s retention=%s", month,
	    intact ? "intact" : "broken", retention);
	if (report_log(rq, "report_logs", "", details) != 0)
		return;
	conn_send(rq->c, "OK", "month", month, "from_at", from_s, "until_at", until_s,
	    "chain", intact ? "intact" : "broken", "chain_records", records, "head_seq", head,
	    "bad_seq", intact ? "" : bad, "problem", intact ? "" : chk.problem,
	    "retention_days", rdays, "oldest_seq", first, "oldest_at", first_at,
	    "reaches_back_days", back, "service_since_at", since_at, "pruned_through", cut,
	    "pruned_at", cut_at, "retention", retention, "retention_basis", basis,
	    "retention_note", note, "records", total, "failed_logins", failed,
	    "failed_sources", sources,
	    "verdict", intact && strcmp(retention, "met") == 0 ? "pass" : "fail", NULL);
}

/* ---- report_incident: what an account did and created (R12-R14) ---- */

struct incident {
	struct admin_req	*rq;
	int			 all;
	const char		*name;
	const char		*section;
	int64_t			 n;
	int			 sendfail;
};

static int
incident_record(const struct store_audit_row *a, void *arg)
{
	struct incident *x = arg;
	char seq[24], t[24], port[24];

	/* on the account, by someone else: what it did itself is the other section */
	if (strcmp(x->section, "target") == 0 && strcmp(a->actor, x->name) == 0)
		return 0;
	if (!scope_reads_record(x->rq->srv->st, &x->rq->actor, x->all, a->actor, a->target))
		return 0;
	num(seq, sizeof(seq), a->seq);
	num(t, sizeof(t), a->time);
	if (a->source_port >= 0)
		num(port, sizeof(port), a->source_port);
	else
		port[0] = '\0';
	x->n++;
	if (conn_send(x->rq->c, "ROW", "section", x->section, "seq", seq, "time", t, "actor",
	    a->actor, "action", a->action, "target", a->target, "result", a->result, "reason",
	    a->reason, "source_addr", a->source_addr, "source_port", port, "host", a->host,
	    "service", a->service, "tty", a->tty, "ruser", a->ruser, "client", a->client,
	    "details", a->details, NULL) != 0) {
		x->sendfail = 1;
		return 1;
	}
	return 0;
}

static int
incident_created(const struct store_user *u, void *arg)
{
	struct incident *x = arg;
	char created[24], last[24];

	if (!scope_reads_user(x->rq->srv->st, &x->rq->actor, u))
		return 0;
	num(created, sizeof(created), u->created_at);
	when(last, sizeof(last), u->last_login_at);
	x->n++;
	if (conn_send(x->rq->c, "ROW", "section", "created", "name", u->name, "unit", u->unit,
	    "state", u->state, "roles", u->roles, "key", u->key_serial, "created_at", created,
	    "last_login_at", last, "freeze_reason", u->freeze_reason, NULL) != 0) {
		x->sendfail = 1;
		return 1;
	}
	return 0;
}

void
admin_report_incident(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_audit_filter af;
	struct store_user_filter uf;
	struct store_user u;
	struct incident x;
	const char *name;
	char since_s[24], acts[24], made[24], onit[24], created[24], last[24], details[96];
	int64_t since, nacts, nmade;
	int r, exists;

	if ((name = admin_arg_req(rq, "name")) == NULL || admin_time_arg(rq, "since", &since) != 0)
		return;
	memset(&u, 0, sizeof(u));
	r = store_user_get(st, name, &u);
	if (r != 0 && r != STORE_ERR_NOTFOUND) {
		admin_store_fail(rq, r, "");
		return;
	}
	exists = r == 0;
	/* an account outside the reader's scope is not examined here (R1, R2) */
	if (exists && !scope_reads_user(st, &rq->actor, &u)) {
		store_user_clear(&u);
		conn_fail(rq->c, "denied", "report_incident: %s is outside your scope", name);
		return;
	}

	memset(&x, 0, sizeof(x));
	x.rq = rq;
	x.all = scope_sees_all_records(rq->srv->st, &rq->actor);
	x.name = name;
	memset(&af, 0, sizeof(af));
	af.since = since;
	/* what the account did */
	af.actor = name;
	x.section = "action";
	if ((r = store_audit_list(st, &af, incident_record, &x)) != 0)
		goto fail;
	nacts = x.n;
	/* what it created (R12: every account it made in the window) */
	memset(&uf, 0, sizeof(uf));
	uf.created_by = name;
	uf.since = since;
	x.n = 0;
	if ((r = store_user_list(st, &uf, incident_created, &x)) != 0)
		goto fail;
	nmade = x.n;
	/* what others did to it */
	af.actor = NULL;
	af.target = name;
	x.section = "target";
	x.n = 0;
	if ((r = store_audit_list(st, &af, incident_record, &x)) != 0)
		goto fail;

	num(since_s, sizeof(since_s), since);
	num(acts, sizeof(acts), nacts);
	num(made, sizeof(made), nmade);
	num(onit, sizeof(onit), x.n);
	num(created, sizeof(created), u.created_at);
	when(last, sizeof(last), u.last_login_at);
	snprintf(details, sizeof(details), "since=%s actions=%s created=%s targeted=%s", since_s,
	    acts, made, onit);
	if (report_log(rq, "report_incident", name, details) != 0)
		goto out;
	conn_send(rq->c, "OK", "name", name, "since_at", since ? since_s : "",
	    "exists", exists ? "1" : "0", "state", exists ? u.state : "",
	    "unit", exists ? u.unit : "", "roles", exists ? u.roles : "",
	    "created_by", exists ? u.created_by : "", "created_at", exists ? created : "",
	    "last_login_at", exists ? last : "", "freeze_reason", exists ? u.freeze_reason : "",
	    "actions_count", acts, "created_count", made, "targeted_count", onit, NULL);
	goto out;
 fail:
	if (!x.sendfail)
		admin_store_fail(rq, r, "");
 out:
	store_user_clear(&u);
}
