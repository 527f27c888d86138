/* common/err.c: messages for the error table of err.h. */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

const char *
authd_strerror(int r)
{
	switch (r) {
	case AUTHD_OK:			return "success";
	case AUTHD_ERR_NOMEM:		return "out of memory";
	case AUTHD_ERR_TOOLONG:		return "too long";
	case AUTHD_ERR_MALFORMED:	return "malformed input";
	case AUTHD_ERR_TRUNCATED:	return "truncated input";
	case AUTHD_ERR_NUL:		return "NUL byte in string";
	case AUTHD_ERR_UTF8:		return "invalid UTF-8";
	case AUTHD_ERR_ESCAPE:		return "invalid escape sequence";
	case AUTHD_ERR_FIELDS:		return "too many fields";
	case AUTHD_ERR_KEY:		return "invalid field name";
	case AUTHD_ERR_VERB:		return "invalid verb";
	case AUTHD_ERR_RANGE:		return "number out of range";
	case AUTHD_ERR_IO:		return "input/output error";
	case AUTHD_ERR_CLOSED:		return "connection closed";
	case AUTHD_ERR_TIMEOUT:		return "timed out";
	case AUTHD_ERR_INVALID:		return "invalid argument";
	}
	return "unknown error";
}

int
err_set(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}
