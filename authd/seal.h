/*
 * authd/seal.h: AES-256-GCM sealing of secrets at rest under the master key
 * (DESIGN.md "Secrets and crypto", R30, R32). A sealed blob is
 * version(1) || nonce(12) || ciphertext || tag(16); the associated data binds
 * it to its row ("tokens.seed:<id>").
 */
#ifndef AUTHD_SEAL_H
#define AUTHD_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_LEN	32
#define SEAL_OVERHEAD	(1 + 12 + 16)

struct seal_key {
	unsigned char	k[SEAL_KEY_LEN];
};

/* Create a new random key file (mode 0600, refuses to overwrite). */
int	seal_key_create(const char *path, char *err, size_t errlen);
/* Load the key; refuses a file readable by group/others or of the wrong size. */
int	seal_key_load(const char *path, struct seal_key *key, char *err, size_t errlen);
void	seal_key_wipe(struct seal_key *key);

/* A subkey for one purpose: HMAC-SHA256(master, label) (e.g. the audit chain's key). */
void	seal_derive(const struct seal_key *key, const char *label, unsigned char out[32]);

/*
 * The Ed25519 key that signs audit exports (so an auditor checks them offline
 * with the public key alone): state_dir/audit-sign.key, 64 bytes, mode 0600,
 * made on first use.
 */
int	seal_sign_key(const char *path, unsigned char sk[64], unsigned char pk[32], char *err,
	    size_t errlen);

/* out must hold len + SEAL_OVERHEAD bytes. */
int	seal_encrypt(const struct seal_key *key, const char *aad, const unsigned char *in,
	    size_t len, unsigned char *out, size_t *outlen_r);
/* out must hold len - SEAL_OVERHEAD bytes; fails (AUTHD_ERR_MALFORMED) if tampered. */
int	seal_decrypt(const struct seal_key *key, const char *aad, const unsigned char *in,
	    size_t len, unsigned char *out, size_t *outlen_r);
/* "tokens.seed:<id>" etc. */
void	seal_aad(char *out, size_t outlen, const char *what, int64_t id);

#endif
