/* authd/seal.c: AES-256-GCM sealing with OpenSSL EVP; master key file handling. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <sodium.h>

#include "err.h"
#include "seal.h"
#include "wipe.h"

#define SEAL_VERSION	1

void
seal_aad(char *out, size_t outlen, const char *what, int64_t id)
{
	snprintf(out, outlen, "%s:%" PRId64, what, id);
}

int
seal_key_create(const char *path, char *err, size_t errlen)
{
	unsigned char k[SEAL_KEY_LEN];
	int fd, r = AUTHD_ERR_IO;

	if (RAND_bytes(k, sizeof(k)) != 1) {
		snprintf(err, errlen, "no randomness for the master key");
		return AUTHD_ERR_IO;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, k, sizeof(k)) != (ssize_t)sizeof(k) || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	close(fd);
	r = 0;
 out:
	wipe(k, sizeof(k));
	return r;
}

int
seal_key_load(const char *path, struct seal_key *key, char *err, size_t errlen)
{
	struct stat sb;
	ssize_t n;
	int fd;

	memset(key, 0, sizeof(*key));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AUTHD_ERR_IO;
	}
	if (fstat(fd, &sb) != 0 || (sb.st_mode & 077) != 0 || sb.st_size != SEAL_KEY_LEN) {
		snprintf(err, errlen, "%s: master key must be %d bytes, mode 0600", path,
		    SEAL_KEY_LEN);
		close(fd);
		return AUTHD_ERR_INVALID;
	}
	n = read(fd, key->k, sizeof(key->k));
	close(fd);
	if (n != (ssize_t)sizeof(key->k)) {
		snprintf(err, errlen, "%s: short read", path);
		seal_key_wipe(key);
		return AUTHD_ERR_IO;
	}
	return 0;
}

int
seal_sign_key(const char *path, unsigned char sk[64], unsigned char pk[32], char *err,
    size_t errlen)
{
	struct stat sb;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 && errno == ENOENT) {
		crypto_sign_keypair(pk, sk);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd == -1 || write(fd, sk, 64) != 64 || fsync(fd) != 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			if (fd != -1)
				close(fd);
			sodium_memzero(sk, 64);
			return AUTHD_ERR_IO;
		}
		close(fd);
		return 0;
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AUTHD_ERR_IO;
	}
	if (fstat(fd, &sb) != 0 || (sb.st_mode & 077) != 0 || sb.st_size != 64) {
		snprintf(err, errlen, "%s: the signing key must be 64 bytes, mode 0600", path);
		close(fd);
		return AUTHD_ERR_INVALID;
	}
	n = read(fd, sk, 64);
	close(fd);
	if (n != 64) {
		snprintf(err, errlen, "%s: short read", path);
		return AUTHD_ERR_IO;
	}
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	return 0;
}

void
seal_derive(const struct seal_key *key, const char *label, unsigned char out[32])
{
	unsigned int len = 32;

	(void)HMAC(EVP_sha256(), key->k, SEAL_KEY_LEN, (const unsigned char *)label,
	    strlen(label), out, &len);
}

void
seal_key_wipe(struct seal_key *key)
{
	OPENSSL_cleanse(key, sizeof(*key));
}

int
seal_encrypt(const struct seal_key *key, const char *aad, const unsigned char *in, size_t len,
    unsigned char *out, size_t *outlen_r)
{
	EVP_CIPHER_CTX *c;
	unsigned char *nonce = out + 1, *ct = out + 13;
	int n, r = AUTHD_ERR_IO;

	*outlen_r = 0;
	if (len > INT32_MAX)
		return AUTHD_ERR_TOOLONG;
	out[0] = SEAL_VERSION;
	if (RAND_bytes(nonce, 12) != 1 || (c = EVP_CIPHER_CTX_new()) == NULL)
		return AUTHD_ERR_IO;
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key->k, nonce) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, ct, &n, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, ct + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, ct + len) != 1)
		goto out;
	*outlen_r = len + SEAL_OVERHEAD;
	r = 0;
 out:
	EVP_CIPHER_CTX_free(c);
	return r;
}

int
seal_decrypt(const struct seal_key *key, const char *aad, const unsigned char *in, size_t len,
    unsigned char *out, size_t *outlen_r)
{
	EVP_CIPHER_CTX *c;
	size_t ctlen;
	int n, r = AUTHD_ERR_MALFORMED;
	unsigned char tag[16];

	*outlen_r = 0;
	if (len < SEAL_OVERHEAD || in[0] != SEAL_VERSION || len > INT32_MAX)
		return AUTHD_ERR_MALFORMED;
	ctlen = len - SEAL_OVERHEAD;
	memcpy(tag, in + 13 + ctlen, 16);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return AUTHD_ERR_NOMEM;
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key->k, in + 1) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(c, out, &n, in + 13, (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1 ||
	    EVP_DecryptFinal_ex(c, out + n, &n) != 1) {
		OPENSSL_cleanse(out, ctlen);
		goto out;
	}
	*outlen_r = ctlen;
	r = 0;
 out:
	EVP_CIPHER_CTX_free(c);
	return r;
}
