/*
 * pam_module/pa_relay.h: one request to authd and its conversation, relayed
 * to the application: the request line with the PAM items, each CONT through
 * the PAM conversation, INFO/ERROR shown, until authd's verdict (OK or FAIL),
 * which the caller maps to a PAM result. Hidden symbols (-fvisibility=hidden).
 */
#ifndef PAM_AUTHD_PA_RELAY_H
#define PAM_AUTHD_PA_RELAY_H

#include <security/pam_modules.h>

#include "pa_conn.h"
#include "proto.h"

#define PA_ANSWER_MAX		1024	/* bytes; authd refuses more (protocol.md) */

/*
 * One request. pa_call() fills it; pa_call_end() releases everything
 * (wiping newpw and the verdict), also on a zeroed pa_call.
 */
struct pa_call {
	struct pa_conn		 c;
	int			 open;		/* c is connected: pa_call_end() closes it */
	int			 flags;		/* the entry point's flags (PAM_SILENT) */
	/*
	 * Where the answer to step=password comes from with use_first_pass /
	 * try_first_pass, and where a typed one is left for stacked modules:
	 * PAM_AUTHTOK in authenticate, PAM_OLDAUTHTOK in chauthtok.
	 */
	int			 pw_item;
	int			 prompts;	/* 0: a CONT is a protocol error (ACCT) */
	int			 first_pw;	/* step=password not seen yet */
	char			*newpw;		/* the last answer to step=new_password */
	struct proto_msg	 verdict;	/* OK or FAIL, when pa_call() returned PAM_SUCCESS */
};

/* The request: the verb, one identifying field, and optionally defer_change=1. */
struct pa_request {
	const char	*verb;		/* AUTH, CHPASS, ACCT */
	const char	*key;		/* "user" or "ticket" */
	const char	*value;		/* its value (a ticket is a secret: never logged) */
	const char	*user;		/* the user the verdict must name (OK user=) */
	int		 defer_change;
};

/* Show text through the conversation (PAM_TEXT_INFO, PAM_ERROR_MSG) unless PAM_SILENT. */
void	pa_show(pam_handle_t *pamh, int flags, int style, const char *text);

/*
 * Connect, send the request followed by service, rhost, tty, ruser and host
 * (R31), and relay authd's lines until OK or FAIL. call->flags, pw_item and
 * prompts must be set; the rest is initialised here. Returns PAM_SUCCESS
 * with the verdict in call->verdict (an OK always names req->user), or:
 * PAM_AUTHINFO_UNAVAIL (authd unreachable, silent, or saying something
 * unexpected; the user is told), PAM_BAD_ITEM (the request cannot be encoded:
 * a name or item that is not UTF-8 or too long), PAM_CONV_ERR / PAM_BUF_ERR
 * (the application's conversation failed), PAM_AUTH_ERR (an answer refused by
 * the module, e.g. over PA_ANSWER_MAX bytes), PAM_AUTHTOK_RECOVERY_ERR
 * (use_first_pass and no earlier password). Call pa_call_end() in all cases.
 */
int	pa_call(pam_handle_t *pamh, const struct pa_opts *o, const struct pa_request *req,
	    struct pa_call *call);
void	pa_call_end(struct pa_call *call);

#endif
