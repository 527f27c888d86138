/*
 * authd/scope.h: who may administer and read what (R1, R2, R15, R17).
 *
 * R1: a sysadmin of unit U manages the ordinary users of U and the units and
 * sysadmins directly below U: nothing above, beside or deeper. The root unit
 * has no level above it, so its sysadmins may also manage the other
 * sysadmins of the root (never themselves; granting sysadmin is held by the
 * two-person rule). One exception, for incident response (R12, R25): the bulk
 * freeze of what an account created reaches every unit below the actor's,
 * never its peers. R2: leader, responsible and auditor read their unit and
 * everything below. R15: a custodian runs the keys of its unit.
 * Every function answers 1 (allowed) or 0; a store error counts as 0.
 */
#ifndef AUTHD_SCOPE_H
#define AUTHD_SCOPE_H

#include <stdint.h>

#include "store.h"

/* 1 if unit is ancestor or a descendant of ancestor (or the same unit). */
int	scope_in_subtree(struct store *st, int64_t ancestor, int64_t unit);
/* Would a user of unit_id with these roles be managed by actor? */
int	scope_manages(struct store *st, const struct store_user *actor, int64_t unit_id,
	    const char *roles, int64_t target_id);
int	scope_manages_user(struct store *st, const struct store_user *actor,
	    const struct store_user *target);
int	scope_reads_user(struct store *st, const struct store_user *actor,
	    const struct store_user *target);
/* unit add/set: the unit hangs directly below the actor's unit. */
int	scope_manages_unit(const struct store_user *actor, int64_t unit_parent_id);
int	scope_reads_unit(struct store *st, const struct store_user *actor,
	    const struct store_unit *unit);
/* Keys of unit_id (0 = not yet assigned to a unit). */
int	scope_keys(struct store *st, const struct store_user *actor, int64_t unit_id);
/* The actor's unit is the root of the tree. */
int	scope_is_root(struct store *st, const struct store_user *actor);

/*
 * R2, R20: may actor read an audit record by ractor on rtarget? Records by or on
 * an account, unit or key in its scope, its own, and — for the root — those on
 * names nobody holds. sees_all: scope_sees_all_records(), computed once per listing.
 */
int	scope_sees_all_records(struct store *st, const struct store_user *actor);
int	scope_reads_record(struct store *st, const struct store_user *actor, int sees_all,
	    const char *ractor, const char *rtarget);

#endif
