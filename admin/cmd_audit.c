/* admin/cmd_audit.c: authadm audit show. */
#include <stddef.h>

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
