/*
 * tests/unit/test_tlsca.c: authd/tlsca.c, the CA, host certificates and the
 * TLS 1.3 contexts (TAP). Everything happens in a private temporary directory;
 * handshakes run in memory over BIO pairs (no sockets, no clock tricks).
 */
#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "tlsca.h"
#include "tap.h"

#define NAMES	"host1.example,localhost,127.0.0.1,::1"

static char top[64];
static char err[512];

static const char *
p(const char *rel)
{
	static char buf[8][512];
	static int n;

	n = (n + 1) % 8;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", top, rel);
	return buf[n];
}

static int
mode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

/* The file's bytes as a string (malloc'd), NULL if unreadable. */
static char *
slurp(const char *path)
{
	char *s = NULL;
	long len;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (s = calloc(1, (size_t)len + 1)) != NULL && fread(s, 1, (size_t)len, f) != (size_t)len) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

static int
same_file(const char *a, const char *b)
{
	char *x = slurp(a), *y = slurp(b);
	int same = x != NULL && y != NULL && strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}

static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char *s = slurp(from);
	FILE *f;
	int r = -1;

	if (s != NULL && (f = fopen(to, "w")) != NULL) {
		r = fputs(s, f) >= 0 ? 0 : -1;
		if (fclose(f) != 0)
			r = -1;
		if (chmod(to, mode) != 0)
			r = -1;
	}
	free(s);
	return r;
}

static X509 *
cert_load(const char *path)
{
	X509 *x = NULL;
	FILE *f;

	if ((f = fopen(path, "r")) != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

static X509_STORE *
store_load(const char *path)
{
	X509_STORE *st = X509_STORE_new();
	X509 *x = cert_load(path);

	if (st != NULL && x != NULL)
		X509_STORE_add_cert(st, x);
	X509_free(x);
	return st;
}

/* The certificate's SANs as "DNS:a,IP:b" in certificate order. */
static void
sans(X509 *x, char *out, size_t len)
{
	GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char one[300];
	int i;

	out[0] = '\0';
	for (i = 0; g != NULL && i < sk_GENERAL_NAME_num(g); i++) {
		GENERAL_NAME *n = sk_GENERAL_NAME_value(g, i);
		ASN1_OCTET_STRING *ip = n->d.iPAddress;

		if (n->type == GEN_DNS)
			snprintf(one, sizeof(one), "DNS:%s",
			    (const char *)ASN1_STRING_get0_data(n->d.dNSName));
		else if (n->type == GEN_IPADD && ip->length == 4)
			snprintf(one, sizeof(one), "IP:%d.%d.%d.%d", ip->data[0], ip->data[1],
			    ip->data[2], ip->data[3]);
		else
			snprintf(one, sizeof(one), "IP6:%d", ip->length);
		if (*out != '\0')
			strncat(out, ",", len - strlen(out) - 1);
		strncat(out, one, len - strlen(out) - 1);
	}
	GENERAL_NAMES_free(g);
}

static int
has_eku(X509 *x, int nid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	int i, found = 0;

	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
		if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == nid)
			found = 1;
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

static void
cn_of(X509 *x, char *out, size_t len)
{
	out[0] = '\0';
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, out, (int)len);
}

/* Days from now to the certificate's notAfter. */
static int
days_left(X509 *x)
{
	int days = 0, secs = 0;

	ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x));
	return days;
}

static int
revoke_some(const char *serial, void *arg)
{
	return strcmp(serial, (const char *)arg) == 0 ? 1 : 0;
}

static int
revoke_fail(const char *serial, void *arg)
{
	(void)serial;
	(void)arg;
	return -1;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
t_hostnames(void)
{
	static const char *good[] = { "a", "web1", "web1.example", "a-b.c-d.example",
	    "xn--bcher-kva.example", "1host.example", "10.0.0.1a", NULL };
	static const char *bad[] = { "", "-a", "a-", "a..b", "a.", ".a", "A.example",
	    "web_1", "a b", "a/b", "1.2.3.4", "host.123", "h\xc3\xa9.example", "*.example", NULL };
	char label[80], longname[300];
	int i;

	for (i = 0; good[i] != NULL; i++)
		is_int(tlsca_hostname_valid(good[i]), 0, "host name \"%s\" accepted", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		is_int(tlsca_hostname_valid(bad[i]), AUTHD_ERR_INVALID, "host name \"%s\" refused",
		    bad[i]);
	is_int(tlsca_hostname_valid(NULL), AUTHD_ERR_INVALID, "NULL host name refused");
	memset(label, 'a', 63);
	label[63] = '\0';
	is_int(tlsca_hostname_valid(label), 0, "63-character label accepted");
	strcat(label, "a");
	is_int(tlsca_hostname_valid(label), AUTHD_ERR_INVALID, "64-character label refused");
	/* 4 labels of 63 + 3 dots = 255; cut to 253 and 254 */
	snprintf(longname, sizeof(longname), "%.63s.%.63s.%.63s.%.63s", label, label, label,
	    label);
	longname[253] = '\0';
	is_int(tlsca_hostname_valid(longname), 0, "253-character name accepted");
	longname[252] = 'b';
	longname[253] = 'c';
	longname[254] = '\0';
	is_int(tlsca_hostname_valid(longname), AUTHD_ERR_INVALID, "254-character name refused");
}

static void
t_init(void)
{
	X509 *ca, *srv;
	char buf[512];
	int r;

	r = tlsca_init(p("state"), NAMES, err, sizeof(err));
	is_int(r, 0, "init in a fresh directory (%s)", err);
	is_int(mode_of(p("state")), 0700, "state directory made 0700");
	is_int(mode_of(p("state/ca.key")), 0600, "ca.key is 0600");
	is_int(mode_of(p("state/server.key")), 0600, "server.key is 0600");
	is_int(mode_of(p("state/ca.crt")), 0644, "ca.crt is 0644");
	is_int(mode_of(p("state/server.crt")), 0644, "server.crt is 0644");

	ca = cert_load(p("state/ca.crt"));
	ok(ca != NULL, "ca.crt is a PEM certificate");
	if (ca == NULL)
		return;
	is_int(X509_check_ca(ca), 1, "ca.crt is a CA");
	ok(X509_EXTENSION_get_critical(X509_get_ext(ca, X509_get_ext_by_NID(ca,
	    NID_basic_constraints, -1))), "basicConstraints is critical");
	ok(X509_EXTENSION_get_critical(X509_get_ext(ca, X509_get_ext_by_NID(ca,
	    NID_key_usage, -1))), "keyUsage is critical");
	is_int(X509_get_key_usage(ca), KU_KEY_CERT_SIGN | KU_CRL_SIGN,
	    "keyUsage is keyCertSign + cRLSign");
	is_int(X509_self_signed(ca, 1), 1, "ca.crt is self-signed");
	cn_of(ca, buf, sizeof(buf));
	like(buf, "authd CA ", "CA subject CN \"authd CA <id>\"");
	is_int(strlen(buf), strlen("authd CA ") + 16, "the CA's id is 16 hex digits");
	ok(days_left(ca) >= 3649 && days_left(ca) <= 3650, "CA valid 10 years (%d days)",
	    days_left(ca));

	srv = cert_load(p("state/server.crt"));
	ok(srv != NULL, "server.crt is a PEM certificate");
	if (srv != NULL) {
		sans(srv, buf, sizeof(buf));
		is_str(buf, "DNS:host1.example,DNS:localhost,IP:127.0.0.1,IP6:16",
		    "server SANs from tls_names");
		ok(has_eku(srv, NID_server_auth) && !has_eku(srv, NID_client_auth),
		    "server certificate: extendedKeyUsage serverAuth only");
		is_int(X509_check_ca(srv), 0, "server certificate is not a CA");
		ok(days_left(srv) >= 729 && days_left(srv) <= 730, "server valid 2 years");
		cn_of(srv, buf, sizeof(buf));
		is_str(buf, "host1.example", "server CN is the first DNS name");
		ok(X509_check_issued(ca, srv) == X509_V_OK, "server certificate issued by the CA");
		X509_free(srv);
	}
	X509_free(ca);
}

static void
t_idempotent(void)
{
	X509 *srv;
	char buf[512];

	copy_file(p("state/ca.crt"), p("ca.crt.0"), 0644);
	copy_file(p("state/ca.key"), p("ca.key.0"), 0600);
	copy_file(p("state/server.crt"), p("server.crt.0"), 0644);
	copy_file(p("state/server.key"), p("server.key.0"), 0600);

	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), 0, "init again (%s)", err);
	ok(same_file(p("state/ca.crt"), p("ca.crt.0")) &&
	    same_file(p("state/ca.key"), p("ca.key.0")), "CA kept");
	ok(same_file(p("state/server.crt"), p("server.crt.0")) &&
	    same_file(p("state/server.key"), p("server.key.0")), "server certificate kept");
	is_int(tlsca_init(p("state"), " ::1 , 127.0.0.1,localhost,\thost1.example ", err,
	    sizeof(err)), 0, "init with the same names in another order, with blanks");
	is_int(tlsca_init(p("state"), "host1.example,localhost,127.0.0.1,0:0::1", err,
	    sizeof(err)), 0, "init with ::1 written otherwise");
	ok(same_file(p("state/server.crt"), p("server.crt.0")), "same set of names: not re-issued");

	is_int(tlsca_init(p("state"), NAMES ",authd.example,10.1.2.3", err, sizeof(err)), 0,
	    "init with two more names");
	ok(!same_file(p("state/server.crt"), p("server.crt.0")), "server certificate re-issued");
	ok(same_file(p("state/server.key"), p("server.key.0")), "server key kept");
	ok(same_file(p("state/ca.crt"), p("ca.crt.0")), "CA untouched by the re-issue");
	is_int(mode_of(p("state/server.crt.tmp")), -1, "no temporary file left");
	if ((srv = cert_load(p("state/server.crt"))) != NULL) {
		sans(srv, buf, sizeof(buf));
		is_str(buf, "DNS:host1.example,DNS:localhost,IP:127.0.0.1,IP6:16,"
		    "DNS:authd.example,IP:10.1.2.3", "re-issued certificate has the new names");
		X509_free(srv);
	}
	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), 0, "back to the first names");
	copy_file(p("state/server.crt"), p("server.crt.0"), 0644);
}

static void
t_init_refusals(void)
{
	static const char *bad[] = { "", "a,,b", "host1.example,", "bad_name", "Host1.example",
	    "a.example,a.example", "::1,0::1", "256.1.1.1", NULL };
	int i;

	for (i = 0; bad[i] != NULL; i++) {
		err[0] = '\0';
		is_int(tlsca_init(p("state"), bad[i], err, sizeof(err)), AUTHD_ERR_INVALID,
		    "tls_names \"%s\" refused", bad[i]);
		like(err, "tls_names", "  with a message (%s)", err);
	}
	is_int(tlsca_init(p("state"), NULL, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "NULL tls_names refused");
	ok(same_file(p("state/server.crt"), p("server.crt.0")), "refusals changed nothing");

	chmod(p("state/ca.key"), 0640);
	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "ca.key of mode 0640 refused");
	like(err, "0600", "  the message names the mode (%s)", err);
	chmod(p("state/ca.key"), 0600);
	chmod(p("state/server.key"), 0604);
	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "server.key of mode 0604 refused");
	chmod(p("state/server.key"), 0600);

	/* another directory's key in place of server.key */
	is_int(tlsca_init(p("other"), "other.example", err, sizeof(err)), 0,
	    "a second, independent CA (%s)", err);
	copy_file(p("other/server.key"), p("state/server.key"), 0600);
	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), TLSCA_ERR_MISMATCH,
	    "a server.key not matching server.crt refused");
	like(err, "does not match", "  message (%s)", err);
	copy_file(p("server.key.0"), p("state/server.key"), 0600);
	copy_file(p("other/ca.key"), p("state/ca.key"), 0600);
	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), TLSCA_ERR_MISMATCH,
	    "a ca.key not matching ca.crt refused");
	copy_file(p("ca.key.0"), p("state/ca.key"), 0600);
	is_int(tlsca_init(p("state"), NAMES, err, sizeof(err)), 0, "originals restored: init ok");

	/* ca.crt alone: never a new CA over it */
	mkdir(p("lone"), 0700);
	copy_file(p("state/ca.crt"), p("lone/ca.crt"), 0644);
	is_int(tlsca_init(p("lone"), NAMES, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "ca.crt without ca.key refused");
	is_int(mode_of(p("lone/ca.key")), -1, "  and no new CA key made");
	/* ca.key alone (a crash between the two writes): its certificate is made again */
	mkdir(p("crash"), 0700);
	copy_file(p("state/ca.key"), p("crash/ca.key"), 0600);
	is_int(tlsca_init(p("crash"), NAMES, err, sizeof(err)), 0,
	    "ca.key without ca.crt: CA certificate made for it (%s)", err);
	ok(same_file(p("crash/ca.key"), p("state/ca.key")), "  with the same key");
	/* the server certificate of another CA: re-issued under this one */
	copy_file(p("other/server.crt"), p("crash/server.crt"), 0644);
	copy_file(p("other/server.key"), p("crash/server.key"), 0600);
	is_int(tlsca_init(p("crash"), NAMES, err, sizeof(err)), 0, "server.crt of another CA");
	ok(!same_file(p("crash/server.crt"), p("other/server.crt")), "  is re-issued");
}

static void
t_issue(char *serial, size_t len)
{
	char serial2[TLSCA_SERIAL_LEN], buf[512];
	struct tlsca_host *h = NULL;
	BIGNUM *bn;
	X509 *x;
	size_t i;
	int r;

	r = tlsca_issue_host(p("state"), "web1.example", p("web1"), serial, len, err,
	    sizeof(err));
	is_int(r, 0, "host certificate issued (%s)", err);
	is_int(strlen(serial), 32, "serial is 32 hex digits (%s)", serial);
	for (i = 0; serial[i] != '\0' && strchr("0123456789abcdef", serial[i]) != NULL; i++)
		;
	is_int(i, 32, "serial is lowercase hex");
	is_int(mode_of(p("web1")), 0700, "output directory made 0700");
	is_int(mode_of(p("web1/host.key")), 0600, "host.key is 0600");
	is_int(mode_of(p("web1/host.crt")), 0644, "host.crt is 0644");
	ok(same_file(p("web1/ca.crt"), p("state/ca.crt")), "ca.crt is a copy of the CA");
	if ((x = cert_load(p("web1/host.crt"))) != NULL) {
		cn_of(x, buf, sizeof(buf));
		is_str(buf, "web1.example", "host CN is the host name");
		sans(x, buf, sizeof(buf));
		is_str(buf, "DNS:web1.example", "host SAN is DNS:<name>");
		ok(has_eku(x, NID_client_auth) && !has_eku(x, NID_server_auth),
		    "host certificate: extendedKeyUsage clientAuth only");
		ok(days_left(x) >= 364 && days_left(x) <= 365, "host valid 1 year");
		bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		is_int(BN_num_bits(bn) > 120, 1, "serial has ~128 bits");
		BN_free(bn);
		X509_free(x);
	}

	copy_file(p("web1/host.key"), p("web1.key.0"), 0600);
	r = tlsca_issue_host(p("state"), "web1.example", p("web1"), serial2, sizeof(serial2), err,
	    sizeof(err));
	is_int(r, TLSCA_ERR_EXISTS, "issuing into the same directory refused");
	like(err, "exists", "  message (%s)", err);
	ok(same_file(p("web1/host.key"), p("web1.key.0")), "  host.key not overwritten");
	mkdir(p("partial"), 0700);
	copy_file(p("web1/ca.crt"), p("partial/ca.crt"), 0644);
	is_int(tlsca_issue_host(p("state"), "web2.example", p("partial"), serial2,
	    sizeof(serial2), err, sizeof(err)), TLSCA_ERR_EXISTS, "an existing ca.crt alone");
	is_int(mode_of(p("partial/host.key")), -1, "  leaves no host.key behind");

	is_int(tlsca_issue_host(p("state"), "Web_2", p("web2"), serial2, sizeof(serial2), err,
	    sizeof(err)), AUTHD_ERR_INVALID, "bad host name refused");
	is_int(tlsca_issue_host(p("state"), "-web2.example", p("web2"), serial2,
	    sizeof(serial2), err, sizeof(err)), AUTHD_ERR_INVALID, "host name with a leading '-'");
	is_int(tlsca_issue_host(p("state"), "web2.example", p("web2"), serial2, 8, err,
	    sizeof(err)), AUTHD_ERR_INVALID, "a too small serial buffer refused");
	is_int(mode_of(p("web2")), -1, "  nothing written");
	is_int(tlsca_issue_host(p("nowhere"), "web2.example", p("web2"), serial2,
	    sizeof(serial2), err, sizeof(err)), AUTHD_ERR_IO, "no CA: refused");

	is_int(tlsca_issue_host(p("state"), "web2.example", p("web2"), serial2, sizeof(serial2),
	    err, sizeof(err)), 0, "second host issued");
	ok(strcmp(serial, serial2) != 0, "serials differ");
	is_int(tlsca_issue_host(p("other"), "stranger.example", p("stranger"), serial2,
	    sizeof(serial2), err, sizeof(err)), 0, "a host of the other CA");

	/* long names: no CN (64 at most), the SAN alone names the host */
	memset(buf, 'a', 63);
	buf[63] = '.';
	memset(buf + 64, 'b', 63);
	snprintf(buf + 127, sizeof(buf) - 127, ".example");
	r = tlsca_host_issue(p("state"), buf, &h, err, sizeof(err));
	is_int(r, 0, "a %zu-character host name is issued in memory", strlen(buf));
	ok(h != NULL && strstr(h->key_pem, "BEGIN PRIVATE KEY") != NULL &&
	    strstr(h->cert_pem, "BEGIN CERTIFICATE") != NULL && strcmp(h->name, buf) == 0,
	    "  PEM key and certificate");
	tlsca_host_free(&h);
	ok(h == NULL, "tlsca_host_free NULLs the pointer");
	tlsca_host_free(&h);
}

static void
t_verify(const char *serial)
{
	char name[TLSCA_NAME_MAX + 1], ser[TLSCA_SERIAL_LEN];
	X509_STORE *st = store_load(p("state/ca.crt"));
	X509 *host = cert_load(p("web1/host.crt")), *stranger = cert_load(p("stranger/host.crt"));
	X509 *srv = cert_load(p("state/server.crt")), *ca = cert_load(p("state/ca.crt"));

	is_int(tlsca_verify_peer(host, st, NULL, NULL, name, sizeof(name), ser, sizeof(ser), err,
	    sizeof(err)), 0, "host certificate verifies (%s)", err);
	is_str(name, "web1.example", "  host name from the certificate");
	is_str(ser, serial, "  serial as issued");
	is_int(tlsca_verify_peer(host, st, revoke_some, "00", name, sizeof(name), NULL, 0, err,
	    sizeof(err)), 0, "another serial revoked: still good");
	is_int(tlsca_verify_peer(host, st, revoke_some, (void *)serial, name, sizeof(name), ser,
	    sizeof(ser), err, sizeof(err)), TLSCA_ERR_REVOKED, "its serial revoked: refused");
	is_str(name, "", "  no name given back");
	is_str(ser, serial, "  the serial is, for the log");
	like(err, "revoked", "  message (%s)", err);
	is_int(tlsca_verify_peer(host, st, revoke_fail, NULL, name, sizeof(name), NULL, 0, err,
	    sizeof(err)), TLSCA_ERR_REVOKED, "revocation lookup failing: refused (fail closed)");
	is_int(tlsca_verify_peer(stranger, st, NULL, NULL, name, sizeof(name), NULL, 0, err,
	    sizeof(err)), TLSCA_ERR_UNTRUSTED, "a certificate of another CA refused");
	like(err, "refused", "  message (%s)", err);
	is_str(name, "", "  no name");
	is_int(tlsca_verify_peer(srv, st, NULL, NULL, name, sizeof(name), NULL, 0, err,
	    sizeof(err)), TLSCA_ERR_UNTRUSTED, "the server certificate is no client certificate");
	ok(tlsca_verify_peer(ca, st, NULL, NULL, name, sizeof(name), NULL, 0, err,
	    sizeof(err)) < 0, "the CA certificate is no client certificate");
	is_int(tlsca_verify_peer(host, st, NULL, NULL, name, 10, NULL, 0, err, sizeof(err)),
	    AUTHD_ERR_INVALID, "a too small name buffer refused");
	X509_free(host);
	X509_free(stranger);
	X509_free(srv);
	X509_free(ca);
	X509_STORE_free(st);
}

/* A serial the server's revocation callback revokes (NULL: none). */
static const char *hs_revoked;

/* Why the last handshake failed: "server: <reason>" or "client: <reason>". */
static char hs_err[512];

static int
hs_fail(SSL *s, const char *side)
{
	char reason[256] = "no OpenSSL error";
	long v = SSL_get_verify_result(s);

	if (ERR_peek_error() != 0)
		ERR_error_string_n(ERR_peek_error(), reason, sizeof(reason));
	snprintf(hs_err, sizeof(hs_err), "%s: %s (verify: %s)", side, reason,
	    X509_verify_cert_error_string(v));
	ERR_clear_error();
	return -1;
}

static int
hs_step(SSL *s, int *done, const char *side)
{
	int r, e;

	if (*done)
		return 0;
	if ((r = SSL_do_handshake(s)) == 1) {
		*done = 1;
		return 0;
	}
	e = SSL_get_error(s, r);
	return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 0 : hs_fail(s, side);
}

enum old { OLD_NONE, OLD_CLIENT, OLD_SERVER };

/*
 * A handshake between a server of ctx state/ and a client of the given files
 * over a BIO pair; host (may be NULL) is the name the client expects. 0 if both
 * sides complete and the client's first bytes reach the server; the server's
 * view of the peer in name (empty when refused). old: one side is made to
 * speak TLS 1.2 at most.
 */
static int
handshake(const char *cert, const char *key, const char *host, enum old old, char *name,
    size_t namelen)
{
	SSL_CTX *sctx = NULL, *cctx = NULL;
	SSL *s = NULL, *c = NULL;
	BIO *bs, *bc;
	char buf[16];
	int i, sdone = 0, cdone = 0, r = -1;

	name[0] = '\0';
	snprintf(hs_err, sizeof(hs_err), "setup");
	if (tlsca_ssl_ctx_server(p("state"), &sctx, err, sizeof(err)) != 0 ||
	    tlsca_ssl_ctx_client(p("state/ca.crt"), cert, key, &cctx, err, sizeof(err)) != 0)
		goto out;
	/* a foreign peer speaking TLS 1.2 at most: lower our own context's floor */
	if (old == OLD_CLIENT && (SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION) != 1))
		goto out;
	if (old == OLD_SERVER && (SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION) != 1))
		goto out;
	if ((s = SSL_new(sctx)) == NULL || (c = SSL_new(cctx)) == NULL ||
	    BIO_new_bio_pair(&bs, 0, &bc, 0) != 1)
		goto out;
	SSL_set_bio(s, bs, bs);
	SSL_set_bio(c, bc, bc);
	SSL_set_accept_state(s);
	SSL_set_connect_state(c);
	if (host != NULL && SSL_set1_host(c, host) != 1)
		goto out;
	for (i = 0; i < 50 && !(sdone && cdone); i++)
		if (hs_step(c, &cdone, "client") != 0 || hs_step(s, &sdone, "server") != 0)
			goto out;
	if (!sdone || !cdone || SSL_version(s) != TLS1_3_VERSION) {
		snprintf(hs_err, sizeof(hs_err), "not TLS 1.3, or no end");
		goto out;
	}
	/* in TLS 1.3 the server judges the client's certificate after the client is done */
	if (SSL_write(c, "ping", 4) != 4 || SSL_read(s, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "ping", 4) != 0) {
		snprintf(hs_err, sizeof(hs_err), "no data");
		goto out;
	}
	snprintf(hs_err, sizeof(hs_err), "done");
	r = tlsca_ssl_peer(s, hs_revoked != NULL ? revoke_some : NULL, (void *)hs_revoked, name,
	    namelen, NULL, 0, err, sizeof(err));
 out:
	SSL_free(s);
	SSL_free(c);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	ERR_clear_error();
	return r;
}

static void
t_tls(const char *serial)
{
	char name[TLSCA_NAME_MAX + 1];
	SSL_CTX *ctx = NULL;
	int r;

	r = handshake(p("web1/host.crt"), p("web1/host.key"), "localhost", OLD_NONE, name,
	    sizeof(name));
	is_int(r, 0, "TLS 1.3 handshake with the host certificate (%s)", hs_err);
	is_str(name, "web1.example", "  the server sees the host name");
	hs_revoked = serial;
	is_int(handshake(p("web1/host.crt"), p("web1/host.key"), "localhost", OLD_NONE, name,
	    sizeof(name)), TLSCA_ERR_REVOKED, "the same host, revoked: refused after the handshake");
	is_str(name, "", "  no name");
	hs_revoked = NULL;
	is_int(handshake(p("web1/host.crt"), p("web1/host.key"), "127.0.0.1", OLD_NONE, name,
	    sizeof(name)), 0, "  also when the client expects 127.0.0.1");
	is_int(handshake(p("web1/host.crt"), p("web1/host.key"), "::1", OLD_NONE, name,
	    sizeof(name)), 0, "  and ::1");
	ok(handshake(p("stranger/host.crt"), p("stranger/host.key"), "localhost", OLD_NONE, name,
	    sizeof(name)) != 0, "a certificate of another CA fails");
	like(hs_err, "server: ", "  at the server (%s)", hs_err);
	like(hs_err, "unable to get local issuer", "  for want of its issuer");
	is_str(name, "", "  no name");
	is_int(handshake(NULL, NULL, "localhost", OLD_NONE, name, sizeof(name)),
	    TLSCA_ERR_UNTRUSTED, "no client certificate: the handshake completes (remote authadm), "
	    "but it names no host");
	is_str(hs_err, "done", "  the handshake itself succeeded");
	is_str(name, "", "  no name");
	ok(handshake(p("state/server.crt"), p("state/server.key"), "localhost", OLD_NONE, name,
	    sizeof(name)) != 0, "the server's own certificate as a client's fails");
	like(hs_err, "unsuitable certificate purpose", "  at the server (%s)", hs_err);
	ok(handshake(p("web1/host.crt"), p("web1/host.key"), "wrong.example", OLD_NONE, name,
	    sizeof(name)) != 0, "a server not named as the client expects fails");
	like(hs_err, "client: ", "  at the client (%s)", hs_err);
	like(hs_err, "hostname mismatch", "  on the name");
	ok(handshake(p("web1/host.crt"), p("web1/host.key"), "localhost", OLD_CLIENT, name,
	    sizeof(name)) != 0, "a client limited to TLS 1.2 fails");
	like(hs_err, "server: ", "  at the server (%s)", hs_err);
	like(hs_err, "unsupported protocol", "  on the protocol version");
	ok(handshake(p("web1/host.crt"), p("web1/host.key"), "localhost", OLD_SERVER, name,
	    sizeof(name)) != 0, "a server limited to TLS 1.2 fails");
	like(hs_err, "unsupported protocol", "  the client offers TLS 1.3 alone (%s)", hs_err);

	chmod(p("web1/host.key"), 0644);
	is_int(tlsca_ssl_ctx_client(p("state/ca.crt"), p("web1/host.crt"), p("web1/host.key"),
	    &ctx, err, sizeof(err)), AUTHD_ERR_INVALID, "client key of mode 0644 refused");
	ok(ctx == NULL, "  no context");
	chmod(p("web1/host.key"), 0600);
	is_int(tlsca_ssl_ctx_client(p("state/ca.crt"), p("web1/host.crt"), NULL, &ctx, err,
	    sizeof(err)), AUTHD_ERR_INVALID, "a certificate without its key refused");
	is_int(tlsca_ssl_ctx_client(p("state/ca.crt"), p("web1/host.crt"), p("web2/host.key"),
	    &ctx, err, sizeof(err)), TLSCA_ERR_MISMATCH, "another host's key refused");
	is_int(tlsca_ssl_ctx_server(p("nowhere"), &ctx, err, sizeof(err)), AUTHD_ERR_IO,
	    "server context without a CA fails");
}

int
main(void)
{
	char serial[TLSCA_SERIAL_LEN];

	snprintf(top, sizeof(top), "%s/test_tlsca.XXXXXX",
	    getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 30 ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	t_hostnames();
	t_init();
	t_idempotent();
	t_init_refusals();
	t_issue(serial, sizeof(serial));
	t_verify(serial);
	t_tls(serial);
	is_str(tlsca_strerror(TLSCA_ERR_REVOKED), "certificate revoked", "tlsca_strerror");
	is_str(tlsca_strerror(AUTHD_ERR_IO), "input/output error", "  falls back to authd's");
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
