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
	char iso[OUTPUT_ISO_LEN];
	struct cmd_args args;
	json_t *row = NULL, *typed = NULL, *v;
	const char *key, *s;
	int r;

	if ((r = cmd_parse(ctx, def, policy_show_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = cmd_show(ctx, "policy_show", &args, &row)) != 0)
		goto out;
	if (ctx->json) {
		if ((typed = output_typed(row)) == NULL ||
		    output_json_print(stdout, typed) != 0) {
			fprintf(stderr, "authadm: cannot print the policy\n");
			r = CMD_EXIT_FAIL;
		}
		goto out;
	}
	json_object_foreach(row, key, v) {
		s = json_string_value(v);
		if (output_is_time_key(key) && s[0] != '\0' &&
		    output_iso8601(s, iso, sizeof(iso)) == 0)
			s = iso;
		output_kv(stdout, key, s);
	}
 out:
	json_decref(typed);
	json_decref(row);
	cmd_args_clear(&args);
	return r;
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
