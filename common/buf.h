/*
 * common/buf.h: the one bounded buffer for untrusted bytes (STYLE.md habit 1).
 *
 * A buf grows on demand up to the maximum given at creation; every put returns
 * 0 or a negative AUTHD_ERR_* code and leaves the buffer unchanged on error.
 * Contents are wiped when reset, consumed, reallocated or freed, so a buf may
 * hold secrets. buf_free() takes a struct buf ** and NULLs the caller's pointer.
 */
#ifndef AUTHD_BUF_H
#define AUTHD_BUF_H

#include <stddef.h>

struct buf;

struct buf	*buf_new(size_t max);		/* NULL on allocation failure */
void		 buf_free(struct buf **bp);	/* wipes; NULL is a no-op */
void		 buf_reset(struct buf *b);	/* wipes, keeps the allocation */
size_t		 buf_len(const struct buf *b);
size_t		 buf_max(const struct buf *b);
const unsigned char *buf_ptr(const struct buf *b);	/* valid until the next put */
int		 buf_put(struct buf *b, const void *p, size_t len);
int		 buf_putc(struct buf *b, int c);
int		 buf_puts(struct buf *b, const char *s);
int		 buf_consume(struct buf *b, size_t len);	/* drop len bytes from the front */
int		 buf_truncate(struct buf *b, size_t len);	/* keep the first len bytes, wipe the rest */
/* Find the first occurrence of c; returns its offset or -1. */
long		 buf_find(const struct buf *b, int c);
/*
 * Copy the whole buffer out as a NUL-terminated string (caller frees, and
 * wipes if secret). Refuses contents with an inner NUL (AUTHD_ERR_NUL).
 */
int		 buf_dup_cstr(const struct buf *b, char **s_r);

#endif
