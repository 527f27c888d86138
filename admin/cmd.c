/* admin/cmd.c: the request round trip and reply printing shared by authadm's commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "client.h"
#include "client_tls.h"
#include "cmd.h"
#include "config.h"
#include "err.h"
#include "output.h"
#include "proto.h"
#include "session.h"

#define CMD_DEFAULT_CONF	"/etc/authd/authd.conf"
#define CMD_ERRLEN		512

static const char cmd_no_session[] =
    "authadm: no valid session; run 'authadm login -u NAME'\n";

int
cmd_socket(struct cmd_ctx *ctx)
{
	char err[CMD_ERRLEN], *raw = NULL, *cwd = NULL;
	struct config *cfg = NULL;
	const char *path;
	int deflt = 0;

	if (ctx->socket != NULL)
		return 0;
	if (ctx->host_arg != NULL) {
		char host[CLIENT_TLS_HOST_MAX + 1], port[8];

		/* a remote authd: the session file is kept per tls://HOST:PORT */
		if (client_tls_parse(ctx->host_arg, host, sizeof(host), port, sizeof(port), err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "authadm: -H: %s\n", err);
			return CMD_EXIT_USAGE;
		}
		if (ctx->ca == NULL) {
			fprintf(stderr, "authadm: -H needs --ca FILE (authd's CA certificate, "
			    "the ca.crt of its state directory)\n");
			return CMD_EXIT_USAGE;
		}
		if ((ctx->socket = strdup(ctx->host_arg)) == NULL)
			goto nomem;
		return 0;
	}
	if (ctx->ca != NULL) {
		fprintf(stderr, "authadm: --ca is for a remote authd (-H tls://HOST:PORT)\n");
		return CMD_EXIT_USAGE;
	}
	if (ctx->socket_arg != NULL) {
		if ((raw = strdup(ctx->socket_arg)) == NULL)
			goto nomem;
	} else {
		if ((path = ctx->config_path) == NULL) {
			if ((path = getenv("AUTHD_CONF")) == NULL ||
			    path[0] == '\0') {
				path = CMD_DEFAULT_CONF;
				deflt = 1;
			}
		}
		if (config_load(path, &cfg, err, sizeof(err)) != 0) {
			fprintf(stderr, "authadm: %s%s\n", err, deflt ?
			    " (use -c FILE or -s ADMIN_SOCKET)" : "");
			return CMD_EXIT_CONN;
		}
		if (cfg->admin_socket == NULL || cfg->admin_socket[0] == '\0') {
			fprintf(stderr, "authadm: %s: no admin_socket\n", path);
			config_free(&cfg);
			return CMD_EXIT_CONN;
		}
		raw = strdup(cfg->admin_socket);
		config_free(&cfg);
		if (raw == NULL)
			goto nomem;
	}
	if (raw[0] == '\0') {
		free(raw);
		fprintf(stderr, "authadm: empty admin socket path\n");
		return CMD_EXIT_USAGE;
	}
	/* one name per socket: the session file matches however it's given */
	if ((ctx->socket = realpath(raw, NULL)) != NULL) {
		free(raw);
		return 0;
	}
	if (raw[0] == '/') {
		ctx->socket = raw;
		return 0;
	}
	if ((cwd = getcwd(NULL, 0)) == NULL ||
	    asprintf(&ctx->socket, "%s/%s", cwd, raw) == -1) {
		ctx->socket = NULL;
		free(cwd);
		free(raw);
		goto nomem;
	}
	free(cwd);
	free(raw);
	return 0;
 nomem:
	fprintf(stderr, "authadm: out of memory\n");
	return CMD_EXIT_FAIL;
}

int
cmd_fail(const struct proto_msg *msg)
{
	const char *code = proto_get(msg, "code"), *m = proto_get(msg, "msg");
	char err[CMD_ERRLEN];

	if (code != NULL && strcmp(code, "session") == 0) {
		/* the token is dead: forget it */
		(void)session_remove(err, sizeof(err));
		fputs(cmd_no_session, stderr);
		return CMD_EXIT_CONN;
	}
	fputs("authadm: ", stderr);
	if (m != NULL && m[0] != '\0')
		output_safe(stderr, m);
	else {
		fputs("refused by authd: ", stderr);
		output_safe(stderr, code != NULL ? code : "(no code)");
	}
	fputc('\n', stderr);
	return CMD_EXIT_FAIL;
}

/* Add a field; an over-long request is the caller's doing. */
static int
cmd_add(struct buf *line, const char *key, const char *value)
{
	int r;

	if ((r = proto_add(line, key, value)) != 0) {
		fprintf(stderr, "authadm: %s: %s\n", key, authd_strerror(r));
		return r == AUTHD_ERR_NOMEM ? CMD_EXIT_FAIL : CMD_EXIT_USAGE;
	}
	return 0;
}

/* End, send and wipe line: 0, CMD_EXIT_USAGE, or -1 when sending failed (*r_r why). */
static int
cmd_send(struct client *c, struct buf *line, int *r_r)
{
	int r;

	if ((r = proto_end(line)) != 0) {
		buf_reset(line);
		fprintf(stderr, "authadm: request %s\n", authd_strerror(r));
		return CMD_EXIT_USAGE;
	}
	r = client_send(c, line);
	buf_reset(line);
	*r_r = r;
	return r != 0 ? -1 : 0;
}

/*
 * Send line and the nlines built by line_fn, read the reply up to OK or
 * FAIL. When a send fails because authd hung up, its last word (a FAIL
 * naming the bad line) may still be waiting: read it before giving up.
 */
static int
cmd_exchange(struct client *c, struct buf *line, size_t nlines,
    cmd_line_fn *line_fn, void *line_arg, cmd_row_fn *fn, void *arg,
    struct proto_msg *ok_r)
{
	struct proto_msg msg;
	const char *m;
	size_t i;
	int r, sent = 0, send_err = 0;

	if ((r = cmd_send(c, line, &send_err)) > 0)
		return r;
	for (i = 0; r == 0 && i < nlines; i++) {
		if ((r = line_fn(line_arg, i, line)) != 0) {
			buf_reset(line);
			return r;
		}
		if ((r = cmd_send(c, line, &send_err)) > 0)
			return r;
	}
	sent = r == 0;
	for (;;) {
		if ((r = client_recv(c, &msg)) != 0) {
			if (!sent)
				fprintf(stderr, "authadm: sending to authd: "
				    "%s\n", authd_strerror(send_err));
			else
				fprintf(stderr, "authadm: reading from authd: "
				    "%s\n", authd_strerror(r));
			return CMD_EXIT_CONN;
		}
		if (strcmp(msg.verb, "ROW") == 0) {
			r = fn != NULL ? fn(arg, &msg) : 0;
			proto_msg_clear(&msg);
			if (r != 0)
				return r;
		} else if (strcmp(msg.verb, "OK") == 0 && !sent) {
			/* an answer to a request we could not finish */
			proto_msg_clear(&msg);
			fprintf(stderr, "authadm: sending to authd: %s\n",
			    authd_strerror(send_err));
			return CMD_EXIT_CONN;
		} else if (strcmp(msg.verb, "OK") == 0) {
			if (ok_r != NULL)
				*ok_r = msg;	/* moves the storage */
			else
				proto_msg_clear(&msg);
			return CMD_EXIT_OK;
		} else if (strcmp(msg.verb, "FAIL") == 0) {
			r = cmd_fail(&msg);
			proto_msg_clear(&msg);
			return r;
		} else if (strcmp(msg.verb, "INFO") == 0 ||
		    strcmp(msg.verb, "ERROR") == 0) {
			if ((m = proto_get(&msg, "msg")) != NULL) {
				output_safe(stderr, m);
				fputc('\n', stderr);
			}
			proto_msg_clear(&msg);
		} else {
			fputs("authadm: unexpected reply from authd: ", stderr);
			output_safe(stderr, msg.verb);
			fputc('\n', stderr);
			proto_msg_clear(&msg);
			return CMD_EXIT_CONN;
		}
	}
}

int
cmd_call(struct cmd_ctx *ctx, const char *verb, const struct cmd_args *args,
    cmd_row_fn *fn, void *arg, struct proto_msg *ok_r)
{
	return cmd_call_lines(ctx, verb, args, 0, NULL, NULL, fn, arg, ok_r);
}

int
cmd_call_lines(struct cmd_ctx *ctx, const char *verb,
    const struct cmd_args *args, size_t nlines, cmd_line_fn *line_fn,
    void *line_arg, cmd_row_fn *fn, void *arg, struct proto_msg *ok_r)
{
	char err[CMD_ERRLEN];
	struct session *s = NULL;
	struct client *c = NULL;
	struct buf *line = NULL;
	size_t i;
	int r;

	if (ok_r != NULL)
		memset(ok_r, 0, sizeof(*ok_r));
	if ((r = cmd_socket(ctx)) != 0)
		return r;
	if (session_load(ctx->socket, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "authadm: %s\n", err);
		return CMD_EXIT_CONN;
	}
	if (s == NULL) {
		fputs(cmd_no_session, stderr);
		return CMD_EXIT_CONN;
	}
	if ((line = buf_new(PROTO_MAX_LINE)) == NULL) {
		fprintf(stderr, "authadm: out of memory\n");
		r = CMD_EXIT_FAIL;
		goto out;
	}
	if ((r = proto_begin(line, verb)) != 0) {
		fprintf(stderr, "authadm: %s\n", authd_strerror(r));
		r = CMD_EXIT_FAIL;
		goto out;
	}
	if ((r = cmd_add(line, "token", s->token)) != 0)
		goto out;
	for (i = 0; args != NULL && args->opts[i].key != NULL; i++)
		if (args->val[i] != NULL &&
		    (r = cmd_add(line, args->opts[i].key, args->val[i])) != 0)
			goto out;
	if (client_connect(ctx->socket, ctx->ca, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "authadm: %s\n", err);
		r = CMD_EXIT_CONN;
		goto out;
	}
	r = cmd_exchange(c, line, nlines, line_fn, line_arg, fn, arg, ok_r);
 out:
	client_free(&c);
	buf_free(&line);
	session_free(&s);
	return r;
}

static int
cmd_in(const char *const *list, const char *key)
{
	size_t i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], key) == 0)
			return 1;
	return 0;
}

int
cmd_print_fields(struct cmd_ctx *ctx, const struct proto_msg *ok,
    const char *const *order)
{
	json_t *raw, *typed;
	const char *v;
	size_t i;
	int r = 0;

	if (ok->nfields == 0)
		return CMD_EXIT_OK;
	if (ctx->json) {
		if ((raw = output_row_new(ok)) == NULL ||
		    (typed = output_typed(raw)) == NULL) {
			json_decref(raw);
			fprintf(stderr, "authadm: out of memory\n");
			return CMD_EXIT_FAIL;
		}
		r = output_json_print(stdout, typed);
		json_decref(typed);
		json_decref(raw);
		return r == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
	}
	for (i = 0; order != NULL && order[i] != NULL; i++)
		if ((v = proto_get(ok, order[i])) != NULL)
			output_kv(stdout, order[i], v);
	/* with an order, the rest echoes the request, but for "pending" */
	for (i = 0; i < ok->nfields; i++)
		if (!cmd_in(order, ok->fields[i].key) && (order == NULL ||
		    strcmp(ok->fields[i].key, "pending") == 0))
			output_kv(stdout, ok->fields[i].key,
			    ok->fields[i].value);
	return CMD_EXIT_OK;
}

int
cmd_simple(struct cmd_ctx *ctx, const struct cmd_def *def,
    const struct cmd_opt *opts, const char *verb, int need_opt, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	int r;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	if (need_opt && cmd_nopts(&args) == 0) {
		cmd_args_clear(&args);
		return cmd_usage_error(def, "nothing to change");
	}
	if ((r = cmd_call(ctx, verb, &args, NULL, NULL, &ok)) == 0) {
		r = cmd_print_fields(ctx, &ok, NULL);
		proto_msg_clear(&ok);
	}
	cmd_args_clear(&args);
	return r;
}

struct cmd_list_state {
	struct cmd_ctx		*ctx;
	struct output_table	*table;
};

static int
cmd_list_row(void *arg, const struct proto_msg *row)
{
	struct cmd_list_state *st = arg;
	json_t *raw, *typed = NULL;
	int r = -1;

	if ((raw = output_row_new(row)) == NULL)
		goto out;
	if (st->ctx->json) {
		/* one object per line, as it arrives */
		if ((typed = output_typed(raw)) == NULL)
			goto out;
		if (output_json_print(stdout, typed) != 0) {
			fprintf(stderr, "authadm: write error\n");
			r = CMD_EXIT_FAIL;
			goto out2;
		}
		r = 0;
	} else
		r = output_table_add(st->table, raw);
 out:
	if (r == -1) {
		fprintf(stderr, "authadm: out of memory\n");
		r = CMD_EXIT_FAIL;
	}
 out2:
	json_decref(typed);
	json_decref(raw);
	return r;
}

int
cmd_list(struct cmd_ctx *ctx, const struct cmd_def *def,
    const struct cmd_opt *opts, const char *verb, const char *const *cols,
    int argc, char **argv)
{
	struct cmd_list_state st;
	struct cmd_args args;
	int r;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	st.ctx = ctx;
	if ((st.table = output_table_new(cols)) == NULL) {
		cmd_args_clear(&args);
		fprintf(stderr, "authadm: out of memory\n");
		return CMD_EXIT_FAIL;
	}
	r = cmd_call(ctx, verb, &args, cmd_list_row, &st, NULL);
	if (r == 0 && !ctx->json)
		output_table_print(st.table, stdout);
	output_table_free(&st.table);
	cmd_args_clear(&args);
	return r;
}

static int
cmd_show_row(void *arg, const struct proto_msg *row)
{
	json_t **row_r = arg;

	if (*row_r != NULL)
		return 0;		/* one object is shown: the first */
	if ((*row_r = output_row_new(row)) == NULL) {
		fprintf(stderr, "authadm: out of memory\n");
		return CMD_EXIT_FAIL;
	}
	return 0;
}

int
cmd_show(struct cmd_ctx *ctx, const struct cmd_def *def, const struct cmd_opt *opts,
    const char *verb, int argc, char **argv, const struct output_line *lines, size_t nlines,
    json_t *(*to_json)(const json_t *), const char *what)
{
	struct cmd_args args;
	json_t *row = NULL, *typed = NULL;
	int r;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	if ((r = cmd_call(ctx, verb, &args, cmd_show_row, &row, NULL)) != 0)
		goto out;
	if (row == NULL) {
		fprintf(stderr, "authadm: authd sent nothing to show\n");
		r = CMD_EXIT_FAIL;
	} else if (!ctx->json)
		output_show(stdout, row, lines, nlines);
	else if ((typed = (to_json != NULL ? to_json : output_typed)(row)) == NULL ||
	    output_json_print(stdout, typed) != 0) {
		fprintf(stderr, "authadm: cannot print the %s\n", what);
		r = CMD_EXIT_FAIL;
	}
 out:
	json_decref(typed);
	json_decref(row);
	cmd_args_clear(&args);
	return r;
}
