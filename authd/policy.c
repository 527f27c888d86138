/*
 * authd/policy.c: named password policies as data (R6, R7, R22, R23, R35).
 *
 * Pure functions, no I/O. policy_check() names every broken rule in one
 * message and never copies the password into it; history (R6 "no reuse")
 * needs hash verification and is left to the caller.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "policy.h"
#include "wipe.h"

#define POLICY_MIN_LENGTH_MAX	POLICY_PASSWORD_MAX
#define POLICY_MAX_AGE_MAX	3650
#define POLICY_HISTORY_MAX	24
#define POLICY_GENERATE_MIN	12
#define POLICY_GENERATE_TRIES	100

/*
 * The shipped policies of INTERFACE.md, in a fixed order; "standard" is the
 * default. History 5 and a 180-day maximum age for all (R7).
 */
static const struct policy builtin[] = {
	/* R6: default rule, 7 characters, digits + letters + specials. */
	{ "standard",		 7, 3, 0, 180, 5 },
	/* R22: server (privileged) accounts, 16 characters, all three classes. */
	{ "server",		16, 3, 0, 180, 5 },
	/* R23: office staff, 6 characters, no class rule. */
	{ "office",		 6, 0, 0, 180, 5 },
	/* R23: staff publishing to the public site, 12 characters, 2 of 3 classes. */
	{ "publisher",		12, 2, 0, 180, 5 },
	/* R35: shared workstations, 8 characters, 3 classes. */
	{ "workstation",	 8, 3, 0, 180, 5 },
};

/* One row per class of a class set, in the order they are named. */
struct class_info {
	unsigned int	 bit;
	const char	*longname;	/* "needs digits, letters and special characters" */
	const char	*shortname;	/* "needs 2 of digits / letters / specials" */
	const char	*alphabet;	/* for policy_generate(): no 0 O 1 l I */
};

#define ALPHA_DIGIT	"23456789"
#define ALPHA_LOWER	"abcdefghijkmnopqrstuvwxyz"
#define ALPHA_UPPER	"ABCDEFGHJKLMNPQRSTUVWXYZ"
#define ALPHA_SPECIAL	"!#%*+-=?@_"

static const struct class_info classes3[] = {
	{ POLICY_CLASS_DIGIT,	"digits",		"digits",	ALPHA_DIGIT },
	{ POLICY_CLASS_LETTER,	"letters",		"letters",	ALPHA_LOWER ALPHA_UPPER },
	{ POLICY_CLASS_SPECIAL,	"special characters",	"specials",	ALPHA_SPECIAL },
};

static const struct class_info classes4[] = {
	{ POLICY_CLASS_DIGIT,	"digits",		"digits",	ALPHA_DIGIT },
	{ POLICY_CLASS_LOWER,	"lowercase letters",	"lower",	ALPHA_LOWER },
	{ POLICY_CLASS_UPPER,	"uppercase letters",	"upper",	ALPHA_UPPER },
	{ POLICY_CLASS_SPECIAL,	"special characters",	"specials",	ALPHA_SPECIAL },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * A small built-in list of very common passwords, lower case, compared
 * case-insensitively against the whole password. The list is public, so the
 * comparison need not be constant-time.
 */
static const char *const blocklist[] = {
	"password", "password1", "password12", "password123", "password!",
	"password@123", "passw0rd", "passw0rd!", "passw0rd1", "p@ssw0rd",
	"p@ssw0rd!", "p@ssw0rd1", "p@ssword", "p@55w0rd", "pa$$w0rd",
	"pa$$word", "123456", "1234567", "12345678", "123456789",
	"1234567890", "12345", "123123", "654321", "111111",
	"000000", "666666", "888888", "121212", "112233",
	"qwerty", "qwerty123", "qwertyuiop", "qwer1234", "1234qwer",
	"123qwe", "q1w2e3r4", "1q2w3e", "1q2w3e4r", "1q2w3e4r5t",
	"1qaz2wsx", "1qaz@wsx", "!qaz2wsx", "zaq12wsx", "qazwsx",
	"asdfgh", "asdfghjkl", "zxcvbnm", "abc123", "abc@123",
	"abcd1234", "a1b2c3d4", "aa123456", "admin", "admin123",
	"admin@123", "administrator", "root", "root@123", "toor",
	"letmein", "welcome", "welcome1", "changeme", "changeme!",
	"secret", "test", "test123", "guest", "default",
	"monkey", "dragon", "master", "sunshine", "princess",
	"football", "baseball", "iloveyou", "trustno1", "superman",
	"batman", "shadow", "michael", "login", "woaini1314",
	"5201314",
};

/* A bounded message: parts joined by "; ", silently cut at the buffer's end. */
struct msgbuf {
	char	*p;
	size_t	 size;
	size_t	 off;
	int	 parts;
};

static void	msg_init(struct msgbuf *, char *, size_t);
static void	msg_raw(struct msgbuf *, const char *);
static void	str_append(char *, const char *, size_t);
static void	msg_add(struct msgbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	utf8_next(const unsigned char *, size_t, size_t *, unsigned long *);
static unsigned int char_class(unsigned long, int);
static int	ascii_lower(int);
static int	contains_nocase(const char *, size_t, const char *, size_t);
static int	equal_nocase(const char *, const char *);
static int	blocklisted(const char *);
static const struct class_info *class_table(const struct policy *, size_t *);
static unsigned int required_classes(const struct policy *, size_t);
static void	append_class_rule(struct msgbuf *, const struct policy *, unsigned int);

size_t
policy_builtin_count(void)
{
	return NELEM(builtin);
}

const struct policy *
policy_builtin(size_t i)
{
	if (i >= NELEM(builtin))
		return NULL;
	return &builtin[i];
}

const struct policy *
policy_builtin_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NELEM(builtin); i++)
		if (strcmp(builtin[i].name, name) == 0)
			return &builtin[i];
	return NULL;
}

const char *
policy_class_set(const struct policy *p)
{
	if (p != NULL && p->split_case)
		return "digits/lower/upper/specials";
	return "digits/letters/specials";
}

static void
msg_init(struct msgbuf *m, char *p, size_t size)
{
	m->p = p;
	m->size = p != NULL ? size : 0;
	m->off = 0;
	m->parts = 0;
	if (m->size > 0)
		m->p[0] = '\0';
}

/* Append s as it is; cut at the buffer's end. */
static void
msg_raw(struct msgbuf *m, const char *s)
{
	size_t n;

	if (m->size == 0 || m->off >= m->size - 1)
		return;
	n = strlen(s);
	if (n > m->size - 1 - m->off)
		n = m->size - 1 - m->off;
	memcpy(m->p + m->off, s, n);
	m->off += n;
	m->p[m->off] = '\0';
}

/* Append s to the NUL-terminated dst of size bytes; cut at the end (glibc has no strlcat). */
static void
str_append(char *dst, const char *s, size_t size)
{
	size_t off = strnlen(dst, size), n = strlen(s);

	if (off >= size)
		return;
	if (n > size - 1 - off)
		n = size - 1 - off;
	memcpy(dst + off, s, n);
	dst[off + n] = '\0';
}

/* Append one part, after "; " unless it is the first. */
static void
msg_add(struct msgbuf *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->parts++ > 0)
		msg_raw(m, "; ");
	if (m->size == 0 || m->off >= m->size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->p + m->off, m->size - m->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		m->p[m->off] = '\0';
	else if ((size_t)n >= m->size - m->off)
		m->off = m->size - 1;
	else
		m->off += (size_t)n;
}

/*
 * Decode one strict UTF-8 sequence at s[*i] (no overlong forms, surrogates or
 * code points above U+10FFFF). Returns 0 and advances *i past it, or -1 and
 * advances *i by one byte.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *i, unsigned long *cp)
{
	unsigned char c = s[*i];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, k;
	unsigned long v;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (c == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;		/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else {
		(*i)++;
		return -1;
	}
	if (len - *i <= n) {
		(*i)++;
		return -1;
	}
	for (k = 1; k <= n; k++) {
		c = s[*i + k];
		if (c < lo || c > hi) {
			(*i)++;
			return -1;
		}
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (c & 0x3f);
	}
	*i += n + 1;
	*cp = v;
	return 0;
}

/*
 * The class of one code point, or 0 for a control character (C0, DEL and the
 * C1 range U+0080..U+009F). Only ASCII letters are letters: any other printable
 * character, non-ASCII letters (é, 中, ...) included, counts as a special
 * character. That is the documented, conservative choice: it never makes a
 * password fail a rule that a letter would have passed, since specials are a
 * class of their own.
 */
static unsigned int
char_class(unsigned long cp, int split_case)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	if (cp >= '0' && cp <= '9')
		return POLICY_CLASS_DIGIT;
	if (cp >= 'a' && cp <= 'z')
		return split_case ? POLICY_CLASS_LOWER : POLICY_CLASS_LETTER;
	if (cp >= 'A' && cp <= 'Z')
		return split_case ? POLICY_CLASS_UPPER : POLICY_CLASS_LETTER;
	return POLICY_CLASS_SPECIAL;
}

/* Locale-independent ASCII case folding; other bytes are left alone. */
static int
ascii_lower(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

/* 1 if needle (nlen bytes) occurs in hay (hlen bytes), ASCII case-insensitively. */
static int
contains_nocase(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	size_t i, k;

	if (nlen == 0 || nlen > hlen)
		return 0;
	for (i = 0; i <= hlen - nlen; i++) {
		for (k = 0; k < nlen; k++)
			if (ascii_lower((unsigned char)hay[i + k]) !=
			    ascii_lower((unsigned char)needle[k]))
				break;
		if (k == nlen)
			return 1;
	}
	return 0;
}

static int
equal_nocase(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return 0;
	return *a == '\0' && *b == '\0';
}

static int
blocklisted(const char *password)
{
	size_t i;

	for (i = 0; i < NELEM(blocklist); i++)
		if (equal_nocase(password, blocklist[i]))
			return 1;
	return 0;
}

static const struct class_info *
class_table(const struct policy *p, size_t *n_r)
{
	if (p->split_case) {
		*n_r = NELEM(classes4);
		return classes4;
	}
	*n_r = NELEM(classes3);
	return classes3;
}

/* The policy's class count, clamped to the size of its class set. */
static unsigned int
required_classes(const struct policy *p, size_t nset)
{
	return p->classes > nset ? (unsigned int)nset : p->classes;
}

/*
 * R6, R22, R23, R35: the class rule. All classes of the set: "needs digits,
 * letters and special characters (missing: ...)"; fewer: "needs 2 of digits /
 * letters / specials (has 1)".
 */
static void
append_class_rule(struct msgbuf *m, const struct policy *p, unsigned int have)
{
	const struct class_info *set;
	char names[128], missing[128];
	size_t nset, i, k;
	unsigned int need, nhave = 0;

	set = class_table(p, &nset);
	need = required_classes(p, nset);
	for (i = 0; i < nset; i++)
		if (have & set[i].bit)
			nhave++;
	if (nhave >= need)
		return;

	if (need < nset) {
		names[0] = '\0';
		for (i = 0; i < nset; i++) {
			if (i > 0)
				str_append(names, " / ", sizeof(names));
			str_append(names, set[i].shortname, sizeof(names));
		}
		msg_add(m, "needs %u of %s (has %u)", need, names, nhave);
		return;
	}

	names[0] = missing[0] = '\0';
	for (i = 0; i < nset; i++) {
		if (i > 0)
			str_append(names, i == nset - 1 ? " and " : ", ",
			    sizeof(names));
		str_append(names, set[i].longname, sizeof(names));
	}
	for (i = 0, k = 0; i < nset; i++) {
		if (have & set[i].bit)
			continue;
		if (k++ > 0)
			str_append(missing, ", ", sizeof(missing));
		str_append(missing, set[i].longname, sizeof(missing));
	}
	msg_add(m, "needs %s (missing: %s)", names, missing);
}

int
policy_check(const struct policy *p, const char *username,
    const char *password, char *msg, size_t msglen)
{
	struct msgbuf m;
	const unsigned char *s = (const unsigned char *)password;
	size_t len, i, nchars = 0, ulen;
	unsigned long cp;
	unsigned int have = 0, cls;
	int bad_utf8 = 0, control = 0;

	msg_init(&m, msg, msglen);
	if (p == NULL) {
		msg_add(&m, "no password policy");
		return -1;
	}
	if (password == NULL || password[0] == '\0') {
		msg_add(&m, "must not be empty");
		return -1;
	}

	/* Refused, never truncated (STYLE.md habit 11). */
	len = strlen(password);
	if (len > POLICY_PASSWORD_MAX)
		msg_add(&m, "must be at most %d bytes (has %zu)",
		    POLICY_PASSWORD_MAX, len);

	/* Lengths are in code points: Unicode passwords are allowed. */
	for (i = 0; i < len; nchars++) {
		if (utf8_next(s, len, &i, &cp) == -1) {
			bad_utf8 = 1;
			continue;
		}
		if ((cls = char_class(cp, p->split_case)) == 0)
			control = 1;
		have |= cls;
	}
	if (bad_utf8)
		msg_add(&m, "is not valid UTF-8");
	if (control)
		msg_add(&m, "must not contain control characters");

	/* R6, R22, R23, R35: minimum length in characters. */
	if (nchars < p->min_length)
		msg_add(&m, "needs at least %u characters (has %zu)",
		    p->min_length, nchars);

	append_class_rule(&m, p, have);

	if (username != NULL) {
		ulen = strlen(username);
		/* Only names of at least 3 characters (code points). */
		for (i = 0, nchars = 0; i < ulen && nchars < 3; nchars++)
			(void)utf8_next((const unsigned char *)username, ulen,
			    &i, &cp);
		if (nchars >= 3 && contains_nocase(password, len, username, ulen))
			msg_add(&m, "must not contain the user name");
	}

	if (blocklisted(password))
		msg_add(&m, "is a commonly used password");

	return m.parts > 0 ? -1 : 0;
}

void
policy_describe(const struct policy *p, char *out, size_t outlen)
{
	const struct class_info *set;
	struct msgbuf m;
	char names[128];
	size_t nset, i;
	unsigned int need;

	msg_init(&m, out, outlen);
	if (p == NULL)
		return;
	msg_add(&m, "at least %u characters", p->min_length);

	set = class_table(p, &nset);
	need = required_classes(p, nset);
	names[0] = '\0';
	if (need == nset) {
		for (i = 0; i < nset; i++) {
			if (i > 0)
				str_append(names, i == nset - 1 ? " and " : ", ",
				    sizeof(names));
			str_append(names, set[i].longname, sizeof(names));
		}
		msg_add(&m, "%s", names);
	} else if (need > 0) {
		for (i = 0; i < nset; i++) {
			if (i > 0)
				str_append(names, " / ", sizeof(names));
			str_append(names, set[i].shortname, sizeof(names));
		}
		msg_add(&m, "%u of %s", need, names);
	}

	/* R7 */
	if (p->max_age_days > 0)
		msg_add(&m, "changed every %u days", p->max_age_days);
	else
		msg_add(&m, "never expires");
	if (p->history > 0)
		msg_add(&m, "last %u not reused", p->history);
}

/*
 * R6: the initial password an administrator hands out (changed at first
 * login). From libsodium's CSPRNG, unbiased (randombytes_uniform), without
 * the ambiguous 0 O 1 l I; every class of the set is present, then shuffled.
 */
int
policy_generate(const struct policy *p, const char *username, char *out,
    size_t outlen)
{
	char cand[POLICY_PASSWORD_MAX + 1], msg[256];
	const struct class_info *set;
	size_t nset, len, i, j, tries, alen;
	char full[128], t = 0;
	int r = -1;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (p == NULL || out == NULL || outlen < 2)
		return -1;
	if (sodium_init() < 0)
		return -1;

	len = p->min_length > POLICY_GENERATE_MIN ?
	    p->min_length : POLICY_GENERATE_MIN;
	if (len > outlen - 1)
		len = outlen - 1;
	if (len > POLICY_PASSWORD_MAX)
		len = POLICY_PASSWORD_MAX;
	set = class_table(p, &nset);
	if (len < p->min_length || len < nset)
		return -1;

	full[0] = '\0';
	for (i = 0; i < nset; i++)
		str_append(full, set[i].alphabet, sizeof(full));
	alen = strlen(full);

	for (tries = 0; tries < POLICY_GENERATE_TRIES; tries++) {
		/* One character of every class of the set, the rest from all. */
		for (i = 0; i < len; i++) {
			const char *a = i < nset ? set[i].alphabet : full;

			cand[i] = a[randombytes_uniform(a == full ?
			    (uint32_t)alen : (uint32_t)strlen(a))];
		}
		cand[len] = '\0';
		/* Fisher-Yates, so the class characters are not in front. */
		for (i = len - 1; i > 0; i--) {
			j = randombytes_uniform((uint32_t)(i + 1));
			t = cand[i];
			cand[i] = cand[j];
			cand[j] = t;
		}
		if (policy_check(p, username, cand, msg, sizeof(msg)) == 0) {
			memcpy(out, cand, len + 1);
			r = 0;
			break;
		}
	}
	wipe(cand, sizeof(cand));
	wipe(&t, sizeof(t));
	return r;
}

int
policy_validate(const struct policy *p, char *msg, size_t msglen)
{
	struct msgbuf m;
	unsigned int maxclasses;
	size_t i, n;

	msg_init(&m, msg, msglen);
	if (p == NULL) {
		msg_add(&m, "no policy");
		return -1;
	}

	n = strnlen(p->name, sizeof(p->name));
	if (n == 0)
		msg_add(&m, "name must not be empty");
	else if (n > POLICY_NAME_MAX)
		msg_add(&m, "name must be at most %d characters",
		    POLICY_NAME_MAX);
	else {
		for (i = 0; i < n; i++) {
			char c = p->name[i];

			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    c == '_' || c == '-'))
				break;
		}
		if (i < n)
			msg_add(&m, "name may only contain a-z, 0-9, _ and -");
	}

	if (p->split_case != 0 && p->split_case != 1)
		msg_add(&m, "split_case must be 0 or 1 (is %d)", p->split_case);
	maxclasses = p->split_case ? 4 : 3;

	if (p->min_length < 1 || p->min_length > POLICY_MIN_LENGTH_MAX)
		msg_add(&m, "min-length must be between 1 and %d (is %u)",
		    POLICY_MIN_LENGTH_MAX, p->min_length);
	if (p->classes > maxclasses)
		msg_add(&m, "classes must be between 0 and %u (is %u)",
		    maxclasses, p->classes);
	if (p->max_age_days > POLICY_MAX_AGE_MAX)
		msg_add(&m, "max-age-days must be between 0 and %d (is %u)",
		    POLICY_MAX_AGE_MAX, p->max_age_days);
	if (p->history > POLICY_HISTORY_MAX)
		msg_add(&m, "history must be between 0 and %d (is %u)",
		    POLICY_HISTORY_MAX, p->history);
	return m.parts > 0 ? -1 : 0;
}
