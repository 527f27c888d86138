/* common/buf.c: bounded, self-wiping byte buffer; the only pointer arithmetic on untrusted bytes. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "wipe.h"

struct buf {
	unsigned char	*d;
	size_t		 len;
	size_t		 cap;
	size_t		 max;
};

struct buf *
buf_new(size_t max)
{
	struct buf *b;

	if (max == 0)
		return NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->max = max;
	return b;
}

void
buf_free(struct buf **bp)
{
	struct buf *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	if (b->d != NULL) {
		wipe(b->d, b->cap);
		free(b->d);
	}
	free(b);
	*bp = NULL;
}

void
buf_reset(struct buf *b)
{
	if (b->d != NULL)
		wipe(b->d, b->cap);
	b->len = 0;
}

size_t
buf_len(const struct buf *b)
{
	return b->len;
}

size_t
buf_max(const struct buf *b)
{
	return b->max;
}

const unsigned char *
buf_ptr(const struct buf *b)
{
	static const unsigned char empty[1];

	return b->d != NULL ? b->d : empty;
}

static int
buf_reserve(struct buf *b, size_t more)
{
	size_t need, ncap;
	unsigned char *nd;

	if (more > b->max || b->len > b->max - more)
		return AUTHD_ERR_TOOLONG;
	need = b->len + more;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	if ((nd = malloc(ncap)) == NULL)
		return AUTHD_ERR_NOMEM;
	if (b->d != NULL) {
		memcpy(nd, b->d, b->len);
		wipe(b->d, b->cap);
		free(b->d);
	}
	b->d = nd;
	b->cap = ncap;
	return 0;
}

int
buf_put(struct buf *b, const void *p, size_t len)
{
	int r;

	if (len == 0)
		return 0;
	if ((r = buf_reserve(b, len)) != 0)
		return r;
	memcpy(b->d + b->len, p, len);
	b->len += len;
	return 0;
}

int
buf_putc(struct buf *b, int c)
{
	unsigned char ch = (unsigned char)c;

	return buf_put(b, &ch, 1);
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

int
buf_consume(struct buf *b, size_t len)
{
	if (len > b->len)
		return AUTHD_ERR_TRUNCATED;
	if (len == 0)
		return 0;	/* b->d may still be NULL */
	memmove(b->d, b->d + len, b->len - len);
	b->len -= len;
	wipe(b->d + b->len, len);
	return 0;
}

int
buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		return AUTHD_ERR_TRUNCATED;
	if (len == b->len)
		return 0;	/* b->d may still be NULL */
	wipe(b->d + len, b->len - len);
	b->len = len;
	return 0;
}

long
buf_find(const struct buf *b, int c)
{
	const unsigned char *p;

	if (b->len == 0)
		return -1;
	p = memchr(b->d, c, b->len);
	return p == NULL ? -1 : (long)(p - b->d);
}

int
buf_dup_cstr(const struct buf *b, char **s_r)
{
	char *s;

	*s_r = NULL;
	if (b->len > 0 && memchr(b->d, '\0', b->len) != NULL)
		return AUTHD_ERR_NUL;
	if ((s = malloc(b->len + 1)) == NULL)
		return AUTHD_ERR_NOMEM;
	if (b->len > 0)
		memcpy(s, b->d, b->len);
	s[b->len] = '\0';
	*s_r = s;
	return 0;
}
