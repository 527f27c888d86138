/* common/num.c: strtonum-style checked conversion. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "num.h"

long long
strtonum_ll(const char *s, long long min, long long max, const char **errstr)
{
	long long v;
	char *end;

	*errstr = "invalid";
	if (s == NULL || *s == '\0' || min > max)
		return 0;
	if (!(*s >= '0' && *s <= '9') && !(*s == '-' && min < 0 && s[1] >= '0' && s[1] <= '9'))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return 0;
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return 0;
	}
	*errstr = NULL;
	return v;
}
