/* authd/pwhash.c: argon2id (libsodium) and crypt_r for imported $y$/$6$/$5$ hashes. */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "pwhash.h"
#include "wipe.h"

int
pwhash_init(void)
{
	return sodium_init() < 0 ? AUTHD_ERR_IO : 0;
}

int
pwhash_hash(const struct pwhash_params *p, const char *password, char *out)
{
	char tmp[crypto_pwhash_STRBYTES];

	if (crypto_pwhash_str_alg(tmp, password, strlen(password), p->iterations,
	    (size_t)p->memory_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return AUTHD_ERR_NOMEM;
	memcpy(out, tmp, sizeof(tmp) < PWHASH_STR_MAX ? sizeof(tmp) : PWHASH_STR_MAX);
	out[PWHASH_STR_MAX - 1] = '\0';
	return 0;
}

int
pwhash_verify(const char *hash, const char *password)
{
	struct crypt_data *cd;
	const char *res;
	int ok = 0;

	if (strncmp(hash, "$argon2id$", 10) == 0)
		return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	if (strncmp(hash, "$y$", 3) != 0 && strncmp(hash, "$6$", 3) != 0 &&
	    strncmp(hash, "$5$", 3) != 0)
		return 0;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	res = crypt_r(password, hash, cd);
	if (res != NULL && res[0] != '*')
		ok = secret_equal(res, strlen(res), hash, strlen(hash));
	wipe(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
pwhash_needs_rehash(const struct pwhash_params *p, const char *hash)
{
	if (strncmp(hash, "$argon2id$", 10) != 0)
		return 1;
	return crypto_pwhash_str_needs_rehash(hash, p->iterations,
	    (size_t)p->memory_kib * 1024) != 0;
}
