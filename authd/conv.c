/*
 * authd/conv.c: the login conversation engine.
 *
 * Prompts depend only on configuration, never on the account (R18: no oracle).
 * Both factors are collected before any verdict; unknown, frozen, expired and
 * locked accounts verify against a dummy hash at the live cost (STYLE.md 8)
 * and fail with the same reply after the same delay. The attempt is counted
 * before the hash runs; the verdict, the OTP step (compare-and-set) and the
 * audit record commit together (DESIGN.md "Storage").
 */
#include <sys/types.h>

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "hex.h"
#include "conv.h"
#include "conv_int.h"
#include "cidr.h"
#include "err.h"
#include "log.h"
#include "num.h"
#include "otp.h"
#include "policy.h"
#include "proto.h"
#include "pwjob.h"
#include "server.h"
#include "store.h"
#include "ticket.h"
#include "wipe.h"

#define CONV_ANSWER_MAX		1024
#define CONV_CHANGE_ROUNDS	3

static void	conv_verified(struct pwjob *pj);
static void	conv_changed(struct pwjob *pj);

void
conv_destroy(struct conv **cvp)
{
	struct conv *cv = *cvp;

	if (cv == NULL)
		return;
	wipe_free_str(cv->password);
	wipe_free_str(cv->otp);
	wipe_free_str(cv->newpw);
	store_user_clear(&cv->u);
	if (cv->delay != NULL)
		event_free(cv->delay);
	wipe(cv, sizeof(*cv));
	free(cv);
	*cvp = NULL;
}

void
conv_free(struct conn *c)
{
	conv_destroy(&c->conv);
}

/* Copy an optional field; -1 when it does not fit (refused, never truncated). */
static int
copy_field(const struct proto_msg *msg, const char *key, char *out, size_t outlen)
{
	const char *v = proto_get(msg, key);

	if (v == NULL)
		v = "";
	if (strlen(v) >= outlen)
		return -1;
	snprintf(out, outlen, "%s", v);
	return 0;
}

/* The client details every audit record keeps (R31). */
int
conv_copy_client_fields(const struct proto_msg *msg, struct conv *cv, struct conn *c)
{
	static const char *const keys[] = { "service", "rhost", "tty", "ruser", "host" };
	char *outs[] = { cv->service, cv->rhost, cv->tty, cv->ruser, cv->host };
	size_t lens[] = { sizeof(cv->service), sizeof(cv->rhost), sizeof(cv->tty),
	    sizeof(cv->ruser), sizeof(cv->host) };
	size_t i;

	for (i = 0; i < 5; i++) {
		if (i == 0 && cv->admin)
			continue;	/* the admin socket's service is authadm */
		if (copy_field(msg, keys[i], outs[i], lens[i]) != 0) {
			conn_fail(c, "invalid", "%s longer than %zu bytes", keys[i], lens[i] - 1);
			return -1;
		}
	}
	cv->rport = -1;
	/* over TLS the certificate names the host, never the client's own claim (issue 8) */
	if (c->tls && !c->tls_admin)
		snprintf(cv->host, sizeof(cv->host), "%s", c->tls_host);
	else if (c->tls_admin || cv->host[0] == '\0')
		snprintf(cv->host, sizeof(cv->host), "%s", c->srv->hostname);
	if (c->tls)
		snprintf(cv->client, sizeof(cv->client), strchr(c->peer_addr, ':') != NULL ?
		    "tls [%s]:%d" : "tls %s:%d", c->peer_addr, c->peer_port);
	else
		snprintf(cv->client, sizeof(cv->client), "uid=%ld pid=%ld", (long)c->uid,
		    (long)c->pid);
	/*
	 * Remote authadm: the administrator's own machine is the source, as TCP says,
	 * so allow_from (R21) restricts where administrators may work from.
	 */
	if (c->tls_admin) {
		snprintf(cv->rhost, sizeof(cv->rhost), "%s", c->peer_addr);
		cv->rport = c->peer_port;
		cv->remote = 1;
	}
	return 0;
}

void
conv_send_prompt(struct conv *cv, const char *step, const char *echo, const char *prompt)
{
	conn_set_prompting(cv->c, 1);
	conn_send(cv->c, "CONT", "step", step, "echo", echo, "prompt", prompt, NULL);
}

const char *
conv_peer_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || res == NULL)
		return NULL;
	snprintf(buf, len, "%s", pw.pw_name);
	return buf;
}

void
conv_start(struct conn *c, const struct proto_msg *msg)
{
	struct conv *cv;
	const char *user = proto_get(msg, "user"), *port;
	char self[STORE_NAME_MAX + 1];
	const char *errstr = NULL;

	if (c->conv != NULL) {
		conn_proto_error(c, "a login is already in progress on this connection");
		return;
	}
	if (strcmp(msg->verb, "CHPASS") == 0 && proto_get(msg, "ticket") != NULL) {
		conv_start_ticket(c, msg);
		return;
	}
	if (user == NULL || user[0] == '\0' || strlen(user) > STORE_NAME_MAX) {
		conn_fail(c, "invalid", "user name missing or longer than %d bytes",
		    STORE_NAME_MAX);
		return;
	}
	/* DESIGN.md "Who may do what": a caller that is not root may only authenticate itself */
	if (c->kind == CONN_PAM && c->uid != 0 &&
	    (conv_peer_name(c->uid, self, sizeof(self)) == NULL || strcmp(self, user) != 0)) {
		conn_fail(c, "denied", "only root may authenticate another user");
		return;
	}
	if ((cv = calloc(1, sizeof(*cv))) == NULL) {
		conn_fail(c, "internal", "out of memory");
		return;
	}
	cv->c = c;
	cv->admin = c->kind == CONN_ADMIN;
	snprintf(cv->user, sizeof(cv->user), "%s", user);
	if (cv->admin)
		snprintf(cv->service, sizeof(cv->service), "authadm");
	if (conv_copy_client_fields(msg, cv, c) != 0) {
		conv_destroy(&cv);
		return;
	}
	if (!c->tls_admin && (port = proto_get(msg, "rport")) != NULL && port[0] != '\0') {
		long long v = strtonum_ll(port, 0, 65535, &errstr);

		if (errstr == NULL)
			cv->rport = (int)v;
	}
	/* R31: root's clients (authd's own RADIUS front-end) may name the device behind them */
	if (c->uid == 0 && !c->tls && proto_get(msg, "client") != NULL &&
	    proto_get(msg, "client")[0] != '\0')
		snprintf(cv->client, sizeof(cv->client), "%.40s (uid=0 pid=%ld)",
		    proto_get(msg, "client"), (long)c->pid);
	/* factor policy: configuration only, never the account (no oracle) */
	cv->otp_required = cv->admin || c->tls_critical ||	/* R21: critical hosts */
	    config_service_otp(c->srv->cfg, cv->service[0] ? cv->service : "authd") ==
	    CONFIG_OTP_REQUIRED;
	cv->defer = proto_get(msg, "defer_change") != NULL &&
	    strcmp(proto_get(msg, "defer_change"), "1") == 0;
	cv->no_change = proto_get(msg, "no_change") != NULL &&
	    strcmp(proto_get(msg, "no_change"), "1") == 0;
	/* only narrows: a client may declare every login of its remote */
	if (proto_get(msg, "remote") != NULL && strcmp(proto_get(msg, "remote"), "1") == 0)
		cv->remote = 1;
	cv->chpass = strcmp(msg->verb, "CHPASS") == 0;
	c->conv = cv;
	cv->step = STEP_PASSWORD;
	conv_send_prompt(cv, "password", "off", "Password: ");
}

void
conv_audit_login(struct conv *cv, const char *action, int ok, const char *reason, int64_t now)
{
	struct audit_rec a = {
		.actor = cv->user, .action = action, .target = cv->user,
		.result = ok ? "ok" : "fail", .reason = reason,
		.source_addr = cv->rhost, .source_port = cv->rport, .host = cv->host,
		.service = cv->service, .tty = cv->tty, .ruser = cv->ruser,
		.client = cv->client,
	};

	(void)store_audit_append(cv->c->srv->st, now, &a);
}

/* Count the attempt and decide whether the account may be verified at all. */
static int
precheck(struct conv *cv, int64_t now)
{
	struct server *srv = cv->c->srv;
	struct store_token tok;
	int r;

	if ((r = store_begin(srv->st)) != 0)
		return r;
	r = store_user_get(srv->st, cv->user, &cv->u);
	if (r == STORE_ERR_NOTFOUND) {
		cv->deny = "unknown user";
		r = 0;
		goto out;
	}
	if (r != 0)
		goto out;
	cv->found = 1;
	if (store_policy_get(srv->st, cv->u.policy, &cv->pol) != 0) {
		const struct policy *p = policy_builtin_find("standard");

		cv->pol = *p;
	}
	if (strcmp(cv->u.state, "active") != 0)
		cv->deny = strcmp(cv->u.state, "frozen") == 0 ? "account frozen" :
		    "account deleted";
	else if (cv->u.expires_at > 0 && now >= cv->u.expires_at)
		cv->deny = "account expired";
	else if (cv->u.locked_until > now)
		cv->deny = "account locked";
	else if (srv->cfg->lockout_failures > 0 &&
	    cv->u.failures >= (int64_t)srv->cfg->lockout_failures)
		cv->deny = "account locked (attempts in progress)";
	else if (!conv_source_allowed(cv))
		cv->deny = "source address not allowed";
	else if (!conv_host_allowed(cv))
		cv->deny = "host not allowed for this account";
	else if (cv->otp_required) {
		if ((r = store_token_get_holder(srv->st, cv->u.id, &tok)) == STORE_ERR_NOTFOUND)
			cv->deny = "no OTP token bound";
		else if (r != 0)
			goto out;
		else if (strcmp(tok.state, "bound") != 0)
			cv->deny = "OTP token not usable";
		store_token_clear(&tok);
		r = 0;
	}
	if (cv->deny == NULL) {
		cv->usable = 1;
		r = store_user_count_attempt(srv->st, cv->u.id);
	}
 out:
	if (r == 0)
		r = store_commit(srv->st);
	else
		store_rollback(srv->st);
	return r;
}

static void
start_verify(struct conv *cv)
{
	struct server *srv = cv->c->srv;
	struct pwjob *pj;
	int64_t now = server_now();

	cv->step = STEP_VERIFY;
	if (precheck(cv, now) != 0) {
		log_warnx("login %s: store error: %s", cv->user, store_errmsg(srv->st));
		conn_fail(cv->c, "internal", "authentication service error");
		conv_destroy(&cv->c->conv);
		return;
	}
	/* a locked or unknown account is not verified: the dummy hash costs the same */
	pj = pwjob_new(PWJOB_VERIFY, &srv->kdf, cv->password, conv_verified, cv->c);
	if (pj == NULL || pwjob_add_hash(pj, cv->usable ? cv->u.pw_hash : srv->dummy_hash) != 0) {
		pwjob_free(&pj);
		conn_fail(cv->c, "internal", "out of memory");
		conv_destroy(&cv->c->conv);
		return;
	}
	if (pwjob_submit(srv->pool, pj) != 0) {
		pwjob_free(&pj);
		/* not verified: the attempt does not count */
		if (cv->usable && store_begin(srv->st) == 0) {
			if (store_user_uncount_attempt(srv->st, cv->u.id) == 0)
				(void)store_commit(srv->st);
			else
				store_rollback(srv->st);
		}
		conn_fail(cv->c, "busy", "server busy, try again");
		conv_destroy(&cv->c->conv);
		return;
	}
	conn_set_busy(cv->c, 1);
}

static void
fail_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	conn_set_busy(c, 0);
	conv_destroy(&c->conv);
	if (!c->closed)
		conn_fail(c, "auth", GENERIC_FAILURE);
	conn_release(c);
}

/* The same reply after the same delay, whatever the reason (R18: no oracle). */
static void
fail_generic(struct conv *cv)
{
	struct conn *c = cv->c;
	struct timeval tv;
	unsigned int ms = c->srv->cfg->failure_delay_ms;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	cv->step = STEP_VERIFY;
	if (cv->delay == NULL)
		cv->delay = evtimer_new(c->srv->base, fail_delay_cb, c);
	if (cv->delay == NULL || evtimer_add(cv->delay, &tv) != 0) {
		fail_delay_cb(-1, 0, c);
		return;
	}
	conn_set_busy(c, 1);
}

/*
 * OTP check on the loop thread (cheap): 1 valid, 0 not; *why for the log.
 * TOTP: +-1 step around the token's recorded drift (R36), step_r and drift_r
 * to store; HOTP: look-ahead window from the next expected counter, the
 * matched counter in *step_r. Either is committed with compare-and-set.
 */
static int
check_otp(struct conv *cv, int64_t now, struct store_token *tok, int64_t *step_r,
    int64_t *drift_r, const char **why)
{
	struct server *srv = cv->c->srv;
	unsigned char seed[STORE_SEALED_MAX];
	size_t seedlen = 0;
	char aad[64];
	int ok = 0, matched;
	time_t center;

	*why = "wrong OTP";
	if (store_token_get_holder(srv->st, cv->u.id, tok) != 0) {
		*why = "no OTP token bound";
		return 0;
	}
	seal_aad(aad, sizeof(aad), "tokens.seed", tok->id);
	if (seal_decrypt(&srv->key, aad, tok->seed_sealed, tok->seed_sealed_len, seed,
	    &seedlen) != 0) {
		*why = "OTP seed cannot be unsealed";
		log_warnx("token %s: seed does not unseal (wrong master key or tampered)",
		    tok->serial);
		return 0;
	}
	if (strcmp(tok->kind, "hotp") == 0) {
		matched = otp_hotp_check(seed, seedlen, tok->digits, (uint64_t)tok->counter,
		    OTP_HOTP_WINDOW, cv->otp, step_r) == 0;
		if (matched)
			ok = 1;
		else if (tok->counter > 0 && otp_hotp_check(seed, seedlen, tok->digits,
		    (uint64_t)(tok->counter > 20 ? tok->counter - 20 : 0), 19, cv->otp,
		    step_r) == 0 && *step_r < tok->counter)
			*why = "replayed OTP";
	} else {
		center = (time_t)(now + tok->drift * (int64_t)tok->period);
		if (otp_totp_check(seed, seedlen, tok->digits, tok->period, center,
		    OTP_TOTP_WINDOW, cv->otp, step_r, drift_r) == 0) {
			/* the drift seen now, in steps against the server's clock (R36) */
			*drift_r = *step_r - otp_totp_step((time_t)now, tok->period);
			if (*step_r <= tok->last_step)
				*why = "replayed OTP";
			else
				ok = 1;
		}
	}
	wipe(seed, sizeof(seed));
	return ok;
}


static void
finish_ok(struct conv *cv)
{
	struct conn *c = cv->c;
	struct server *srv = c->srv;
	unsigned char tok[32], hash[32];
	char hex[65], idle[16], origin[CONN_ORIGIN_MAX];
	int64_t now = server_now();

	if (!cv->admin) {
		char ticket[TICKET_HEX_LEN + 1] = "";

		/*
		 * INTERFACE.md: a chauthtok after this authenticate, in the same PAM
		 * handle, does not ask the current password again: it redeems a ticket.
		 */
		if (cv->defer && ticket_issue(&srv->tickets, cv->u.id, c->uid,
		    conn_origin(c, origin, sizeof(origin)), ticket) != 0)
			ticket[0] = '\0';
		/* R17: the account's roles and unit, for the PAM application (AUTHD_ROLES) */
		conn_send(c, "OK", "user", cv->user, "roles", cv->u.roles, "unit", cv->u.unit,
		    ticket[0] ? "ticket" : NULL, ticket, NULL);
		wipe(ticket, sizeof(ticket));
		conv_destroy(&c->conv);
		return;
	}
	if (RAND_bytes(tok, sizeof(tok)) != 1) {
		conn_fail(c, "internal", "no randomness");
		conv_destroy(&c->conv);
		return;
	}
	hex_encode(tok, sizeof(tok), hex);
	SHA256(tok, sizeof(tok), hash);
	if (store_begin(srv->st) != 0 ||
	    store_session_add(srv->st, hash, cv->u.id, (long)c->uid,
	    conn_origin(c, origin, sizeof(origin)), now) != 0 ||
	    store_commit(srv->st) != 0) {
		store_rollback(srv->st);
		conn_fail(c, "internal", "cannot store the session");
	} else {
		snprintf(idle, sizeof(idle), "%u", srv->cfg->admin_session_minutes * 60);
		conn_send(c, "OK", "user", cv->user, "token", hex, "idle", idle, NULL);
	}
	wipe(tok, sizeof(tok));
	wipe(hex, sizeof(hex));
	conv_destroy(&c->conv);
}

static void
expiry_warning(struct conv *cv, int64_t now)
{
	int64_t left;
	char msg[128];
	unsigned int warn = cv->c->srv->cfg->password_warn_days;

	if (cv->pol.max_age_days == 0 || warn == 0)
		return;
	left = (cv->u.pw_changed_at + (int64_t)cv->pol.max_age_days * 86400 - now) / 86400;
	if (left < (int64_t)warn) {
		snprintf(msg, sizeof(msg), "Your password expires in %lld day%s.",
		    (long long)left, left == 1 ? "" : "s");
		conn_send(cv->c, "INFO", "msg", msg, NULL);
	}
}

struct rehash {
	struct server	*srv;
	int64_t		 user_id;
	char		 old_hash[PWHASH_STR_MAX];
};

static void
rehashed(struct pwjob *pj)
{
	struct rehash *rh = pj->arg;
	struct store *st = rh->srv->st;

	if (pj->rc == 0 && store_begin(st) == 0) {
		if (store_user_rehash(st, rh->user_id, rh->old_hash, pj->out) == 0)
			(void)store_commit(st);
		else
			store_rollback(st);	/* changed meanwhile: the new hash wins */
	}
	wipe(rh, sizeof(*rh));
	free(rh);
	pwjob_free(&pj);
}

/*
 * After a good login, re-hash a password stored under old argon2id parameters
 * or imported from /etc/shadow (DESIGN.md); best effort, off the login's path.
 */
static void
maybe_rehash(struct conv *cv)
{
	struct server *srv = cv->c->srv;
	struct rehash *rh;
	struct pwjob *pj;

	if (cv->password == NULL || !pwhash_needs_rehash(&srv->kdf, cv->u.pw_hash) ||
	    (rh = calloc(1, sizeof(*rh))) == NULL)
		return;
	rh->srv = srv;
	rh->user_id = cv->u.id;
	snprintf(rh->old_hash, sizeof(rh->old_hash), "%s", cv->u.pw_hash);
	pj = pwjob_new(PWJOB_HASH, &srv->kdf, cv->password, rehashed, rh);
	if (pj == NULL || pwjob_submit(srv->pool, pj) != 0) {
		pwjob_free(&pj);
		free(rh);
	}
}

static void
conv_verified(struct pwjob *pj)
{
	struct conn *c = pj->arg;
	struct conv *cv = c->conv;
	struct server *srv = c->srv;
	struct store_token tok;
	int64_t now = server_now(), step = -1, drift = 0;
	const char *why = NULL, *change;
	char msg[768], why_buf[128];
	int otp_ok = 1, success, r, locked = 0;

	conn_set_busy(c, 0);
	memset(&tok, 0, sizeof(tok));
	if (cv == NULL) {		/* the conversation is gone */
		pwjob_free(&pj);
		conn_release(c);
		return;
	}
	if (cv->usable && pj->ok && cv->otp_required)
		otp_ok = check_otp(cv, now, &tok, &step, &drift, &why);
	success = cv->usable && pj->ok && otp_ok;
	if (!cv->usable)
		why = cv->deny;
	else if (!pj->ok)
		why = "wrong password";
	pwjob_free(&pj);
	/*
	 * A client that cannot change passwords (RADIUS): a login whose password
	 * must be changed does not happen. It is not a failure either (no lock,
	 * the code is not used up); the log says why and the user is told where.
	 */
	if (success && cv->no_change && !cv->chpass &&
	    (change = conv_change_reason(cv, now, msg, sizeof(msg))) != NULL) {
		if (store_begin(srv->st) == 0) {
			(void)store_user_uncount_attempt(srv->st, cv->u.id);
			conv_audit_login(cv, "login", 0, "password change required; this client"
			    " cannot change passwords", now);
			if (store_commit(srv->st) != 0)
				store_rollback(srv->st);
		}
		store_token_clear(&tok);
		conn_fail(c, "change_required", "Your password must be changed: log in to a"
		    " server (ssh) to change it, then try again.");
		conv_destroy(&c->conv);
		conn_release(c);	/* frees a connection that closed meanwhile */
		return;
	}

	if ((r = store_begin(srv->st)) == 0) {
		if (success && cv->otp_required &&
		    (strcmp(tok.kind, "hotp") == 0 ?
		    store_token_use_counter(srv->st, tok.id, step) :
		    store_token_use_step(srv->st, tok.id, step, drift)) != 0) {
			success = 0;	/* a parallel login used this code first */
			why = "replayed OTP";
		}
		if (success)
			r = store_user_login_ok(srv->st, cv->u.id, now);
		else if (cv->usable)
			r = store_user_login_failed(srv->st, cv->u.id,
			    srv->cfg->lockout_failures,
			    now + (int64_t)srv->cfg->lockout_minutes * 60, &locked);
		if (locked) {
			snprintf(why_buf, sizeof(why_buf), "%s; account locked for %u minutes",
			    why, srv->cfg->lockout_minutes);
			why = why_buf;
		}
		conv_audit_login(cv, "login", success, success ? "" : why, now);
		if (r == 0)
			r = store_commit(srv->st);
		else
			store_rollback(srv->st);
	}
	store_token_clear(&tok);
	if (r != 0) {
		log_warnx("login %s: store error: %s", cv->user, store_errmsg(srv->st));
		success = 0;
	}
	log_info("login %s service=%s host=%s rhost=%s: %s%s%s", cv->user, cv->service,
	    cv->host, cv->rhost[0] ? cv->rhost : "-", success ? "ok" : "failed",
	    success ? "" : ": ", success ? "" : (why ? why : "store error"));
	if (c->closed) {
		conv_destroy(&c->conv);
		conn_release(c);
		return;
	}
	if (!success) {
		fail_generic(cv);
		return;
	}
	maybe_rehash(cv);
	change = conv_change_reason(cv, now, msg, sizeof(msg));
	if (cv->chpass) {
		/* passwd: the user asked for a change; say why too if one is due */
		if (change != NULL)
			conn_send(c, "INFO", "msg", change, NULL);
		cv->step = STEP_NEW1;
		conv_send_prompt(cv, "new_password", "off", "New password: ");
		return;
	}
	if (change != NULL && cv->defer) {
		char ticket[TICKET_HEX_LEN + 1], origin[CONN_ORIGIN_MAX];

		/* pam_sm_acct_mgmt says NEW_AUTHTOK_REQD; chauthtok redeems the ticket */
		if (ticket_issue(&srv->tickets, cv->u.id, c->uid,
		    conn_origin(c, origin, sizeof(origin)), ticket) != 0) {
			conn_fail(c, "busy", "too many pending password changes, try again");
			conv_destroy(&c->conv);
			return;
		}
		conn_send(c, "OK", "user", cv->user, "change", "required", "reason", change,
		    "ticket", ticket, "roles", cv->u.roles, "unit", cv->u.unit, NULL);
		wipe(ticket, sizeof(ticket));
		conv_destroy(&c->conv);
		return;
	}
	if (change != NULL) {
		conn_send(c, "INFO", "msg", change, NULL);
		cv->step = STEP_NEW1;
		conv_send_prompt(cv, "new_password", "off", "New password: ");
		return;
	}
	expiry_warning(cv, now);
	finish_ok(cv);
}

static int
add_history(const char *hash, void *arg)
{
	return pwjob_add_hash(arg, hash);
}

static void
change_again(struct conv *cv, const char *error)
{
	wipe_free_str(cv->newpw);
	cv->newpw = NULL;
	if (++cv->rounds >= CONV_CHANGE_ROUNDS) {
		conn_fail(cv->c, "policy", "%s", error);
		conv_destroy(&cv->c->conv);
		return;
	}
	conn_send(cv->c, "ERROR", "msg", error, NULL);
	cv->step = STEP_NEW1;
	conv_send_prompt(cv, "new_password", "off", "New password: ");
}

static void
start_change(struct conv *cv)
{
	struct server *srv = cv->c->srv;
	struct pwjob *pj;
	char msg[768], full[800];

	if (policy_check(&cv->pol, cv->user, cv->newpw, msg, sizeof(msg)) != 0) {
		snprintf(full, sizeof(full), "Password refused: %s.", msg);
		change_again(cv, full);
		return;
	}
	pj = pwjob_new(PWJOB_CHANGE, &srv->kdf, cv->newpw, conv_changed, cv->c);
	/* the current password always counts, whatever the history length */
	if (pj == NULL || store_user_history(srv->st, cv->u.id,
	    cv->pol.history > 0 ? cv->pol.history : 1, add_history, pj) != 0) {
		pwjob_free(&pj);
		conn_fail(cv->c, "internal", "authentication service error");
		conv_destroy(&cv->c->conv);
		return;
	}
	if (pwjob_submit(srv->pool, pj) != 0) {
		pwjob_free(&pj);
		conn_fail(cv->c, "busy", "server busy, try again");
		conv_destroy(&cv->c->conv);
		return;
	}
	cv->step = STEP_CHANGE;
	conn_set_busy(cv->c, 1);
}

static void
conv_changed(struct pwjob *pj)
{
	struct conn *c = pj->arg;
	struct conv *cv = c->conv;
	struct server *srv = c->srv;
	int64_t now = server_now();
	char msg[256];
	int r;

	conn_set_busy(c, 0);
	if (cv == NULL || c->closed) {
		pwjob_free(&pj);
		conv_destroy(&c->conv);
		conn_release(c);
		return;
	}
	if (pj->matched) {
		pwjob_free(&pj);
		snprintf(msg, sizeof(msg), "Password refused: was used recently (the last %u"
		    " passwords cannot be reused).", cv->pol.history > 0 ? cv->pol.history : 1);
		change_again(cv, msg);
		return;
	}
	if (pj->rc != 0) {
		pwjob_free(&pj);
		conn_fail(c, "internal", "cannot hash the password");
		conv_destroy(&c->conv);
		return;
	}
	if ((r = store_begin(srv->st)) == 0) {
		r = store_user_set_password(srv->st, cv->u.id, pj->out, now, "");
		conv_audit_login(cv, "password_change", r == 0, r == 0 ? "" : "store error", now);
		r = r == 0 ? store_commit(srv->st) : (store_rollback(srv->st), r);
	}
	pwjob_free(&pj);
	if (r != 0) {
		conn_fail(c, "internal", r == STORE_ERR_FULL ? "disk full: password not changed" :
		    "password not changed: store error");
		conv_destroy(&c->conv);
		return;
	}
	conn_send(c, "INFO", "msg", "Password changed.", NULL);
	finish_ok(cv);
}

void
conv_input(struct conn *c, const struct proto_msg *msg)
{
	struct conv *cv = c->conv;
	const char *v;
	char err[768], full[800];

	conn_set_prompting(c, 0);
	if (strcmp(msg->verb, "CANCEL") == 0) {
		conv_destroy(&c->conv);
		conn_fail(c, "auth", "cancelled");
		return;
	}
	if (cv->step == STEP_VERIFY || cv->step == STEP_CHANGE) {
		conn_proto_error(c, "no answer expected now");
		return;
	}
	if ((v = proto_get(msg, "value")) == NULL) {
		conn_proto_error(c, "ANSWER needs value=");
		return;
	}
	if (strlen(v) > CONV_ANSWER_MAX) {
		/* refused, never truncated (STYLE.md habit 11) */
		conn_proto_error(c, "answer longer than 1024 bytes");
		return;
	}
	switch (cv->step) {
	case STEP_PASSWORD:
		if ((cv->password = strdup(v)) == NULL)
			goto nomem;
		if (cv->otp_required) {
			cv->step = STEP_OTP;
			conv_send_prompt(cv, "otp", "on", "OTP: ");
		} else
			start_verify(cv);
		break;
	case STEP_OTP:
		if ((cv->otp = strdup(v)) == NULL)
			goto nomem;
		start_verify(cv);
		break;
	case STEP_NEW1:
		if ((cv->newpw = strdup(v)) == NULL)
			goto nomem;
		/* like passwd: a refused password is reported before it is retyped */
		if (policy_check(&cv->pol, cv->user, cv->newpw, err, sizeof(err)) != 0) {
			snprintf(full, sizeof(full), "Password refused: %s.", err);
			change_again(cv, full);
			break;
		}
		cv->step = STEP_NEW2;
		conv_send_prompt(cv, "new_password_again", "off", "Retype new password: ");
		break;
	case STEP_NEW2:
		if (!secret_equal(cv->newpw, strlen(cv->newpw), v, strlen(v))) {
			change_again(cv, "Passwords do not match.");
			break;
		}
		start_change(cv);
		break;
	default:
		break;
	}
	return;
 nomem:
	conn_fail(c, "internal", "out of memory");
	conv_destroy(&c->conv);
}
