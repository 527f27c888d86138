/* admin/cmd_request.c: authadm request list | approve | reject (the two-person rule, R22). */
#include <stdio.h>

#include "cmd.h"

static const struct cmd_opt request_list_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const request_list_cols[] = {
	"id", "kind", "target", "requester", "state", "created_at", "expires_at",
	"decided_by", NULL
};

int
cmd_request_list(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_list(ctx, def, request_list_opts, "request_list", request_list_cols, argc,
	    argv);
}

static const struct cmd_opt request_id_opts[] = {
	{ NULL, 0, "id", CMD_NUM, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_request_approve(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_simple(ctx, def, request_id_opts, "request_approve", 0, argc, argv);
}

int
cmd_request_reject(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_simple(ctx, def, request_id_opts, "request_reject", 0, argc, argv);
}
