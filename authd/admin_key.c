/*
 * authd/admin_key.c: the key inventory (R15 custody, R4, R11): import, list,
 * show, bind, unbind, lost, damaged, resync. Every move of a key is an audit
 * record naming who did it, written in the move's transaction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "account.h"
#include "admin.h"
#include "err.h"
#include "log.h"
#include "num.h"
#include "otp.h"
#include "proto.h"
#include "scope.h"
#include "server.h"
#include "wipe.h"

#define IMPORT_MAX		10000
#define SEED_MIN		16
#define SEED_MAX		64
#define RESYNC_HOTP_WINDOW	1000	/* counters searched by key resync */
#define RESYNC_TOTP_WINDOW	240	/* steps searched by key resync (2 h at 30 s) */

struct import_item {
	char		serial[STORE_NAME_MAX + 1];
	char		kind[8];
	unsigned char	seed[SEED_MAX];
	size_t		seedlen;
	unsigned int	digits, period;
	int64_t		counter;
};

struct admin_import {
	char			actor[STORE_NAME_MAX + 1];
	char			unit[STORE_NAME_MAX + 1];
	char			source[STORE_TEXT_MAX + 1];
	size_t			count, received;
	struct import_item	*items;
	char			error[256];	/* the first bad item; reported after all lines */
};

void
admin_import_free(struct conn *c)
{
	struct admin_import *im = c->import;

	if (im == NULL)
		return;
	if (im->items != NULL) {
		wipe(im->items, im->count * sizeof(*im->items));
		free(im->items);
	}
	wipe(im, sizeof(*im));
	free(im);
	c->import = NULL;
}

static int
serial_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > STORE_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static int
hex_seed(const char *hex, unsigned char *out, size_t *len_r)
{
	size_t n = strlen(hex);

	*len_r = 0;
	if (n % 2 != 0 || n / 2 < SEED_MIN || n / 2 > SEED_MAX ||
	    hex_decode(hex, out, n / 2) != 0)
		return -1;
	*len_r = n / 2;
	return 0;
}

/* key_import count=N [unit] [source]: the next N lines are KEY lines. */
void
admin_key_import(struct admin_req *rq)
{
	struct admin_import *im;
	struct store_unit unit;
	const char *count = admin_arg_req(rq, "count"), *unitcode, *source, *errstr;
	long long n;

	if (count == NULL)
		return;
	n = strtonum_ll(count, 1, IMPORT_MAX, &errstr);
	if (errstr != NULL) {
		conn_fail(rq->c, "invalid", "count must be 1..%d", IMPORT_MAX);
		return;
	}
	unitcode = admin_arg(rq, "unit");
	source = admin_arg(rq, "source");
	if (unitcode != NULL && unitcode[0] != '\0' &&
	    store_unit_get(rq->srv->st, unitcode, &unit) != 0) {
		/* the KEY lines still follow: read and drop them, then fail */
		conn_fail(rq->c, "notfound", "no such unit: %.40s", unitcode);
		conn_proto_error(rq->c, "import aborted");
		return;
	}
	if ((im = calloc(1, sizeof(*im))) == NULL ||
	    (im->items = calloc((size_t)n, sizeof(*im->items))) == NULL) {
		free(im);
		conn_fail(rq->c, "internal", "out of memory");
		conn_proto_error(rq->c, "import aborted");
		return;
	}
	im->count = (size_t)n;
	snprintf(im->actor, sizeof(im->actor), "%s", rq->actor.name);
	snprintf(im->unit, sizeof(im->unit), "%s", unitcode ? unitcode : "");
	snprintf(im->source, sizeof(im->source), "%s", source ? source : "");
	rq->c->import = im;
}

static void
import_commit(struct conn *c)
{
	struct admin_import *im = c->import;
	struct server *srv = c->srv;
	struct store *st = srv->st;
	struct store_unit unit;
	struct store_token t, existing;
	unsigned char sealed[SEED_MAX + SEAL_OVERHEAD];
	char aad[64], details[STORE_TEXT_MAX + 64], imported[16];
	size_t i, slen;
	int64_t now = server_now();
	int r;

	if (im->error[0] != '\0') {
		conn_fail(c, "invalid", "%s; nothing imported", im->error);
		return;
	}
	memset(&unit, 0, sizeof(unit));
	if ((r = store_begin(st)) != 0)
		goto dberr;
	if (im->unit[0] != '\0' && (r = store_unit_get(st, im->unit, &unit)) != 0)
		goto dberr;
	for (i = 0; i < im->count; i++) {
		struct import_item *it = &im->items[i];

		if (store_token_get(st, it->serial, &existing) == 0) {
			store_token_clear(&existing);
			store_rollback(st);
			conn_fail(c, "exists", "key %zu (serial %s): serial already in the"
			    " inventory; nothing imported", i + 1, it->serial);
			return;
		}
		memset(&t, 0, sizeof(t));
		snprintf(t.serial, sizeof(t.serial), "%s", it->serial);
		snprintf(t.kind, sizeof(t.kind), "%s", it->kind);
		snprintf(t.state, sizeof(t.state), "stock");
		t.digits = it->digits;
		t.period = it->period;
		t.unit_id = unit.id;
		t.created_at = now;
		if ((r = store_token_add(st, &t)) != 0)
			goto dberr;
		seal_aad(aad, sizeof(aad), "tokens.seed", t.id);
		if ((r = seal_encrypt(&srv->key, aad, it->seed, it->seedlen, sealed, &slen)) != 0 ||
		    (r = store_token_set_seed(st, t.id, sealed, slen)) != 0 ||
		    (r = store_token_set_source(st, t.id, im->source)) != 0 ||
		    (it->counter > 0 && (r = store_token_resync(st, t.id, it->counter, 0, -1)) != 0))
			goto dberr;
		snprintf(details, sizeof(details), "kind=%s digits=%u unit=%s source=%s",
		    it->kind, it->digits, im->unit, im->source);
		if ((r = admin_audit_as(srv, im->actor, c, "key_import", it->serial, 1, "",
		    details)) != 0)
			goto dberr;
	}
	wipe(sealed, sizeof(sealed));
	if ((r = store_commit(st)) != 0)
		goto dberr;
	snprintf(imported, sizeof(imported), "%zu", im->count);
	conn_send(c, "OK", "imported", imported, NULL);
	return;
 dberr:
	wipe(sealed, sizeof(sealed));
	store_rollback(st);
	log_warnx("key import: %s", store_errmsg(st));
	conn_fail(c, "internal", r == STORE_ERR_FULL ? "disk full: nothing imported" :
	    "database error: nothing imported");
}

/* One KEY line of an import; the last one commits the whole import. */
void
admin_import_line(struct conn *c, const struct proto_msg *msg)
{
	struct admin_import *im = c->import;
	struct import_item *it;
	const char *serial, *kind, *secret, *digits, *period, *counter, *errstr;
	size_t i, idx;

	if (strcmp(msg->verb, "KEY") != 0) {
		admin_import_free(c);
		conn_proto_error(c, "expected a KEY line of the import");
		return;
	}
	idx = im->received++;
	it = &im->items[idx];
	if (im->error[0] != '\0')
		goto next;
	serial = proto_get(msg, "serial");
	kind = proto_get(msg, "kind");
	secret = proto_get(msg, "secret");
	digits = proto_get(msg, "digits");
	period = proto_get(msg, "period");
	counter = proto_get(msg, "counter");
#define BAD(...) do { \
	char why_[160]; \
	snprintf(why_, sizeof(why_), __VA_ARGS__); \
	snprintf(im->error, sizeof(im->error), "key %zu (serial %.64s): %s", idx + 1, \
	    serial ? serial : "?", why_); \
	goto next; \
} while (0)
	if (serial == NULL || !serial_ok(serial))
		BAD("serial must be 1-64 characters of A-Z a-z 0-9 . _ -");
	for (i = 0; i < idx; i++)
		if (strcmp(im->items[i].serial, serial) == 0)
			BAD("serial appears twice in the import");
	snprintf(it->serial, sizeof(it->serial), "%s", serial);
	if (kind == NULL || (strcmp(kind, "hotp") != 0 && strcmp(kind, "totp") != 0))
		BAD("kind must be hotp or totp");
	snprintf(it->kind, sizeof(it->kind), "%s", kind);
	if (secret == NULL || hex_seed(secret, it->seed, &it->seedlen) != 0)
		BAD("secret must be hex of %d..%d bytes", SEED_MIN, SEED_MAX);
	it->digits = 6;
	if (digits != NULL) {
		it->digits = (unsigned int)strtonum_ll(digits, 6, 8, &errstr);
		if (errstr != NULL)
			BAD("digits must be 6, 7 or 8");
	}
	it->period = 30;
	if (period != NULL) {
		it->period = (unsigned int)strtonum_ll(period, 1, 300, &errstr);
		if (errstr != NULL)
			BAD("period must be 1..300 seconds");
	}
	if (counter != NULL) {
		it->counter = strtonum_ll(counter, 0, INT64_MAX - 1, &errstr);
		if (errstr != NULL)
			BAD("counter must be a non-negative number");
	}
#undef BAD
 next:
	if (im->received == im->count) {
		import_commit(c);
		admin_import_free(c);
	}
}

static int
key_row(struct admin_req *rq, const struct store_token *t, int full)
{
	char digits[8], period[16], drift[24], created[24], bound[24], returned[24],
	    revoked[24], counter[24], step[24], seen[24];

#define NUM(b, v) snprintf(b, sizeof(b), "%lld", (long long)(v))
#define WHEN(b, v) do { if ((v) > 0) NUM(b, v); else b[0] = '\0'; } while (0)
	NUM(digits, t->digits);
	NUM(period, t->period);
	NUM(drift, t->drift_seen);
	NUM(created, t->created_at);
	WHEN(bound, t->bound_at);
	if (!full)
		return conn_send(rq->c, "ROW", "serial", t->serial, "kind", t->kind, "soft",
		    t->soft ? "1" : "0", "state", t->state, "holder", t->holder, "unit", t->unit,
		    "digits", digits, "period", strcmp(t->kind, "totp") == 0 ? period : "",
		    "drift", strcmp(t->kind, "totp") == 0 ? drift : "", "created_at", created,
		    "bound_at", bound, NULL);
	WHEN(returned, t->returned_at);
	WHEN(revoked, t->revoked_at);
	NUM(counter, t->counter);
	NUM(step, t->last_step);
	NUM(seen, t->drift);
#undef NUM
#undef WHEN
	return conn_send(rq->c, "ROW", "serial", t->serial, "kind", t->kind, "soft",
	    t->soft ? "1" : "0", "state", t->state, "holder", t->holder, "unit", t->unit,
	    "digits", digits, "period", strcmp(t->kind, "totp") == 0 ? period : "",
	    "counter", strcmp(t->kind, "hotp") == 0 ? counter : "",
	    "last_step", strcmp(t->kind, "totp") == 0 && t->last_step >= 0 ? step : "",
	    "drift", strcmp(t->kind, "totp") == 0 ? drift : "",
	    "drift_applied", strcmp(t->kind, "totp") == 0 ? seen : "",
	    "created_at", created, "bound_at", bound, "returned_at", returned,
	    "revoked_at", revoked, "source", t->source, NULL);
}

static int
key_list_cb(const struct store_token *t, void *arg)
{
	struct admin_req *rq = arg;

	if (!scope_keys(rq->srv->st, &rq->actor, t->unit_id))
		return 0;	/* R15: the keys of the actor's unit */
	return key_row(rq, t, 0);
}

void
admin_key_list(struct admin_req *rq)
{
	struct store_token_filter f;
	int r;

	memset(&f, 0, sizeof(f));
	f.state = admin_arg(rq, "state");
	f.unit = admin_arg(rq, "unit");
	f.holder = admin_arg(rq, "holder");
	if ((r = store_token_list(rq->srv->st, &f, key_list_cb, rq)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

/* Load a key by serial; replies and returns -1 when missing. */
static int
get_key(struct admin_req *rq, const char *serial, struct store_token *t)
{
	char msg[128];
	int r;

	if ((r = store_token_get(rq->srv->st, serial, t)) != 0) {
		snprintf(msg, sizeof(msg), "no such key: %.64s", serial);
		admin_store_fail(rq, r, msg);
		return -1;
	}
	return 0;
}

void
admin_key_show(struct admin_req *rq)
{
	struct store_token t;
	const char *serial;

	if ((serial = admin_arg_req(rq, "serial")) == NULL || get_key(rq, serial, &t) != 0)
		return;
	key_row(rq, &t, 1);
	store_token_clear(&t);
	conn_send(rq->c, "OK", NULL);
}

/* Commit with an audit record, or roll back and report. */
static int
commit_audited(struct admin_req *rq, int r)
{
	if (r == 0)
		r = store_commit(rq->srv->st);
	if (r != 0) {
		store_rollback(rq->srv->st);
		admin_store_fail(rq, r, "");
		return -1;
	}
	return 0;
}

void
admin_key_bind(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	struct store_token t;
	const char *name, *serial;
	char msg[160];
	int r;

	if ((name = admin_arg_req(rq, "name")) == NULL ||
	    (serial = admin_arg_req(rq, "serial")) == NULL)
		return;
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	memset(&u, 0, sizeof(u));
	if (get_key(rq, serial, &t) != 0)
		goto fail;
	if ((r = store_user_get(st, name, &u)) != 0) {
		snprintf(msg, sizeof(msg), "no such user: %.64s", name);
		admin_store_fail(rq, r, msg);
		goto fail;
	}
	if (strcmp(u.state, "deleted") == 0) {
		conn_fail(rq->c, "state", "user %s is deleted", name);
		goto fail;
	}
	/* R15: a user holds at most one key; a key has at most one holder */
	if (u.key_serial[0] != '\0') {
		conn_fail(rq->c, "state", "user %s already holds key %s; unbind it first"
		    " (key unbind %s)", name, u.key_serial, name);
		goto fail;
	}
	if (strcmp(t.state, "stock") != 0 && strcmp(t.state, "returned") != 0) {
		if (strcmp(t.state, "bound") == 0)
			conn_fail(rq->c, "state", "key %s is bound to %s", serial, t.holder);
		else
			conn_fail(rq->c, "state", "key %s is %s and cannot be issued", serial,
			    t.state);
		goto fail;
	}
	snprintf(msg, sizeof(msg), "serial=%s", serial);
	if ((r = store_token_bind(st, t.id, u.id, rq->now)) != 0 ||
	    (r = admin_audit(rq, "key_bind", name, 1, "", msg)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		goto out;
	}
	if (commit_audited(rq, 0) == 0)
		conn_send(rq->c, "OK", NULL);
	goto out;
 fail:
	store_rollback(st);
 out:
	store_user_clear(&u);
	store_token_clear(&t);
}

/*
 * Unbind the key of u inside the caller's transaction (key unbind, user
 * offboard): a hardware key returns to stock, a soft token is retired (its
 * seed was shown to its holder). Writes the audit record.
 */
int
admin_unbind_key(struct admin_req *rq, const struct store_user *u, char *serial,
    size_t seriallen, const char **state_r)
{
	struct store_token t;
	char details[128];
	int r;

	if ((r = store_token_get_holder(rq->srv->st, u->id, &t)) != 0)
		return r;
	*state_r = t.soft ? "retired" : "returned";
	snprintf(serial, seriallen, "%s", t.serial);
	snprintf(details, sizeof(details), "serial=%s state=%s", t.serial, *state_r);
	if ((r = store_token_move(rq->srv->st, t.id, *state_r, 0,
	    t.soft ? "revoked_at" : "returned_at", rq->now)) == 0)
		r = admin_audit(rq, "key_unbind", u->name, 1, "", details);
	store_token_clear(&t);
	return r;
}

void
admin_key_unbind(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_user u;
	const char *name, *state = "";
	char serial[STORE_NAME_MAX + 1], msg[128];
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
	if (u.key_serial[0] == '\0') {
		store_rollback(st);
		conn_fail(rq->c, "state", "user %s holds no key", name);
		store_user_clear(&u);
		return;
	}
	r = admin_unbind_key(rq, &u, serial, sizeof(serial), &state);
	if (commit_audited(rq, r) == 0)
		conn_send(rq->c, "OK", "serial", serial, "state", state, NULL);
	store_user_clear(&u);
}

/* key lost / key damaged: revoke for good; the holder is frozen at once (R11). */
static void
key_revoke(struct admin_req *rq, const char *state, const char *action)
{
	struct store *st = rq->srv->st;
	struct store_token t;
	const char *serial, *reason;
	char details[STORE_TEXT_MAX + 64], freeze_reason[STORE_TEXT_MAX + 1];
	int r;

	if ((serial = admin_arg_req(rq, "serial")) == NULL)
		return;
	reason = admin_arg(rq, "reason");
	if (reason != NULL && strlen(reason) > 200) {
		conn_fail(rq->c, "invalid", "reason longer than 200 bytes");
		return;
	}
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if (get_key(rq, serial, &t) != 0) {
		store_rollback(st);
		return;
	}
	if (strcmp(t.state, "lost") == 0 || strcmp(t.state, "damaged") == 0 ||
	    strcmp(t.state, "retired") == 0) {
		store_rollback(st);
		conn_fail(rq->c, "state", "key %s is already %s", serial, t.state);
		store_token_clear(&t);
		return;
	}
	snprintf(details, sizeof(details), "holder=%s state_was=%s%s%s", t.holder, t.state,
	    reason ? " reason=" : "", reason ? reason : "");
	r = store_token_move(st, t.id, state, 0, "revoked_at", rq->now);
	if (r == 0)
		r = admin_audit(rq, action, serial, 1, reason ? reason : "", details);
	if (r == 0 && t.holder_id > 0) {
		struct store_user u;

		snprintf(freeze_reason, sizeof(freeze_reason), "key %s %s", serial, state);
		if ((r = store_user_get_id(st, t.holder_id, &u)) == 0) {
			if (strcmp(u.state, "active") == 0 && (r = store_user_set_state(st, u.id,
			    "frozen", freeze_reason)) == 0)
				r = admin_audit(rq, "user_freeze", u.name, 1, freeze_reason, "");
			if (r == 0)
				r = store_user_set_needs_key(st, u.id, 1);
			store_user_clear(&u);
		}
	}
	if (commit_audited(rq, r) == 0)
		conn_send(rq->c, "OK", "serial", serial, "holder", t.holder, NULL);
	store_token_clear(&t);
}

void
admin_key_lost(struct admin_req *rq)
{
	key_revoke(rq, "lost", "key_lost");
}

void
admin_key_damaged(struct admin_req *rq)
{
	key_revoke(rq, "damaged", "key_damaged");
}

/* key resync SERIAL CODE1 CODE2: two consecutive codes re-anchor a drifted key. */
void
admin_key_resync(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct server *srv = rq->srv;
	struct store_token t;
	unsigned char seed[STORE_SEALED_MAX];
	const char *serial, *code1, *code2;
	char aad[64], out[32], details[96];
	size_t seedlen = 0;
	int64_t m1, m2, s1, s2, d, now_step;
	int r, ok = 0;

	if ((serial = admin_arg_req(rq, "serial")) == NULL ||
	    (code1 = admin_arg_req(rq, "code1")) == NULL ||
	    (code2 = admin_arg_req(rq, "code2")) == NULL)
		return;
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if (get_key(rq, serial, &t) != 0) {
		store_rollback(st);
		return;
	}
	if (strcmp(t.state, "lost") == 0 || strcmp(t.state, "damaged") == 0 ||
	    strcmp(t.state, "retired") == 0) {
		store_rollback(st);
		conn_fail(rq->c, "state", "key %s is %s", serial, t.state);
		goto out;
	}
	seal_aad(aad, sizeof(aad), "tokens.seed", t.id);
	if (seal_decrypt(&srv->key, aad, t.seed_sealed, t.seed_sealed_len, seed, &seedlen) != 0) {
		store_rollback(st);
		conn_fail(rq->c, "internal", "the key's seed cannot be unsealed");
		goto out;
	}
	if (strcmp(t.kind, "hotp") == 0) {
		if (otp_hotp_check(seed, seedlen, t.digits, (uint64_t)t.counter,
		    RESYNC_HOTP_WINDOW, code1, &m1) == 0 &&
		    otp_hotp_check(seed, seedlen, t.digits, (uint64_t)m1 + 1, 0, code2, &m2) == 0) {
			ok = 1;
			r = store_token_resync(st, t.id, m2 + 1, 0, -1);
			snprintf(out, sizeof(out), "%lld", (long long)(m2 + 1));
			snprintf(details, sizeof(details), "counter %lld -> %lld",
			    (long long)t.counter, (long long)(m2 + 1));
		}
	} else {
		now_step = otp_totp_step((time_t)rq->now, t.period);
		if (otp_totp_check(seed, seedlen, t.digits, t.period, (time_t)rq->now,
		    RESYNC_TOTP_WINDOW, code1, &s1, &d) == 0 &&
		    otp_totp_check(seed, seedlen, t.digits, t.period,
		    (time_t)((s1 + 1) * (int64_t)t.period), 0, code2, &s2, &d) == 0 &&
		    s2 > t.last_step) {
			ok = 1;
			d = s2 - now_step;
			r = store_token_resync(st, t.id, t.counter, d, s2);
			snprintf(out, sizeof(out), "%lld", (long long)d);
			snprintf(details, sizeof(details), "drift %lld -> %lld steps",
			    (long long)t.drift, (long long)d);
		}
	}
	wipe(seed, sizeof(seed));
	if (!ok) {
		store_rollback(st);
		conn_fail(rq->c, "invalid", "the two codes are not consecutive codes of key %s"
		    " within the search window", serial);
		goto out;
	}
	if (r == 0)
		r = admin_audit(rq, "key_resync", serial, 1, "", details);
	if (commit_audited(rq, r) == 0)
		conn_send(rq->c, "OK", strcmp(t.kind, "hotp") == 0 ? "counter" : "drift", out,
		    NULL);
 out:
	store_token_clear(&t);
}
