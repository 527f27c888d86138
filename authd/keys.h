/*
 * authd/keys.h: the master key's life: load (finishing a rotation a crash
 * interrupted), the check value that says whether it fits the database, the
 * audit chain's key sealed under it, rotation (authd --rotate-master-key),
 * and the state directory lock that keeps a rotation and a running authd apart.
 */
#ifndef AUTHD_KEYS_H
#define AUTHD_KEYS_H

#include <stddef.h>

#include "seal.h"

struct store;

/* Lock state_dir/authd.lock (exclusive, non-blocking); -1 with a message when taken. */
int	keys_lock(const char *state_dir, int *fd_r, char *err, size_t errlen);
/* Load the master key that fits st (completing a rotation if needed). */
int	keys_load(const char *state_dir, struct store *st, struct seal_key *key, char *err,
	    size_t errlen);
/* Give st the audit chain's key (sealed in the database) and its anchor file. */
int	keys_audit(const char *state_dir, struct store *st, const struct seal_key *key,
	    char *err, size_t errlen);
/* Re-seal everything under a new master key (R32); authd must not be running. */
int	keys_rotate(const char *state_dir, char *err, size_t errlen);

#endif
