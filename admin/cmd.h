/*
 * admin/cmd.h: what every authadm command shares: the dispatch-table row,
 * strict option parsing, the request round trip with its session token, and
 * the printing of OK fields and listings. Handlers live in cmd_*.c, the
 * table in main.c.
 */
#ifndef ADMIN_CMD_H
#define ADMIN_CMD_H

#include <stdio.h>

#include <jansson.h>

#include "output.h"
#include "proto.h"

/* authadm's exit status (INTERFACE.md). */
enum cmd_exit {
	CMD_EXIT_OK = 0,
	CMD_EXIT_FAIL = 1,	/* authd refused: FAIL (but code=session) */
	CMD_EXIT_USAGE = 2,	/* bad command line */
	CMD_EXIT_CONN = 3,	/* unreachable, bad greeting, no session */
};

/* cmd_parse(): go on with the command (anything else is an exit status). */
#define CMD_CONTINUE	(-1)

struct cmd_ctx {
	const char	*config_path;	/* -c FILE, or NULL */
	const char	*socket_arg;	/* -s ADMIN_SOCKET, or NULL */
	const char	*host_arg;	/* -H tls://HOST:PORT (remote authd), or NULL */
	const char	*ca;		/* --ca FILE: authd's CA certificate, with -H */
	int		 json;		/* --json */
	char		*socket;	/* owned; set by cmd_socket() */
};

struct cmd_def;

/* argv holds the arguments after the command words; returns an exit status. */
typedef int	cmd_handler(struct cmd_ctx *, const struct cmd_def *, int,
		    char **);

/* One row of main.c's dispatch table (STYLE.md habit 10). */
struct cmd_def {
	const char	*group;		/* "user" */
	const char	*name;		/* "add", or NULL for "login" */
	const char	*args;		/* usage after the command words */
	const char	*help;		/* one line */
	cmd_handler	*handler;
};

enum cmd_type {
	CMD_STR,	/* any text, "" included */
	CMD_WORD,	/* non-empty text */
	CMD_NUM,	/* decimal 0..INT_MAX, digits only */
	CMD_TIME,	/* YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] (UTC) or @EPOCH;
			   sent as epoch seconds */
	CMD_DATE,	/* YYYY-MM-DD, or "" */
	CMD_FLAG,	/* takes no argument; sent as 1 */
	CMD_LIST,	/* repeatable; the values joined with commas */
};

#define CMD_REQUIRED	0x01	/* the option must be given */
#define CMD_OPTIONAL	0x02	/* a positional argument that may be absent */
#define CMD_MAX_OPTS	16

/*
 * An option (name set) or a positional argument (name NULL, non-empty,
 * required unless CMD_OPTIONAL), in the order they go on the wire. A table
 * ends with an all-zero row.
 */
struct cmd_opt {
	const char	*name;		/* long name without "--" */
	int		 shortopt;	/* e.g. 'u', or 0 */
	const char	*key;		/* wire key */
	enum cmd_type	 type;
	int		 flags;
};

/* Parsed values, normalised for the wire; indexed like the cmd_opt table. */
struct cmd_args {
	const struct cmd_opt	*opts;
	char			*val[CMD_MAX_OPTS];	/* owned, or NULL */
};

/*
 * Parse argv against opts. -h/--help prints the usage on stdout and returns
 * CMD_EXIT_OK; --json sets ctx->json; a bad command line prints a message
 * and the usage on stderr and returns CMD_EXIT_USAGE. CMD_CONTINUE means
 * go on; then the caller clears args with cmd_args_clear().
 */
int		 cmd_parse(struct cmd_ctx *ctx, const struct cmd_def *def,
		    const struct cmd_opt *opts, int argc, char **argv,
		    struct cmd_args *args);
void		 cmd_args_clear(struct cmd_args *args);
/* The value sent for wire key, or NULL when not given. */
const char	*cmd_arg(const struct cmd_args *args, const char *key);
/* The number of options (not positional arguments) given. */
int		 cmd_nopts(const struct cmd_args *args);
void		 cmd_usage(const struct cmd_def *def, FILE *f);
/* "authadm: MSG" and the usage on stderr; returns CMD_EXIT_USAGE. */
int		 cmd_usage_error(const struct cmd_def *def, const char *fmt,
		    ...) __attribute__((format(printf, 2, 3)));

/* Strict checked conversions; 0 or -1. */
int		 cmd_parse_num(const char *s, unsigned long long max,
		    unsigned long long *v_r);
int		 cmd_parse_time(const char *s, long long *t_r);
int		 cmd_parse_date(const char *s);

/* Resolve ctx->socket from -s, -c, $AUTHD_CONF or the default config. */
int		 cmd_socket(struct cmd_ctx *ctx);

/* Called for each ROW; returns 0 or an exit status that ends the command. */
typedef int	cmd_row_fn(void *arg, const struct proto_msg *row);

/*
 * One request: load the session, connect, send "VERB token=.. args...",
 * feed each ROW to fn (may be NULL), and on OK move the reply into *ok_r
 * (may be NULL; caller proto_msg_clear()s it). Prints every failure and
 * returns the exit status: 0, or 1 (FAIL), 2 (request too long),
 * 3 (no session, unreachable, bad reply, FAIL code=session).
 */
int		 cmd_call(struct cmd_ctx *ctx, const char *verb,
		    const struct cmd_args *args, cmd_row_fn *fn, void *arg,
		    struct proto_msg *ok_r);
/*
 * Build the i-th line (0-based) that follows a request into line: start it
 * with proto_begin(), add fields, leave the ending to the caller. Returns 0
 * or an exit status. The line is wiped once sent, so it may carry secrets.
 */
typedef int	cmd_line_fn(void *arg, size_t i, struct buf *line);

/*
 * cmd_call() for a request followed by nlines more lines (key_import and
 * its KEY lines), each built by line_fn just before it is sent. If authd
 * closes the connection early, its FAIL is still read and shown.
 */
int		 cmd_call_lines(struct cmd_ctx *ctx, const char *verb,
		    const struct cmd_args *args, size_t nlines,
		    cmd_line_fn *line_fn, void *line_arg, cmd_row_fn *fn,
		    void *arg, struct proto_msg *ok_r);
/* Print a FAIL reply; returns its exit status (1, or 3 for code=session). */
int		 cmd_fail(const struct proto_msg *msg);

/*
 * Print the fields of an OK reply: "key: value" lines or, with --json, one
 * typed object of all of them. Text shows the keys of order (NULL: all, as
 * received), then "pending" (an operation held for a second approval).
 * Prints nothing when the reply has no field.
 */
int		 cmd_print_fields(struct cmd_ctx *ctx,
		    const struct proto_msg *ok, const char *const *order);

/* Parse, send, then cmd_print_fields(). With need_opt, at least one option. */
int		 cmd_simple(struct cmd_ctx *ctx, const struct cmd_def *def,
		    const struct cmd_opt *opts, const char *verb, int need_opt,
		    int argc, char **argv);
/*
 * Parse, send, print the ROW lines as a table (cols: header when there is
 * no row) or, with --json, one typed object per line.
 */
int		 cmd_list(struct cmd_ctx *ctx, const struct cmd_def *def,
		    const struct cmd_opt *opts, const char *verb,
		    const char *const *cols, int argc, char **argv);
/*
 * A whole "show" command: parse argv with opts, ask verb, and print the first
 * ROW of the reply with output_show() and lines, or with --json as to_json
 * makes it (NULL: output_typed). what names the object in an error message.
 */
int		 cmd_show(struct cmd_ctx *ctx, const struct cmd_def *def,
		    const struct cmd_opt *opts, const char *verb, int argc, char **argv,
		    const struct output_line *lines, size_t nlines,
		    json_t *(*to_json)(const json_t *), const char *what);

/* Handlers (cmd_*.c). */
cmd_handler	cmd_login;
cmd_handler	cmd_logout;
cmd_handler	cmd_unit_add;
cmd_handler	cmd_unit_list;
cmd_handler	cmd_unit_set;
cmd_handler	cmd_user_add;
cmd_handler	cmd_user_show;
cmd_handler	cmd_user_list;
cmd_handler	cmd_user_set;
cmd_handler	cmd_user_reset_password;
cmd_handler	cmd_user_mark_risk;
cmd_handler	cmd_user_unlock;
cmd_handler	cmd_request_list;
cmd_handler	cmd_request_approve;
cmd_handler	cmd_request_reject;
cmd_handler	cmd_user_freeze;
cmd_handler	cmd_user_unfreeze;
cmd_handler	cmd_user_delete;
cmd_handler	cmd_user_offboard;
cmd_handler	cmd_key_import;
cmd_handler	cmd_key_list;
cmd_handler	cmd_key_show;
cmd_handler	cmd_key_bind;
cmd_handler	cmd_key_unbind;
cmd_handler	cmd_key_lost;
cmd_handler	cmd_key_damaged;
cmd_handler	cmd_key_resync;
cmd_handler	cmd_key_enroll;
cmd_handler	cmd_policy_list;
cmd_handler	cmd_policy_show;
cmd_handler	cmd_policy_set;
cmd_handler	cmd_audit_show;
cmd_handler	cmd_audit_verify;
cmd_handler	cmd_host_add;
cmd_handler	cmd_host_renew;
cmd_handler	cmd_host_list;
cmd_handler	cmd_host_revoke;
cmd_handler	cmd_audit_export;
cmd_handler	cmd_audit_prune;
cmd_handler	cmd_report_review;
cmd_handler	cmd_report_logs;
cmd_handler	cmd_report_incident;

#endif
