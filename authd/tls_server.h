/*
 * authd/tls_server.h: the mutual TLS 1.3 front-end for remote hosts (issue 8).
 * The same line protocol as the PAM socket; a host is whoever its
 * certificate (issued by authd's own CA, authd/tlsca.h) names, never what it
 * claims, and a revoked host is refused at the handshake and cut off at once.
 * A client without a certificate is remote authadm: the admin protocol only.
 */
#ifndef AUTHD_TLS_SERVER_H
#define AUTHD_TLS_SERVER_H

#include <stddef.h>

struct server;
struct conn;
struct tlssrv;

int	tlssrv_start(struct server *srv, struct tlssrv **ts_r, char *err, size_t errlen);
void	tlssrv_free(struct tlssrv **tsp);
/*
 * After the handshake: set c->tls_host from the certificate, or make c an
 * admin connection when there is none; -1 to refuse.
 */
int	tlssrv_identify(struct tlssrv *ts, struct conn *c);
/* Before closing an established connection: send TLS close_notify (best effort). */
void	tlssrv_shutdown(struct conn *c);

#endif
