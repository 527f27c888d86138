/*
 * authd/store_secret.c: sealed values by name (the secrets table), and the
 * walk over every sealed column that master-key rotation re-seals.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "wipe.h"

int
store_secret_get(struct store *st, const char *name, unsigned char *out, size_t outlen,
    size_t *len_r)
{
	sqlite3_stmt *s;
	int r, rc, n;

	*len_r = 0;
	if ((r = store_prepare(st, "SELECT sealed FROM secrets WHERE name = ?", &s)) != 0)
		return r;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		n = sqlite3_column_bytes(s, 0);
		if (n > 0 && (size_t)n <= outlen) {
			memcpy(out, sqlite3_column_blob(s, 0), (size_t)n);
			*len_r = (size_t)n;
			r = 0;
		} else
			r = STORE_ERR_DB;
	} else
		r = rc == SQLITE_DONE ? STORE_ERR_NOTFOUND : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_secret_put(struct store *st, const char *name, const unsigned char *sealed, size_t len)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "INSERT INTO secrets (name, sealed) VALUES (?1, ?2)"
	    " ON CONFLICT(name) DO UPDATE SET sealed = excluded.sealed", &s)) != 0)
		return r;
	store_bind_text(s, 1, name);
	sqlite3_bind_blob(s, 2, sealed, (int)len, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s);
}

/* Every sealed column: table, key column, blob column, AAD prefix. */
static const struct {
	const char *table, *keycol, *col, *aad;
} sealed_cols[] = {
	{ "tokens", "id", "seed", "tokens.seed" },
	{ "users", "id", "phone", "users.phone" },
	{ "users", "id", "id_number", "users.id_number" },
	{ "requests", "id", "payload", "requests.payload" },
	{ "requests", "id", "seed", "requests.seed" },
	{ "secrets", "name", "sealed", "secrets" },
};

int
store_sealed_walk(struct store *st, int (*cb)(const char *aad_prefix, const char *key,
    const unsigned char *blob, size_t len, unsigned char *out, size_t outcap, size_t *outlen,
    void *arg), void *arg)
{
	unsigned char out[4096];
	char sql[256], key[96];
	sqlite3_stmt *s, *u;
	size_t i, outlen;
	int r = 0, rc, n;

	for (i = 0; i < sizeof(sealed_cols) / sizeof(sealed_cols[0]) && r == 0; i++) {
		snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s WHERE %s IS NOT NULL AND"
		    " length(%s) > 0", sealed_cols[i].keycol, sealed_cols[i].col,
		    sealed_cols[i].table, sealed_cols[i].col, sealed_cols[i].col);
		if ((r = store_prepare(st, sql, &s)) != 0)
			return r;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			store_col_text(s, 0, key, sizeof(key));
			n = sqlite3_column_bytes(s, 1);
			if ((r = cb(sealed_cols[i].aad, key, sqlite3_column_blob(s, 1), (size_t)n,
			    out, sizeof(out), &outlen, arg)) != 0)
				break;
			snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s = ?",
			    sealed_cols[i].table, sealed_cols[i].col, sealed_cols[i].keycol);
			if ((r = store_prepare(st, sql, &u)) != 0)
				break;
			sqlite3_bind_blob(u, 1, out, (int)outlen, SQLITE_TRANSIENT);
			store_bind_text(u, 2, key);
			if ((r = store_exec_stmt(st, u)) != 0)
				break;
		}
		if (r == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
			r = store_rc(st, rc);
		sqlite3_finalize(s);
	}
	wipe(out, sizeof(out));
	return r;
}
