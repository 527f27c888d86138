/* admin/cmd_key.c: authadm key enroll (a new soft TOTP token, shown as a QR code on a terminal). */
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "proto.h"
#include "qr.h"

static const struct cmd_opt key_enroll_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const key_enroll_order[] = { "otpauth", "serial", NULL };

int
cmd_key_enroll(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	const char *uri;
	int r;

	if ((r = cmd_parse(ctx, def, key_enroll_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = cmd_call(ctx, "key_enroll", &args, NULL, NULL, &ok)) != 0)
		goto out;
	r = cmd_print_fields(ctx, &ok, key_enroll_order);
	if (r == 0 && !ctx->json && isatty(STDOUT_FILENO) &&
	    (uri = proto_get(&ok, "otpauth")) != NULL && uri[0] != '\0') {
		fflush(stdout);
		if (qr_print(stdout, uri) != 0)
			fprintf(stderr, "authadm: cannot draw the QR code\n");
	}
	proto_msg_clear(&ok);
 out:
	cmd_args_clear(&args);
	return r;
}
