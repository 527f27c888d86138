/* tests/unit/test_buf.c: common/buf.c, the bounded self-wiping buffer (TAP). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "tap.h"

/* The buffer holds exactly len bytes equal to want. */
static int
holds(const struct buf *b, const char *want, size_t len)
{
	return buf_len(b) == len && memcmp(buf_ptr(b), want, len) == 0;
}

static int
all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
test_new_free(void)
{
	struct buf *b;

	ok(buf_new(0) == NULL, "buf_new(0) refused");
	b = buf_new(8);
	ok(b != NULL, "buf_new(8)");
	is_int(buf_max(b), 8, "max");
	is_int(buf_len(b), 0, "empty");
	ok(buf_ptr(b) != NULL, "buf_ptr of an empty buffer is not NULL");
	is_int(buf_find(b, 'a'), -1, "find in an empty buffer");
	buf_free(&b);
	ok(b == NULL, "buf_free NULLs the pointer");
	buf_free(&b);
	buf_free(NULL);
	ok(1, "buf_free(&NULL) and buf_free(NULL) are no-ops");
}

static void
test_max(void)
{
	struct buf *b = buf_new(8);

	is_int(buf_put(b, "abcd", 4), 0, "put 4");
	is_int(buf_put(b, "", 0), 0, "put 0");
	is_int(buf_putc(b, 'e'), 0, "putc");
	is_int(buf_puts(b, "fgh"), 0, "puts to exactly max");
	ok(holds(b, "abcdefgh", 8), "contents at max");
	is_int(buf_putc(b, 'i'), AUTHD_ERR_TOOLONG, "putc over max refused");
	is_int(buf_put(b, "ij", 2), AUTHD_ERR_TOOLONG, "put over max refused");
	is_int(buf_puts(b, "i"), AUTHD_ERR_TOOLONG, "puts over max refused");
	ok(holds(b, "abcdefgh", 8), "unchanged after refusals");
	is_int(buf_put(b, "", 0), 0, "put 0 at max is fine");

	buf_reset(b);
	is_int(buf_len(b), 0, "reset empties");
	is_int(buf_put(b, "123456789", 9), AUTHD_ERR_TOOLONG, "one put over max refused");
	is_int(buf_len(b), 0, "nothing written by a refused put");
	is_int(buf_put(b, "x", SIZE_MAX), AUTHD_ERR_TOOLONG, "SIZE_MAX refused (no overflow)");
	is_int(buf_put(b, "1234", 4), 0, "put after reset");
	is_int(buf_put(b, "x", SIZE_MAX - 2), AUTHD_ERR_TOOLONG,
	    "len + huge refused (no overflow)");
	ok(holds(b, "1234", 4), "unchanged");
	buf_free(&b);

	/* growth keeps the contents, up to a large max */
	b = buf_new(100000);
	{
		char chunk[1000];
		size_t i;
		int r = 0;

		for (i = 0; i < 100 && r == 0; i++) {
			memset(chunk, 'a' + (int)(i % 26), sizeof(chunk));
			r = buf_put(b, chunk, sizeof(chunk));
		}
		is_int(r, 0, "100 x 1000 bytes into max 100000");
		is_int(buf_len(b), 100000, "len 100000");
		ok(buf_ptr(b)[0] == 'a' && buf_ptr(b)[99999] == 'a' + 99 % 26 &&
		    buf_ptr(b)[50000] == 'a' + 50 % 26, "contents survive growth");
		is_int(buf_putc(b, 'x'), AUTHD_ERR_TOOLONG, "one more byte refused");
	}
	buf_free(&b);
}

static void
test_consume_truncate(void)
{
	struct buf *b = buf_new(64);
	const unsigned char *p;

	/* on a buffer that never allocated */
	is_int(buf_consume(b, 0), 0, "consume 0 of a fresh buffer");
	is_int(buf_truncate(b, 0), 0, "truncate 0 of a fresh buffer");
	is_int(buf_consume(b, 1), AUTHD_ERR_TRUNCATED, "consume 1 of a fresh buffer");
	is_int(buf_truncate(b, 1), AUTHD_ERR_TRUNCATED, "truncate 1 of a fresh buffer");

	buf_puts(b, "abcdef");
	is_int(buf_consume(b, 0), 0, "consume 0");
	ok(holds(b, "abcdef", 6), "consume 0 changes nothing");
	is_int(buf_consume(b, 2), 0, "consume 2");
	ok(holds(b, "cdef", 4), "front dropped");
	p = buf_ptr(b);
	ok(all_zero(p + 4, 2), "consumed bytes wiped");
	is_int(buf_consume(b, 5), AUTHD_ERR_TRUNCATED, "consume more than len");
	ok(holds(b, "cdef", 4), "unchanged after a refused consume");
	is_int(buf_consume(b, 4), 0, "consume all");
	is_int(buf_len(b), 0, "empty after consuming all");
	ok(all_zero(buf_ptr(b), 4), "all wiped");

	buf_puts(b, "secret!!");
	is_int(buf_truncate(b, 9), AUTHD_ERR_TRUNCATED, "truncate beyond len");
	is_int(buf_truncate(b, 8), 0, "truncate to len");
	ok(holds(b, "secret!!", 8), "truncate to len changes nothing");
	is_int(buf_truncate(b, 3), 0, "truncate to 3");
	ok(holds(b, "sec", 3), "first 3 kept");
	ok(all_zero(buf_ptr(b) + 3, 5), "truncated bytes wiped");
	is_int(buf_putc(b, 'X'), 0, "put after truncate");
	ok(holds(b, "secX", 4), "appends after the kept bytes");
	p = buf_ptr(b);
	buf_reset(b);
	ok(buf_len(b) == 0 && all_zero(p, 4), "reset wipes");
	buf_free(&b);
}

static void
test_find(void)
{
	struct buf *b = buf_new(64);

	is_int(buf_find(b, '\n'), -1, "find in a fresh buffer");
	buf_put(b, "ab\0c\nd\n", 7);
	is_int(buf_find(b, '\n'), 4, "first LF");
	is_int(buf_find(b, 'a'), 0, "first byte");
	is_int(buf_find(b, '\0'), 2, "NUL byte");
	is_int(buf_find(b, 'z'), -1, "absent");
	is_int(buf_find(b, 0x100 + 'c'), 3, "c is converted to unsigned char");
	buf_consume(b, 5);
	is_int(buf_find(b, '\n'), 1, "after consume, offsets move");
	buf_reset(b);
	is_int(buf_find(b, 'd'), -1, "after reset");
	buf_free(&b);
}

static void
test_dup_cstr(void)
{
	struct buf *b = buf_new(64);
	char *s = (char *)1;

	is_int(buf_dup_cstr(b, &s), 0, "dup of an empty buffer");
	is_str(s, "", "is the empty string");
	free(s);
	buf_puts(b, "hello");
	is_int(buf_dup_cstr(b, &s), 0, "dup");
	is_str(s, "hello", "is NUL-terminated");
	free(s);
	buf_put(b, "\0x", 2);
	s = (char *)1;
	is_int(buf_dup_cstr(b, &s), AUTHD_ERR_NUL, "inner NUL refused");
	ok(s == NULL, "out-parameter cleared on error");
	buf_reset(b);
	buf_put(b, "abc\0", 4);
	is_int(buf_dup_cstr(b, &s), AUTHD_ERR_NUL, "trailing NUL refused too");
	buf_reset(b);
	buf_put(b, "\0", 1);
	is_int(buf_dup_cstr(b, &s), AUTHD_ERR_NUL, "lone NUL refused");
	buf_free(&b);
}

int
main(void)
{
	test_new_free();
	test_max();
	test_consume_truncate();
	test_find();
	test_dup_cstr();
	return tap_done();
}
