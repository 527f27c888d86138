/*
 * common/proto.h: the authd line protocol codec (DESIGN.md "Wire protocol",
 * docs/protocol.md). Linked by authd, authadm and pam_authd.so.
 *
 * A line is: VERB (TAB key=value)* LF. At most PROTO_MAX_LINE bytes including
 * the LF, at most PROTO_MAX_FIELDS fields. Values are UTF-8; TAB, LF and
 * backslash inside values are escaped as \t, \n and \\ (and CR as \r).
 * Keys are [a-z0-9_] and at most PROTO_MAX_KEY bytes; the verb is [A-Za-z0-9_].
 */
#ifndef AUTHD_PROTO_H
#define AUTHD_PROTO_H

#include <stdarg.h>
#include <stddef.h>

#include "buf.h"

#define PROTO_VERSION_MAJOR	1
#define PROTO_VERSION_MINOR	0
#define PROTO_MAX_LINE		8192	/* bytes, LF included */
#define PROTO_MAX_FIELDS	64
#define PROTO_MAX_KEY		32
#define PROTO_MAX_VERB		32

struct proto_field {
	const char	*key;
	const char	*value;		/* unescaped, NUL-terminated */
};

/*
 * A parsed line. Its strings point into storage owned by the message;
 * proto_msg_clear() wipes and frees it (values may be passwords).
 */
struct proto_msg {
	const char		*verb;
	size_t			 nfields;
	struct proto_field	 fields[PROTO_MAX_FIELDS];
	char			*storage;
	size_t			 storage_len;
};

/*
 * Parse one line of len bytes, without its trailing LF (a trailing CR is
 * malformed). On success msg owns a copy; on error msg is left empty.
 */
int		 proto_parse(const char *line, size_t len, struct proto_msg *msg);
void		 proto_msg_clear(struct proto_msg *msg);
/* The value of the first field named key, or NULL. */
const char	*proto_get(const struct proto_msg *msg, const char *key);

/*
 * Building: proto_begin() resets b and writes the verb; proto_add() appends
 * one escaped field; proto_end() appends the LF. All refuse to exceed
 * PROTO_MAX_LINE or PROTO_MAX_FIELDS and return AUTHD_ERR_*.
 * b should be created with buf_new(PROTO_MAX_LINE).
 */
int		 proto_begin(struct buf *b, const char *verb);
int		 proto_add(struct buf *b, const char *key, const char *value);
int		 proto_addf(struct buf *b, const char *key, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
int		 proto_end(struct buf *b);
/*
 * A whole line: verb, then key, value pairs from ap (const char *, a NULL
 * value sent as ""), ending at a NULL key; then the LF.
 */
int		 proto_vline(struct buf *b, const char *verb, va_list ap);

/* Escape or unescape a single value into out (appending). */
int		 proto_escape(struct buf *out, const char *value);
/* 1 if s (len bytes) is valid UTF-8 without overlongs/surrogates, else 0. */
int		 proto_utf8_valid(const unsigned char *s, size_t len);

#endif
