/* authd/store_request.c: SQLite store: requests held by the two-person rule. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "wipe.h"

#define REQ_COLS "id, kind, requester_id, requester, unit_id, target, payload, pw_hash, seed," \
	" state, created_at, expires_at, COALESCE(decided_at, 0), decided_by FROM requests"

static void
blob_col(sqlite3_stmt *s, int col, unsigned char *out, size_t outlen, size_t *len_r)
{
	const void *b = sqlite3_column_blob(s, col);
	int n = sqlite3_column_bytes(s, col);

	*len_r = 0;
	if (b != NULL && n > 0 && (size_t)n <= outlen) {
		memcpy(out, b, (size_t)n);
		*len_r = (size_t)n;
	}
}

static void
req_from_row(sqlite3_stmt *s, struct store_request *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	store_col_text(s, 1, r->kind, sizeof(r->kind));
	r->requester_id = sqlite3_column_int64(s, 2);
	store_col_text(s, 3, r->requester, sizeof(r->requester));
	r->unit_id = sqlite3_column_int64(s, 4);
	store_col_text(s, 5, r->target, sizeof(r->target));
	blob_col(s, 6, r->payload, sizeof(r->payload), &r->payload_len);
	store_col_text(s, 7, r->pw_hash, sizeof(r->pw_hash));
	blob_col(s, 8, r->seed, sizeof(r->seed), &r->seed_len);
	store_col_text(s, 9, r->state, sizeof(r->state));
	r->created_at = sqlite3_column_int64(s, 10);
	r->expires_at = sqlite3_column_int64(s, 11);
	r->decided_at = sqlite3_column_int64(s, 12);
	store_col_text(s, 13, r->decided_by, sizeof(r->decided_by));
}

void
store_request_clear(struct store_request *r)
{
	wipe(r, sizeof(*r));
}

int
store_request_add(struct store *st, struct store_request *r)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "INSERT INTO requests (kind, requester_id, requester, unit_id,"
	    " target, payload, pw_hash, created_at, expires_at) VALUES (?,?,?,?,?,x'',?,?,?)",
	    &s)) != 0)
		return rc;
	store_bind_text(s, 1, r->kind);
	sqlite3_bind_int64(s, 2, r->requester_id);
	store_bind_text(s, 3, r->requester);
	sqlite3_bind_int64(s, 4, r->unit_id);
	store_bind_text(s, 5, r->target);
	store_bind_text(s, 6, r->pw_hash);
	sqlite3_bind_int64(s, 7, r->created_at);
	sqlite3_bind_int64(s, 8, r->expires_at);
	if ((rc = store_exec_stmt(st, s)) != 0)
		return rc;
	r->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_request_set_sealed(struct store *st, int64_t id, const unsigned char *payload, size_t plen,
    const unsigned char *seed, size_t slen)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "UPDATE requests SET payload = ?, seed = ? WHERE id = ?",
	    &s)) != 0)
		return rc;
	sqlite3_bind_blob(s, 1, payload, (int)plen, SQLITE_TRANSIENT);
	if (slen > 0)
		sqlite3_bind_blob(s, 2, seed, (int)slen, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, id);
	return store_exec_stmt(st, s);
}

int
store_request_get(struct store *st, int64_t id, struct store_request *r_r)
{
	sqlite3_stmt *s;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " REQ_COLS " WHERE id = ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		req_from_row(s, r_r);
		r = 0;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_request_pending_for(struct store *st, const char *target, int64_t now, int64_t *id_r)
{
	sqlite3_stmt *s;
	int r, rc;

	*id_r = 0;
	if ((r = store_prepare(st, "SELECT id FROM requests WHERE target = ? AND state = 'pending'"
	    " AND expires_at > ? LIMIT 1", &s)) != 0)
		return r;
	store_bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id_r = sqlite3_column_int64(s, 0);
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_request_list(struct store *st, int64_t now, int (*cb)(const struct store_request *, void *),
    void *arg)
{
	sqlite3_stmt *s;
	struct store_request req;
	int r, rc;

	(void)now;
	if ((r = store_prepare(st, "SELECT " REQ_COLS " ORDER BY id", &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		req_from_row(s, &req);
		r = cb(&req, arg);
		store_request_clear(&req);
		if (r != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_request_decide(struct store *st, int64_t id, const char *state, const char *by, int64_t now)
{
	sqlite3_stmt *s;
	int r;

	/* compare-and-set: only a pending request is decided, once */
	if ((r = store_prepare(st, "UPDATE requests SET state = ?, decided_by = ?, decided_at = ?,"
	    " pw_hash = '', seed = NULL WHERE id = ? AND state = 'pending'", &s)) != 0)
		return r;
	store_bind_text(s, 1, state);
	store_bind_text(s, 2, by);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, id);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	return sqlite3_changes(st->db) == 1 ? 0 : STORE_ERR_CONFLICT;
}

int
store_request_expire(struct store *st, int64_t now)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "UPDATE requests SET state = 'expired', pw_hash = '', seed = NULL"
	    " WHERE state = 'pending' AND expires_at <= ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, now);
	return store_exec_stmt(st, s);
}
