/*
 * admin/client_tls.h: authadm's way to a remote authd (issue 8 item 5:
 * authadm -H tls://HOST:PORT --ca FILE). TLS 1.3 only; the server's
 * certificate must verify against the CA file alone (authd's own CA: no
 * system roots) and name HOST (a DNS name or an IPv4/IPv6 address). No client
 * certificate: authd serves a connection without one the admin protocol only,
 * where the administrator logs in with password and OTP as on the socket.
 */
#ifndef ADMIN_CLIENT_TLS_H
#define ADMIN_CLIENT_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#define CLIENT_TLS_PREFIX	"tls://"
#define CLIENT_TLS_HOST_MAX	253

/*
 * Split "tls://HOST:PORT" ("[v6]:PORT" for IPv6) into host and port (port
 * 1-65535, digits only). 0, or -1 with a sentence in err.
 */
int	client_tls_parse(const char *url, char *host, size_t hostlen, char *port,
	    size_t portlen, char *err, size_t errlen);
/*
 * Resolve, connect (each address in turn) and complete the handshake before
 * deadline_ms (CLOCK_MONOTONIC milliseconds). On success *fd_r is the
 * non-blocking socket and *ssl_r its TLS (SSL_free() then close()). On
 * failure returns AUTHD_ERR_* and one sentence in err (the certificate
 * problem, by name, when that is it).
 */
int	client_tls_open(const char *url, const char *ca_file, long long deadline_ms, int *fd_r,
	    SSL **ssl_r, char *err, size_t errlen);

#endif
