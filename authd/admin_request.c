/*
 * authd/admin_request.c: the two-person rule (R22). Granting sysadmin and
 * setting or resetting a password under the server policy are held as
 * requests; the credentials are shown to the requester at once but work only
 * after another sysadmin of the requester's unit, or its responsible user,
 * approves. Requests expire after request_hours. Everything is audited.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "account.h"
#include "admin.h"
#include "log.h"
#include "num.h"
#include "otp.h"
#include "proto.h"
#include "server.h"
#include "wipe.h"

#define PAYLOAD_MAX	1536

static int
seal_payload(struct server *srv, int64_t id, struct buf *line, const unsigned char *seed,
    size_t seedlen)
{
	unsigned char payload[PAYLOAD_MAX + SEAL_OVERHEAD], sseed[OTP_SEED_MAX + SEAL_OVERHEAD];
	char aad[64];
	size_t plen = 0, slen = 0;
	int r;

	if (buf_len(line) > PAYLOAD_MAX)
		return STORE_ERR_DB;
	seal_aad(aad, sizeof(aad), "requests.payload", id);
	if ((r = seal_encrypt(&srv->key, aad, buf_ptr(line), buf_len(line), payload, &plen)) != 0)
		return STORE_ERR_DB;
	if (seed != NULL) {
		seal_aad(aad, sizeof(aad), "requests.seed", id);
		if (seal_encrypt(&srv->key, aad, seed, seedlen, sseed, &slen) != 0)
			return STORE_ERR_DB;
	}
	r = store_request_set_sealed(srv->st, id, payload, plen, sseed, slen);
	wipe(payload, sizeof(payload));
	wipe(sseed, sizeof(sseed));
	return r;
}

static int
new_request(struct server *srv, const char *actor, const char *kind, const char *target,
    const char *pw_hash, int64_t now, struct store_request *req)
{
	struct store_user a;
	int64_t other;
	int r;

	memset(req, 0, sizeof(*req));
	if ((r = store_request_pending_for(srv->st, target, now, &other)) != 0)
		return r;
	if (other > 0)
		return STORE_ERR_CONFLICT;	/* one pending request per name */
	if ((r = store_user_get(srv->st, actor, &a)) != 0)
		return r;
	snprintf(req->kind, sizeof(req->kind), "%s", kind);
	req->requester_id = a.id;
	snprintf(req->requester, sizeof(req->requester), "%s", actor);
	req->unit_id = a.unit_id;
	snprintf(req->target, sizeof(req->target), "%s", target);
	snprintf(req->pw_hash, sizeof(req->pw_hash), "%s", pw_hash);
	req->created_at = now;
	req->expires_at = now + (int64_t)srv->cfg->request_hours * 3600;
	store_user_clear(&a);
	return store_request_add(srv->st, req);
}

int
admin_request_user_add(struct server *srv, const struct conn *from, struct admin_pending *p,
    const char *pw_hash, int64_t now, int64_t *id_r, char *uri, size_t urilen)
{
	struct store_request req;
	struct buf *line = NULL;
	unsigned char seed[ACCOUNT_SOFT_SEED_LEN];
	char num[24], details[256];
	int r;

	uri[0] = '\0';
	if ((r = new_request(srv, p->actor, "user_add", p->u.name, pw_hash, now, &req)) != 0)
		return r;
	*id_r = req.id;
	if ((line = buf_new(PROTO_MAX_LINE)) == NULL)
		return STORE_ERR_DB;
	snprintf(num, sizeof(num), "%lld", (long long)p->u.expires_at);
	if (proto_begin(line, "REQ") != 0 || proto_add(line, "name", p->u.name) != 0 ||
	    proto_add(line, "unit", p->u.unit) != 0 || proto_add(line, "roles", p->roles) != 0 ||
	    proto_add(line, "policy", p->u.policy) != 0 || proto_add(line, "phone", p->phone) != 0 ||
	    proto_add(line, "im", p->u.im) != 0 || proto_add(line, "expires_at", num) != 0 ||
	    proto_add(line, "soft", p->soft_token ? "1" : "0") != 0 ||
	    proto_add(line, "key", p->key) != 0 || proto_add(line, "id_number", p->idno) != 0) {
		buf_free(&line);
		return STORE_ERR_DB;
	}
	/* the soft token's seed is shown now; it works only once the request is approved */
	if (p->soft_token && (RAND_bytes(seed, sizeof(seed)) != 1 ||
	    otp_uri("authd", p->u.name, seed, sizeof(seed), 6, 30, uri, urilen) != 0)) {
		buf_free(&line);
		return STORE_ERR_DB;
	}
	r = seal_payload(srv, req.id, line, p->soft_token ? seed : NULL, sizeof(seed));
	wipe(seed, sizeof(seed));
	buf_free(&line);
	if (r != 0)
		return r;
	snprintf(details, sizeof(details), "request %lld: user_add unit=%s roles=%s policy=%s",
	    (long long)req.id, p->u.unit, p->roles, p->u.policy);
	r = admin_audit_as(srv, p->actor, from, "request_add", p->u.name, 1, "", details);
	store_request_clear(&req);
	return r;
}

int
admin_request_simple(struct server *srv, const struct conn *from, const char *actor,
    const char *kind, const char *target, const char *roles, const char *pw_hash, int64_t now,
    int64_t *id_r)
{
	struct store_request req;
	struct buf *line;
	char details[256];
	int r;

	if ((r = new_request(srv, actor, kind, target, pw_hash, now, &req)) != 0)
		return r;
	*id_r = req.id;
	if ((line = buf_new(PROTO_MAX_LINE)) == NULL)
		return STORE_ERR_DB;
	if (proto_begin(line, "REQ") != 0 || proto_add(line, "name", target) != 0 ||
	    proto_add(line, "roles", roles) != 0) {
		buf_free(&line);
		return STORE_ERR_DB;
	}
	r = seal_payload(srv, req.id, line, NULL, 0);
	buf_free(&line);
	if (r != 0)
		return r;
	snprintf(details, sizeof(details), "request %lld: %s%s%s", (long long)req.id, kind,
	    roles[0] ? " roles=" : "", roles);
	r = admin_audit_as(srv, actor, from, "request_add", target, 1, "", details);
	store_request_clear(&req);
	return r;
}

/* May the actor decide a request: another sysadmin of its unit, or its responsible user. */
static int
may_decide(const struct admin_req *rq, const struct store_request *req)
{
	if (req->requester_id == rq->actor.id)
		return 0;	/* never the requester */
	if (strcmp(req->target, rq->actor.name) == 0)
		return 0;	/* nor the person the request is about */
	if (req->unit_id != rq->actor.unit_id)
		return 0;
	return admin_has_role(&rq->actor, "sysadmin") || admin_has_role(&rq->actor, "responsible");
}

static int
request_row(const struct store_request *req, void *arg)
{
	struct admin_req *rq = arg;
	char id[24], created[24], expires[24];

	/* the actor's own requests, and those it may decide */
	if (req->requester_id != rq->actor.id && req->unit_id != rq->actor.unit_id)
		return 0;
	snprintf(id, sizeof(id), "%lld", (long long)req->id);
	snprintf(created, sizeof(created), "%lld", (long long)req->created_at);
	snprintf(expires, sizeof(expires), "%lld", (long long)req->expires_at);
	return conn_send(rq->c, "ROW", "id", id, "kind", req->kind, "target", req->target,
	    "requester", req->requester, "state", req->state, "created_at", created,
	    "expires_at", expires, "decided_by", req->decided_by, NULL);
}

void
admin_request_list(struct admin_req *rq)
{
	int r;

	if ((r = store_begin(rq->srv->st)) != 0 ||
	    (r = store_request_expire(rq->srv->st, rq->now)) != 0 ||
	    (r = store_commit(rq->srv->st)) != 0) {
		store_rollback(rq->srv->st);
		admin_store_fail(rq, r, "");
		return;
	}
	if ((r = store_request_list(rq->srv->st, rq->now, request_row, rq)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	conn_send(rq->c, "OK", NULL);
}

/* Load a pending request the actor may decide; replies and returns -1 otherwise. */
static int
load_decidable(struct admin_req *rq, struct store_request *req)
{
	const char *ids = admin_arg_req(rq, "id"), *errstr;
	long long id;
	int r;

	if (ids == NULL)
		return -1;
	id = strtonum_ll(ids, 1, INT64_MAX, &errstr);
	if (errstr != NULL) {
		conn_fail(rq->c, "invalid", "id: not a request number");
		return -1;
	}
	if ((r = store_request_expire(rq->srv->st, rq->now)) != 0 ||
	    (r = store_request_get(rq->srv->st, id, req)) != 0) {
		admin_store_fail(rq, r, "no such request");
		return -1;
	}
	if (strcmp(req->state, "pending") != 0) {
		conn_fail(rq->c, "state", "request %lld is %s", id, req->state);
		return -1;
	}
	if (!may_decide(rq, req)) {
		conn_fail(rq->c, "denied", "request %lld must be decided by another sysadmin of"
		    " the requester's unit or its responsible user, never the requester nor the"
		    " person concerned (R22)", id);
		return -1;
	}
	return 0;
}

static int
open_payload(struct admin_req *rq, const struct store_request *req, struct proto_msg *msg)
{
	unsigned char plain[PAYLOAD_MAX];
	char aad[64];
	size_t len;
	int r;

	seal_aad(aad, sizeof(aad), "requests.payload", req->id);
	if (seal_decrypt(&rq->srv->key, aad, req->payload, req->payload_len, plain, &len) != 0)
		return -1;
	r = proto_parse((const char *)plain, len, msg);
	wipe(plain, sizeof(plain));
	return r;
}

static int
apply_user_add(struct admin_req *rq, const struct store_request *req, const struct proto_msg *m)
{
	struct server *srv = rq->srv;
	struct admin_pending p;
	struct store_unit unit;
	unsigned char seed[OTP_SEED_MAX];
	char aad[64], serial[STORE_NAME_MAX + 1], uri[ACCOUNT_URI_MAX];
	const char *v, *errstr;
	size_t seedlen = 0;
	int r;

	memset(&p, 0, sizeof(p));
	snprintf(p.actor, sizeof(p.actor), "%s", req->requester);
	snprintf(p.u.name, sizeof(p.u.name), "%s", (v = proto_get(m, "name")) ? v : "");
	snprintf(p.u.unit, sizeof(p.u.unit), "%s", (v = proto_get(m, "unit")) ? v : "");
	snprintf(p.roles, sizeof(p.roles), "%s", (v = proto_get(m, "roles")) ? v : "");
	snprintf(p.u.policy, sizeof(p.u.policy), "%s", (v = proto_get(m, "policy")) ? v : "");
	snprintf(p.phone, sizeof(p.phone), "%s", (v = proto_get(m, "phone")) ? v : "");
	snprintf(p.u.im, sizeof(p.u.im), "%s", (v = proto_get(m, "im")) ? v : "");
	snprintf(p.key, sizeof(p.key), "%s", (v = proto_get(m, "key")) ? v : "");
	snprintf(p.idno, sizeof(p.idno), "%s", (v = proto_get(m, "id_number")) ? v : "");
	p.soft_token = (v = proto_get(m, "soft")) != NULL && strcmp(v, "1") == 0;
	p.u.expires_at = strtonum_ll((v = proto_get(m, "expires_at")) ? v : "0", 0, INT64_MAX,
	    &errstr);
	if ((r = store_unit_get(srv->st, p.u.unit, &unit)) != 0)
		return r;
	p.u.unit_id = unit.id;
	if (p.soft_token && req->seed_len > 0) {
		seal_aad(aad, sizeof(aad), "requests.seed", req->id);
		if (seal_decrypt(&srv->key, aad, req->seed, req->seed_len, seed, &seedlen) != 0)
			return STORE_ERR_DB;
	}
	r = admin_create_user(srv, rq->c, &p, req->pw_hash, rq->now,
	    seedlen ? seed : NULL, seedlen, rq->actor.name, serial, sizeof(serial), uri,
	    sizeof(uri));
	wipe(seed, sizeof(seed));
	wipe(uri, sizeof(uri));
	store_user_clear(&p.u);
	return r;
}

static int
apply_request(struct admin_req *rq, const struct store_request *req)
{
	struct store *st = rq->srv->st;
	struct proto_msg m;
	struct store_user u;
	char details[256];
	const char *roles;
	int r;

	if (open_payload(rq, req, &m) != 0)
		return STORE_ERR_DB;
	snprintf(details, sizeof(details), "request %lld approved_by=%s", (long long)req->id,
	    rq->actor.name);
	if (strcmp(req->kind, "user_add") == 0)
		r = apply_user_add(rq, req, &m);
	else if ((r = store_user_get(st, req->target, &u)) == 0) {
		if (strcmp(req->kind, "user_set_roles") == 0) {
			roles = proto_get(&m, "roles");
			r = store_user_set_roles(st, u.id, roles ? roles : "");
			/* R22: a sysadmin's password follows the server policy */
			if (r == 0 && roles != NULL && strstr(roles, "sysadmin") != NULL &&
			    strcmp(u.policy, "server") != 0) {
				snprintf(u.policy, sizeof(u.policy), "server");
				r = store_user_update(st, &u);
			}
			snprintf(details, sizeof(details), "roles=%s (was %s) request %lld"
			    " approved_by=%s", roles ? roles : "", u.roles, (long long)req->id,
			    rq->actor.name);
			if (r == 0)
				r = admin_audit_as(rq->srv, req->requester, rq->c, "user_set",
				    u.name, 1, "", details);
		} else {
			r = store_user_set_password(st, u.id, req->pw_hash, rq->now, "reset");
			if (r == 0)
				r = store_user_unlock(st, u.id);
			if (r == 0)
				r = admin_audit_as(rq->srv, req->requester, rq->c,
				    "password_reset", u.name, 1, "", details);
		}
		store_user_clear(&u);
	}
	proto_msg_clear(&m);
	return r;
}

static void
decide(struct admin_req *rq, int approve)
{
	struct store *st = rq->srv->st;
	struct store_request req;
	char details[128];
	int r;

	if ((r = store_begin(st)) != 0) {
		admin_store_fail(rq, r, "");
		return;
	}
	if (load_decidable(rq, &req) != 0) {
		(void)store_commit(st);	/* keep the expiry marks */
		return;
	}
	snprintf(details, sizeof(details), "request %lld: %s by %s", (long long)req.id, req.kind,
	    req.requester);
	r = approve ? apply_request(rq, &req) : 0;
	if (r == 0)
		r = store_request_decide(st, req.id, approve ? "approved" : "rejected",
		    rq->actor.name, rq->now);
	if (r == 0)
		r = admin_audit(rq, approve ? "request_approve" : "request_reject", req.target, 1,
		    "", details);
	if (r == 0)
		r = store_commit(st);
	if (r != 0) {
		store_rollback(st);
		if (r == STORE_ERR_EXISTS)
			conn_fail(rq->c, "exists", "user %s exists already", req.target);
		else if (r == STORE_ERR_CONFLICT)
			conn_fail(rq->c, "state", "the request's key was issued meanwhile");
		else
			admin_store_fail(rq, r, "");
	} else
		conn_send(rq->c, "OK", NULL);
	store_request_clear(&req);
}

void
admin_request_approve(struct admin_req *rq)
{
	decide(rq, 1);
}

void
admin_request_reject(struct admin_req *rq)
{
	decide(rq, 0);
}
