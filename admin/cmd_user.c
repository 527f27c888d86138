/*
 * admin/cmd_user.c: authadm user add | show | list | set | reset-password |
 * mark-risk | unlock | freeze | unfreeze | delete | offboard.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "output.h"
#include "proto.h"

static const struct cmd_opt user_add_opts[] = {
	{ NULL, 0, "name", CMD_WORD, CMD_OPTIONAL },
	{ "unit", 0, "unit", CMD_WORD, CMD_REQUIRED },
	{ "role", 0, "roles", CMD_LIST, 0 },
	{ "policy", 0, "policy", CMD_WORD, 0 },
	{ "phone", 0, "phone", CMD_STR, 0 },
	{ "im", 0, "im", CMD_STR, 0 },
	{ "id-number", 0, "id_number", CMD_STR, 0 },
	{ "expires", 0, "expires", CMD_DATE, 0 },
	{ "key", 0, "key", CMD_WORD, 0 },
	{ "soft-token", 0, "soft_token", CMD_FLAG, 0 },
	{ "generate", 0, "generate", CMD_FLAG, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* What a new or reset account's reply shows first. */
static const char *const user_secret_order[] = {
	"pending", "password", "otpauth", "serial", NULL
};

int
cmd_user_add(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	int r;

	if ((r = cmd_parse(ctx, def, user_add_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if (cmd_arg(&args, "key") != NULL &&
	    cmd_arg(&args, "soft_token") != NULL) {
		r = cmd_usage_error(def, "--key and --soft-token exclude each "
		    "other");
		goto out;
	}
	/* R4: NAME, or --generate for the next name of username_template */
	if ((cmd_arg(&args, "name") == NULL) == (cmd_arg(&args, "generate") == NULL)) {
		r = cmd_usage_error(def, "give either NAME or --generate");
		goto out;
	}
	if ((r = cmd_call(ctx, "user_add", &args, NULL, NULL, &ok)) == 0) {
		/* a generated name is news to the caller: print it first */
		if (cmd_arg(&args, "generate") != NULL && !ctx->json &&
		    proto_get(&ok, "name") != NULL)
			printf("name: %s\n", proto_get(&ok, "name"));
		r = cmd_print_fields(ctx, &ok, user_secret_order);
		proto_msg_clear(&ok);
	}
 out:
	cmd_args_clear(&args);
	return r;
}

static const struct cmd_opt user_name_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* "user show": the label printed and the ROW field it comes from, in order. */
static const struct output_line user_show_lines[] = {
	{ "name", "name", NULL },
	{ "unit", "unit", NULL },
	{ "state", "state", NULL },
	{ "roles", "roles", NULL },
	{ "policy", "policy", NULL },
	{ "key", "key", NULL },
	{ "phone", "phone", NULL },
	{ "im", "im", NULL },
	{ "id_number", "id_number", NULL },
	{ "must_change", "must_change", NULL },
	{ "must_change_reason", "must_change_reason", NULL },
	{ "password_changed", "password_changed_at", NULL },
	{ "expires", "expires", NULL },
	{ "created", "created_at", NULL },
	{ "created_by", "created_by", NULL },
	{ "last_login", "last_login_at", "never" },
};

/* The typed object, with "password_changed" beside "password_changed_at". */
static json_t *
user_show_json(const json_t *row)
{
	const char *key;
	json_t *o, *v, *tv;

	if ((o = json_object()) == NULL)
		return NULL;
	json_object_foreach((json_t *)row, key, v) {	/* reads only */
		if ((tv = output_typed_value(key, json_string_value(v))) ==
		    NULL || json_object_set_new(o, key, tv) != 0)
			goto fail;
		if (strcmp(key, "password_changed_at") != 0)
			continue;
		if ((tv = output_typed_value(key, json_string_value(v))) ==
		    NULL || json_object_set_new(o, "password_changed", tv) != 0)
			goto fail;
	}
	return o;
 fail:
	json_decref(o);
	return NULL;
}

int
cmd_user_show(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_show(ctx, def, user_name_opts, "user_show", argc, argv, user_show_lines,
	    sizeof(user_show_lines) / sizeof(user_show_lines[0]), user_show_json, "account");
}

static const struct cmd_opt user_list_opts[] = {
	{ "unit", 0, "unit", CMD_WORD, 0 },
	{ "state", 0, "state", CMD_WORD, 0 },
	{ "created-by", 0, "created_by", CMD_WORD, 0 },
	{ "since", 0, "since", CMD_TIME, 0 },
	{ "inactive", 0, "inactive", CMD_NUM, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const user_list_cols[] = {
	"name", "unit", "state", "roles", "policy", "key", NULL
};

int
cmd_user_list(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_list(ctx, def, user_list_opts, "user_list", user_list_cols,
	    argc, argv);
}

/* "" clears phone, im, expires, roles and allow_from. */
static const struct cmd_opt user_set_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ "phone", 0, "phone", CMD_STR, 0 },
	{ "im", 0, "im", CMD_STR, 0 },
	{ "id-number", 0, "id_number", CMD_STR, 0 },
	{ "hosts", 0, "hosts", CMD_STR, 0 },
	{ "policy", 0, "policy", CMD_WORD, 0 },
	{ "expires", 0, "expires", CMD_DATE, 0 },
	{ "role", 0, "roles", CMD_LIST, 0 },
	{ "allow-from", 0, "allow_from", CMD_STR, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_user_set(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, user_set_opts, "user_set", 1, argc, argv);
}

int
cmd_user_reset_password(struct cmd_ctx *ctx, const struct cmd_def *def,
    int argc, char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	int r;

	if ((r = cmd_parse(ctx, def, user_name_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = cmd_call(ctx, "user_reset_password", &args, NULL, NULL,
	    &ok)) == 0) {
		r = cmd_print_fields(ctx, &ok, user_secret_order);
		proto_msg_clear(&ok);
	}
	cmd_args_clear(&args);
	return r;
}

int
cmd_user_mark_risk(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, user_name_opts, "user_mark_risk", 0, argc,
	    argv);
}

int
cmd_user_unlock(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_simple(ctx, def, user_name_opts, "user_unlock", 0, argc, argv);
}

/* One account by NAME, or in bulk every account created by one since TIME. */
static const struct cmd_opt user_freeze_opts[] = {
	{ NULL, 0, "name", CMD_WORD, CMD_OPTIONAL },
	{ "created-by", 0, "created_by", CMD_WORD, 0 },
	{ "since", 0, "since", CMD_TIME, 0 },
	{ "reason", 0, "reason", CMD_WORD, CMD_REQUIRED },
	{ NULL, 0, NULL, 0, 0 }
};

/* Bulk freeze: each ROW name is an account frozen now. */
static int
user_frozen_row(void *arg, const struct proto_msg *row)
{
	struct cmd_ctx *ctx = arg;
	const char *name = proto_get(row, "name");
	json_t *o;
	int r;

	if (name == NULL)
		return 0;
	if (!ctx->json) {
		output_safe(stdout, name);
		putc('\n', stdout);
		return 0;
	}
	if ((o = json_pack("{s:s}", "name", name)) == NULL) {
		fprintf(stderr, "authadm: out of memory\n");
		return CMD_EXIT_FAIL;
	}
	r = output_json_print(stdout, o) == 0 ? 0 : CMD_EXIT_FAIL;
	json_decref(o);
	return r;
}

/* "frozen: N", or {"frozen":N}: here "frozen" is a count, not a flag. */
static int
user_frozen_total(struct cmd_ctx *ctx, const struct proto_msg *ok)
{
	const char *n = proto_get(ok, "frozen");
	unsigned long long v;
	json_t *o;
	int r;

	if (n == NULL)
		n = "";
	if (!ctx->json) {
		output_kv(stdout, "frozen", n);
		return CMD_EXIT_OK;
	}
	if (cmd_parse_num(n, 1ULL << 52, &v) == 0)
		o = json_pack("{s:I}", "frozen", (json_int_t)v);
	else
		o = json_pack("{s:s}", "frozen", n);
	if (o == NULL) {
		fprintf(stderr, "authadm: out of memory\n");
		return CMD_EXIT_FAIL;
	}
	r = output_json_print(stdout, o) == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
	json_decref(o);
	return r;
}

int
cmd_user_freeze(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	int r, bulk;

	if ((r = cmd_parse(ctx, def, user_freeze_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	bulk = cmd_arg(&args, "created_by") != NULL ||
	    cmd_arg(&args, "since") != NULL;
	if (cmd_arg(&args, "name") != NULL && bulk) {
		r = cmd_usage_error(def, "NAME, or --created-by and --since: "
		    "not both");
		goto out;
	}
	if (cmd_arg(&args, "name") == NULL && (cmd_arg(&args,
	    "created_by") == NULL || cmd_arg(&args, "since") == NULL)) {
		r = cmd_usage_error(def, bulk ? "--created-by and --since go "
		    "together" : "missing argument");
		goto out;
	}
	if (!bulk) {
		if ((r = cmd_call(ctx, "user_freeze", &args, NULL, NULL,
		    &ok)) == 0) {
			r = cmd_print_fields(ctx, &ok, NULL);
			proto_msg_clear(&ok);
		}
		goto out;
	}
	if ((r = cmd_call(ctx, "user_freeze", &args, user_frozen_row, ctx,
	    &ok)) == 0) {
		r = user_frozen_total(ctx, &ok);
		proto_msg_clear(&ok);
	}
 out:
	cmd_args_clear(&args);
	return r;
}

int
cmd_user_unfreeze(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_simple(ctx, def, user_name_opts, "user_unfreeze", 0, argc, argv);
}

int
cmd_user_delete(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, user_name_opts, "user_delete", 0, argc,
	    argv);
}

static const struct cmd_opt user_offboard_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ "reason", 0, "reason", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* Departure (R24): freeze, and the key back to stock, in one transaction. */
int
cmd_user_offboard(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, user_offboard_opts, "user_offboard", 0,
	    argc, argv);
}
