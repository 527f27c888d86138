/*
 * tests/fuzz/fuzz_proto.c: libFuzzer target for proto_parse. A line that
 * parses must re-encode (proto_begin/proto_add/proto_end) to the same bytes
 * and parse back to the same message; anything else abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
same_msg(const struct proto_msg *a, const struct proto_msg *b)
{
	size_t i;

	if (strcmp(a->verb, b->verb) != 0 || a->nfields != b->nfields)
		abort();
	for (i = 0; i < a->nfields; i++)
		if (strcmp(a->fields[i].key, b->fields[i].key) != 0 ||
		    strcmp(a->fields[i].value, b->fields[i].value) != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg m, m2;
	struct buf *b;
	size_t i;
	int r;

	r = proto_parse((const char *)data, size, &m);
	if (r != 0) {
		/* a refused line leaves the message empty, with a known code */
		if (m.verb != NULL || m.nfields != 0 || m.storage != NULL ||
		    r < AUTHD_ERR_INVALID)
			abort();
		return 0;
	}
	if (m.verb == NULL || m.nfields > PROTO_MAX_FIELDS)
		abort();
	if ((b = buf_new(PROTO_MAX_LINE)) == NULL)
		abort();
	if (proto_begin(b, m.verb) != 0)
		abort();
	for (i = 0; i < m.nfields; i++)
		if (proto_add(b, m.fields[i].key, m.fields[i].value) != 0)
			abort();
	if (proto_end(b) != 0)
		abort();
	/* the encoding is canonical: the same bytes as the input, plus LF */
	if (buf_len(b) != size + 1 || memcmp(buf_ptr(b), data, size) != 0 ||
	    buf_ptr(b)[size] != '\n')
		abort();
	if (proto_parse((const char *)buf_ptr(b), buf_len(b) - 1, &m2) != 0)
		abort();
	same_msg(&m, &m2);
	for (i = 0; i < m.nfields; i++)
		if (proto_get(&m, m.fields[i].key) == NULL)
			abort();
	proto_msg_clear(&m2);
	proto_msg_clear(&m);
	buf_free(&b);
	return 0;
}
