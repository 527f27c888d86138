/* tests/unit/test_proto.c: common/proto.c, the line codec (TAP). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "proto.h"
#include "tap.h"

#define S(x)	x, sizeof(x) - 1	/* a literal and its length (NULs included) */

/* Lines that must be refused, with the code. */
static const struct {
	const char	*line;
	size_t		 len;
	int		 want;
	const char	*what;
} bad[] = {
	{ S(""), AUTHD_ERR_VERB, "empty line" },
	{ S("\tk=v"), AUTHD_ERR_VERB, "no verb" },
	{ S("AU TH"), AUTHD_ERR_VERB, "space in verb" },
	{ S("AUTH-1"), AUTHD_ERR_VERB, "dash in verb" },
	{ S("AUTH=1"), AUTHD_ERR_VERB, "= in verb" },
	{ S("V\xc3\xa9"), AUTHD_ERR_VERB, "non-ASCII verb" },
	{ S("V\r"), AUTHD_ERR_VERB, "trailing CR after verb" },
	{ S("V\\t"), AUTHD_ERR_VERB, "backslash in verb" },
	{ S("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"), AUTHD_ERR_VERB, "verb of 33" },
	{ S("V\t"), AUTHD_ERR_MALFORMED, "trailing TAB after verb" },
	{ S("V\tk=v\t"), AUTHD_ERR_MALFORMED, "trailing TAB after field" },
	{ S("V\t\tk=v"), AUTHD_ERR_MALFORMED, "empty field" },
	{ S("V\tk=v\t\tj=w"), AUTHD_ERR_MALFORMED, "empty middle field" },
	{ S("V\tk"), AUTHD_ERR_MALFORMED, "field without =" },
	{ S("V\tk\tj=w"), AUTHD_ERR_MALFORMED, "field without = before a good one" },
	{ S("V\tj=w\tk"), AUTHD_ERR_MALFORMED, "field without = after a good one" },
	{ S("V\t=v"), AUTHD_ERR_KEY, "empty key" },
	{ S("V\tK=v"), AUTHD_ERR_KEY, "upper-case key" },
	{ S("V\tk-1=v"), AUTHD_ERR_KEY, "dash in key" },
	{ S("V\tk 1=v"), AUTHD_ERR_KEY, "space in key" },
	{ S("V\t\xc3\xa9=v"), AUTHD_ERR_KEY, "non-ASCII key" },
	{ S("V\tabcdefghijklmnopqrstuvwxyz0123456=v"), AUTHD_ERR_KEY, "key of 33" },
	{ S("V\tk=a\\x"), AUTHD_ERR_ESCAPE, "unknown escape \\x" },
	{ S("V\tk=\\0"), AUTHD_ERR_ESCAPE, "unknown escape \\0" },
	{ S("V\tk=\\T"), AUTHD_ERR_ESCAPE, "escapes are case-sensitive" },
	{ S("V\tk=a\\"), AUTHD_ERR_ESCAPE, "lone backslash at end" },
	{ S("V\tk=a\\\tj=w"), AUTHD_ERR_ESCAPE, "backslash before TAB" },
	{ S("V\tk=a\rb"), AUTHD_ERR_MALFORMED, "raw CR in value" },
	{ S("V\tk=v\r"), AUTHD_ERR_MALFORMED, "trailing CR" },
	{ S("V\tk=a\nb"), AUTHD_ERR_MALFORMED, "raw LF in value" },
	{ S("V\tk=a\0b"), AUTHD_ERR_NUL, "NUL in value" },
	{ S("V\0\tk=v"), AUTHD_ERR_NUL, "NUL in verb" },
	{ S("V\tk=\xff"), AUTHD_ERR_UTF8, "0xff" },
	{ S("V\tk=\x80"), AUTHD_ERR_UTF8, "lone continuation byte" },
	{ S("V\tk=\xc3"), AUTHD_ERR_UTF8, "truncated 2-byte sequence at end" },
	{ S("V\tk=\xc3x"), AUTHD_ERR_UTF8, "bad continuation" },
	{ S("V\tk=\xe2\x82"), AUTHD_ERR_UTF8, "truncated 3-byte sequence" },
	{ S("V\tk=\xc0\x80"), AUTHD_ERR_UTF8, "overlong NUL (C0 80)" },
	{ S("V\tk=\xc1\xbf"), AUTHD_ERR_UTF8, "overlong 2-byte (C1 BF)" },
	{ S("V\tk=\xe0\x80\xaf"), AUTHD_ERR_UTF8, "overlong 3-byte slash" },
	{ S("V\tk=\xe0\x9f\xbf"), AUTHD_ERR_UTF8, "overlong 3-byte (E0 9F BF)" },
	{ S("V\tk=\xf0\x80\x80\xaf"), AUTHD_ERR_UTF8, "overlong 4-byte" },
	{ S("V\tk=\xf0\x8f\xbf\xbf"), AUTHD_ERR_UTF8, "overlong 4-byte (F0 8F)" },
	{ S("V\tk=\xed\xa0\x80"), AUTHD_ERR_UTF8, "high surrogate U+D800" },
	{ S("V\tk=\xed\xbf\xbf"), AUTHD_ERR_UTF8, "low surrogate U+DFFF" },
	{ S("V\tk=\xed\xa0\xbd\xed\xb2\xa9"), AUTHD_ERR_UTF8, "CESU-8 surrogate pair" },
	{ S("V\tk=\xf4\x90\x80\x80"), AUTHD_ERR_UTF8, "above U+10FFFF" },
	{ S("V\tk=\xf5\x80\x80\x80"), AUTHD_ERR_UTF8, "F5 lead byte" },
	{ S("V\tk=\xf8\x88\x80\x80\x80"), AUTHD_ERR_UTF8, "5-byte form" },
	{ S("V\tk=\xfe"), AUTHD_ERR_UTF8, "FE" },
};

/* Lines that must parse, with their fields (at most 3 here). */
static const struct {
	const char	*line;
	size_t		 len;
	const char	*verb;
	size_t		 nfields;
	const char	*kv[6];
} good[] = {
	{ S("OK"), "OK", 0, { NULL } },
	{ S("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 0,
	    { NULL } },
	{ S("v_1\tk=v"), "v_1", 1, { "k", "v" } },
	{ S("V\tk="), "V", 1, { "k", "" } },
	{ S("V\tk=a=b=c"), "V", 1, { "k", "a=b=c" } },
	{ S("V\tk=\\t\\n\\r\\\\"), "V", 1, { "k", "\t\n\r\\" } },
	{ S("V\tk=a\\\\t"), "V", 1, { "k", "a\\t" } },
	{ S("V\tk=\\\\\tj=\\\\"), "V", 2, { "k", "\\", "j", "\\" } },
	{ S("V\tk=caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"), "V", 1,
	    { "k", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91" } },
	{ S("V\tk=\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\xc2\x80"), "V", 1,
	    { "k", "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\xc2\x80" } },
	{ S("V\tabcdefghijklmnopqrstuvwxyz012345=1\tk=2\tk=3"), "V", 3,
	    { "abcdefghijklmnopqrstuvwxyz012345", "1", "k", "2", "k", "3" } },
	{ S("V\tk=a b  c "), "V", 1, { "k", "a b  c " } },
};

/* The buffer holds exactly len bytes equal to want. */
static int
holds(const struct buf *b, const char *want, size_t len)
{
	return buf_len(b) == len && memcmp(buf_ptr(b), want, len) == 0;
}

static void
test_parse_tables(void)
{
	struct proto_msg m;
	size_t i, j;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 0xa5, sizeof(m));
		r = proto_parse(bad[i].line, bad[i].len, &m);
		is_int(r, bad[i].want, "refused: %s (%s)", bad[i].what,
		    authd_strerror(bad[i].want));
		ok(m.verb == NULL && m.nfields == 0 && m.storage == NULL,
		    "msg left empty: %s", bad[i].what);
		proto_msg_clear(&m);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r = proto_parse(good[i].line, good[i].len, &m);
		is_int(r, 0, "good[%zu] parses", i);
		if (r != 0)
			continue;
		is_str(m.verb, good[i].verb, "good[%zu] verb", i);
		is_int(m.nfields, good[i].nfields, "good[%zu] nfields", i);
		for (j = 0; j < good[i].nfields && j < m.nfields; j++) {
			is_str(m.fields[j].key, good[i].kv[2 * j],
			    "good[%zu] key %zu", i, j);
			is_str(m.fields[j].value, good[i].kv[2 * j + 1],
			    "good[%zu] value %zu", i, j);
		}
		proto_msg_clear(&m);
		ok(m.verb == NULL && m.storage == NULL && m.nfields == 0,
		    "good[%zu] cleared", i);
	}
}

static void
test_get_copy(void)
{
	struct proto_msg m;
	char line[] = "AUTH\tuser=alice\tk=1\tk=2\tempty=";

	is_int(proto_parse(line, strlen(line), &m), 0, "parse");
	is_str(proto_get(&m, "user"), "alice", "get user");
	is_str(proto_get(&m, "k"), "1", "get returns the first of repeated keys");
	is_str(proto_get(&m, "empty"), "", "get of an empty value");
	ok(proto_get(&m, "nope") == NULL, "get of an absent key");
	ok(proto_get(&m, "use") == NULL, "get does not match prefixes");
	memset(line, 'X', sizeof(line) - 1);
	is_str(proto_get(&m, "user"), "alice", "message owns a copy of the line");
	proto_msg_clear(&m);
	proto_msg_clear(&m);
	ok(1, "clear twice is harmless");
}

static void
test_limits(void)
{
	struct proto_msg m;
	char *line;
	size_t n, i;

	/* 8191 bytes (8192 with the LF) accepted; 8192 refused */
	line = malloc(PROTO_MAX_LINE + 1);
	memcpy(line, "V\tk=", 4);
	memset(line + 4, 'a', PROTO_MAX_LINE - 3);
	is_int(proto_parse(line, PROTO_MAX_LINE - 1, &m), 0, "line of 8191 bytes accepted");
	is_int(m.nfields == 1 ? strlen(m.fields[0].value) : 0, PROTO_MAX_LINE - 5,
	    "value of 8187 bytes");
	proto_msg_clear(&m);
	is_int(proto_parse(line, PROTO_MAX_LINE, &m), AUTHD_ERR_TOOLONG,
	    "line of 8192 bytes refused");
	is_int(proto_parse(line, PROTO_MAX_LINE + 1, &m), AUTHD_ERR_TOOLONG,
	    "line of 8193 bytes refused");
	free(line);

	/* 64 fields accepted, 65 refused */
	line = malloc(16 * 70);
	n = (size_t)sprintf(line, "V");
	for (i = 0; i < PROTO_MAX_FIELDS; i++)
		n += (size_t)sprintf(line + n, "\tf%zu=%zu", i, i);
	is_int(proto_parse(line, n, &m), 0, "64 fields accepted");
	is_int(m.nfields, 64, "nfields 64");
	is_str(proto_get(&m, "f63"), "63", "last field");
	proto_msg_clear(&m);
	n += (size_t)sprintf(line + n, "\tf64=64");
	is_int(proto_parse(line, n, &m), AUTHD_ERR_FIELDS, "65 fields refused");
	free(line);
}

static void
test_utf8(void)
{
	ok(proto_utf8_valid((const unsigned char *)"", 0), "empty is valid");
	ok(proto_utf8_valid((const unsigned char *)"\xc3\xa9", 2), "e-acute");
	ok(!proto_utf8_valid((const unsigned char *)"\xc3\xa9", 1), "cut by len");
	ok(proto_utf8_valid((const unsigned char *)"a\0b", 3),
	    "NUL is valid UTF-8 (the parser refuses it separately)");
	ok(!proto_utf8_valid((const unsigned char *)"\xe0\xa0", 2), "cut 3-byte");
	ok(proto_utf8_valid((const unsigned char *)"\xe0\xa0\x80", 3), "U+0800");
	ok(proto_utf8_valid((const unsigned char *)"\xf0\x90\x80\x80", 4), "U+10000");
	ok(!proto_utf8_valid((const unsigned char *)"\xf0\x90\x80", 3), "cut 4-byte");
}

/* Build a line from fields, check its bytes, parse it back. */
static void
test_round_trip(void)
{
	static const char *values[] = {
		"plain",
		"",
		"tab\there",
		"lf\nhere",
		"cr\rhere",
		"back\\slash",
		"\\t is not a tab",
		"\t\n\r\\\\\t",
		"a=b",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91 \xe6\x97\xa5\xe6\x9c\xac",
		" leading and trailing ",
		"#;'\"$`",
	};
	struct buf *b = buf_new(PROTO_MAX_LINE);
	struct proto_msg m;
	char key[16];
	size_t i, nv = sizeof(values) / sizeof(values[0]);
	int r = 0;

	is_int(proto_begin(b, "ROW"), 0, "begin");
	for (i = 0; i < nv && r == 0; i++) {
		(void)snprintf(key, sizeof(key), "k%zu", i);
		r = proto_add(b, key, values[i]);
	}
	is_int(r, 0, "add every value");
	is_int(proto_end(b), 0, "end");
	ok(buf_len(b) > 0 && buf_ptr(b)[buf_len(b) - 1] == '\n', "ends with LF");
	is_int(buf_find(b, '\n'), (long)buf_len(b) - 1, "only one LF (LF escaped)");
	ok(memchr(buf_ptr(b), '\r', buf_len(b)) == NULL, "no raw CR");
	is_int(proto_parse((const char *)buf_ptr(b), buf_len(b) - 1, &m), 0,
	    "parse it back");
	is_str(m.verb, "ROW", "verb back");
	is_int(m.nfields, nv, "field count back");
	for (i = 0; i < nv && i < m.nfields; i++)
		is_str(m.fields[i].value, values[i], "value %zu back", i);
	proto_msg_clear(&m);

	/* the exact encoding */
	proto_begin(b, "FAIL");
	proto_add(b, "msg", "a\tb\nc\rd\\e");
	proto_end(b);
	ok(holds(b, S("FAIL\tmsg=a\\tb\\nc\\rd\\\\e\n")), "exact escaping");

	/* proto_escape on its own appends */
	buf_reset(b);
	buf_puts(b, ">");
	is_int(proto_escape(b, "\\\t"), 0, "escape");
	ok(holds(b, S(">\\\\\\t")), "escape appends");

	/* proto_addf */
	proto_begin(b, "OK");
	is_int(proto_addf(b, "n", "%d-%s", 42, "x\ty"), 0, "addf");
	proto_end(b);
	ok(holds(b, S("OK\tn=42-x\\ty\n")), "addf escapes its result");
	buf_free(&b);
}

static void
test_build_limits(void)
{
	struct buf *b = buf_new(PROTO_MAX_LINE), *small;
	struct proto_msg m;
	unsigned char *snap;
	char *big, key[16];
	size_t i, len;
	int r = 0;

	/* verbs */
	buf_puts(b, "junk");
	is_int(proto_begin(b, ""), AUTHD_ERR_VERB, "empty verb refused");
	is_int(buf_len(b), 0, "begin resets the buffer");
	is_int(proto_begin(b, "A B"), AUTHD_ERR_VERB, "bad verb refused");
	is_int(proto_begin(b, "A\tk=v"), AUTHD_ERR_VERB, "verb with TAB refused");
	is_int(proto_begin(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"), AUTHD_ERR_VERB,
	    "verb of 33 refused");
	is_int(proto_begin(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), 0, "verb of 32");

	/* keys and values refused leave the buffer as it was */
	proto_begin(b, "V");
	proto_add(b, "a", "1");
	len = buf_len(b);
	is_int(proto_add(b, "", "v"), AUTHD_ERR_KEY, "empty key refused");
	is_int(proto_add(b, "K", "v"), AUTHD_ERR_KEY, "upper-case key refused");
	is_int(proto_add(b, "k=1", "v"), AUTHD_ERR_KEY, "key with = refused");
	is_int(proto_add(b, "k\t", "v"), AUTHD_ERR_KEY, "key with TAB refused");
	is_int(proto_add(b, "abcdefghijklmnopqrstuvwxyz0123456", "v"), AUTHD_ERR_KEY,
	    "key of 33 refused");
	is_int(proto_add(b, "k", "\xc0\x80"), AUTHD_ERR_UTF8, "overlong value refused");
	is_int(proto_add(b, "k", "\xed\xa0\x80"), AUTHD_ERR_UTF8, "surrogate value refused");
	is_int(buf_len(b), len, "buffer unchanged by refused adds");
	is_int(proto_add(b, "abcdefghijklmnopqrstuvwxyz012345", "v"), 0, "key of 32");

	/* 64 fields, then FIELDS */
	proto_begin(b, "V");
	for (i = 0; i < PROTO_MAX_FIELDS && r == 0; i++) {
		(void)snprintf(key, sizeof(key), "f%zu", i);
		r = proto_add(b, key, "v");
	}
	is_int(r, 0, "64 adds");
	len = buf_len(b);
	is_int(proto_add(b, "f64", "v"), AUTHD_ERR_FIELDS, "65th add refused");
	is_int(buf_len(b), len, "buffer unchanged");
	is_int(proto_end(b), 0, "end after 64");
	is_int(proto_parse((const char *)buf_ptr(b), buf_len(b) - 1, &m), 0,
	    "64 built fields parse");
	proto_msg_clear(&m);

	/* length: "V\tk=" + 8187 bytes + LF is exactly 8192 */
	big = malloc(PROTO_MAX_LINE + 1);
	memset(big, 'a', PROTO_MAX_LINE);
	big[PROTO_MAX_LINE - 4] = '\0';		/* 8188 bytes */
	proto_begin(b, "V");
	is_int(proto_add(b, "k", big), AUTHD_ERR_TOOLONG, "value of 8188 refused");
	is_int(buf_len(b), 1, "rolled back to the verb");
	big[PROTO_MAX_LINE - 5] = '\0';		/* 8187 bytes */
	is_int(proto_add(b, "k", big), 0, "value of 8187 accepted");
	is_int(buf_len(b), PROTO_MAX_LINE - 1, "8191 bytes");
	is_int(proto_add(b, "j", ""), AUTHD_ERR_TOOLONG, "no room for another field");
	is_int(buf_len(b), PROTO_MAX_LINE - 1, "rolled back");
	is_int(proto_end(b), 0, "end at 8192");
	is_int(buf_len(b), PROTO_MAX_LINE, "line of 8192 with LF");
	is_int(proto_parse((const char *)buf_ptr(b), buf_len(b) - 1, &m), 0,
	    "the longest line parses");
	proto_msg_clear(&m);

	/* escaping doubles the size: 4094 backslashes are 8188 bytes */
	memset(big, '\\', 4094);
	big[4094] = '\0';
	proto_begin(b, "V");
	proto_add(b, "a", "1");
	snap = malloc(buf_len(b));
	len = buf_len(b);
	memcpy(snap, buf_ptr(b), len);
	is_int(proto_add(b, "k", big), AUTHD_ERR_TOOLONG, "escaped value too long");
	ok(buf_len(b) == len && memcmp(buf_ptr(b), snap, len) == 0,
	    "rolled back to the previous field, bytes intact");
	is_int(proto_end(b), 0, "end after the rollback");
	is_int(proto_parse((const char *)buf_ptr(b), buf_len(b) - 1, &m), 0,
	    "rolled-back line parses");
	ok(m.nfields == 1 && strcmp(proto_get(&m, "a"), "1") == 0, "one field left");
	proto_msg_clear(&m);
	free(snap);

	/* proto_end refuses a line with no room for the LF */
	buf_reset(b);
	memset(big, 'a', PROTO_MAX_LINE);
	buf_put(b, big, PROTO_MAX_LINE);
	is_int(proto_end(b), AUTHD_ERR_TOOLONG, "end on 8192 bytes refused");
	is_int(buf_len(b), PROTO_MAX_LINE, "unchanged");

	/* addf: result too long for its buffer */
	proto_begin(b, "V");
	big[PROTO_MAX_LINE] = '\0';
	is_int(proto_addf(b, "k", "%s", big), AUTHD_ERR_TOOLONG, "addf too long");
	is_int(buf_len(b), 1, "unchanged");
	free(big);
	buf_free(&b);

	/* a buffer smaller than a line: the put fails mid-field, rolled back */
	small = buf_new(16);
	is_int(proto_begin(small, "V"), 0, "begin in a small buffer");
	is_int(proto_add(small, "k", "12345678"), 0, "fits");
	len = buf_len(small);
	is_int(proto_add(small, "j", "12345678"), AUTHD_ERR_TOOLONG,
	    "over the buffer's max");
	is_int(buf_len(small), len, "rolled back");
	ok(memcmp(buf_ptr(small), "V\tk=12345678", len) == 0, "bytes intact");
	buf_free(&small);
}

int
main(void)
{
	test_parse_tables();
	test_get_copy();
	test_limits();
	test_utf8();
	test_round_trip();
	test_build_limits();
	return tap_done();
}
