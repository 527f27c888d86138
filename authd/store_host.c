/* authd/store_host.c: SQLite store: hosts enrolled for mutual TLS (issue 8). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"

#define HOST_COLS "h.id, h.name, COALESCE(n.code, ''), COALESCE(h.unit_id, 0), h.critical," \
	" h.serial, h.enrolled_at, h.enrolled_by, COALESCE(h.last_seen, 0)," \
	" COALESCE(h.revoked_at, 0), COALESCE(h.prev_serial, ''), COALESCE(h.expires_at, 0)" \
	" FROM hosts h LEFT JOIN units n ON n.id = h.unit_id"

static void
host_from_row(sqlite3_stmt *s, struct store_host *h)
{
	memset(h, 0, sizeof(*h));
	h->id = sqlite3_column_int64(s, 0);
	store_col_text(s, 1, h->name, sizeof(h->name));
	store_col_text(s, 2, h->unit, sizeof(h->unit));
	h->unit_id = sqlite3_column_int64(s, 3);
	h->critical = sqlite3_column_int(s, 4);
	store_col_text(s, 5, h->serial, sizeof(h->serial));
	h->enrolled_at = sqlite3_column_int64(s, 6);
	store_col_text(s, 7, h->enrolled_by, sizeof(h->enrolled_by));
	h->last_seen = sqlite3_column_int64(s, 8);
	h->revoked_at = sqlite3_column_int64(s, 9);
	store_col_text(s, 10, h->prev_serial, sizeof(h->prev_serial));
	h->expires_at = sqlite3_column_int64(s, 11);
}

int
store_host_add(struct store *st, const struct store_host *h, int replace)
{
	sqlite3_stmt *s;
	int r;

	/* a revoked host enrolled again: a new certificate, nothing of the old one */
	if ((r = store_prepare(st, replace ?
	    "UPDATE hosts SET unit_id = ?2, critical = ?3, serial = ?4, enrolled_at = ?5,"
	    " enrolled_by = ?6, expires_at = ?7, last_seen = NULL, revoked_at = NULL,"
	    " prev_serial = NULL WHERE name = ?1 AND revoked_at IS NOT NULL" :
	    "INSERT INTO hosts (name, unit_id, critical, serial, enrolled_at, enrolled_by,"
	    " expires_at) VALUES (?1,?2,?3,?4,?5,?6,?7)", &s)) != 0)
		return r;
	store_bind_text(s, 1, h->name);
	if (h->unit_id > 0)
		sqlite3_bind_int64(s, 2, h->unit_id);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int(s, 3, h->critical);
	store_bind_text(s, 4, h->serial);
	sqlite3_bind_int64(s, 5, h->enrolled_at);
	store_bind_text(s, 6, h->enrolled_by);
	sqlite3_bind_int64(s, 7, h->expires_at);
	if ((r = store_exec_stmt(st, s)) == 0 && replace && sqlite3_changes(st->db) != 1)
		r = STORE_ERR_NOTFOUND;
	return r;
}

int
store_host_renew(struct store *st, const char *name, const char *serial, int64_t expires_at)
{
	sqlite3_stmt *s;
	int r;

	/* with a renewal pending, the one in use stays previous and the pending one goes */
	if ((r = store_prepare(st, "UPDATE hosts SET prev_serial = COALESCE(prev_serial, serial),"
	    " serial = ?2, expires_at = ?3 WHERE name = ?1 AND revoked_at IS NULL", &s)) != 0)
		return r;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, serial);
	sqlite3_bind_int64(s, 3, expires_at);
	if ((r = store_exec_stmt(st, s)) == 0 && sqlite3_changes(st->db) != 1)
		r = STORE_ERR_NOTFOUND;
	return r;
}

int
store_host_prev_done(struct store *st, const char *name)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE hosts SET prev_serial = NULL WHERE name = ?1", &s)) != 0)
		return r;
	store_bind_text(s, 1, name);
	return store_exec_stmt(st, s);
}

static int
host_get(struct store *st, const char *col, const char *v, struct store_host *h_r)
{
	char sql[512];
	sqlite3_stmt *s;
	int r, rc;

	snprintf(sql, sizeof(sql), "SELECT " HOST_COLS " WHERE %s",
	    strcmp(col, "serial") == 0 ? "h.serial = ?1 OR h.prev_serial = ?1" : "h.name = ?1");
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	store_bind_text(s, 1, v);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		host_from_row(s, h_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_host_get(struct store *st, const char *name, struct store_host *h_r)
{
	return host_get(st, "name", name, h_r);
}

int
store_host_by_serial(struct store *st, const char *serial, struct store_host *h_r)
{
	return host_get(st, "serial", serial, h_r);
}

int
store_host_list(struct store *st, int (*cb)(const struct store_host *, void *), void *arg)
{
	struct store_host h;
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " HOST_COLS " ORDER BY h.name", &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		host_from_row(s, &h);
		if ((r = cb(&h, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

static int
host_set(struct store *st, const char *sql, int64_t when, const char *name)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, when);
	store_bind_text(s, 2, name);
	return store_exec_stmt(st, s);
}

int
store_host_revoke(struct store *st, const char *name, int64_t now)
{
	return host_set(st, "UPDATE hosts SET revoked_at = ?1 WHERE name = ?2 AND revoked_at IS NULL",
	    now, name);
}

int
store_host_seen(struct store *st, const char *name, int64_t now)
{
	return host_set(st, "UPDATE hosts SET last_seen = ?1 WHERE name = ?2", now, name);
}
