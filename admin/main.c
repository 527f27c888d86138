/* admin/main.c: authadm's global options and its dispatch table, one row per command. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"

static const struct cmd_def main_cmds[] = {
	{ "login", NULL, "-u NAME",
	    "Authenticate as administrator NAME and keep a session.",
	    cmd_login },
	{ "logout", NULL, "",
	    "End the session and remove its token file.",
	    cmd_logout },
	{ "unit", "add", "CODE [--parent CODE] [--name TEXT]",
	    "Create an organisational unit.",
	    cmd_unit_add },
	{ "unit", "list", "",
	    "List the units.",
	    cmd_unit_list },
	{ "unit", "set", "CODE [--name TEXT] [--allow-from CIDR[,CIDR...]]",
	    "Change a unit; --allow-from \"\" clears the networks.",
	    cmd_unit_set },
	{ "user", "add", "NAME|--generate --unit CODE [--role ROLE]... [--policy NAME] "
	    "[--phone NUM] [--im ID] [--id-number ID] [--expires YYYY-MM-DD] "
	    "[--key SERIAL | --soft-token]",
	    "Create an account; prints its initial password "
	    "(and, with --soft-token, its otpauth URI).",
	    cmd_user_add },
	{ "user", "show", "NAME",
	    "Show an account.",
	    cmd_user_show },
	{ "user", "list", "[--unit CODE] [--state STATE] [--created-by NAME] "
	    "[--since TIME] [--inactive DAYS]",
	    "List accounts; --inactive: those not used for DAYS days. TIME: "
	    "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] (UTC) or @EPOCH.",
	    cmd_user_list },
	{ "user", "set", "NAME [--phone NUM] [--im ID] [--id-number ID] [--policy NAME] "
	    "[--expires DATE] [--role ROLE]... [--allow-from CIDR[,CIDR...]] "
	    "[--hosts UNIT[,UNIT...]]",
	    "Change an account; --role replaces the roles; "
	    "--allow-from \"\" clears the networks.",
	    cmd_user_set },
	{ "user", "reset-password", "NAME",
	    "Set a new initial password, to be changed at next login; "
	    "prints it.",
	    cmd_user_reset_password },
	{ "user", "mark-risk", "NAME",
	    "Require a password change at next login.",
	    cmd_user_mark_risk },
	{ "user", "unlock", "NAME",
	    "Lift a temporary lock after failed logins.",
	    cmd_user_unlock },
	{ "user", "freeze", "NAME --reason TEXT | --created-by NAME "
	    "--since TIME --reason TEXT",
	    "Freeze an account, or every account NAME created since TIME "
	    "(prints each and \"frozen: N\"): no login until unfrozen.",
	    cmd_user_freeze },
	{ "user", "unfreeze", "NAME",
	    "Unfreeze an account.",
	    cmd_user_unfreeze },
	{ "user", "delete", "NAME",
	    "Delete a frozen account that holds no key (its name stays "
	    "taken).",
	    cmd_user_delete },
	{ "user", "offboard", "NAME [--reason TEXT]",
	    "Departure: freeze the account and return its key to stock, "
	    "in one step; prints the key's serial.",
	    cmd_user_offboard },
	{ "key", "import", "FILE [--unit CODE] [-n|--dry-run]",
	    "Import keys from a PSKC (RFC 6030) file or CSV lines "
	    "serial,hotp|totp,secret_hex[,digits[,period]]; prints "
	    "\"imported: N\". --dry-run checks the file and lists the keys "
	    "without sending them.",
	    cmd_key_import },
	{ "key", "list", "[--state STATE] [--unit CODE] [--holder NAME]",
	    "List keys. STATE: stock, bound, returned, lost, damaged, "
	    "retired.",
	    cmd_key_list },
	{ "key", "show", "SERIAL",
	    "Show a key.",
	    cmd_key_show },
	{ "key", "bind", "NAME SERIAL",
	    "Give key SERIAL (in stock or returned) to account NAME.",
	    cmd_key_bind },
	{ "key", "unbind", "NAME",
	    "Take back NAME's key: a hardware key returns to stock "
	    "(\"returned\"), a soft token is retired.",
	    cmd_key_unbind },
	{ "key", "lost", "SERIAL [--reason TEXT]",
	    "Register a lost key: revoked for good (state lost), its holder "
	    "frozen.",
	    cmd_key_lost },
	{ "key", "damaged", "SERIAL [--reason TEXT]",
	    "Register a damaged key: revoked for good (state damaged), its "
	    "holder frozen.",
	    cmd_key_damaged },
	{ "key", "resync", "SERIAL CODE1 CODE2",
	    "Resynchronise a drifted token with two consecutive codes.",
	    cmd_key_resync },
	{ "key", "enroll", "NAME",
	    "Bind a new soft TOTP token; prints its otpauth URI "
	    "(and a QR code on a terminal).",
	    cmd_key_enroll },
	{ "host", "add", "NAME --out DIR [--unit CODE] [--critical]",
	    "Enroll a host for mutual TLS: writes ca.crt, host.crt, host.key (0600) into DIR.",
	    cmd_host_add },
	{ "host", "renew", "NAME --out DIR",
	    "A new certificate for an enrolled host (the old one works until the host uses it).",
	    cmd_host_renew },
	{ "host", "list", "",
	    "List the enrolled hosts.",
	    cmd_host_list },
	{ "host", "revoke", "NAME",
	    "Cut a host off at once (new and open connections).",
	    cmd_host_revoke },
	{ "request", "list", "",
	    "Operations waiting for a second person (two-person rule).",
	    cmd_request_list },
	{ "request", "approve", "ID",
	    "Approve another administrator's held operation.",
	    cmd_request_approve },
	{ "request", "reject", "ID",
	    "Reject a held operation.",
	    cmd_request_reject },
	{ "policy", "list", "",
	    "List the password policies.",
	    cmd_policy_list },
	{ "policy", "show", "NAME",
	    "Show a password policy.",
	    cmd_policy_show },
	{ "policy", "set", "NAME [--min-length N] [--classes N] "
	    "[--max-age-days N] [--history N]",
	    "Change a password policy.",
	    cmd_policy_set },
	{ "audit", "show", "[--actor NAME] [--target NAME] [--action VERB] "
	    "[--since TIME] [--until TIME] [--limit N]",
	    "Show audit records. TIME: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] "
	    "(UTC) or @EPOCH.",
	    cmd_audit_show },
	{ "audit", "export", "FILE",
	    "Write every audit record with its MAC and authd's signature to FILE (new, 0600).",
	    cmd_audit_export },
	{ "audit", "prune", "",
	    "Drop records older than audit_retention_days that were exported.",
	    cmd_audit_prune },
	{ "audit", "verify", "[--file FILE [--key HEX]]",
	    "Check the audit log's hash chain and its anchor: \"audit chain intact: N "
	    "records\", or exit 1 naming the first bad record.",
	    cmd_audit_verify },
	{ "report", "review", "[--inactive-days N]",
	    "Access review: every account in your scope with its unit, roles, state, key, last "
	    "login, password age and flags (never_used, inactive, expired, no_key, must_change, "
	    "password_expired, locked); inactive: no login for N days (90).",
	    cmd_report_review },
	{ "report", "logs", "[--month YYYY-MM]",
	    "The monthly log check: chain intact, oldest record vs audit_retention_days, counts "
	    "by action and result, failed logins by source (default: this month).",
	    cmd_report_logs },
	{ "report", "incident", "NAME [--since TIME]",
	    "What NAME did, the accounts it created and what was done to it, since TIME.",
	    cmd_report_incident },
};
#define MAIN_NCMDS	(sizeof(main_cmds) / sizeof(main_cmds[0]))

/* The commands, all of them or those of one group. */
static void
main_usage(FILE *f, const char *group)
{
	const struct cmd_def *d;
	size_t i;

	if (group == NULL) {
		fputs("usage: authadm [-c FILE | -s ADMIN_SOCKET | -H tls://HOST:PORT --ca FILE]\n"
		    "               [--json] COMMAND [ARGS]\n"
		    "  -c FILE           read the admin socket from authd's "
		    "configuration\n"
		    "                    (default: $AUTHD_CONF, else "
		    "/etc/authd/authd.conf)\n"
		    "  -s ADMIN_SOCKET   connect to this admin socket (wins over "
		    "-c)\n"
		    "  -H tls://HOST:PORT  a remote authd (its tls_listen) over TLS 1.3;\n"
		    "                    an IPv6 address in brackets: tls://[::1]:PORT\n"
		    "  --ca FILE         with -H: authd's CA certificate (ca.crt), the\n"
		    "                    only one the server's certificate may come from\n"
		    "                    ($AUTHADM_SERVER stands for -H when no -c, -s or -H is\n"
		    "                    given, $AUTHADM_CA for --ca when -H has none)\n"
		    "  --json            print JSON\n"
		    "  -h, --help        this help; 'authadm COMMAND --help' "
		    "for one command\n"
		    "commands:\n", f);
	} else
		fprintf(f, "usage: authadm [-c FILE | -s ADMIN_SOCKET | -H tls://HOST:PORT "
		    "--ca FILE] [--json] %s COMMAND [ARGS]\ncommands:\n", group);
	for (i = 0; i < MAIN_NCMDS; i++) {
		d = &main_cmds[i];
		if (group != NULL && strcmp(d->group, group) != 0)
			continue;
		fprintf(f, "  %s%s%s%s%s\n", d->group,
		    d->name != NULL ? " " : "", d->name != NULL ? d->name : "",
		    d->args[0] != '\0' ? " " : "", d->args);
	}
}

static int __attribute__((format(printf, 2, 3)))
main_usage_error(const char *group, const char *fmt, ...)
{
	va_list ap;

	fputs("authadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (group != NULL)
		main_usage(stderr, group);
	else
		fputs("usage: authadm [-c FILE | -s ADMIN_SOCKET | -H tls://HOST:PORT --ca FILE] "
		    "[--json] COMMAND [ARGS]\nRun 'authadm --help' for the commands.\n",
		    stderr);
	return CMD_EXIT_USAGE;
}

static int
main_is_help(const char *a)
{
	return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

/*
 * Take the value of -c/-s (short) or --config/--socket (long) at argv[*ip],
 * either attached or the next word. NULL on a usage error.
 */
static const char *
main_optval(int argc, char **argv, int *ip, const char *lname)
{
	const char *a = argv[*ip];
	size_t n = strlen(lname);

	if (a[1] != '-' && a[2] != '\0')
		return a + 2;				/* -cFILE */
	if (a[1] == '-' && a[2 + n] == '=')
		return a + 3 + n;			/* --config=FILE */
	if (*ip + 1 >= argc)
		return NULL;
	return argv[++*ip];
}

static const struct cmd_def *
main_find(const char *group, const char *name)
{
	size_t i;

	for (i = 0; i < MAIN_NCMDS; i++)
		if (strcmp(main_cmds[i].group, group) == 0 &&
		    (name == NULL || (main_cmds[i].name != NULL &&
		    strcmp(main_cmds[i].name, name) == 0)))
			return &main_cmds[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx;
	const struct cmd_def *d;
	const char *a, *v, **slot, *lname;
	int i, r;

	memset(&ctx, 0, sizeof(ctx));
	output_init();
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (main_is_help(a)) {
			main_usage(stdout, NULL);
			return CMD_EXIT_OK;
		}
		if (strcmp(a, "--json") == 0) {
			ctx.json = 1;
			continue;
		}
		if (strncmp(a, "-c", 2) == 0 || strcmp(a, "--config") == 0 ||
		    strncmp(a, "--config=", 9) == 0) {
			slot = &ctx.config_path;
			lname = "config";
		} else if (strncmp(a, "-s", 2) == 0 ||
		    strcmp(a, "--socket") == 0 ||
		    strncmp(a, "--socket=", 9) == 0) {
			slot = &ctx.socket_arg;
			lname = "socket";
		} else if (strncmp(a, "-H", 2) == 0 ||
		    strcmp(a, "--host") == 0 ||
		    strncmp(a, "--host=", 7) == 0) {
			slot = &ctx.host_arg;
			lname = "host";
		} else if (strcmp(a, "--ca") == 0 || strncmp(a, "--ca=", 5) == 0) {
			slot = &ctx.ca;
			lname = "ca";
		} else
			return main_usage_error(NULL, "unknown option '%s'", a);
		if ((v = main_optval(argc, argv, &i, lname)) == NULL)
			return main_usage_error(NULL, "option '%s' needs an "
			    "argument", a);
		if (v[0] == '\0')
			return main_usage_error(NULL, "option '%s' needs a "
			    "non-empty argument", a);
		if (*slot != NULL)
			return main_usage_error(NULL, "option '%s' given more "
			    "than once", a);
		*slot = v;
	}
	if (ctx.host_arg != NULL && (ctx.socket_arg != NULL || ctx.config_path != NULL))
		return main_usage_error(NULL, "%s", "-H (a remote authd) and -c/-s (a local "
		    "one) exclude each other");
	/* an administrator's own machine: the remote authd from the environment */
	if (ctx.host_arg == NULL && ctx.socket_arg == NULL && ctx.config_path == NULL &&
	    (v = getenv("AUTHADM_SERVER")) != NULL && v[0] != '\0')
		ctx.host_arg = v;
	if (ctx.host_arg != NULL && ctx.ca == NULL && (v = getenv("AUTHADM_CA")) != NULL &&
	    v[0] != '\0')
		ctx.ca = v;
	if (i >= argc)
		return main_usage_error(NULL, "%s", "no command given");
	a = argv[i++];
	if ((d = main_find(a, NULL)) == NULL)
		return main_usage_error(NULL, "unknown command '%s'", a);
	if (d->name != NULL) {
		/* a group: the sub-command comes next */
		if (i < argc && main_is_help(argv[i])) {
			main_usage(stdout, a);
			return CMD_EXIT_OK;
		}
		if (i >= argc)
			return main_usage_error(a, "'%s' needs a command", a);
		if ((d = main_find(a, argv[i])) == NULL)
			return main_usage_error(a, "unknown command '%s'",
			    argv[i]);
		i++;
	}
	r = d->handler(&ctx, d, argc - i, argv + i);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "authadm: write error on standard output\n");
		if (r == CMD_EXIT_OK)
			r = CMD_EXIT_FAIL;
	}
	free(ctx.socket);
	return r;
}
