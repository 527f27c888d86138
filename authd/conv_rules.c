/*
 * authd/conv_rules.c: the login-time rules the conversation applies once the
 * factors are verified: must the password be changed now (R6, R7, a tightened
 * policy), and may the account log in from where it is (R21).
 */
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "conv.h"
#include "conv_int.h"
#include "server.h"
#include "store.h"

/*
 * R21: the source address against the nearest allow_from setting: the
 * user's, else its unit's, else the units' above. No setting: any source. A
 * login without a remote host (a local console) is not a remote login.
 */
int
conv_source_allowed(struct conv *cv)
{
	struct server *srv = cv->c->srv;
	struct store_unit unit;
	char list[STORE_TEXT_MAX + 1];
	int64_t id = cv->u.unit_id;
	int depth;

	snprintf(list, sizeof(list), "%s", cv->u.allow_from);
	for (depth = 0; list[0] == '\0' && id > 0 && depth < 64; depth++) {
		if (store_unit_get_id(srv->st, id, &unit) != 0)
			return 0;	/* fail closed */
		snprintf(list, sizeof(list), "%s", unit.allow_from);
		id = unit.parent_id;
	}
	if (list[0] == '\0')
		return 1;
	if (cv->rhost[0] == '\0')
		return !cv->remote;	/* a local console, unless the client says otherwise */
	return cidr_list_match(list, cv->rhost);
}

const char *
conv_change_reason(struct conv *cv, int64_t now, char *msg, size_t msglen)
{
	char pmsg[512];

	if (strcmp(cv->u.must_change, "initial") == 0)
		return "Your password is an initial password and must be changed now.";
	if (strcmp(cv->u.must_change, "reset") == 0)
		return "Your password was reset by an administrator and must be changed now.";
	if (strcmp(cv->u.must_change, "risk") == 0)
		return "Your password is marked at risk and must be changed now.";
	if (cv->pol.max_age_days > 0 &&
	    now - cv->u.pw_changed_at >= (int64_t)cv->pol.max_age_days * 86400) {
		snprintf(msg, msglen, "Your password is older than %u days and must be changed now.",
		    cv->pol.max_age_days);
		return msg;
	}
	/* a tightened policy is enforced at the next login: the plaintext is in hand now */
	if (cv->password != NULL &&
	    policy_check(&cv->pol, cv->user, cv->password, pmsg, sizeof(pmsg)) != 0) {
		snprintf(msg, msglen, "Your password no longer meets the %s policy (%s) and must"
		    " be changed now.", cv->pol.name, pmsg);
		return msg;
	}
	return NULL;
}

/*
 * Issue 8: a user limited to the hosts of given units (user set --hosts) logs
 * in only on an enrolled host of one of them; local and unrestricted users pass.
 */
int
conv_host_allowed(struct conv *cv)
{
	char list[STORE_TEXT_MAX + 1], *p, *tok, *save = NULL;

	if (cv->u.hosts[0] == '\0')
		return 1;
	if (!cv->c->tls || cv->c->tls_unit[0] == '\0')
		return 0;	/* only enrolled hosts of the listed units */
	snprintf(list, sizeof(list), "%s", cv->u.hosts);
	for (p = list; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL)
		if (strcmp(tok, cv->c->tls_unit) == 0)
			return 1;
	return 0;
}
