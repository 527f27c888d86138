/* common/proto.c: parse and build protocol lines; bounded, strict, wipes what it parsed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "proto.h"
#include "wipe.h"

int
proto_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned int c;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		/* overlongs, surrogates and code points above U+10FFFF */
		if (c == 0xe0 && s[i + 1] < 0xa0)
			return 0;
		if (c == 0xed && s[i + 1] > 0x9f)
			return 0;
		if (c == 0xf0 && s[i + 1] < 0x90)
			return 0;
		if (c == 0xf4 && s[i + 1] > 0x8f)
			return 0;
		i += n + 1;
	}
	return 1;
}

static int
key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int
verb_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

void
proto_msg_clear(struct proto_msg *msg)
{
	if (msg->storage != NULL) {
		wipe(msg->storage, msg->storage_len);
		free(msg->storage);
	}
	memset(msg, 0, sizeof(*msg));
}

/* Unescape in place the value running from *pp to the next TAB or end. */
static int
unescape_field(char **pp, char *end, char **start_r)
{
	char *r = *pp, *w = *pp;

	*start_r = w;
	while (r < end && *r != '\t') {
		if (*r == '\\') {
			if (r + 1 >= end)
				return AUTHD_ERR_ESCAPE;
			switch (r[1]) {
			case 't':  *w++ = '\t'; break;
			case 'n':  *w++ = '\n'; break;
			case 'r':  *w++ = '\r'; break;
			case '\\': *w++ = '\\'; break;
			default:   return AUTHD_ERR_ESCAPE;
			}
			r += 2;
		} else if (*r == '\n' || *r == '\r') {
			return AUTHD_ERR_MALFORMED;
		} else
			*w++ = *r++;
	}
	/* r now at TAB or end; terminate the unescaped value */
	*pp = r;
	*w = '\0';
	return 0;
}

int
proto_parse(const char *line, size_t len, struct proto_msg *msg)
{
	char *s = NULL, *p, *end, *v, *eq, *fend;
	size_t i;
	int r;

	memset(msg, 0, sizeof(*msg));
	if (len == 0)
		return AUTHD_ERR_VERB;
	if (len >= PROTO_MAX_LINE)
		return AUTHD_ERR_TOOLONG;
	if (memchr(line, '\0', len) != NULL)
		return AUTHD_ERR_NUL;
	if (!proto_utf8_valid((const unsigned char *)line, len))
		return AUTHD_ERR_UTF8;
	/* one extra byte so the last field can be terminated in place */
	if ((s = malloc(len + 1)) == NULL)
		return AUTHD_ERR_NOMEM;
	memcpy(s, line, len);
	s[len] = '\0';
	msg->storage = s;
	msg->storage_len = len + 1;
	end = s + len;

	/* verb */
	for (p = s; p < end && *p != '\t'; p++)
		if (!verb_char((unsigned char)*p)) {
			r = AUTHD_ERR_VERB;
			goto fail;
		}
	if (p == s || p - s > PROTO_MAX_VERB) {
		r = AUTHD_ERR_VERB;
		goto fail;
	}
	msg->verb = s;
	if (p == end)
		return 0;
	*p++ = '\0';

	/* fields: key=value, TAB separated; an empty field is malformed */
	for (;;) {
		if (msg->nfields >= PROTO_MAX_FIELDS) {
			r = AUTHD_ERR_FIELDS;
			goto fail;
		}
		/* look for '=' in this field only, not in the ones after it */
		if ((fend = memchr(p, '\t', (size_t)(end - p))) == NULL)
			fend = end;
		if ((eq = memchr(p, '=', (size_t)(fend - p))) == NULL) {
			r = AUTHD_ERR_MALFORMED;
			goto fail;
		}
		if (eq == p || eq - p > PROTO_MAX_KEY) {
			r = AUTHD_ERR_KEY;
			goto fail;
		}
		for (i = 0; p + i < eq; i++)
			if (!key_char((unsigned char)p[i])) {
				r = AUTHD_ERR_KEY;
				goto fail;
			}
		*eq = '\0';
		msg->fields[msg->nfields].key = p;
		p = eq + 1;
		if ((r = unescape_field(&p, end, &v)) != 0)
			goto fail;
		msg->fields[msg->nfields].value = v;
		msg->nfields++;
		if (p == end)
			break;
		/* p at TAB: the value was terminated at or before it */
		p++;
		if (p == end) {
			r = AUTHD_ERR_MALFORMED;	/* trailing TAB */
			goto fail;
		}
	}
	return 0;
 fail:
	proto_msg_clear(msg);
	return r;
}

const char *
proto_get(const struct proto_msg *msg, const char *key)
{
	size_t i;

	for (i = 0; i < msg->nfields; i++)
		if (strcmp(msg->fields[i].key, key) == 0)
			return msg->fields[i].value;
	return NULL;
}

int
proto_escape(struct buf *out, const char *value)
{
	const char *p;
	int r = 0;

	for (p = value; *p != '\0' && r == 0; p++) {
		switch (*p) {
		case '\t': r = buf_put(out, "\\t", 2); break;
		case '\n': r = buf_put(out, "\\n", 2); break;
		case '\r': r = buf_put(out, "\\r", 2); break;
		case '\\': r = buf_put(out, "\\\\", 2); break;
		default:   r = buf_putc(out, *p); break;
		}
	}
	return r;
}

int
proto_begin(struct buf *b, const char *verb)
{
	size_t i, n = strlen(verb);

	buf_reset(b);
	if (n == 0 || n > PROTO_MAX_VERB)
		return AUTHD_ERR_VERB;
	for (i = 0; i < n; i++)
		if (!verb_char((unsigned char)verb[i]))
			return AUTHD_ERR_VERB;
	return buf_put(b, verb, n);
}

static size_t
count_fields(const struct buf *b)
{
	const unsigned char *p = buf_ptr(b);
	size_t i, n = 0;

	for (i = 0; i < buf_len(b); i++)
		if (p[i] == '\t')
			n++;
	return n;
}

int
proto_add(struct buf *b, const char *key, const char *value)
{
	size_t i, n = strlen(key), mark = buf_len(b);
	int r;

	if (n == 0 || n > PROTO_MAX_KEY)
		return AUTHD_ERR_KEY;
	for (i = 0; i < n; i++)
		if (!key_char((unsigned char)key[i]))
			return AUTHD_ERR_KEY;
	if (!proto_utf8_valid((const unsigned char *)value, strlen(value)))
		return AUTHD_ERR_UTF8;
	if (count_fields(b) >= PROTO_MAX_FIELDS)
		return AUTHD_ERR_FIELDS;
	if ((r = buf_putc(b, '\t')) != 0 ||
	    (r = buf_put(b, key, n)) != 0 ||
	    (r = buf_putc(b, '=')) != 0 ||
	    (r = proto_escape(b, value)) != 0)
		goto fail;
	/* keep room for the LF */
	if (buf_len(b) >= PROTO_MAX_LINE) {
		r = AUTHD_ERR_TOOLONG;
		goto fail;
	}
	return 0;
 fail:
	(void)buf_truncate(b, mark);	/* roll back the partial field */
	return r;
}

int
proto_vline(struct buf *b, const char *verb, va_list ap)
{
	const char *k, *v;
	int r;

	r = proto_begin(b, verb);
	while (r == 0 && (k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		r = proto_add(b, k, v != NULL ? v : "");
	}
	return r == 0 ? proto_end(b) : r;
}

int
proto_addf(struct buf *b, const char *key, const char *fmt, ...)
{
	char tmp[PROTO_MAX_LINE];
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return AUTHD_ERR_TOOLONG;
	r = proto_add(b, key, tmp);
	wipe(tmp, (size_t)n);
	return r;
}

int
proto_end(struct buf *b)
{
	if (buf_len(b) + 1 > PROTO_MAX_LINE)
		return AUTHD_ERR_TOOLONG;
	return buf_putc(b, '\n');
}
