/* tests/unit/test_csv.c: admin/csv.c, the key batch and the strict CSV import parser (TAP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "tap.h"

#define S20	"3132333435363738393031323334353637383930"	/* RFC 4226 */
#define S16	"00112233445566778899aabbccddeeff"
#define S64	S16 S16 S16 S16

/* Parse doc; on success *b_r holds the batch (caller frees). */
static int
parse(const char *doc, struct csv_batch **b_r, char *err, size_t errlen)
{
	struct csv_batch *b = csv_batch_new("line");
	int r;

	if (b == NULL)
		abort();
	r = csv_parse(doc, strlen(doc), b, err, errlen);
	if (b_r != NULL && r == 0)
		*b_r = b;
	else
		csv_batch_free(&b);
	return r;
}

static void
test_good(void)
{
	struct csv_batch *b = NULL;
	char err[512];
	int r;

	r = parse("# vendor delivery 2024-05\n"
	    "\n"
	    "   \t\n"
	    "SN-001,hotp," S20 "\n"
	    "  # indented comment\n"
	    "SN.002 , TOTP , " S16 " , 8 , 60 \r\n"
	    "sn_003,totp," S64 ",7\n"
	    "SN004,totp," S16 ",,45\n"
	    "SN005,hotp," S16 ",6", &b, err, sizeof(err));
	is_int(r, 0, "a well-formed file parses (%s)", err);
	if (b == NULL)
		return;
	is_int(b->n, 5, "five keys, comments and blank lines skipped");
	is_str(b->keys[0].serial, "SN-001", "serial 1");
	ok(b->keys[0].kind == CSV_HOTP, "kind hotp");
	is_int(b->keys[0].secret_len, 20, "20-byte secret");
	ok(memcmp(b->keys[0].secret, "12345678901234567890", 20) == 0,
	    "secret decoded from hex");
	is_int(b->keys[0].digits, 6, "digits default 6");
	is_int(b->keys[0].period, 30, "period default 30");
	is_int(b->keys[0].counter, 0, "counter 0");
	is_int(b->keys[0].where, 4, "line number kept");
	is_str(b->keys[1].serial, "SN.002", "blanks around fields trimmed");
	ok(b->keys[1].kind == CSV_TOTP, "kind is case-insensitive");
	is_int(b->keys[1].digits, 8, "digits 8");
	is_int(b->keys[1].period, 60, "period 60, CRLF line end");
	ok(b->keys[1].secret[15] == 0xff, "upper/lower hex");
	is_int(b->keys[2].secret_len, 64, "64-byte secret accepted");
	is_int(b->keys[2].digits, 7, "digits 7");
	is_int(b->keys[3].digits, 6, "empty digits field: default");
	is_int(b->keys[3].period, 45, "period after an empty digits field");
	is_int(b->keys[4].where, 9, "last line without LF");
	is_str(csv_kind_name(b->keys[1].kind), "totp", "csv_kind_name");
	csv_batch_free(&b);
	ok(b == NULL, "csv_batch_free NULLs the pointer");
	csv_batch_free(&b);
	csv_batch_free(NULL);

	r = parse("\xef\xbb\xbfSN1,hotp," S16 "\n", &b, err, sizeof(err));
	is_int(r, 0, "UTF-8 byte order mark skipped (%s)", err);
	csv_batch_free(&b);
}

/* Each bad document, and what its message must say. */
static const struct {
	const char	*doc;
	const char	*want;
	int		 code;
} bad[] = {
	{ "", "no keys", AUTHD_ERR_INVALID },
	{ "# only a comment\n\n", "no keys", AUTHD_ERR_INVALID },
	{ "SN1,hotp\n", "line 1: 2 fields", AUTHD_ERR_MALFORMED },
	{ "SN1\n", "line 1: 1 field;", AUTHD_ERR_MALFORMED },
	{ "SN1,totp," S16 ",6,30,x\n", "line 1: more than 5 fields",
	    AUTHD_ERR_MALFORMED },
	{ "SN1,totp," S16 ",6,30,\n", "more than 5 fields",
	    AUTHD_ERR_MALFORMED },
	{ ",hotp," S16 "\n", "line 1: empty serial", AUTHD_ERR_INVALID },
	{ "#\nSN 1,hotp," S16 "\n", "line 2: serial has a character outside",
	    AUTHD_ERR_INVALID },
	{ "SN/1,hotp," S16 "\n", "serial has a character outside",
	    AUTHD_ERR_INVALID },
	{ "\xc3\xa9,hotp," S16 "\n", "serial has a character outside",
	    AUTHD_ERR_INVALID },
	{ "A123456789012345678901234567890123456789012345678901234567890123"
	    "4,hotp," S16 "\n", "serial longer than 64", AUTHD_ERR_INVALID },
	{ "SN1,motp," S16 "\n", "line 1 (serial SN1): kind must be hotp or "
	    "totp", AUTHD_ERR_INVALID },
	{ "SN1,hotp,\n", "(serial SN1): empty secret", AUTHD_ERR_INVALID },
	{ "SN1,hotp,0011223344556677889900aabbccddeeffg0\n",
	    "not hexadecimal (character 35)", AUTHD_ERR_MALFORMED },
	{ "SN1,hotp,0x112233445566778899aabbccddeeff\n", "not hexadecimal",
	    AUTHD_ERR_MALFORMED },
	{ "SN1,hotp,00112233445566778899aabbccddeeff0\n",
	    "odd number of hex digits", AUTHD_ERR_MALFORMED },
	{ "SN1,hotp,00112233445566778899aabbccddee\n",
	    "secret is 15 bytes; it must be 16..64", AUTHD_ERR_RANGE },
	{ "SN1,hotp," S64 "00\n", "secret is 65 bytes", AUTHD_ERR_RANGE },
	{ "SN1,hotp," S16 ",5\n", "digits must be 6, 7 or 8",
	    AUTHD_ERR_RANGE },
	{ "SN1,hotp," S16 ",9\n", "digits must be 6, 7 or 8",
	    AUTHD_ERR_RANGE },
	{ "SN1,hotp," S16 ",06\n", "digits must be 6, 7 or 8",
	    AUTHD_ERR_RANGE },
	{ "SN1,hotp," S16 ",6,30\n", "a period applies to totp keys only",
	    AUTHD_ERR_INVALID },
	{ "SN1,totp," S16 ",6,0\n", "period must be 1..300",
	    AUTHD_ERR_RANGE },
	{ "SN1,totp," S16 ",6,301\n", "period must be 1..300",
	    AUTHD_ERR_RANGE },
	{ "SN1,totp," S16 ",6,-30\n", "period must be 1..300",
	    AUTHD_ERR_RANGE },
	{ "SN1,totp," S16 ",6,1000\n", "period must be 1..300",
	    AUTHD_ERR_RANGE },
	{ "SN1,totp," S16 ",6,3 0\n", "period must be 1..300",
	    AUTHD_ERR_RANGE },
	{ "SN1,hotp," S16 " # comment\n", "not hexadecimal",
	    AUTHD_ERR_MALFORMED },
	{ "SN1,hotp," S16 "\nSN2,hotp," S16 "\n# x\nSN1,totp," S16 "\n",
	    "line 4: duplicate serial SN1 (already at line 1)",
	    AUTHD_ERR_INVALID },
	{ "A,hotp," S16 "\nB,hotp," S16 "\nB,hotp," S16 "\nA,hotp," S16 "\n",
	    "line 3: duplicate serial B (already at line 2)",
	    AUTHD_ERR_INVALID },
	{ "SN1,hotp," S16 "\nSN2,hotp,zz\n", "line 2 (serial SN2)",
	    AUTHD_ERR_MALFORMED },
	{ "SN1,hotp," S16 "\rSN2,hotp," S16 "\n", "not hexadecimal",
	    AUTHD_ERR_MALFORMED },
};

static void
test_bad(void)
{
	char err[512];
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		r = parse(bad[i].doc, NULL, err, sizeof(err));
		is_int(r, bad[i].code, "bad document %zu refused", i);
		like(err, bad[i].want, "bad document %zu: message", i);
		/* the secret is never quoted back */
		ok(strstr(err, "00112233445566778899") == NULL &&
		    strstr(err, "31323334") == NULL,
		    "bad document %zu: message without the secret", i);
	}
}

static void
test_binary(void)
{
	static const char nul[] = "SN1,hotp," S16 "\nSN\0002,hotp," S16 "\n";
	char err[512], *big;
	struct csv_batch *b;
	size_t i;
	int r;

	b = csv_batch_new("line");
	r = csv_parse(nul, sizeof(nul) - 1, b, err, sizeof(err));
	is_int(r, AUTHD_ERR_NUL, "NUL byte refused");
	like(err, "line 2: NUL byte", "NUL byte: message names the line");
	csv_batch_free(&b);

	if ((big = malloc(2000)) == NULL)
		abort();
	memset(big, 'A', 2000);
	memcpy(big, "# ", 2);
	b = csv_batch_new("line");
	r = csv_parse(big, 1025, b, err, sizeof(err));
	is_int(r, AUTHD_ERR_TOOLONG, "a line over 1024 bytes refused");
	like(err, "line 1: longer than 1024 bytes", "over-long line: message");
	csv_batch_free(&b);
	b = csv_batch_new("line");
	r = csv_parse(big, 1024, b, err, sizeof(err));
	like(err, "no keys", "a 1024-byte comment line is fine");
	csv_batch_free(&b);
	free(big);

	b = csv_batch_new("line");
	r = csv_parse("SN1,hotp," S16, 10, b, err, sizeof(err));
	is_int(r, AUTHD_ERR_MALFORMED, "the length is honoured, not the NUL");
	csv_batch_free(&b);
	(void)i;
}

/* n lines of distinct serials. */
static char *
many(size_t n)
{
	char *doc, *p;
	size_t i;

	if ((doc = malloc(n * 64 + 1)) == NULL)
		abort();
	p = doc;
	for (i = 0; i < n; i++)
		p += sprintf(p, "K%06zu,totp," S16 "\n", i);
	*p = '\0';
	return doc;
}

static void
test_limits(void)
{
	struct csv_batch *b = NULL;
	char err[512], *doc;
	int r;

	doc = many(CSV_MAX_KEYS);
	r = parse(doc, &b, err, sizeof(err));
	is_int(r, 0, "exactly 10000 keys accepted (%s)", err);
	if (b != NULL)
		is_int(b->n, CSV_MAX_KEYS, "10000 keys in the batch");
	csv_batch_free(&b);
	free(doc);

	doc = many(CSV_MAX_KEYS + 1);
	r = parse(doc, NULL, err, sizeof(err));
	is_int(r, AUTHD_ERR_RANGE, "10001 keys refused");
	like(err, "line 10001 (serial K010000): more than 10000 keys",
	    "the message names the line");
	free(doc);

	r = parse("A123456789012345678901234567890123456789012345678901234567890"
	    "123,hotp," S16 "\n", &b, err, sizeof(err));
	is_int(r, 0, "a 64-character serial is fine (%s)", err);
	csv_batch_free(&b);
	r = parse("SN1,totp," S16 ",8,300\nSN2,totp," S16 ",6,1\n", &b, err,
	    sizeof(err));
	is_int(r, 0, "period 1 and 300 are fine (%s)", err);
	csv_batch_free(&b);
}

static void
test_add(void)
{
	struct csv_batch *b = csv_batch_new("key package");
	struct csv_key k;
	char err[256];

	memset(&k, 0, sizeof(k));
	strcpy(k.serial, "987654321");
	k.kind = CSV_HOTP;
	k.secret_len = 20;
	k.digits = 8;
	k.period = 30;
	k.where = 1;
	is_int(csv_batch_add(b, &k, err, sizeof(err)), 0, "add a key");
	k.digits = 4;
	is_int(csv_batch_add(b, &k, err, sizeof(err)), AUTHD_ERR_RANGE,
	    "4 digits refused");
	like(err, "4 digits not supported", "digits message");
	k.digits = 6;
	k.secret_len = 10;
	is_int(csv_batch_add(b, &k, err, sizeof(err)), AUTHD_ERR_RANGE,
	    "10-byte secret refused");
	like(err, "secret is 10 bytes", "secret length message");
	k.secret_len = 16;
	k.kind = 0;
	is_int(csv_batch_add(b, &k, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "no kind refused");
	k.kind = CSV_TOTP;
	k.period = 0;
	is_int(csv_batch_add(b, &k, err, sizeof(err)), AUTHD_ERR_RANGE,
	    "period 0 refused");
	k.period = 30;
	strcpy(k.serial, "a b");
	is_int(csv_batch_add(b, &k, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "bad serial refused");
	strcpy(k.serial, "987654321");
	k.where = 4;
	is_int(csv_batch_add(b, &k, err, sizeof(err)), 0, "a second key");
	is_int(csv_batch_finish(b, err, sizeof(err)), AUTHD_ERR_INVALID,
	    "duplicate refused by finish");
	is_str(err, "key package 4: duplicate serial 987654321 (already at "
	    "key package 1)", "the unit name is used");
	csv_batch_free(&b);

	ok(csv_serial_valid("a.B_c-9", 7), "serial charset");
	ok(!csv_serial_valid("", 0), "empty serial invalid");
	ok(!csv_serial_valid("a:b", 3), "colon invalid");
}

int
main(void)
{
	test_good();
	test_bad();
	test_binary();
	test_limits();
	test_add();
	return tap_done();
}
