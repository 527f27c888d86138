/*
 * authd/policy.h: password policies as data (R6, R7, R22, R23, R35).
 *
 * Pure functions, no I/O: a policy is a struct, checking a candidate password
 * returns every rule it breaks as one message. History (no reuse of the last
 * N passwords) needs hash verification and is checked by the caller.
 */
#ifndef AUTHD_POLICY_H
#define AUTHD_POLICY_H

#include <stddef.h>

#define POLICY_NAME_MAX		32
#define POLICY_PASSWORD_MAX	1024	/* bytes; longer passwords are refused, never truncated */

/* Character classes. Letters are one class unless the policy splits case. */
enum policy_class {
	POLICY_CLASS_DIGIT	= 1 << 0,
	POLICY_CLASS_LETTER	= 1 << 1,	/* used when split_case == 0 */
	POLICY_CLASS_LOWER	= 1 << 2,	/* used when split_case == 1 */
	POLICY_CLASS_UPPER	= 1 << 3,	/* used when split_case == 1 */
	POLICY_CLASS_SPECIAL	= 1 << 4,	/* any other printable character, non-ASCII included */
};

struct policy {
	char		name[POLICY_NAME_MAX + 1];
	unsigned int	min_length;	/* in characters (UTF-8 code points), 1..1024 */
	unsigned int	classes;	/* how many of the policy's classes are required, 0..4 */
	int		split_case;	/* 0: digits/letters/specials; 1: digits/lower/upper/specials */
	unsigned int	max_age_days;	/* 0 = never expires */
	unsigned int	history;	/* refuse reuse of the last N passwords, 0..24 */
};

/* The five shipped policies of INTERFACE.md, in a fixed order. */
size_t		 policy_builtin_count(void);
const struct policy *policy_builtin(size_t i);
const struct policy *policy_builtin_find(const char *name);

/*
 * Check password against p for user name. Returns 0 if it complies, else -1
 * and writes into msg one sentence naming every broken rule, e.g.
 * "needs at least 7 characters (has 5); needs digits, letters and special
 * characters (missing: special characters); must not contain the user name".
 * The message never contains the password. Invalid UTF-8, control characters,
 * an empty password or more than POLICY_PASSWORD_MAX bytes are refused too.
 */
int		 policy_check(const struct policy *p, const char *username,
		    const char *password, char *msg, size_t msglen);

/*
 * The rule as text into out (cut at outlen), e.g. "at least 7 characters;
 * digits, letters and special characters; changed every 180 days; last 5 not
 * reused" or "at least 12 characters; 2 of digits / letters / specials; ...".
 */
void		 policy_describe(const struct policy *p, char *out, size_t outlen);

/* Class set as text: "digits/letters/specials" or "digits/lower/upper/specials". */
const char	*policy_class_set(const struct policy *p);

/*
 * Generate an initial password that satisfies p (and does not contain
 * username), from the CSPRNG, without ambiguous characters (0O1lI).
 * Length: max(p->min_length, 12) but at most outlen-1. Returns 0 or -1.
 */
int		 policy_generate(const struct policy *p, const char *username, char *out, size_t outlen);

/* Validate a policy's numbers (for policy set); 0 or -1 with a message. */
int		 policy_validate(const struct policy *p, char *msg, size_t msglen);

#endif
