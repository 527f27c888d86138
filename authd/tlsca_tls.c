/*
 * authd/tlsca_tls.c: checking certificates against the CA (chain, names,
 * serial, key), a peer's host name, TLS 1.3 server and client contexts.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "tlsca.h"
#include "tlsca_int.h"

static int
hex_of(const BIGNUM *bn, char *out, size_t outlen)
{
	char *hex, *p;
	int r = 0;

	if ((hex = BN_bn2hex(bn)) == NULL)
		return AUTHD_ERR_NOMEM;
	if (strlen(hex) >= outlen)
		r = AUTHD_ERR_TOOLONG;
	else {
		for (p = hex; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
		memcpy(out, hex, strlen(hex) + 1);
	}
	OPENSSL_free(hex);
	return r;
}

/* The serial in lowercase hex without leading zeros; negative serials are refused. */
int
tlsca_serial_hex(const ASN1_INTEGER *ai, char *out, size_t outlen)
{
	BIGNUM *bn;
	int r;

	if ((bn = ASN1_INTEGER_to_BN(ai, NULL)) == NULL)
		return AUTHD_ERR_MALFORMED;
	r = BN_is_negative(bn) ? AUTHD_ERR_MALFORMED : hex_of(bn, out, outlen);
	BN_free(bn);
	return r;
}

/* The certificate's SANs in canonical form; AUTHD_ERR_MALFORMED if one has no such form. */
int
tlsca_names_of_cert(X509 *x, struct names *nm)
{
	GENERAL_NAMES *gens;
	const GENERAL_NAME *g;
	char ip[INET6_ADDRSTRLEN];
	int i, len, r = 0;

	nm->n = 0;
	if ((gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL)) == NULL)
		return 0;
	for (i = 0; r == 0 && i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		r = AUTHD_ERR_MALFORMED;
		if (nm->n == TLSCA_NAMES_MAX)
			break;
		if (g->type == GEN_DNS && (len = ASN1_STRING_length(g->d.dNSName)) > 0 &&
		    len <= TLSCA_NAME_MAX &&
		    memchr(ASN1_STRING_get0_data(g->d.dNSName), '\0', (size_t)len) == NULL)
			snprintf(nm->v[nm->n], ENTRY_MAX, "DNS:%.*s", len,
			    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		else if (g->type == GEN_IPADD && ((len = ASN1_STRING_length(g->d.iPAddress)) == 4 ||
		    len == 16) && inet_ntop(len == 4 ? AF_INET : AF_INET6,
		    ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof(ip)) != NULL)
			snprintf(nm->v[nm->n], ENTRY_MAX, "IP:%s", ip);
		else
			break;
		nm->n++;
		r = 0;
	}
	GENERAL_NAMES_free(gens);
	return r;
}

/* 0 if x verifies against store alone for purpose, issued directly by its CA. */
int
tlsca_chain_check(X509 *x, X509_STORE *store, int purpose, char *err, size_t errlen)
{
	X509_STORE_CTX *sc;
	int r = TLSCA_ERR_UNTRUSTED;

	if ((sc = X509_STORE_CTX_new()) == NULL)
		return AUTHD_ERR_NOMEM;
	if (X509_STORE_CTX_init(sc, store, x, NULL) != 1 ||
	    X509_STORE_CTX_set_purpose(sc, purpose) != 1) {
		r = tlsca_crypto_fail(err, errlen, "certificate check");
		goto out;
	}
	X509_VERIFY_PARAM_set_depth(X509_STORE_CTX_get0_param(sc), 0);
	X509_STORE_CTX_set_flags(sc, X509_V_FLAG_X509_STRICT);
	if (X509_verify_cert(sc) == 1)
		r = 0;
	else
		snprintf(err, errlen, "certificate refused: %s",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(sc)));
 out:
	X509_STORE_CTX_free(sc);
	ERR_clear_error();
	return r;
}

int
tlsca_key_matches(X509 *x, EVP_PKEY *key, const char *path, char *err, size_t errlen)
{
	if (X509_check_private_key(x, key) == 1)
		return 0;
	ERR_clear_error();
	snprintf(err, errlen, "%s does not match its certificate", path);
	return TLSCA_ERR_MISMATCH;
}

/* The host name of a host certificate: its one DNS SAN, equal to its CN if it has one. */
static int
peer_name(X509 *x, char *name, size_t namelen)
{
	X509_NAME *subj = X509_get_subject_name(x);
	unsigned char *cn = NULL;
	struct names nm;
	int i, len, r = TLSCA_ERR_NAME;

	if (tlsca_names_of_cert(x, &nm) != 0 || nm.n != 1 || strncmp(nm.v[0], "DNS:", 4) != 0 ||
	    tlsca_hostname_valid(nm.v[0] + 4) != 0 || strlen(nm.v[0] + 4) >= namelen)
		return TLSCA_ERR_NAME;
	if ((i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1)) >= 0) {
		if (X509_NAME_get_index_by_NID(subj, NID_commonName, i) >= 0 ||
		    (len = ASN1_STRING_to_UTF8(&cn,
		    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i)))) < 0 ||
		    (size_t)len != strlen(nm.v[0] + 4) || memcmp(cn, nm.v[0] + 4, (size_t)len) != 0)
			goto out;
	}
	memcpy(name, nm.v[0] + 4, strlen(nm.v[0] + 4) + 1);
	r = 0;
 out:
	OPENSSL_free(cn);
	return r;
}

int
tlsca_verify_peer(X509 *cert, X509_STORE *ca, tlsca_revoked_fn revoked, void *arg,
    char *name_r, size_t namelen, char *serial_r, size_t serial_len, char *err,
    size_t errlen)
{
	char serial[TLSCA_SERIAL_LEN];
	int r;

	tlsca_err_clear(err, errlen);
	if (name_r == NULL || namelen == 0 || (serial_r != NULL && serial_len == 0))
		return AUTHD_ERR_INVALID;
	name_r[0] = '\0';
	if (serial_r != NULL)
		serial_r[0] = '\0';
	if (cert == NULL || ca == NULL || namelen < TLSCA_NAME_MAX + 1 ||
	    (serial_r != NULL && serial_len < TLSCA_SERIAL_LEN))
		return AUTHD_ERR_INVALID;
	if ((r = tlsca_chain_check(cert, ca, X509_PURPOSE_SSL_CLIENT, err, errlen)) != 0)
		return r;
	if (X509_check_ca(cert) != 0) {
		snprintf(err, errlen, "certificate refused: a CA certificate");
		return TLSCA_ERR_UNTRUSTED;
	}
	if (tlsca_serial_hex(X509_get0_serialNumber(cert), serial, sizeof(serial)) != 0) {
		snprintf(err, errlen, "certificate refused: bad serial number");
		return TLSCA_ERR_UNTRUSTED;
	}
	if ((r = peer_name(cert, name_r, namelen)) != 0) {
		snprintf(err, errlen, "certificate refused: not exactly one valid DNS name"
		    " (and a CN equal to it)");
		return r;
	}
	if (serial_r != NULL)
		memcpy(serial_r, serial, strlen(serial) + 1);
	if (revoked != NULL && (r = revoked(serial, arg)) != 0) {
		snprintf(err, errlen, "certificate of %s (serial %s) %s", name_r, serial,
		    r > 0 ? "revoked" : "refused: revocation lookup failed");
		name_r[0] = '\0';
		return TLSCA_ERR_REVOKED;
	}
	return 0;
}

int
tlsca_ssl_peer(SSL *ssl, tlsca_revoked_fn revoked, void *arg, char *name_r, size_t namelen,
    char *serial_r, size_t serial_len, char *err, size_t errlen)
{
	X509 *cert;

	tlsca_err_clear(err, errlen);
	if (name_r != NULL && namelen > 0)
		name_r[0] = '\0';
	if (serial_r != NULL && serial_len > 0)
		serial_r[0] = '\0';
	if (ssl == NULL)
		return AUTHD_ERR_INVALID;
	if ((cert = SSL_get0_peer_certificate(ssl)) == NULL ||
	    SSL_get_verify_result(ssl) != X509_V_OK) {
		snprintf(err, errlen, "no verified client certificate");
		return TLSCA_ERR_UNTRUSTED;
	}
	return tlsca_verify_peer(cert, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl)), revoked,
	    arg, name_r, namelen, serial_r, serial_len, err, errlen);
}

/* TLS 1.3 only, ca_file the sole trust anchor, peers directly under it. */
static int
ctx_new(int server, const char *ca_file, SSL_CTX **ctx_r, char *err, size_t errlen)
{
	SSL_CTX *ctx;
	X509 *ca = NULL;
	int r;

	*ctx_r = NULL;
	if ((r = tlsca_pem_load(ca_file, &ca, NULL, err, errlen)) != 0)
		return r;
	if ((ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca) != 1 ||
	    SSL_CTX_set_purpose(ctx, server ? X509_PURPOSE_SSL_CLIENT :
	    X509_PURPOSE_SSL_SERVER) != 1 ||
	    (server && SSL_CTX_add_client_CA(ctx, ca) != 1)) {
		SSL_CTX_free(ctx);
		X509_free(ca);
		return tlsca_crypto_fail(err, errlen, "TLS context");
	}
	X509_free(ca);
	/*
	 * The server asks for a certificate and refuses the handshake on one that does not
	 * verify; a client without one gets through the handshake but is no host: the daemon
	 * serves it the admin protocol only (remote authadm, issue 8 item 5).
	 */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_verify_depth(ctx, 0);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
	*ctx_r = ctx;
	return 0;
}

/* Installs the certificate and key (0600) the context presents. */
static int
ctx_identity(SSL_CTX *ctx, const char *cert_file, const char *key_file, char *err,
    size_t errlen)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int r;

	if ((r = tlsca_pem_load(cert_file, &cert, NULL, err, errlen)) == 0 &&
	    (r = tlsca_pem_load(key_file, NULL, &key, err, errlen)) == 0 &&
	    (r = tlsca_key_matches(cert, key, key_file, err, errlen)) == 0 &&
	    (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1))
		r = tlsca_crypto_fail(err, errlen, "TLS context: certificate");
	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}

int
tlsca_ssl_ctx_server(const char *dir, SSL_CTX **ctx_r, char *err, size_t errlen)
{
	char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
	SSL_CTX *ctx = NULL;
	int r;

	tlsca_err_clear(err, errlen);
	if (ctx_r == NULL)
		return AUTHD_ERR_INVALID;
	*ctx_r = NULL;
	if (dir == NULL)
		return AUTHD_ERR_INVALID;
	if ((r = tlsca_path_join(ca, sizeof(ca), dir, "ca.crt", err, errlen)) != 0 ||
	    (r = tlsca_path_join(cert, sizeof(cert), dir, "server.crt", err, errlen)) != 0 ||
	    (r = tlsca_path_join(key, sizeof(key), dir, "server.key", err, errlen)) != 0 ||
	    (r = ctx_new(1, ca, &ctx, err, errlen)) != 0 ||
	    (r = ctx_identity(ctx, cert, key, err, errlen)) != 0) {
		SSL_CTX_free(ctx);
		return r;
	}
	/* every connection authenticates afresh: no resumption carrying an old certificate */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	*ctx_r = ctx;
	return 0;
}

int
tlsca_ssl_ctx_client(const char *ca_file, const char *cert_file, const char *key_file,
    SSL_CTX **ctx_r, char *err, size_t errlen)
{
	SSL_CTX *ctx = NULL;
	int r;

	tlsca_err_clear(err, errlen);
	if (ctx_r == NULL)
		return AUTHD_ERR_INVALID;
	*ctx_r = NULL;
	if (ca_file == NULL || (cert_file == NULL) != (key_file == NULL)) {
		snprintf(err, errlen, "TLS client: a CA file, and a certificate with its key"
		    " or neither");
		return AUTHD_ERR_INVALID;
	}
	if ((r = ctx_new(0, ca_file, &ctx, err, errlen)) != 0 ||
	    (cert_file != NULL && (r = ctx_identity(ctx, cert_file, key_file, err,
	    errlen)) != 0)) {
		SSL_CTX_free(ctx);
		return r;
	}
	*ctx_r = ctx;
	return 0;
}
