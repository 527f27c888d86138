/*
 * authd/pwhash.h: password hashing (argon2id via libsodium's crypto_pwhash,
 * PHC strings) and verification of imported shadow hashes via crypt_r.
 * These are the expensive calls: run them on the worker pool only.
 */
#ifndef AUTHD_PWHASH_H
#define AUTHD_PWHASH_H

#include <stddef.h>

#define PWHASH_STR_MAX	256

struct pwhash_params {
	unsigned int	memory_kib;
	unsigned int	iterations;
};

int	pwhash_init(void);
/* Hash password into out (PWHASH_STR_MAX bytes). */
int	pwhash_hash(const struct pwhash_params *p, const char *password, char *out);
/* 1 if password matches hash, 0 if not (or the hash is unusable). Constant-time compare. */
int	pwhash_verify(const char *hash, const char *password);
/* 1 if hash is not argon2id at the parameters p (re-hash after the next good login). */
int	pwhash_needs_rehash(const struct pwhash_params *p, const char *hash);

#endif
