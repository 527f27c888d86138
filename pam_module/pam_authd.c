/*
 * pam_module/pam_authd.c: pam_authd.so, a thin relay between the application's
 * PAM conversation and authd's conversations (DESIGN.md "Server-driven
 * conversation", docs/protocol.md "Login conversation" and "The PAM module's
 * extra verbs").
 *
 * The module holds no policy, no database and no password. authd chooses the
 * prompts and gives the verdict; the module forwards each CONT to the
 * conversation, relays the answer, shows INFO/ERROR lines, and turns the final
 * OK/FAIL into a PAM result (pa_relay.c). Anything else fails closed, never
 * PAM_SUCCESS.
 *
 * The phases, and what one PAM handle remembers between them (struct pa_state):
 * - authenticate: AUTH defer_change=1. When the password must be changed
 *   (initial, too old, at risk, below a tightened policy) authd still says OK,
 *   with change=required, the reason and a single-use ticket; both are kept on
 *   the handle (pam_set_data, wiped by the cleanup).
 * - acct_mgmt: a change pending on this handle: the reason is shown and the
 *   result is PAM_NEW_AUTHTOK_REQD. Authenticated by authd on this handle
 *   without a change: PAM_SUCCESS without asking again (authd checked the
 *   account moments ago, with the password in hand, which ACCT cannot). Else
 *   (an ssh key, another auth module): ACCT, mapped in pam_sm_acct_mgmt().
 * - chauthtok: with a ticket, CHPASS ticket= (new password only: the current
 *   one is not asked again in the same handle); without, CHPASS user= (the
 *   user's own passwd: password and OTP first). Mapping in pam_sm_chauthtok().
 *
 * Rules kept here (STYLE.md habits 3, 6, 11):
 * - arguments parsed strictly: an unknown, repeated or malformed argument is
 *   logged and the call fails (PAM_SERVICE_ERR);
 * - every wait on authd (connect, each line read, each write) is bounded by
 *   timeout= seconds on the monotonic clock; the user's typing is not
 *   (pa_conn.c);
 * - lines go through one bounded buffer (PROTO_MAX_LINE) and common/proto;
 * - an answer over PA_ANSWER_MAX bytes is refused, never truncated; every
 *   response from the conversation is wiped and freed; no log line ever
 *   holds an answer or a ticket, not even with debug;
 * - authd's identity is checked with SO_PEERCRED (pa_check_server() in
 *   pa_conn.c): root, or this process's own uid; anything else is refused.
 *   Over TLS (server= ca= cert= key=, pa_tls.c) by its certificate instead:
 *   issued by ca= and naming HOST; the servers are tried in order.
 */
#include <sys/types.h>
#include <sys/un.h>

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "err.h"
#include "num.h"
#include "pa_conn.h"
#include "pa_relay.h"
#include "proto.h"
#include "wipe.h"

#define PA_EXPORT		__attribute__((visibility("default")))

#define PA_DEFAULT_SOCKET	"/run/authd/authd.sock"
#define PA_DEFAULT_TIMEOUT	10	/* seconds */
#define PA_TIMEOUT_MIN		1
#define PA_TIMEOUT_MAX		300
#define PA_TICKET_MAX		128	/* hex digits accepted in a ticket (authd sends 64) */
/* pam_set_data key: struct pa_state */
#define PA_DATA_STATE		"pam_authd_state"

#define PA_MSG_UNAVAIL		"Authentication service unavailable."
#define PA_MSG_EXPIRED		"Your account has expired; please contact your system administrator."
#define PA_MSG_DISABLED		"Your account is disabled; please contact your system administrator."

/* --- arguments -------------------------------------------------------- */

/* If arg is "name=value", the value; else NULL. */
static const char *
pa_opt_value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

/*
 * Parse the module arguments into o. Every problem is logged; returns 0 or
 * AUTHD_ERR_INVALID (the caller fails closed with PAM_SERVICE_ERR).
 */
static int
pa_parse_args(pam_handle_t *pamh, int argc, const char **argv, struct pa_opts *o)
{
	struct sockaddr_un sun;
	const char *a, *v, *errstr, **pathp;
	int i, seen_socket = 0, seen_timeout = 0, seen_server = 0, r = 0;
	long long n;

	memset(o, 0, sizeof(*o));
	o->socket = PA_DEFAULT_SOCKET;
	o->timeout = PA_DEFAULT_TIMEOUT;
	for (i = 0; i < argc; i++) {
		if ((a = argv[i]) == NULL) {
			pam_syslog(pamh, LOG_ERR, "module argument %d is NULL", i);
			r = AUTHD_ERR_INVALID;
		} else if ((v = pa_opt_value(a, "socket")) != NULL) {
			if (seen_socket++) {
				pam_syslog(pamh, LOG_ERR, "socket= given twice");
				r = AUTHD_ERR_INVALID;
			} else if (v[0] != '/' || strlen(v) >= sizeof(sun.sun_path)) {
				pam_syslog(pamh, LOG_ERR, "socket=%.128s: must be an absolute "
				    "path shorter than %zu bytes", v, sizeof(sun.sun_path));
				r = AUTHD_ERR_INVALID;
			} else
				o->socket = v;
		} else if ((v = pa_opt_value(a, "timeout")) != NULL) {
			n = strtonum_ll(v, PA_TIMEOUT_MIN, PA_TIMEOUT_MAX, &errstr);
			if (seen_timeout++) {
				pam_syslog(pamh, LOG_ERR, "timeout= given twice");
				r = AUTHD_ERR_INVALID;
			} else if (errstr != NULL) {
				pam_syslog(pamh, LOG_ERR, "timeout=%.32s: %s (seconds, %d..%d)",
				    v, errstr, PA_TIMEOUT_MIN, PA_TIMEOUT_MAX);
				r = AUTHD_ERR_INVALID;
			} else
				o->timeout = (int)n;
		} else if (strcmp(a, "use_first_pass") == 0 || strcmp(a, "try_first_pass") == 0) {
			if (o->use_first_pass || o->try_first_pass) {
				pam_syslog(pamh, LOG_ERR, "use_first_pass/try_first_pass given twice");
				r = AUTHD_ERR_INVALID;
			} else if (a[0] == 'u')
				o->use_first_pass = 1;
			else
				o->try_first_pass = 1;
		} else if (strcmp(a, "debug") == 0) {
			if (o->debug++) {
				pam_syslog(pamh, LOG_ERR, "debug given twice");
				r = AUTHD_ERR_INVALID;
			}
		} else if ((v = pa_opt_value(a, "server")) != NULL) {
			if (seen_server++) {
				pam_syslog(pamh, LOG_ERR, "server= given twice");
				r = AUTHD_ERR_INVALID;
			} else if (pa_tls_parse_servers(pamh, v, o) != 0)
				r = AUTHD_ERR_INVALID;
		} else if ((v = pa_opt_value(a, "ca")) != NULL ||
		    (v = pa_opt_value(a, "cert")) != NULL || (v = pa_opt_value(a, "key")) != NULL) {
			pathp = a[0] == 'k' ? &o->key : a[1] == 'a' ? &o->ca : &o->cert;
			if (*pathp != NULL) {
				pam_syslog(pamh, LOG_ERR, "%s= given twice", a[0] == 'k' ? "key" :
				    a[1] == 'a' ? "ca" : "cert");
				r = AUTHD_ERR_INVALID;
			} else if (v[0] != '/' || strlen(v) >= PATH_MAX) {
				pam_syslog(pamh, LOG_ERR, "%.128s: must be an absolute path", a);
				r = AUTHD_ERR_INVALID;
			} else
				*pathp = v;
		} else {
			pam_syslog(pamh, LOG_ERR, "unknown module argument \"%.64s\"", a);
			r = AUTHD_ERR_INVALID;
		}
	}
	/* the remote form: server= with ca=, cert=, key=; never mixed with socket= */
	if (seen_server && seen_socket) {
		pam_syslog(pamh, LOG_ERR, "server= and socket= exclude each other");
		r = AUTHD_ERR_INVALID;
	}
	if (seen_server && (o->ca == NULL || o->cert == NULL || o->key == NULL)) {
		pam_syslog(pamh, LOG_ERR, "server= needs ca=, cert= and key=");
		r = AUTHD_ERR_INVALID;
	}
	if (!seen_server && (o->ca != NULL || o->cert != NULL || o->key != NULL)) {
		pam_syslog(pamh, LOG_ERR, "ca=, cert= and key= go with server= only");
		r = AUTHD_ERR_INVALID;
	}
	return r;
}

/* --- what one PAM handle remembers ------------------------------------- */

/*
 * What pam_sm_authenticate learnt from authd, kept on the handle until
 * pam_end() or the next authenticate (pa_state_free() wipes it).
 */
struct pa_state {
	char	*user;		/* the user authd authenticated on this handle */
	int	 change;	/* authd answered change=required: acct_mgmt says NEW_AUTHTOK_REQD */
	char	*reason;	/* why, shown by acct_mgmt */
	char	*ticket;	/* redeems the change without the current password (secret) */
};

static void
pa_state_free(pam_handle_t *pamh, void *data, int error_status)
{
	struct pa_state *st = data;

	if (st == NULL)
		return;
	wipe_free_str(st->ticket);
	wipe_free_str(st->reason);
	wipe_free_str(st->user);
	wipe(st, sizeof(*st));
	free(st);
}

/* This handle's state when it is about user; else NULL. */
static struct pa_state *
pa_state_get(pam_handle_t *pamh, const char *user)
{
	const void *data = NULL;
	struct pa_state *st;

	if (pam_get_data(pamh, PA_DATA_STATE, &data) != PAM_SUCCESS || data == NULL)
		return NULL;
	st = (struct pa_state *)data;	/* our own allocation (pa_state_set()) */
	return strcmp(st->user, user) == 0 ? st : NULL;
}

/* A ticket is 1..PA_TICKET_MAX hex digits: anything else is not relayed. */
static int
pa_ticket_valid(const char *t)
{
	size_t n = strspn(t, "0123456789abcdefABCDEF");

	return n > 0 && n <= PA_TICKET_MAX && t[n] == '\0';
}

/*
 * R17: the account's roles and unit, handed to the application as
 * AUTHD_ROLES and AUTHD_UNIT in the PAM environment (pam_getenv, or the
 * session's environment through pam_env/pam_getenvlist). Values are checked:
 * roles are [a-z,], units [A-Za-z0-9._-]; anything else is not exported.
 */
static int
pa_export_roles(pam_handle_t *pamh, const struct proto_msg *ok)
{
	const char *roles = proto_get(ok, "roles"), *unit = proto_get(ok, "unit"), *p;
	char env[160];

	if (roles != NULL && strlen(roles) < 100) {
		for (p = roles; *p != '\0' && ((*p >= 'a' && *p <= 'z') || *p == ','); p++)
			;
		if (*p == '\0') {
			snprintf(env, sizeof(env), "AUTHD_ROLES=%s", roles);
			if (pam_putenv(pamh, env) != PAM_SUCCESS)
				return PAM_BUF_ERR;
		}
	}
	if (unit != NULL && unit[0] != '\0' && strlen(unit) < 100) {
		for (p = unit; *p != '\0' && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
		    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'); p++)
			;
		if (*p == '\0') {
			snprintf(env, sizeof(env), "AUTHD_UNIT=%s", unit);
			if (pam_putenv(pamh, env) != PAM_SUCCESS)
				return PAM_BUF_ERR;
		}
	}
	return PAM_SUCCESS;
}

/* Remember a successful authenticate; reason and ticket may be NULL. PAM_SUCCESS or PAM_BUF_ERR. */
static int
pa_state_set(pam_handle_t *pamh, const char *user, int change, const char *reason,
    const char *ticket)
{
	struct pa_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return PAM_BUF_ERR;
	st->change = change;
	if ((st->user = strdup(user)) == NULL ||
	    (reason != NULL && (st->reason = strdup(reason)) == NULL) ||
	    (ticket != NULL && (st->ticket = strdup(ticket)) == NULL) ||
	    pam_set_data(pamh, PA_DATA_STATE, st, pa_state_free) != PAM_SUCCESS) {
		pa_state_free(pamh, st, 0);
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
}

/* --- authenticate --------------------------------------------------------- */

/*
 * authd's FAIL codes to an AUTH as PAM results (docs/protocol.md). Only "auth"
 * is the verdict on the user's answers; the rest are about the request or authd.
 */
static int
pa_auth_fail_code(const char *code)
{
	if (code == NULL)
		return PAM_AUTHINFO_UNAVAIL;
	if (strcmp(code, "auth") == 0)		/* wrong factor, unknown, locked... */
		return PAM_AUTH_ERR;
	if (strcmp(code, "invalid") == 0)	/* a user name authd cannot hold */
		return PAM_AUTH_ERR;
	if (strcmp(code, "denied") == 0)	/* a non-root caller asked for another user */
		return PAM_CRED_INSUFFICIENT;
	if (strcmp(code, "policy") == 0)	/* three refused new passwords */
		return PAM_AUTHTOK_ERR;
	/* busy, internal, proto, and anything this module does not know */
	return PAM_AUTHINFO_UNAVAIL;
}

/*
 * After a password change inside the login (authd may still ask for one there),
 * the password stacked modules should see is the new one: PAM_OLDAUTHTOK takes
 * the password given at step=password, PAM_AUTHTOK the new one.
 */
static void
pa_authtok_changed(pam_handle_t *pamh, const char *newpw)
{
	const void *old = NULL;

	if (pam_get_item(pamh, PAM_AUTHTOK, &old) != PAM_SUCCESS || old == NULL ||
	    pam_set_item(pamh, PAM_OLDAUTHTOK, old) != PAM_SUCCESS ||
	    pam_set_item(pamh, PAM_AUTHTOK, newpw) != PAM_SUCCESS)
		pam_syslog(pamh, LOG_NOTICE, "password changed, but PAM_AUTHTOK not updated");
}

/* The login conversation (AUTH defer_change=1); on success the handle's state is set. */
static int
pa_login(pam_handle_t *pamh, int flags, const struct pa_opts *o, const char *user)
{
	struct pa_request req = { "AUTH", "user", user, user, 1 };
	struct pa_call call;
	const char *code, *msg, *change, *reason, *ticket;
	int pr;

	memset(&call, 0, sizeof(call));
	call.flags = flags;
	call.pw_item = PAM_AUTHTOK;
	call.prompts = 1;
	if ((pr = pa_call(pamh, o, &req, &call)) != PAM_SUCCESS) {
		if (pr == PAM_BAD_ITEM)
			pr = PAM_AUTH_ERR;
		goto out;
	}
	if (strcmp(call.verdict.verb, "FAIL") == 0) {
		code = proto_get(&call.verdict, "code");
		msg = proto_get(&call.verdict, "msg");
		pr = pa_auth_fail_code(code);
		pam_syslog(pamh, pr == PAM_AUTHINFO_UNAVAIL ? LOG_ERR : LOG_NOTICE,
		    "authentication failed for user %s: %.32s (%.200s)", user,
		    code ? code : "no code", msg ? msg : "");
		if (pr == PAM_AUTHINFO_UNAVAIL)
			pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_UNAVAIL);
		goto out;
	}
	/* OK user=USER [change=required reason=TEXT ticket=HEX] */
	change = proto_get(&call.verdict, "change");
	reason = proto_get(&call.verdict, "reason");
	ticket = proto_get(&call.verdict, "ticket");
	if ((change != NULL && (strcmp(change, "required") != 0 || reason == NULL ||
	    reason[0] == '\0' || ticket == NULL)) ||
	    (ticket != NULL && !pa_ticket_valid(ticket))) {
		pam_syslog(pamh, LOG_ERR, "%s: unexpected reply from authd to AUTH (a change "
		    "without its reason or ticket, or a malformed ticket)", call.c.name);
		pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_UNAVAIL);
		pr = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	if (call.newpw != NULL)
		pa_authtok_changed(pamh, call.newpw);
	if (o->debug && change != NULL)
		pam_syslog(pamh, LOG_DEBUG, "password change required, deferred to chauthtok");
	/* a ticket without change=required is kept too: chauthtok may redeem it */
	pr = pa_state_set(pamh, user, change != NULL, reason, ticket);
	if (pr == PAM_SUCCESS)
		pr = pa_export_roles(pamh, &call.verdict);
 out:
	pa_call_end(&call);
	return pr;
}

/* --- the account phase ----------------------------------------------------- */

/*
 * ACCT user=USER: authd's view of the account when this handle has no answer
 * of its own. Returns PAM_SUCCESS, PAM_NEW_AUTHTOK_REQD (the reason shown when
 * show_reason), PAM_USER_UNKNOWN, PAM_ACCT_EXPIRED, PAM_PERM_DENIED or
 * PAM_AUTHINFO_UNAVAIL; see pam_sm_acct_mgmt() for the table.
 */
static int
pa_acct(pam_handle_t *pamh, int flags, const struct pa_opts *o, const char *user,
    int show_reason)
{
	struct pa_request req = { "ACCT", "user", user, user, 0 };
	struct pa_call call;
	const char *code, *msg, *change, *reason;
	int pr;

	memset(&call, 0, sizeof(call));
	call.flags = flags;
	call.pw_item = PAM_AUTHTOK;
	call.prompts = 0;		/* ACCT asks nothing */
	if ((pr = pa_call(pamh, o, &req, &call)) != PAM_SUCCESS) {
		if (pr == PAM_BAD_ITEM)	/* a name authd cannot hold */
			pr = PAM_USER_UNKNOWN;
		else if (pr != PAM_BUF_ERR)
			pr = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	if (strcmp(call.verdict.verb, "OK") == 0) {
		change = proto_get(&call.verdict, "change");
		reason = proto_get(&call.verdict, "reason");
		if (change == NULL) {
			pr = PAM_SUCCESS;
		} else if (strcmp(change, "required") == 0 && reason != NULL && reason[0] != '\0') {
			if (show_reason)
				pa_show(pamh, flags, PAM_ERROR_MSG, reason);
			pr = PAM_NEW_AUTHTOK_REQD;
		} else {
			pam_syslog(pamh, LOG_ERR, "%s: unexpected reply from authd to ACCT "
			    "(change=%.32s)", call.c.name, change);
			pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_UNAVAIL);
			pr = PAM_AUTHINFO_UNAVAIL;
		}
		if (o->debug)
			pam_syslog(pamh, LOG_DEBUG, "ACCT %s: %s", user, pam_strerror(pamh, pr));
		goto out;
	}
	code = proto_get(&call.verdict, "code");
	msg = proto_get(&call.verdict, "msg");
	if (code != NULL && (strcmp(code, "unknown") == 0 || strcmp(code, "invalid") == 0)) {
		/* no word to the user: another module may know the account (root) */
		pr = PAM_USER_UNKNOWN;
	} else if (code != NULL && strcmp(code, "expired") == 0) {
		pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_EXPIRED);
		pr = PAM_ACCT_EXPIRED;
	} else if (code != NULL && strcmp(code, "disabled") == 0) {
		pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_DISABLED);
		pr = PAM_PERM_DENIED;
	} else if (code != NULL && strcmp(code, "denied") == 0) {
		pr = PAM_PERM_DENIED;	/* a non-root caller asked about another user */
	} else {
		pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_UNAVAIL);
		pr = PAM_AUTHINFO_UNAVAIL;
	}
	pam_syslog(pamh, pr == PAM_AUTHINFO_UNAVAIL ? LOG_ERR : LOG_NOTICE,
	    "account of user %s refused: %.32s (%.200s)", user, code ? code : "no code",
	    msg ? msg : "");
 out:
	pa_call_end(&call);
	return pr;
}

/* --- the password phase ---------------------------------------------------- */

/*
 * CHPASS ticket=... (st's ticket, consumed here) or CHPASS user=...: relay the
 * change; on success PAM_AUTHTOK is the new password for the modules stacked
 * below, and a pending change on this handle is settled. For the results see
 * pam_sm_chauthtok().
 */
static int
pa_chpass(pam_handle_t *pamh, int flags, const struct pa_opts *o, const char *user,
    struct pa_state *st)
{
	struct pa_request req = { "CHPASS", "user", user, user, 0 };
	struct pa_call call;
	const char *code, *msg;
	char *ticket = NULL;
	int pr;

	memset(&call, 0, sizeof(call));
	call.flags = flags;
	call.pw_item = PAM_OLDAUTHTOK;	/* the current password, in chauthtok's terms */
	call.prompts = 1;
	if (st != NULL && st->ticket != NULL) {
		/* single use: gone from the handle whatever happens next */
		ticket = st->ticket;
		st->ticket = NULL;
		req.key = "ticket";
		req.value = ticket;
	}
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "chauthtok %s: %s", user, ticket != NULL ?
		    "redeeming the ticket of this handle's login" : "asking for the current "
		    "password");
	if ((pr = pa_call(pamh, o, &req, &call)) != PAM_SUCCESS) {
		/* unencodable request, answer refused; the rest as pa_call() says */
		if (pr == PAM_BAD_ITEM || pr == PAM_AUTH_ERR)
			pr = PAM_AUTHTOK_ERR;
		goto out;
	}
	if (strcmp(call.verdict.verb, "OK") == 0) {
		if (call.newpw == NULL ||
		    pam_set_item(pamh, PAM_AUTHTOK, call.newpw) != PAM_SUCCESS)
			pam_syslog(pamh, LOG_NOTICE, "password changed, but PAM_AUTHTOK not set");
		if (st != NULL)
			st->change = 0;
		pam_syslog(pamh, LOG_INFO, "password changed for user %s", user);
		pr = PAM_SUCCESS;
		goto out;
	}
	code = proto_get(&call.verdict, "code");
	msg = proto_get(&call.verdict, "msg");
	if (code != NULL && strcmp(code, "auth") == 0) {
		/* ticket: invalid or expired, log in again; user=: the generic failure */
		if (msg != NULL)
			pa_show(pamh, flags, PAM_ERROR_MSG, msg);
		pr = ticket != NULL ? PAM_AUTHTOK_ERR : PAM_PERM_DENIED;
	} else if (code != NULL && strcmp(code, "policy") == 0) {
		/* the third refused password: authd says why in the FAIL line only */
		if (msg != NULL)
			pa_show(pamh, flags, PAM_ERROR_MSG, msg);
		pr = PAM_AUTHTOK_ERR;
	} else if (code != NULL && strcmp(code, "denied") == 0) {
		pr = PAM_PERM_DENIED;	/* a non-root caller for another user */
	} else if (code != NULL && strcmp(code, "invalid") == 0) {
		pr = PAM_AUTHTOK_ERR;	/* a field authd cannot hold */
	} else {
		pa_show(pamh, flags, PAM_ERROR_MSG, PA_MSG_UNAVAIL);
		pr = PAM_AUTHINFO_UNAVAIL;
	}
	pam_syslog(pamh, pr == PAM_AUTHINFO_UNAVAIL ? LOG_ERR : LOG_NOTICE,
	    "password not changed for user %s: %.32s (%.200s)", user, code ? code : "no code",
	    msg ? msg : "");
 out:
	wipe_free_str(ticket);
	pa_call_end(&call);
	return pr;
}

/* --- the six entry points ----------------------------------------------- */

/* The user the application named; logs and returns a PAM failure otherwise. */
static int
pa_get_user(pam_handle_t *pamh, const char **user_r)
{
	int pr;

	*user_r = NULL;
	if ((pr = pam_get_user(pamh, user_r, NULL)) != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_NOTICE, "cannot get the user name: %s",
		    pam_strerror(pamh, pr));
		return pr == PAM_CONV_AGAIN ? PAM_INCOMPLETE : pr;
	}
	if (*user_r == NULL || (*user_r)[0] == '\0')
		return PAM_USER_UNKNOWN;
	return PAM_SUCCESS;
}

PA_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;
	const char *user = NULL;
	int pr;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	/* forget an earlier login on this handle (wiping its ticket) before anything can fail */
	(void)pam_set_data(pamh, PA_DATA_STATE, NULL, NULL);
	if ((pr = pa_get_user(pamh, &user)) != PAM_SUCCESS)
		return pr;
	pr = pa_login(pamh, flags, &o, user);
	if (o.debug)
		pam_syslog(pamh, LOG_DEBUG, "authenticate %s: %s", user, pam_strerror(pamh, pr));
	return pr;
}

/* No credentials to establish: authd issues none to PAM clients. */
PA_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	return PAM_SUCCESS;
}

/*
 * The account phase:
 *
 *   this handle's authenticate (same user)   result
 *   ok, change=required                      reason shown, PAM_NEW_AUTHTOK_REQD
 *   ok, no change                            PAM_SUCCESS, no round trip (below)
 *   none (ssh key, another module)           ACCT user=U service rhost tty ruser host:
 *     OK                                       PAM_SUCCESS
 *     OK change=required reason=R              R shown, PAM_NEW_AUTHTOK_REQD
 *     FAIL unknown (or invalid)                PAM_USER_UNKNOWN, nothing shown
 *     FAIL disabled (frozen, deleted)          PAM_PERM_DENIED, "account is disabled"
 *     FAIL expired (--expires passed)          PAM_ACCT_EXPIRED, "account has expired"
 *     FAIL denied (non-root, other user)       PAM_PERM_DENIED
 *     unreachable, busy, internal, garbage     PAM_AUTHINFO_UNAVAIL (fail closed)
 *
 * No second round trip after our own successful authenticate: authd decided
 * at that moment, in the same PAM transaction, that the account was usable
 * and no change was due, and it did so with the password in hand (a tightened
 * policy is only visible then; ACCT cannot see it) and after showing any
 * expiry warning. ACCT would only repeat it, one connection per login later.
 * Accounts that authd does not know (root on a local password) get
 * PAM_USER_UNKNOWN: stack the module as
 * "account [success=ok new_authtok_reqd=done user_unknown=ignore default=bad]"
 * to let another module decide them.
 */
PA_EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;
	struct pa_state *st;
	const char *user = NULL;
	int pr;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	if ((pr = pa_get_user(pamh, &user)) != PAM_SUCCESS)
		return pr;
	if ((st = pa_state_get(pamh, user)) != NULL) {
		if (st->change) {
			pa_show(pamh, flags, PAM_ERROR_MSG, st->reason);
			pr = PAM_NEW_AUTHTOK_REQD;
		} else
			pr = PAM_SUCCESS;
		if (o.debug)
			pam_syslog(pamh, LOG_DEBUG, "acct_mgmt %s: %s (as authd answered at "
			    "authenticate)", user, pam_strerror(pamh, pr));
		return pr;
	}
	return pa_acct(pamh, flags, &o, user, 1);
}

/* Nothing to open or close yet: sessions are not tracked by authd. */
PA_EXPORT int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	return PAM_SUCCESS;
}

PA_EXPORT int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	return PAM_SUCCESS;
}

/*
 * The password phase.
 *
 * PAM_PRELIM_CHECK: PAM_SUCCESS when this handle holds a ticket (authd issued
 * it moments ago) or authd answers a connection; PAM_TRY_AGAIN otherwise.
 *
 * PAM_UPDATE_AUTHTOK, which request:
 *   a ticket from this handle's authenticate   CHPASS ticket= (New/Retype only),
 *                                              with or without PAM_CHANGE_EXPIRED_AUTHTOK;
 *                                              the ticket is dropped once sent
 *   PAM_CHANGE_EXPIRED_AUTHTOK, no ticket:
 *     this handle's authenticate said no change due   PAM_SUCCESS, nothing changed
 *     else ACCT: OK                                    PAM_SUCCESS, nothing changed
 *                                                      (not expired: like pam_unix)
 *                OK change=required                    CHPASS user= (below)
 *                FAIL unknown                          PAM_USER_UNKNOWN
 *                FAIL expired, disabled, denied        PAM_PERM_DENIED
 *                unreachable                           PAM_AUTHINFO_UNAVAIL
 *   otherwise (the user runs passwd)           CHPASS user= (Password, OTP, New, Retype)
 *
 * and authd's verdict:
 *   OK                                  PAM_SUCCESS; PAM_AUTHTOK = the new password
 *   FAIL policy (3 refused passwords)   PAM_AUTHTOK_ERR, authd's reasons shown
 *   FAIL auth after CHPASS ticket=      PAM_AUTHTOK_ERR, "ticket invalid or expired;
 *                                       log in again" shown
 *   FAIL auth after CHPASS user=        PAM_PERM_DENIED, "Authentication failed" shown
 *                                       (current password or OTP wrong, or any other
 *                                       reason: one generic failure, R18)
 *   FAIL denied                         PAM_PERM_DENIED (non-root caller, other user)
 *   FAIL invalid, an answer refused     PAM_AUTHTOK_ERR
 *   conversation failed                 PAM_CONV_ERR
 *   unreachable, busy, internal         PAM_AUTHINFO_UNAVAIL (fail closed)
 * A refused new password is not a failure by itself: authd says why (ERROR)
 * and asks again, up to three rounds.
 */
PA_EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;
	struct pa_conn c;
	struct pa_state *st;
	const char *user = NULL;
	int pr;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	if ((pr = pa_get_user(pamh, &user)) != PAM_SUCCESS)
		return pr;
	st = pa_state_get(pamh, user);
	if (flags & PAM_PRELIM_CHECK) {
		if (st != NULL && st->ticket != NULL)
			return PAM_SUCCESS;
		if (pa_open(pamh, &o, &c) != 0)
			return PAM_TRY_AGAIN;
		pa_close(&c);
		return PAM_SUCCESS;
	}
	if (!(flags & PAM_UPDATE_AUTHTOK))
		return PAM_SERVICE_ERR;
	if ((st == NULL || st->ticket == NULL) && (flags & PAM_CHANGE_EXPIRED_AUTHTOK)) {
		if (st != NULL && !st->change)
			pr = PAM_SUCCESS;
		else if ((pr = pa_acct(pamh, flags, &o, user, 0)) == PAM_ACCT_EXPIRED ||
		    pr == PAM_PERM_DENIED)
			pr = PAM_PERM_DENIED;
		if (pr != PAM_NEW_AUTHTOK_REQD) {
			if (o.debug)
				pam_syslog(pamh, LOG_DEBUG, "chauthtok %s (expired only): %s",
				    user, pr == PAM_SUCCESS ? "not expired, nothing to change" :
				    pam_strerror(pamh, pr));
			return pr;
		}
	}
	return pa_chpass(pamh, flags, &o, user, st);
}
