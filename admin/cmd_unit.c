/* admin/cmd_unit.c: authadm unit add | list | set. */
#include <stddef.h>

#include "cmd.h"

static const struct cmd_opt unit_add_opts[] = {
	{ NULL, 0, "code", CMD_WORD, 0 },
	{ "parent", 0, "parent", CMD_WORD, 0 },
	{ "name", 0, "name", CMD_STR, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_unit_add(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, unit_add_opts, "unit_add", 0, argc, argv);
}

static const struct cmd_opt unit_list_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const unit_list_cols[] = {
	"code", "name", "parent", "allow_from", "created_at", NULL
};

int
cmd_unit_list(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_list(ctx, def, unit_list_opts, "unit_list", unit_list_cols,
	    argc, argv);
}

static const struct cmd_opt unit_set_opts[] = {
	{ NULL, 0, "code", CMD_WORD, 0 },
	{ "name", 0, "name", CMD_STR, 0 },
	{ "allow-from", 0, "allow_from", CMD_STR, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_unit_set(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, unit_set_opts, "unit_set", 1, argc, argv);
}
