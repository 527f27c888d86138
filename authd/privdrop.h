/*
 * authd/privdrop.h: DESIGN.md "authd drops privileges after opening its
 * sockets and keeps its state directory 0700".
 */
#ifndef AUTHD_PRIVDROP_H
#define AUTHD_PRIVDROP_H

#include <stddef.h>

struct config;

/*
 * With cfg->user set: make the state directory and what is in it that
 * account's (the database, its WAL, the keys, the CA), then switch to it for
 * good (groups, gid, uid; a way back to root is checked to fail). Call once
 * every socket is listening, every file that needs root is open, and before
 * any thread starts: the listening sockets keep the credentials they were made
 * with (SO_PEERCRED says root to the PAM module and to the RADIUS front-end's
 * socketpair). Without cfg->user: nothing changes. Either way the process is
 * made non-dumpable (no core file or ptrace by the same uid: it holds keys).
 * 0, or -1 with a sentence in err.
 */
int	privdrop(const struct config *cfg, char *err, size_t errlen);
/* Before anything else: with cfg->user, started as root or as that account? 0 or -1. */
int	privdrop_check(const struct config *cfg, char *err, size_t errlen);

#endif
