/*
 * authd/radius.c: the RADIUS codec (radius.h): bounded decoding, PAP hiding,
 * Message-Authenticator and Response Authenticator, all over caller memory.
 *
 * MD5 and HMAC-MD5 come from OpenSSL (EVP); authenticators are compared with
 * CRYPTO_memcmp; keystream blocks and decoded passwords are wiped.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "radius.h"
#include "wipe.h"

#define MA_ATTR_LEN	(2 + RADIUS_AUTH_LEN)	/* the whole Message-Authenticator attribute */
#define MA_FIRST_OFF	(RADIUS_HDR_LEN + 2)	/* its value when it is the first attribute */
#define PW_BLOCK	16

/* A piece of a message to hash: the packet is hashed with some fields replaced. */
struct piece {
	const void	*p;
	size_t		 len;
};

static const uint8_t zero_auth[RADIUS_AUTH_LEN];

const char *
radius_strerror(int r)
{
	switch (r) {
	case RADIUS_OK:			return "success";
	case RADIUS_ERR_SHORT:		return "datagram shorter than a RADIUS header";
	case RADIUS_ERR_LENGTH:		return "Length field outside 20..4096";
	case RADIUS_ERR_TRUNCATED:	return "Length field beyond the datagram";
	case RADIUS_ERR_ATTR_LENGTH:	return "attribute length invalid";
	case RADIUS_ERR_ATTR_OVERRUN:	return "attribute runs past the packet";
	case RADIUS_ERR_TOO_MANY:	return "too many attributes";
	case RADIUS_ERR_DUPLICATE:	return "single-instance attribute repeated";
	case RADIUS_ERR_MA_LENGTH:	return "Message-Authenticator not 18 bytes";
	case RADIUS_ERR_NOATTR:		return "attribute absent";
	case RADIUS_ERR_NUL:		return "NUL byte in attribute value";
	case RADIUS_ERR_TOOLONG:	return "value too long";
	case RADIUS_ERR_PW_LENGTH:	return "User-Password length invalid";
	case RADIUS_ERR_INVALID:	return "invalid argument";
	case RADIUS_ERR_CRYPTO:		return "cryptographic library failure";
	case RADIUS_ERR_FULL:		return "packet full";
	case RADIUS_ERR_CODE:		return "unexpected packet code";
	case RADIUS_ERR_NO_MA:		return "Message-Authenticator absent";
	case RADIUS_ERR_BAD_MA:		return "Message-Authenticator invalid";
	case RADIUS_ERR_BAD_AUTH:	return "Response Authenticator invalid";
	}
	return "unknown error";
}

/* Attributes RFC 2865 §5.44, RFC 3162 and RFC 3579 allow at most once in a packet. */
static int
single_instance(uint8_t type)
{
	switch (type) {
	case RADIUS_ATTR_USER_NAME:
	case RADIUS_ATTR_USER_PASSWORD:
	case RADIUS_ATTR_NAS_IP_ADDRESS:
	case RADIUS_ATTR_NAS_PORT:
	case RADIUS_ATTR_STATE:
	case RADIUS_ATTR_CALLING_STATION_ID:
	case RADIUS_ATTR_NAS_IDENTIFIER:
	case RADIUS_ATTR_MESSAGE_AUTHENTICATOR:
	case RADIUS_ATTR_NAS_IPV6_ADDRESS:
		return 1;
	}
	return 0;
}

int
radius_decode(const uint8_t *buf, size_t len, struct radius_packet *p)
{
	uint32_t seen[256 / 32];
	size_t plen, off, alen;
	uint8_t type;
	int r;

	if (p == NULL)
		return RADIUS_ERR_INVALID;
	memset(p, 0, sizeof(*p));
	memset(seen, 0, sizeof(seen));
	if (buf == NULL && len > 0)
		return RADIUS_ERR_INVALID;
	if (len < RADIUS_HDR_LEN)
		return RADIUS_ERR_SHORT;
	plen = (size_t)buf[2] << 8 | buf[3];
	if (plen < RADIUS_HDR_LEN || plen > RADIUS_MAX_PACKET)
		return RADIUS_ERR_LENGTH;
	if (plen > len)
		return RADIUS_ERR_TRUNCATED;

	for (off = RADIUS_HDR_LEN; off < plen; off += alen) {
		if (plen - off < 2) {
			r = RADIUS_ERR_ATTR_OVERRUN;
			goto fail;
		}
		type = buf[off];
		alen = buf[off + 1];
		if (alen < 2) {
			r = RADIUS_ERR_ATTR_LENGTH;
			goto fail;
		}
		if (alen > plen - off) {
			r = RADIUS_ERR_ATTR_OVERRUN;
			goto fail;
		}
		if (p->nattrs == RADIUS_MAX_ATTRS) {
			r = RADIUS_ERR_TOO_MANY;
			goto fail;
		}
		if (type == RADIUS_ATTR_MESSAGE_AUTHENTICATOR && alen != MA_ATTR_LEN) {
			r = RADIUS_ERR_MA_LENGTH;
			goto fail;
		}
		if (single_instance(type)) {
			if (seen[type / 32] & (UINT32_C(1) << (type % 32))) {
				r = RADIUS_ERR_DUPLICATE;
				goto fail;
			}
			seen[type / 32] |= UINT32_C(1) << (type % 32);
		}
		p->attrs[p->nattrs].type = type;
		p->attrs[p->nattrs].len = (uint8_t)(alen - 2);
		p->attrs[p->nattrs].value = buf + off + 2;
		p->nattrs++;
	}
	p->code = buf[0];
	p->id = buf[1];
	p->len = (uint16_t)plen;
	memcpy(p->auth, buf + 4, RADIUS_AUTH_LEN);
	return 0;

 fail:
	memset(p, 0, sizeof(*p));
	return r;
}

const struct radius_attr *
radius_get(const struct radius_packet *p, uint8_t type)
{
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < p->nattrs && i < RADIUS_MAX_ATTRS; i++)
		if (p->attrs[i].type == type)
			return &p->attrs[i];
	return NULL;
}

int
radius_attr_str(const struct radius_attr *a, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0)
		return RADIUS_ERR_INVALID;
	out[0] = '\0';
	if (a == NULL)
		return RADIUS_ERR_NOATTR;
	if (a->len > 0 && a->value == NULL)
		return RADIUS_ERR_INVALID;
	if (a->len > 0 && memchr(a->value, '\0', a->len) != NULL)
		return RADIUS_ERR_NUL;
	if ((size_t)a->len >= outlen)
		return RADIUS_ERR_TOOLONG;
	if (a->len > 0)
		memcpy(out, a->value, a->len);
	out[a->len] = '\0';
	return 0;
}

int
radius_get_str(const struct radius_packet *p, uint8_t type, char *out, size_t outlen)
{
	return radius_attr_str(radius_get(p, type), out, outlen);
}

int
radius_attr_u32(const struct radius_attr *a, uint32_t *v_r)
{
	if (v_r == NULL)
		return RADIUS_ERR_INVALID;
	*v_r = 0;
	if (a == NULL)
		return RADIUS_ERR_NOATTR;
	if (a->len != 4 || a->value == NULL)
		return RADIUS_ERR_ATTR_LENGTH;
	*v_r = (uint32_t)a->value[0] << 24 | (uint32_t)a->value[1] << 16 |
	    (uint32_t)a->value[2] << 8 | (uint32_t)a->value[3];
	return 0;
}

/* MD5 over the concatenated pieces. */
static int
md5_pieces(const struct piece *pc, size_t n, uint8_t out[RADIUS_AUTH_LEN])
{
	EVP_MD_CTX *ctx;
	unsigned int outl = 0;
	size_t i;
	int r = RADIUS_ERR_CRYPTO;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return RADIUS_ERR_CRYPTO;
	if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (pc[i].len > 0 && EVP_DigestUpdate(ctx, pc[i].p, pc[i].len) != 1)
			goto out;
	if (EVP_DigestFinal_ex(ctx, out, &outl) != 1 || outl != RADIUS_AUTH_LEN)
		goto out;
	r = 0;
 out:
	EVP_MD_CTX_free(ctx);	/* cleanses the digest state */
	return r;
}

/* HMAC-MD5 keyed with key over the concatenated pieces. */
static int
hmac_md5_pieces(const uint8_t *key, size_t klen, const struct piece *pc, size_t n,
    uint8_t out[RADIUS_AUTH_LEN])
{
	char digest[] = "MD5";
	OSSL_PARAM params[2];
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	size_t i, outl = 0;
	int r = RADIUS_ERR_CRYPTO;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	if (EVP_MAC_init(ctx, key, klen, params) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (pc[i].len > 0 && EVP_MAC_update(ctx, pc[i].p, pc[i].len) != 1)
			goto out;
	if (EVP_MAC_final(ctx, out, &outl, RADIUS_AUTH_LEN) != 1 || outl != RADIUS_AUTH_LEN)
		goto out;
	r = 0;
 out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

/*
 * Message-Authenticator of pkt (len bytes) as RFC 3579 §3.2 computes it: the
 * 16 bytes at ma_off taken as zeros and, when auth is not NULL, the
 * authenticator field taken as auth (a reply is signed with the Request
 * Authenticator in it). The caller guarantees 22 <= ma_off, ma_off + 16 <= len.
 */
static int
ma_compute(const uint8_t *pkt, size_t len, const uint8_t *auth, size_t ma_off,
    const uint8_t *secret, size_t slen, uint8_t mac[RADIUS_AUTH_LEN])
{
	struct piece pc[5];

	pc[0].p = pkt;
	pc[0].len = 4;
	pc[1].p = auth != NULL ? auth : pkt + 4;
	pc[1].len = RADIUS_AUTH_LEN;
	pc[2].p = pkt + RADIUS_HDR_LEN;
	pc[2].len = ma_off - RADIUS_HDR_LEN;
	pc[3].p = zero_auth;
	pc[3].len = RADIUS_AUTH_LEN;
	pc[4].p = pkt + ma_off + RADIUS_AUTH_LEN;
	pc[4].len = len - ma_off - RADIUS_AUTH_LEN;
	return hmac_md5_pieces(secret, slen, pc, 5, mac);
}

/*
 * The offset in buf of a's value, if a lies inside buf's first len bytes
 * (p was decoded from buf); -1 if not.
 */
static long
value_offset(const uint8_t *buf, size_t len, const struct radius_attr *a)
{
	uintptr_t b = (uintptr_t)buf, v = (uintptr_t)a->value;

	if (a->value == NULL || v < b + MA_FIRST_OFF || v - b > len ||
	    len - (v - b) < a->len)
		return -1;
	return (long)(v - b);
}

int
radius_verify_request_ma(const struct radius_packet *p, const uint8_t *buf, size_t len,
    const uint8_t *secret, size_t slen)
{
	const struct radius_attr *ma;
	uint8_t mac[RADIUS_AUTH_LEN];
	long off;
	int ok;

	if (p == NULL || buf == NULL || secret == NULL || slen == 0)
		return -1;
	if ((ma = radius_get(p, RADIUS_ATTR_MESSAGE_AUTHENTICATOR)) == NULL)
		return 0;
	if (p->code != RADIUS_ACCESS_REQUEST && p->code != RADIUS_STATUS_SERVER)
		return -1;
	if (p->len < RADIUS_HDR_LEN || p->len > len || ma->len != RADIUS_AUTH_LEN ||
	    (off = value_offset(buf, p->len, ma)) < 0)
		return -1;
	if (ma_compute(buf, p->len, NULL, (size_t)off, secret, slen, mac) != 0)
		return -1;
	ok = CRYPTO_memcmp(mac, ma->value, RADIUS_AUTH_LEN) == 0;
	wipe(mac, sizeof(mac));
	return ok ? 1 : -1;
}

/*
 * The RFC 2865 §5.2 keystream block: MD5(secret | prev), prev being the
 * Request Authenticator for the first block and the previous hidden block after.
 */
static int
pw_block(const uint8_t *secret, size_t slen, const uint8_t *prev, uint8_t b[PW_BLOCK])
{
	struct piece pc[2];

	pc[0].p = secret;
	pc[0].len = slen;
	pc[1].p = prev;
	pc[1].len = PW_BLOCK;
	return md5_pieces(pc, 2, b);
}

int
radius_decode_password(const struct radius_packet *p, const uint8_t *secret, size_t slen,
    char *out, size_t outlen)
{
	const struct radius_attr *a;
	uint8_t plain[RADIUS_MAX_PASSWORD], b[PW_BLOCK];
	const uint8_t *prev;
	size_t i, j, n;
	int r;

	if (out == NULL || outlen == 0)
		return RADIUS_ERR_INVALID;
	wipe(out, outlen);
	if (p == NULL || secret == NULL || slen == 0)
		return RADIUS_ERR_INVALID;
	if ((a = radius_get(p, RADIUS_ATTR_USER_PASSWORD)) == NULL)
		return RADIUS_ERR_NOATTR;
	if (a->value == NULL || a->len < PW_BLOCK || a->len > RADIUS_MAX_PASSWORD ||
	    a->len % PW_BLOCK != 0)
		return RADIUS_ERR_PW_LENGTH;

	prev = p->auth;
	for (i = 0; i < a->len; i += PW_BLOCK) {
		if ((r = pw_block(secret, slen, prev, b)) != 0)
			goto out;
		for (j = 0; j < PW_BLOCK; j++)
			plain[i + j] = a->value[i + j] ^ b[j];
		prev = a->value + i;
	}
	for (n = a->len; n > 0 && plain[n - 1] == '\0'; n--)
		;
	if (memchr(plain, '\0', n) != NULL) {
		r = RADIUS_ERR_NUL;
		goto out;
	}
	if (n >= outlen) {
		r = RADIUS_ERR_TOOLONG;
		goto out;
	}
	memcpy(out, plain, n);
	out[n] = '\0';
	r = 0;
 out:
	wipe(plain, sizeof(plain));
	wipe(b, sizeof(b));
	if (r != 0)
		wipe(out, outlen);
	return r;
}

int
radius_hide_password(const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret,
    size_t slen, const void *pw, size_t pwlen, uint8_t *out, size_t outsize,
    size_t *outlen_r)
{
	uint8_t b[PW_BLOCK];
	const uint8_t *prev;
	size_t i, j, n;
	int r;

	if (outlen_r == NULL)
		return RADIUS_ERR_INVALID;
	*outlen_r = 0;
	if (req_auth == NULL || secret == NULL || slen == 0 || out == NULL ||
	    (pw == NULL && pwlen > 0))
		return RADIUS_ERR_INVALID;
	if (pwlen > RADIUS_MAX_PASSWORD)
		return RADIUS_ERR_TOOLONG;
	n = pwlen == 0 ? PW_BLOCK : (pwlen + PW_BLOCK - 1) / PW_BLOCK * PW_BLOCK;
	if (outsize < n)
		return RADIUS_ERR_TOOLONG;

	memset(out, 0, n);
	if (pwlen > 0)
		memcpy(out, pw, pwlen);
	prev = req_auth;
	for (i = 0; i < n; i += PW_BLOCK) {
		if ((r = pw_block(secret, slen, prev, b)) != 0) {
			wipe(out, n);
			goto out;
		}
		for (j = 0; j < PW_BLOCK; j++)
			out[i + j] ^= b[j];
		prev = out + i;
	}
	*outlen_r = n;
	r = 0;
 out:
	wipe(b, sizeof(b));
	return r;
}

int
radius_reply_init(struct radius_reply *r, uint8_t code, uint8_t id)
{
	if (r == NULL)
		return RADIUS_ERR_INVALID;
	r->len = 0;
	r->finished = 0;
	switch (code) {
	case RADIUS_ACCESS_REQUEST:
	case RADIUS_ACCESS_ACCEPT:
	case RADIUS_ACCESS_REJECT:
	case RADIUS_ACCESS_CHALLENGE:
	case RADIUS_STATUS_SERVER:
		break;
	default:
		return RADIUS_ERR_CODE;
	}
	memset(r->buf, 0, RADIUS_HDR_LEN + MA_ATTR_LEN);
	r->buf[0] = code;
	r->buf[1] = id;
	r->buf[RADIUS_HDR_LEN] = RADIUS_ATTR_MESSAGE_AUTHENTICATOR;
	r->buf[RADIUS_HDR_LEN + 1] = MA_ATTR_LEN;
	r->len = RADIUS_HDR_LEN + MA_ATTR_LEN;
	return 0;
}

int
radius_reply_add(struct radius_reply *r, uint8_t type, const void *value, size_t len)
{
	if (r == NULL || r->finished || r->len < RADIUS_HDR_LEN + MA_ATTR_LEN ||
	    r->len > RADIUS_MAX_PACKET)
		return RADIUS_ERR_INVALID;
	if (type == 0 || type == RADIUS_ATTR_MESSAGE_AUTHENTICATOR || value == NULL || len == 0)
		return RADIUS_ERR_INVALID;
	if (len > RADIUS_MAX_VALUE)
		return RADIUS_ERR_TOOLONG;
	if (2 + len > RADIUS_MAX_PACKET - r->len)
		return RADIUS_ERR_FULL;
	r->buf[r->len] = type;
	r->buf[r->len + 1] = (uint8_t)(2 + len);
	memcpy(r->buf + r->len + 2, value, len);
	r->len += 2 + len;
	return 0;
}

/* Shared by both finish functions; response: also the Response Authenticator. */
static int
finish(struct radius_reply *r, const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret,
    size_t slen, int response, uint8_t **out_r, size_t *outlen_r)
{
	struct piece pc[2];
	uint8_t resp[RADIUS_AUTH_LEN];
	int rc;

	if (out_r != NULL)
		*out_r = NULL;
	if (outlen_r != NULL)
		*outlen_r = 0;
	if (r == NULL || req_auth == NULL || secret == NULL || slen == 0 || out_r == NULL ||
	    outlen_r == NULL || r->len < RADIUS_HDR_LEN + MA_ATTR_LEN ||
	    r->len > RADIUS_MAX_PACKET)
		return RADIUS_ERR_INVALID;
	if (response ? r->buf[0] != RADIUS_ACCESS_ACCEPT && r->buf[0] != RADIUS_ACCESS_REJECT &&
	    r->buf[0] != RADIUS_ACCESS_CHALLENGE :
	    r->buf[0] != RADIUS_ACCESS_REQUEST && r->buf[0] != RADIUS_STATUS_SERVER)
		return RADIUS_ERR_CODE;

	r->buf[2] = (uint8_t)(r->len >> 8);
	r->buf[3] = (uint8_t)(r->len & 0xff);
	memcpy(r->buf + 4, req_auth, RADIUS_AUTH_LEN);
	memset(r->buf + MA_FIRST_OFF, 0, RADIUS_AUTH_LEN);
	if ((rc = ma_compute(r->buf, r->len, NULL, MA_FIRST_OFF, secret, slen,
	    r->buf + MA_FIRST_OFF)) != 0)
		return rc;
	if (response) {
		pc[0].p = r->buf;
		pc[0].len = r->len;
		pc[1].p = secret;
		pc[1].len = slen;
		if ((rc = md5_pieces(pc, 2, resp)) != 0)
			return rc;
		memcpy(r->buf + 4, resp, RADIUS_AUTH_LEN);
	}
	r->finished = 1;
	*out_r = r->buf;
	*outlen_r = r->len;
	return 0;
}

int
radius_reply_finish(struct radius_reply *r, const uint8_t req_auth[RADIUS_AUTH_LEN],
    const uint8_t *secret, size_t slen, uint8_t **out_r, size_t *outlen_r)
{
	return finish(r, req_auth, secret, slen, 1, out_r, outlen_r);
}

int
radius_request_finish(struct radius_reply *r, const uint8_t req_auth[RADIUS_AUTH_LEN],
    const uint8_t *secret, size_t slen, uint8_t **out_r, size_t *outlen_r)
{
	return finish(r, req_auth, secret, slen, 0, out_r, outlen_r);
}

int
radius_verify_reply(const struct radius_packet *p, const uint8_t *buf, size_t len,
    const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret, size_t slen)
{
	const struct radius_attr *ma;
	struct piece pc[4];
	uint8_t mac[RADIUS_AUTH_LEN], resp[RADIUS_AUTH_LEN];
	long off;
	int r;

	if (p == NULL || buf == NULL || req_auth == NULL || secret == NULL || slen == 0 ||
	    p->len < RADIUS_HDR_LEN || p->len > len)
		return RADIUS_ERR_INVALID;
	if (p->code != RADIUS_ACCESS_ACCEPT && p->code != RADIUS_ACCESS_REJECT &&
	    p->code != RADIUS_ACCESS_CHALLENGE)
		return RADIUS_ERR_CODE;
	if ((ma = radius_get(p, RADIUS_ATTR_MESSAGE_AUTHENTICATOR)) == NULL)
		return RADIUS_ERR_NO_MA;
	if (ma->len != RADIUS_AUTH_LEN || (off = value_offset(buf, p->len, ma)) < 0)
		return RADIUS_ERR_INVALID;
	if ((r = ma_compute(buf, p->len, req_auth, (size_t)off, secret, slen, mac)) != 0)
		return r;
	if (CRYPTO_memcmp(mac, ma->value, RADIUS_AUTH_LEN) != 0)
		return RADIUS_ERR_BAD_MA;

	pc[0].p = buf;
	pc[0].len = 4;
	pc[1].p = req_auth;
	pc[1].len = RADIUS_AUTH_LEN;
	pc[2].p = buf + RADIUS_HDR_LEN;
	pc[2].len = p->len - RADIUS_HDR_LEN;
	pc[3].p = secret;
	pc[3].len = slen;
	if ((r = md5_pieces(pc, 4, resp)) != 0)
		return r;
	if (CRYPTO_memcmp(resp, buf + 4, RADIUS_AUTH_LEN) != 0)
		return RADIUS_ERR_BAD_AUTH;
	return 0;
}
