/*
 * authd/config_values.c: the checks of single configuration values (names,
 * host names, addresses, ADDR:PORT, CIDRs, name lists, user-name templates),
 * kept apart from the parser in config.c. Declared in config_int.h.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "num.h"

int
config_word_valid(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (n >= max ||
		    !(IS_ALNUM((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
			return 0;
	return n > 0;
}

/* [A-Za-z0-9.-], not all digits and dots (that would be an address). */
int
config_hostname_valid(const char *s, size_t len)
{
	size_t i, alpha = 0;

	if (len == 0 || len > 253 || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (!(IS_ALNUM((unsigned char)s[i]) || s[i] == '-' || s[i] == '.'))
			return 0;
		alpha += !IS_DIGIT((unsigned char)s[i]) && s[i] != '.';
	}
	return alpha > 0;
}

/* The len bytes at s are an address of family af. */
int
config_addr_valid(int af, const char *s, size_t len)
{
	char host[INET6_ADDRSTRLEN + 1];
	unsigned char a[sizeof(struct in6_addr)];

	if (len == 0 || len >= sizeof(host))
		return 0;
	memcpy(host, s, len);
	host[len] = '\0';
	return inet_pton(af, host, a) == 1;
}

/* ADDR:PORT: an IPv4 address, a [bracketed] IPv6 address or a host name. */
int
config_listen_valid(const char *v)
{
	const char *colon, *close, *errstr;

	if (v[0] == '[') {
		if ((close = strchr(v, ']')) == NULL || close[1] != ':' ||
		    !config_addr_valid(AF_INET6, v + 1, (size_t)(close - v - 1)))
			return 0;
		colon = close + 1;
	} else if ((colon = strchr(v, ':')) == NULL ||
	    strchr(colon + 1, ':') != NULL ||
	    (!config_addr_valid(AF_INET, v, (size_t)(colon - v)) &&
	    !config_hostname_valid(v, (size_t)(colon - v))))
		return 0;
	(void)strtonum_ll(colon + 1, 1, 65535, &errstr);
	return errstr == NULL;
}

/* An IPv4 or IPv6 address, optionally with /PREFIX. */
int
config_cidr_valid(const char *v)
{
	const char *errstr, *slash = strchr(v, '/');
	size_t hl = slash != NULL ? (size_t)(slash - v) : strlen(v);
	long long max;

	if (config_addr_valid(AF_INET, v, hl))
		max = 32;
	else if (config_addr_valid(AF_INET6, v, hl))
		max = 128;
	else
		return 0;
	if (slash == NULL)
		return 1;
	(void)strtonum_ll(slash + 1, 0, max, &errstr);
	return errstr == NULL;
}

/* "a, b ,c" -> new "a,b,c"; NULL if invalid or (*nomem_r set) out of memory. */
char *
config_names_normalize(const char *v, int *nomem_r)
{
	char *out, *w;
	size_t item = 0;	/* bytes in the current item */
	int gap = 0;		/* a space followed the current item */

	out = malloc(strlen(v) + 1);
	*nomem_r = out == NULL;
	if (out == NULL)
		return NULL;
	for (w = out;; v++) {
		if (*v == ',' || *v == '\0') {
			if (item == 0 || item > 253)
				break;
			if ((*w++ = *v) == '\0')
				return out;
			item = gap = 0;
		} else if (IS_SPACE((unsigned char)*v))
			gap = item > 0;
		else if (!gap && (IS_ALNUM((unsigned char)*v) || *v == '.' ||
		    *v == '-' || *v == ':')) {
			*w++ = *v;
			item++;
		} else
			break;
	}
	free(out);
	return NULL;
}

/* "{unit}{seq:4}", "ops-{seq:3}": literal [a-z0-9._-], {unit}, exactly one {seq:N}. */
int
config_template_valid(const char *t)
{
	int seq = 0;

	while (*t != '\0') {
		if (strncmp(t, "{unit}", 6) == 0)
			t += 6;
		else if (strncmp(t, "{seq:", 5) == 0 && t[5] >= '1' && t[5] <= '9' &&
		    t[6] == '}') {
			seq++;
			t += 7;
		} else if ((*t >= 'a' && *t <= 'z') || IS_DIGIT(*t) || *t == '.' || *t == '_' ||
		    *t == '-')
			t++;
		else
			return 0;
	}
	return seq == 1;
}

