/* authd/scope.c: the tiers of R1 and the reading rights of R2, as pure checks over the unit tree. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "scope.h"

#define SCOPE_MAX_DEPTH	64	/* a unit tree deeper than this is refused as corrupt */

static int
has_role(const struct store_user *u, const char *role)
{
	return admin_has_role(u, role);
}

static int
roles_have(const char *csv, const char *role)
{
	struct store_user tmp;

	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.roles, sizeof(tmp.roles), "%s", csv != NULL ? csv : "");
	return has_role(&tmp, role);
}

int
scope_in_subtree(struct store *st, int64_t ancestor, int64_t unit)
{
	struct store_unit u;
	int depth;

	for (depth = 0; depth < SCOPE_MAX_DEPTH && unit > 0; depth++) {
		if (unit == ancestor)
			return 1;
		if (store_unit_get_id(st, unit, &u) != 0)
			return 0;
		unit = u.parent_id;
	}
	return 0;
}

static int64_t
parent_of(struct store *st, int64_t unit)
{
	struct store_unit u;

	if (store_unit_get_id(st, unit, &u) != 0)
		return -1;
	return u.parent_id;
}

int
scope_is_root(struct store *st, const struct store_user *actor)
{
	return parent_of(st, actor->unit_id) == 0;
}

int
scope_manages(struct store *st, const struct store_user *actor, int64_t unit_id,
    const char *roles, int64_t target_id)
{
	if (!has_role(actor, "sysadmin") || target_id == actor->id)
		return 0;
	if (roles_have(roles, "sysadmin")) {
		if (parent_of(st, unit_id) == actor->unit_id)
			return 1;	/* a sysadmin directly below */
		/* the root has no level above: its sysadmins manage each other */
		return unit_id == actor->unit_id && scope_is_root(st, actor);
	}
	return unit_id == actor->unit_id;	/* an ordinary user of the actor's unit */
}

int
scope_manages_user(struct store *st, const struct store_user *actor,
    const struct store_user *target)
{
	return scope_manages(st, actor, target->unit_id, target->roles, target->id);
}

int
scope_reads_user(struct store *st, const struct store_user *actor,
    const struct store_user *target)
{
	if (target->id == actor->id)
		return 1;
	if (has_role(actor, "leader") || has_role(actor, "responsible") ||
	    has_role(actor, "auditor"))
		return scope_in_subtree(st, actor->unit_id, target->unit_id);
	if (has_role(actor, "custodian") && target->unit_id == actor->unit_id)
		return 1;	/* to issue keys to the unit's people */
	return scope_manages_user(st, actor, target);
}

int
scope_manages_unit(const struct store_user *actor, int64_t unit_parent_id)
{
	return has_role(actor, "sysadmin") && unit_parent_id == actor->unit_id;
}

int
scope_reads_unit(struct store *st, const struct store_user *actor,
    const struct store_unit *unit)
{
	if (unit->id == actor->unit_id)
		return 1;
	if (has_role(actor, "leader") || has_role(actor, "responsible") ||
	    has_role(actor, "auditor"))
		return scope_in_subtree(st, actor->unit_id, unit->id);
	return has_role(actor, "sysadmin") && unit->parent_id == actor->unit_id;
}

int
scope_keys(struct store *st, const struct store_user *actor, int64_t unit_id)
{
	if (!has_role(actor, "sysadmin") && !has_role(actor, "custodian") &&
	    !has_role(actor, "auditor") && !has_role(actor, "leader") &&
	    !has_role(actor, "responsible"))
		return 0;
	/* keys not yet given to a unit are in the central store of the root */
	if (unit_id == 0)
		return scope_is_root(st, actor);
	if (has_role(actor, "auditor") || has_role(actor, "leader") ||
	    has_role(actor, "responsible"))
		return scope_in_subtree(st, actor->unit_id, unit_id);
	return unit_id == actor->unit_id;
}

int
scope_sees_all_records(struct store *st, const struct store_user *actor)
{
	return has_role(actor, "auditor") && scope_is_root(st, actor);
}

int
scope_reads_record(struct store *st, const struct store_user *actor, int sees_all,
    const char *ractor, const char *rtarget)
{
	struct store_user u;
	struct store_unit unit;
	struct store_token t;
	int ok = 0, known = 0;

	if (sees_all || strcmp(ractor, actor->name) == 0)
		return 1;
	if (store_user_get(st, ractor, &u) == 0) {
		known = 1;
		ok = scope_reads_user(st, actor, &u);
		store_user_clear(&u);
	}
	if (!ok && store_user_get(st, rtarget, &u) == 0) {
		known = 1;
		ok = scope_reads_user(st, actor, &u);
		store_user_clear(&u);
	}
	if (!ok && store_unit_get(st, rtarget, &unit) == 0) {
		known = 1;
		ok = scope_reads_unit(st, actor, &unit);
	}
	if (!ok && store_token_get(st, rtarget, &t) == 0) {
		known = 1;
		ok = scope_keys(st, actor, t.unit_id);
		store_token_clear(&t);
	}
	/* attempts on names nobody holds (R18) belong to the top of the tree */
	if (!ok && !known)
		ok = scope_is_root(st, actor);
	return ok;
}
