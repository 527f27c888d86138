/* authd/config_int.h: value checks shared by config.c and config_values.c only. */
#ifndef AUTHD_CONFIG_INT_H
#define AUTHD_CONFIG_INT_H

#include <stddef.h>

#define IS_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define IS_SPACE(c)	((c) == ' ' || (c) == '\t')
#define IS_ALNUM(c)	(IS_DIGIT(c) || ((c) >= 'a' && (c) <= 'z') || \
			    ((c) >= 'A' && (c) <= 'Z'))

int	config_word_valid(const char *s, size_t max);
int	config_hostname_valid(const char *s, size_t len);
int	config_addr_valid(int af, const char *s, size_t len);
int	config_listen_valid(const char *v);
int	config_cidr_valid(const char *v);
/* "a, b,c" -> "a,b,c" (malloc'd); NULL and *nomem_r = 0 when invalid. */
char	*config_names_normalize(const char *v, int *nomem_r);
int	config_template_valid(const char *t);

#endif
