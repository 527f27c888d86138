/* authd/cidr.c: parse and match CIDR lists with inet_pton; nothing clever. */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "num.h"

#define CIDR_ITEM_MAX	64

struct net {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];
	unsigned int	bits;
};

static int
parse_item(const char *item, struct net *n)
{
	char buf[CIDR_ITEM_MAX], *slash;
	const char *errstr;

	if (strlen(item) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", item);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	n->family = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(n->family, buf, n->addr) != 1)
		return -1;
	n->bits = n->family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		n->bits = (unsigned int)strtonum_ll(slash, 0, n->bits, &errstr);
		if (errstr != NULL)
			return -1;
	}
	return 0;
}

static int
parse_addr(const char *addr, struct net *n)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (strchr(addr, '/') != NULL || parse_item(addr, n) != 0)
		return -1;
	if (n->family == AF_INET6 && memcmp(n->addr, mapped, 12) == 0) {
		memmove(n->addr, n->addr + 12, 4);
		n->family = AF_INET;
		n->bits = 32;
	}
	return 0;
}

static int
net_contains(const struct net *net, const struct net *a)
{
	unsigned int full = net->bits / 8, rest = net->bits % 8;
	unsigned char mask;

	if (net->family != a->family)
		return 0;
	if (memcmp(net->addr, a->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (a->addr[full] & mask);
}

/* Walk the items of list; fn gets each parsed item. */
static int
each_item(const char *list, int (*fn)(const struct net *, void *), void *arg, char *bad,
    size_t badlen)
{
	const char *p = list, *end;
	char item[CIDR_ITEM_MAX];
	struct net n;
	size_t len;
	int r;

	while (*p != '\0') {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0 || len >= sizeof(item)) {
			snprintf(bad, badlen, "%.*s", (int)(len > 40 ? 40 : len), p);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_item(item, &n) != 0) {
			snprintf(bad, badlen, "%s", item);
			return -1;
		}
		if (fn != NULL && (r = fn(&n, arg)) != 0)
			return r;
		p = end ? end + 1 : p + len;
	}
	return 0;
}

int
cidr_list_check(const char *list, char *msg, size_t msglen)
{
	char bad[CIDR_ITEM_MAX];

	if (each_item(list, NULL, NULL, bad, sizeof(bad)) != 0) {
		snprintf(msg, msglen, "\"%s\" is not an IPv4 or IPv6 address or CIDR", bad);
		return -1;
	}
	return 0;
}

static int
match_cb(const struct net *n, void *arg)
{
	return net_contains(n, arg) ? 1 : 0;
}

int
cidr_list_match(const char *list, const char *addr)
{
	struct net a;
	char bad[CIDR_ITEM_MAX];

	if (parse_addr(addr, &a) != 0)
		return 0;
	return each_item(list, match_cb, &a, bad, sizeof(bad)) == 1;
}
