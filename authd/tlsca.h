/*
 * authd/tlsca.h: authd's own small certificate authority for mutual TLS 1.3
 * with remote hosts (issue 8; INTERFACE.md tls_listen, tls_names, host add).
 *
 * Files in the state directory (made by tlsca_init when missing):
 *   ca.key      CA private key, PEM PKCS#8, mode 0600
 *   ca.crt      self-signed CA: CN "authd CA <16 hex>", basicConstraints
 *               CA:TRUE pathlen:0 (critical), keyUsage keyCertSign+cRLSign
 *               (critical), 10 years
 *   server.key  server private key, mode 0600
 *   server.crt  issued by the CA: subjectAltName = tls_names (DNS names,
 *               IPv4, IPv6), extendedKeyUsage serverAuth, 2 years
 * A host certificate: CN = host name (when it fits CN's 64 characters),
 * subjectAltName DNS:<host name>, extendedKeyUsage clientAuth, 1 year, a
 * random 128-bit serial. The SAN is the host's identity; a CN, when present,
 * must equal it.
 *
 * Keys are ECDSA P-256 with SHA-256 signatures: the one certificate signature
 * algorithm every TLS 1.3 implementation must support (RFC 8446 §9.1), FIPS
 * approved, and what hardware keys and other stacks (Go, Java, NSS, older
 * OpenSSL) accept, whereas Ed25519 certificates are still refused by some.
 *
 * Serials are written as lowercase hex, two digits per octet as BN_bn2hex
 * gives them (so a leading "0" when the first octet is below 0x10; a serial
 * made here is always 32 digits): the form to store and to compare.
 *
 * No global state. Errors: 0, a negative AUTHD_ERR_* (common/err.h) or a
 * TLSCA_ERR_* below; tlsca_strerror() names both. Functions taking err/errlen
 * clear it first and write a one-line message there (never a secret) on failure.
 */
#ifndef AUTHD_TLSCA_H
#define AUTHD_TLSCA_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#define TLSCA_NAME_MAX		253	/* a host name, RFC 1123 */
#define TLSCA_SERIAL_LEN	41	/* hex of a serial of up to 20 octets + NUL */
#define TLSCA_NAMES_MAX		32	/* entries in tls_names */

enum tlsca_err {
	TLSCA_ERR_UNTRUSTED = -201,	/* the certificate does not verify against the CA */
	TLSCA_ERR_REVOKED = -202,	/* the daemon says the serial is revoked */
	TLSCA_ERR_NAME = -203,		/* no valid host name in the certificate */
	TLSCA_ERR_EXISTS = -204,	/* an output file exists: not overwritten */
	TLSCA_ERR_MISMATCH = -205,	/* a key does not match its certificate */
	TLSCA_ERR_CRYPTO = -206,	/* an OpenSSL call failed */
};

const char	*tlsca_strerror(int r);

/*
 * 0 if name is a host name authd accepts for a host: RFC 1123 labels of 1-63
 * characters [a-z0-9-], no label starting or ending with '-', at most 253
 * characters, no trailing dot, lowercase only (the name goes to policy and the
 * audit log as is), last label not all digits (not an IPv4 address);
 * AUTHD_ERR_INVALID otherwise.
 */
int	tlsca_hostname_valid(const char *name);

/*
 * Makes what is missing in dir (created 0700 if absent) and checks what is
 * there. names_csv: tls_names, comma-separated (blanks around entries
 * allowed), each an IPv4/IPv6 address or a host name as above; at most
 * TLSCA_NAMES_MAX, no duplicates.
 * - ca.key and ca.crt absent: a new CA. ca.key without ca.crt (a crash while
 *   creating): a new CA certificate for that key. ca.crt without ca.key:
 *   refused (host certificates would be orphaned; remove ca.crt deliberately).
 * - server.key absent: a new key (and certificate). server.crt absent, naming
 *   other than names_csv, not verifying against ca.crt, or expiring within 30
 *   days: re-issued (written atomically, same key).
 * - Key files must be regular files of mode 0600 (no group/other bits) and
 *   match their certificates (TLSCA_ERR_MISMATCH), else refused.
 */
int	tlsca_init(const char *dir, const char *names_csv, char *err, size_t errlen);

/*
 * A host's credentials, issued in memory, for the daemon to hand to authadm.
 * Owned by the caller: tlsca_host_free() wipes key_pem and frees it all.
 */
struct tlsca_host {
	char	 name[TLSCA_NAME_MAX + 1];
	char	 serial[TLSCA_SERIAL_LEN];	/* hex, as above */
	int64_t	 not_after;			/* the certificate's end, epoch seconds */
	char	*ca_pem;			/* ca.crt */
	char	*cert_pem;			/* host.crt */
	char	*key_pem;			/* host.key: secret */
};

/* Issues a key and certificate for hostname with the CA in dir (tlsca_init first). */
int	tlsca_host_issue(const char *dir, const char *hostname, struct tlsca_host **host_r,
	    char *err, size_t errlen);
/*
 * Writes outdir/ca.crt (0644), outdir/host.crt (0644), outdir/host.key (0600);
 * outdir is created 0700 if absent. Refuses (TLSCA_ERR_EXISTS) when any of the
 * three exists, and leaves no partial set behind on failure.
 */
int	tlsca_host_write(const struct tlsca_host *host, const char *outdir, char *err,
	    size_t errlen);
/* NULL-safe; NULLs *hostp. */
void	tlsca_host_free(struct tlsca_host **hostp);

/*
 * tlsca_host_issue + tlsca_host_write. serial_out (serial_len >=
 * TLSCA_SERIAL_LEN) receives the serial, to be stored for revocation.
 */
int	tlsca_issue_host(const char *dir, const char *hostname, const char *outdir,
	    char *serial_out, size_t serial_len, char *err, size_t errlen);

/*
 * Revocation is the daemon's: this callback answers for one serial (hex as
 * above) with 0 (good), 1 (revoked) or a negative code (lookup failed: treated
 * as revoked, fail closed). NULL: nothing is revoked.
 */
typedef int	(*tlsca_revoked_fn)(const char *serial, void *arg);

/*
 * Checks a peer's certificate: it verifies against the trust store ca (the CA
 * certificate alone: no intermediates are accepted) for TLS client use
 * (extendedKeyUsage clientAuth; so authd's server certificate is refused), is
 * not a CA, carries exactly one DNS subjectAltName that is a valid host name
 * (and a CN equal to it, if any), and revoked() does not revoke its serial.
 * On success, name_r (namelen >= TLSCA_NAME_MAX + 1) holds the host name; on
 * success and on TLSCA_ERR_REVOKED, serial_r (NULL allowed; else serial_len >=
 * TLSCA_SERIAL_LEN) holds the serial. Both are cleared first. The certificate
 * and store are borrowed.
 */
int	tlsca_verify_peer(X509 *cert, X509_STORE *ca, tlsca_revoked_fn revoked, void *arg,
	    char *name_r, size_t namelen, char *serial_r, size_t serial_len, char *err,
	    size_t errlen);

/*
 * After a server-side handshake has completed: the same check on the peer of
 * ssl against its SSL_CTX's trust store (the ca.crt loaded by
 * tlsca_ssl_ctx_server). The daemon calls it before reading a byte from the
 * connection, and again with the stored serial (through its own revocation
 * lookup) on "host revoke" to cut open connections.
 */
int	tlsca_ssl_peer(SSL *ssl, tlsca_revoked_fn revoked, void *arg, char *name_r,
	    size_t namelen, char *serial_r, size_t serial_len, char *err, size_t errlen);

/*
 * A server SSL_CTX from dir's ca.crt, server.crt, server.key: TLS 1.3 only;
 * a peer's certificate is asked for and, when presented, must verify against
 * ca.crt alone (SSL_VERIFY_PEER, depth 0: issued directly by the CA) or the
 * handshake fails. A peer without a certificate completes the handshake: it is
 * no host (tlsca_ssl_peer() refuses it) and the daemon serves it the admin
 * protocol only (remote authadm: password and OTP). No session tickets or
 * session cache, so every connection is fully authenticated and
 * tlsca_ssl_peer() always sees the certificate. *ctx_r is the caller's
 * (SSL_CTX_free). Revocation is not checked here: call tlsca_ssl_peer() after
 * the handshake.
 */
int	tlsca_ssl_ctx_server(const char *dir, SSL_CTX **ctx_r, char *err, size_t errlen);

/*
 * A client SSL_CTX (the PAM module of a host; remote authadm): TLS 1.3 only;
 * verifies the server's certificate against ca_file alone (no system roots),
 * for TLS server use. cert_file and key_file (mode 0600) are the client's
 * certificate and key, both or neither (NULL: no client certificate).
 * The server's name is NOT checked by the context: for each connection the
 * caller must call SSL_set1_host(ssl, host) before SSL_connect, host being the
 * name or address (IPv4, IPv6) from server=tls://HOST:PORT; the handshake then
 * fails on a mismatch (X509_V_ERR_HOSTNAME_MISMATCH). SNI
 * (SSL_set_tlsext_host_name, for a name, never an address) is optional: authd
 * has one certificate. *ctx_r is the caller's (SSL_CTX_free).
 */
int	tlsca_ssl_ctx_client(const char *ca_file, const char *cert_file, const char *key_file,
	    SSL_CTX **ctx_r, char *err, size_t errlen);

#endif
