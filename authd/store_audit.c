/*
 * authd/store_audit.c: the audit log as a hash chain (R18, R31, R33).
 *
 * Record n carries mac_n = HMAC-SHA256(K, mac_{n-1} || canon(record_n)) with
 * mac_0 = 32 zero bytes; canon() length-prefixes every field, seq included, so
 * no edit, insertion, deletion or reordering keeps the chain valid. SQLite
 * triggers refuse UPDATE and DELETE; a chain alone cannot see its tail cut off
 * or an older copy restored, so the head is also kept outside the database
 * (the anchor file) and checked by store_audit_verify().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sqlite3.h>

#include "hex.h"
#include "auditcanon.h"
#include "store.h"
#include "store_int.h"
#include "wipe.h"

#define AUDIT_COLS "seq, time, actor, action, target, result, reason, source_addr," \
	" source_port, host, service, tty, ruser, client, details, mac FROM audit"

static int	anchor_agrees(struct store *st);

int
store_audit_set_key(struct store *st, const unsigned char key[32], const char *anchor_path)
{
	memcpy(st->audit_key, key, 32);
	st->audit_key_set = 1;
	free(st->anchor_path);
	st->anchor_path = NULL;
	if (anchor_path != NULL && (st->anchor_path = strdup(anchor_path)) == NULL)
		return STORE_ERR_DB;
	if (st->anchor_path != NULL && anchor_agrees(st) == 0)
		st->anchor_frozen = 1;	/* found at start: keep the evidence */
	return store_audit_head(st, &st->head_seq, st->head_mac);
}

int
store_audit_canon(const struct store_audit_row *a, unsigned char **buf_r, size_t *len_r)
{
	char seq[24], t[24], port[24];
	const char *f[AUDITCANON_NFIELDS];

	snprintf(seq, sizeof(seq), "%" PRId64, a->seq);
	snprintf(t, sizeof(t), "%" PRId64, a->time);
	if (a->source_port >= 0)
		snprintf(port, sizeof(port), "%" PRId64, a->source_port);
	else
		port[0] = '\0';
	f[0] = seq; f[1] = t; f[2] = a->actor; f[3] = a->action; f[4] = a->target;
	f[5] = a->result; f[6] = a->reason; f[7] = a->source_addr; f[8] = port;
	f[9] = a->host; f[10] = a->service; f[11] = a->tty; f[12] = a->ruser;
	f[13] = a->client; f[14] = a->details;
	return auditcanon_build(f, buf_r, len_r);
}

void
store_audit_mac(const unsigned char key[32], const unsigned char prev[32],
    const struct store_audit_row *a, unsigned char mac[32])
{
	unsigned char *canon = NULL, *msg;
	size_t clen = 0;
	unsigned int mlen = 32;

	memset(mac, 0, 32);
	if (store_audit_canon(a, &canon, &clen) != 0)
		return;
	if ((msg = malloc(32 + clen)) != NULL) {
		memcpy(msg, prev, 32);
		memcpy(msg + 32, canon, clen);
		(void)HMAC(EVP_sha256(), key, 32, msg, 32 + clen, mac, &mlen);
		free(msg);
	}
	free(canon);
}

/* The (seq, mac) row sql selects (the last of audit or audit_cut); 0 and zeros if none. */
static int
last_seq_mac(struct store *st, const char *sql, int64_t *seq_r, unsigned char mac[32])
{
	sqlite3_stmt *s;
	int r, rc;

	*seq_r = 0;
	memset(mac, 0, 32);
	if ((r = store_prepare(st, sql, &s)) != 0)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*seq_r = sqlite3_column_int64(s, 0);
		if (sqlite3_column_bytes(s, 1) == 32)
			memcpy(mac, sqlite3_column_blob(s, 1), 32);
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

int
store_audit_head(struct store *st, int64_t *seq_r, unsigned char mac[32])
{
	return last_seq_mac(st, "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1", seq_r, mac);
}

static void
fill_row(struct store_audit_row *row, int64_t seq, int64_t now, const struct audit_rec *a)
{
#define CP(f) snprintf(row->f, sizeof(row->f), "%s", a->f != NULL ? a->f : "")
	memset(row, 0, sizeof(*row));
	row->seq = seq;
	row->time = now;
	CP(actor); CP(action); CP(target); CP(result); CP(reason); CP(source_addr);
	CP(host); CP(service); CP(tty); CP(ruser); CP(client); CP(details);
	row->source_port = a->source_port >= 0 ? a->source_port : -1;
#undef CP
}

int
store_audit_append(struct store *st, int64_t now, const struct audit_rec *a)
{
	struct store_audit_row row;
	unsigned char prev[32], mac[32];
	sqlite3_stmt *s;
	int64_t seq;
	int r;

	if (!st->audit_key_set)
		return STORE_ERR_DB;
	/* inside BEGIN IMMEDIATE: nobody else appends between this read and the insert */
	if ((r = store_audit_head(st, &seq, prev)) != 0)
		return r;
	/* the row as stored: texts are cut to the columns' sizes before the MAC */
	fill_row(&row, seq + 1, now, a);
	store_audit_mac(st->audit_key, prev, &row, mac);
	if ((r = store_prepare(st,
	    "INSERT INTO audit (seq, time, actor, action, target, result, reason, source_addr,"
	    " source_port, host, service, tty, ruser, client, details, mac)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, row.seq);
	sqlite3_bind_int64(s, 2, row.time);
	store_bind_text(s, 3, row.actor);
	store_bind_text(s, 4, row.action);
	store_bind_text(s, 5, row.target);
	store_bind_text(s, 6, row.result);
	store_bind_text(s, 7, row.reason);
	store_bind_text(s, 8, row.source_addr);
	if (row.source_port >= 0)
		sqlite3_bind_int64(s, 9, row.source_port);
	else
		sqlite3_bind_null(s, 9);
	store_bind_text(s, 10, row.host);
	store_bind_text(s, 11, row.service);
	store_bind_text(s, 12, row.tty);
	store_bind_text(s, 13, row.ruser);
	store_bind_text(s, 14, row.client);
	store_bind_text(s, 15, row.details);
	sqlite3_bind_blob(s, 16, mac, 32, SQLITE_TRANSIENT);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	st->audit_dirty = 1;
	st->head_seq = row.seq;
	memcpy(st->head_mac, mac, 32);
	return 0;
}


static int	anchor_read(const char *path, int64_t *seq_r, char mhex[65]);

/*
 * Does the anchor file still agree with the chain (its record present and
 * carrying its MAC)? 1 yes or no anchor yet, 0 no, -1 unreadable.
 */
static int
anchor_agrees(struct store *st)
{
	char ahex[65], mhex[65] = "";
	sqlite3_stmt *s;
	int64_t aseq, cut;
	unsigned char cmac[32];
	int a;

	if ((a = anchor_read(st->anchor_path, &aseq, ahex)) == 1)
		return 1;
	if (a < 0)
		return -1;
	if (store_audit_cut(st, &cut, cmac) != 0)
		return -1;
	if (aseq <= cut)
		return 1;	/* pruned: the cut's own check covers it */
	if (store_prepare(st, "SELECT mac FROM audit WHERE seq = ?", &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, aseq);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32)
		hex_encode(sqlite3_column_blob(s, 0), 32, mhex);
	sqlite3_finalize(s);
	return strcmp(mhex, ahex) == 0;
}

int
store_audit_anchor_frozen(const struct store *st)
{
	return st->anchor_frozen;
}

void
store_anchor_write(struct store *st)
{
	char tmp[4200], line[128], mhex[65];
	int fd, n;

	if (st->anchor_path == NULL || st->anchor_frozen)
		return;
	/*
	 * R33: the anchor only moves forward along the same chain. If the chain
	 * lost the anchored record (tail cut, older copy restored, rebuilt), the
	 * anchor is kept as evidence and never overwritten again.
	 */
	if (anchor_agrees(st) != 1) {
		st->anchor_frozen = 1;
		return;
	}
	hex_encode(st->head_mac, 32, mhex);
	n = snprintf(line, sizeof(line), "seq %" PRId64 " mac %s\n", st->head_seq, mhex);
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->anchor_path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1)
		return;
	if (write(fd, line, (size_t)n) == n)
		(void)rename(tmp, st->anchor_path);
	close(fd);
}

static void
row_from_stmt(sqlite3_stmt *s, struct store_audit_row *row)
{
	memset(row, 0, sizeof(*row));
	row->seq = sqlite3_column_int64(s, 0);
	row->time = sqlite3_column_int64(s, 1);
	store_col_text(s, 2, row->actor, sizeof(row->actor));
	store_col_text(s, 3, row->action, sizeof(row->action));
	store_col_text(s, 4, row->target, sizeof(row->target));
	store_col_text(s, 5, row->result, sizeof(row->result));
	store_col_text(s, 6, row->reason, sizeof(row->reason));
	store_col_text(s, 7, row->source_addr, sizeof(row->source_addr));
	row->source_port = sqlite3_column_type(s, 8) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(s, 8);
	store_col_text(s, 9, row->host, sizeof(row->host));
	store_col_text(s, 10, row->service, sizeof(row->service));
	store_col_text(s, 11, row->tty, sizeof(row->tty));
	store_col_text(s, 12, row->ruser, sizeof(row->ruser));
	store_col_text(s, 13, row->client, sizeof(row->client));
	store_col_text(s, 14, row->details, sizeof(row->details));
	if (sqlite3_column_bytes(s, 15) == 32)
		memcpy(row->mac, sqlite3_column_blob(s, 15), 32);
}

int
store_audit_list(struct store *st, const struct store_audit_filter *f,
    int (*cb)(const struct store_audit_row *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct store_audit_row row;
	int r, rc;

	if ((r = store_prepare(st, "SELECT " AUDIT_COLS
	    " WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR target = ?2)"
	    " AND (?3 = '' OR action = ?3) AND (?4 = 0 OR time >= ?4)"
	    " AND (?5 = 0 OR time <= ?5)"
	    " ORDER BY seq LIMIT CASE WHEN ?6 > 0 THEN ?6 ELSE -1 END", &s)) != 0)
		return r;
	store_bind_text(s, 1, f->actor);
	store_bind_text(s, 2, f->target);
	store_bind_text(s, 3, f->action);
	sqlite3_bind_int64(s, 4, f->since);
	sqlite3_bind_int64(s, 5, f->until);
	sqlite3_bind_int64(s, 6, f->limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_from_stmt(s, &row);
		if ((r = cb(&row, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = store_rc(st, rc);
	sqlite3_finalize(s);
	return r;
}

/* The anchor file: "seq N mac HEX". 0 and the values, 1 when absent, -1 when unreadable. */
static int
anchor_read(const char *path, int64_t *seq_r, char mhex[65])
{
	FILE *f;
	long long seq;
	int n;

	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 1 : -1;
	n = fscanf(f, "seq %lld mac %64[0-9a-f]", &seq, mhex);
	fclose(f);
	if (n != 2)
		return -1;
	*seq_r = seq;
	return 0;
}

int
store_audit_verify(struct store *st, struct store_audit_check *chk)
{
	struct store_audit_row row;
	unsigned char prev[32], mac[32];
	char mhex[65], ahex[65];
	sqlite3_stmt *s;
	int64_t expect, aseq, cutseq;
	int r, rc, a;

	memset(chk, 0, sizeof(*chk));
	memset(prev, 0, sizeof(prev));
	if (!st->audit_key_set)
		return STORE_ERR_DB;
	/* after a retention cut the chain continues from the last pruned record's MAC */
	if ((r = store_audit_cut(st, &cutseq, prev)) != 0)
		return r;
	chk->head_seq = cutseq;
	expect = cutseq + 1;
	if ((r = store_prepare(st, "SELECT " AUDIT_COLS " ORDER BY seq", &s)) != 0)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_from_stmt(s, &row);
		chk->records++;
		if (row.seq != expect) {
			chk->bad_seq = expect;
			snprintf(chk->problem, sizeof(chk->problem), "record %" PRId64 " is missing"
			    " (the next one is %" PRId64 "): deleted", expect, row.seq);
			break;
		}
		store_audit_mac(st->audit_key, prev, &row, mac);
		if (CRYPTO_memcmp(mac, row.mac, 32) != 0) {
			chk->bad_seq = row.seq;
			snprintf(chk->problem, sizeof(chk->problem), "record %" PRId64 " does not"
			    " match its MAC: altered, inserted or reordered", row.seq);
			break;
		}
		memcpy(prev, row.mac, 32);
		chk->head_seq = row.seq;
		expect++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_rc(st, rc);
	memcpy(chk->head_mac, prev, 32);
	if (chk->bad_seq != 0)
		return -1;
	/* a cut counts only if the chain itself recorded it (audit_prune, cut=N cut_mac=...) */
	if (cutseq > 0) {
		char want[128], cmhex[65];
		unsigned char cmac[32];
		int64_t cs;
		int found = 0;

		if ((r = store_audit_cut(st, &cs, cmac)) != 0)
			return r;
		hex_encode(cmac, 32, cmhex);
		snprintf(want, sizeof(want), "%% cut=%" PRId64 " cut_mac=%s %%", cs, cmhex);
		if ((r = store_prepare(st, "SELECT COUNT(*) FROM audit WHERE action = 'audit_prune'"
		    " AND result = 'ok' AND details || ' ' LIKE ?", &s)) != 0)
			return r;
		store_bind_text(s, 1, want);
		if (sqlite3_step(s) == SQLITE_ROW)
			found = sqlite3_column_int(s, 0) > 0;
		sqlite3_finalize(s);
		if (!found) {
			chk->bad_seq = cs;
			snprintf(chk->problem, sizeof(chk->problem), "records up to %" PRId64 " were"
			    " removed without a pruning recorded in the chain: deleted behind"
			    " authd's back", cs);
			return -1;
		}
	}
	if (st->anchor_path == NULL)
		return 0;
	/* the anchor: the chain must reach at least the last head written outside */
	a = anchor_read(st->anchor_path, &aseq, ahex);
	if (a < 0) {
		snprintf(chk->problem, sizeof(chk->problem), "the anchor file %s is unreadable",
		    st->anchor_path);
		return -1;
	}
	if (a == 1) {
		if (chk->head_seq > 0) {
			snprintf(chk->problem, sizeof(chk->problem), "the anchor file %s is missing",
			    st->anchor_path);
			return -1;
		}
		return 0;
	}
	if (aseq > chk->head_seq) {
		chk->bad_seq = chk->head_seq + 1;
		snprintf(chk->problem, sizeof(chk->problem), "the chain ends at record %" PRId64
		    " but the anchor says %" PRId64 ": records cut off the end, or an older copy"
		    " of the database restored", chk->head_seq, aseq);
		return -1;
	}
	/* the record at the anchor's seq must carry the anchor's MAC */
	if ((r = store_prepare(st, "SELECT mac FROM audit WHERE seq = ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, aseq);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32)
		hex_encode(sqlite3_column_blob(s, 0), 32, mhex);
	else
		mhex[0] = '\0';
	sqlite3_finalize(s);
	if (aseq > cutseq && strcmp(mhex, ahex) != 0) {
		chk->bad_seq = aseq;
		snprintf(chk->problem, sizeof(chk->problem), "record %" PRId64 " differs from the"
		    " anchor: the chain was rebuilt", aseq);
		return -1;
	}
	return 0;
}

int
store_audit_cut(struct store *st, int64_t *seq_r, unsigned char mac[32])
{
	return last_seq_mac(st, "SELECT seq, mac FROM audit_cut ORDER BY seq DESC LIMIT 1", seq_r,
	    mac);
}

int
store_audit_export_add(struct store *st, int64_t now, const char *actor, int64_t first,
    int64_t last, const char *digest_hex)
{
	sqlite3_stmt *s;
	int r;

	if ((r = store_prepare(st, "INSERT INTO audit_exports (time, actor, first_seq, last_seq,"
	    " digest) VALUES (?,?,?,?,?)", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, now);
	store_bind_text(s, 2, actor);
	sqlite3_bind_int64(s, 3, first);
	sqlite3_bind_int64(s, 4, last);
	store_bind_text(s, 5, digest_hex);
	return store_exec_stmt(st, s);
}

int
store_audit_prune(struct store *st, int64_t before, int64_t now, const char *actor,
    int64_t *n_r, int64_t *cut_r)
{
	sqlite3_stmt *s;
	int64_t cut = 0, first = 0;
	unsigned char mac[32];
	int r, rc;

	*n_r = 0;
	*cut_r = 0;
	/* the newest record old enough and already exported */
	if ((r = store_prepare(st, "SELECT seq, mac, (SELECT MIN(seq) FROM audit) FROM audit"
	    " WHERE time < ?1 AND seq <= (SELECT COALESCE(MAX(last_seq), 0) FROM audit_exports)"
	    " ORDER BY seq DESC LIMIT 1", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, before);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 1) == 32) {
		cut = sqlite3_column_int64(s, 0);
		memcpy(mac, sqlite3_column_blob(s, 1), 32);
		first = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_rc(st, rc);
	if (cut == 0)
		return 0;
	if ((r = store_prepare(st, "INSERT INTO audit_cut (seq, mac, time, actor) VALUES (?,?,?,?)",
	    &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, cut);
	sqlite3_bind_blob(s, 2, mac, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, now);
	store_bind_text(s, 4, actor);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	if ((r = store_prepare(st, "DELETE FROM audit WHERE seq <= ?", &s)) != 0)
		return r;
	sqlite3_bind_int64(s, 1, cut);
	if ((r = store_exec_stmt(st, s)) != 0)
		return r;
	*n_r = cut - first + 1;
	*cut_r = cut;
	return 0;
}
