/* common/num.h: checked number parsing (no atoi: STYLE.md "never parse leniently"). */
#ifndef AUTHD_NUM_H
#define AUTHD_NUM_H

/*
 * Parse a decimal integer in [min, max]: digits only (a leading '-' only when
 * min < 0), no spaces, no trailing junk. On error returns 0 and sets *errstr
 * to "invalid", "too small" or "too large"; on success *errstr = NULL.
 */
long long	strtonum_ll(const char *s, long long min, long long max, const char **errstr);

#endif
