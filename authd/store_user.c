/* authd/store_user.c: SQLite store: accounts, roles, password history, OTP tokens. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "wipe.h"

#define USER_COLS \
	"u.id, u.name, u.unit_id, n.code, u.state," \
	" COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM user_roles" \
	"   WHERE user_id = u.id ORDER BY role)), '')," \
	" u.policy, u.pw_hash, u.pw_changed_at, u.must_change, u.phone, u.phone_hint, u.im," \
	" COALESCE(u.expires_at, 0), u.allow_from, u.failures, u.locked_until," \
	" COALESCE(u.last_login_at, 0), u.freeze_reason, u.created_at, u.created_by," \
	" COALESCE((SELECT serial FROM tokens WHERE holder_id = u.id), ''), u.needs_key," \
	" u.id_number_hint, u.hosts" \
	" FROM users u JOIN units n ON n.id = u.unit_id"

static void
user_from_row(sqlite3_stmt *s, struct store_user *u)
{
	const void *blob;
	int n;

	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	store_col_text(s, 1, u->name, sizeof(u->name));
	u->unit_id = sqlite3_column_int64(s, 2);
	store_col_text(s, 3, u->unit, sizeof(u->unit));
	store_col_text(s, 4, u->state, sizeof(u->state));
	store_col_text(s, 5, u->roles, sizeof(u->roles));
	store_col_text(s, 6, u->policy, sizeof(u->policy));
	store_col_text(s, 7, u->pw_hash, sizeof(u->pw_hash));
	u->pw_changed_at = sqlite3_column_int64(s, 8);
	store_col_text(s, 9, u->must_change, sizeof(u->must_change));
	blob = sqlite3_column_blob(s, 10);
	n = sqlite3_column_bytes(s, 10);
	if (blob != NULL && n > 0 && (size_t)n <= sizeof(u->phone_sealed)) {
		memcpy(u->phone_sealed, blob, (size_t)n);
		u->phone_sealed_len = (size_t)n;
	}
	store_col_text(s, 11, u->phone_hint, sizeof(u->phone_hint));
	store_col_text(s, 12, u->im, sizeof(u->im));
	u->expires_at = sqlite3_column_int64(s, 13);
	store_col_text(s, 14, u->allow_from, sizeof(u->allow_from));
	u->failures = sqlite3_column_int64(s, 15);
	u->locked_until = sqlite3_column_int64(s, 16);
	u->last_login_at = sqlite3_column_int64(s, 17);
	store_col_text(s, 18, u->freeze_reason, sizeof(u->freeze_reason));
	u->created_at = sqlite3_column_int64(s, 19);
	store_col_text(s, 20, u->created_by, sizeof(u->created_by));
	store_col_text(s, 21, u->key_serial, sizeof(u->key_serial));
	u->needs_key = sqlite3_column_int(s, 22);
	store_col_text(s, 23, u->id_hint, sizeof(u->id_hint));
	store_col_text(s, 24, u->hosts, sizeof(u->hosts));
}

void
store_user_clear(struct store_user *u)
{
	wipe(u, sizeof(*u));
}

static int
user_get_where(struct store *st, const char *where, const char *name, int64_t id,
    struct store_user *u_r)
{
	char sql[2048];
	sqlite3_stmt *s;
	int r, rc;

	memset(u_r, 0, sizeof(*u_r));
	snprintf(sql, sizeof(sql), "SELECT " USER_COLS " WHERE %s", where);
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	if (name != NULL)
		store_bind_text(s, 1, name);
	else
		sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		user_from_row(s, u_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_user_get(struct store *st, const char *name, struct store_user *u_r)
{
	return user_get_where(st, "u.name = ?1", name, 0, u_r);
}

int
store_user_get_id(struct store *st, int64_t id, struct store_user *u_r)
{
	return user_get_where(st, "u.id = ?1", NULL, id, u_r);
}

int
store_user_list(struct store *st, const struct store_user_filter *f,
    int (*cb)(const struct store_user *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct store_user u;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " USER_COLS
	    " WHERE (?1 = '' OR n.code = ?1) AND (?2 = '' OR u.state = ?2)"
	    " AND (?3 = '' OR u.created_by = ?3) AND (?4 = 0 OR u.created_at >= ?4)"
	    " AND (?5 = 0 OR (u.state <> 'deleted' AND"
	    "  COALESCE(u.last_login_at, u.created_at) < ?5))"
	    " ORDER BY u.name", &s)) != 0)
		return r;
	store_bind_text(s, 1, f->unit);
	store_bind_text(s, 2, f->state);
	store_bind_text(s, 3, f->created_by);
	sqlite3_bind_int64(s, 4, f->since);
	sqlite3_bind_int64(s, 5, f->inactive_before);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		user_from_row(s, &u);
		r = cb(&u, arg);
		store_user_clear(&u);
		if (r != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

static void
bind_phone(sqlite3_stmt *s, int col, const struct store_user *u)
{
	if (u->phone_sealed_len > 0)
		sqlite3_bind_blob(s, col, u->phone_sealed, (int)u->phone_sealed_len,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, col);
}

int
store_user_add(struct store *st, struct store_user *u)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "INSERT INTO users (name, unit_id, state, policy, pw_hash,"
	    " pw_changed_at, must_change, phone, phone_hint, im, expires_at, allow_from,"
	    " created_at, created_by) VALUES (?,?,'active',?,?,?,?,?,?,?,?,?,?,?)", &s)) != 0)
		return r;
	store_bind_text(s, 1, u->name);
	sqlite3_bind_int64(s, 2, u->unit_id);
	store_bind_text(s, 3, u->policy);
	store_bind_text(s, 4, u->pw_hash);
	sqlite3_bind_int64(s, 5, u->pw_changed_at);
	store_bind_text(s, 6, u->must_change);
	bind_phone(s, 7, u);
	store_bind_text(s, 8, u->phone_hint);
	store_bind_text(s, 9, u->im);
	if (u->expires_at > 0)
		sqlite3_bind_int64(s, 10, u->expires_at);
	else
		sqlite3_bind_null(s, 10);
	store_bind_text(s, 11, u->allow_from);
	sqlite3_bind_int64(s, 12, u->created_at);
	store_bind_text(s, 13, u->created_by);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	u->id = sqlite3_last_insert_rowid(st->db);
	/* the first password opens the history */
	if ((r = store_prepare(st, "INSERT INTO password_history (user_id, pw_hash, set_at)"
	    " VALUES (?,?,?)", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, u->id);
	store_bind_text(s, 2, u->pw_hash);
	sqlite3_bind_int64(s, 3, u->pw_changed_at);
	return store_exec_stmt(st, s);
}

int
store_user_update(struct store *st, const struct store_user *u)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE users SET unit_id = ?, policy = ?, phone = ?,"
	    " phone_hint = ?, im = ?, expires_at = ?, allow_from = ?, hosts = ?9 WHERE id = ?8", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, u->unit_id);
	store_bind_text(s, 2, u->policy);
	bind_phone(s, 3, u);
	store_bind_text(s, 4, u->phone_hint);
	store_bind_text(s, 5, u->im);
	if (u->expires_at > 0)
		sqlite3_bind_int64(s, 6, u->expires_at);
	else
		sqlite3_bind_null(s, 6);
	store_bind_text(s, 7, u->allow_from);
	sqlite3_bind_int64(s, 8, u->id);
	store_bind_text(s, 9, u->hosts);
	return store_exec_stmt(st, s);
}

int
store_user_set_roles(struct store *st, int64_t user_id, const char *roles_csv)
{
	sqlite3_stmt *s;
	char buf[STORE_TEXT_MAX + 1], *p, *tok, *save = NULL;
	int r;

	if ((r = store_prepare(st, "DELETE FROM user_roles WHERE user_id = ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	snprintf(buf, sizeof(buf), "%s", roles_csv != NULL ? roles_csv : "");
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		if ((r = store_prepare(st, "INSERT OR IGNORE INTO user_roles (user_id, role)"
		    " VALUES (?,?)", &s)) != 0)
			return r;
		sqlite3_bind_int64(s, 1, user_id);
		store_bind_text(s, 2, tok);
		if ((r = store_exec_stmt(st, s)) != 0)
			return r;
	}
	return 0;
}

int
store_user_set_password(struct store *st, int64_t user_id, const char *pw_hash, int64_t now,
    const char *must_change)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE users SET pw_hash = ?, pw_changed_at = ?,"
	    " must_change = ? WHERE id = ?", &s)) != 0)
		return r;
	store_bind_text(s, 1, pw_hash);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, must_change);
	sqlite3_bind_int64(s, 4, user_id);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	if ((r = store_prepare(st, "INSERT INTO password_history (user_id, pw_hash, set_at)"
	    " VALUES (?,?,?)", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	store_bind_text(s, 2, pw_hash);
	sqlite3_bind_int64(s, 3, now);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	/* keep at most 24 (the largest history a policy may ask for) plus the current one */
	if ((r = store_prepare(st, "DELETE FROM password_history WHERE user_id = ?1 AND id NOT IN"
	    " (SELECT id FROM password_history WHERE user_id = ?1 ORDER BY id DESC LIMIT 25)",
	    &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	return store_exec_stmt(st, s);
}

int
store_user_set_must_change(struct store *st, int64_t user_id, const char *reason)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE users SET must_change = ? WHERE id = ?", &s)) != 0)
		return r;
	store_bind_text(s, 1, reason);
	sqlite3_bind_int64(s, 2, user_id);
	return store_exec_stmt(st, s);
}

int
store_user_history(struct store *st, int64_t user_id, unsigned int n,
    int (*cb)(const char *hash, void *), void *arg)
{
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, "SELECT pw_hash FROM password_history WHERE user_id = ?"
	    " ORDER BY id DESC LIMIT ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_int(s, 2, (int)n);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *h = sqlite3_column_text(s, 0);

		if (h != NULL && (r = cb((const char *)h, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

static int
user_exec_id(struct store *st, const char *sql, int64_t a, int64_t id)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, id);
	return store_exec_stmt(st, s);
}

int
store_user_count_attempt(struct store *st, int64_t user_id)
{
	return user_exec_id(st, "UPDATE users SET failures = failures + ?1 WHERE id = ?2",
	    1, user_id);
}

int
store_user_login_ok(struct store *st, int64_t user_id, int64_t now)
{
	return user_exec_id(st, "UPDATE users SET failures = 0, last_login_at = ?1"
	    " WHERE id = ?2", now, user_id);
}

int
store_user_login_failed(struct store *st, int64_t user_id, int64_t max, int64_t lock_until,
    int *locked_r)
{
	sqlite3_stmt *s;
	int r;

	*locked_r = 0;
	if (max <= 0)
		return 0;
	if ((r = store_prepare(st, "UPDATE users SET locked_until = ?1, failures = 0"
	    " WHERE id = ?2 AND failures >= ?3", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, lock_until);
	sqlite3_bind_int64(s, 2, user_id);
	sqlite3_bind_int64(s, 3, max);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	*locked_r = sqlite3_changes(st->db) > 0;
	return 0;
}

int
store_user_rehash(struct store *st, int64_t user_id, const char *old_hash, const char *new_hash)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE users SET pw_hash = ?1 WHERE id = ?2 AND pw_hash = ?3",
	    &s)) != 0)
		return r;
	store_bind_text(s, 1, new_hash);
	sqlite3_bind_int64(s, 2, user_id);
	store_bind_text(s, 3, old_hash);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	return sqlite3_changes(st->db) == 1 ? 0 : STORE_ERR_CONFLICT;
}

int
store_user_set_id_number(struct store *st, int64_t user_id, const unsigned char *sealed,
    size_t len, const char *hint)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE users SET id_number = ?, id_number_hint = ? WHERE id = ?",
	    &s)) != 0)
		return r;
	if (len > 0)
		sqlite3_bind_blob(s, 1, sealed, (int)len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 1);
	store_bind_text(s, 2, len > 0 ? hint : "");
	sqlite3_bind_int64(s, 3, user_id);
	return store_exec_stmt(st, s);
}

int
store_user_set_state(struct store *st, int64_t user_id, const char *state, const char *reason)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE users SET state = ?, freeze_reason = ? WHERE id = ?",
	    &s)) != 0)
		return r;
	store_bind_text(s, 1, state);
	store_bind_text(s, 2, reason);
	sqlite3_bind_int64(s, 3, user_id);
	return store_exec_stmt(st, s);
}

int
store_user_unlock(struct store *st, int64_t user_id)
{
	return user_exec_id(st, "UPDATE users SET failures = 0, locked_until = ?1 WHERE id = ?2",
	    0, user_id);
}

int
store_user_uncount_attempt(struct store *st, int64_t user_id)
{
	return user_exec_id(st, "UPDATE users SET failures = MAX(failures - ?1, 0) WHERE id = ?2",
	    1, user_id);
}

/* ---- tokens ---- */

#define TOKEN_COLS "t.id, t.serial, t.kind, t.soft, t.seed, t.digits, t.period, t.counter," \
	" t.last_step, t.drift, t.state, COALESCE(t.holder_id, 0), COALESCE(t.unit_id, 0)," \
	" t.created_at, COALESCE(t.bound_at, 0), COALESCE(t.returned_at, 0)," \
	" COALESCE(t.revoked_at, 0), t.source, COALESCE(u.name, ''), COALESCE(n.code, '')," \
	" t.drift_seen" \
	" FROM tokens t LEFT JOIN users u ON u.id = t.holder_id LEFT JOIN units n ON n.id = t.unit_id"

static void
token_from_row(sqlite3_stmt *s, struct store_token *t)
{
	const void *blob;
	int n;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(s, 0);
	store_col_text(s, 1, t->serial, sizeof(t->serial));
	store_col_text(s, 2, t->kind, sizeof(t->kind));
	t->soft = sqlite3_column_int(s, 3);
	blob = sqlite3_column_blob(s, 4);
	n = sqlite3_column_bytes(s, 4);
	if (blob != NULL && n > 0 && (size_t)n <= sizeof(t->seed_sealed)) {
		memcpy(t->seed_sealed, blob, (size_t)n);
		t->seed_sealed_len = (size_t)n;
	}
	t->digits = (unsigned int)sqlite3_column_int(s, 5);
	t->period = (unsigned int)sqlite3_column_int(s, 6);
	t->counter = sqlite3_column_int64(s, 7);
	t->last_step = sqlite3_column_int64(s, 8);
	t->drift = sqlite3_column_int64(s, 9);
	store_col_text(s, 10, t->state, sizeof(t->state));
	t->holder_id = sqlite3_column_int64(s, 11);
	t->unit_id = sqlite3_column_int64(s, 12);
	t->created_at = sqlite3_column_int64(s, 13);
	t->bound_at = sqlite3_column_int64(s, 14);
	t->returned_at = sqlite3_column_int64(s, 15);
	t->revoked_at = sqlite3_column_int64(s, 16);
	store_col_text(s, 17, t->source, sizeof(t->source));
	store_col_text(s, 18, t->holder, sizeof(t->holder));
	store_col_text(s, 19, t->unit, sizeof(t->unit));
	t->drift_seen = sqlite3_column_int64(s, 20);
}

void
store_token_clear(struct store_token *t)
{
	wipe(t, sizeof(*t));
}

int
store_token_add(struct store *st, struct store_token *t)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "INSERT INTO tokens (serial, kind, soft, seed, digits, period,"
	    " state, unit_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)", &s)) != 0)
		return r;
	store_bind_text(s, 1, t->serial);
	store_bind_text(s, 2, t->kind);
	sqlite3_bind_int(s, 3, t->soft);
	/* the sealed seed needs the row id as associated data: sealed right after */
	sqlite3_bind_zeroblob(s, 4, 0);
	sqlite3_bind_int(s, 5, (int)t->digits);
	sqlite3_bind_int(s, 6, (int)t->period);
	store_bind_text(s, 7, t->state[0] ? t->state : "stock");
	if (t->unit_id > 0)
		sqlite3_bind_int64(s, 8, t->unit_id);
	else
		sqlite3_bind_null(s, 8);
	sqlite3_bind_int64(s, 9, t->created_at);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	t->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_token_set_seed(struct store *st, int64_t id, const unsigned char *sealed, size_t len)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE tokens SET seed = ? WHERE id = ?", &s)) != 0)
		return r;
	sqlite3_bind_blob(s, 1, sealed, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, id);
	return store_exec_stmt(st, s);
}

static int
token_get_where(struct store *st, const char *where, const char *text, int64_t id,
    struct store_token *t_r)
{
	char sql[1024];
	sqlite3_stmt *s;
	int r, rc;

	memset(t_r, 0, sizeof(*t_r));
	snprintf(sql, sizeof(sql), "SELECT " TOKEN_COLS " WHERE %s", where);
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	if (text != NULL)
		store_bind_text(s, 1, text);
	else
		sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		token_from_row(s, t_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_token_get_holder(struct store *st, int64_t user_id, struct store_token *t_r)
{
	return token_get_where(st, "t.holder_id = ?1", NULL, user_id, t_r);
}

int
store_token_get(struct store *st, const char *serial, struct store_token *t_r)
{
	return token_get_where(st, "t.serial = ?1", serial, 0, t_r);
}

int
store_token_bind(struct store *st, int64_t token_id, int64_t user_id, int64_t now)
{
	int r;

	/* R11: a bound key ends the wait for a replacement */
	if ((r = store_token_move(st, token_id, "bound", user_id, "bound_at", now)) != 0)
		return r;
	return store_user_set_needs_key(st, user_id, 0);
}

int
store_token_use_step(struct store *st, int64_t token_id, int64_t step, int64_t drift)
{
	sqlite3_stmt *s;
	int r;

	/* compare-and-set: a step at or before the last accepted one never works again */
	if ((r = store_prepare(st, "UPDATE tokens SET last_step = ?1, drift_seen = ?2"
	    " WHERE id = ?3 AND last_step < ?1", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, step);
	sqlite3_bind_int64(s, 2, drift);
	sqlite3_bind_int64(s, 3, token_id);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	return sqlite3_changes(st->db) == 1 ? 0 : STORE_ERR_CONFLICT;
}

int
store_token_next_serial(struct store *st, const char *prefix, char *out, size_t outlen)
{
	sqlite3_stmt *s;
	int64_t n = 0;
	int r;

	if ((r = store_prepare(st, "SELECT COUNT(*) FROM tokens WHERE soft = 1", &s)) != 0)
		return r;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (;;) {
		struct store_token t;

		snprintf(out, outlen, "%s%06lld", prefix, (long long)++n);
		if ((r = store_token_get(st, out, &t)) == STORE_ERR_NOTFOUND)
			return 0;
		store_token_clear(&t);
		if (r != 0)
			return r;
	}
}

int
store_token_list(struct store *st, const struct store_token_filter *f,
    int (*cb)(const struct store_token *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct store_token t;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " TOKEN_COLS
	    " WHERE (?1 = '' OR t.state = ?1) AND (?2 = '' OR n.code = ?2)"
	    " AND (?3 = '' OR u.name = ?3) ORDER BY t.serial", &s)) != 0)
		return r;
	store_bind_text(s, 1, f->state);
	store_bind_text(s, 2, f->unit);
	store_bind_text(s, 3, f->holder);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		token_from_row(s, &t);
		r = cb(&t, arg);
		store_token_clear(&t);
		if (r != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_token_move(struct store *st, int64_t token_id, const char *state, int64_t holder_id,
    const char *date_col, int64_t now)
{
	sqlite3_stmt *s;
	char sql[256];
	int r;

	/* date_col comes from the caller's constant, never from a client */
	if (date_col != NULL && strcmp(date_col, "bound_at") != 0 &&
	    strcmp(date_col, "returned_at") != 0 && strcmp(date_col, "revoked_at") != 0)
		return STORE_ERR_DB;
	if (date_col != NULL)
		snprintf(sql, sizeof(sql), "UPDATE tokens SET state = ?1, holder_id = ?2, %s = ?3"
		    " WHERE id = ?4", date_col);
	else
		snprintf(sql, sizeof(sql), "UPDATE tokens SET state = ?1, holder_id = ?2"
		    " WHERE id = ?4");
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	store_bind_text(s, 1, state);
	if (holder_id > 0)
		sqlite3_bind_int64(s, 2, holder_id);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, token_id);
	return store_exec_stmt(st, s);
}

int
store_token_use_counter(struct store *st, int64_t token_id, int64_t matched)
{
	sqlite3_stmt *s;
	int r;

	/* compare-and-set: the counter only moves forward; a used value never works again */
	if ((r = store_prepare(st, "UPDATE tokens SET counter = ?1 + 1 WHERE id = ?2"
	    " AND counter <= ?1", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, matched);
	sqlite3_bind_int64(s, 2, token_id);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	return sqlite3_changes(st->db) == 1 ? 0 : STORE_ERR_CONFLICT;
}

int
store_token_resync(struct store *st, int64_t token_id, int64_t counter, int64_t drift,
    int64_t last_step)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE tokens SET counter = ?1, drift = ?2, drift_seen = ?2,"
	    " last_step = MAX(last_step, ?3) WHERE id = ?4", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, counter);
	sqlite3_bind_int64(s, 2, drift);
	sqlite3_bind_int64(s, 3, last_step);
	sqlite3_bind_int64(s, 4, token_id);
	return store_exec_stmt(st, s);
}

int
store_token_set_source(struct store *st, int64_t token_id, const char *source)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE tokens SET source = ? WHERE id = ?", &s)) != 0)
		return r;
	store_bind_text(s, 1, source);
	sqlite3_bind_int64(s, 2, token_id);
	return store_exec_stmt(st, s);
}

int
store_user_set_needs_key(struct store *st, int64_t user_id, int needs)
{
	return user_exec_id(st, "UPDATE users SET needs_key = ?1 WHERE id = ?2", needs, user_id);
}

int
store_session_del_user(struct store *st, int64_t user_id)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "DELETE FROM admin_sessions WHERE user_id = ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	return store_exec_stmt(st, s);
}
