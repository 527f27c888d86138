/*
 * tests/unit/test_radius.c: authd/radius.c, the RADIUS codec (TAP).
 *
 * Vectors: RFC 2865 §7.1 (secret "xyzzy5461", user nemo, password
 * "arctangent"). Authenticators of built packets are recomputed here with
 * OpenSSL directly (MD5, HMAC-MD5), not with the codec's own helpers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "radius.h"
#include "tap.h"

#define SECRET		"xyzzy5461"
#define SEC		(const uint8_t *)SECRET, sizeof(SECRET) - 1

/* RFC 2865 §7.1: the Access-Request from the NAS at 192.168.1.16 for nemo, port 3. */
static const uint8_t rfc_req[] = {
	0x01, 0x00, 0x00, 0x38, 0x0f, 0x40, 0x3f, 0x94, 0x73, 0x97, 0x80, 0x57,
	0xbd, 0x83, 0xd5, 0xcb, 0x98, 0xf4, 0x22, 0x7a, 0x01, 0x06, 0x6e, 0x65,
	0x6d, 0x6f, 0x02, 0x12, 0x0d, 0xbe, 0x70, 0x8d, 0x93, 0xd4, 0x13, 0xce,
	0x31, 0x96, 0xe4, 0x3f, 0x78, 0x2a, 0x0a, 0xee, 0x04, 0x06, 0xc0, 0xa8,
	0x01, 0x10, 0x05, 0x06, 0x00, 0x00, 0x00, 0x03,
};
/* RFC 2865 §7.1: its Access-Accept (Service-Type, Login-Service, Login-IP-Host). */
static const uint8_t rfc_accept[] = {
	0x02, 0x00, 0x00, 0x26, 0x86, 0xfe, 0x22, 0x0e, 0x76, 0x24, 0xba, 0x2a,
	0x10, 0x05, 0xf6, 0xbf, 0x9b, 0x55, 0xe0, 0xb2, 0x06, 0x06, 0x00, 0x00,
	0x00, 0x01, 0x0f, 0x06, 0x00, 0x00, 0x00, 0x00, 0x0e, 0x06, 0xc0, 0xa8,
	0x01, 0x03,
};

static uint32_t lcg_state = 12345;

static uint8_t
lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return (uint8_t)(lcg_state >> 16);
}

static void
fill_random(uint8_t *p, size_t n, int nonzero)
{
	size_t i;

	for (i = 0; i < n; i++)
		do
			p[i] = lcg();
		while (nonzero && p[i] == 0);
}

/* Response Authenticator, independently: MD5(Code|ID|Length|RequestAuth|Attributes|Secret). */
static void
t_response_auth(const uint8_t *pkt, size_t len, const uint8_t req_auth[16],
    const uint8_t *secret, size_t slen, uint8_t out[16])
{
	uint8_t tmp[RADIUS_MAX_PACKET + 64];
	unsigned int outl = 0;

	memcpy(tmp, pkt, 4);
	memcpy(tmp + 4, req_auth, 16);
	memcpy(tmp + 20, pkt + 20, len - 20);
	memcpy(tmp + len, secret, slen);
	if (EVP_Digest(tmp, len + slen, out, &outl, EVP_md5(), NULL) != 1 || outl != 16)
		abort();
}

/*
 * Message-Authenticator, independently (RFC 3579 §3.2): HMAC-MD5 over a copy
 * with the MA value zeroed and, when auth is not NULL, auth in the header.
 */
static void
t_ma(const uint8_t *pkt, size_t len, const uint8_t *auth, size_t ma_off,
    const uint8_t *secret, size_t slen, uint8_t out[16])
{
	uint8_t tmp[RADIUS_MAX_PACKET];
	unsigned int outl = 0;

	memcpy(tmp, pkt, len);
	if (auth != NULL)
		memcpy(tmp + 4, auth, 16);
	memset(tmp + ma_off, 0, 16);
	if (HMAC(EVP_md5(), secret, (int)slen, tmp, len, out, &outl) == NULL || outl != 16)
		abort();
}

/* Offset of the first attribute of type in a decoded packet (value, not header). */
static size_t
value_off(const uint8_t *buf, const struct radius_packet *p, uint8_t type)
{
	const struct radius_attr *a = radius_get(p, type);

	return a == NULL ? 0 : (size_t)(a->value - buf);
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static void
test_rfc_example(void)
{
	static const uint8_t hidden[16] = {
		0x0d, 0xbe, 0x70, 0x8d, 0x93, 0xd4, 0x13, 0xce,
		0x31, 0x96, 0xe4, 0x3f, 0x78, 0x2a, 0x0a, 0xee,
	};
	struct radius_packet p;
	const struct radius_attr *a;
	uint8_t buf[128], out[16];
	char s[RADIUS_MAX_PASSWORD + 1];
	uint32_t v;
	size_t n;
	int rc;

	is_int(radius_decode(rfc_req, sizeof(rfc_req), &p), 0, "RFC 2865 7.1 Access-Request decodes");
	is_int(p.code, RADIUS_ACCESS_REQUEST, "code Access-Request");
	is_int(p.id, 0, "id 0");
	is_int(p.len, 56, "length 56");
	ok(memcmp(p.auth, rfc_req + 4, 16) == 0, "Request Authenticator kept");
	is_int(p.nattrs, 4, "four attributes");
	ok(p.attrs[0].type == 1 && p.attrs[1].type == 2 && p.attrs[2].type == 4 &&
	    p.attrs[3].type == 5, "attributes in packet order");
	is_int(radius_get_str(&p, RADIUS_ATTR_USER_NAME, s, sizeof(s)), 0, "User-Name as string");
	is_str(s, "nemo", "User-Name nemo");
	a = radius_get(&p, RADIUS_ATTR_NAS_IP_ADDRESS);
	ok(a != NULL && radius_attr_u32(a, &v) == 0 && v == 0xc0a80110,
	    "NAS-IP-Address 192.168.1.16");
	ok(radius_attr_u32(radius_get(&p, RADIUS_ATTR_NAS_PORT), &v) == 0 && v == 3, "NAS-Port 3");
	is_int(radius_attr_u32(radius_get(&p, RADIUS_ATTR_USER_PASSWORD), &v),
	    RADIUS_ERR_ATTR_LENGTH, "a 4-byte read of the 16-byte User-Password refused");
	ok(radius_get(&p, RADIUS_ATTR_STATE) == NULL, "no State");
	is_int(radius_get_str(&p, RADIUS_ATTR_STATE, s, sizeof(s)), RADIUS_ERR_NOATTR,
	    "absent attribute as string: NOATTR");

	is_int(radius_decode_password(&p, SEC, s, sizeof(s)), 0, "User-Password un-hides");
	is_str(s, "arctangent", "password is arctangent");
	rc = radius_decode_password(&p, (const uint8_t *)"xyzzy5462", 9, s, sizeof(s));
	ok(rc != 0 || strcmp(s, "arctangent") != 0, "another secret does not give arctangent");
	is_int(radius_hide_password(p.auth, SEC, "arctangent", 10, buf, sizeof(buf), &n), 0,
	    "hide arctangent");
	ok(n == 16 && memcmp(buf, hidden, 16) == 0, "hidden bytes are the RFC's");
	is_int(radius_verify_request_ma(&p, rfc_req, sizeof(rfc_req), SEC), 0,
	    "no Message-Authenticator: 0 (absent)");

	/* the RFC's Accept checks with this file's independent MD5 */
	is_int(radius_decode(rfc_accept, sizeof(rfc_accept), &p), 0, "RFC 2865 7.1 Access-Accept decodes");
	t_response_auth(rfc_accept, sizeof(rfc_accept), rfc_req + 4, SEC, out);
	ok(memcmp(out, rfc_accept + 4, 16) == 0, "the test's Response Authenticator matches the RFC's");
	is_int(radius_verify_reply(&p, rfc_accept, sizeof(rfc_accept), rfc_req + 4, SEC),
	    RADIUS_ERR_NO_MA, "the RFC's Accept has no Message-Authenticator: refused by a client");
}

static void
test_roundtrip(void)
{
	uint8_t auth[16], pw[RADIUS_MAX_PASSWORD], hidden[RADIUS_MAX_PASSWORD];
	char out[RADIUS_MAX_PASSWORD + 1];
	struct radius_reply r;
	struct radius_packet p;
	uint8_t *pkt;
	size_t len, n, want, bad = 0, pktlen = 0;
	int rc;

	for (len = 1; len <= RADIUS_MAX_PASSWORD; len++) {
		fill_random(auth, sizeof(auth), 0);
		fill_random(pw, len, 1);
		want = (len + 15) / 16 * 16;
		rc = radius_hide_password(auth, SEC, pw, len, hidden, sizeof(hidden), &n);
		if (rc != 0 || n != want) {
			bad++;
			continue;
		}
		if (radius_reply_init(&r, RADIUS_ACCESS_REQUEST, (uint8_t)len) != 0 ||
		    radius_reply_add(&r, RADIUS_ATTR_USER_NAME, "u", 1) != 0 ||
		    radius_reply_add(&r, RADIUS_ATTR_USER_PASSWORD, hidden, n) != 0 ||
		    radius_request_finish(&r, auth, SEC, &pkt, &pktlen) != 0 ||
		    radius_decode(pkt, pktlen, &p) != 0 ||
		    radius_verify_request_ma(&p, pkt, pktlen, SEC) != 1 ||
		    radius_decode_password(&p, SEC, out, sizeof(out)) != 0 ||
		    strlen(out) != len || memcmp(out, pw, len) != 0) {
			printf("# round trip failed at length %zu\n", len);
			bad++;
		}
	}
	is_int(bad, 0, "hide/unhide round trip through a request, lengths 1..128");

	/* a 128-byte password needs out of 129 */
	fill_random(pw, 128, 1);
	radius_hide_password(auth, SEC, pw, 128, hidden, sizeof(hidden), &n);
	radius_reply_init(&r, RADIUS_ACCESS_REQUEST, 1);
	radius_reply_add(&r, RADIUS_ATTR_USER_PASSWORD, hidden, n);
	radius_request_finish(&r, auth, SEC, &pkt, &len);
	radius_decode(pkt, len, &p);
	is_int(radius_decode_password(&p, SEC, out, 128), RADIUS_ERR_TOOLONG,
	    "128-byte password into 128 bytes: TOOLONG");
	ok(all_zero(out, 128), "out wiped after TOOLONG");
	is_int(radius_decode_password(&p, SEC, out, 129), 0, "128-byte password into 129 bytes");

	is_int(radius_hide_password(auth, SEC, pw, 129, hidden, sizeof(hidden), &n),
	    RADIUS_ERR_TOOLONG, "hiding 129 bytes refused");
	is_int(radius_hide_password(auth, SEC, pw, 17, hidden, 16, &n), RADIUS_ERR_TOOLONG,
	    "hiding into too small a buffer refused");
	is_int(radius_hide_password(auth, (const uint8_t *)"", 0, pw, 1, hidden, 16, &n),
	    RADIUS_ERR_INVALID, "empty secret refused");
	is_int(radius_hide_password(auth, SEC, "", 0, hidden, 16, &n), 0, "empty password hides");
	is_int(n, 16, "to one block");
}

/* A request with the given User-Password value (any length), signed. */
static void
request_with_pw(const uint8_t *val, size_t vlen, struct radius_reply *r, uint8_t **pkt,
    size_t *len, struct radius_packet *p)
{
	static const uint8_t auth[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	radius_reply_init(r, RADIUS_ACCESS_REQUEST, 7);
	if (vlen > 0)
		radius_reply_add(r, RADIUS_ATTR_USER_PASSWORD, val, vlen);
	radius_request_finish(r, auth, SEC, pkt, len);
	if (radius_decode(*pkt, *len, p) != 0)
		abort();
}

static void
test_password_errors(void)
{
	static const uint8_t auth[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const size_t badlens[] = { 1, 15, 17, 31, 33, 127, 144, 160, 253 };
	struct radius_reply r;
	struct radius_packet p;
	uint8_t val[253], hidden[RADIUS_MAX_PASSWORD], *pkt;
	char out[RADIUS_MAX_PASSWORD + 1];
	size_t i, len, n, bad = 0;

	memset(val, 0x41, sizeof(val));
	for (i = 0; i < sizeof(badlens) / sizeof(badlens[0]); i++) {
		request_with_pw(val, badlens[i], &r, &pkt, &len, &p);
		memset(out, 'x', sizeof(out));
		if (radius_decode_password(&p, SEC, out, sizeof(out)) != RADIUS_ERR_PW_LENGTH ||
		    !all_zero(out, sizeof(out))) {
			printf("# hidden length %zu not refused\n", badlens[i]);
			bad++;
		}
	}
	is_int(bad, 0, "User-Password of 1, 15, 17, 31, 33, 127, 144, 160, 253 bytes: PW_LENGTH, out wiped");

	request_with_pw(val, 16 * 9, &r, &pkt, &len, &p);
	is_int(radius_decode_password(&p, SEC, out, sizeof(out)), RADIUS_ERR_PW_LENGTH,
	    "User-Password of 144 bytes (> 128): PW_LENGTH");

	request_with_pw(val, 0, &r, &pkt, &len, &p);
	is_int(radius_decode_password(&p, SEC, out, sizeof(out)), RADIUS_ERR_NOATTR,
	    "no User-Password: NOATTR");

	radius_hide_password(auth, SEC, "ab\0cd", 5, hidden, sizeof(hidden), &n);
	request_with_pw(hidden, n, &r, &pkt, &len, &p);
	memset(out, 'x', sizeof(out));
	is_int(radius_decode_password(&p, SEC, out, sizeof(out)), RADIUS_ERR_NUL,
	    "inner NUL in the password: NUL");
	ok(all_zero(out, sizeof(out)), "out wiped after NUL");

	radius_hide_password(auth, SEC, "\0abc", 4, hidden, sizeof(hidden), &n);
	request_with_pw(hidden, n, &r, &pkt, &len, &p);
	is_int(radius_decode_password(&p, SEC, out, sizeof(out)), RADIUS_ERR_NUL,
	    "leading NUL: NUL");

	radius_hide_password(auth, SEC, "secret", 6, hidden, sizeof(hidden), &n);
	request_with_pw(hidden, n, &r, &pkt, &len, &p);
	memset(out, 'x', sizeof(out));
	is_int(radius_decode_password(&p, SEC, out, 6), RADIUS_ERR_TOOLONG,
	    "6 bytes into 6: TOOLONG");
	ok(all_zero(out, 6), "out wiped after TOOLONG");
	is_int(radius_decode_password(&p, SEC, out, 7), 0, "6 bytes into 7");
	is_str(out, "secret", "decoded");
	is_int(radius_decode_password(&p, SEC, out, 0), RADIUS_ERR_INVALID, "outlen 0 refused");
	is_int(radius_decode_password(&p, (const uint8_t *)"", 0, out, 7), RADIUS_ERR_INVALID,
	    "empty secret refused");

	radius_hide_password(auth, SEC, "", 0, hidden, sizeof(hidden), &n);
	request_with_pw(hidden, n, &r, &pkt, &len, &p);
	is_int(radius_decode_password(&p, SEC, out, sizeof(out)), 0, "all-NUL padding: empty password");
	is_str(out, "", "decoded to \"\"");
}

static void
test_request_ma(void)
{
	static const uint8_t auth[16] = { 0xa0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct radius_reply r;
	struct radius_packet p;
	uint8_t *pkt, copy[RADIUS_MAX_PACKET], mac[16];
	char pw[RADIUS_MAX_PASSWORD + 1];
	size_t len, off;

	radius_reply_init(&r, RADIUS_ACCESS_REQUEST, 42);
	radius_reply_add(&r, RADIUS_ATTR_USER_NAME, "nemo", 4);
	radius_reply_add(&r, RADIUS_ATTR_NAS_IDENTIFIER, "sw1", 3);
	is_int(radius_request_finish(&r, auth, SEC, &pkt, &len), 0, "signed Access-Request built");
	ok(memcmp(pkt + 4, auth, 16) == 0, "its authenticator field is the Request Authenticator");
	is_int(radius_decode(pkt, len, &p), 0, "and decodes");
	off = value_off(pkt, &p, RADIUS_ATTR_MESSAGE_AUTHENTICATOR);
	t_ma(pkt, len, NULL, off, SEC, mac);
	ok(off == 22 && memcmp(mac, pkt + off, 16) == 0, "its MA matches an independent HMAC-MD5");
	is_int(radius_verify_request_ma(&p, pkt, len, SEC), 1, "verify: 1 (valid)");
	is_int(radius_verify_request_ma(&p, pkt, len, (const uint8_t *)"xyzzy5462", 9), -1,
	    "wrong secret: -1");

	memcpy(copy, pkt, len);
	copy[len - 1] ^= 1;
	radius_decode(copy, len, &p);
	is_int(radius_verify_request_ma(&p, copy, len, SEC), -1, "an attribute byte changed: -1");
	memcpy(copy, pkt, len);
	copy[5] ^= 1;
	radius_decode(copy, len, &p);
	is_int(radius_verify_request_ma(&p, copy, len, SEC), -1, "the authenticator changed: -1");
	memcpy(copy, pkt, len);
	copy[1] ^= 1;
	radius_decode(copy, len, &p);
	is_int(radius_verify_request_ma(&p, copy, len, SEC), -1, "the id changed: -1");
	memcpy(copy, pkt, len);
	copy[off + 15] ^= 1;
	radius_decode(copy, len, &p);
	is_int(radius_verify_request_ma(&p, copy, len, SEC), -1, "the MA changed: -1");

	/* trailing bytes beyond Length are not signed and do not matter */
	memcpy(copy, pkt, len);
	memset(copy + len, 0xee, 9);
	radius_decode(copy, len + 9, &p);
	is_int(radius_verify_request_ma(&p, copy, len + 9, SEC), 1, "trailing datagram bytes ignored");

	/* the MA need not be first in a request */
	memcpy(copy, rfc_req, sizeof(rfc_req));
	copy[3] = sizeof(rfc_req) + 18;
	copy[sizeof(rfc_req)] = RADIUS_ATTR_MESSAGE_AUTHENTICATOR;
	copy[sizeof(rfc_req) + 1] = 18;
	t_ma(copy, sizeof(rfc_req) + 18, NULL, sizeof(rfc_req) + 2, SEC, mac);
	memcpy(copy + sizeof(rfc_req) + 2, mac, 16);
	is_int(radius_decode(copy, sizeof(rfc_req) + 18, &p), 0, "RFC request with a last MA decodes");
	is_int(radius_verify_request_ma(&p, copy, sizeof(rfc_req) + 18, SEC), 1,
	    "an MA after the other attributes verifies");
	is_int(radius_decode_password(&p, SEC, pw, sizeof(pw)), 0, "and its password un-hides");
	is_str(pw, "arctangent", "arctangent");

	/* Status-Server (RFC 5997) */
	radius_reply_init(&r, RADIUS_STATUS_SERVER, 9);
	radius_reply_add(&r, RADIUS_ATTR_NAS_IDENTIFIER, "sw1", 3);
	is_int(radius_request_finish(&r, auth, SEC, &pkt, &len), 0, "Status-Server built");
	radius_decode(pkt, len, &p);
	is_int(radius_verify_request_ma(&p, pkt, len, SEC), 1, "Status-Server MA verifies");

	/* another code with a correct HMAC is still not a request we verify */
	memcpy(copy, pkt, len);
	copy[0] = RADIUS_ACCOUNTING_REQUEST;
	t_ma(copy, len, NULL, 22, SEC, mac);
	memcpy(copy + 22, mac, 16);
	radius_decode(copy, len, &p);
	is_int(radius_verify_request_ma(&p, copy, len, SEC), -1, "Accounting-Request: -1");

	/* a packet decoded from another buffer */
	radius_decode(pkt, len, &p);
	memcpy(copy, pkt, len);
	is_int(radius_verify_request_ma(&p, copy, len, SEC), -1, "p not decoded from buf: -1");
	is_int(radius_verify_request_ma(&p, pkt, len - 1, SEC), -1, "buf shorter than Length: -1");
	is_int(radius_verify_request_ma(&p, pkt, len, (const uint8_t *)SECRET, 0), -1,
	    "empty secret: -1");
}

static void
test_reply(void)
{
	static const char cls[] = "roles=netadmin;unit=NOC";
	struct radius_reply r;
	struct radius_packet p;
	const uint8_t *req_auth = rfc_req + 4;
	uint8_t *out, copy[RADIUS_MAX_PACKET], mac[16], resp[16];
	char s[64];
	size_t len;

	is_int(radius_reply_init(&r, RADIUS_ACCESS_ACCEPT, 0), 0, "Access-Accept init");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, cls, sizeof(cls) - 1), 0, "add Class");
	is_int(radius_reply_add(&r, RADIUS_ATTR_FILTER_ID, "netadmin", 8), 0, "add Filter-Id");
	is_int(radius_reply_finish(&r, req_auth, SEC, &out, &len), 0, "finish");
	is_int(len, 20 + 18 + 2 + 23 + 2 + 8, "length");
	is_int(radius_decode(out, len, &p), 0, "the reply decodes");
	ok(p.code == RADIUS_ACCESS_ACCEPT && p.id == 0 && p.len == len, "code, id, Length");
	ok(p.nattrs == 3 && p.attrs[0].type == RADIUS_ATTR_MESSAGE_AUTHENTICATOR &&
	    p.attrs[0].len == 16 && p.attrs[1].type == RADIUS_ATTR_CLASS &&
	    p.attrs[2].type == RADIUS_ATTR_FILTER_ID, "Message-Authenticator first, then in order");
	is_int(radius_get_str(&p, RADIUS_ATTR_CLASS, s, sizeof(s)), 0, "Class read back");
	is_str(s, cls, "Class value");

	t_ma(out, len, req_auth, 22, SEC, mac);
	ok(memcmp(mac, out + 22, 16) == 0,
	    "MA = HMAC-MD5 with the Request Authenticator in the header, MA zeroed");
	t_response_auth(out, len, req_auth, SEC, resp);
	ok(memcmp(resp, out + 4, 16) == 0,
	    "Response Authenticator = MD5(Code|ID|Length|RequestAuth|Attributes|Secret)");
	is_int(radius_verify_reply(&p, out, len, req_auth, SEC), 0, "radius_verify_reply accepts it");

	memcpy(copy, out, len);
	copy[len - 1] ^= 1;
	radius_decode(copy, len, &p);
	is_int(radius_verify_reply(&p, copy, len, req_auth, SEC), RADIUS_ERR_BAD_MA,
	    "attribute changed: BAD_MA");
	memcpy(copy, out, len);
	copy[4] ^= 1;
	radius_decode(copy, len, &p);
	is_int(radius_verify_reply(&p, copy, len, req_auth, SEC), RADIUS_ERR_BAD_AUTH,
	    "Response Authenticator changed: BAD_AUTH");
	radius_decode(out, len, &p);
	is_int(radius_verify_reply(&p, out, len, rfc_accept + 4, SEC), RADIUS_ERR_BAD_MA,
	    "another request's authenticator: BAD_MA");
	is_int(radius_verify_reply(&p, out, len, req_auth, (const uint8_t *)"xyzzy5462", 9),
	    RADIUS_ERR_BAD_MA, "another secret: BAD_MA");

	/* after finish: no more attributes; finishing again gives the same bytes */
	memcpy(copy, out, len);
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, "x", 1), RADIUS_ERR_INVALID,
	    "add after finish refused");
	is_int(radius_reply_finish(&r, req_auth, SEC, &out, &len), 0, "finish again");
	ok(memcmp(copy, out, len) == 0, "same bytes");

	/* Access-Challenge with State and Reply-Message "OTP: " */
	radius_reply_init(&r, RADIUS_ACCESS_CHALLENGE, 200);
	radius_reply_add(&r, RADIUS_ATTR_STATE, "\x01\x02\x00\x03", 4);
	radius_reply_add(&r, RADIUS_ATTR_REPLY_MESSAGE, "OTP: ", 5);
	is_int(radius_reply_finish(&r, req_auth, SEC, &out, &len), 0, "Access-Challenge built");
	radius_decode(out, len, &p);
	ok(p.code == RADIUS_ACCESS_CHALLENGE && p.id == 200 && p.attrs[0].type == 80 &&
	    radius_get(&p, RADIUS_ATTR_STATE) != NULL &&
	    radius_get(&p, RADIUS_ATTR_STATE)->len == 4, "Challenge: MA first, binary State kept");
	is_int(radius_get_str(&p, RADIUS_ATTR_STATE, s, sizeof(s)), RADIUS_ERR_NUL,
	    "State with a NUL as string: NUL");
	t_response_auth(out, len, req_auth, SEC, resp);
	t_ma(out, len, req_auth, 22, SEC, mac);
	ok(memcmp(resp, out + 4, 16) == 0 && memcmp(mac, out + 22, 16) == 0,
	    "Challenge authenticators independently correct");

	/* a bare Reject */
	radius_reply_init(&r, RADIUS_ACCESS_REJECT, 3);
	is_int(radius_reply_finish(&r, req_auth, SEC, &out, &len), 0, "bare Access-Reject built");
	is_int(len, 38, "header + Message-Authenticator only");
	radius_decode(out, len, &p);
	is_int(radius_verify_reply(&p, out, len, req_auth, SEC), 0, "and verifies");

	/* codes */
	is_int(radius_reply_init(&r, RADIUS_ACCOUNTING_REQUEST, 0), RADIUS_ERR_CODE,
	    "init with Accounting-Request refused");
	is_int(radius_reply_init(&r, 0, 0), RADIUS_ERR_CODE, "init with code 0 refused");
	radius_reply_init(&r, RADIUS_ACCESS_REQUEST, 0);
	is_int(radius_reply_finish(&r, req_auth, SEC, &out, &len), RADIUS_ERR_CODE,
	    "reply_finish of an Access-Request refused");
	ok(out == NULL && len == 0, "out-parameters cleared");
	radius_reply_init(&r, RADIUS_ACCESS_ACCEPT, 0);
	is_int(radius_request_finish(&r, req_auth, SEC, &out, &len), RADIUS_ERR_CODE,
	    "request_finish of an Access-Accept refused");
	is_int(radius_reply_finish(&r, req_auth, (const uint8_t *)SECRET, 0, &out, &len),
	    RADIUS_ERR_INVALID,
	    "empty secret refused");
	radius_decode(rfc_req, sizeof(rfc_req), &p);
	is_int(radius_verify_reply(&p, rfc_req, sizeof(rfc_req), req_auth, SEC), RADIUS_ERR_CODE,
	    "verify_reply of a request: CODE");
}

static void
test_builder_limits(void)
{
	struct radius_reply r;
	struct radius_packet p;
	uint8_t val[256], *out;
	size_t len, i;
	int rc = 0;

	memset(val, 'v', sizeof(val));
	radius_reply_init(&r, RADIUS_ACCESS_ACCEPT, 1);
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 253), 0, "253-byte value");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 254), RADIUS_ERR_TOOLONG,
	    "254-byte value refused");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 0), RADIUS_ERR_INVALID,
	    "empty value refused");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, NULL, 3), RADIUS_ERR_INVALID,
	    "NULL value refused");
	is_int(radius_reply_add(&r, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, val, 16), RADIUS_ERR_INVALID,
	    "a second Message-Authenticator refused");
	is_int(radius_reply_add(&r, 0, val, 1), RADIUS_ERR_INVALID, "type 0 refused");

	/* fill to exactly 4096: 38 + 255 + 14 * 255 + 233 */
	for (i = 0; i < 14 && rc == 0; i++)
		rc = radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 253);
	is_int(rc, 0, "fifteen 255-byte attributes");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 232), RADIUS_ERR_FULL,
	    "one byte too many: FULL");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 231), 0, "the last 233 bytes");
	is_int(r.len, RADIUS_MAX_PACKET, "exactly 4096 bytes");
	is_int(radius_reply_add(&r, RADIUS_ATTR_CLASS, val, 1), RADIUS_ERR_FULL, "full");
	is_int(radius_reply_finish(&r, val, SEC, &out, &len), 0, "a 4096-byte reply finishes");
	is_int(radius_decode(out, len, &p), 0, "and decodes");
	is_int(p.nattrs, 17, "17 attributes");
	is_int(radius_verify_reply(&p, out, len, val, SEC), 0, "and verifies");
}

/* Hand-made packets for the decoder. */
static size_t
mk(uint8_t *b, size_t plen)
{
	memset(b, 0, RADIUS_HDR_LEN);
	b[0] = RADIUS_ACCESS_REQUEST;
	b[1] = 1;
	b[2] = (uint8_t)(plen >> 8);
	b[3] = (uint8_t)plen;
	return RADIUS_HDR_LEN;
}

static void
set_len(uint8_t *b, size_t plen)
{
	b[2] = (uint8_t)(plen >> 8);
	b[3] = (uint8_t)plen;
}

static size_t
put_attr(uint8_t *b, size_t off, uint8_t type, uint8_t alen)
{
	b[off] = type;
	b[off + 1] = alen;
	if (alen > 2)
		memset(b + off + 2, 'a', alen - 2);
	return off + (alen < 2 ? 2 : alen);
}

static void
test_decode_errors(void)
{
	uint8_t b[RADIUS_MAX_PACKET + 16];
	struct radius_packet p;
	size_t off, i;

	memset(b, 0, sizeof(b));
	is_int(radius_decode(b, 0, &p), RADIUS_ERR_SHORT, "empty datagram: SHORT");
	is_int(radius_decode(NULL, 0, &p), RADIUS_ERR_SHORT, "NULL, 0: SHORT");
	mk(b, 20);
	is_int(radius_decode(b, 19, &p), RADIUS_ERR_SHORT, "19 bytes: SHORT");
	is_int(radius_decode(b, 20, &p), 0, "a bare 20-byte header decodes");
	is_int(p.nattrs, 0, "with no attributes");
	is_int(radius_decode(b, 20, NULL), RADIUS_ERR_INVALID, "NULL packet: INVALID");

	mk(b, 19);
	is_int(radius_decode(b, 40, &p), RADIUS_ERR_LENGTH, "Length 19: LENGTH");
	mk(b, 0);
	is_int(radius_decode(b, 40, &p), RADIUS_ERR_LENGTH, "Length 0: LENGTH");
	mk(b, 4097);
	is_int(radius_decode(b, 4097, &p), RADIUS_ERR_LENGTH, "Length 4097: LENGTH");
	mk(b, 0xffff);
	is_int(radius_decode(b, sizeof(b), &p), RADIUS_ERR_LENGTH, "Length 65535: LENGTH");

	memcpy(b, rfc_req, sizeof(rfc_req));
	is_int(radius_decode(b, sizeof(rfc_req) - 1, &p), RADIUS_ERR_TRUNCATED,
	    "Length 56 in a 55-byte datagram: TRUNCATED");
	ok(p.code == 0 && p.nattrs == 0 && p.len == 0, "packet cleared on error");
	memset(b + sizeof(rfc_req), 0xff, 10);
	is_int(radius_decode(b, sizeof(rfc_req) + 10, &p), 0, "10 trailing bytes ignored");
	ok(p.len == 56 && p.nattrs == 4, "Length and attributes as without them");

	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 0);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_ATTR_LENGTH, "attribute length 0: ATTR_LENGTH");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_CLASS, 5);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 1);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_ATTR_LENGTH, "attribute length 1: ATTR_LENGTH");
	ok(p.nattrs == 0 && p.attrs[0].value == NULL, "packet cleared after a late error");

	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 6);
	set_len(b, off - 1);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_ATTR_OVERRUN,
	    "attribute one byte past Length: ATTR_OVERRUN");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 6);
	b[off] = RADIUS_ATTR_CLASS;
	set_len(b, off + 1);
	is_int(radius_decode(b, off + 1, &p), RADIUS_ERR_ATTR_OVERRUN,
	    "a lone type byte at the end: ATTR_OVERRUN");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_CLASS, 255);
	set_len(b, 100);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_ATTR_OVERRUN,
	    "a 255-byte attribute in a 100-byte packet: ATTR_OVERRUN");

	off = mk(b, 0);
	for (i = 0; i < RADIUS_MAX_ATTRS; i++)
		off = put_attr(b, off, RADIUS_ATTR_CLASS, 3);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), 0, "200 attributes decode");
	is_int(p.nattrs, 200, "all 200 kept");
	off = put_attr(b, off, RADIUS_ATTR_CLASS, 3);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_TOO_MANY, "201 attributes: TOO_MANY");
	off = mk(b, 0);
	for (i = 0; i < 1000; i++)
		off = put_attr(b, off, RADIUS_ATTR_CLASS, 2);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_TOO_MANY, "1000 empty attributes: TOO_MANY");

	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, 18);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 6);
	off = put_attr(b, off, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, 18);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_DUPLICATE, "two Message-Authenticators: DUPLICATE");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, 17);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_MA_LENGTH, "MA of 17 bytes: MA_LENGTH");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, 19);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_MA_LENGTH, "MA of 19 bytes: MA_LENGTH");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, 2);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_MA_LENGTH, "empty MA: MA_LENGTH");

	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 6);
	off = put_attr(b, off, RADIUS_ATTR_USER_NAME, 7);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_DUPLICATE, "two User-Names: DUPLICATE");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_USER_PASSWORD, 18);
	off = put_attr(b, off, RADIUS_ATTR_USER_PASSWORD, 18);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_DUPLICATE, "two User-Passwords: DUPLICATE");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_STATE, 6);
	off = put_attr(b, off, RADIUS_ATTR_STATE, 6);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), RADIUS_ERR_DUPLICATE, "two States: DUPLICATE");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_CLASS, 6);
	off = put_attr(b, off, RADIUS_ATTR_REPLY_MESSAGE, 6);
	off = put_attr(b, off, RADIUS_ATTR_CLASS, 4);
	off = put_attr(b, off, RADIUS_ATTR_REPLY_MESSAGE, 6);
	off = put_attr(b, off, RADIUS_ATTR_PROXY_STATE, 3);
	off = put_attr(b, off, RADIUS_ATTR_PROXY_STATE, 3);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), 0, "repeated Class, Reply-Message, Proxy-State decode");
	ok(radius_get(&p, RADIUS_ATTR_CLASS) == &p.attrs[0], "radius_get returns the first");
	off = mk(b, 0);
	off = put_attr(b, off, RADIUS_ATTR_CLASS, 2);
	set_len(b, off);
	is_int(radius_decode(b, off, &p), 0, "an empty (length 2) attribute decodes");
	ok(p.nattrs == 1 && p.attrs[0].len == 0, "with value length 0");
}

static void
test_strings(void)
{
	struct radius_attr a;
	char s[8];
	uint32_t v;
	int i, named = 0;

	a.type = RADIUS_ATTR_USER_NAME;
	a.value = (const uint8_t *)"abcdefg";
	a.len = 7;
	is_int(radius_attr_str(&a, s, sizeof(s)), 0, "7 bytes into 8");
	is_str(s, "abcdefg", "copied");
	a.value = (const uint8_t *)"abcdefgh";
	a.len = 8;
	is_int(radius_attr_str(&a, s, sizeof(s)), RADIUS_ERR_TOOLONG, "8 bytes into 8: TOOLONG");
	is_str(s, "", "out is \"\" after an error");
	a.value = (const uint8_t *)"ab\0d";
	a.len = 4;
	is_int(radius_attr_str(&a, s, sizeof(s)), RADIUS_ERR_NUL, "inner NUL: NUL");
	a.value = (const uint8_t *)"abc\0";
	is_int(radius_attr_str(&a, s, sizeof(s)), RADIUS_ERR_NUL, "trailing NUL: NUL");
	a.len = 0;
	is_int(radius_attr_str(&a, s, sizeof(s)), 0, "empty value");
	is_str(s, "", "as \"\"");
	is_int(radius_attr_str(NULL, s, sizeof(s)), RADIUS_ERR_NOATTR, "NULL attribute: NOATTR");
	is_int(radius_attr_str(&a, s, 0), RADIUS_ERR_INVALID, "outlen 0: INVALID");
	is_int(radius_attr_u32(NULL, &v), RADIUS_ERR_NOATTR, "u32 of nothing: NOATTR");

	for (i = RADIUS_ERR_BAD_AUTH; i <= RADIUS_ERR_SHORT; i++)
		if (strcmp(radius_strerror(i), "unknown error") != 0)
			named++;
	is_int(named, RADIUS_ERR_SHORT - RADIUS_ERR_BAD_AUTH + 1, "every error code has a message");
	is_str(radius_strerror(0), "success", "0 is success");
	is_str(radius_strerror(-1), "unknown error", "-1 is not ours");
}

int
main(void)
{
	test_rfc_example();
	test_roundtrip();
	test_password_errors();
	test_request_ma();
	test_reply();
	test_builder_limits();
	test_decode_errors();
	test_strings();
	return tap_done();
}
