/* authd/admin_unit.c: unit add/list/set (the org unit tree of R1). */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "scope.h"
#include "server.h"

void
admin_unit_add(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_unit u, parent;
	const char *code, *pcode, *name;
	char msg[256];
	int r;

	if ((code = admin_arg_req(rq, "code")) == NULL)
		return;
	pcode = admin_arg(rq, "parent");
	name = admin_arg(rq, "name");
	if (admin_check_unit_code(code, msg, sizeof(msg)) != 0) {
		conn_fail(rq->c, "invalid", "%s", msg);
		return;
	}
	if (name != NULL && strlen(name) > STORE_TEXT_MAX) {
		conn_fail(rq->c, "invalid", "unit name longer than %d bytes", STORE_TEXT_MAX);
		return;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.code, sizeof(u.code), "%s", code);
	snprintf(u.name, sizeof(u.name), "%s", name ? name : "");
	/* every unit hangs below another: the tree has one root, made by --init */
	snprintf(u.parent, sizeof(u.parent), "%s", pcode && pcode[0] ? pcode : "ROOT");
	u.created_at = rq->now;
	snprintf(u.created_by, sizeof(u.created_by), "%s", rq->actor.name);
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if ((r = store_unit_get(st, u.parent, &parent)) != 0) {
		store_rollback(st);
		snprintf(msg, sizeof(msg), "no such parent unit: %s", u.parent);
		admin_store_fail(rq, r, msg);
		return;
	}
	if ((r = store_unit_add(st, &u)) != 0) {
		store_rollback(st);
		snprintf(msg, sizeof(msg), "unit %s already exists", code);
		admin_store_fail(rq, r, msg);
		return;
	}
	snprintf(msg, sizeof(msg), "parent=%s name=%s", u.parent, u.name);
	if ((r = admin_audit(rq, "unit_add", code, 1, "", msg)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

static int
unit_row(const struct store_unit *u, void *arg)
{
	struct admin_req *rq = arg;
	char at[32];

	if (!scope_reads_unit(rq->srv->st, &rq->actor, u))
		return 0;	/* R1, R2: only what the actor may read */

	snprintf(at, sizeof(at), "%lld", (long long)u->created_at);
	return conn_send(rq->c, "ROW", "code", u->code, "name", u->name, "parent", u->parent,
	    "allow_from", u->allow_from, "created_at", at, NULL);
}

void
admin_unit_list(struct admin_req *rq)
{
	int r;

	if ((r = store_unit_list(rq->srv->st, unit_row, rq)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

void
admin_unit_set(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_unit u;
	const char *code, *name, *allow;
	char msg[512];
	int r;

	if ((code = admin_arg_req(rq, "code")) == NULL)
		return;
	name = admin_arg(rq, "name");
	allow = admin_arg(rq, "allow_from");
	if (name == NULL && allow == NULL) {
		conn_fail(rq->c, "invalid", "nothing to change: give name or allow_from");
		return;
	}
	if (name != NULL && strlen(name) > STORE_TEXT_MAX) {
		conn_fail(rq->c, "invalid", "unit name longer than %d bytes", STORE_TEXT_MAX);
		return;
	}
	if (allow != NULL && admin_check_cidrs(allow, msg, sizeof(msg)) != 0) {
		conn_fail(rq->c, "invalid", "%s", msg);
		return;
	}
	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if ((r = store_unit_get(st, code, &u)) != 0) {
		store_rollback(st);
		snprintf(msg, sizeof(msg), "no such unit: %s", code);
		admin_store_fail(rq, r, msg);
		return;
	}
	if (name != NULL)
		snprintf(u.name, sizeof(u.name), "%s", name);
	if (allow != NULL)
		snprintf(u.allow_from, sizeof(u.allow_from), "%s", allow);
	snprintf(msg, sizeof(msg), "name=%s allow_from=%s", u.name, u.allow_from);
	if ((r = store_unit_set(st, &u)) != 0 ||
	    (r = admin_audit(rq, "unit_set", code, 1, "", msg)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}
