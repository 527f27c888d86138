/* common/wipe.h: the one wipe family for secrets (STYLE.md habit 6). */
#ifndef AUTHD_WIPE_H
#define AUTHD_WIPE_H

#include <stdlib.h>
#include <string.h>

/* Overwrite len bytes at p so the compiler cannot elide it. */
static inline void
wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

/* Wipe a NUL-terminated string and free it; NULL is a no-op. */
static inline void
wipe_free_str(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Constant-time comparison of two byte strings of possibly different length: 1 if equal. */
int	secret_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
