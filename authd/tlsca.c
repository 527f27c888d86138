/*
 * authd/tlsca.c: authd's certificate authority: tls_names, the CA and server
 * certificates in the state directory, host certificates. Their files are
 * tlsca_file.c's; checking certificates and TLS contexts, tlsca_tls.c's.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "tlsca.h"
#include "tlsca_int.h"
#include "wipe.h"

#define CA_DAYS		3650	/* 10 years */
#define SERVER_DAYS	730	/* 2 years */
#define HOST_DAYS	365
#define RENEW_DAYS	30	/* the server certificate is re-issued this close to expiry */
#define BACKDATE_SECS	300	/* notBefore, for peers whose clocks lag a little */
#define CN_MAX		64	/* ub-common-name, RFC 5280 */

enum kind { KIND_CA, KIND_SERVER, KIND_HOST };

const char *
tlsca_strerror(int r)
{
	switch (r) {
	case TLSCA_ERR_UNTRUSTED:	return "certificate not trusted";
	case TLSCA_ERR_REVOKED:		return "certificate revoked";
	case TLSCA_ERR_NAME:		return "no valid host name in certificate";
	case TLSCA_ERR_EXISTS:		return "file exists";
	case TLSCA_ERR_MISMATCH:	return "key does not match certificate";
	case TLSCA_ERR_CRYPTO:		return "cryptographic library error";
	}
	return authd_strerror(r);
}

void
tlsca_err_clear(char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

/* err gets "what: <first OpenSSL reason>"; the thread's OpenSSL error queue is emptied. */
int
tlsca_crypto_fail(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_peek_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", what, buf);
	} else
		snprintf(err, errlen, "%s", what);
	ERR_clear_error();
	return TLSCA_ERR_CRYPTO;
}

int
tlsca_hostname_valid(const char *name)
{
	size_t len, label = 0, i;
	int digits = 1;
	char c;

	if (name == NULL || (len = strlen(name)) == 0 || len > TLSCA_NAME_MAX)
		return AUTHD_ERR_INVALID;
	for (i = 0; i <= len; i++) {
		c = name[i];
		if (c == '.' || c == '\0') {
			/* a label ends: 1..63 characters, no '-' at either end */
			if (label == 0 || label > 63 || name[i - 1] == '-')
				return AUTHD_ERR_INVALID;
			if (c == '\0')
				break;
			label = 0;
			digits = 1;
			continue;
		}
		if (c == '-' && label == 0)
			return AUTHD_ERR_INVALID;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return AUTHD_ERR_INVALID;
		if (c < '0' || c > '9')
			digits = 0;
		label++;
	}
	/* an all-digit last label would make "10.0.0.1" a host name */
	return digits ? AUTHD_ERR_INVALID : 0;
}

static EVP_PKEY *
key_new(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* A random 128-bit serial, first octet non-zero (so always 32 hex digits). */
static int
serial_set(X509 *x)
{
	unsigned char b[16];
	ASN1_INTEGER *ai = NULL;
	BIGNUM *bn;
	int ok = 0;

	do {
		if (RAND_bytes(b, sizeof(b)) != 1)
			return 0;
	} while (b[0] == 0);
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) != NULL &&
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) != NULL)
		ok = X509_set_serialNumber(x, ai);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return ok;
}

static int
ext_add(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION *ext;
	int ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, v3, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int
san_add(X509 *x, const struct names *nm, int critical)
{
	GENERAL_NAMES *gens;
	GENERAL_NAME *gen;
	size_t i;
	int ok = 0;

	if ((gens = GENERAL_NAMES_new()) == NULL)
		return 0;
	for (i = 0; i < nm->n; i++) {
		if (strncmp(nm->v[i], "DNS:", 4) == 0)
			gen = a2i_GENERAL_NAME(NULL, NULL, NULL, GEN_DNS, nm->v[i] + 4, 0);
		else
			gen = a2i_GENERAL_NAME(NULL, NULL, NULL, GEN_IPADD, nm->v[i] + 3, 0);
		if (gen == NULL || !sk_GENERAL_NAME_push(gens, gen)) {
			GENERAL_NAME_free(gen);
			goto out;
		}
	}
	ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, critical, X509V3_ADD_DEFAULT);
 out:
	GENERAL_NAMES_free(gens);
	return ok;
}

/*
 * A certificate for key, signed by issuer_key (issuer NULL: self-signed CA).
 * cn NULL: an empty subject (the SAN is then critical, RFC 5280 §4.2.1.6).
 */
static int
cert_issue(enum kind kind, EVP_PKEY *key, const char *cn, const struct names *san,
    X509 *issuer, EVP_PKEY *issuer_key, X509 **cert_r, char *err, size_t errlen)
{
	static const int days[] = { CA_DAYS, SERVER_DAYS, HOST_DAYS };
	X509_NAME *subj = NULL;
	X509V3_CTX v3;
	X509 *x;
	int ok;

	*cert_r = NULL;
	if ((x = X509_new()) == NULL || (subj = X509_NAME_new()) == NULL)
		goto fail;
	ok = X509_set_version(x, X509_VERSION_3) && serial_set(x) &&
	    (cn == NULL || X509_NAME_add_entry_by_NID(subj, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0)) &&
	    X509_set_subject_name(x, subj) &&
	    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : subj) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE_SECS) != NULL &&
	    X509_time_adj_ex(X509_getm_notAfter(x), days[kind], 0, NULL) != NULL &&
	    X509_set_pubkey(x, key);
	if (!ok)
		goto fail;
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (kind == KIND_CA)
		ok = ext_add(x, &v3, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
		    ext_add(x, &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
	else
		ok = ext_add(x, &v3, NID_basic_constraints, "critical,CA:FALSE") &&
		    ext_add(x, &v3, NID_key_usage, "critical,digitalSignature") &&
		    ext_add(x, &v3, NID_ext_key_usage,
		    kind == KIND_SERVER ? "serverAuth" : "clientAuth") &&
		    san_add(x, san, cn == NULL);
	/* the subject key identifier first: a self-signed AKID is taken from it */
	ok = ok && ext_add(x, &v3, NID_subject_key_identifier, "hash") &&
	    ext_add(x, &v3, NID_authority_key_identifier, "keyid:always") &&
	    X509_sign(x, issuer_key, EVP_sha256()) > 0;
	if (!ok)
		goto fail;
	X509_NAME_free(subj);
	*cert_r = x;
	return 0;
 fail:
	X509_NAME_free(subj);
	X509_free(x);
	return tlsca_crypto_fail(err, errlen, "cannot make a certificate");
}

/* Parses tls_names into nm (see tlsca.h). */
static int
names_parse(const char *csv, struct names *nm, char *err, size_t errlen)
{
	char item[TLSCA_NAME_MAX + 1], ip[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	const char *p = csv, *e;
	size_t len, i;
	int af;

	nm->n = 0;
	if (csv == NULL || *csv == '\0') {
		snprintf(err, errlen, "tls_names: empty");
		return AUTHD_ERR_INVALID;
	}
	for (;;) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		for (len = (size_t)(e - p); len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t');)
			len--;
		if (len == 0 || len > TLSCA_NAME_MAX || nm->n == TLSCA_NAMES_MAX) {
			snprintf(err, errlen, "tls_names: %s", len == 0 ? "empty entry" :
			    len > TLSCA_NAME_MAX ? "entry too long" : "too many entries");
			return AUTHD_ERR_INVALID;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		af = inet_pton(AF_INET, item, bin) == 1 ? AF_INET :
		    inet_pton(AF_INET6, item, bin) == 1 ? AF_INET6 : 0;
		if (af != 0 && inet_ntop(af, bin, ip, sizeof(ip)) != NULL)
			snprintf(nm->v[nm->n], ENTRY_MAX, "IP:%s", ip);
		else if (tlsca_hostname_valid(item) == 0)
			snprintf(nm->v[nm->n], ENTRY_MAX, "DNS:%s", item);
		else {
			snprintf(err, errlen, "tls_names: \"%s\" is neither an IP address nor a"
			    " lowercase host name", item);
			return AUTHD_ERR_INVALID;
		}
		for (i = 0; i < nm->n; i++)
			if (strcmp(nm->v[i], nm->v[nm->n]) == 0) {
				snprintf(err, errlen, "tls_names: \"%s\" appears twice", item);
				return AUTHD_ERR_INVALID;
			}
		nm->n++;
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}

static int
names_has(const struct names *nm, const char *v)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], v) == 0)
			return 1;
	return 0;
}

/* The same set (want has no duplicates). */
static int
names_equal(const struct names *want, const struct names *got)
{
	size_t i;

	if (want->n != got->n)
		return 0;
	for (i = 0; i < got->n; i++)
		if (!names_has(want, got->v[i]) || !names_has(got, want->v[i]))
			return 0;
	return 1;
}

static X509_STORE *
store_of(X509 *ca)
{
	X509_STORE *store;

	if ((store = X509_STORE_new()) != NULL && X509_STORE_add_cert(store, ca) != 1) {
		X509_STORE_free(store);
		store = NULL;
	}
	return store;
}

/* Loads ca.crt and ca.key from dir and checks them. */
static int
ca_load(const char *dir, X509 **cert_r, EVP_PKEY **key_r, char *err, size_t errlen)
{
	char cpath[PATH_MAX], kpath[PATH_MAX];
	int r;

	*cert_r = NULL;
	*key_r = NULL;
	if ((r = tlsca_path_join(cpath, sizeof(cpath), dir, "ca.crt", err, errlen)) != 0 ||
	    (r = tlsca_path_join(kpath, sizeof(kpath), dir, "ca.key", err, errlen)) != 0 ||
	    (r = tlsca_pem_load(cpath, cert_r, NULL, err, errlen)) != 0 ||
	    (r = tlsca_pem_load(kpath, NULL, key_r, err, errlen)) != 0 ||
	    (r = tlsca_key_matches(*cert_r, *key_r, kpath, err, errlen)) != 0)
		goto fail;
	if (X509_check_ca(*cert_r) != 1 || X509_self_signed(*cert_r, 1) != 1) {
		snprintf(err, errlen, "%s: not a self-signed CA certificate", cpath);
		r = AUTHD_ERR_INVALID;
		goto fail;
	}
	return 0;
 fail:
	ERR_clear_error();
	X509_free(*cert_r);
	EVP_PKEY_free(*key_r);
	*cert_r = NULL;
	*key_r = NULL;
	return r;
}

/* Makes ca.key and/or ca.crt when missing (tlsca.h says which cases). */
static int
ca_make(const char *dir, char *err, size_t errlen)
{
	char cpath[PATH_MAX], kpath[PATH_MAX], cn[CN_MAX];
	unsigned char id[8];
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int r, have_crt, have_key;

	if ((r = tlsca_path_join(cpath, sizeof(cpath), dir, "ca.crt", err, errlen)) != 0 ||
	    (r = tlsca_path_join(kpath, sizeof(kpath), dir, "ca.key", err, errlen)) != 0)
		return r;
	if ((have_crt = tlsca_file_exists(cpath, err, errlen)) < 0)
		return have_crt;
	if ((have_key = tlsca_file_exists(kpath, err, errlen)) < 0)
		return have_key;
	if (have_crt && have_key)
		return 0;
	if (have_crt) {
		snprintf(err, errlen, "%s exists without ca.key: refusing to make a new CA over it"
		    " (hosts enrolled under it would be cut off); remove it to start afresh",
		    cpath);
		return AUTHD_ERR_INVALID;
	}
	if (have_key)
		r = tlsca_pem_load(kpath, NULL, &key, err, errlen);
	else if ((key = key_new()) == NULL)
		r = tlsca_crypto_fail(err, errlen, "CA key generation");
	else
		r = tlsca_file_write_pem(kpath, NULL, key, 0, err, errlen);
	if (r != 0)
		goto out;
	if (RAND_bytes(id, sizeof(id)) != 1) {
		r = tlsca_crypto_fail(err, errlen, "no randomness");
		goto out;
	}
	snprintf(cn, sizeof(cn), "authd CA %02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1],
	    id[2], id[3], id[4], id[5], id[6], id[7]);
	if ((r = cert_issue(KIND_CA, key, cn, NULL, NULL, key, &cert, err, errlen)) == 0)
		r = tlsca_file_write_pem(cpath, cert, NULL, 1, err, errlen);
 out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}

/* 1 if the server certificate is fine as it is: names, chain, not near expiry. */
static int
server_current(X509 *x, X509 *ca, const struct names *want)
{
	struct names got;
	X509_STORE *store;
	char err[256];
	time_t t = time(NULL) + (time_t)RENEW_DAYS * 86400;
	int ok;

	if (tlsca_names_of_cert(x, &got) != 0 || !names_equal(want, &got) ||
	    X509_cmp_time(X509_get0_notAfter(x), &t) <= 0 || (store = store_of(ca)) == NULL)
		return 0;
	ok = tlsca_chain_check(x, store, X509_PURPOSE_SSL_SERVER, err, sizeof(err)) == 0;
	X509_STORE_free(store);
	return ok;
}

int
tlsca_init(const char *dir, const char *names_csv, char *err, size_t errlen)
{
	char cpath[PATH_MAX], kpath[PATH_MAX];
	const char *cn = NULL;
	struct names want;
	X509 *ca = NULL, *cert = NULL;
	EVP_PKEY *cakey = NULL, *key = NULL;
	size_t i;
	int r, have;

	tlsca_err_clear(err, errlen);
	if (dir == NULL)
		return AUTHD_ERR_INVALID;
	if ((r = names_parse(names_csv, &want, err, errlen)) != 0 ||
	    (r = tlsca_dir_make(dir, err, errlen)) != 0 || (r = ca_make(dir, err, errlen)) != 0 ||
	    (r = ca_load(dir, &ca, &cakey, err, errlen)) != 0 ||
	    (r = tlsca_path_join(cpath, sizeof(cpath), dir, "server.crt", err, errlen)) != 0 ||
	    (r = tlsca_path_join(kpath, sizeof(kpath), dir, "server.key", err, errlen)) != 0 ||
	    (r = have = tlsca_file_exists(kpath, err, errlen)) < 0)
		goto out;
	if (!have) {
		if ((key = key_new()) == NULL) {
			r = tlsca_crypto_fail(err, errlen, "server key generation");
			goto out;
		}
		if ((r = tlsca_file_write_pem(kpath, NULL, key, 0, err, errlen)) != 0)
			goto out;
	} else if ((r = tlsca_pem_load(kpath, NULL, &key, err, errlen)) != 0 ||
	    (r = have = tlsca_file_exists(cpath, err, errlen)) < 0)
		goto out;
	if (have) {
		if ((r = tlsca_pem_load(cpath, &cert, NULL, err, errlen)) != 0 ||
		    (r = tlsca_key_matches(cert, key, kpath, err, errlen)) != 0)
			goto out;
		if (server_current(cert, ca, &want))
			goto out;	/* r == 0 */
		X509_free(cert);
		cert = NULL;
	}
	for (i = 0; i < want.n && cn == NULL; i++)
		if (strncmp(want.v[i], "DNS:", 4) == 0 && strlen(want.v[i] + 4) < CN_MAX)
			cn = want.v[i] + 4;
	if ((r = cert_issue(KIND_SERVER, key, cn != NULL ? cn : "authd server", &want, ca,
	    cakey, &cert, err, errlen)) == 0)
		r = tlsca_file_write_pem(cpath, cert, NULL, 1, err, errlen);
 out:
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	return r;
}

void
tlsca_host_free(struct tlsca_host **hostp)
{
	struct tlsca_host *h;

	if (hostp == NULL || (h = *hostp) == NULL)
		return;
	free(h->ca_pem);
	free(h->cert_pem);
	wipe_free_str(h->key_pem);
	free(h);
	*hostp = NULL;
}

int
tlsca_host_issue(const char *dir, const char *hostname, struct tlsca_host **host_r,
    char *err, size_t errlen)
{
	struct tlsca_host *h = NULL;
	struct names nm;
	X509 *ca = NULL, *cert = NULL;
	EVP_PKEY *cakey = NULL, *key = NULL;
	int r;

	tlsca_err_clear(err, errlen);
	*host_r = NULL;
	if (dir == NULL || tlsca_hostname_valid(hostname) != 0) {
		snprintf(err, errlen, "invalid host name (RFC 1123, lowercase, at most %d"
		    " characters)", TLSCA_NAME_MAX);
		return AUTHD_ERR_INVALID;
	}
	if ((r = ca_load(dir, &ca, &cakey, err, errlen)) != 0)
		goto out;
	if ((key = key_new()) == NULL) {
		r = tlsca_crypto_fail(err, errlen, "host key generation");
		goto out;
	}
	nm.n = 1;
	snprintf(nm.v[0], ENTRY_MAX, "DNS:%s", hostname);
	if ((r = cert_issue(KIND_HOST, key, strlen(hostname) <= CN_MAX ? hostname : NULL, &nm,
	    ca, cakey, &cert, err, errlen)) != 0)
		goto out;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		r = AUTHD_ERR_NOMEM;
		goto out;
	}
	memcpy(h->name, hostname, strlen(hostname) + 1);
	if ((r = tlsca_serial_hex(X509_get0_serialNumber(cert), h->serial, sizeof(h->serial))) != 0)
		goto out;
	{
		struct tm tm;

		if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) {
			r = tlsca_crypto_fail(err, errlen, "certificate end date");
			goto out;
		}
		h->not_after = (int64_t)timegm(&tm);
	}
	if ((h->ca_pem = tlsca_pem_string(ca, NULL)) == NULL ||
	    (h->cert_pem = tlsca_pem_string(cert, NULL)) == NULL ||
	    (h->key_pem = tlsca_pem_string(NULL, key)) == NULL) {
		r = tlsca_crypto_fail(err, errlen, "PEM encoding");
		goto out;
	}
	*host_r = h;
	h = NULL;
 out:
	tlsca_host_free(&h);
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	return r;
}

int
tlsca_issue_host(const char *dir, const char *hostname, const char *outdir,
    char *serial_out, size_t serial_len, char *err, size_t errlen)
{
	struct tlsca_host *h = NULL;
	int r;

	tlsca_err_clear(err, errlen);
	if (serial_out == NULL || serial_len < TLSCA_SERIAL_LEN || outdir == NULL)
		return AUTHD_ERR_INVALID;
	serial_out[0] = '\0';
	if ((r = tlsca_host_issue(dir, hostname, &h, err, errlen)) != 0)
		return r;
	if ((r = tlsca_host_write(h, outdir, err, errlen)) == 0)
		memcpy(serial_out, h->serial, strlen(h->serial) + 1);
	tlsca_host_free(&h);
	return r;
}
