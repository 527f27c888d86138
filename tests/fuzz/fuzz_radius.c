/*
 * tests/fuzz/fuzz_radius.c: libFuzzer target for the RADIUS codec. Arbitrary
 * bytes go through radius_decode; a packet that decodes must be consistent
 * (every attribute inside Length, at most RADIUS_MAX_ATTRS, one
 * Message-Authenticator of 16 bytes), and radius_get, radius_attr_str,
 * radius_verify_request_ma and radius_decode_password run on it with a fixed
 * secret. A refused packet must leave the struct cleared; anything else abort()s.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "radius.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t secret[] = "xyzzy5461";

static void
check_attrs(const uint8_t *data, const struct radius_packet *p)
{
	const struct radius_attr *a;
	char s[RADIUS_MAX_VALUE + 1];
	size_t i, ma = 0, end = RADIUS_HDR_LEN;
	int r;

	if (p->nattrs > RADIUS_MAX_ATTRS || p->len < RADIUS_HDR_LEN ||
	    p->len > RADIUS_MAX_PACKET)
		abort();
	for (i = 0; i < p->nattrs; i++) {
		a = &p->attrs[i];
		/* attributes are contiguous, in order, inside Length */
		if (a->value != data + end + 2 || end + 2 + a->len > p->len)
			abort();
		end += 2 + (size_t)a->len;
		if (a->type == RADIUS_ATTR_MESSAGE_AUTHENTICATOR) {
			if (a->len != RADIUS_AUTH_LEN)
				abort();
			ma++;
		}
		r = radius_attr_str(a, s, sizeof(s));
		if (r == 0 && strlen(s) != a->len)
			abort();
		if (r != 0 && r != RADIUS_ERR_NUL)
			abort();
	}
	if (end != p->len || ma > 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct radius_packet zero;
	static struct radius_reply rep;
	struct radius_packet p, q;
	uint8_t *out;
	size_t outlen;
	const struct radius_attr *a;
	char pw[RADIUS_MAX_PASSWORD + 1];
	uint32_t v;
	unsigned int t;
	int r;

	r = radius_decode(data, size, &p);
	if (r != 0) {
		if (r > RADIUS_ERR_SHORT || r < RADIUS_ERR_BAD_AUTH ||
		    memcmp(&p, &zero, sizeof(p)) != 0)
			abort();
		return 0;
	}
	if (p.len > size || p.code != data[0] || p.id != data[1] ||
	    memcmp(p.auth, data + 4, RADIUS_AUTH_LEN) != 0)
		abort();
	check_attrs(data, &p);

	for (t = 0; t < 256; t++) {
		a = radius_get(&p, (uint8_t)t);
		if (a != NULL && (a->type != t || a < p.attrs || a >= p.attrs + p.nattrs))
			abort();
		if (a != NULL)
			(void)radius_attr_u32(a, &v);
	}

	r = radius_verify_request_ma(&p, data, size, secret, sizeof(secret) - 1);
	if (r != 1 && r != 0 && r != -1)
		abort();
	if ((r == 0) != (radius_get(&p, RADIUS_ATTR_MESSAGE_AUTHENTICATOR) == NULL))
		abort();

	memset(pw, 'x', sizeof(pw));
	r = radius_decode_password(&p, secret, sizeof(secret) - 1, pw, sizeof(pw));
	if (r == 0) {
		if (strlen(pw) > RADIUS_MAX_PASSWORD)
			abort();
	} else {
		for (t = 0; t < sizeof(pw); t++)
			if (pw[t] != '\0')
				abort();
	}
	/* a reply to a request always builds, decodes and verifies */
	if (p.code != RADIUS_ACCESS_REQUEST && p.code != RADIUS_STATUS_SERVER)
		return 0;
	if (radius_reply_init(&rep, RADIUS_ACCESS_REJECT, p.id) != 0 ||
	    radius_reply_finish(&rep, p.auth, secret, sizeof(secret) - 1, &out, &outlen) != 0 ||
	    radius_decode(out, outlen, &q) != 0 || q.attrs[0].type != 80 ||
	    radius_verify_reply(&q, out, outlen, p.auth, secret, sizeof(secret) - 1) != 0)
		abort();
	return 0;
}
