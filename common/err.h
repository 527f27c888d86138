/* common/err.h: the one error table shared by authd, authadm and pam_authd.so. */
#ifndef AUTHD_ERR_H
#define AUTHD_ERR_H

enum authd_err {
	AUTHD_OK = 0,
	AUTHD_ERR_NOMEM = -1,		/* allocation failed */
	AUTHD_ERR_TOOLONG = -2,		/* over a buffer's or line's limit */
	AUTHD_ERR_MALFORMED = -3,	/* bytes do not parse */
	AUTHD_ERR_TRUNCATED = -4,	/* input ended early */
	AUTHD_ERR_NUL = -5,		/* a string holds an inner NUL */
	AUTHD_ERR_UTF8 = -6,		/* not valid UTF-8 */
	AUTHD_ERR_ESCAPE = -7,		/* unknown backslash escape */
	AUTHD_ERR_FIELDS = -8,		/* too many fields on a line */
	AUTHD_ERR_KEY = -9,		/* a field key is empty or has bad characters */
	AUTHD_ERR_VERB = -10,		/* the verb is empty or has bad characters */
	AUTHD_ERR_RANGE = -11,		/* a number out of range */
	AUTHD_ERR_IO = -12,		/* read or write failed */
	AUTHD_ERR_CLOSED = -13,		/* peer closed the connection */
	AUTHD_ERR_TIMEOUT = -14,	/* deadline passed */
	AUTHD_ERR_INVALID = -15,	/* invalid argument */
};

const char *authd_strerror(int r);

#include <stddef.h>

/* Write a one-line message into err (when err and errlen allow); returns r. */
int	err_set(char *err, size_t errlen, int r, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
