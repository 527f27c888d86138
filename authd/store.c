/* authd/store.c: SQLite store: open, migrations, transactions, audit, policies, units, sessions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "wipe.h"

#include "schema.h"	/* generated: migrations[] */

const char *
store_errmsg(const struct store *st)
{
	return st->db != NULL ? sqlite3_errmsg(st->db) : "no database";
}

int
store_rc(struct store *st, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_CONSTRAINT:
		return STORE_ERR_EXISTS;
	case SQLITE_FULL:
		return STORE_ERR_FULL;
	default:
		return STORE_ERR_DB;
	}
}

int
store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt_r)
{
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, stmt_r, NULL);
	if (rc != SQLITE_OK) {
		*stmt_r = NULL;
		return store_rc(st, rc);
	}
	return 0;
}

void
store_col_text(sqlite3_stmt *s, int col, char *out, size_t outlen)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	if (t == NULL)
		out[0] = '\0';
	else
		snprintf(out, outlen, "%s", (const char *)t);
}

void
store_bind_text(sqlite3_stmt *s, int col, const char *v)
{
	sqlite3_bind_text(s, col, v != NULL ? v : "", -1, SQLITE_TRANSIENT);
}

/* Run a statement that returns no rows. */
int
store_exec_stmt(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_rc(st, rc);
}

static int
exec_sql(struct store *st, const char *sql)
{
	return store_rc(st, sqlite3_exec(st->db, sql, NULL, NULL, NULL));
}

int
store_schema_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (store_prepare(st, "PRAGMA user_version", &s) != 0)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
migrate(struct store *st, char *err, size_t errlen)
{
	size_t i;
	int v, r;
	char pragma[64];

	if ((v = store_schema_version(st)) < 0) {
		snprintf(err, errlen, "cannot read schema version: %s", store_errmsg(st));
		return STORE_ERR_DB;
	}
	for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		if (migrations[i].version <= v)
			continue;
		if ((r = store_begin(st)) != 0)
			goto fail;
		if ((r = exec_sql(st, migrations[i].sql)) != 0) {
			snprintf(err, errlen, "migration %s failed: %s", migrations[i].name,
			    store_errmsg(st));
			store_rollback(st);
			return r;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", migrations[i].version);
		if ((r = exec_sql(st, pragma)) != 0 || (r = store_commit(st)) != 0)
			goto fail;
	}
	return 0;
 fail:
	snprintf(err, errlen, "migration failed: %s", store_errmsg(st));
	store_rollback(st);
	return r;
}

int
store_open(const char *path, struct store **st_r, char *err, size_t errlen)
{
	struct store *st;
	int rc, r, on = 1;

	*st_r = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return AUTHD_ERR_NOMEM;
	}
	rc = sqlite3_open_v2(path, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		r = STORE_ERR_DB;
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/* DESIGN.md: defensive mode, secure_delete, WAL, synchronous=FULL on every connection */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &on);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on);
	if ((r = exec_sql(st, "PRAGMA journal_mode=WAL")) != 0 ||
	    (r = exec_sql(st, "PRAGMA synchronous=FULL")) != 0 ||
	    (r = exec_sql(st, "PRAGMA secure_delete=ON")) != 0 ||
	    (r = exec_sql(st, "PRAGMA foreign_keys=ON")) != 0) {
		snprintf(err, errlen, "%s: %s", path, store_errmsg(st));
		goto fail;
	}
	if ((r = migrate(st, err, errlen)) != 0)
		goto fail;
	*st_r = st;
	return 0;
 fail:
	store_close(&st);
	return r;
}

void
store_close(struct store **stp)
{
	struct store *st;

	if (stp == NULL || (st = *stp) == NULL)
		return;
	if (st->db != NULL)
		sqlite3_close_v2(st->db);
	free(st->anchor_path);
	wipe(st, sizeof(*st));
	free(st);
	*stp = NULL;
}

int
store_begin(struct store *st)
{
	return exec_sql(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	int r;

	if ((r = exec_sql(st, "COMMIT")) != 0) {
		store_rollback(st);
		return r;
	}
	if (st->audit_dirty) {
		st->audit_dirty = 0;
		store_anchor_write(st);
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	st->audit_dirty = 0;
	if (!sqlite3_get_autocommit(st->db))
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- policies ---- */

int
store_policy_put(struct store *st, const struct policy *p, int64_t now)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st,
	    "INSERT INTO policies (name, min_length, classes, split_case, max_age_days, history,"
	    " updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET"
	    " min_length=excluded.min_length, classes=excluded.classes,"
	    " split_case=excluded.split_case, max_age_days=excluded.max_age_days,"
	    " history=excluded.history, updated_at=excluded.updated_at", &s)) != 0)
		return r;
	store_bind_text(s, 1, p->name);
	sqlite3_bind_int(s, 2, (int)p->min_length);
	sqlite3_bind_int(s, 3, (int)p->classes);
	sqlite3_bind_int(s, 4, p->split_case);
	sqlite3_bind_int(s, 5, (int)p->max_age_days);
	sqlite3_bind_int(s, 6, (int)p->history);
	sqlite3_bind_int64(s, 7, now);
	return store_exec_stmt(st, s);
}

int
store_policy_seed(struct store *st, int64_t now)
{
	struct policy tmp;
	size_t i;
	int r;

	for (i = 0; i < policy_builtin_count(); i++) {
		if (store_policy_get(st, policy_builtin(i)->name, &tmp) == 0)
			continue;
		if ((r = store_policy_put(st, policy_builtin(i), now)) != 0)
			return r;
	}
	return 0;
}

static void
policy_from_row(sqlite3_stmt *s, struct policy *p)
{
	memset(p, 0, sizeof(*p));
	store_col_text(s, 0, p->name, sizeof(p->name));
	p->min_length = (unsigned int)sqlite3_column_int(s, 1);
	p->classes = (unsigned int)sqlite3_column_int(s, 2);
	p->split_case = sqlite3_column_int(s, 3);
	p->max_age_days = (unsigned int)sqlite3_column_int(s, 4);
	p->history = (unsigned int)sqlite3_column_int(s, 5);
}

int
store_policy_get(struct store *st, const char *name, struct policy *p_r)
{
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, "SELECT name, min_length, classes, split_case, max_age_days,"
	    " history FROM policies WHERE name = ?", &s)) != 0)
		return r;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		policy_from_row(s, p_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_policy_list(struct store *st, int (*cb)(const struct policy *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct policy p;
	int r, rc;

	if ((r = store_prepare(st, "SELECT name, min_length, classes, split_case, max_age_days,"
	    " history FROM policies ORDER BY name", &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		policy_from_row(s, &p);
		if ((r = cb(&p, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

/* ---- units ---- */

#define UNIT_COLS "u.id, u.code, u.name, COALESCE(p.code, ''), u.allow_from, u.created_at," \
	" u.created_by, COALESCE(u.parent_id, 0) FROM units u LEFT JOIN units p ON p.id = u.parent_id"

static void
unit_from_row(sqlite3_stmt *s, struct store_unit *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	store_col_text(s, 1, u->code, sizeof(u->code));
	store_col_text(s, 2, u->name, sizeof(u->name));
	store_col_text(s, 3, u->parent, sizeof(u->parent));
	store_col_text(s, 4, u->allow_from, sizeof(u->allow_from));
	u->created_at = sqlite3_column_int64(s, 5);
	store_col_text(s, 6, u->created_by, sizeof(u->created_by));
	u->parent_id = sqlite3_column_int64(s, 7);
}

int
store_unit_add(struct store *st, const struct store_unit *u)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "INSERT INTO units (code, name, parent_id, allow_from,"
	    " created_at, created_by) VALUES (?1, ?2, (SELECT id FROM units WHERE code = ?3),"
	    " ?4, ?5, ?6)", &s)) != 0)
		return r;
	store_bind_text(s, 1, u->code);
	store_bind_text(s, 2, u->name);
	if (u->parent[0] != '\0')
		store_bind_text(s, 3, u->parent);
	else
		sqlite3_bind_null(s, 3);
	store_bind_text(s, 4, u->allow_from);
	sqlite3_bind_int64(s, 5, u->created_at);
	store_bind_text(s, 6, u->created_by);
	return store_exec_stmt(st, s);
}

int
store_unit_get(struct store *st, const char *code, struct store_unit *u_r)
{
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " UNIT_COLS " WHERE u.code = ?", &s)) != 0)
		return r;
	store_bind_text(s, 1, code);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		unit_from_row(s, u_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_unit_get_id(struct store *st, int64_t id, struct store_unit *u_r)
{
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " UNIT_COLS " WHERE u.id = ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		unit_from_row(s, u_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_unit_list(struct store *st, int (*cb)(const struct store_unit *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct store_unit u;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " UNIT_COLS " ORDER BY u.id", &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		unit_from_row(s, &u);
		if ((r = cb(&u, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_unit_set(struct store *st, const struct store_unit *u)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE units SET name = ?, allow_from = ? WHERE id = ?",
	    &s)) != 0)
		return r;
	store_bind_text(s, 1, u->name);
	store_bind_text(s, 2, u->allow_from);
	sqlite3_bind_int64(s, 3, u->id);
	return store_exec_stmt(st, s);
}

/* ---- admin sessions ---- */

int
store_session_add(struct store *st, const unsigned char hash[32], int64_t user_id, long uid,
    const char *origin, int64_t now)
{
	sqlite3_stmt *s;
	int r;

	/* expired sessions are dropped as new ones are made */
	if ((r = store_prepare(st, "INSERT INTO admin_sessions (token_hash, user_id, uid,"
	    " origin, created_at, last_used) VALUES (?,?,?,?,?,?)", &s)) != 0)
		return r;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_int64(s, 3, uid);
	store_bind_text(s, 4, origin);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, now);
	return store_exec_stmt(st, s);
}

int
store_session_check(struct store *st, const unsigned char hash[32], long uid, const char *origin,
    int64_t now, int64_t idle, int64_t *user_id_r)
{
	sqlite3_stmt *s;
	int r, rc;

	*user_id_r = 0;
	if ((r = store_prepare(st, "UPDATE admin_sessions SET last_used = ?1 WHERE"
	    " token_hash = ?2 AND uid = ?3 AND origin = ?5 AND last_used >= ?4"
	    " RETURNING user_id", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_blob(s, 2, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, uid);
	sqlite3_bind_int64(s, 4, now - idle);
	store_bind_text(s, 5, origin);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*user_id_r = sqlite3_column_int64(s, 0);
		r = 0;
		rc = sqlite3_step(s);
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_session_del(struct store *st, const unsigned char hash[32])
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "DELETE FROM admin_sessions WHERE token_hash = ?", &s)) != 0)
		return r;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s);
}
