/*
 * pam_module/pam_authd.c: pam_authd.so, a thin relay between the application's
 * PAM conversation and authd's login conversation (DESIGN.md "Server-driven
 * conversation", docs/protocol.md "Login conversation").
 *
 * The module holds no policy, no database and no secret. authd chooses the
 * prompts and gives the verdict; the module forwards each CONT to the
 * conversation, relays the answer, shows INFO/ERROR lines, and turns the final
 * OK/FAIL into a PAM result. Anything else fails closed, never PAM_SUCCESS.
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
 *   holds an answer, not even with debug;
 * - authd's identity is checked with SO_PEERCRED (pa_check_server() in
 *   pa_conn.c): root, or this process's own uid; anything else is refused.
 */
#include <sys/types.h>
#include <sys/un.h>

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "buf.h"
#include "err.h"
#include "num.h"
#include "pa_conn.h"
#include "proto.h"
#include "wipe.h"

#define PA_EXPORT		__attribute__((visibility("default")))

#define PA_DEFAULT_SOCKET	"/run/authd/authd.sock"
#define PA_DEFAULT_TIMEOUT	10	/* seconds */
#define PA_TIMEOUT_MIN		1
#define PA_TIMEOUT_MAX		300
#define PA_ANSWER_MAX		1024	/* bytes; authd refuses more (protocol.md) */
#define PA_MAX_LINES		64	/* lines accepted from authd per login */
/* pam_set_data key: the user authd authenticated on this handle */
#define PA_DATA_USER		"pam_authd_authenticated_user"

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
	const char *a, *v, *errstr;
	int i, seen_socket = 0, seen_timeout = 0, r = 0;
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
		} else if (pa_opt_value(a, "server") != NULL || pa_opt_value(a, "ca") != NULL ||
		    pa_opt_value(a, "cert") != NULL || pa_opt_value(a, "key") != NULL) {
			/* INTERFACE.md's remote form; refused until it exists, never ignored */
			pam_syslog(pamh, LOG_ERR, "%.16s: remote authd over TLS is not supported "
			    "by this build", a);
			r = AUTHD_ERR_INVALID;
		} else {
			pam_syslog(pamh, LOG_ERR, "unknown module argument \"%.64s\"", a);
			r = AUTHD_ERR_INVALID;
		}
	}
	return r;
}

/* --- the PAM conversation ----------------------------------------------- */

/*
 * One message through the application's conversation function (called
 * directly rather than through pam_prompt() so that every response is wiped).
 * With resp_r, a successful call leaves the answer in *resp_r (never NULL;
 * the caller wipes and frees it).
 */
static int
pa_converse(pam_handle_t *pamh, int style, const char *text, char **resp_r)
{
	const struct pam_conv *conv = NULL;
	const struct pam_message *mp;
	struct pam_message m;
	struct pam_response *resp = NULL;
	int pr;

	if (resp_r != NULL)
		*resp_r = NULL;
	pr = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
	if (pr != PAM_SUCCESS || conv == NULL || conv->conv == NULL)
		return PAM_CONV_ERR;
	m.msg_style = style;
	m.msg = text;
	mp = &m;
	pr = conv->conv(1, &mp, &resp, conv->appdata_ptr);
	if (pr == PAM_SUCCESS && resp_r != NULL) {
		if (resp == NULL)
			pr = PAM_CONV_ERR;
		else if (resp->resp != NULL) {
			*resp_r = resp->resp;
			resp->resp = NULL;
		} else if ((*resp_r = strdup("")) == NULL)
			pr = PAM_BUF_ERR;
	}
	if (resp != NULL) {
		wipe_free_str(resp->resp);
		free(resp);
	}
	return pr;
}

/* INFO / ERROR lines from authd: shown unless PAM_SILENT; display errors ignored. */
static void
pa_show(pam_handle_t *pamh, int flags, int style, const char *text)
{
	if (!(flags & PAM_SILENT))
		(void)pa_converse(pamh, style, text, NULL);
}

/*
 * Answer one CONT. Returns PAM_SUCCESS when the answer went to authd;
 * otherwise a PAM failure, after sending CANCEL where the connection is still
 * usable. *first_pw is cleared once the step=password prompt has been seen.
 * The last answer to step=new_password is kept in *newpw_r (the caller wipes
 * and frees it) so that PAM_AUTHTOK can follow a change (pa_login()).
 */
static int
pa_answer(struct pa_conn *c, int flags, const struct proto_msg *msg, int *first_pw,
    char **newpw_r)
{
	pam_handle_t *pamh = c->pamh;
	const char *step = proto_get(msg, "step"), *echo = proto_get(msg, "echo");
	const char *prompt = proto_get(msg, "prompt");
	const void *item = NULL;
	char *answer = NULL;
	int style, is_pw, pr, r;

	if (echo == NULL || prompt == NULL ||
	    (strcmp(echo, "off") != 0 && strcmp(echo, "on") != 0)) {
		pam_syslog(pamh, LOG_ERR, "%s: CONT without echo=on|off and prompt=",
		    c->o->socket);
		return PAM_AUTHINFO_UNAVAIL;
	}
	style = strcmp(echo, "off") == 0 ? PAM_PROMPT_ECHO_OFF : PAM_PROMPT_ECHO_ON;
	is_pw = *first_pw && style == PAM_PROMPT_ECHO_OFF && step != NULL &&
	    strcmp(step, "password") == 0;
	if (c->o->debug)
		pam_syslog(pamh, LOG_DEBUG, "prompt step=%.32s echo=%s", step ? step : "-", echo);

	if (is_pw) {
		*first_pw = 0;
		if (c->o->use_first_pass || c->o->try_first_pass) {
			if (pam_get_item(pamh, PAM_AUTHTOK, &item) == PAM_SUCCESS && item != NULL) {
				if ((answer = strdup(item)) == NULL) {
					pr = PAM_BUF_ERR;
					goto cancel;
				}
				if (c->o->debug)
					pam_syslog(pamh, LOG_DEBUG, "password taken from "
					    "PAM_AUTHTOK");
			} else if (c->o->use_first_pass) {
				pam_syslog(pamh, LOG_ERR, "use_first_pass: no password from an "
				    "earlier module");
				pr = PAM_AUTHTOK_RECOVERY_ERR;
				goto cancel;
			}
		}
	}
	if (answer == NULL) {
		if ((pr = pa_converse(pamh, style, prompt, &answer)) != PAM_SUCCESS) {
			pam_syslog(pamh, LOG_NOTICE, "conversation failed: %s",
			    pam_strerror(pamh, pr));
			pr = pr == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_CONV_ERR;
			goto cancel;
		}
		/* for modules stacked below with use_first_pass (like pam_unix does) */
		if (is_pw && (pam_get_item(pamh, PAM_AUTHTOK, &item) != PAM_SUCCESS ||
		    item == NULL) && strlen(answer) <= PA_ANSWER_MAX &&
		    (pr = pam_set_item(pamh, PAM_AUTHTOK, answer)) != PAM_SUCCESS)
			goto cancel;
	}
	if (strlen(answer) > PA_ANSWER_MAX) {
		/* refused, never truncated (STYLE.md habit 11) */
		pam_syslog(pamh, LOG_NOTICE, "answer refused: longer than %d bytes",
		    PA_ANSWER_MAX);
		pa_show(pamh, flags, PAM_ERROR_MSG, "Answer refused: longer than 1024 bytes.");
		pr = PAM_AUTH_ERR;
		goto cancel;
	}
	if ((r = proto_begin(c->out, "ANSWER")) != 0 ||
	    (r = proto_add(c->out, "value", answer)) != 0 ||
	    (r = proto_end(c->out)) != 0) {
		buf_reset(c->out);
		pam_syslog(pamh, LOG_NOTICE, "answer refused: %s", authd_strerror(r));
		if (r == AUTHD_ERR_UTF8)
			pa_show(pamh, flags, PAM_ERROR_MSG, "Answer refused: not valid UTF-8.");
		pr = r == AUTHD_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR;
		goto cancel;
	}
	if ((r = pa_send(c)) != 0) {
		pam_syslog(pamh, LOG_ERR, "%s: sending the answer: %s", c->o->socket,
		    authd_strerror(r));
		pr = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	if (style == PAM_PROMPT_ECHO_OFF && step != NULL && strcmp(step, "new_password") == 0) {
		wipe_free_str(*newpw_r);
		*newpw_r = answer;
		answer = NULL;
	}
	pr = PAM_SUCCESS;
	goto out;
 cancel:
	(void)pa_send_verb(c, "CANCEL");
 out:
	wipe_free_str(answer);
	return pr;
}

/*
 * authd's FAIL codes as PAM results (docs/protocol.md). Only "auth" is the
 * verdict on the user's answers; the rest are about the request or authd.
 */
static int
pa_fail_code(const char *code)
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

/* Add a PAM item to the AUTH line when it is set. */
static int
pa_add_item(pam_handle_t *pamh, struct buf *b, const char *key, int item_type)
{
	const void *item = NULL;

	if (pam_get_item(pamh, item_type, &item) != PAM_SUCCESS || item == NULL ||
	    ((const char *)item)[0] == '\0')
		return 0;
	return proto_add(b, key, item);
}

static int
pa_send_auth(struct pa_conn *c, const char *user)
{
	char host[256];
	int r;

	if ((r = proto_begin(c->out, "AUTH")) != 0 ||
	    (r = proto_add(c->out, "user", user)) != 0 ||
	    (r = pa_add_item(c->pamh, c->out, "service", PAM_SERVICE)) != 0 ||
	    (r = pa_add_item(c->pamh, c->out, "rhost", PAM_RHOST)) != 0 ||
	    (r = pa_add_item(c->pamh, c->out, "tty", PAM_TTY)) != 0 ||
	    (r = pa_add_item(c->pamh, c->out, "ruser", PAM_RUSER)) != 0)
		goto out;
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (host[0] != '\0' && (r = proto_add(c->out, "host", host)) != 0)
			goto out;
	}
	if ((r = proto_end(c->out)) != 0)
		goto out;
	r = pa_send(c);
 out:
	buf_reset(c->out);
	return r;
}

/*
 * After a password change inside the login, the password stacked modules
 * should see is the new one: PAM_OLDAUTHTOK takes the password given at
 * step=password, PAM_AUTHTOK the new one (as after pam_chauthtok()).
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

/* The whole login conversation with authd for user; returns the PAM result. */
static int
pa_login(pam_handle_t *pamh, int flags, const struct pa_opts *o, const char *user)
{
	struct pa_conn c;
	struct proto_msg msg;
	const char *v, *code;
	char *newpw = NULL;
	int pr = PAM_AUTHINFO_UNAVAIL, first_pw = 1, nlines, r;

	memset(&msg, 0, sizeof(msg));
	if (pa_open(pamh, o, &c) != 0) {
		pa_show(pamh, flags, PAM_ERROR_MSG, "Authentication service unavailable.");
		return PAM_AUTHINFO_UNAVAIL;
	}
	if ((r = pa_send_auth(&c, user)) != 0) {
		pam_syslog(pamh, LOG_ERR, "cannot send the request: %s", authd_strerror(r));
		/* a user name or PAM item that is not UTF-8 cannot be relayed */
		pr = r == AUTHD_ERR_IO || r == AUTHD_ERR_CLOSED || r == AUTHD_ERR_TIMEOUT ?
		    PAM_AUTHINFO_UNAVAIL : PAM_AUTH_ERR;
		goto out;
	}
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "AUTH sent for user %s", user);
	for (nlines = 0; nlines < PA_MAX_LINES; nlines++) {
		proto_msg_clear(&msg);
		if ((r = pa_read_msg(&c, &msg)) != 0) {
			pam_syslog(pamh, LOG_ERR, "%s: reading from authd: %s", o->socket,
			    authd_strerror(r));
			pr = PAM_AUTHINFO_UNAVAIL;
			goto out;
		}
		if (strcmp(msg.verb, "CONT") == 0) {
			if ((pr = pa_answer(&c, flags, &msg, &first_pw, &newpw)) != PAM_SUCCESS)
				goto out;
		} else if (strcmp(msg.verb, "INFO") == 0 || strcmp(msg.verb, "ERROR") == 0) {
			if ((v = proto_get(&msg, "msg")) == NULL)
				break;
			if (o->debug)
				pam_syslog(pamh, LOG_DEBUG, "message %s relayed", msg.verb);
			pa_show(pamh, flags, msg.verb[0] == 'I' ? PAM_TEXT_INFO : PAM_ERROR_MSG, v);
		} else if (strcmp(msg.verb, "OK") == 0) {
			/* the verdict must be about the user we asked for */
			if ((v = proto_get(&msg, "user")) == NULL || strcmp(v, user) != 0)
				break;
			if (newpw != NULL)
				pa_authtok_changed(pamh, newpw);
			pr = PAM_SUCCESS;
			goto out;
		} else if (strcmp(msg.verb, "FAIL") == 0) {
			code = proto_get(&msg, "code");
			pr = pa_fail_code(code);
			v = proto_get(&msg, "msg");
			pam_syslog(pamh, pr == PAM_AUTHINFO_UNAVAIL ? LOG_ERR : LOG_NOTICE,
			    "authentication failed for user %s: %.32s (%.200s)", user,
			    code ? code : "no code", v ? v : "");
			if (pr == PAM_AUTHINFO_UNAVAIL)
				pa_show(pamh, flags, PAM_ERROR_MSG,
				    "Authentication service unavailable.");
			goto out;
		} else
			break;
	}
	/* an unexpected verb, a line without its fields, or too many lines */
	pam_syslog(pamh, LOG_ERR, "%s: unexpected reply from authd (%.32s)", o->socket,
	    msg.verb != NULL ? msg.verb : "too many lines");
	pr = PAM_AUTHINFO_UNAVAIL;
 out:
	wipe_free_str(newpw);
	proto_msg_clear(&msg);
	pa_close(&c);
	return pr;
}

static void
pa_free_data(pam_handle_t *pamh, void *data, int error_status)
{
	free(data);
}

/* --- the six entry points ----------------------------------------------- */

PA_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;
	const char *user = NULL;
	char *copy;
	int pr;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	/* forget an earlier success on this handle before anything can fail */
	(void)pam_set_data(pamh, PA_DATA_USER, NULL, NULL);
	if ((pr = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_NOTICE, "cannot get the user name: %s",
		    pam_strerror(pamh, pr));
		return pr == PAM_CONV_AGAIN ? PAM_INCOMPLETE : pr;
	}
	if (user == NULL)
		return PAM_USER_UNKNOWN;
	pr = pa_login(pamh, flags, &o, user);
	if (o.debug)
		pam_syslog(pamh, LOG_DEBUG, "authenticate %s: %s", user, pam_strerror(pamh, pr));
	if (pr != PAM_SUCCESS)
		return pr;
	/* remembered for pam_sm_acct_mgmt; freed by pam_end() */
	if ((copy = strdup(user)) == NULL)
		return PAM_BUF_ERR;
	if (pam_set_data(pamh, PA_DATA_USER, copy, pa_free_data) != PAM_SUCCESS) {
		free(copy);
		return PAM_BUF_ERR;
	}
	return PAM_SUCCESS;
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
 * For now: PAM_SUCCESS only when pam_sm_authenticate succeeded through authd
 * on this handle for the same user; authd then already checked the state
 * (frozen, deleted, expired, locked) and had any due password change made in
 * the same conversation, so there is nothing left to say. Otherwise
 * (an SSH key login, another auth module) this module does not know the
 * account and returns PAM_IGNORE: it must not be the only "account" module.
 * An ACCT request to authd, answering state and must_change, would let it
 * return PAM_ACCT_EXPIRED / PAM_NEW_AUTHTOK_REQD here (INTERFACE.md).
 */
PA_EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;
	const void *data = NULL, *user = NULL;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	if (pam_get_item(pamh, PAM_USER, &user) == PAM_SUCCESS && user != NULL &&
	    pam_get_data(pamh, PA_DATA_USER, &data) == PAM_SUCCESS && data != NULL &&
	    strcmp(data, user) == 0)
		return PAM_SUCCESS;
	if (o.debug)
		pam_syslog(pamh, LOG_DEBUG, "acct_mgmt: not authenticated by authd on this "
		    "handle: ignored");
	return PAM_IGNORE;
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
 * For now the only way to change a password is the login conversation
 * (authd asks for the new one when the password is initial, old or at risk).
 * PAM_PRELIM_CHECK: PAM_SUCCESS when authd answers, else PAM_TRY_AGAIN.
 * PAM_UPDATE_AUTHTOK: PAM_AUTHTOK_ERR, telling the user where to go; nothing
 * is changed. A later change builds the real flow (INTERFACE.md).
 */
PA_EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct pa_opts o;
	struct pa_conn c;

	if (pa_parse_args(pamh, argc, argv, &o) != 0)
		return PAM_SERVICE_ERR;
	if (flags & PAM_PRELIM_CHECK) {
		if (pa_open(pamh, &o, &c) != 0)
			return PAM_TRY_AGAIN;
		pa_close(&c);
		return PAM_SUCCESS;
	}
	if (flags & PAM_UPDATE_AUTHTOK) {
		pam_syslog(pamh, LOG_NOTICE, "password change through chauthtok is not "
		    "supported yet");
		pa_show(pamh, flags, PAM_ERROR_MSG, "Password not changed: use the login prompt "
		    "to change your password.");
		return PAM_AUTHTOK_ERR;
	}
	return PAM_SERVICE_ERR;
}
