/*
 * authd/tlsca_file.c: the CA's files: paths, PEM load (mode checks) and
 * encoding, exclusive or atomic writes, a host's credential set.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "tlsca.h"
#include "tlsca_int.h"
#include "wipe.h"

#define PEM_FILE_MAX	65536

int
tlsca_path_join(char *buf, size_t len, const char *dir, const char *name, char *err,
    size_t errlen)
{
	int n;

	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "%s: path too long", dir);
		return AUTHD_ERR_TOOLONG;
	}
	return 0;
}

/* 1 if path exists (as anything, links not followed), 0 if not, negative on error. */
int
tlsca_file_exists(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (lstat(path, &sb) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return AUTHD_ERR_IO;
}

int
tlsca_dir_make(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	return AUTHD_ERR_IO;
}

static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;	/* an encrypted key is refused, never prompted for */
}

/* Reads one PEM certificate (cert_r) or private key (key_r: the file must be 0600). */
int
tlsca_pem_load(const char *path, X509 **cert_r, EVP_PKEY **key_r, char *err, size_t errlen)
{
	struct stat sb;
	BIO *bio;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AUTHD_ERR_IO;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > PEM_FILE_MAX ||
	    (key_r != NULL && (sb.st_mode & 077) != 0)) {
		snprintf(err, errlen, "%s: must be a regular file%s", path,
		    key_r != NULL ? " of mode 0600" : "");
		close(fd);
		return AUTHD_ERR_INVALID;
	}
	if ((bio = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
		close(fd);
		return tlsca_crypto_fail(err, errlen, path);
	}
	if (key_r != NULL)
		*key_r = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	else
		*cert_r = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if ((key_r != NULL ? (void *)*key_r : (void *)*cert_r) == NULL) {
		snprintf(err, errlen, "%s: not a PEM %s", path,
		    key_r != NULL ? "private key (unencrypted)" : "certificate");
		ERR_clear_error();
		return AUTHD_ERR_MALFORMED;
	}
	return 0;
}

/* PEM text of cert or key (PKCS#8, unencrypted) in a new string; NULL on failure. */
char *
tlsca_pem_string(X509 *cert, EVP_PKEY *key)
{
	char *data, *s = NULL;
	long len;
	BIO *bio;
	int ok;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	ok = key != NULL ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) :
	    PEM_write_bio_X509(bio, cert);
	if (ok == 1 && (len = BIO_get_mem_data(bio, &data)) > 0 &&
	    (s = malloc((size_t)len + 1)) != NULL) {
		memcpy(s, data, (size_t)len);
		s[len] = '\0';
	}
	if (key != NULL && (len = BIO_get_mem_data(bio, &data)) > 0)
		OPENSSL_cleanse(data, (size_t)len);
	BIO_free(bio);
	return s;
}

/*
 * Writes data to path with exactly mode. replace: through path.tmp and rename
 * (atomic); otherwise O_EXCL (TLSCA_ERR_EXISTS if path exists).
 */
static int
file_write(const char *path, const char *data, mode_t mode, int replace, char *err,
    size_t errlen)
{
	char tmp[PATH_MAX];
	const char *target = path;
	size_t len = strlen(data), off = 0;
	ssize_t n;
	int fd, r, e = 0;

	if (replace) {
		r = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		if (r < 0 || (size_t)r >= sizeof(tmp)) {
			snprintf(err, errlen, "%s: path too long", path);
			return AUTHD_ERR_TOOLONG;
		}
		(void)unlink(tmp);	/* left by a crash */
		target = tmp;
	}
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", target, strerror(errno));
		return errno == EEXIST ? TLSCA_ERR_EXISTS : AUTHD_ERR_IO;
	}
	if (fchmod(fd, mode) != 0)
		e = errno;
	while (e == 0 && off < len) {
		if ((n = write(fd, data + off, len - off)) > 0)
			off += (size_t)n;
		else if (n == 0 || errno != EINTR)
			e = n == 0 ? EIO : errno;
	}
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && replace && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		snprintf(err, errlen, "%s: %s", target, strerror(e));
		(void)unlink(target);
		return AUTHD_ERR_IO;
	}
	return 0;
}

int
tlsca_file_write_pem(const char *path, X509 *cert, EVP_PKEY *key, int replace, char *err,
    size_t errlen)
{
	char *pem;
	int r;

	if ((pem = tlsca_pem_string(cert, key)) == NULL)
		return tlsca_crypto_fail(err, errlen, "PEM encoding");
	r = file_write(path, pem, key != NULL ? 0600 : 0644, replace, err, errlen);
	if (key != NULL)
		wipe_free_str(pem);
	else
		free(pem);
	return r;
}

int
tlsca_host_write(const struct tlsca_host *host, const char *outdir, char *err, size_t errlen)
{
	static const char *const files[] = { "host.key", "host.crt", "ca.crt" };
	char path[3][PATH_MAX];
	const char *data[3];
	int i, r, done = 0;

	tlsca_err_clear(err, errlen);
	if (host == NULL || outdir == NULL)
		return AUTHD_ERR_INVALID;
	data[0] = host->key_pem;
	data[1] = host->cert_pem;
	data[2] = host->ca_pem;
	if ((r = tlsca_dir_make(outdir, err, errlen)) != 0)
		return r;
	for (i = 0; i < 3; i++) {
		if ((r = tlsca_path_join(path[i], PATH_MAX, outdir, files[i], err, errlen)) != 0 ||
		    (r = tlsca_file_exists(path[i], err, errlen)) < 0)
			return r;
		if (r == 1) {
			snprintf(err, errlen, "%s exists: not overwritten", path[i]);
			return TLSCA_ERR_EXISTS;
		}
	}
	for (i = 0; i < 3; i++) {
		if ((r = file_write(path[i], data[i], i == 0 ? 0600 : 0644, 0, err,
		    errlen)) != 0)
			break;
		done++;
	}
	if (r != 0)
		for (i = 0; i < done; i++)
			(void)unlink(path[i]);
	return r;
}
