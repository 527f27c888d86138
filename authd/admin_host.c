/*
 * authd/admin_host.c: host add | renew | list | revoke (issue 8). Enrolling
 * issues the host's key and certificate from authd's CA and hands them to
 * authadm (over the admin socket, or TLS for remote authadm), which writes
 * them for the host's administrator; renewing does the same for an enrolled
 * host before its certificate ends, the previous one accepted until the host
 * first shows the new; revoking cuts the host off at once, open connections
 * included. A revoked host may be enrolled again under its name. Every step is
 * audited.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "scope.h"
#include "server.h"
#include "tlsca.h"
#include "wipe.h"

static int64_t
unit_parent(struct store *st, int64_t unit_id)
{
	struct store_unit u;

	return store_unit_get_id(st, unit_id, &u) == 0 ? u.parent_id : -1;
}

/* R1: the hosts of the actor's unit and those directly below; unassigned: the root's. */
static int
host_in_scope(struct admin_req *rq, const struct store_host *h)
{
	struct store *st = rq->srv->st;

	return h->unit_id == rq->actor.unit_id ||
	    (h->unit_id == 0 && scope_is_root(st, &rq->actor)) ||
	    (h->unit_id > 0 && scope_manages_unit(&rq->actor, unit_parent(st, h->unit_id)));
}

/* The enrolled host a request names, within the actor's scope; NULL when refused (FAIL sent). */
static const char *
host_target(struct admin_req *rq, const char *what, struct store_host *h)
{
	const char *name;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return NULL;
	if (store_host_get(rq->srv->st, name, h) != 0) {
		conn_fail(rq->c, "notfound", "no such host: %.64s", name);
		return NULL;
	}
	if (!host_in_scope(rq, h)) {
		conn_fail(rq->c, "denied", "%s: host %s is outside your scope", what, name);
		return NULL;
	}
	return name;
}

/*
 * After host add or renew stored the new certificate in an open transaction
 * (r its result): the audit record, the commit, and then the credentials. The
 * key travels once, to authadm, which writes it into its --out directory.
 * *thp is freed (its key wiped) either way.
 */
static void
host_issued(struct admin_req *rq, struct tlsca_host **thp, const char *action,
    const char *details, int r)
{
	struct store *st = rq->srv->st;
	struct tlsca_host *th = *thp;
	char end[24];

	if (r != 0 || (r = admin_audit(rq, action, th->name, 1, "", details)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
	} else {
		admin_iso8601(th->not_after, end, sizeof(end));
		conn_send(rq->c, "OK", "name", th->name, "serial", th->serial, "expires", end,
		    "ca_pem", th->ca_pem, "cert_pem", th->cert_pem, "key_pem", th->key_pem, NULL);
	}
	tlsca_host_free(thp);
}

void
admin_host_add(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_host h, old;
	struct store_unit unit;
	struct tlsca_host *th = NULL;
	const char *name, *unitcode, *crit;
	char err[256], details[160];
	int r, again;

	if ((name = admin_arg_req(rq, "name")) == NULL)
		return;
	if (rq->srv->tls == NULL) {
		conn_fail(rq->c, "state", "tls_listen is not set: authd serves no remote hosts");
		return;
	}
	if (tlsca_hostname_valid(name) != 0) {
		conn_fail(rq->c, "invalid", "host name \"%.64s\" is invalid: lower-case RFC 1123"
		    " labels, at most 253 characters", name);
		return;
	}
	memset(&h, 0, sizeof(h));
	unitcode = admin_arg(rq, "unit");
	crit = admin_arg(rq, "critical");
	if (unitcode != NULL && unitcode[0] != '\0') {
		if (store_unit_get(st, unitcode, &unit) != 0) {
			conn_fail(rq->c, "notfound", "no such unit: %.40s", unitcode);
			return;
		}
		/* R1: the hosts of the actor's unit or the units directly below */
		if (unit.id != rq->actor.unit_id && unit.parent_id != rq->actor.unit_id) {
			conn_fail(rq->c, "denied", "host add: unit %s is outside your scope", unitcode);
			return;
		}
		h.unit_id = unit.id;
	}
	if ((again = store_host_get(st, name, &old) == 0) && old.revoked_at == 0) {
		conn_fail(rq->c, "exists", "host %s is already enrolled (host renew issues it a"
		    " new certificate)", name);
		return;
	}
	/* a revoked host enrolled again (rebuilt): the caller must also manage its old unit */
	if (again && !host_in_scope(rq, &old)) {
		conn_fail(rq->c, "denied", "host add: host %s (revoked) is outside your scope",
		    name);
		return;
	}
	if ((r = tlsca_host_issue(rq->srv->cfg->state_dir, name, &th, err, sizeof(err))) != 0) {
		conn_fail(rq->c, "internal", "cannot issue the certificate: %s", err);
		return;
	}
	snprintf(h.name, sizeof(h.name), "%s", name);
	h.critical = crit != NULL && strcmp(crit, "1") == 0;
	snprintf(h.serial, sizeof(h.serial), "%s", th->serial);
	h.enrolled_at = rq->now;
	snprintf(h.enrolled_by, sizeof(h.enrolled_by), "%s", rq->actor.name);
	h.expires_at = th->not_after;
	snprintf(details, sizeof(details), "serial=%s unit=%s critical=%d%s", th->serial,
	    unitcode ? unitcode : "", h.critical, again ? " enrolled_again=1" : "");
	if ((r = store_begin(st)) == 0)
		r = store_host_add(st, &h, again);
	host_issued(rq, &th, "host_add", details, r);
}

void
admin_host_renew(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct tlsca_host *th = NULL;
	struct store_host h;
	const char *name;
	char err[256], details[160], end[24];
	int r;

	if ((name = host_target(rq, "host renew", &h)) == NULL)
		return;
	if (h.revoked_at > 0) {
		conn_fail(rq->c, "state", "host %s is revoked: enrol it again with host add", name);
		return;
	}
	if ((r = tlsca_host_issue(rq->srv->cfg->state_dir, name, &th, err, sizeof(err))) != 0) {
		conn_fail(rq->c, "internal", "cannot issue the certificate: %s", err);
		return;
	}
	admin_iso8601(th->not_after, end, sizeof(end));
	/* a renewal not yet installed is replaced: only the certificate in use stays valid */
	snprintf(details, sizeof(details), "serial=%s previous=%s expires=%s", th->serial,
	    h.prev_serial[0] ? h.prev_serial : h.serial, end);
	if ((r = store_begin(st)) == 0)
		r = store_host_renew(st, name, th->serial, th->not_after);
	host_issued(rq, &th, "host_renew", details, r);
}

static int
host_row(const struct store_host *h, void *arg)
{
	struct admin_req *rq = arg;
	char en[24], seen[24], rev[24], exp[24];

	snprintf(en, sizeof(en), "%lld", (long long)h->enrolled_at);
	snprintf(seen, sizeof(seen), "%lld", (long long)h->last_seen);
	snprintf(rev, sizeof(rev), "%lld", (long long)h->revoked_at);
	snprintf(exp, sizeof(exp), "%lld", (long long)h->expires_at);
	return conn_send(rq->c, "ROW", "name", h->name, "unit", h->unit, "critical",
	    h->critical ? "1" : "0", "serial", h->serial, "enrolled_at", en, "last_seen_at",
	    h->last_seen ? seen : "", "expires_at", h->expires_at ? exp : "", "renewing",
	    h->prev_serial[0] ? "1" : "0", "revoked_at", h->revoked_at ? rev : "", NULL);
}

void
admin_host_list(struct admin_req *rq)
{
	int r;

	if ((r = store_host_list(rq->srv->st, host_row, rq)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

void
admin_host_revoke(struct admin_req *rq)
{
	struct store *st = rq->srv->st;
	struct store_host h;
	const char *name;
	char details[64];
	unsigned int cut;
	int r;

	if ((name = host_target(rq, "host revoke", &h)) == NULL)
		return;
	if (h.revoked_at > 0) {
		conn_fail(rq->c, "state", "host %s is already revoked", name);
		return;
	}
	if ((r = store_begin(st)) != 0 || (r = store_host_revoke(st, name, rq->now)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	/* open connections end now, not at their next login */
	cut = server_close_host(rq->srv, name, NULL);
	snprintf(details, sizeof(details), "serial=%s connections_cut=%u", h.serial, cut);
	if ((r = admin_audit(rq, "host_revoke", name, 1, "", details)) != 0 ||
	    (r = store_commit(st)) != 0) {
		store_rollback(st);
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}
