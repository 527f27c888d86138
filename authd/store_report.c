/*
 * authd/store_report.c: SQL for the compliance reports (store_report.h).
 * Reads only; every query is a single statement, so each sees one snapshot.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "store_report.h"

/* One int64 from a one-row query with no parameter. */
static int
one_int(struct store *st, const char *sql, int64_t *v_r)
{
	sqlite3_stmt *s;
	int r, rc;

	*v_r = 0;
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*v_r = sqlite3_column_int64(s, 0);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? 0 : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_report_span(struct store *st, struct store_report_span *sp)
{
	unsigned char mac[32];
	sqlite3_stmt *s;
	int r, rc;

	memset(sp, 0, sizeof(*sp));
	if ((r = store_prepare(st, "SELECT COUNT(*), COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0),"
	    " COALESCE((SELECT time FROM audit ORDER BY seq LIMIT 1), 0), COALESCE(MIN(time), 0)"
	    " FROM audit", &s)) != 0)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sp->records = sqlite3_column_int64(s, 0);
		sp->first_seq = sqlite3_column_int64(s, 1);
		sp->last_seq = sqlite3_column_int64(s, 2);
		sp->first_time = sqlite3_column_int64(s, 3);
		sp->oldest_time = sqlite3_column_int64(s, 4);
		r = 0;
	} else
		r = store_rc(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	sqlite3_finalize(s);
	if (r != 0)
		return r;
	/* the root unit is made by --init: the service's first day */
	if ((r = one_int(st, "SELECT COALESCE(MIN(created_at), 0) FROM units"
	    " WHERE parent_id IS NULL", &sp->service_since)) != 0)
		return r;
	if ((r = store_audit_cut(st, &sp->cut_seq, mac)) != 0)
		return r;
	return one_int(st, "SELECT COALESCE((SELECT time FROM audit_cut ORDER BY seq DESC LIMIT 1),"
	    " 0)", &sp->cut_time);
}

static int
walk_groups(struct store *st, const char *sql, int64_t from, int64_t until,
    int with_addr, store_report_group_cb *cb, void *arg)
{
	struct store_report_group g;
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&g, 0, sizeof(g));
		store_col_text(s, 0, g.actor, sizeof(g.actor));
		store_col_text(s, 1, g.target, sizeof(g.target));
		store_col_text(s, 2, g.action, sizeof(g.action));
		store_col_text(s, 3, g.result, sizeof(g.result));
		if (with_addr)
			store_col_text(s, 4, g.source_addr, sizeof(g.source_addr));
		g.count = sqlite3_column_int64(s, 5);
		g.last_time = sqlite3_column_int64(s, 6);
		if ((r = cb(&g, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_report_action_counts(struct store *st, int64_t from, int64_t until,
    store_report_group_cb *cb, void *arg)
{
	return walk_groups(st, "SELECT actor, target, action, result, '', COUNT(*), MAX(time)"
	    " FROM audit WHERE time >= ?1 AND time < ?2"
	    " GROUP BY action, result, actor, target ORDER BY action, result, actor, target",
	    from, until, 0, cb, arg);
}

int
store_report_failed_logins(struct store *st, int64_t from, int64_t until,
    store_report_group_cb *cb, void *arg)
{
	return walk_groups(st, "SELECT actor, target, action, result, source_addr, COUNT(*),"
	    " MAX(time) FROM audit WHERE action = 'login' AND result = 'fail'"
	    " AND time >= ?1 AND time < ?2"
	    " GROUP BY source_addr, actor, target ORDER BY source_addr, actor, target",
	    from, until, 1, cb, arg);
}
