/* authd/account.h: account pieces shared by `authd --init` and the admin handlers. */
#ifndef AUTHD_ACCOUNT_H
#define AUTHD_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "seal.h"

struct store;

#define ACCOUNT_SOFT_SEED_LEN	20	/* 160-bit TOTP seed (RFC 4226 recommends >= 128) */
#define ACCOUNT_URI_MAX		512

/*
 * Make a new soft TOTP token (SHA-1, 6 digits, 30 s), seal its seed under the
 * master key and bind it to user_id, inside the caller's transaction. Writes
 * the serial and the otpauth URI (secret inside: show it once, never log it).
 */
int	account_soft_token(struct store *st, const struct seal_key *key, int64_t user_id,
	    const char *username, int64_t now, char *serial, size_t seriallen,
	    char *uri, size_t urilen);
/* The same with a given seed (a request approved by a second person). */
int	account_soft_token_seed(struct store *st, const struct seal_key *key, int64_t user_id,
	    const char *username, int64_t now, const unsigned char *seed, size_t seedlen,
	    char *serial, size_t seriallen, char *uri, size_t urilen);
/* Seal a phone number for user row id (R30, R32). out holds STORE_SEALED_MAX bytes. */
int	account_seal_phone(const struct seal_key *key, int64_t user_id, const char *phone,
	    unsigned char *out, size_t *len_r);

/* Seal an ID number for user row id, store it with its masked form (R30, R32). */
int	account_set_id_number(struct store *st, const struct seal_key *key, int64_t user_id,
	    const char *idno, char *hint, size_t hintlen);

#endif
