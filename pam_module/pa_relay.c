/*
 * pam_module/pa_relay.c: one request to authd, its conversation relayed
 * through the application's PAM conversation until the verdict.
 *
 * The module chooses no prompt: authd's CONT lines are shown as they come
 * (echo off: PAM_PROMPT_ECHO_OFF), INFO and ERROR as PAM_TEXT_INFO and
 * PAM_ERROR_MSG. Every response from the application is wiped and freed; an
 * answer over PA_ANSWER_MAX bytes is refused, never truncated; no log line
 * holds an answer or a ticket, not even with debug (STYLE.md habits 6, 11).
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "buf.h"
#include "err.h"
#include "pa_conn.h"
#include "pa_relay.h"
#include "proto.h"
#include "wipe.h"

#define PA_MAX_LINES		64	/* lines accepted from authd per request */

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

/* INFO / ERROR lines: shown unless PAM_SILENT; display errors ignored. */
void
pa_show(pam_handle_t *pamh, int flags, int style, const char *text)
{
	if (!(flags & PAM_SILENT))
		(void)pa_converse(pamh, style, text, NULL);
}

/*
 * Answer one CONT. Returns PAM_SUCCESS when the answer went to authd;
 * otherwise a PAM failure, after sending CANCEL where the connection is still
 * usable. The step=password answer may come from call->pw_item
 * (use_first_pass / try_first_pass) and a typed one is left there for stacked
 * modules. The last answer to step=new_password is kept in call->newpw so that
 * PAM_AUTHTOK can follow a change.
 */
static int
pa_answer(struct pa_call *call, const struct proto_msg *msg)
{
	struct pa_conn *c = &call->c;
	pam_handle_t *pamh = c->pamh;
	const char *step = proto_get(msg, "step"), *echo = proto_get(msg, "echo");
	const char *prompt = proto_get(msg, "prompt");
	const void *item = NULL;
	char *answer = NULL;
	int style, is_pw, pr, r;

	if (echo == NULL || prompt == NULL ||
	    (strcmp(echo, "off") != 0 && strcmp(echo, "on") != 0)) {
		pam_syslog(pamh, LOG_ERR, "%s: CONT without echo=on|off and prompt=",
		    c->name);
		return PAM_AUTHINFO_UNAVAIL;
	}
	style = strcmp(echo, "off") == 0 ? PAM_PROMPT_ECHO_OFF : PAM_PROMPT_ECHO_ON;
	is_pw = call->first_pw && style == PAM_PROMPT_ECHO_OFF && step != NULL &&
	    strcmp(step, "password") == 0;
	if (c->o->debug)
		pam_syslog(pamh, LOG_DEBUG, "prompt step=%.32s echo=%s", step ? step : "-", echo);

	if (is_pw) {
		call->first_pw = 0;
		if (c->o->use_first_pass || c->o->try_first_pass) {
			if (pam_get_item(pamh, call->pw_item, &item) == PAM_SUCCESS &&
			    item != NULL) {
				if ((answer = strdup(item)) == NULL) {
					pr = PAM_BUF_ERR;
					goto cancel;
				}
				if (c->o->debug)
					pam_syslog(pamh, LOG_DEBUG, "password taken from %s",
					    call->pw_item == PAM_AUTHTOK ? "PAM_AUTHTOK" :
					    "PAM_OLDAUTHTOK");
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
		if (is_pw && (pam_get_item(pamh, call->pw_item, &item) != PAM_SUCCESS ||
		    item == NULL) && strlen(answer) <= PA_ANSWER_MAX &&
		    (pr = pam_set_item(pamh, call->pw_item, answer)) != PAM_SUCCESS)
			goto cancel;
	}
	if (strlen(answer) > PA_ANSWER_MAX) {
		/* refused, never truncated (STYLE.md habit 11) */
		pam_syslog(pamh, LOG_NOTICE, "answer refused: longer than %d bytes",
		    PA_ANSWER_MAX);
		pa_show(pamh, call->flags, PAM_ERROR_MSG,
		    "Answer refused: longer than 1024 bytes.");
		pr = PAM_AUTH_ERR;
		goto cancel;
	}
	if ((r = proto_begin(c->out, "ANSWER")) != 0 ||
	    (r = proto_add(c->out, "value", answer)) != 0 ||
	    (r = proto_end(c->out)) != 0) {
		buf_reset(c->out);
		pam_syslog(pamh, LOG_NOTICE, "answer refused: %s", authd_strerror(r));
		if (r == AUTHD_ERR_UTF8)
			pa_show(pamh, call->flags, PAM_ERROR_MSG,
			    "Answer refused: not valid UTF-8.");
		pr = r == AUTHD_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR;
		goto cancel;
	}
	if ((r = pa_send(c)) != 0) {
		pam_syslog(pamh, LOG_ERR, "%s: sending the answer: %s", c->name,
		    authd_strerror(r));
		pa_show(pamh, call->flags, PAM_ERROR_MSG, "Authentication service unavailable.");
		pr = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	if (style == PAM_PROMPT_ECHO_OFF && step != NULL && strcmp(step, "new_password") == 0) {
		wipe_free_str(call->newpw);
		call->newpw = answer;
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

/* Add a PAM item to the request when it is set. */
static int
pa_add_item(pam_handle_t *pamh, struct buf *b, const char *key, int item_type)
{
	const void *item = NULL;

	if (pam_get_item(pamh, item_type, &item) != PAM_SUCCESS || item == NULL ||
	    ((const char *)item)[0] == '\0')
		return 0;
	return proto_add(b, key, item);
}

/* VERB key=value [defer_change=1] service= rhost= tty= ruser= host= (R31). */
static int
pa_send_request(struct pa_conn *c, const struct pa_request *req)
{
	char host[256];
	int r;

	if ((r = proto_begin(c->out, req->verb)) != 0 ||
	    (r = proto_add(c->out, req->key, req->value)) != 0 ||
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
	if (req->defer_change && (r = proto_add(c->out, "defer_change", "1")) != 0)
		goto out;
	if ((r = proto_end(c->out)) != 0)
		goto out;
	r = pa_send(c);
 out:
	buf_reset(c->out);	/* it may hold a ticket */
	return r;
}

int
pa_call(pam_handle_t *pamh, const struct pa_opts *o, const struct pa_request *req,
    struct pa_call *call)
{
	struct pa_conn *c = &call->c;
	const char *v;
	int pr = PAM_AUTHINFO_UNAVAIL, nlines, r;

	memset(&call->verdict, 0, sizeof(call->verdict));
	call->newpw = NULL;
	call->first_pw = 1;
	call->open = 0;
	if (pa_open(pamh, o, c) != 0) {
		pa_show(pamh, call->flags, PAM_ERROR_MSG, "Authentication service unavailable.");
		return PAM_AUTHINFO_UNAVAIL;
	}
	call->open = 1;
	if ((r = pa_send_request(c, req)) != 0) {
		pam_syslog(pamh, LOG_ERR, "cannot send %s: %s", req->verb, authd_strerror(r));
		if (r == AUTHD_ERR_IO || r == AUTHD_ERR_CLOSED || r == AUTHD_ERR_TIMEOUT) {
			pa_show(pamh, call->flags, PAM_ERROR_MSG,
			    "Authentication service unavailable.");
			return PAM_AUTHINFO_UNAVAIL;
		}
		/* a user name or PAM item that is not UTF-8 or too long cannot be relayed */
		return r == AUTHD_ERR_NOMEM ? PAM_BUF_ERR : PAM_BAD_ITEM;
	}
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "%s sent for user %s", req->verb, req->user);
	for (nlines = 0; nlines < PA_MAX_LINES; nlines++) {
		proto_msg_clear(&call->verdict);
		if ((r = pa_read_msg(c, &call->verdict)) != 0) {
			pam_syslog(pamh, LOG_ERR, "%s: reading from authd: %s", c->name,
			    authd_strerror(r));
			pa_show(pamh, call->flags, PAM_ERROR_MSG,
			    "Authentication service unavailable.");
			return PAM_AUTHINFO_UNAVAIL;
		}
		v = call->verdict.verb;
		if (strcmp(v, "CONT") == 0 && call->prompts) {
			if ((pr = pa_answer(call, &call->verdict)) != PAM_SUCCESS)
				return pr;
		} else if (strcmp(v, "INFO") == 0 || strcmp(v, "ERROR") == 0) {
			if ((v = proto_get(&call->verdict, "msg")) == NULL)
				break;
			if (o->debug)
				pam_syslog(pamh, LOG_DEBUG, "message %s relayed",
				    call->verdict.verb);
			pa_show(pamh, call->flags, call->verdict.verb[0] == 'I' ?
			    PAM_TEXT_INFO : PAM_ERROR_MSG, v);
		} else if (strcmp(v, "OK") == 0) {
			/* the verdict must be about the user we asked for */
			if ((v = proto_get(&call->verdict, "user")) == NULL ||
			    strcmp(v, req->user) != 0)
				break;
			return PAM_SUCCESS;
		} else if (strcmp(v, "FAIL") == 0)
			return PAM_SUCCESS;
		else
			break;
	}
	/* an unexpected verb, a line without its fields, or too many lines */
	pam_syslog(pamh, LOG_ERR, "%s: unexpected reply from authd to %s (%.32s)", c->name,
	    req->verb, nlines < PA_MAX_LINES ? call->verdict.verb : "too many lines");
	pa_show(pamh, call->flags, PAM_ERROR_MSG, "Authentication service unavailable.");
	return PAM_AUTHINFO_UNAVAIL;
}

void
pa_call_end(struct pa_call *call)
{
	wipe_free_str(call->newpw);
	call->newpw = NULL;
	proto_msg_clear(&call->verdict);
	if (call->open)
		pa_close(&call->c);
	call->open = 0;
}
