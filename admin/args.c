/* admin/args.c: strict parsing of authadm's command lines: options, numbers, dates and times (cmd.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "proto.h"

#define CMD_MAX_EPOCH		253402300799LL	/* 9999-12-31T23:59:59Z */

void
cmd_usage(const struct cmd_def *def, FILE *f)
{
	fprintf(f, "usage: authadm [-c FILE | -s ADMIN_SOCKET] [--json] "
	    "%s%s%s%s%s\n", def->group, def->name != NULL ? " " : "",
	    def->name != NULL ? def->name : "",
	    def->args[0] != '\0' ? " " : "", def->args);
	fprintf(f, "%s\n", def->help);
}

int
cmd_usage_error(const struct cmd_def *def, const char *fmt, ...)
{
	va_list ap;

	fputs("authadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_usage(def, stderr);
	return CMD_EXIT_USAGE;
}

int
cmd_parse_num(const char *s, unsigned long long max, unsigned long long *v_r)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;		/* no sign, no space, not empty */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*v_r = v;
	return 0;
}

/* Exactly n ASCII digits at s. */
static int
cmd_digits(const char *s, size_t n, int *v_r)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*v_r = v;
	return 0;
}

static int
cmd_mdays(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* The leading "YYYY-MM-DD" of s, checked against the calendar. */
static int
cmd_ymd(const char *s, int *y_r, int *m_r, int *d_r)
{
	if (cmd_digits(s, 4, y_r) != 0 || s[4] != '-' ||
	    cmd_digits(s + 5, 2, m_r) != 0 || s[7] != '-' ||
	    cmd_digits(s + 8, 2, d_r) != 0)
		return -1;
	if (*y_r < 1970 || *m_r < 1 || *m_r > 12 || *d_r < 1 ||
	    *d_r > cmd_mdays(*y_r, *m_r))
		return -1;
	return 0;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (y >= 1970). */
static long long
cmd_days(int y, int m, int d)
{
	long long yy = y - (m <= 2), era, yoe, doy, doe;

	era = yy / 400;
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
cmd_parse_date(const char *s)
{
	int y, m, d;

	if (strlen(s) != 10)
		return -1;
	return cmd_ymd(s, &y, &m, &d);
}

int
cmd_parse_time(const char *s, long long *t_r)
{
	unsigned long long v;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s);
	const char *p;

	if (s[0] == '@') {
		if (cmd_parse_num(s + 1, CMD_MAX_EPOCH, &v) != 0)
			return -1;
		*t_r = (long long)v;
		return 0;
	}
	if (n < 10 || cmd_ymd(s, &y, &mo, &d) != 0)
		return -1;
	p = s + 10;
	if (*p == 'T') {
		if (cmd_digits(p + 1, 2, &h) != 0 || p[3] != ':' ||
		    cmd_digits(p + 4, 2, &mi) != 0)
			return -1;
		p += 6;
		if (*p == ':') {
			if (cmd_digits(p + 1, 2, &sec) != 0)
				return -1;
			p += 3;
		}
		if (*p == 'Z')
			p++;
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*t_r = cmd_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* Check and normalise one value for the wire into *out_r (malloc'd). */
static int
cmd_value(const struct cmd_def *def, const char *what,
    const struct cmd_opt *o, const char *in, char **out_r)
{
	unsigned long long n;
	long long t;
	int len;

	*out_r = NULL;
	if (!proto_utf8_valid((const unsigned char *)in, strlen(in)))
		return cmd_usage_error(def, "%s: not valid UTF-8", what);
	switch (o->type) {
	case CMD_WORD:
		if (in[0] == '\0')
			return cmd_usage_error(def, "%s: must not be empty",
			    what);
		break;
	case CMD_NUM:
		if (cmd_parse_num(in, INT_MAX, &n) != 0)
			return cmd_usage_error(def, "%s: not a number "
			    "(0..%d): '%s'", what, INT_MAX, in);
		len = asprintf(out_r, "%llu", n);
		goto fmt;
	case CMD_TIME:
		if (cmd_parse_time(in, &t) != 0)
			return cmd_usage_error(def, "%s: not a time "
			    "(YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] or @EPOCH): "
			    "'%s'", what, in);
		len = asprintf(out_r, "%lld", t);
		goto fmt;
	case CMD_DATE:
		if (in[0] != '\0' && cmd_parse_date(in) != 0)
			return cmd_usage_error(def, "%s: not a date "
			    "(YYYY-MM-DD): '%s'", what, in);
		break;
	case CMD_STR:
	case CMD_FLAG:
	case CMD_LIST:
		break;
	}
	len = (*out_r = strdup(in)) == NULL ? -1 : 0;
 fmt:
	if (len < 0) {
		*out_r = NULL;
		fprintf(stderr, "authadm: out of memory\n");
		return CMD_EXIT_FAIL;
	}
	return CMD_CONTINUE;
}

/* Store the value of opts[i]; lists grow, others may be given once. */
static int
cmd_set(const struct cmd_def *def, struct cmd_args *args, size_t i,
    const char *what, const char *in)
{
	const struct cmd_opt *o = &args->opts[i];
	char *v, *joined;
	int r;

	if (args->val[i] != NULL && o->type != CMD_LIST)
		return cmd_usage_error(def, "%s given more than once", what);
	if ((r = cmd_value(def, what, o, in, &v)) != CMD_CONTINUE)
		return r;
	if (o->type == CMD_LIST && args->val[i] != NULL && v[0] != '\0') {
		if (args->val[i][0] == '\0')
			joined = strdup(v);
		else if (asprintf(&joined, "%s,%s", args->val[i], v) == -1)
			joined = NULL;
		free(v);
		if (joined == NULL) {
			fprintf(stderr, "authadm: out of memory\n");
			return CMD_EXIT_FAIL;
		}
		v = joined;
	} else if (o->type == CMD_LIST && args->val[i] != NULL) {
		free(v);		/* an empty element adds nothing */
		return CMD_CONTINUE;
	}
	free(args->val[i]);
	args->val[i] = v;
	return CMD_CONTINUE;
}

void
cmd_args_clear(struct cmd_args *args)
{
	size_t i;

	for (i = 0; i < CMD_MAX_OPTS; i++) {
		free(args->val[i]);
		args->val[i] = NULL;
	}
}

const char *
cmd_arg(const struct cmd_args *args, const char *key)
{
	size_t i;

	for (i = 0; args->opts[i].key != NULL; i++)
		if (strcmp(args->opts[i].key, key) == 0)
			return args->val[i];
	return NULL;
}

int
cmd_nopts(const struct cmd_args *args)
{
	size_t i;
	int n = 0;

	for (i = 0; args->opts[i].key != NULL; i++)
		if (args->opts[i].name != NULL && args->val[i] != NULL)
			n++;
	return n;
}

/* Handle one option word at argv[*ip]; may consume the next word. */
static int
cmd_option(struct cmd_ctx *ctx, const struct cmd_def *def,
    struct cmd_args *args, int argc, char **argv, int *ip)
{
	const char *arg = argv[*ip], *name, *eq = NULL, *val = NULL;
	char what[64];
	size_t i, namelen;

	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
		cmd_usage(def, stdout);
		return CMD_EXIT_OK;
	}
	if (strcmp(arg, "--json") == 0) {
		ctx->json = 1;
		return CMD_CONTINUE;
	}
	if (arg[1] == '-') {
		name = arg + 2;
		if ((eq = strchr(name, '=')) != NULL)
			val = eq + 1;
		namelen = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (i = 0; args->opts[i].key != NULL; i++)
			if (args->opts[i].name != NULL &&
			    strlen(args->opts[i].name) == namelen &&
			    strncmp(args->opts[i].name, name, namelen) == 0)
				break;
	} else {
		for (i = 0; args->opts[i].key != NULL; i++)
			if (args->opts[i].shortopt != 0 &&
			    args->opts[i].shortopt == arg[1])
				break;
		if (args->opts[i].key != NULL && arg[2] != '\0')
			val = arg + 2;		/* -uNAME */
	}
	if (args->opts[i].key == NULL)
		return cmd_usage_error(def, "unknown option '%s'", arg);
	if (arg[1] == '-')
		snprintf(what, sizeof(what), "--%s", args->opts[i].name);
	else
		snprintf(what, sizeof(what), "-%c", args->opts[i].shortopt);
	if (args->opts[i].type == CMD_FLAG) {
		if (val != NULL)
			return cmd_usage_error(def, "%s takes no argument",
			    what);
		val = "1";
	} else if (val == NULL) {
		if (*ip + 1 >= argc)
			return cmd_usage_error(def, "%s needs an argument",
			    what);
		val = argv[++*ip];
	}
	return cmd_set(def, args, i, what, val);
}

int
cmd_parse(struct cmd_ctx *ctx, const struct cmd_def *def,
    const struct cmd_opt *opts, int argc, char **argv, struct cmd_args *args)
{
	size_t i, n;
	int k, r, only_pos = 0;

	memset(args, 0, sizeof(*args));
	args->opts = opts;
	for (n = 0; opts[n].key != NULL; n++)
		;
	if (n > CMD_MAX_OPTS)
		abort();		/* a broken table in the source */
	for (k = 0; k < argc; k++) {
		if (!only_pos && strcmp(argv[k], "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && argv[k][0] == '-' && argv[k][1] != '\0') {
			r = cmd_option(ctx, def, args, argc, argv, &k);
		} else {
			/* the next positional argument not yet given */
			for (i = 0; i < n; i++)
				if (opts[i].name == NULL &&
				    args->val[i] == NULL)
					break;
			if (i == n)
				r = cmd_usage_error(def, "unexpected argument "
				    "'%s'", argv[k]);
			else if (argv[k][0] == '\0')
				r = cmd_usage_error(def, "empty argument");
			else
				r = cmd_set(def, args, i, "argument", argv[k]);
		}
		if (r != CMD_CONTINUE)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		if (args->val[i] != NULL)
			continue;
		if (opts[i].name == NULL && !(opts[i].flags & CMD_OPTIONAL)) {
			r = cmd_usage_error(def, "missing argument");
			goto fail;
		}
		if (opts[i].flags & CMD_REQUIRED) {
			if (opts[i].shortopt != 0)
				r = cmd_usage_error(def, "-%c is required",
				    opts[i].shortopt);
			else
				r = cmd_usage_error(def, "--%s is required",
				    opts[i].name);
			goto fail;
		}
	}
	return CMD_CONTINUE;
 fail:
	cmd_args_clear(args);
	return r;
}
