/* authd/cidr.h: address lists ("10.0.0.0/8,2001:db8::/32,192.0.2.7") for allowed sources (R21). */
#ifndef AUTHD_CIDR_H
#define AUTHD_CIDR_H

#include <stddef.h>

/* 0 if every item of the comma list parses, else -1 with a message naming the item. */
int	cidr_list_check(const char *list, char *msg, size_t msglen);
/*
 * 1 if addr (an IPv4 or IPv6 address in text) is inside an item of list, 0 if
 * not or if addr is not an address (a host name never matches). IPv4-mapped
 * IPv6 addresses (::ffff:a.b.c.d) match IPv4 items.
 */
int	cidr_list_match(const char *list, const char *addr);

#endif
