/* admin/cmd_host.c: authadm host add | renew | list | revoke (remote hosts over mutual TLS, issue 8). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "wipe.h"

static const struct cmd_opt host_add_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ "out", 0, "out", CMD_WORD, CMD_REQUIRED },
	{ "unit", 0, "unit", CMD_WORD, 0 },
	{ "critical", 0, "critical", CMD_FLAG, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* Write dir/file (O_EXCL: never over an existing one). */
static int
write_new(const char *dir, const char *file, const char *text, mode_t mode)
{
	char path[4096];
	size_t len = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) == -1) {
		fprintf(stderr, "authadm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		fprintf(stderr, "authadm: %s: %s\n", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static const char *const host_files[] = { "ca.crt", "host.crt", "host.key" };

/*
 * host add and host renew: send everything but --out (option row 1) to authd
 * as verb, and write the credentials it answers with into --out.
 */
static int
host_credentials(struct cmd_ctx *ctx, const struct cmd_def *def, const struct cmd_opt *opts,
    const char *verb, int argc, char **argv)
{
	struct cmd_args args, send;
	struct proto_msg ok;
	const char *dir, *ca, *cert, *key;
	char path[4096];
	size_t i;
	int r;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	dir = cmd_arg(&args, "out");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "authadm: %s: %s\n", dir, strerror(errno));
		cmd_args_clear(&args);
		return CMD_EXIT_FAIL;
	}
	/* before authd issues anything: never over existing files */
	for (i = 0; i < sizeof(host_files) / sizeof(host_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, host_files[i]);
		if (access(path, F_OK) == 0) {
			fprintf(stderr, "authadm: %s exists: not overwritten (use an empty "
			    "directory)\n", path);
			cmd_args_clear(&args);
			return CMD_EXIT_FAIL;
		}
	}
	send = args;
	send.val[1] = NULL;
	if ((r = cmd_call(ctx, verb, &send, NULL, NULL, &ok)) == 0) {
		ca = proto_get(&ok, "ca_pem");
		cert = proto_get(&ok, "cert_pem");
		key = proto_get(&ok, "key_pem");
		if (ca == NULL || cert == NULL || key == NULL ||
		    write_new(dir, "ca.crt", ca, 0644) != 0 ||
		    write_new(dir, "host.crt", cert, 0644) != 0 ||
		    write_new(dir, "host.key", key, 0600) != 0)
			r = CMD_EXIT_FAIL;
		else if (!ctx->json)
			printf("host: %s\nserial: %s\nexpires: %s\nwritten: %s/ca.crt "
			    "%s/host.crt %s/host.key (0600)\n", proto_get(&ok, "name"),
			    proto_get(&ok, "serial"), proto_get(&ok, "expires") ?
			    proto_get(&ok, "expires") : "-", dir, dir, dir);
		else
			/* a validated host name, hex and an ISO time: nothing to escape */
			printf("{\"name\":\"%s\",\"serial\":\"%s\",\"expires\":\"%s\"}\n",
			    proto_get(&ok, "name"), proto_get(&ok, "serial"),
			    proto_get(&ok, "expires") ? proto_get(&ok, "expires") : "");
		proto_msg_clear(&ok);	/* wipes the key */
	}
	cmd_args_clear(&args);
	return r;
}

int
cmd_host_add(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return host_credentials(ctx, def, host_add_opts, "host_add", argc, argv);
}

static const struct cmd_opt host_renew_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ "out", 0, "out", CMD_WORD, CMD_REQUIRED },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_host_renew(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return host_credentials(ctx, def, host_renew_opts, "host_renew", argc, argv);
}

static const struct cmd_opt host_list_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const host_list_cols[] = {
	"name", "unit", "critical", "serial", "enrolled_at", "last_seen_at", "expires_at",
	"renewing", "revoked_at", NULL
};

int
cmd_host_list(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_list(ctx, def, host_list_opts, "host_list", host_list_cols, argc, argv);
}

static const struct cmd_opt host_name_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_host_revoke(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_simple(ctx, def, host_name_opts, "host_revoke", 0, argc, argv);
}
