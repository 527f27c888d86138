/*
 * authd/tlsca_int.h: what tlsca.c (the CA), tlsca_file.c (its files) and
 * tlsca_tls.c (certificate checks, TLS contexts) share. Nothing else includes
 * this. Functions taking err/errlen write a one-line message there on failure.
 */
#ifndef AUTHD_TLSCA_INT_H
#define AUTHD_TLSCA_INT_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tlsca.h"

#define ENTRY_MAX	(TLSCA_NAME_MAX + 5)	/* "DNS:" or "IP:" + name + NUL */

/* subjectAltName entries in canonical form: "DNS:name", "IP:inet_ntop form". */
struct names {
	char	v[TLSCA_NAMES_MAX][ENTRY_MAX];
	size_t	n;
};

/* tlsca.c */
void	tlsca_err_clear(char *err, size_t errlen);
/* Returns TLSCA_ERR_CRYPTO; err gets what and OpenSSL's first reason, its queue is emptied. */
int	tlsca_crypto_fail(char *err, size_t errlen, const char *what);

/* tlsca_file.c */
int	tlsca_path_join(char *buf, size_t len, const char *dir, const char *name, char *err,
	    size_t errlen);
/* 1 if path exists (links not followed), 0 if not, negative on error. */
int	tlsca_file_exists(const char *path, char *err, size_t errlen);
/* Creates dir 0700 unless it exists. */
int	tlsca_dir_make(const char *dir, char *err, size_t errlen);
/* One PEM certificate (cert_r) or unencrypted private key (key_r: file of mode 0600). */
int	tlsca_pem_load(const char *path, X509 **cert_r, EVP_PKEY **key_r, char *err,
	    size_t errlen);
/* PEM of cert or key in a new string (the caller wipes a key's); NULL on failure. */
char	*tlsca_pem_string(X509 *cert, EVP_PKEY *key);
/* cert (0644) or key (0600) to path; replace: atomically, else TLSCA_ERR_EXISTS if present. */
int	tlsca_file_write_pem(const char *path, X509 *cert, EVP_PKEY *key, int replace, char *err,
	    size_t errlen);

/* tlsca_tls.c */
/* A serial in lowercase hex without leading zeros (tlsca.h). */
int	tlsca_serial_hex(const ASN1_INTEGER *ai, char *out, size_t outlen);
int	tlsca_names_of_cert(X509 *x, struct names *nm);
/* 0 if x verifies against store alone for purpose, issued directly by its CA. */
int	tlsca_chain_check(X509 *x, X509_STORE *store, int purpose, char *err, size_t errlen);
/* 0 if key is x's; else TLSCA_ERR_MISMATCH naming path. */
int	tlsca_key_matches(X509 *x, EVP_PKEY *key, const char *path, char *err, size_t errlen);

#endif
