/* admin/cmd_host.c: authadm host add | list | revoke (remote hosts over mutual TLS, issue 8). */
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

int
cmd_host_add(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	struct cmd_args args, send;
	struct proto_msg ok;
	const char *dir, *ca, *cert, *key;
	char path[4096];
	int r;

	if ((r = cmd_parse(ctx, def, host_add_opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	dir = cmd_arg(&args, "out");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "authadm: %s: %s\n", dir, strerror(errno));
		cmd_args_clear(&args);
		return CMD_EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "%s/host.key", dir);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "authadm: %s exists: not overwritten\n", path);
		cmd_args_clear(&args);
		return CMD_EXIT_FAIL;
	}
	/* everything but --out goes to authd */
	send = args;
	send.val[1] = NULL;
	if ((r = cmd_call(ctx, "host_add", &send, NULL, NULL, &ok)) == 0) {
		ca = proto_get(&ok, "ca_pem");
		cert = proto_get(&ok, "cert_pem");
		key = proto_get(&ok, "key_pem");
		if (ca == NULL || cert == NULL || key == NULL ||
		    write_new(dir, "ca.crt", ca, 0644) != 0 ||
		    write_new(dir, "host.crt", cert, 0644) != 0 ||
		    write_new(dir, "host.key", key, 0600) != 0)
			r = CMD_EXIT_FAIL;
		else if (!ctx->json)
			printf("host: %s\nserial: %s\nwritten: %s/ca.crt %s/host.crt %s/host.key"
			    " (0600)\n", proto_get(&ok, "name"), proto_get(&ok, "serial"), dir, dir,
			    dir);
		else
			printf("{\"name\":\"%s\",\"serial\":\"%s\"}\n", proto_get(&ok, "name"),
			    proto_get(&ok, "serial"));
		proto_msg_clear(&ok);	/* wipes the key */
	}
	cmd_args_clear(&args);
	return r;
}

static const struct cmd_opt host_list_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const host_list_cols[] = {
	"name", "unit", "critical", "serial", "enrolled_at", "last_seen_at", "revoked_at", NULL
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
