/* common/secret.c: constant-time secret comparison (OpenSSL's CRYPTO_memcmp underneath). */
#include <openssl/crypto.h>

#include "wipe.h"

int
secret_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	/* Length is not secret here (codes and tokens have fixed lengths). */
	if (alen != blen)
		return 0;
	if (alen == 0)
		return 1;
	return CRYPTO_memcmp(a, b, alen) == 0;
}
