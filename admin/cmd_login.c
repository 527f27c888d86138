/* admin/cmd_login.c: authadm login (the conversation, prompts, token file) and logout. */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "cmd.h"
#include "err.h"
#include "output.h"
#include "proto.h"
#include "session.h"
#include "wipe.h"

#define LOGIN_MAX_ANSWER	1024	/* bytes, docs/protocol.md */
#define LOGIN_ERRLEN		512

/* Where answers come from: a terminal (prompts shown) or a plain stdin. */
struct login_io {
	int	 in;		/* fd answers are read from */
	FILE	*tty;		/* prompts; NULL: stdin is no terminal */
	int	 own;		/* tty was opened here (/dev/tty) */
};

/* Signals that interrupt an echo-off read; the terminal is restored first. */
static const int login_signals[] = {
	SIGALRM, SIGHUP, SIGINT, SIGPIPE, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN,
	SIGTTOU
};
#define LOGIN_NSIG	(sizeof(login_signals) / sizeof(login_signals[0]))

static volatile sig_atomic_t login_signo;

static void
login_catch(int sig)
{
	login_signo = sig;
}

static int
login_io_open(struct login_io *io)
{
	int fd;

	memset(io, 0, sizeof(*io));
	io->in = STDIN_FILENO;
	if (!isatty(STDIN_FILENO))
		return 0;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) != -1) {
		if ((io->tty = fdopen(fd, "w")) == NULL) {
			close(fd);
			return -1;
		}
		io->in = fd;
		io->own = 1;
	} else
		io->tty = stderr;
	return 0;
}

static void
login_io_close(struct login_io *io)
{
	if (io->own && io->tty != NULL)
		fclose(io->tty);
	memset(io, 0, sizeof(*io));
}

/*
 * Read one line from fd into ans (at most LOGIN_MAX_ANSWER bytes once the
 * trailing LF and CR are gone). Returns 0, 1 at end of input before any
 * byte, AUTHD_ERR_TOOLONG, AUTHD_ERR_NUL, or AUTHD_ERR_IO (errno set; EINTR
 * when a signal came).
 */
static int
login_read_line(int fd, char *ans, size_t cap, size_t *len_r)
{
	size_t len = 0, seen = 0;
	ssize_t n;
	char c;

	*len_r = 0;
	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0) {
			if (errno == EINTR && login_signo == 0)
				continue;
			wipe(ans, cap);
			return AUTHD_ERR_IO;
		}
		if (n == 0) {
			if (seen == 0)
				return 1;
			break;		/* a last line without LF */
		}
		if (c == '\n')
			break;
		seen++;
		if (len < cap - 1)
			ans[len++] = c;
	}
	c = 0;
	if (len > 0 && ans[len - 1] == '\r' && seen == len) {
		ans[--len] = '\0';
		seen--;
	}
	ans[len] = '\0';
	if (seen > LOGIN_MAX_ANSWER) {
		wipe(ans, cap);
		return AUTHD_ERR_TOOLONG;
	}
	if (strlen(ans) != len) {
		wipe(ans, cap);
		return AUTHD_ERR_NUL;
	}
	*len_r = len;
	return 0;
}

/* Read an answer from the terminal with echo off; signals restore it first. */
static int
login_read_noecho(struct login_io *io, const char *prompt, char *ans,
    size_t cap, size_t *len_r)
{
	struct sigaction sa, saved[LOGIN_NSIG];
	struct termios term, noecho;
	size_t i;
	int r, sig, have_term;

 again:
	login_signo = 0;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = login_catch;	/* no SA_RESTART: read() returns */
	for (i = 0; i < LOGIN_NSIG; i++)
		(void)sigaction(login_signals[i], &sa, &saved[i]);
	have_term = tcgetattr(io->in, &term) == 0;
	if (have_term) {
		noecho = term;
		noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		(void)tcsetattr(io->in, TCSAFLUSH, &noecho);
	}
	output_safe(io->tty, prompt);
	fflush(io->tty);
	r = login_read_line(io->in, ans, cap, len_r);
	if (have_term)
		(void)tcsetattr(io->in, TCSAFLUSH, &term);
	fputc('\n', io->tty);	/* the LF the user typed was not echoed */
	fflush(io->tty);
	for (i = 0; i < LOGIN_NSIG; i++)
		(void)sigaction(login_signals[i], &saved[i], NULL);
	if ((sig = login_signo) != 0) {
		wipe(ans, cap);
		*len_r = 0;
		/* let it act as it would have, with the terminal restored */
		(void)kill(getpid(), sig);
		if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			goto again;	/* continued: ask again */
		return AUTHD_ERR_IO;
	}
	return r;
}

/* Ask for one answer; returns 0 or an exit status (message printed). */
static int
login_ask(struct login_io *io, const struct proto_msg *cont, char *ans,
    size_t cap)
{
	const char *prompt = proto_get(cont, "prompt");
	const char *echo = proto_get(cont, "echo");
	size_t len;
	int r;

	if (prompt == NULL)
		prompt = "";
	if (io->tty == NULL)
		r = login_read_line(io->in, ans, cap, &len);
	else if (echo != NULL && strcmp(echo, "on") == 0) {
		output_safe(io->tty, prompt);
		fflush(io->tty);
		r = login_read_line(io->in, ans, cap, &len);
	} else
		r = login_read_noecho(io, prompt, ans, cap, &len);
	switch (r) {
	case 0:
		return 0;
	case 1:
		fputs("authadm: no answer to '", stderr);
		output_safe(stderr, prompt);
		fputs("' (end of input)\n", stderr);
		break;
	case AUTHD_ERR_TOOLONG:
		fprintf(stderr, "authadm: answer refused: longer than %d "
		    "bytes\n", LOGIN_MAX_ANSWER);
		break;
	case AUTHD_ERR_NUL:
		fprintf(stderr, "authadm: answer refused: it holds a NUL "
		    "byte\n");
		break;
	default:
		fprintf(stderr, "authadm: reading the answer: %s\n",
		    strerror(errno));
		break;
	}
	return CMD_EXIT_FAIL;
}

/* Build and send one line of a single optional field. */
static int
login_send(struct client *c, struct buf *line, const char *verb,
    const char *key, const char *value)
{
	int r;

	if ((r = proto_begin(line, verb)) == 0 &&
	    (key == NULL || (r = proto_add(line, key, value)) == 0) &&
	    (r = proto_end(line)) == 0)
		r = client_send(c, line);
	buf_reset(line);	/* wipes the answer or token */
	return r;
}

/* Keep the token of an OK reply; returns an exit status. */
static int
login_done(struct cmd_ctx *ctx, struct client *c, struct buf *line,
    const struct proto_msg *ok, const char *name)
{
	char err[LOGIN_ERRLEN];
	struct session s;
	const char *token = proto_get(ok, "token");
	const char *user = proto_get(ok, "user");
	int r = CMD_EXIT_OK;

	if (token == NULL || !session_token_valid(token)) {
		fprintf(stderr, "authadm: authd sent no valid session "
		    "token\n");
		return CMD_EXIT_CONN;
	}
	if (user == NULL || user[0] == '\0')
		user = name;
	s.socket = ctx->socket;
	s.token = (char *)token;
	s.user = (char *)user;
	if (session_save(&s, err, sizeof(err)) != 0) {
		fprintf(stderr, "authadm: %s\n", err);
		/* an unkept session should not stay open */
		(void)login_send(c, line, "LOGOUT", "token", token);
		return CMD_EXIT_FAIL;
	}
	fputs("logged in as ", stderr);
	output_safe(stderr, user);
	fputc('\n', stderr);
	return r;
}

static const struct cmd_opt login_opts[] = {
	{ "user", 'u', "user", CMD_WORD, CMD_REQUIRED },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_login(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	char err[LOGIN_ERRLEN], ans[LOGIN_MAX_ANSWER + 2];
	struct login_io io;
	struct cmd_args args;
	struct proto_msg msg;
	struct client *c = NULL;
	struct buf *line = NULL;
	const char *name, *m;
	int r;

	memset(&msg, 0, sizeof(msg));
	memset(&io, 0, sizeof(io));
	if ((r = cmd_parse(ctx, def, login_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	name = cmd_arg(&args, "user");
	if ((r = cmd_socket(ctx)) != 0)
		goto out;
	if ((line = buf_new(PROTO_MAX_LINE)) == NULL ||
	    login_io_open(&io) != 0) {
		fprintf(stderr, "authadm: out of memory\n");
		r = CMD_EXIT_FAIL;
		goto out;
	}
	if (client_connect(ctx->socket, ctx->ca, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "authadm: %s\n", err);
		r = CMD_EXIT_CONN;
		goto out;
	}
	if ((r = login_send(c, line, "LOGIN", "user", name)) != 0)
		goto ioerr;
	for (;;) {
		if ((r = client_recv(c, &msg)) != 0)
			goto ioerr;
		if (strcmp(msg.verb, "CONT") == 0) {
			if ((r = login_ask(&io, &msg, ans, sizeof(ans))) != 0) {
				(void)login_send(c, line, "CANCEL", NULL, NULL);
				goto out;
			}
			r = login_send(c, line, "ANSWER", "value", ans);
			wipe(ans, sizeof(ans));
			if (r == AUTHD_ERR_UTF8) {
				fprintf(stderr, "authadm: answer refused: not "
				    "valid UTF-8\n");
				(void)login_send(c, line, "CANCEL", NULL, NULL);
				r = CMD_EXIT_FAIL;
				goto out;
			}
			if (r != 0)
				goto ioerr;
		} else if (strcmp(msg.verb, "INFO") == 0 ||
		    strcmp(msg.verb, "ERROR") == 0) {
			if ((m = proto_get(&msg, "msg")) != NULL) {
				output_safe(stderr, m);
				fputc('\n', stderr);
			}
		} else if (strcmp(msg.verb, "OK") == 0) {
			r = login_done(ctx, c, line, &msg, name);
			goto out;
		} else if (strcmp(msg.verb, "FAIL") == 0) {
			r = cmd_fail(&msg);
			goto out;
		} else {
			fputs("authadm: unexpected reply from authd: ", stderr);
			output_safe(stderr, msg.verb);
			fputc('\n', stderr);
			r = CMD_EXIT_CONN;
			goto out;
		}
		proto_msg_clear(&msg);
	}
 ioerr:
	fprintf(stderr, "authadm: authd: %s\n", authd_strerror(r));
	r = CMD_EXIT_CONN;
 out:
	wipe(ans, sizeof(ans));
	proto_msg_clear(&msg);
	login_io_close(&io);
	client_free(&c);
	buf_free(&line);
	cmd_args_clear(&args);
	return r;
}

static const struct cmd_opt logout_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_logout(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	char err[LOGIN_ERRLEN];
	struct cmd_args args;
	struct proto_msg msg;
	struct session *s = NULL;
	struct client *c = NULL;
	struct buf *line = NULL;
	const char *code;
	int r;

	memset(&msg, 0, sizeof(msg));
	if ((r = cmd_parse(ctx, def, logout_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = cmd_socket(ctx)) != 0)
		goto out;
	if (session_load(ctx->socket, &s, err, sizeof(err)) != 0) {
		/* a broken session file is dropped all the same */
		fprintf(stderr, "authadm: %s\n", err);
		goto forget;
	}
	if (s == NULL) {
		fprintf(stderr, "authadm: not logged in\n");
		r = CMD_EXIT_OK;
		goto out;
	}
	if ((line = buf_new(PROTO_MAX_LINE)) == NULL) {
		fprintf(stderr, "authadm: out of memory\n");
		r = CMD_EXIT_FAIL;
		goto forget;
	}
	if (client_connect(ctx->socket, ctx->ca, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "authadm: %s; session forgotten here only\n",
		    err);
		r = CMD_EXIT_CONN;
		goto forget;
	}
	if ((r = login_send(c, line, "LOGOUT", "token", s->token)) != 0 ||
	    (r = client_recv(c, &msg)) != 0) {
		fprintf(stderr, "authadm: authd: %s; session forgotten here "
		    "only\n", authd_strerror(r));
		r = CMD_EXIT_CONN;
		goto forget;
	}
	code = proto_get(&msg, "code");
	if (strcmp(msg.verb, "OK") == 0 || (strcmp(msg.verb, "FAIL") == 0 &&
	    code != NULL && strcmp(code, "session") == 0))
		r = CMD_EXIT_OK;	/* gone either way */
	else if (strcmp(msg.verb, "FAIL") == 0)
		r = cmd_fail(&msg);
	else {
		fputs("authadm: unexpected reply from authd: ", stderr);
		output_safe(stderr, msg.verb);
		fputc('\n', stderr);
		r = CMD_EXIT_CONN;
	}
 forget:
	if (session_remove(err, sizeof(err)) != 0) {
		fprintf(stderr, "authadm: %s\n", err);
		if (r == CMD_EXIT_OK)
			r = CMD_EXIT_FAIL;
	} else if (r == CMD_EXIT_OK)
		fprintf(stderr, "logged out\n");
 out:
	proto_msg_clear(&msg);
	client_free(&c);
	buf_free(&line);
	session_free(&s);
	cmd_args_clear(&args);
	return r;
}
