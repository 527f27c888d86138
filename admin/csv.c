/* admin/csv.c: the key batch of "authadm key import" and its strict CSV parser (csv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "hex.h"
#include "wipe.h"

#define CSV_MAX_FIELDS	5

struct csv_batch *
csv_batch_new(const char *where)
{
	struct csv_batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->unit = where != NULL ? where : "line";
	return b;
}

void
csv_batch_free(struct csv_batch **bp)
{
	struct csv_batch *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	if (b->keys != NULL) {
		wipe(b->keys, b->cap * sizeof(*b->keys));
		free(b->keys);
	}
	free(b);
	*bp = NULL;
}

const char *
csv_kind_name(enum csv_kind kind)
{
	return kind == CSV_TOTP ? "totp" : "hotp";
}

int
csv_serial_valid(const char *s, size_t len)
{
	size_t i;
	char c;

	if (len == 0 || len > CSV_MAX_SERIAL)
		return 0;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Grow to hold one more key; the old array is wiped, never realloc'd. */
static int
csv_batch_grow(struct csv_batch *b)
{
	struct csv_key *nk;
	size_t ncap;

	if (b->n < b->cap)
		return 0;
	ncap = b->cap == 0 ? 16 : b->cap * 2;
	if (ncap > CSV_MAX_KEYS)
		ncap = CSV_MAX_KEYS;
	if ((nk = calloc(ncap, sizeof(*nk))) == NULL)
		return AUTHD_ERR_NOMEM;
	if (b->keys != NULL) {
		memcpy(nk, b->keys, b->n * sizeof(*nk));
		wipe(b->keys, b->cap * sizeof(*b->keys));
		free(b->keys);
	}
	b->keys = nk;
	b->cap = ncap;
	return 0;
}

int
csv_batch_add(struct csv_batch *b, const struct csv_key *k, char *err,
    size_t errlen)
{
	size_t slen = strnlen(k->serial, sizeof(k->serial));

	if (slen == 0)
		return err_set(err, errlen, AUTHD_ERR_INVALID, "empty serial");
	if (slen > CSV_MAX_SERIAL)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "serial longer than %d characters", CSV_MAX_SERIAL);
	if (!csv_serial_valid(k->serial, slen))
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "serial has a character outside [A-Za-z0-9._-]");
	if (k->kind != CSV_HOTP && k->kind != CSV_TOTP)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "kind must be hotp or totp");
	if (k->secret_len < CSV_MIN_SECRET || k->secret_len > CSV_MAX_SECRET)
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "secret is %zu bytes; it must be %d..%d bytes",
		    k->secret_len, CSV_MIN_SECRET, CSV_MAX_SECRET);
	if (k->digits < 6 || k->digits > 8)
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "%u digits not supported; must be 6, 7 or 8", k->digits);
	if (k->period < 1 || k->period > CSV_MAX_PERIOD)
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "period %u not supported; must be 1..%d seconds",
		    k->period, CSV_MAX_PERIOD);
	if (b->n >= CSV_MAX_KEYS)
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "more than %d keys in one import", CSV_MAX_KEYS);
	if (csv_batch_grow(b) != 0)
		return err_set(err, errlen, AUTHD_ERR_NOMEM, "out of memory");
	b->keys[b->n++] = *k;
	return 0;
}

static int
csv_cmp(const void *a, const void *b)
{
	const struct csv_key *x = *(const struct csv_key *const *)a;
	const struct csv_key *y = *(const struct csv_key *const *)b;
	int c;

	if ((c = strcmp(x->serial, y->serial)) != 0)
		return c;
	return x->where < y->where ? -1 : x->where > y->where;
}

int
csv_batch_finish(struct csv_batch *b, char *err, size_t errlen)
{
	const struct csv_key **v, *dup = NULL, *first = NULL;
	size_t i;

	if (b->n == 0)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "no keys to import");
	if ((v = calloc(b->n, sizeof(*v))) == NULL)
		return err_set(err, errlen, AUTHD_ERR_NOMEM, "out of memory");
	for (i = 0; i < b->n; i++)
		v[i] = &b->keys[i];
	qsort(v, b->n, sizeof(*v), csv_cmp);
	/* in each run of one serial the second entry is its first repeat */
	for (i = 1; i < b->n; i++) {
		if (strcmp(v[i]->serial, v[i - 1]->serial) != 0 ||
		    (i >= 2 && strcmp(v[i - 1]->serial, v[i - 2]->serial) == 0))
			continue;
		if (dup == NULL || v[i]->where < dup->where) {
			dup = v[i];
			first = v[i - 1];
		}
	}
	free(v);
	if (dup != NULL)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "%s %zu: duplicate serial %s (already at %s %zu)", b->unit,
		    dup->where, dup->serial, b->unit, first->where);
	return 0;
}

static int
csv_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A field: [s, s + len), blanks trimmed. */
struct csv_field {
	const char	*s;
	size_t		 len;
};

static int
csv_is(const struct csv_field *f, const char *word)
{
	return f->len == strlen(word) && strncasecmp(f->s, word, f->len) == 0;
}

/* A small decimal of 1..3 digits, no sign: 0 or -1. */
static int
csv_small(const struct csv_field *f, unsigned int *v_r)
{
	unsigned int v = 0;
	size_t i;

	if (f->len == 0 || f->len > 3)
		return -1;
	for (i = 0; i < f->len; i++) {
		if (f->s[i] < '0' || f->s[i] > '9')
			return -1;
		v = v * 10 + (unsigned int)(f->s[i] - '0');
	}
	*v_r = v;
	return 0;
}

/* The secret field into k; errors never quote it. */
static int
csv_secret(const struct csv_field *f, struct csv_key *k, char *err,
    size_t errlen)
{
	size_t i;
	int hi, lo;

	if (f->len == 0)
		return err_set(err, errlen, AUTHD_ERR_INVALID, "empty secret");
	for (i = 0; i < f->len; i++)
		if (hex_nibble(f->s[i]) < 0)
			return err_set(err, errlen, AUTHD_ERR_MALFORMED,
			    "secret is not hexadecimal (character %zu)", i + 1);
	if (f->len % 2 != 0)
		return err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "secret has an odd number of hex digits");
	if (f->len / 2 < CSV_MIN_SECRET || f->len / 2 > CSV_MAX_SECRET)
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "secret is %zu bytes; it must be %d..%d bytes", f->len / 2,
		    CSV_MIN_SECRET, CSV_MAX_SECRET);
	for (i = 0; i < f->len / 2; i++) {
		hi = hex_nibble(f->s[2 * i]);
		lo = hex_nibble(f->s[2 * i + 1]);
		k->secret[i] = (unsigned char)(hi << 4 | lo);
	}
	k->secret_len = f->len / 2;
	return 0;
}

/* The fields of one data line into k. */
static int
csv_fields(struct csv_field *f, size_t nf, struct csv_key *k, char *err,
    size_t errlen)
{
	int r;

	if (nf < 3)
		return err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "%zu field%s; want serial,hotp|totp,secret_hex"
		    "[,digits[,period]]", nf, nf == 1 ? "" : "s");
	if (f[0].len == 0)
		return err_set(err, errlen, AUTHD_ERR_INVALID, "empty serial");
	if (f[0].len > CSV_MAX_SERIAL)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "serial longer than %d characters", CSV_MAX_SERIAL);
	if (!csv_serial_valid(f[0].s, f[0].len))
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "serial has a character outside [A-Za-z0-9._-]");
	memcpy(k->serial, f[0].s, f[0].len);
	k->serial[f[0].len] = '\0';
	if (csv_is(&f[1], "hotp"))
		k->kind = CSV_HOTP;
	else if (csv_is(&f[1], "totp"))
		k->kind = CSV_TOTP;
	else
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "kind must be hotp or totp");
	if ((r = csv_secret(&f[2], k, err, errlen)) != 0)
		return r;
	k->digits = CSV_DEF_DIGITS;
	k->period = CSV_DEF_PERIOD;
	k->counter = 0;
	if (nf > 3 && f[3].len > 0 && (f[3].len != 1 || f[3].s[0] < '6' ||
	    f[3].s[0] > '8'))
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "digits must be 6, 7 or 8");
	if (nf > 3 && f[3].len > 0)
		k->digits = (unsigned int)(f[3].s[0] - '0');
	if (nf > 4 && f[4].len > 0) {
		if (k->kind == CSV_HOTP)
			return err_set(err, errlen, AUTHD_ERR_INVALID,
			    "a period applies to totp keys only");
		if (csv_small(&f[4], &k->period) != 0 || k->period < 1 ||
		    k->period > CSV_MAX_PERIOD)
			return err_set(err, errlen, AUTHD_ERR_RANGE,
			    "period must be 1..%d seconds", CSV_MAX_PERIOD);
	}
	return 0;
}

/* One line (without its end) of n bytes. */
static int
csv_line(const char *s, size_t n, size_t lineno, struct csv_batch *b,
    char *err, size_t errlen)
{
	struct csv_field f[CSV_MAX_FIELDS];
	struct csv_key k;
	char msg[256];
	size_t nf = 0, i, start, end;
	int r;

	if (memchr(s, '\0', n) != NULL)
		return err_set(err, errlen, AUTHD_ERR_NUL,
		    "line %zu: NUL byte", lineno);
	if (n > CSV_MAX_LINE)
		return err_set(err, errlen, AUTHD_ERR_TOOLONG,
		    "line %zu: longer than %d bytes", lineno, CSV_MAX_LINE);
	for (i = 0; i < n && csv_blank(s[i]); i++)
		;
	if (i == n || s[i] == '#')
		return 0;		/* blank or comment */
	for (start = 0; start <= n; start = end + 1) {
		for (end = start; end < n && s[end] != ','; end++)
			;
		if (nf == CSV_MAX_FIELDS)
			return err_set(err, errlen, AUTHD_ERR_MALFORMED,
			    "line %zu: more than %d fields", lineno,
			    CSV_MAX_FIELDS);
		f[nf].s = s + start;
		f[nf].len = end - start;
		while (f[nf].len > 0 && csv_blank(f[nf].s[0])) {
			f[nf].s++;
			f[nf].len--;
		}
		while (f[nf].len > 0 && csv_blank(f[nf].s[f[nf].len - 1]))
			f[nf].len--;
		nf++;
	}
	memset(&k, 0, sizeof(k));
	k.where = lineno;
	if ((r = csv_fields(f, nf, &k, msg, sizeof(msg))) == 0 &&
	    (r = csv_batch_add(b, &k, msg, sizeof(msg))) == 0) {
		wipe(&k, sizeof(k));
		return 0;
	}
	/* the serial is quoted only once it has passed csv_serial_valid() */
	if (k.serial[0] != '\0')
		r = err_set(err, errlen, r, "line %zu (serial %s): %s", lineno,
		    k.serial, msg);
	else
		r = err_set(err, errlen, r, "line %zu: %s", lineno, msg);
	wipe(&k, sizeof(k));
	return r;
}

int
csv_parse(const char *buf, size_t len, struct csv_batch *b, char *err,
    size_t errlen)
{
	const char *lf;
	size_t off = 0, end, n, lineno = 0;
	int r;

	if (errlen > 0)
		err[0] = '\0';
	if (b->n != 0)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "internal error: batch not empty");
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		off = 3;		/* UTF-8 byte order mark */
	while (off < len) {
		lineno++;
		lf = memchr(buf + off, '\n', len - off);
		end = lf != NULL ? (size_t)(lf - buf) : len;
		n = end - off;
		if (n > 0 && buf[off + n - 1] == '\r')
			n--;		/* CRLF */
		if ((r = csv_line(buf + off, n, lineno, b, err, errlen)) != 0)
			return r;
		off = end + 1;
	}
	return csv_batch_finish(b, err, errlen);
}
