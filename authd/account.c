/* authd/account.c: soft tokens and sealed personal data for new and changed accounts. */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "account.h"
#include "err.h"
#include "otp.h"
#include "store.h"
#include "wipe.h"

int
account_soft_token(struct store *st, const struct seal_key *key, int64_t user_id,
    const char *username, int64_t now, char *serial, size_t seriallen, char *uri,
    size_t urilen)
{
	unsigned char seed[ACCOUNT_SOFT_SEED_LEN];
	int r;

	if (RAND_bytes(seed, sizeof(seed)) != 1)
		return AUTHD_ERR_IO;
	r = account_soft_token_seed(st, key, user_id, username, now, seed, sizeof(seed), serial,
	    seriallen, uri, urilen);
	wipe(seed, sizeof(seed));
	return r;
}

int
account_soft_token_seed(struct store *st, const struct seal_key *key, int64_t user_id,
    const char *username, int64_t now, const unsigned char *seed, size_t seedlen,
    char *serial, size_t seriallen, char *uri, size_t urilen)
{
	unsigned char sealed[OTP_SEED_MAX + SEAL_OVERHEAD];
	struct store_token t;
	struct store_user u;
	char aad[64];
	size_t slen;
	int r;

	memset(&t, 0, sizeof(t));
	if (seedlen == 0 || seedlen > OTP_SEED_MAX)
		return AUTHD_ERR_INVALID;
	if ((r = store_token_next_serial(st, "SOFT-", t.serial, sizeof(t.serial))) != 0)
		goto out;
	snprintf(t.kind, sizeof(t.kind), "totp");
	snprintf(t.state, sizeof(t.state), "stock");
	t.soft = 1;
	t.digits = 6;
	t.period = 30;
	t.created_at = now;
	/* a soft token belongs to its holder's unit (R15: the unit's custodian sees it) */
	if (store_user_get_id(st, user_id, &u) == 0) {
		t.unit_id = u.unit_id;
		store_user_clear(&u);
	}
	if ((r = store_token_add(st, &t)) != 0)
		goto out;
	seal_aad(aad, sizeof(aad), "tokens.seed", t.id);
	if ((r = seal_encrypt(key, aad, seed, seedlen, sealed, &slen)) != 0 ||
	    (r = store_token_set_seed(st, t.id, sealed, slen)) != 0 ||
	    (r = store_token_bind(st, t.id, user_id, now)) != 0 ||
	    (r = store_token_set_source(st, t.id, "enroll")) != 0)
		goto out;
	if ((r = otp_uri("authd", username, seed, seedlen, t.digits, t.period, uri,
	    urilen)) != 0)
		goto out;
	snprintf(serial, seriallen, "%s", t.serial);
 out:
	wipe(sealed, sizeof(sealed));
	store_token_clear(&t);
	return r;
}

int
account_seal_phone(const struct seal_key *key, int64_t user_id, const char *phone,
    unsigned char *out, size_t *len_r)
{
	char aad[64];

	*len_r = 0;
	if (strlen(phone) + SEAL_OVERHEAD > STORE_SEALED_MAX)
		return AUTHD_ERR_TOOLONG;
	seal_aad(aad, sizeof(aad), "users.phone", user_id);
	return seal_encrypt(key, aad, (const unsigned char *)phone, strlen(phone), out, len_r);
}

int
account_set_id_number(struct store *st, const struct seal_key *key, int64_t user_id,
    const char *idno, char *hint, size_t hintlen)
{
	unsigned char sealed[64 + SEAL_OVERHEAD];
	char aad[64];
	size_t n = strlen(idno), len = 0, i;

	if (n == 0) {
		hint[0] = '\0';
		return store_user_set_id_number(st, user_id, NULL, 0, "");
	}
	if (n > 64 || n < 8)
		return AUTHD_ERR_INVALID;
	/* R30: 110***********1234 */
	for (i = 0; i < n && i + 1 < hintlen; i++)
		hint[i] = i < 3 || i >= n - 4 ? idno[i] : '*';
	hint[i] = '\0';
	seal_aad(aad, sizeof(aad), "users.id_number", user_id);
	if (seal_encrypt(key, aad, (const unsigned char *)idno, n, sealed, &len) != 0)
		return AUTHD_ERR_IO;
	return store_user_set_id_number(st, user_id, sealed, len, hint);
}
