/*
 * admin/client_tls.c: connect authadm to a remote authd over TLS 1.3
 * (client_tls.h). Each wait (connect, every handshake round) is bounded by
 * the caller's deadline; the socket stays non-blocking for client.c's reads
 * and writes.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "client.h"
#include "client_tls.h"
#include "err.h"

int
client_tls_parse(const char *url, char *host, size_t hostlen, char *port, size_t portlen,
    char *err, size_t errlen)
{
	const char *h, *end, *p;
	size_t n;

	if (strncmp(url, CLIENT_TLS_PREFIX, strlen(CLIENT_TLS_PREFIX)) != 0)
		goto bad;
	h = url + strlen(CLIENT_TLS_PREFIX);
	if (h[0] == '[') {
		if ((end = strchr(h, ']')) == NULL || end[1] != ':')
			goto bad;
		h++;
		p = end + 2;
	} else {
		if ((end = strrchr(h, ':')) == NULL || memchr(h, ':', (size_t)(end - h)) != NULL)
			goto bad;
		p = end + 1;
	}
	n = (size_t)(end - h);
	if (n == 0 || n > CLIENT_TLS_HOST_MAX || n >= hostlen)
		goto bad;
	if (strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") < n)
		goto bad;
	if (p[0] == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5 ||
	    strlen(p) >= portlen || atoi(p) < 1 || atoi(p) > 65535)
		goto bad;
	memcpy(host, h, n);
	host[n] = '\0';
	snprintf(port, portlen, "%s", p);
	return 0;
 bad:
	snprintf(err, errlen, "'%s' is not tls://HOST:PORT (an IPv6 address in brackets)", url);
	return -1;
}

/* A non-blocking TCP connection to host:port, trying each address until deadline. */
static int
tls_tcp(const char *host, const char *port, long long deadline, int *fd_r, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	socklen_t elen;
	int fd = -1, e, r, soerr = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(e));
		return AUTHD_ERR_IO;
	}
	r = AUTHD_ERR_IO;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol)) == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			if ((r = client_wait(fd, POLLOUT, deadline)) == 0) {
				elen = sizeof(soerr);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) == 0 &&
				    soerr == 0)
					break;
				errno = soerr;
				r = AUTHD_ERR_IO;
			}
		}
		snprintf(err, errlen, "cannot connect to %s port %s: %s", host, port,
		    r == AUTHD_ERR_TIMEOUT ? "timed out" : strerror(errno));
		close(fd);
		fd = -1;
		if (r == AUTHD_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return r;
	*fd_r = fd;
	return 0;
}

/* What OpenSSL says went wrong, with the certificate check by name when that failed. */
static void
tls_error(SSL *ssl, const char *host, char *err, size_t errlen)
{
	unsigned long e = ERR_peek_last_error();
	long v = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
	char buf[256];

	if (v != X509_V_OK)
		snprintf(err, errlen, "TLS with %s failed: server certificate: %s", host,
		    X509_verify_cert_error_string(v));
	else if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "TLS with %s failed: %s", host, buf);
	} else
		snprintf(err, errlen, "TLS with %s failed: the connection was closed", host);
	ERR_clear_error();
}

static SSL_CTX *
tls_ctx(const char *ca_file, char *err, size_t errlen)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) != 1) {
		SSL_CTX_free(ctx);
		snprintf(err, errlen, "cannot make a TLS context");
		ERR_clear_error();
		return NULL;
	}
	/* authd's CA is the only trust anchor: no system roots */
	if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
		snprintf(err, errlen, "cannot read the CA certificate %s", ca_file);
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/*
	 * Depth 1 rather than 0: authd's CA (pathLen 0) issues no intermediates, so
	 * nothing more is accepted, and a wrong CA file is named as such ("self-signed
	 * certificate in certificate chain") instead of "certificate chain too long".
	 */
	SSL_CTX_set_verify_depth(ctx, 1);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
	return ctx;
}

int
client_tls_open(const char *url, const char *ca_file, long long deadline_ms, int *fd_r,
    SSL **ssl_r, char *err, size_t errlen)
{
	char host[CLIENT_TLS_HOST_MAX + 1], port[8];
	unsigned char addr[16];
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	sigset_t pipe_old;
	int fd = -1, r, n, e, isaddr;

	*fd_r = -1;
	*ssl_r = NULL;
	if (client_tls_parse(url, host, sizeof(host), port, sizeof(port), err, errlen) != 0)
		return AUTHD_ERR_INVALID;
	if (ca_file == NULL || ca_file[0] == '\0') {
		snprintf(err, errlen, "%s needs --ca FILE (authd's ca.crt)", url);
		return AUTHD_ERR_INVALID;
	}
	if ((ctx = tls_ctx(ca_file, err, errlen)) == NULL)
		return AUTHD_ERR_INVALID;
	if ((r = tls_tcp(host, port, deadline_ms, &fd, err, errlen)) != 0)
		goto fail;
	isaddr = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
	r = AUTHD_ERR_IO;
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_set1_host(ssl, host) != 1 ||
	    (!isaddr && SSL_set_tlsext_host_name(ssl, host) != 1)) {
		tls_error(NULL, host, err, errlen);
		goto fail;
	}
	for (;;) {
		if (nopipe_begin(&pipe_old) != 0) {
			snprintf(err, errlen, "cannot block SIGPIPE");
			goto fail;
		}
		n = SSL_connect(ssl);
		e = n == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, n);
		nopipe_end(&pipe_old);
		if (n == 1)
			break;
		switch (e) {
		case SSL_ERROR_WANT_READ:
			r = client_wait(fd, POLLIN, deadline_ms);
			break;
		case SSL_ERROR_WANT_WRITE:
			r = client_wait(fd, POLLOUT, deadline_ms);
			break;
		default:
			tls_error(ssl, host, err, errlen);
			r = AUTHD_ERR_IO;
			goto fail;
		}
		if (r != 0) {
			snprintf(err, errlen, "TLS with %s: %s", host,
			    r == AUTHD_ERR_TIMEOUT ? "no answer in time" : "connection failed");
			goto fail;
		}
	}
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	*fd_r = fd;
	*ssl_r = ssl;
	return 0;
 fail:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd != -1)
		close(fd);
	return r;
}
