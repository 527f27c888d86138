/*
 * authd/keys.c: master key load, check and rotation.
 *
 * Rotation never leaves the database and the key file disagreeing: the new
 * key is written to master.key.new first (fsync), the database is re-sealed in
 * one transaction that also replaces the check value, and only then is
 * master.key.new renamed over master.key. A crash before the commit leaves the
 * old key fitting (the .new file is discarded at the next start); a crash
 * after it leaves the .new key fitting, and the next start finishes the rename.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keys.h"
#include "store.h"
#include "wipe.h"

#define CHECK_NAME	"key_check"
#define CHECK_TEXT	"authd master key check v1"
#define AUDIT_NAME	"audit_chain_key"

int
keys_lock(const char *state_dir, int *fd_r, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/authd.lock", state_dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, "%s is in use: another authd (or a key rotation) runs on"
		    " this state directory", state_dir);
		close(fd);
		return -1;
	}
	*fd_r = fd;
	return 0;
}

/* 1 if key opens the check value, 0 if not, -1 on error. The value is made if missing. */
static int
key_fits(struct store *st, const struct seal_key *key, int create)
{
	unsigned char sealed[256], plain[256];
	size_t len, plen;
	int r;

	r = store_secret_get(st, CHECK_NAME, sealed, sizeof(sealed), &len);
	if (r == STORE_ERR_NOTFOUND) {
		if (!create)
			return 0;
		if (seal_encrypt(key, "secrets:" CHECK_NAME, (const unsigned char *)CHECK_TEXT,
		    strlen(CHECK_TEXT), sealed, &len) != 0 || store_begin(st) != 0)
			return -1;
		if (store_secret_put(st, CHECK_NAME, sealed, len) != 0 || store_commit(st) != 0) {
			store_rollback(st);
			return -1;
		}
		return 1;
	}
	if (r != 0)
		return -1;
	r = seal_decrypt(key, "secrets:" CHECK_NAME, sealed, len, plain, &plen) == 0 &&
	    plen == strlen(CHECK_TEXT) && memcmp(plain, CHECK_TEXT, plen) == 0;
	wipe(plain, sizeof(plain));
	return r;
}

int
keys_load(const char *state_dir, struct store *st, struct seal_key *key, char *err,
    size_t errlen)
{
	char path[4096], next[4200];
	struct seal_key nk;
	int fits;

	snprintf(path, sizeof(path), "%s/master.key", state_dir);
	snprintf(next, sizeof(next), "%s.new", path);
	if (seal_key_load(path, key, err, errlen) != 0)
		return -1;
	if ((fits = key_fits(st, key, 0)) == 1) {
		(void)unlink(next);	/* a rotation that never committed */
		return 0;
	}
	if (fits < 0) {
		snprintf(err, errlen, "%s: cannot read the key check", path);
		return -1;
	}
	/* no check value yet (a database from before it): this key is the one */
	if (access(next, F_OK) != 0) {
		if (key_fits(st, key, 1) == 1)
			return 0;
		snprintf(err, errlen, "%s does not fit the database (wrong master key)", path);
		seal_key_wipe(key);
		return -1;
	}
	/* a rotation committed, then stopped before the rename: finish it */
	if (seal_key_load(next, &nk, err, errlen) != 0 || key_fits(st, &nk, 0) != 1) {
		snprintf(err, errlen, "neither %s nor %s fits the database", path, next);
		seal_key_wipe(&nk);
		seal_key_wipe(key);
		return -1;
	}
	if (rename(next, path) != 0) {
		snprintf(err, errlen, "%s: %s", next, strerror(errno));
		seal_key_wipe(&nk);
		return -1;
	}
	*key = nk;
	seal_key_wipe(&nk);
	return 0;
}

int
keys_audit(const char *state_dir, struct store *st, const struct seal_key *key, char *err,
    size_t errlen)
{
	unsigned char k[32], sealed[128];
	char anchor[4096];
	size_t len, klen;
	int r;

	r = store_secret_get(st, AUDIT_NAME, sealed, sizeof(sealed), &len);
	if (r == STORE_ERR_NOTFOUND) {
		/* first start: the chain's key, kept sealed so a rotation keeps it */
		seal_derive(key, "authd audit chain v1", k);
		if (seal_encrypt(key, "secrets:" AUDIT_NAME, k, 32, sealed, &len) != 0 ||
		    store_begin(st) != 0 || store_secret_put(st, AUDIT_NAME, sealed, len) != 0 ||
		    store_commit(st) != 0) {
			store_rollback(st);
			snprintf(err, errlen, "cannot store the audit chain's key");
			return -1;
		}
	} else if (r != 0 || seal_decrypt(key, "secrets:" AUDIT_NAME, sealed, len, k,
	    &klen) != 0 || klen != 32) {
		snprintf(err, errlen, "the audit chain's key does not unseal");
		return -1;
	}
	snprintf(anchor, sizeof(anchor), "%s/audit.anchor", state_dir);
	r = store_audit_set_key(st, k, anchor);
	wipe(k, sizeof(k));
	if (r != 0)
		snprintf(err, errlen, "cannot read the audit chain: %s", store_errmsg(st));
	return r;
}

struct reseal {
	const struct seal_key	*old, *new;
	long			 n;
};

static int
reseal_cb(const char *prefix, const char *key, const unsigned char *blob, size_t len,
    unsigned char *out, size_t outcap, size_t *outlen, void *arg)
{
	struct reseal *rs = arg;
	unsigned char plain[4096];
	char aad[160];
	size_t plen;
	int r = -1;

	snprintf(aad, sizeof(aad), "%s:%s", prefix, key);
	if (len > sizeof(plain) || len - SEAL_OVERHEAD + SEAL_OVERHEAD > outcap)
		return -1;
	if (seal_decrypt(rs->old, aad, blob, len, plain, &plen) == 0 &&
	    seal_encrypt(rs->new, aad, plain, plen, out, outlen) == 0) {
		rs->n++;
		r = 0;
	}
	wipe(plain, sizeof(plain));
	return r;
}

int
keys_rotate(const char *state_dir, char *err, size_t errlen)
{
	char path[4096], next[4200], dbpath[4096], details[64];
	struct seal_key old, nk;
	struct store *st = NULL;
	struct reseal rs;
	struct audit_rec a;
	int lockfd = -1, r = -1, fd;

	memset(&old, 0, sizeof(old));
	memset(&nk, 0, sizeof(nk));
	if (keys_lock(state_dir, &lockfd, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/master.key", state_dir);
	snprintf(next, sizeof(next), "%s.new", path);
	snprintf(dbpath, sizeof(dbpath), "%s/authd.db", state_dir);
	if (store_open(dbpath, &st, err, errlen) != 0 ||
	    keys_load(state_dir, st, &old, err, errlen) != 0 ||
	    keys_audit(state_dir, st, &old, err, errlen) != 0)
		goto out;
	(void)unlink(next);
	if (seal_key_create(next, err, errlen) != 0 || seal_key_load(next, &nk, err, errlen) != 0)
		goto out;
	rs.old = &old;
	rs.new = &nk;
	rs.n = 0;
	memset(&a, 0, sizeof(a));
	a.actor = "authd-rotate";
	a.action = "master_key_rotate";
	a.result = "ok";
	a.source_port = -1;
	a.service = "authd";
	if (store_begin(st) != 0 || store_sealed_walk(st, reseal_cb, &rs) != 0) {
		snprintf(err, errlen, "re-sealing failed: nothing changed (%s)", store_errmsg(st));
		store_rollback(st);
		(void)unlink(next);
		goto out;
	}
	snprintf(details, sizeof(details), "resealed=%ld", rs.n);
	a.details = details;
	if (store_audit_append(st, (int64_t)time(NULL), &a) != 0 || store_commit(st) != 0) {
		snprintf(err, errlen, "re-sealing failed: nothing changed (%s)", store_errmsg(st));
		store_rollback(st);
		(void)unlink(next);
		goto out;
	}
	/* committed: from here the new key is the one; the rename makes it the file */
	if (rename(next, path) != 0) {
		snprintf(err, errlen, "re-sealed, but %s could not replace %s (%s): the next"
		    " start of authd finishes it", next, path, strerror(errno));
		goto out;
	}
	if ((fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	snprintf(err, errlen, "%ld sealed values re-sealed under a new master key", rs.n);
	r = 0;
 out:
	seal_key_wipe(&old);
	seal_key_wipe(&nk);
	store_close(&st);
	if (lockfd != -1)
		close(lockfd);
	return r;
}
