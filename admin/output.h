/*
 * admin/output.h: how authadm shows authd's replies: "key: value" lines,
 * aligned tables, typed JSON (jansson) and ISO 8601 times.
 *
 * A reply row is held as a "raw" jansson object whose values are the strings
 * received, in wire order. output_typed() turns one into the --json form.
 * Every jansson allocation wipes itself on free (output_init), because rows
 * and OK replies may carry initial passwords and TOTP secrets.
 *
 * Text from authd is printed with control characters replaced by '?', so a
 * value cannot move the cursor or recolour the administrator's terminal.
 */
#ifndef ADMIN_OUTPUT_H
#define ADMIN_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "proto.h"

#define OUTPUT_ISO_LEN	32	/* room for "YYYY-MM-DDTHH:MM:SSZ" and more */

/* Install the wipe-on-free allocator into jansson. Call once, first. */
void	 output_init(void);

/*
 * Format epoch seconds (decimal digits only) as "YYYY-MM-DDTHH:MM:SSZ".
 * Returns 0, or -1 (out untouched) when s is not such a number.
 */
int	 output_iso8601(const char *s, char *out, size_t outlen);
/* 1 if the field key holds epoch seconds: "time", "*_at" or "*_until". */
int	 output_is_time_key(const char *key);

/* 1 if key is one of list (NULL-terminated). */
int	 output_in_list(const char *const *list, const char *key);

/* Print s with C0/C1 control characters and DEL shown as '?'. */
void	 output_safe(FILE *f, const char *s);
/* "key: value\n"; an empty value is shown as "-". */
void	 output_kv(FILE *f, const char *key, const char *value);

/* One line of a "show": the label printed, the field it comes from, the text when empty. */
struct output_line {
	const char	*label;
	const char	*key;
	const char	*empty;		/* NULL: "-" */
};
/*
 * A raw object (see below) as "label: value" lines: lines in their order (a
 * field absent from row is skipped), then every other field under its own
 * name, as a newer authd may add them. Epoch fields as ISO 8601, 0/1 flags as
 * yes/no.
 */
void	 output_show(FILE *f, const json_t *row, const struct output_line *lines,
	    size_t nlines);

/*
 * The fields of msg as a new raw object (string values, wire order; a repeated
 * key keeps its first value). NULL when out of memory. Caller json_decref()s.
 */
json_t	*output_row_new(const struct proto_msg *msg);
/*
 * The --json value of one field: "roles" an array, an empty "key",
 * "holder" or "serial" null,
 * epoch fields ISO 8601 strings (null when empty), 0/1 flags booleans,
 * counters and ids integers, the rest strings. NULL when out of memory.
 */
json_t	*output_typed_value(const char *key, const char *value);
/* A new typed object for --json from a raw one (see docs/protocol.md). */
json_t	*output_typed(const json_t *raw);
/* Print o compactly on one line. Returns 0 or -1. */
int	 output_json_print(FILE *f, const json_t *o);

/*
 * An aligned table: upper-case header, one line per row, columns in the order
 * the fields first appear; epoch fields as ISO 8601, empty cells as "-".
 * defcols (NULL-terminated, may be NULL; borrowed) names the header shown
 * when no row arrives.
 */
struct output_table;

struct output_table	*output_table_new(const char *const *defcols);
/* Append a raw row; the table takes its own reference. Returns 0 or -1. */
int			 output_table_add(struct output_table *t, json_t *row);
size_t			 output_table_rows(const struct output_table *t);
void			 output_table_print(const struct output_table *t,
			    FILE *f);
void			 output_table_free(struct output_table **tp);

#endif
