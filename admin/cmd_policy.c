/* admin/cmd_policy.c: authadm policy list | show | set. */
#include <stdio.h>

#include <jansson.h>

#include "cmd.h"
#include "output.h"

static const struct cmd_opt policy_list_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const policy_list_cols[] = {
	"name", "min_length", "classes", "class_set", "max_age_days",
	"history", NULL
};

int
cmd_policy_list(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_list(ctx, def, policy_list_opts, "policy_list",
	    policy_list_cols, argc, argv);
}

static const struct cmd_opt policy_show_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_policy_show(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	/* every field under its own name, in authd's order */
	return cmd_show(ctx, def, policy_show_opts, "policy_show", argc, argv, NULL, 0, NULL,
	    "policy");
}

static const struct cmd_opt policy_set_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ "min-length", 0, "min_length", CMD_NUM, 0 },
	{ "classes", 0, "classes", CMD_NUM, 0 },
	{ "max-age-days", 0, "max_age_days", CMD_NUM, 0 },
	{ "history", 0, "history", CMD_NUM, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_policy_set(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, policy_set_opts, "policy_set", 1, argc,
	    argv);
}
