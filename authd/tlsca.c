/* authd/tlsca.c: authd's certificate authority, host certificates, TLS 1.3 contexts. */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "tlsca.h"
#include "wipe.h"

#define CA_DAYS		3650	/* 10 years */
#define SERVER_DAYS	730	/* 2 years */
#define HOST_DAYS	365
#define RENEW_DAYS	30	/* the server certificate is re-issued this close to expiry */
#define BACKDATE_SECS	300	/* notBefore, for peers whose clocks lag a little */
#define CN_MAX		64	/* ub-common-name, RFC 5280 */
#define PEM_FILE_MAX	65536
#define ENTRY_MAX	(TLSCA_NAME_MAX + 5)	/* "DNS:" or "IP:" + name + NUL */

enum kind { KIND_CA, KIND_SERVER, KIND_HOST };

/* subjectAltName entries in canonical form: "DNS:name", "IP:inet_ntop form". */
struct names {
	char	v[TLSCA_NAMES_MAX][ENTRY_MAX];
	size_t	n;
};

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

static void
err_clear(char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

/* err gets "what: <first OpenSSL reason>"; the thread's OpenSSL error queue is emptied. */
static int
crypto_fail(char *err, size_t errlen, const char *what)
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

static int
path_join(char *buf, size_t len, const char *dir, const char *name, char *err,
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
static int
file_exists(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (lstat(path, &sb) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return AUTHD_ERR_IO;
}

static int
dir_make(const char *dir, char *err, size_t errlen)
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
static int
pem_load(const char *path, X509 **cert_r, EVP_PKEY **key_r, char *err, size_t errlen)
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
		return crypto_fail(err, errlen, path);
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
static char *
pem_string(X509 *cert, EVP_PKEY *key)
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

static int
file_write_pem(const char *path, X509 *cert, EVP_PKEY *key, int replace, char *err,
    size_t errlen)
{
	char *pem;
	int r;

	if ((pem = pem_string(cert, key)) == NULL)
		return crypto_fail(err, errlen, "PEM encoding");
	r = file_write(path, pem, key != NULL ? 0600 : 0644, replace, err, errlen);
	if (key != NULL)
		wipe_free_str(pem);
	else
		free(pem);
	return r;
}

static EVP_PKEY *
key_new(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

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
static int
serial_hex(const ASN1_INTEGER *ai, char *out, size_t outlen)
{
	BIGNUM *bn;
	int r;

	if ((bn = ASN1_INTEGER_to_BN(ai, NULL)) == NULL)
		return AUTHD_ERR_MALFORMED;
	r = BN_is_negative(bn) ? AUTHD_ERR_MALFORMED : hex_of(bn, out, outlen);
	BN_free(bn);
	return r;
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
	return crypto_fail(err, errlen, "cannot make a certificate");
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

/* The certificate's SANs in canonical form; AUTHD_ERR_MALFORMED if one has no such form. */
static int
names_of_cert(X509 *x, struct names *nm)
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

/* 0 if x verifies against store alone for purpose, issued directly by its CA. */
static int
chain_check(X509 *x, X509_STORE *store, int purpose, char *err, size_t errlen)
{
	X509_STORE_CTX *sc;
	int r = TLSCA_ERR_UNTRUSTED;

	if ((sc = X509_STORE_CTX_new()) == NULL)
		return AUTHD_ERR_NOMEM;
	if (X509_STORE_CTX_init(sc, store, x, NULL) != 1 ||
	    X509_STORE_CTX_set_purpose(sc, purpose) != 1) {
		r = crypto_fail(err, errlen, "certificate check");
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

static int
key_matches(X509 *x, EVP_PKEY *key, const char *path, char *err, size_t errlen)
{
	if (X509_check_private_key(x, key) == 1)
		return 0;
	ERR_clear_error();
	snprintf(err, errlen, "%s does not match its certificate", path);
	return TLSCA_ERR_MISMATCH;
}

/* Loads ca.crt and ca.key from dir and checks them. */
static int
ca_load(const char *dir, X509 **cert_r, EVP_PKEY **key_r, char *err, size_t errlen)
{
	char cpath[PATH_MAX], kpath[PATH_MAX];
	int r;

	*cert_r = NULL;
	*key_r = NULL;
	if ((r = path_join(cpath, sizeof(cpath), dir, "ca.crt", err, errlen)) != 0 ||
	    (r = path_join(kpath, sizeof(kpath), dir, "ca.key", err, errlen)) != 0 ||
	    (r = pem_load(cpath, cert_r, NULL, err, errlen)) != 0 ||
	    (r = pem_load(kpath, NULL, key_r, err, errlen)) != 0 ||
	    (r = key_matches(*cert_r, *key_r, kpath, err, errlen)) != 0)
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

	if ((r = path_join(cpath, sizeof(cpath), dir, "ca.crt", err, errlen)) != 0 ||
	    (r = path_join(kpath, sizeof(kpath), dir, "ca.key", err, errlen)) != 0)
		return r;
	if ((have_crt = file_exists(cpath, err, errlen)) < 0)
		return have_crt;
	if ((have_key = file_exists(kpath, err, errlen)) < 0)
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
		r = pem_load(kpath, NULL, &key, err, errlen);
	else if ((key = key_new()) == NULL)
		r = crypto_fail(err, errlen, "CA key generation");
	else
		r = file_write_pem(kpath, NULL, key, 0, err, errlen);
	if (r != 0)
		goto out;
	if (RAND_bytes(id, sizeof(id)) != 1) {
		r = crypto_fail(err, errlen, "no randomness");
		goto out;
	}
	snprintf(cn, sizeof(cn), "authd CA %02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1],
	    id[2], id[3], id[4], id[5], id[6], id[7]);
	if ((r = cert_issue(KIND_CA, key, cn, NULL, NULL, key, &cert, err, errlen)) == 0)
		r = file_write_pem(cpath, cert, NULL, 1, err, errlen);
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

	if (names_of_cert(x, &got) != 0 || !names_equal(want, &got) ||
	    X509_cmp_time(X509_get0_notAfter(x), &t) <= 0 || (store = store_of(ca)) == NULL)
		return 0;
	ok = chain_check(x, store, X509_PURPOSE_SSL_SERVER, err, sizeof(err)) == 0;
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

	err_clear(err, errlen);
	if (dir == NULL)
		return AUTHD_ERR_INVALID;
	if ((r = names_parse(names_csv, &want, err, errlen)) != 0 ||
	    (r = dir_make(dir, err, errlen)) != 0 || (r = ca_make(dir, err, errlen)) != 0 ||
	    (r = ca_load(dir, &ca, &cakey, err, errlen)) != 0 ||
	    (r = path_join(cpath, sizeof(cpath), dir, "server.crt", err, errlen)) != 0 ||
	    (r = path_join(kpath, sizeof(kpath), dir, "server.key", err, errlen)) != 0 ||
	    (r = have = file_exists(kpath, err, errlen)) < 0)
		goto out;
	if (!have) {
		if ((key = key_new()) == NULL) {
			r = crypto_fail(err, errlen, "server key generation");
			goto out;
		}
		if ((r = file_write_pem(kpath, NULL, key, 0, err, errlen)) != 0)
			goto out;
	} else if ((r = pem_load(kpath, NULL, &key, err, errlen)) != 0 ||
	    (r = have = file_exists(cpath, err, errlen)) < 0)
		goto out;
	if (have) {
		if ((r = pem_load(cpath, &cert, NULL, err, errlen)) != 0 ||
		    (r = key_matches(cert, key, kpath, err, errlen)) != 0)
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
		r = file_write_pem(cpath, cert, NULL, 1, err, errlen);
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

	err_clear(err, errlen);
	*host_r = NULL;
	if (dir == NULL || tlsca_hostname_valid(hostname) != 0) {
		snprintf(err, errlen, "invalid host name (RFC 1123, lowercase, at most %d"
		    " characters)", TLSCA_NAME_MAX);
		return AUTHD_ERR_INVALID;
	}
	if ((r = ca_load(dir, &ca, &cakey, err, errlen)) != 0)
		goto out;
	if ((key = key_new()) == NULL) {
		r = crypto_fail(err, errlen, "host key generation");
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
	if ((r = serial_hex(X509_get0_serialNumber(cert), h->serial, sizeof(h->serial))) != 0)
		goto out;
	if ((h->ca_pem = pem_string(ca, NULL)) == NULL ||
	    (h->cert_pem = pem_string(cert, NULL)) == NULL ||
	    (h->key_pem = pem_string(NULL, key)) == NULL) {
		r = crypto_fail(err, errlen, "PEM encoding");
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
tlsca_host_write(const struct tlsca_host *host, const char *outdir, char *err, size_t errlen)
{
	static const char *const files[] = { "host.key", "host.crt", "ca.crt" };
	char path[3][PATH_MAX];
	const char *data[3];
	int i, r, done = 0;

	err_clear(err, errlen);
	if (host == NULL || outdir == NULL)
		return AUTHD_ERR_INVALID;
	data[0] = host->key_pem;
	data[1] = host->cert_pem;
	data[2] = host->ca_pem;
	if ((r = dir_make(outdir, err, errlen)) != 0)
		return r;
	for (i = 0; i < 3; i++) {
		if ((r = path_join(path[i], PATH_MAX, outdir, files[i], err, errlen)) != 0 ||
		    (r = file_exists(path[i], err, errlen)) < 0)
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

int
tlsca_issue_host(const char *dir, const char *hostname, const char *outdir,
    char *serial_out, size_t serial_len, char *err, size_t errlen)
{
	struct tlsca_host *h = NULL;
	int r;

	err_clear(err, errlen);
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

/* The host name of a host certificate: its one DNS SAN, equal to its CN if it has one. */
static int
peer_name(X509 *x, char *name, size_t namelen)
{
	X509_NAME *subj = X509_get_subject_name(x);
	unsigned char *cn = NULL;
	struct names nm;
	int i, len, r = TLSCA_ERR_NAME;

	if (names_of_cert(x, &nm) != 0 || nm.n != 1 || strncmp(nm.v[0], "DNS:", 4) != 0 ||
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

	err_clear(err, errlen);
	if (name_r == NULL || namelen == 0 || (serial_r != NULL && serial_len == 0))
		return AUTHD_ERR_INVALID;
	name_r[0] = '\0';
	if (serial_r != NULL)
		serial_r[0] = '\0';
	if (cert == NULL || ca == NULL || namelen < TLSCA_NAME_MAX + 1 ||
	    (serial_r != NULL && serial_len < TLSCA_SERIAL_LEN))
		return AUTHD_ERR_INVALID;
	if ((r = chain_check(cert, ca, X509_PURPOSE_SSL_CLIENT, err, errlen)) != 0)
		return r;
	if (X509_check_ca(cert) != 0) {
		snprintf(err, errlen, "certificate refused: a CA certificate");
		return TLSCA_ERR_UNTRUSTED;
	}
	if (serial_hex(X509_get0_serialNumber(cert), serial, sizeof(serial)) != 0) {
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

	err_clear(err, errlen);
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
	if ((r = pem_load(ca_file, &ca, NULL, err, errlen)) != 0)
		return r;
	if ((ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca) != 1 ||
	    SSL_CTX_set_purpose(ctx, server ? X509_PURPOSE_SSL_CLIENT :
	    X509_PURPOSE_SSL_SERVER) != 1 ||
	    (server && SSL_CTX_add_client_CA(ctx, ca) != 1)) {
		SSL_CTX_free(ctx);
		X509_free(ca);
		return crypto_fail(err, errlen, "TLS context");
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

	if ((r = pem_load(cert_file, &cert, NULL, err, errlen)) == 0 &&
	    (r = pem_load(key_file, NULL, &key, err, errlen)) == 0 &&
	    (r = key_matches(cert, key, key_file, err, errlen)) == 0 &&
	    (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1))
		r = crypto_fail(err, errlen, "TLS context: certificate");
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

	err_clear(err, errlen);
	if (ctx_r == NULL)
		return AUTHD_ERR_INVALID;
	*ctx_r = NULL;
	if (dir == NULL)
		return AUTHD_ERR_INVALID;
	if ((r = path_join(ca, sizeof(ca), dir, "ca.crt", err, errlen)) != 0 ||
	    (r = path_join(cert, sizeof(cert), dir, "server.crt", err, errlen)) != 0 ||
	    (r = path_join(key, sizeof(key), dir, "server.key", err, errlen)) != 0 ||
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

	err_clear(err, errlen);
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
