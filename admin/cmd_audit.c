/* admin/cmd_audit.c: authadm audit show | verify. */
#include <stddef.h>
#include <stdio.h>

#include "cmd.h"

static const struct cmd_opt audit_show_opts[] = {
	{ "actor", 0, "actor", CMD_WORD, 0 },
	{ "target", 0, "target", CMD_WORD, 0 },
	{ "action", 0, "action", CMD_WORD, 0 },
	{ "since", 0, "since", CMD_TIME, 0 },
	{ "until", 0, "until", CMD_TIME, 0 },
	{ "limit", 0, "limit", CMD_NUM, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const audit_show_cols[] = {
	"seq", "time", "actor", "action", "target", "result", "reason",
	"source_addr", "source_port", "host", "service", "tty", "ruser", NULL
};

int
cmd_audit_show(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_list(ctx, def, audit_show_opts, "audit_show",
	    audit_show_cols, argc, argv);
}

static const struct cmd_opt audit_verify_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

/* R33: "audit chain intact: N records", or exit 1 naming the first bad record. */
int
cmd_audit_verify(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	const char *n;
	int r;

	if ((r = cmd_parse(ctx, def, audit_verify_opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_call(ctx, "audit_verify", &args, NULL, NULL, &ok)) == 0) {
		n = proto_get(&ok, "records");
		if (ctx->json)
			r = cmd_print_fields(ctx, &ok, NULL);
		else
			printf("audit chain intact: %s records\n", n != NULL ? n : "?");
		proto_msg_clear(&ok);
	}
	cmd_args_clear(&args);
	return r;
}
