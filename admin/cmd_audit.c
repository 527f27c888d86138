/* admin/cmd_audit.c: authadm audit show | verify [--file] | export | prune. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "hex.h"
#include "auditcanon.h"

#include "cmd.h"

static const struct cmd_opt audit_show_opts[] = {
	{ "actor", 0, "actor", CMD_WORD, 0 },
	{ "target", 0, "target", CMD_WORD, 0 },
	{ "action", 0, "action", CMD_WORD, 0 },
	{ "since", 0, "since", CMD_TIME, 0 },
	{ "until", 0, "until", CMD_TIME, 0 },
	{ "limit", 0, "limit", CMD_NUM, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static const char *const audit_show_cols[] = {
	"seq", "time", "actor", "action", "target", "result", "reason",
	"source_addr", "source_port", "host", "service", "tty", "ruser", NULL
};

int
cmd_audit_show(struct cmd_ctx *ctx, const struct cmd_def *def, int argc,
    char **argv)
{
	return cmd_list(ctx, def, audit_show_opts, "audit_show",
	    audit_show_cols, argc, argv);
}

static const struct cmd_opt audit_verify_opts[] = {
	{ "file", 0, "file", CMD_WORD, 0 },
	{ "key", 0, "key", CMD_WORD, 0 },
	{ NULL, 0, NULL, 0, 0 }
};

static int	verify_file(struct cmd_ctx *ctx, const char *path, const char *key);
static const struct cmd_opt no_opts[];

/* R33: "audit chain intact: N records", or exit 1 naming the first bad record. */
int
cmd_audit_verify(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	struct cmd_args args;
	struct proto_msg ok;
	const char *n;
	int r;

	if ((r = cmd_parse(ctx, def, audit_verify_opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	if (cmd_arg(&args, "file") != NULL) {
		/* offline: an export checked with its signature alone, no authd */
		r = verify_file(ctx, cmd_arg(&args, "file"), cmd_arg(&args, "key"));
		cmd_args_clear(&args);
		return r;
	}
	if ((r = cmd_call(ctx, "audit_verify", &args, NULL, NULL, &ok)) == 0) {
		n = proto_get(&ok, "records");
		if (ctx->json)
			r = cmd_print_fields(ctx, &ok, NULL);
		else
			printf("audit chain intact: %s records\nsigning key: %s\n", n != NULL ? n : "?",
			    proto_get(&ok, "signing_key") ? proto_get(&ok, "signing_key") : "-");
		proto_msg_clear(&ok);
	}
	cmd_args_clear(&args);
	return r;
}

/* ---- audit export FILE / audit verify --file FILE (offline) ---- */

static const struct cmd_opt no_opts[] = {
	{ NULL, 0, NULL, 0, 0 }
};

int
cmd_audit_prune(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	return cmd_simple(ctx, def, no_opts, "audit_prune", 0, argc, argv);
}

struct export_file {
	FILE	*f;
	int	 err;
};

/* Every field of a record as a JSON string (exactly the bytes the digest covers). */
static int
export_row_cb(void *arg, const struct proto_msg *row)
{
	struct export_file *x = arg;
	json_t *o;
	size_t i;

	if ((o = json_object()) == NULL)
		return (x->err = 1);
	for (i = 0; i < row->nfields; i++)
		if (json_object_set_new(o, row->fields[i].key,
		    json_string(row->fields[i].value)) != 0)
			x->err = 1;
	if (x->err || json_dumpf(o, x->f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', x->f) == EOF)
		x->err = 1;
	json_decref(o);
	return x->err;
}

int
cmd_audit_export(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
		{ NULL, 0, "file", CMD_WORD, 0 },
		{ NULL, 0, NULL, 0, 0 }
	};
	struct cmd_args args, none;
	struct export_file x;
	struct proto_msg ok;
	const char *path;
	json_t *o;
	size_t i;
	int r, fd;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	path = cmd_arg(&args, "file");
	memset(&none, 0, sizeof(none));
	none.opts = no_opts;
	memset(&x, 0, sizeof(x));
	/* personal data inside (R30): the file is the caller's alone, and never overwritten */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1 ||
	    (x.f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "authadm: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		cmd_args_clear(&args);
		return CMD_EXIT_FAIL;
	}
	r = cmd_call(ctx, "audit_export", &none, export_row_cb, &x, &ok);
	if (r == 0) {
		/* the trailer: what authd signed */
		if ((o = json_object()) == NULL)
			x.err = 1;
		for (i = 0; o != NULL && i < ok.nfields; i++)
			json_object_set_new(o, ok.fields[i].key, json_string(ok.fields[i].value));
		if (o == NULL || json_dumpf(o, x.f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
		    fputc('\n', x.f) == EOF)
			x.err = 1;
		json_decref(o);
		if (!x.err && !ctx->json)
			printf("exported: %s records (seq %s..%s) to %s\nsigning key: %s\n",
			    proto_get(&ok, "count"), proto_get(&ok, "first_seq"),
			    proto_get(&ok, "last_seq"), path, proto_get(&ok, "pubkey"));
		else if (!x.err)
			r = cmd_print_fields(ctx, &ok, NULL);
		proto_msg_clear(&ok);
	}
	if (fclose(x.f) != 0)
		x.err = 1;
	if (r == 0 && x.err) {
		fprintf(stderr, "authadm: %s: write failed\n", path);
		r = CMD_EXIT_FAIL;
	}
	if (r != 0)
		unlink(path);
	cmd_args_clear(&args);
	return r;
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}


#define VERIFY_FAIL(...) do { fprintf(stderr, "authadm: %s: ", path); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); r = CMD_EXIT_FAIL; goto out; } while (0)

/* R33: check an export with the public key in it, without authd. */
static int
verify_file(struct cmd_ctx *ctx, const char *path, const char *key)
{
	FILE *f;
	char *line = NULL, msg[768], dhex[65];
	size_t cap = 0, i;
	ssize_t n;
	json_t *o = NULL, *trailer = NULL;
	json_error_t jerr;
	crypto_hash_sha256_state sha;
	unsigned char digest[32], mac[32], pk[32], sig[crypto_sign_BYTES], *canon;
	const char *fields[AUDITCANON_NFIELDS], *v;
	size_t clen;
	long long expect = -1, count = 0, lineno = 0;
	char last_mac[65] = "";
	int r = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "authadm: %s: %s\n", path, strerror(errno));
		return CMD_EXIT_FAIL;
	}
	crypto_hash_sha256_init(&sha);
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		json_decref(o);
		if ((o = json_loadb(line, (size_t)n, 0, &jerr)) == NULL || !json_is_object(o))
			VERIFY_FAIL("line %lld: not a JSON object", lineno);
		if (jstr(o, "format") != NULL) {	/* the trailer ends the file */
			trailer = o;
			o = NULL;
			break;
		}
		for (i = 0; i < AUDITCANON_NFIELDS; i++)
			if ((fields[i] = jstr(o, auditcanon_fields[i])) == NULL)
				VERIFY_FAIL("line %lld: record without %s", lineno,
				    auditcanon_fields[i]);
		v = jstr(o, "mac");
		if (hex_decode(v, mac, 32) != 0)
			VERIFY_FAIL("line %lld: record without a valid mac", lineno);
		if (expect >= 0 && strtoll(fields[0], NULL, 10) != expect)
			VERIFY_FAIL("record %s follows %lld: records missing or reordered",
			    fields[0], expect - 1);
		expect = strtoll(fields[0], NULL, 10) + 1;
		if (auditcanon_build(fields, &canon, &clen) != 0)
			VERIFY_FAIL("line %lld: record too large", lineno);
		crypto_hash_sha256_update(&sha, canon, clen);
		crypto_hash_sha256_update(&sha, mac, 32);
		free(canon);
		snprintf(last_mac, sizeof(last_mac), "%s", v);
		count++;
	}
	if (trailer == NULL)
		VERIFY_FAIL("no trailer: the file is truncated or not an authd audit export");
	if (strcmp(jstr(trailer, "format"), "authd-audit-export-v1") != 0)
		VERIFY_FAIL("unknown format %s", jstr(trailer, "format"));
	if (getline(&line, &cap, f) > 0)
		VERIFY_FAIL("data after the trailer");
	crypto_hash_sha256_final(&sha, digest);
	hex_encode(digest, sizeof(digest), dhex);
	{
		const char *first = jstr(trailer, "first_seq"), *prev = jstr(trailer, "prev_mac"),
		    *lastseq = jstr(trailer, "last_seq"), *head = jstr(trailer, "head_mac"),
		    *cnt = jstr(trailer, "count"), *dig = jstr(trailer, "digest"),
		    *when = jstr(trailer, "exported_at"), *pub = jstr(trailer, "pubkey"),
		    *sg = jstr(trailer, "signature");

		if (!first || !prev || !lastseq || !head || !cnt || !dig || !when || !pub || !sg)
			VERIFY_FAIL("the trailer lacks a field");
		if (hex_decode(pub, pk, 32) != 0 || hex_decode(sg, sig, sizeof(sig)) != 0)
			VERIFY_FAIL("the trailer's key or signature is malformed");
		/* --key: the signing key the auditor was given (authd --init, audit verify) */
		if (key != NULL && strcasecmp(key, pub) != 0)
			VERIFY_FAIL("signed by key %s, not by the expected %s", pub, key);
		snprintf(msg, sizeof(msg), "authd-audit-export-v1\nfirst_seq %s\nprev_mac %s\n"
		    "last_seq %s\nhead_mac %s\ncount %s\ndigest %s\nexported_at %s\n", first, prev,
		    lastseq, head, cnt, dig, when);
		if (crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg),
		    pk) != 0)
			VERIFY_FAIL("the signature does not match the trailer: altered");
		if (strcmp(dig, dhex) != 0)
			VERIFY_FAIL("the records do not match the signed digest: a record was"
			    " altered, added or removed");
		if (strtoll(cnt, NULL, 10) != count)
			VERIFY_FAIL("%lld records, the trailer says %s", count, cnt);
		if (count > 0 && (strcmp(head, last_mac) != 0 ||
		    strtoll(lastseq, NULL, 10) != expect - 1))
			VERIFY_FAIL("the last record is not the signed head");
		if (ctx->json)
			printf("{\"intact\":true,\"records\":%lld,\"first_seq\":%s,\"last_seq\":%s,"
			    "\"pubkey\":\"%s\"}\n", count, first, lastseq, pub);
		else
			printf("audit export intact: %lld records (seq %s..%s)\nsigning key: %s\n",
			    count, first, lastseq, pub);
	}
 out:
	json_decref(o);
	json_decref(trailer);
	free(line);
	fclose(f);
	return r;
}
