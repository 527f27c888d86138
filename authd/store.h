/*
 * authd/store.h: all persistent state (DESIGN.md "Storage"). All SQL lives in
 * store*.c; this interface carries no SQLite types, so another backend can be
 * added. Writes happen inside store_begin()/store_commit() (BEGIN IMMEDIATE,
 * synchronous=FULL), and every change is written together with its audit
 * record (store_audit_append) in the same transaction.
 *
 * Strings in the record structs are fixed-size and NUL-terminated; password
 * hashes are wiped by store_user_clear().
 */
#ifndef AUTHD_STORE_H
#define AUTHD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define STORE_ERR_NOTFOUND	-100
#define STORE_ERR_EXISTS	-101
#define STORE_ERR_DB		-102	/* database error; see store_errmsg() */
#define STORE_ERR_FULL		-103	/* disk full: nothing was written */
#define STORE_ERR_CONFLICT	-104	/* compare-and-set lost (e.g. OTP step already used) */

#define STORE_NAME_MAX		64
#define STORE_TEXT_MAX		256
#define STORE_HASH_MAX		256
#define STORE_SEALED_MAX	512

struct store;

struct store_unit {
	int64_t	id;
	char	code[STORE_NAME_MAX + 1];
	char	name[STORE_TEXT_MAX + 1];
	char	parent[STORE_NAME_MAX + 1];	/* parent's code, "" for the root */
	int64_t	parent_id;			/* 0 for the root */
	char	allow_from[STORE_TEXT_MAX + 1];
	int64_t	created_at;
	char	created_by[STORE_NAME_MAX + 1];
};

struct store_user {
	int64_t	id;
	char	name[STORE_NAME_MAX + 1];
	int64_t	unit_id;
	char	unit[STORE_NAME_MAX + 1];	/* unit code */
	char	state[16];			/* active | frozen | deleted */
	char	roles[STORE_TEXT_MAX + 1];	/* comma separated, sorted */
	char	policy[POLICY_NAME_MAX + 1];
	char	pw_hash[STORE_HASH_MAX + 1];	/* secret-ish: wiped by store_user_clear */
	int64_t	pw_changed_at;
	char	must_change[16];		/* "" | initial | reset | risk */
	unsigned char phone_sealed[STORE_SEALED_MAX];
	size_t	phone_sealed_len;
	char	phone_hint[32];			/* masked phone */
	char	im[STORE_TEXT_MAX + 1];
	int64_t	expires_at;			/* 0 = never */
	char	allow_from[STORE_TEXT_MAX + 1];
	int64_t	failures;
	int64_t	locked_until;
	int64_t	last_login_at;			/* 0 = never */
	char	freeze_reason[STORE_TEXT_MAX + 1];
	int64_t	created_at;
	char	created_by[STORE_NAME_MAX + 1];
	char	key_serial[STORE_NAME_MAX + 1];	/* bound token's serial, "" if none */
	int	needs_key;			/* a lost/damaged key awaits replacement (R11) */
	char	id_hint[40];			/* masked ID number (R30) */
	char	hosts[STORE_TEXT_MAX + 1];	/* units whose hosts it may use, "" = any */
};

struct store_token {
	int64_t	id;
	char	serial[STORE_NAME_MAX + 1];
	char	kind[8];			/* totp | hotp */
	int	soft;
	unsigned char seed_sealed[STORE_SEALED_MAX];
	size_t	seed_sealed_len;
	unsigned int digits;
	unsigned int period;
	int64_t	counter;
	int64_t	last_step;
	int64_t	drift;
	char	state[16];
	int64_t	holder_id;			/* 0 = none */
	int64_t	unit_id;
	int64_t	created_at;
	int64_t	bound_at, returned_at, revoked_at;	/* 0 = never */
	int64_t	drift_seen;			/* TOTP: offset of the last good code (R36) */
	char	source[STORE_TEXT_MAX + 1];
	char	holder[STORE_NAME_MAX + 1];	/* holder's name, "" if none */
	char	unit[STORE_NAME_MAX + 1];	/* unit code, "" if none */
};

struct store_token_filter {
	const char	*state, *unit, *holder;
};

/* One audit record (R18, R31). Strings may be NULL (stored as ""). */
struct audit_rec {
	const char	*actor;
	const char	*action;
	const char	*target;
	const char	*result;	/* ok | fail */
	const char	*reason;	/* why it failed: for the log, never for the caller */
	const char	*source_addr;
	int		 source_port;	/* -1 = none */
	const char	*host;
	const char	*service;
	const char	*tty;
	const char	*ruser;
	const char	*client;
	const char	*details;
};

struct store_audit_row {
	int64_t	seq;
	int64_t	time;
	char	actor[STORE_NAME_MAX + 1];
	char	action[32];
	char	target[STORE_NAME_MAX + 1];
	char	result[8];
	char	reason[STORE_TEXT_MAX + 1];
	char	source_addr[64];
	int64_t	source_port;			/* -1 = none */
	char	host[STORE_TEXT_MAX + 1];
	char	service[STORE_NAME_MAX + 1];
	char	tty[STORE_NAME_MAX + 1];
	char	ruser[STORE_NAME_MAX + 1];
	char	client[STORE_TEXT_MAX + 1];
	char	details[STORE_TEXT_MAX + 1];
	unsigned char mac[32];
};

struct store_audit_filter {
	const char	*actor, *target, *action;
	int64_t		 since, until;	/* 0 = unbounded */
	int64_t		 limit;		/* 0 = no limit */
};

struct store_user_filter {
	const char	*unit, *state, *created_by;
	int64_t		 since;
	int64_t		 inactive_before;	/* > 0: not used since this time (never: created before) */
};

/* Open (creating if needed) and migrate the database at path. err gets a message on failure. */
int	 store_open(const char *path, struct store **st_r, char *err, size_t errlen);
void	 store_close(struct store **stp);
const char *store_errmsg(const struct store *st);
int	 store_schema_version(struct store *st);

int	 store_begin(struct store *st);		/* BEGIN IMMEDIATE */
int	 store_commit(struct store *st);
void	 store_rollback(struct store *st);

/*
 * The audit chain (R33): each record carries HMAC-SHA256(key, previous MAC ||
 * canonical record). store_audit_set_key() gives the key and the anchor file
 * (a high-water mark outside the database: "seq N mac HEX"), rewritten after
 * every commit that appended records.
 */
int	 store_audit_set_key(struct store *st, const unsigned char key[32], const char *anchor_path);
int	 store_audit_append(struct store *st, int64_t now, const struct audit_rec *rec);

struct store_audit_check {
	int64_t	records;		/* records walked */
	int64_t	bad_seq;		/* first bad record, 0 if none */
	char	problem[256];		/* what is wrong, "" if intact */
	int64_t	head_seq;		/* the chain's last record */
	unsigned char head_mac[32];
};
/* Walk the whole chain, then compare its head with the anchor file. 0 = intact. */
int	 store_audit_verify(struct store *st, struct store_audit_check *chk);
/* The last retention cut: records up to seq were pruned; mac is record seq's (0 = none). */
int	 store_audit_cut(struct store *st, int64_t *seq_r, unsigned char mac[32]);
int	 store_audit_export_add(struct store *st, int64_t now, const char *actor, int64_t first,
	    int64_t last, const char *digest_hex);
/*
 * Prune the records older than before that were exported (R20 retention):
 * records the cut and deletes up to it. *n_r: records pruned (0: none).
 */
int	 store_audit_prune(struct store *st, int64_t before, int64_t now, const char *actor,
	    int64_t *n_r, int64_t *cut_r);
/* Canonical bytes of a record (common/auditcanon.h); caller frees. 0 or -1. */
int	 store_audit_canon(const struct store_audit_row *a, unsigned char **buf_r, size_t *len_r);
/* 1 once the anchor was found to disagree with the chain (it is then never rewritten). */
int	 store_audit_anchor_frozen(const struct store *st);
/* The chain's head (0 and zeros when empty). */
int	 store_audit_head(struct store *st, int64_t *seq_r, unsigned char mac[32]);
int	 store_audit_list(struct store *st, const struct store_audit_filter *f,
	    int (*cb)(const struct store_audit_row *, void *), void *arg);

/* Policies: the shipped ones are inserted on first start. */
int	 store_policy_seed(struct store *st, int64_t now);
int	 store_policy_get(struct store *st, const char *name, struct policy *p_r);
int	 store_policy_list(struct store *st, int (*cb)(const struct policy *, void *), void *arg);
int	 store_policy_put(struct store *st, const struct policy *p, int64_t now);

int	 store_unit_add(struct store *st, const struct store_unit *u);
int	 store_unit_get(struct store *st, const char *code, struct store_unit *u_r);
int	 store_unit_get_id(struct store *st, int64_t id, struct store_unit *u_r);
int	 store_unit_list(struct store *st, int (*cb)(const struct store_unit *, void *), void *arg);
int	 store_unit_set(struct store *st, const struct store_unit *u);	/* name, allow_from */

/* users: add fills u->id */
int	 store_user_add(struct store *st, struct store_user *u);
int	 store_user_get(struct store *st, const char *name, struct store_user *u_r);
int	 store_user_get_id(struct store *st, int64_t id, struct store_user *u_r);
int	 store_user_list(struct store *st, const struct store_user_filter *f,
	    int (*cb)(const struct store_user *, void *), void *arg);
/* Writes the descriptive fields: unit_id, policy, phone, im, expires_at, allow_from. */
int	 store_user_update(struct store *st, const struct store_user *u);
int	 store_user_set_roles(struct store *st, int64_t user_id, const char *roles_csv);
/* New password: hash, changed-at, must_change ("" or a reason), appended to history. */
int	 store_user_set_password(struct store *st, int64_t user_id, const char *pw_hash,
	    int64_t now, const char *must_change);
int	 store_user_set_must_change(struct store *st, int64_t user_id, const char *reason);
/* The last n password hashes (newest first), for the history rule. */
int	 store_user_history(struct store *st, int64_t user_id, unsigned int n,
	    int (*cb)(const char *hash, void *), void *arg);
/* Login bookkeeping. */
int	 store_user_count_attempt(struct store *st, int64_t user_id);		/* failures++ */
int	 store_user_login_ok(struct store *st, int64_t user_id, int64_t now);	/* failures=0, last_login */
/*
 * A failed verification (the attempt was already counted): when the counted
 * failures reached max (> 0), lock until lock_until and restart the count.
 * *locked_r tells whether this failure locked the account.
 */
int	 store_user_login_failed(struct store *st, int64_t user_id, int64_t max,
	    int64_t lock_until, int *locked_r);
/*
 * Replace the hash of the same password (new parameters, or an imported
 * shadow hash): only if the stored hash is still old_hash (compare-and-set).
 */
int	 store_user_rehash(struct store *st, int64_t user_id, const char *old_hash,
	    const char *new_hash);
/* The sealed ID number and its masked form (R30, R32); len 0 clears it. */
int	 store_user_set_id_number(struct store *st, int64_t user_id, const unsigned char *sealed,
	    size_t len, const char *hint);
/* active | frozen (with a reason) */
int	 store_user_set_state(struct store *st, int64_t user_id, const char *state,
	    const char *reason);
/* Clear failures and any temporary lock. */
int	 store_user_unlock(struct store *st, int64_t user_id);
/* An attempt that was counted but never verified (server busy): uncount it. */
int	 store_user_uncount_attempt(struct store *st, int64_t user_id);
void	 store_user_clear(struct store_user *u);	/* wipes */

int	 store_token_add(struct store *st, struct store_token *t);	/* fills t->id */
int	 store_token_set_seed(struct store *st, int64_t id, const unsigned char *sealed, size_t len);
int	 store_token_get_holder(struct store *st, int64_t user_id, struct store_token *t_r);
int	 store_token_get(struct store *st, const char *serial, struct store_token *t_r);
int	 store_token_bind(struct store *st, int64_t token_id, int64_t user_id, int64_t now);
/* Compare-and-set: accept step only if after the stored last step; record the drift seen. */
int	 store_token_use_step(struct store *st, int64_t token_id, int64_t step, int64_t drift);
int	 store_token_next_serial(struct store *st, const char *prefix, char *out, size_t outlen);
void	 store_token_clear(struct store_token *t);
int	 store_token_list(struct store *st, const struct store_token_filter *f,
	    int (*cb)(const struct store_token *, void *), void *arg);
/*
 * Move a key: new state, holder (0 = none), and the date column the move sets
 * ("bound_at", "returned_at", "revoked_at" or NULL).
 */
int	 store_token_move(struct store *st, int64_t token_id, const char *state, int64_t holder_id,
	    const char *date_col, int64_t now);
/* HOTP compare-and-set: accept counter value matched only if not used; next = matched + 1. */
int	 store_token_use_counter(struct store *st, int64_t token_id, int64_t matched);
/* Resync: set the HOTP counter, or the TOTP drift and last step, unconditionally. */
int	 store_token_resync(struct store *st, int64_t token_id, int64_t counter, int64_t drift,
	    int64_t last_step);
int	 store_token_set_source(struct store *st, int64_t token_id, const char *source);
int	 store_user_set_needs_key(struct store *st, int64_t user_id, int needs);
/* Drop every admin session of a user (frozen, deleted). */
int	 store_session_del_user(struct store *st, int64_t user_id);

/* Two-person rule (R22): operations held for a second person. */
struct store_request {
	int64_t		id;
	char		kind[24];
	int64_t		requester_id;
	char		requester[STORE_NAME_MAX + 1];
	int64_t		unit_id;
	char		target[STORE_NAME_MAX + 1];
	unsigned char	payload[2048];		/* sealed */
	size_t		payload_len;
	char		pw_hash[STORE_HASH_MAX + 1];
	unsigned char	seed[STORE_SEALED_MAX];	/* sealed, may be empty */
	size_t		seed_len;
	char		state[16];
	int64_t		created_at, expires_at, decided_at;
	char		decided_by[STORE_NAME_MAX + 1];
};

/* Insert with an empty payload; fills r->id (the payload is sealed with the id next). */
int	 store_request_add(struct store *st, struct store_request *r);
int	 store_request_set_sealed(struct store *st, int64_t id, const unsigned char *payload,
	    size_t plen, const unsigned char *seed, size_t slen);
int	 store_request_get(struct store *st, int64_t id, struct store_request *r_r);
/* Pending requests concerning target (a name may be reserved by one). */
int	 store_request_pending_for(struct store *st, const char *target, int64_t now,
	    int64_t *id_r);
int	 store_request_list(struct store *st, int64_t now,
	    int (*cb)(const struct store_request *, void *), void *arg);
int	 store_request_decide(struct store *st, int64_t id, const char *state, const char *by,
	    int64_t now);
/* Mark every pending request past its time as expired. */
int	 store_request_expire(struct store *st, int64_t now);
void	 store_request_clear(struct store_request *r);

/* Sealed values by name (the audit chain's key, the master key check). */
int	 store_secret_get(struct store *st, const char *name, unsigned char *out, size_t outlen,
	    size_t *len_r);
int	 store_secret_put(struct store *st, const char *name, const unsigned char *sealed,
	    size_t len);
/*
 * Master-key rotation: cb gets every sealed value with its AAD prefix
 * ("tokens.seed") and row key ("42"); it writes the re-sealed value to out.
 * The caller holds the transaction.
 */
int	 store_sealed_walk(struct store *st, int (*cb)(const char *aad_prefix, const char *key,
	    const unsigned char *blob, size_t len, unsigned char *out, size_t outcap,
	    size_t *outlen, void *arg), void *arg);

/* Hosts enrolled for mutual TLS (issue 8). */
struct store_host {
	int64_t	id;
	char	name[256];
	char	unit[STORE_NAME_MAX + 1];	/* unit code, "" if none */
	int64_t	unit_id;
	int	critical;
	char	serial[48];
	int64_t	enrolled_at;
	char	enrolled_by[STORE_NAME_MAX + 1];
	int64_t	last_seen, revoked_at;		/* 0 = never */
	char	prev_serial[48];		/* the renewed-away certificate, "" if none */
	int64_t	expires_at;			/* 0 = unknown */
};
/* A new enrolment, or (replace) a revoked host's again under its name. */
int	 store_host_add(struct store *st, const struct store_host *h, int replace);
/*
 * Renewal: serial becomes prev_serial (unless a renewal is pending: then the
 * previous one, in use, stays and the pending one is replaced); the new serial
 * and end take its place.
 */
int	 store_host_renew(struct store *st, const char *name, const char *serial,
	    int64_t expires_at);
/* The host showed its current certificate: the previous one is done. */
int	 store_host_prev_done(struct store *st, const char *name);
int	 store_host_get(struct store *st, const char *name, struct store_host *h_r);
/* By its current or previous certificate's serial. */
int	 store_host_by_serial(struct store *st, const char *serial, struct store_host *h_r);
int	 store_host_list(struct store *st, int (*cb)(const struct store_host *, void *), void *arg);
int	 store_host_revoke(struct store *st, const char *name, int64_t now);
int	 store_host_seen(struct store *st, const char *name, int64_t now);

/*
 * Admin sessions: the token's SHA-256 is the key; a session is bound to the
 * peer's uid and origin (conn_origin(): "" on the Unix socket, "tls ADDR").
 */
int	 store_session_add(struct store *st, const unsigned char hash[32], int64_t user_id,
	    long uid, const char *origin, int64_t now);
/* Valid if uid and origin match and last_used >= now - idle; touches last_used. */
int	 store_session_check(struct store *st, const unsigned char hash[32], long uid,
	    const char *origin, int64_t now, int64_t idle, int64_t *user_id_r);
int	 store_session_del(struct store *st, const unsigned char hash[32]);

#endif
