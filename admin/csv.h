/*
 * admin/csv.h: the batch of OTP keys that "authadm key import" sends, and
 * the strict parser of the CSV import format into one.
 *
 * CSV: one key per line, "serial,hotp|totp,secret_hex[,digits[,period]]".
 * Blank lines and lines whose first non-blank character is '#' are skipped;
 * spaces and tabs around fields are ignored; a line may end in CRLF; a UTF-8
 * byte order mark at the start is skipped. Everything else that does not
 * fit is refused, naming the line: a bad or odd-length hex secret, a secret
 * outside CSV_MIN_SECRET..CSV_MAX_SECRET bytes, digits other than 6, 7 or 8,
 * a period outside 1..CSV_MAX_PERIOD (and any period on a HOTP key), an
 * empty, over-long or ill-charactered serial, a serial given twice, more than
 * CSV_MAX_KEYS keys, a NUL byte, a line over CSV_MAX_LINE bytes.
 *
 * csv_parse() is a pure function over a memory buffer (fuzzed by
 * tests/fuzz/fuzz_csv.c). The PSKC reader (pskcfile.h) fills the same batch
 * through csv_batch_add() and csv_batch_finish(), so both formats obey one
 * set of limits.
 *
 * Error messages never quote a secret; they quote a serial only once it is
 * known to be made of [A-Za-z0-9._-].
 */
#ifndef ADMIN_CSV_H
#define ADMIN_CSV_H

#include <stddef.h>

#define CSV_MAX_KEYS	10000	/* keys per import (docs/protocol.md) */
#define CSV_MAX_SERIAL	64	/* bytes of [A-Za-z0-9._-] */
#define CSV_MIN_SECRET	16	/* bytes */
#define CSV_MAX_SECRET	64	/* bytes */
#define CSV_MAX_PERIOD	300	/* seconds */
#define CSV_MAX_LINE	1024	/* bytes, without the line end */
#define CSV_DEF_DIGITS	6
#define CSV_DEF_PERIOD	30

enum csv_kind {
	CSV_HOTP = 1,
	CSV_TOTP = 2,
};

/* One key. Holds a secret: wipe a copy on the stack after use. */
struct csv_key {
	char			 serial[CSV_MAX_SERIAL + 1];
	enum csv_kind		 kind;
	unsigned char		 secret[CSV_MAX_SECRET];
	size_t			 secret_len;
	unsigned int		 digits;	/* 6, 7 or 8 */
	unsigned int		 period;	/* seconds (TOTP) */
	unsigned long long	 counter;	/* next HOTP counter */
	size_t			 where;		/* line or key package, from 1 */
};

/* The keys of one import, in file order. */
struct csv_batch {
	struct csv_key		*keys;
	size_t			 n;
	size_t			 cap;
	const char		*unit;		/* "line" or "key package" */
};

/*
 * A new empty batch; where names the unit of csv_key.where in messages
 * ("line", "key package"; borrowed, usually a literal). NULL when out of
 * memory. csv_batch_free() wipes every key, frees, NULLs *bp; NULL is a no-op.
 */
struct csv_batch	*csv_batch_new(const char *where);
void			 csv_batch_free(struct csv_batch **bp);

/*
 * Check k (serial, kind, secret length, digits, period) and append a copy.
 * Returns 0, or AUTHD_ERR_INVALID / _RANGE / _NOMEM with err set to a
 * sentence without the "line N:" prefix; the caller adds its context.
 */
int		 csv_batch_add(struct csv_batch *b, const struct csv_key *k,
		    char *err, size_t errlen);
/*
 * Refuse an empty batch and serials given twice; the message names the
 * first duplicate in file order and where the serial was seen first.
 * Returns 0 or AUTHD_ERR_INVALID / _NOMEM (err set, prefixed).
 */
int		 csv_batch_finish(struct csv_batch *b, char *err,
		    size_t errlen);

/* 1 if s (len bytes) is a valid serial: 1..CSV_MAX_SERIAL of [A-Za-z0-9._-]. */
int		 csv_serial_valid(const char *s, size_t len);
/* "hotp" or "totp". */
const char	*csv_kind_name(enum csv_kind kind);

/*
 * Parse the CSV document buf (len bytes, not NUL-terminated, may hold any
 * byte) into b, which must be empty. Returns 0, or AUTHD_ERR_* with err
 * set to "line N: what is wrong" (or a whole-file problem). On error b may
 * hold some keys: the caller frees it.
 */
int		 csv_parse(const char *buf, size_t len, struct csv_batch *b,
		    char *err, size_t errlen);

#endif
