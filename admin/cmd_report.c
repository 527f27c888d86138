/*
 * admin/cmd_report.c: authadm report review | logs | incident: the access
 * review (R16, R26), the monthly log check (R20, R33) and the incident report
 * (R12-R14). Tables and short sectioned reports for people; --json for
 * scripts (review: one object per account; logs, incident: one object).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "output.h"
#include "proto.h"

/* Counters shown as JSON integers (output.c knows the common ones). */
static const char *const report_int_keys[] = {
	"password_age_days", "inactive_days", "count", "names", "chain_records",
	"head_seq", "bad_seq", "retention_days", "oldest_seq", "reaches_back_days",
	"pruned_through", "records", "failed_logins", "failed_sources",
	"actions_count", "created_count", "targeted_count", "seq", "source_port",
	NULL
};
/* The flags a review may give an account, in the order shown. */
static const char *const review_flags[] = {
	"never_used", "inactive", "expired", "no_key", "must_change",
	"password_expired", "locked", NULL
};

/* A comma list as a JSON array of strings ("" gives []). */
static json_t *
report_split(const char *s)
{
	json_t *a;
	const char *p, *comma;

	if ((a = json_array()) == NULL)
		return NULL;
	for (p = s; *p != '\0'; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		if (comma > p && json_array_append_new(a,
		    json_stringn(p, (size_t)(comma - p))) != 0) {
			json_decref(a);
			return NULL;
		}
		if (*comma == '\0')
			break;
	}
	return a;
}

/*
 * The --json form of a raw row: output_typed(), then the report's counters
 * as integers, "flags" as an array, "exists" as a boolean.
 */
static json_t *
report_typed(const json_t *raw)
{
	json_t *o, *v;
	const char *key, *s;
	char *end;
	long long n;

	if ((o = output_typed(raw)) == NULL)
		return NULL;
	json_object_foreach((json_t *)raw, key, v) {
		s = json_string_value(v) != NULL ? json_string_value(v) : "";
		if (strcmp(key, "flags") == 0)
			json_object_set_new(o, key, report_split(s));
		else if (strcmp(key, "expires") == 0 && s[0] == '\0')
			json_object_set_new(o, key, json_null());	/* never */
		else if (strcmp(key, "exists") == 0)
			json_object_set_new(o, key, json_boolean(strcmp(s, "1") == 0));
		else if (output_in_list(report_int_keys, key)) {
			n = strtoll(s, &end, 10);
			json_object_set_new(o, key, s[0] != '\0' && *end == '\0' ?
			    json_integer((json_int_t)n) : json_null());
		}
	}
	return o;
}

static int
report_nomem(void)
{
	fprintf(stderr, "authadm: out of memory\n");
	return CMD_EXIT_FAIL;
}

/* A raw object of some fields of a raw row, in the order given (a table's columns). */
static json_t *
report_pick(const json_t *raw, const char *const *keys)
{
	json_t *o, *v;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; keys[i] != NULL; i++) {
		v = json_object_get(raw, keys[i]);
		if (json_object_set_new(o, keys[i], json_string(v != NULL &&
		    json_string_value(v) != NULL ? json_string_value(v) : "")) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* A table of raw rows with columns cols, or "(none)". */
static int
report_table(const json_t *rows, const char *const *cols)
{
	struct output_table *t;
	json_t *row, *picked;
	size_t i;

	if (json_array_size(rows) == 0) {
		fputs("  (none)\n", stdout);
		return 0;
	}
	if ((t = output_table_new(cols)) == NULL)
		return report_nomem();
	json_array_foreach(rows, i, row) {
		if ((picked = report_pick(row, cols)) == NULL ||
		    output_table_add(t, picked) != 0) {
			json_decref(picked);
			output_table_free(&t);
			return report_nomem();
		}
		json_decref(picked);
	}
	output_table_print(t, stdout);
	output_table_free(&t);
	return 0;
}

/* A field of a reply; "-" when absent or empty. */
static const char *
report_get(const struct proto_msg *m, const char *key)
{
	const char *v = proto_get(m, key);

	return v != NULL && v[0] != '\0' ? v : "-";
}

/* An epoch field of a reply as ISO 8601 ("never" when empty). */
static const char *
report_time(const struct proto_msg *m, const char *key, char *buf, size_t len)
{
	const char *v = proto_get(m, key);

	if (v == NULL || v[0] == '\0')
		return "never";
	if (output_iso8601(v, buf, len) != 0)
		return v;
	return buf;
}

/* Rows gathered by section ("section" field, else all in one). */
struct report_rows {
	struct cmd_ctx	*ctx;
	const char	*sections[4];
	json_t		*rows[4];
	size_t		 nsections;
};

static int
report_collect(void *arg, const struct proto_msg *row)
{
	struct report_rows *rr = arg;
	const char *sec = proto_get(row, "section");
	json_t *raw;
	size_t i;

	for (i = 0; i < rr->nsections; i++)
		if (sec != NULL && strcmp(sec, rr->sections[i]) == 0)
			break;
	if (i == rr->nsections)
		return 0;	/* a section this authadm does not know */
	if ((raw = output_row_new(row)) == NULL)
		return report_nomem();
	json_object_del(raw, "section");
	if (json_array_append_new(rr->rows[i], raw) != 0)
		return report_nomem();
	return 0;
}

static int
report_rows_init(struct report_rows *rr, struct cmd_ctx *ctx, const char *const *sections)
{
	size_t i;

	memset(rr, 0, sizeof(*rr));
	rr->ctx = ctx;
	for (i = 0; i < 4 && sections[i] != NULL; i++) {
		rr->sections[i] = sections[i];
		if ((rr->rows[i] = json_array()) == NULL)
			return -1;
		rr->nsections++;
	}
	return 0;
}

static void
report_rows_free(struct report_rows *rr)
{
	size_t i;

	for (i = 0; i < rr->nsections; i++)
		json_decref(rr->rows[i]);
}

/* The OK reply typed, with each section's rows typed under its JSON name. */
static int
report_json(const struct proto_msg *ok, struct report_rows *rr, const char *const *names)
{
	json_t *raw, *o, *a, *row, *t;
	size_t i, j;
	int r;

	if ((raw = output_row_new(ok)) == NULL || (o = report_typed(raw)) == NULL) {
		json_decref(raw);
		return report_nomem();
	}
	json_decref(raw);
	for (i = 0; i < rr->nsections; i++) {
		if ((a = json_array()) == NULL || json_object_set_new(o, names[i], a) != 0) {
			json_decref(o);
			return report_nomem();
		}
		json_array_foreach(rr->rows[i], j, row) {
			if ((t = report_typed(row)) == NULL || json_array_append_new(a, t) != 0) {
				json_decref(o);
				return report_nomem();
			}
		}
	}
	r = output_json_print(stdout, o);
	json_decref(o);
	return r == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
}

/* ---- report review ---- */

static const char *const review_cols[] = {
	"name", "unit", "roles", "state", "key", "last_login_at",
	"password_age_days", "expires", "flags", NULL
};

struct review_out {
	struct cmd_ctx	*ctx;
	json_t		*rows;
	long long	 count, nflag[8];
};

static int
review_row(void *arg, const struct proto_msg *row)
{
	struct review_out *ro = arg;
	json_t *raw, *o;
	const char *flags = proto_get(row, "flags"), *p;
	size_t i, n;
	int r = 0;

	ro->count++;
	for (i = 0; flags != NULL && review_flags[i] != NULL; i++) {
		n = strlen(review_flags[i]);
		for (p = flags; (p = strstr(p, review_flags[i])) != NULL; p += n)
			if ((p == flags || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
				ro->nflag[i]++;
				break;
			}
	}
	if ((raw = output_row_new(row)) == NULL)
		return report_nomem();
	if (ro->ctx->json) {
		/* one object per account, as it arrives */
		if ((o = report_typed(raw)) == NULL)
			r = report_nomem();
		else if (output_json_print(stdout, o) != 0)
			r = CMD_EXIT_FAIL;
		json_decref(o);
	} else if (json_array_append(ro->rows, raw) != 0)
		r = report_nomem();
	json_decref(raw);
	return r;
}

int
cmd_report_review(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
		{ "inactive-days", 0, "inactive_days", CMD_NUM, 0 },
		{ NULL, 0, NULL, 0, 0 }
	};
	struct review_out ro;
	struct cmd_args args;
	struct proto_msg ok;
	size_t i;
	int r, any = 0;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	memset(&ro, 0, sizeof(ro));
	ro.ctx = ctx;
	if ((ro.rows = json_array()) == NULL) {
		cmd_args_clear(&args);
		return report_nomem();
	}
	if ((r = cmd_call(ctx, "report_review", &args, review_row, &ro, &ok)) == 0) {
		if (!ctx->json) {
			r = report_table(ro.rows, review_cols);
			printf("%lld account%s in your scope; inactive: no login for %s days\n",
			    ro.count, ro.count == 1 ? "" : "s", report_get(&ok, "inactive_days"));
			fputs("flagged:", stdout);
			for (i = 0; review_flags[i] != NULL; i++)
				if (ro.nflag[i] > 0) {
					printf("%s %s %lld", any ? "," : "", review_flags[i],
					    ro.nflag[i]);
					any = 1;
				}
			fputs(any ? "\n" : " none\n", stdout);
		}
		proto_msg_clear(&ok);
	}
	json_decref(ro.rows);
	cmd_args_clear(&args);
	return r;
}

/* ---- report logs ---- */

static const char *const logs_sections[] = { "count", "failed_source", NULL };
static const char *const logs_json_names[] = { "counts", "failed_by_source", NULL };
static const char *const logs_count_cols[] = { "action", "result", "count", NULL };
static const char *const logs_source_cols[] = {
	"source_addr", "count", "names", "last_at", NULL
};

/* YYYY-MM with a month 01..12. */
static int
report_month_ok(const char *s)
{
	return strlen(s) == 7 && strspn(s, "0123456789") == 4 && s[4] == '-' &&
	    strspn(s + 5, "0123456789") == 2 &&
	    ((s[5] == '0' && s[6] >= '1') || (s[5] == '1' && s[6] <= '2'));
}

static void
logs_text(const struct proto_msg *ok, struct report_rows *rr)
{
	char a[OUTPUT_ISO_LEN], b[OUTPUT_ISO_LEN];
	const char *v = proto_get(ok, "verdict");
	const char *chain = proto_get(ok, "chain");
	const char *ret = proto_get(ok, "retention");

	printf("monthly log check: %s (%s to %s)\n", report_get(ok, "month"),
	    report_time(ok, "from_at", a, sizeof(a)), report_time(ok, "until_at", b, sizeof(b)));
	printf("verdict: %s\n\n", v != NULL && strcmp(v, "pass") == 0 ? "PASS" : "FAIL");

	fputs("integrity\n", stdout);
	if (chain != NULL && strcmp(chain, "intact") == 0)
		printf("  chain: intact, %s records, head seq %s\n", report_get(ok, "chain_records"),
		    report_get(ok, "head_seq"));
	else
		printf("  chain: BROKEN at record %s: %s\n", report_get(ok, "bad_seq"),
		    report_get(ok, "problem"));

	printf("\nretention (audit_retention_days = %s)\n", report_get(ok, "retention_days"));
	printf("  %s: ", ret != NULL && strcmp(ret, "met") == 0 ? "met" : "NOT MET");
	output_safe(stdout, report_get(ok, "retention_note"));
	printf("\n  oldest record: seq %s at %s (%s days back)\n", report_get(ok, "oldest_seq"),
	    report_time(ok, "oldest_at", a, sizeof(a)), report_get(ok, "reaches_back_days"));
	printf("  service started: %s\n", report_time(ok, "service_since_at", a, sizeof(a)));
	v = proto_get(ok, "pruned_through");
	if (v != NULL && strcmp(v, "0") != 0)
		printf("  pruned: records up to %s, on %s (after export)\n", v,
		    report_time(ok, "pruned_at", a, sizeof(a)));
	else
		fputs("  pruned: nothing\n", stdout);

	printf("\nrecords this month: %s, by action and result\n", report_get(ok, "records"));
	report_table(rr->rows[0], logs_count_cols);
	printf("\nfailed logins this month: %s from %s source%s (top 20 by source address)\n",
	    report_get(ok, "failed_logins"), report_get(ok, "failed_sources"),
	    strcmp(report_get(ok, "failed_sources"), "1") == 0 ? "" : "s");
	report_table(rr->rows[1], logs_source_cols);
}

int
cmd_report_logs(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
		{ "month", 0, "month", CMD_WORD, 0 },
		{ NULL, 0, NULL, 0, 0 }
	};
	struct report_rows rr;
	struct cmd_args args;
	struct proto_msg ok;
	const char *m;
	int r;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	if ((m = cmd_arg(&args, "month")) != NULL && !report_month_ok(m)) {
		cmd_args_clear(&args);
		return cmd_usage_error(def, "--month: YYYY-MM, e.g. 2026-05");
	}
	if (report_rows_init(&rr, ctx, logs_sections) != 0) {
		report_rows_free(&rr);
		cmd_args_clear(&args);
		return report_nomem();
	}
	if ((r = cmd_call(ctx, "report_logs", &args, report_collect, &rr, &ok)) == 0) {
		if (ctx->json)
			r = report_json(&ok, &rr, logs_json_names);
		else
			logs_text(&ok, &rr);
		proto_msg_clear(&ok);
	}
	report_rows_free(&rr);
	cmd_args_clear(&args);
	return r;
}

/* ---- report incident ---- */

static const char *const inc_sections[] = { "action", "created", "target", NULL };
static const char *const inc_json_names[] = { "actions", "created", "targeted", NULL };
static const char *const inc_action_cols[] = {
	"seq", "time", "action", "target", "result", "reason", "source_addr",
	"service", "details", NULL
};
static const char *const inc_created_cols[] = {
	"name", "unit", "state", "roles", "key", "created_at", "last_login_at", NULL
};
static const char *const inc_target_cols[] = {
	"seq", "time", "actor", "action", "result", "reason", "source_addr",
	"service", NULL
};

static void
incident_text(const struct proto_msg *ok, struct report_rows *rr)
{
	char a[OUTPUT_ISO_LEN], b[OUTPUT_ISO_LEN];
	const char *name = report_get(ok, "name"), *ex = proto_get(ok, "exists");
	const char *since = proto_get(ok, "since_at");

	fputs("incident report: ", stdout);
	output_safe(stdout, name);
	printf(" (%s%s)\n", since != NULL && since[0] != '\0' ? "since " : "all records",
	    since != NULL && since[0] != '\0' ? report_time(ok, "since_at", a, sizeof(a)) : "");
	if (ex != NULL && strcmp(ex, "1") == 0) {
		printf("account: state %s, unit %s, roles %s; created by ", report_get(ok, "state"),
		    report_get(ok, "unit"), report_get(ok, "roles"));
		output_safe(stdout, report_get(ok, "created_by"));
		printf(" at %s; last login %s\n", report_time(ok, "created_at", a, sizeof(a)),
		    report_time(ok, "last_login_at", b, sizeof(b)));
		if (strcmp(report_get(ok, "freeze_reason"), "-") != 0 &&
		    strcmp(report_get(ok, "state"), "frozen") == 0) {
			fputs("frozen: ", stdout);
			output_safe(stdout, report_get(ok, "freeze_reason"));
			putchar('\n');
		}
	} else
		fputs("account: none by that name (only the log knows it)\n", stdout);

	printf("\nwhat it did: %s record%s\n", report_get(ok, "actions_count"),
	    strcmp(report_get(ok, "actions_count"), "1") == 0 ? "" : "s");
	report_table(rr->rows[0], inc_action_cols);
	printf("\naccounts it created: %s\n", report_get(ok, "created_count"));
	report_table(rr->rows[1], inc_created_cols);
	printf("\nwhat others did to it: %s record%s\n", report_get(ok, "targeted_count"),
	    strcmp(report_get(ok, "targeted_count"), "1") == 0 ? "" : "s");
	report_table(rr->rows[2], inc_target_cols);
}

int
cmd_report_incident(struct cmd_ctx *ctx, const struct cmd_def *def, int argc, char **argv)
{
	static const struct cmd_opt opts[] = {
		{ NULL, 0, "name", CMD_WORD, 0 },
		{ "since", 0, "since", CMD_TIME, 0 },
		{ NULL, 0, NULL, 0, 0 }
	};
	struct report_rows rr;
	struct cmd_args args;
	struct proto_msg ok;
	int r;

	if ((r = cmd_parse(ctx, def, opts, argc, argv, &args)) != CMD_CONTINUE)
		return r;
	if (report_rows_init(&rr, ctx, inc_sections) != 0) {
		report_rows_free(&rr);
		cmd_args_clear(&args);
		return report_nomem();
	}
	if ((r = cmd_call(ctx, "report_incident", &args, report_collect, &rr, &ok)) == 0) {
		if (ctx->json)
			r = report_json(&ok, &rr, inc_json_names);
		else
			incident_text(&ok, &rr);
		proto_msg_clear(&ok);
	}
	report_rows_free(&rr);
	cmd_args_clear(&args);
	return r;
}
