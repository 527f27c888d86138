/*
 * admin/cmd_key.c: authadm key import | list | show | bind | unbind | lost |
 * damaged | resync | enroll: the custodian's key inventory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "csv.h"
#include "err.h"
#include "output.h"
#include "proto.h"
#include "pskcfile.h"
#include "qr.h"
#include "wipe.h"

#define KEY_FILE_MAX	(16UL * 1024 * 1024)	/* bytes of an import file */
#define KEY_ERRLEN	512

/* Print "authadm: FILE: msg" with the file's text made harmless. */
static void
key_file_error(const char *path, const char *msg)
{
	fputs("authadm: ", stderr);
	output_safe(stderr, path);
	fputs(": ", stderr);
	output_safe(stderr, msg);
	fputc('\n', stderr);
}

/*
 * Read all of path (at most KEY_FILE_MAX bytes) into *buf_r, *len_r. The
 * buffer holds secrets: the caller wipes len bytes and frees it.
 */
static int
key_read_file(const char *path, char **buf_r, size_t *len_r)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r = CMD_EXIT_FAIL;

	*buf_r = NULL;
	*len_r = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		key_file_error(path, strerror(errno));
		return CMD_EXIT_FAIL;
	}
	if (fstat(fd, &st) == -1) {
		key_file_error(path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		key_file_error(path, "is a directory");
		goto out;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size >
	    KEY_FILE_MAX)
		goto toobig;
	/* one allocation, never grown: no copy of a secret is left behind */
	if ((buf = malloc(KEY_FILE_MAX + 1)) == NULL) {
		key_file_error(path, "out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, buf + len, KEY_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			key_file_error(path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > KEY_FILE_MAX)
			goto toobig;
	}
	*buf_r = buf;
	*len_r = len;
	buf = NULL;
	r = 0;
	goto out;
 toobig:
	key_file_error(path, "larger than 16 MiB");
 out:
	if (buf != NULL) {
		wipe(buf, len);
		free(buf);
	}
	close(fd);
	return r;
}

/* Parse the file's bytes as PSKC or CSV into *b_r (caller frees). */
static int
key_parse(const char *path, const char *data, size_t len,
    struct csv_batch **b_r)
{
	struct pskcfile_notes notes;
	struct csv_batch *b;
	char err[KEY_ERRLEN];
	int pskc, r;

	*b_r = NULL;
	pskc = pskcfile_detect(data, len);
	if ((b = csv_batch_new(pskc ? "key package" : "line")) == NULL) {
		fprintf(stderr, "authadm: out of memory\n");
		return CMD_EXIT_FAIL;
	}
	if (pskc) {
		r = pskcfile_parse(data, len, b, &notes, err, sizeof(err));
		pskcfile_done();
	} else
		r = csv_parse(data, len, b, err, sizeof(err));
	if (r != 0) {
		key_file_error(path, err);
		csv_batch_free(&b);
		return CMD_EXIT_FAIL;
	}
	if (pskc && notes.signed_doc)
		key_file_error(path, "note: the PSKC signature is not "
		    "verified");
	if (pskc && notes.no_serial > 0) {
		snprintf(err, sizeof(err), "note: %zu key package%s without "
		    "DeviceInfo SerialNo: the Key Id is used as serial",
		    notes.no_serial, notes.no_serial == 1 ? "" : "s");
		key_file_error(path, err);
	}
	if (pskc && notes.pin_skipped > 0) {
		snprintf(err, sizeof(err), "note: %zu PIN key package%s "
		    "skipped", notes.pin_skipped,
		    notes.pin_skipped == 1 ? "" : "s");
		key_file_error(path, err);
	}
	*b_r = b;
	return 0;
}

/* --dry-run: what would be imported, without the secrets. */
static int
key_import_show(struct cmd_ctx *ctx, const struct csv_batch *b)
{
	static const char *const cols[] = {
		"serial", "kind", "digits", "period", "counter", NULL
	};
	struct output_table *t;
	struct proto_msg m;
	char num[3][24];
	json_t *raw, *typed;
	size_t i;
	int r = 0;

	if ((t = output_table_new(cols)) == NULL)
		goto nomem;
	for (i = 0; i < b->n && r == 0; i++) {
		memset(&m, 0, sizeof(m));
		snprintf(num[0], sizeof(num[0]), "%u", b->keys[i].digits);
		/* a period means nothing to HOTP, a counter nothing to TOTP */
		snprintf(num[1], sizeof(num[1]), "%u", b->keys[i].period);
		snprintf(num[2], sizeof(num[2]), "%llu", b->keys[i].counter);
		if (b->keys[i].kind == CSV_HOTP)
			num[1][0] = '\0';
		else
			num[2][0] = '\0';
		m.fields[0].key = "serial";
		m.fields[0].value = b->keys[i].serial;
		m.fields[1].key = "kind";
		m.fields[1].value = csv_kind_name(b->keys[i].kind);
		m.fields[2].key = "digits";
		m.fields[2].value = num[0];
		m.fields[3].key = "period";
		m.fields[3].value = num[1];
		m.fields[4].key = "counter";
		m.fields[4].value = num[2];
		m.nfields = 5;
		if ((raw = output_row_new(&m)) == NULL)
			goto nomem;
		if (ctx->json) {
			if ((typed = output_typed(raw)) == NULL) {
				json_decref(raw);
				goto nomem;
			}
			r = output_json_print(stdout, typed) == 0 ? 0 :
			    CMD_EXIT_FAIL;
			json_decref(typed);
		} else if (output_table_add(t, raw) != 0) {
			json_decref(raw);
			goto nomem;
		}
		json_decref(raw);
	}
	if (!ctx->json)
		output_table_print(t, stdout);
	output_table_free(&t);
	return r;
 nomem:
	output_table_free(&t);
	fprintf(stderr, "authadm: out of memory\n");
	return CMD_EXIT_FAIL;
}

/* cmd_line_fn: the i-th "KEY serial= kind= secret= digits= period= counter=". */
static int
key_import_line(void *arg, size_t i, struct buf *line)
{
	static const char hexd[] = "0123456789abcdef";
	const struct csv_batch *b = arg;
	const struct csv_key *k = &b->keys[i];
	char hex[2 * CSV_MAX_SECRET + 1];
	size_t j;
	int r;

	for (j = 0; j < k->secret_len; j++) {
		hex[2 * j] = hexd[k->secret[j] >> 4];
		hex[2 * j + 1] = hexd[k->secret[j] & 0x0f];
	}
	hex[2 * j] = '\0';
	if ((r = proto_begin(line, "KEY")) != 0 ||
	    (r = proto_add(line, "serial", k->serial)) != 0 ||
	    (r = proto_add(line, "kind", csv_kind_name(k->kind))) != 0 ||
	    (r = proto_add(line, "secret", hex)) != 0 ||
	    (r = proto_addf(line, "digits", "%u", k->digits)) != 0 ||
	    (r = proto_addf(line, "period", "%u", k->period)) != 0 ||
	    (r = proto_addf(line, "counter", "%llu", k->counter)) != 0) {
		wipe(hex, sizeof(hex));
		fprintf(stderr, "authadm: %s %zu: %s\n", b->unit, k->where,
		    authd_strerror(r));
		return CMD_EXIT_FAIL;
	}
	wipe(hex, sizeof(hex));
	return 0;
}

static const struct cmd_opt key_import_opts[] = {
	{ NULL, 0, "file", CMD_WORD, 0 },
	{ "unit", 0, "unit", CMD_WORD, 0 },
	{ "dry-run", 'n', "dry_run", CMD_FLAG, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* The request line: key_import count=N [unit=U] [source=BASENAME]. */
static const struct cmd_opt key_import_wire[] = {
	{ NULL, 0, "count", CMD_NUM, 0 },
	{ NULL, 0, "unit", CMD_WORD, 0 },
	{ NULL, 0, "source", CMD_STR, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const key_import_order[] = { "imported", NULL };

int
cmd_key_import(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args, wire;
	struct csv_batch *b = NULL;
	struct proto_msg ok;
	const char *path, *base, *unit;
	char *data = NULL;
	size_t len = 0;
	int r;

	memset(&wire, 0, sizeof(wire));
	wire.opts = key_import_wire;
	if ((r = cmd_parse(ctx, def, key_import_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	path = cmd_arg(&args, "file");
	if ((r = key_read_file(path, &data, &len)) != 0)
		goto out;
	r = key_parse(path, data, len, &b);
	wipe(data, len);
	free(data);
	if (r != 0)
		goto out;
	if (cmd_arg(&args, "dry_run") != NULL) {
		r = key_import_show(ctx, b);
		goto out;
	}
	base = (base = strrchr(path, '/')) != NULL ? base + 1 : path;
	unit = cmd_arg(&args, "unit");
	if (asprintf(&wire.val[0], "%zu", b->n) == -1)
		wire.val[0] = NULL;
	/* the source is only a label: a name that is not UTF-8 is left out */
	if (wire.val[0] == NULL ||
	    (unit != NULL && (wire.val[1] = strdup(unit)) == NULL) ||
	    (proto_utf8_valid((const unsigned char *)base, strlen(base)) &&
	    base[0] != '\0' && (wire.val[2] = strdup(base)) == NULL)) {
		fprintf(stderr, "authadm: out of memory\n");
		r = CMD_EXIT_FAIL;
		goto out;
	}
	if ((r = cmd_call_lines(ctx, "key_import", &wire, b->n,
	    key_import_line, b, NULL, NULL, &ok)) == 0) {
		r = cmd_print_fields(ctx, &ok, key_import_order);
		proto_msg_clear(&ok);
	}
 out:
	csv_batch_free(&b);
	cmd_args_clear(&wire);
	cmd_args_clear(&args);
	return r;
}

static const struct cmd_opt key_list_opts[] = {
	{ "state", 0, "state", CMD_WORD, 0 },
	{ "unit", 0, "unit", CMD_WORD, 0 },
	{ "holder", 0, "holder", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const key_list_cols[] = {
	"serial", "kind", "soft", "state", "holder", "unit", "digits",
	"period", "drift", "created_at", "bound_at", NULL
};

int
cmd_key_list(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_list(ctx, def, key_list_opts, "key_list", key_list_cols,
	    argc, argv);
}

static const struct cmd_opt key_serial_opts[] = {
	{ NULL, 0, "serial", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* "key show": the label printed and the ROW field it comes from, in order. */
static const struct output_line key_show_lines[] = {
	{ "serial", "serial", NULL },
	{ "kind", "kind", NULL },
	{ "soft", "soft", NULL },
	{ "state", "state", NULL },
	{ "holder", "holder", NULL },
	{ "unit", "unit", NULL },
	{ "digits", "digits", NULL },
	{ "period", "period", NULL },
	{ "counter", "counter", NULL },
	{ "last_step", "last_step", NULL },
	{ "drift", "drift", NULL },
	{ "created", "created_at", NULL },
	{ "bound", "bound_at", NULL },
	{ "returned", "returned_at", NULL },
	{ "revoked", "revoked_at", NULL },
	{ "source", "source", NULL },
};

int
cmd_key_show(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_show(ctx, def, key_serial_opts, "key_show", argc, argv, key_show_lines,
	    sizeof(key_show_lines) / sizeof(key_show_lines[0]), NULL, "key");
}

static const struct cmd_opt key_bind_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ NULL, 0, "serial", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_key_bind(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_simple(ctx, def, key_bind_opts, "key_bind", 0, argc, argv);
}

static const struct cmd_opt key_name_opts[] = {
	{ NULL, 0, "name", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const key_unbind_order[] = { "serial", "state", NULL };

int
cmd_key_unbind(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	int r;

	if ((r = cmd_parse(ctx, def, key_name_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = cmd_call(ctx, "key_unbind", &args, NULL, NULL, &ok)) == 0) {
		r = cmd_print_fields(ctx, &ok, key_unbind_order);
		proto_msg_clear(&ok);
	}
	cmd_args_clear(&args);
	return r;
}

static const struct cmd_opt key_revoke_opts[] = {
	{ NULL, 0, "serial", CMD_WORD, 0 },
	{ "reason", 0, "reason", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* key lost / key damaged: the key is revoked, its holder frozen (R11). */
static int
key_revoke(struct cmd_ctx *ctx, const struct cmd_def *def, const char *verb,
    int argc, char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	const char *holder;
	int r;

	if ((r = cmd_parse(ctx, def, key_revoke_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	if ((r = cmd_call(ctx, verb, &args, NULL, NULL, &ok)) != 0)
		goto out;
	if (ctx->json)
		r = cmd_print_fields(ctx, &ok, NULL);
	else if ((holder = proto_get(&ok, "holder")) != NULL &&
	    holder[0] != '\0') {
		fputs("holder: ", stdout);
		output_safe(stdout, holder);
		fputs(" (frozen)\n", stdout);
	}
	if (!ctx->json && proto_get(&ok, "pending") != NULL)
		output_kv(stdout, "pending", proto_get(&ok, "pending"));
	proto_msg_clear(&ok);
 out:
	cmd_args_clear(&args);
	return r;
}

int
cmd_key_lost(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return key_revoke(ctx, def, "key_lost", argc, argv);
}

int
cmd_key_damaged(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return key_revoke(ctx, def, "key_damaged", argc, argv);
}

static const struct cmd_opt key_resync_opts[] = {
	{ NULL, 0, "serial", CMD_WORD, 0 },
	{ NULL, 0, "code1", CMD_WORD, 0 },
	{ NULL, 0, "code2", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

/* An OTP as a token shows it: 6 to 8 digits. */
static int
key_code_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
		;
	return s[n] == '\0' && n >= 6 && n <= 8;
}

static const char *const key_resync_order[] = { "counter", "drift", NULL };

int
cmd_key_resync(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	const char *c1, *c2;
	int r;

	if ((r = cmd_parse(ctx, def, key_resync_opts, argc, argv, &args)) !=
	    CMD_CONTINUE)
		return r;
	c1 = cmd_arg(&args, "code1");
	c2 = cmd_arg(&args, "code2");
	if (!key_code_valid(c1) || !key_code_valid(c2)) {
		r = cmd_usage_error(def, "CODE1 and CODE2 are two consecutive "
		    "codes of 6 to 8 digits");
		goto out;
	}
	if (strlen(c1) != strlen(c2)) {
		r = cmd_usage_error(def, "CODE1 and CODE2 differ in length");
		goto out;
	}
	if ((r = cmd_call(ctx, "key_resync", &args, NULL, NULL, &ok)) == 0) {
		r = cmd_print_fields(ctx, &ok, key_resync_order);
		proto_msg_clear(&ok);
	}
 out:
	cmd_args_clear(&args);
	return r;
}

static const char *const key_enroll_order[] = { "otpauth", "serial", NULL };

int
cmd_key_enroll(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	const char *uri;
	int r;

	if ((r = cmd_parse(ctx, def, key_name_opts, argc, argv, &args)) !=
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
