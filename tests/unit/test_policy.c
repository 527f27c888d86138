/*
 * tests/unit/test_policy.c: password policies (R6, R7, R22, R23, R35).
 *
 * Table-driven: shipped policies accepting and refusing, the message naming
 * every broken rule, lengths in code points, invalid UTF-8, the byte limit,
 * user name and blocklist, split case, generate() and validate().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MSGLEN		512
#define GEN_ROUNDS	2000

/* Custom (not shipped) policies the tables refer to by name. */
static const struct policy custom[] = {
	/* All four classes of the split set. */
	{ "split4",	 8, 4, 1, 90, 3 },
	/* 3 of the 4 classes of the split set. */
	{ "split3",	 8, 3, 1,  0, 0 },
	/* Long minimum, for generate(). */
	{ "long40",	40, 3, 0, 30, 24 },
	/* No rule but the length. */
	{ "min1",	 1, 0, 0,  0, 0 },
};

static const struct policy *
find(const char *name)
{
	const struct policy *p;
	size_t i;

	if ((p = policy_builtin_find(name)) != NULL)
		return p;
	for (i = 0; i < NELEM(custom); i++)
		if (strcmp(custom[i].name, name) == 0)
			return &custom[i];
	return NULL;
}

/*
 * One row: policy, user, password, expected result, and either the exact
 * message (full) or up to four parts it must contain (each checked).
 */
struct check_case {
	const char	*policy;
	const char	*user;
	const char	*password;
	int		 want;
	const char	*full;
	const char	*parts[4];
};

static const struct check_case checks[] = {
	/* standard (R6): 7 characters, digits + letters + specials. */
	{ "standard", "alice", "abc12!x", 0, "", { NULL } },
	{ "standard", "alice", "Tr0ub4dor&3", 0, "", { NULL } },
	{ "standard", "alice", "abc12!", -1,
	    "needs at least 7 characters (has 6)", { NULL } },
	{ "standard", "alice", "abcdefg1", -1,
	    "needs digits, letters and special characters (missing: special characters)",
	    { NULL } },
	{ "standard", "alice", "abcdefgh", -1,
	    "needs digits, letters and special characters (missing: digits, special characters)",
	    { NULL } },
	{ "standard", "alice", "!!!!!!!!", -1,
	    "needs digits, letters and special characters (missing: digits, letters)",
	    { NULL } },
	{ "standard", NULL, "P@ssw0rd", -1, "is a commonly used password", { NULL } },
	{ "standard", NULL, "p@SSW0RD", -1, "is a commonly used password", { NULL } },
	{ "standard", NULL, "Passw0rd!", -1, "is a commonly used password", { NULL } },
	{ "standard", NULL, "xP@ssw0rd", 0, "", { NULL } },
	{ "standard", "alice", "Alice#2024", -1, "must not contain the user name", { NULL } },
	{ "standard", "alice", "x9!ALICEx", -1, "must not contain the user name", { NULL } },
	{ "standard", "bob", "xxBoBxx1!", -1, "must not contain the user name", { NULL } },
	{ "standard", "al", "al#12345x", 0, "", { NULL } },	/* name < 3: no rule */
	{ "standard", "", "al#12345x", 0, "", { NULL } },
	{ "standard", "alice", "alic#12345", 0, "", { NULL } },

	/* server (R22): 16 characters, all three classes. */
	{ "server", "root", "Correct-horse-42", 0, "", { NULL } },
	{ "server", "root", "Correct-horse-4", -1,
	    "needs at least 16 characters (has 15)", { NULL } },
	{ "server", "root", "correcthorsebatterystaple", -1,
	    "needs digits, letters and special characters (missing: digits, special characters)",
	    { NULL } },
	{ "server", "root", "x-root-2024-abcdef", -1, "must not contain the user name", { NULL } },

	/* office (R23): 6 characters, no class rule. */
	{ "office", "dave", "abcdef", 0, "", { NULL } },
	{ "office", "dave", "abcde", -1, "needs at least 6 characters (has 5)", { NULL } },
	{ "office", "dave", "letmein", -1, "is a commonly used password", { NULL } },
	{ "office", "dave", "PASSWORD", -1, "is a commonly used password", { NULL } },
	{ "office", "dave", "123456", -1, "is a commonly used password", { NULL } },
	{ "office", "dave", "qwerty", -1, "is a commonly used password", { NULL } },
	{ "office", "dave", "Admin", -1,
	    "needs at least 6 characters (has 5); is a commonly used password", { NULL } },
	{ "office", "dave", "ADMINISTRATOR", -1, "is a commonly used password", { NULL } },

	/* Lengths count code points, not bytes (NIST: Unicode allowed). */
	{ "office", "dave", "\xc3\xbcmlaut", 0, "", { NULL } },		/* 6 cp, 7 bytes */
	{ "office", "dave", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", -1,	/* 3 cp, 9 bytes */
	    "needs at least 6 characters (has 3)", { NULL } },
	{ "office", "dave",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    0, "", { NULL } },						/* 6 cp */
	{ "standard", NULL, "\xc3\xa4\xc3\xb6" "ab12", -1,		/* 6 cp, 8 bytes */
	    "needs at least 7 characters (has 6)", { NULL } },
	{ "standard", NULL, "\xc3\xa4\xc3\xb6\xc3\xbc" "ab12", 0, "", { NULL } },
	{ "standard", NULL, "\xf0\x9f\x98\x80" "ab12cd", 0, "", { NULL } },	/* 7 cp */
	{ "standard", NULL, "\xf0\x9f\x98\x80" "ab12c", -1,		/* 6 cp, 9 bytes */
	    "needs at least 7 characters (has 6)", { NULL } },
	/* Non-ASCII letters count as specials, not letters. */
	{ "standard", NULL, "\xc3\xa4\xc3\xb6\xc3\xbc" "1234", -1,
	    "needs digits, letters and special characters (missing: letters)", { NULL } },

	/* publisher (R23): 12 characters, 2 of 3 classes. */
	{ "publisher", "erin", "abcdefghijk1", 0, "", { NULL } },
	{ "publisher", "erin", "abcdefghij!!", 0, "", { NULL } },
	{ "publisher", "erin", "12345678901!", 0, "", { NULL } },
	{ "publisher", "erin", "abcdefghijkl", -1,
	    "needs 2 of digits / letters / specials (has 1)", { NULL } },
	{ "publisher", "erin", "!!!!!!!!!!!!", -1,
	    "needs 2 of digits / letters / specials (has 1)", { NULL } },
	{ "publisher", "erin", "abcdefghij!", -1,
	    "needs at least 12 characters (has 11)", { NULL } },
	{ "publisher", "erin", "abcdefghij", -1,
	    "needs at least 12 characters (has 10); "
	    "needs 2 of digits / letters / specials (has 1)", { NULL } },

	/* workstation (R35): 8 characters, 3 classes. */
	{ "workstation", "frank", "ab1!efgh", 0, "", { NULL } },
	{ "workstation", "frank", "ab1!efg", -1, "needs at least 8 characters (has 7)", { NULL } },
	{ "workstation", "frank", "abcd1234", -1,
	    "needs digits, letters and special characters (missing: special characters); "
	    "is a commonly used password", { NULL } },

	/* Every rule broken at once: one message, every part, "; " joined. */
	{ "standard", "carol", "carol", -1,
	    "needs at least 7 characters (has 5); "
	    "needs digits, letters and special characters (missing: digits, special characters); "
	    "must not contain the user name", { NULL } },
	{ "standard", "admin", "admin", -1, NULL,
	    { "needs at least 7 characters (has 5)",
	      "needs digits, letters and special characters (missing: digits, special characters)",
	      "must not contain the user name",
	      "is a commonly used password" } },
	{ "standard", "bob", "bob\t1", -1, NULL,
	    { "must not contain control characters",
	      "needs at least 7 characters (has 5)",
	      "(missing: special characters)",
	      "must not contain the user name" } },
	{ "standard", NULL, "ab\xff" "c", -1, NULL,
	    { "is not valid UTF-8",
	      "needs at least 7 characters (has 4)",
	      "(missing: digits, special characters)" } },

	/* Refused encodings and characters. */
	{ "min1", NULL, "", -1, "must not be empty", { NULL } },
	{ "min1", NULL, "x", 0, "", { NULL } },
	{ "min1", NULL, "abc\xff", -1, "is not valid UTF-8", { NULL } },
	{ "min1", NULL, "\x80" "abc", -1, "is not valid UTF-8", { NULL } },	/* lone continuation */
	{ "min1", NULL, "\xc0\xaf" "abc", -1, "is not valid UTF-8", { NULL } },	/* overlong '/' */
	{ "min1", NULL, "\xe0\x80\xaf", -1, "is not valid UTF-8", { NULL } },	/* overlong, 3 bytes */
	{ "min1", NULL, "\xed\xa0\x80", -1, "is not valid UTF-8", { NULL } },	/* surrogate */
	{ "min1", NULL, "\xf4\x90\x80\x80", -1, "is not valid UTF-8", { NULL } },	/* > U+10FFFF */
	{ "min1", NULL, "abc\xe2\x82", -1, "is not valid UTF-8", { NULL } },	/* truncated */
	{ "min1", NULL, "\xf4\x8f\xbf\xbf", 0, "", { NULL } },			/* U+10FFFF */
	{ "min1", NULL, "abc\x01", -1, "must not contain control characters", { NULL } },
	{ "min1", NULL, "abc\x1f", -1, "must not contain control characters", { NULL } },
	{ "min1", NULL, "abc\x7f", -1, "must not contain control characters", { NULL } },
	{ "min1", NULL, "abc\r\n", -1, "must not contain control characters", { NULL } },
	{ "min1", NULL, "abc\xc2\x85", -1, "must not contain control characters", { NULL } },	/* C1 */
	{ "min1", NULL, "abc\xc2\x9f", -1, "must not contain control characters", { NULL } },	/* C1 end */
	{ "min1", NULL, "abc\xc2\xa0", 0, "", { NULL } },			/* U+00A0 is printable */
	{ "min1", NULL, "a b c", 0, "", { NULL } },			/* spaces allowed */

	/* split_case: digits / lower / upper / specials. */
	{ "split4", NULL, "Abcd1234!", 0, "", { NULL } },
	{ "split4", NULL, "abcd1234!", -1,
	    "needs digits, lowercase letters, uppercase letters and special characters "
	    "(missing: uppercase letters)", { NULL } },
	{ "split4", NULL, "ABCDEFGH", -1,
	    "needs digits, lowercase letters, uppercase letters and special characters "
	    "(missing: digits, lowercase letters, special characters)", { NULL } },
	{ "split3", NULL, "Abcd5678", 0, "", { NULL } },
	{ "split3", NULL, "Abcd1234", -1, "is a commonly used password", { NULL } },
	{ "split3", NULL, "abcd!!!!", -1,
	    "needs 3 of digits / lower / upper / specials (has 2)", { NULL } },
	{ "split3", NULL, "abcdefgh", -1,
	    "needs 3 of digits / lower / upper / specials (has 1)", { NULL } },
};

static void
test_builtins(void)
{
	static const struct {
		const char	*name;
		unsigned int	 min, classes, max_age, history;
	} want[] = {
		{ "standard",	  7, 3, 180, 5 },
		{ "server",	 16, 3, 180, 5 },
		{ "office",	  6, 0, 180, 5 },
		{ "publisher",	 12, 2, 180, 5 },
		{ "workstation",  8, 3, 180, 5 },
	};
	const struct policy *p;
	char msg[MSGLEN];
	size_t i;

	is_int(policy_builtin_count(), NELEM(want), "five shipped policies");
	for (i = 0; i < NELEM(want); i++) {
		p = policy_builtin(i);
		ok(p != NULL, "builtin %zu exists", i);
		if (p == NULL)
			continue;
		is_str(p->name, want[i].name, "builtin %zu is %s", i, want[i].name);
		ok(p->min_length == want[i].min && p->classes == want[i].classes &&
		    p->split_case == 0 && p->max_age_days == want[i].max_age &&
		    p->history == want[i].history, "%s numbers", want[i].name);
		ok(policy_builtin_find(want[i].name) == p, "find %s", want[i].name);
		is_int(policy_validate(p, msg, sizeof(msg)), 0, "%s validates", want[i].name);
		is_str(policy_class_set(p), "digits/letters/specials", "%s class set",
		    want[i].name);
	}
	ok(policy_builtin(NELEM(want)) == NULL, "builtin past the end is NULL");
	ok(policy_builtin_find("Standard") == NULL, "find is case-sensitive");
	ok(policy_builtin_find("nope") == NULL, "unknown policy not found");
	ok(policy_builtin_find(NULL) == NULL, "find(NULL) is NULL");
	is_str(policy_builtin(0)->name, "standard", "standard comes first (default)");
	is_str(policy_class_set(find("split4")), "digits/lower/upper/specials",
	    "split class set");
}

static void
test_check_table(void)
{
	const struct check_case *c;
	const struct policy *p;
	char msg[MSGLEN];
	size_t i, k;
	int r;

	for (i = 0; i < NELEM(checks); i++) {
		c = &checks[i];
		p = find(c->policy);
		if (p == NULL) {
			ok(0, "case %zu: policy %s exists", i, c->policy);
			continue;
		}
		memset(msg, 'X', sizeof(msg));
		r = policy_check(p, c->user, c->password, msg, sizeof(msg));
		is_int(r, c->want, "case %zu: %s %s", i, c->policy,
		    c->want == 0 ? "accepts" : "refuses");
		if (c->full != NULL)
			is_str(msg, c->full, "case %zu: message", i);
		for (k = 0; k < NELEM(c->parts) && c->parts[k] != NULL; k++)
			like(msg, c->parts[k], "case %zu: message part %zu", i, k);
		if (r != 0 && c->password[0] != '\0')
			ok(strstr(msg, c->password) == NULL,
			    "case %zu: message does not contain the password", i);
	}
}

/* The admin/admin row: four parts, exactly three separators. */
static void
test_every_rule(void)
{
	char msg[MSGLEN];
	const char *s;
	int n = 0;

	policy_check(policy_builtin_find("standard"), "admin", "admin", msg, sizeof(msg));
	for (s = msg; (s = strstr(s, "; ")) != NULL; s += 2)
		n++;
	is_int(n, 3, "four broken rules, three separators");
	ok(msg[strlen(msg) - 1] != ' ' && msg[strlen(msg) - 1] != ';',
	    "no trailing separator");
}

static void
test_lengths(void)
{
	const struct policy *office = policy_builtin_find("office");
	const struct policy *server = policy_builtin_find("server");
	char pw[POLICY_PASSWORD_MAX + 16], msg[MSGLEN];
	size_t i;

	/* Exactly at and one below each minimum. */
	for (i = 0; i < policy_builtin_count(); i++) {
		const struct policy *p = policy_builtin(i);
		size_t n = p->min_length;

		memset(pw, 'k', sizeof(pw));
		pw[0] = '7';
		pw[1] = '#';
		pw[n] = '\0';
		is_int(policy_check(p, NULL, pw, msg, sizeof(msg)), 0,
		    "%s: exactly %zu characters accepted", p->name, n);
		pw[n - 1] = '\0';
		is_int(policy_check(p, NULL, pw, msg, sizeof(msg)), -1,
		    "%s: %zu characters refused", p->name, n - 1);
	}

	/* 1024 bytes accepted, 1025 refused, never truncated. */
	memset(pw, 'a', sizeof(pw));
	pw[POLICY_PASSWORD_MAX] = '\0';
	is_int(policy_check(office, NULL, pw, msg, sizeof(msg)), 0, "1024 bytes accepted");
	pw[POLICY_PASSWORD_MAX] = 'a';
	pw[POLICY_PASSWORD_MAX + 1] = '\0';
	is_int(policy_check(office, NULL, pw, msg, sizeof(msg)), -1, "1025 bytes refused");
	is_str(msg, "must be at most 1024 bytes (has 1025)", "1025 bytes: message");
	ok(strstr(msg, "aaaa") == NULL, "1025 bytes: message has no password");

	/* 1024 bytes of 2-byte characters: 512 code points, accepted. */
	for (i = 0; i < POLICY_PASSWORD_MAX; i += 2) {
		pw[i] = (char)0xc3;
		pw[i + 1] = (char)0xa9;
	}
	pw[POLICY_PASSWORD_MAX] = '\0';
	is_int(policy_check(office, NULL, pw, msg, sizeof(msg)), 0,
	    "1024 bytes of UTF-8 accepted");
	/* 1026 bytes of 2-byte characters, refused. */
	pw[POLICY_PASSWORD_MAX] = (char)0xc3;
	pw[POLICY_PASSWORD_MAX + 1] = (char)0xa9;
	pw[POLICY_PASSWORD_MAX + 2] = '\0';
	is_int(policy_check(office, NULL, pw, msg, sizeof(msg)), -1, "1026 bytes refused");
	like(msg, "must be at most 1024 bytes (has 1026)", "1026 bytes: message");

	/* Too long and breaking other rules: every rule named. */
	memset(pw, 'a', POLICY_PASSWORD_MAX + 1);
	pw[POLICY_PASSWORD_MAX + 1] = '\0';
	is_int(policy_check(server, NULL, pw, msg, sizeof(msg)), -1, "long, one class refused");
	like(msg, "must be at most 1024 bytes (has 1025); needs digits",
	    "long, one class: both rules");

	/* NULL password, NULL or tiny message buffers. */
	is_int(policy_check(office, NULL, NULL, msg, sizeof(msg)), -1, "NULL password refused");
	is_str(msg, "must not be empty", "NULL password message");
	is_int(policy_check(office, NULL, "abc", NULL, 0), -1, "NULL msg buffer is fine");
	is_int(policy_check(NULL, NULL, "abcdefgh", msg, sizeof(msg)), -1, "NULL policy refused");
	memset(msg, 'X', sizeof(msg));
	is_int(policy_check(server, NULL, "abc", msg, 8), -1, "tiny buffer: refused");
	is_int(strlen(msg), 7, "tiny buffer: message cut, terminated");
	ok(msg[8] == 'X', "tiny buffer: nothing written past its end");
	memset(msg, 'X', sizeof(msg));
	is_int(policy_check(office, NULL, "abcdefg", msg, sizeof(msg)), 0, "accepted");
	is_str(msg, "", "accepted: message is empty");
}

static void
test_describe(void)
{
	static const struct {
		const char	*policy;
		const char	*want;
	} rows[] = {
		{ "standard", "at least 7 characters; digits, letters and special characters; "
		    "changed every 180 days; last 5 not reused" },
		{ "server", "at least 16 characters; digits, letters and special characters; "
		    "changed every 180 days; last 5 not reused" },
		{ "office", "at least 6 characters; changed every 180 days; last 5 not reused" },
		{ "publisher", "at least 12 characters; 2 of digits / letters / specials; "
		    "changed every 180 days; last 5 not reused" },
		{ "workstation", "at least 8 characters; digits, letters and special characters; "
		    "changed every 180 days; last 5 not reused" },
		{ "split4", "at least 8 characters; digits, lowercase letters, uppercase letters "
		    "and special characters; changed every 90 days; last 3 not reused" },
		{ "split3", "at least 8 characters; 3 of digits / lower / upper / specials; "
		    "never expires" },
	};
	char out[MSGLEN];
	size_t i;

	for (i = 0; i < NELEM(rows); i++) {
		policy_describe(find(rows[i].policy), out, sizeof(out));
		is_str(out, rows[i].want, "describe %s", rows[i].policy);
	}
	memset(out, 'X', sizeof(out));
	policy_describe(find("standard"), out, 10);
	is_str(out, "at least ", "describe cut at the buffer");
	ok(out[10] == 'X', "describe writes nothing past the buffer");
}

static int
is_ambiguous(int c)
{
	return c == '0' || c == 'O' || c == '1' || c == 'l' || c == 'I';
}

static void
test_generate(void)
{
	const char *names[] = { "standard", "server", "office", "publisher",
	    "workstation", "split4", "split3", "long40", "min1" };
	const struct policy *p;
	char out[POLICY_PASSWORD_MAX + 1], prev[POLICY_PASSWORD_MAX + 1], msg[MSGLEN];
	size_t i, k, want_len;
	int n, fails, ambiguous, badlen, missing, same, first_not_digit;
	unsigned int seen;

	for (i = 0; i < NELEM(names); i++) {
		p = find(names[i]);
		want_len = p->min_length > 12 ? p->min_length : 12;
		fails = ambiguous = badlen = missing = same = first_not_digit = 0;
		prev[0] = '\0';
		for (n = 0; n < GEN_ROUNDS; n++) {
			if (policy_generate(p, "kim", out, sizeof(out)) != 0) {
				fails++;
				continue;
			}
			if (strlen(out) != want_len)
				badlen++;
			if (policy_check(p, "kim", out, msg, sizeof(msg)) != 0)
				fails++;
			seen = 0;
			for (k = 0; out[k] != '\0'; k++) {
				if (is_ambiguous(out[k]))
					ambiguous++;
				if (out[k] >= '0' && out[k] <= '9')
					seen |= 1;
				else if (out[k] >= 'a' && out[k] <= 'z')
					seen |= 2;
				else if (out[k] >= 'A' && out[k] <= 'Z')
					seen |= 4;
				else
					seen |= 8;
			}
			/* Every class of the set, even when not required. */
			if (p->split_case ? seen != 15 : (seen & 1) == 0 ||
			    (seen & 6) == 0 || (seen & 8) == 0)
				missing++;
			if (strcmp(out, prev) == 0)
				same++;
			if (!(out[0] >= '0' && out[0] <= '9'))
				first_not_digit++;
			memcpy(prev, out, sizeof(prev));
		}
		is_int(fails, 0, "generate %s: %d passwords pass check", names[i], GEN_ROUNDS);
		is_int(badlen, 0, "generate %s: length %zu", names[i], want_len);
		is_int(ambiguous, 0, "generate %s: no ambiguous characters", names[i]);
		is_int(missing, 0, "generate %s: every class of the set present", names[i]);
		is_int(same, 0, "generate %s: no two in a row alike", names[i]);
		ok(first_not_digit > 0, "generate %s: shuffled (not always a digit first)",
		    names[i]);
	}

	p = policy_builtin_find("standard");
	is_int(policy_generate(p, NULL, out, 20), 0, "generate into 20 bytes");
	is_int(strlen(out), 12, "generate: 12 characters when min_length is 7");
	is_int(policy_generate(p, NULL, out, 10), 0, "generate into 10 bytes");
	is_int(strlen(out), 9, "generate: capped at outlen - 1");
	is_int(policy_generate(p, NULL, out, 7), -1, "generate below min_length refused");
	is_str(out, "", "generate: out cleared on failure");
	p = policy_builtin_find("server");
	is_int(policy_generate(p, NULL, out, 16), -1, "server into 16 bytes refused");
	is_int(policy_generate(p, NULL, out, 17), 0, "server into 17 bytes");
	is_int(strlen(out), 16, "server: 16 characters");
	is_int(policy_generate(NULL, NULL, out, sizeof(out)), -1, "generate(NULL policy)");
	is_int(policy_generate(p, NULL, NULL, 0), -1, "generate(NULL out)");
}

static void
test_validate(void)
{
	static const struct {
		struct policy	 p;
		int		 want;
		const char	*part;
	} rows[] = {
		{ { "ok", 1, 0, 0, 0, 0 }, 0, NULL },
		{ { "ok", 1024, 3, 0, 3650, 24 }, 0, NULL },
		{ { "a-b_9", 8, 4, 1, 180, 5 }, 0, NULL },
		{ { "ok", 0, 3, 0, 180, 5 }, -1, "min-length must be between 1 and 1024 (is 0)" },
		{ { "ok", 1025, 3, 0, 180, 5 }, -1, "min-length must be between 1 and 1024 (is 1025)" },
		{ { "ok", 8, 4, 0, 180, 5 }, -1, "classes must be between 0 and 3 (is 4)" },
		{ { "ok", 8, 5, 1, 180, 5 }, -1, "classes must be between 0 and 4 (is 5)" },
		{ { "ok", 8, 3, 0, 3651, 5 }, -1, "max-age-days must be between 0 and 3650 (is 3651)" },
		{ { "ok", 8, 3, 0, 180, 25 }, -1, "history must be between 0 and 24 (is 25)" },
		{ { "ok", 8, 3, 2, 180, 5 }, -1, "split_case must be 0 or 1 (is 2)" },
		{ { "", 8, 3, 0, 180, 5 }, -1, "name must not be empty" },
		{ { "Bad", 8, 3, 0, 180, 5 }, -1, "name may only contain a-z, 0-9, _ and -" },
		{ { "has space", 8, 3, 0, 180, 5 }, -1, "name may only contain" },
		{ { "dot.name", 8, 3, 0, 180, 5 }, -1, "name may only contain" },
		{ { "", 0, 9, 0, 9999, 99 }, -1, "name must not be empty; min-length" },
	};
	struct policy p;
	char msg[MSGLEN];
	size_t i;

	for (i = 0; i < NELEM(rows); i++) {
		is_int(policy_validate(&rows[i].p, msg, sizeof(msg)), rows[i].want,
		    "validate row %zu", i);
		if (rows[i].part != NULL)
			like(msg, rows[i].part, "validate row %zu: message", i);
		else
			is_str(msg, "", "validate row %zu: no message", i);
	}
	/* Every broken number named in one message. */
	policy_validate(&rows[NELEM(rows) - 1].p, msg, sizeof(msg));
	like(msg, "classes must be between 0 and 3 (is 9)", "all bad: classes");
	like(msg, "max-age-days must be between 0 and 3650 (is 9999)", "all bad: max age");
	like(msg, "history must be between 0 and 24 (is 99)", "all bad: history");

	/* A name filling the array without a NUL. */
	memset(&p, 0, sizeof(p));
	memset(p.name, 'a', sizeof(p.name));
	p.min_length = 8;
	is_int(policy_validate(&p, msg, sizeof(msg)), -1, "unterminated name refused");
	like(msg, "name must be at most 32 characters", "unterminated name message");
	memset(p.name, 'a', POLICY_NAME_MAX);
	p.name[POLICY_NAME_MAX] = '\0';
	is_int(policy_validate(&p, msg, sizeof(msg)), 0, "32-character name accepted");
	is_int(policy_validate(NULL, msg, sizeof(msg)), -1, "validate(NULL) refused");
}

int
main(void)
{
	test_builtins();
	test_check_table();
	test_every_rule();
	test_lengths();
	test_describe();
	test_generate();
	test_validate();
	return tap_done();
}
