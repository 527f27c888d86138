/* admin/output.c: key/value lines, aligned tables, typed JSON and ISO 8601 for authadm. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "output.h"
#include "proto.h"
#include "wipe.h"

/* Fields that hold a 0/1 flag, shown as JSON booleans. */
static const char *const output_bool_keys[] = {
	"must_change", "soft_token", "critical", "frozen", "locked",
	"never_used", "inactive", "expired", "no_key", "soft", "renewing", NULL
};
/* Fields that hold a number, shown as JSON integers (and any "*_id"). */
static const char *const output_int_keys[] = {
	"seq", "source_port", "min_length", "classes", "max_age_days",
	"history", "id", "idle", "count", "records", "pending", "imported",
	"digits", "period", "counter", "last_step", "drift", "drift_applied", NULL
};
/* Names of an account, key or unit, null in JSON when empty (none). */
static const char *const output_null_keys[] = {
	"key", "holder", "serial", "unit", NULL
};

/*
 * jansson allocator that wipes on free: the size is kept in front of the
 * block, which is padded to keep max_align_t alignment.
 */
#define OUTPUT_HDR	(sizeof(max_align_t) > sizeof(size_t) ? \
			    sizeof(max_align_t) : sizeof(size_t))

static void *
output_json_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - OUTPUT_HDR)
		return NULL;
	if ((p = malloc(n + OUTPUT_HDR)) == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + OUTPUT_HDR;
}

static void
output_json_free(void *q)
{
	unsigned char *p;
	size_t n;

	if (q == NULL)
		return;
	p = (unsigned char *)q - OUTPUT_HDR;
	memcpy(&n, p, sizeof(n));
	wipe(p, n + OUTPUT_HDR);
	free(p);
}

void
output_init(void)
{
	json_set_alloc_funcs(output_json_malloc, output_json_free);
}

int
output_in_list(const char *const *list, const char *key)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], key) == 0)
			return 1;
	return 0;
}

static int
output_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

int
output_is_time_key(const char *key)
{
	return strcmp(key, "time") == 0 || output_has_suffix(key, "_at") ||
	    output_has_suffix(key, "_until");
}

/* Strict decimal: digits only, no sign, no space, fits in long long. */
static int
output_parse_int(const char *s, long long *v_r)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > (unsigned long long)LLONG_MAX)
		return -1;
	*v_r = (long long)v;
	return 0;
}

/* The same with an optional leading '-' (a drift may be negative). */
static int
output_parse_sint(const char *s, long long *v_r)
{
	if (s[0] != '-')
		return output_parse_int(s, v_r);
	if (output_parse_int(s + 1, v_r) != 0)
		return -1;
	*v_r = -*v_r;
	return 0;
}

int
output_iso8601(const char *s, char *out, size_t outlen)
{
	long long v;
	time_t t;
	struct tm tm;

	if (output_parse_int(s, &v) != 0)
		return -1;
	t = (time_t)v;
	if ((long long)t != v || gmtime_r(&t, &tm) == NULL)
		return -1;
	if (strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

void
output_safe(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f) {
			putc('?', f);
			p++;
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putc('?', f);		/* C1 control, U+0080..U+009F */
			p += 2;
		} else
			putc(*p++, f);
	}
}

void
output_kv(FILE *f, const char *key, const char *value)
{
	output_safe(f, key);
	fputs(": ", f);
	output_safe(f, value[0] != '\0' ? value : "-");
	putc('\n', f);
}

static void
output_show_line(FILE *f, const char *label, const char *key, const char *s,
    const char *empty)
{
	char iso[OUTPUT_ISO_LEN];

	if (s[0] == '\0' && empty != NULL)
		s = empty;
	else if (output_in_list(output_bool_keys, key) && strcmp(s, "1") == 0)
		s = "yes";
	else if (output_in_list(output_bool_keys, key) && strcmp(s, "0") == 0)
		s = "no";
	else if (output_is_time_key(key) && s[0] != '\0' &&
	    output_iso8601(s, iso, sizeof(iso)) == 0)
		s = iso;
	output_kv(f, label, s);
}

void
output_show(FILE *f, const json_t *row, const struct output_line *lines, size_t nlines)
{
	const char *key, *s;
	json_t *v;
	size_t i;

	for (i = 0; i < nlines; i++)
		if ((s = json_string_value(json_object_get(row, lines[i].key))) != NULL)
			output_show_line(f, lines[i].label, lines[i].key, s, lines[i].empty);
	/* json_object_foreach wants a non-const object; it reads only */
	json_object_foreach((json_t *)row, key, v) {
		for (i = 0; i < nlines; i++)
			if (strcmp(lines[i].key, key) == 0)
				break;
		if (i == nlines && (s = json_string_value(v)) != NULL)
			output_show_line(f, key, key, s, NULL);
	}
}

json_t *
output_row_new(const struct proto_msg *msg)
{
	json_t *o, *v;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < msg->nfields; i++) {
		if (json_object_get(o, msg->fields[i].key) != NULL)
			continue;
		if ((v = json_string(msg->fields[i].value)) == NULL ||
		    json_object_set_new(o, msg->fields[i].key, v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* Split a comma list into an array of strings; "" gives []. */
static json_t *
output_split(const char *s)
{
	json_t *a, *v;
	const char *p, *comma;

	if ((a = json_array()) == NULL)
		return NULL;
	for (p = s; *p != '\0'; p = comma + 1) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		if (comma > p) {
			v = json_stringn(p, (size_t)(comma - p));
			if (v == NULL || json_array_append_new(a, v) != 0) {
				json_decref(a);
				return NULL;
			}
		}
		if (*comma == '\0')
			break;
	}
	return a;
}

json_t *
output_typed_value(const char *key, const char *s)
{
	char iso[OUTPUT_ISO_LEN];
	long long n;

	if (strcmp(key, "roles") == 0)
		return output_split(s);
	if (output_in_list(output_null_keys, key) && s[0] == '\0')
		return json_null();
	if (output_is_time_key(key)) {
		if (s[0] == '\0')
			return json_null();
		if (output_iso8601(s, iso, sizeof(iso)) == 0)
			return json_string(iso);
		return json_string(s);
	}
	if (output_in_list(output_bool_keys, key)) {
		if (strcmp(s, "0") == 0 || strcmp(s, "1") == 0)
			return json_boolean(s[0] == '1');
		return s[0] == '\0' ? json_null() : json_string(s);
	}
	if (output_in_list(output_int_keys, key) ||
	    output_has_suffix(key, "_id")) {
		if (output_parse_sint(s, &n) == 0)
			return json_integer((json_int_t)n);
		return s[0] == '\0' ? json_null() : json_string(s);
	}
	return json_string(s);
}

json_t *
output_typed(const json_t *raw)
{
	const char *key;
	json_t *o, *v, *tv;

	if ((o = json_object()) == NULL)
		return NULL;
	/* json_object_foreach wants a non-const object; it reads only */
	json_object_foreach((json_t *)raw, key, v) {
		if ((tv = output_typed_value(key, json_string_value(v) != NULL ?
		    json_string_value(v) : "")) == NULL ||
		    json_object_set_new(o, key, tv) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int
output_json_print(FILE *f, const json_t *o)
{
	if (json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
		return -1;
	putc('\n', f);
	return 0;
}

struct output_table {
	json_t			*rows;		/* array of raw objects */
	const char *const	*defcols;
};

struct output_table *
output_table_new(const char *const *defcols)
{
	struct output_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->rows = json_array()) == NULL) {
		free(t);
		return NULL;
	}
	t->defcols = defcols;
	return t;
}

int
output_table_add(struct output_table *t, json_t *row)
{
	return json_array_append(t->rows, row) == 0 ? 0 : -1;
}

size_t
output_table_rows(const struct output_table *t)
{
	return json_array_size(t->rows);
}

void
output_table_free(struct output_table **tp)
{
	struct output_table *t;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	json_decref(t->rows);
	free(t);
	*tp = NULL;
}

/* The text shown in a cell: ISO 8601 for epoch fields, "-" when empty. */
static const char *
output_cell(const json_t *row, const char *col, char *iso, size_t isolen)
{
	const char *s;

	s = json_string_value(json_object_get(row, col));
	if (s == NULL || s[0] == '\0')
		return "-";
	if (output_is_time_key(col) && output_iso8601(s, iso, isolen) == 0)
		return iso;
	return s;
}

/* Columns on screen: one per UTF-8 code point (lines are valid UTF-8). */
static size_t
output_width(const char *s)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

static void
output_pad(FILE *f, size_t n)
{
	while (n-- > 0)
		putc(' ', f);
}

void
output_table_print(const struct output_table *t, FILE *f)
{
	char iso[OUTPUT_ISO_LEN];
	const char *key, *cell, *h;
	json_t *cols, *row, *v;
	size_t ncols, i, j, w, *width = NULL;

	/* columns: every field name, in the order first seen */
	if ((cols = json_object()) == NULL)
		goto out;
	json_array_foreach(t->rows, i, row) {
		json_object_foreach(row, key, v) {
			if (json_object_get(cols, key) == NULL &&
			    json_object_set_new(cols, key, json_null()) != 0)
				goto out;
		}
	}
	if (json_array_size(t->rows) == 0 && t->defcols != NULL)
		for (i = 0; t->defcols[i] != NULL; i++)
			if (json_object_set_new(cols, t->defcols[i],
			    json_null()) != 0)
				goto out;
	if ((ncols = json_object_size(cols)) == 0)
		goto out;
	if ((width = calloc(ncols, sizeof(*width))) == NULL)
		goto out;

	j = 0;
	json_object_foreach(cols, key, v) {
		width[j] = output_width(key);
		json_array_foreach(t->rows, i, row) {
			cell = output_cell(row, key, iso, sizeof(iso));
			if ((w = output_width(cell)) > width[j])
				width[j] = w;
		}
		j++;
	}

	j = 0;
	json_object_foreach(cols, key, v) {
		for (h = key; *h != '\0'; h++)
			putc(*h >= 'a' && *h <= 'z' ? *h - 'a' + 'A' : *h, f);
		if (j + 1 < ncols) {
			output_pad(f, width[j] - output_width(key) + 2);
		}
		j++;
	}
	putc('\n', f);
	json_array_foreach(t->rows, i, row) {
		j = 0;
		json_object_foreach(cols, key, v) {
			cell = output_cell(row, key, iso, sizeof(iso));
			output_safe(f, cell);
			if (j + 1 < ncols)
				output_pad(f,
				    width[j] - output_width(cell) + 2);
			j++;
		}
		putc('\n', f);
	}
 out:
	free(width);
	json_decref(cols);
}
