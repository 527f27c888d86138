/*
 * authd/radius.h: the RADIUS packet codec (RFC 2865 PAP, RFC 3579
 * Message-Authenticator, RFC 5997 Status-Server): bounded decoding, User-Password
 * hiding, and replies that carry Message-Authenticator first (BlastRADIUS,
 * CVE-2024-3596). No I/O, no allocation, no global state: every function works
 * on the caller's memory and is safe to call from any thread.
 *
 * Errors are 0 or a negative RADIUS_ERR_* code (radius_strerror() names them);
 * they run from -101 down, so they never overlap AUTHD_ERR_* of err.h.
 * Secrets are passed as (pointer, length) and never kept. A decoded password
 * is the caller's to wipe (wipe() of wipe.h) once used.
 */
#ifndef AUTHD_RADIUS_H
#define AUTHD_RADIUS_H

#include <stddef.h>
#include <stdint.h>

/* Packet codes (RFC 2865 §3, RFC 5997). */
#define RADIUS_ACCESS_REQUEST		1
#define RADIUS_ACCESS_ACCEPT		2
#define RADIUS_ACCESS_REJECT		3
#define RADIUS_ACCOUNTING_REQUEST	4
#define RADIUS_ACCESS_CHALLENGE		11
#define RADIUS_STATUS_SERVER		12

/* Attribute types (RFC 2865 §5, RFC 3579 §3.2, RFC 3162). */
#define RADIUS_ATTR_USER_NAME		1
#define RADIUS_ATTR_USER_PASSWORD	2
#define RADIUS_ATTR_NAS_IP_ADDRESS	4
#define RADIUS_ATTR_NAS_PORT		5
#define RADIUS_ATTR_FILTER_ID		11
#define RADIUS_ATTR_REPLY_MESSAGE	18
#define RADIUS_ATTR_STATE		24
#define RADIUS_ATTR_CLASS		25
#define RADIUS_ATTR_CALLING_STATION_ID	31
#define RADIUS_ATTR_NAS_IDENTIFIER	32
#define RADIUS_ATTR_PROXY_STATE		33	/* copy to the reply, in order (RFC 2865 §5.33) */
#define RADIUS_ATTR_MESSAGE_AUTHENTICATOR 80
#define RADIUS_ATTR_NAS_IPV6_ADDRESS	95

#define RADIUS_HDR_LEN		20	/* Code, Identifier, Length, Authenticator */
#define RADIUS_AUTH_LEN		16	/* an authenticator, and Message-Authenticator's value */
#define RADIUS_MAX_PACKET	4096	/* RFC 2865 §3 */
#define RADIUS_MAX_ATTRS	200	/* more in one packet are refused */
#define RADIUS_MAX_VALUE	253	/* an attribute's value, in bytes */
#define RADIUS_MAX_PASSWORD	128	/* User-Password, hidden and plain (RFC 2865 §5.2) */

enum radius_err {
	RADIUS_OK = 0,
	RADIUS_ERR_SHORT = -101,	/* datagram shorter than the 20-byte header */
	RADIUS_ERR_LENGTH = -102,	/* Length field outside 20..4096 */
	RADIUS_ERR_TRUNCATED = -103,	/* Length field beyond the datagram */
	RADIUS_ERR_ATTR_LENGTH = -104,	/* an attribute's length below 2 */
	RADIUS_ERR_ATTR_OVERRUN = -105,	/* an attribute runs past Length */
	RADIUS_ERR_TOO_MANY = -106,	/* more than RADIUS_MAX_ATTRS attributes */
	RADIUS_ERR_DUPLICATE = -107,	/* a single-instance attribute appears twice */
	RADIUS_ERR_MA_LENGTH = -108,	/* Message-Authenticator not 18 bytes long */
	RADIUS_ERR_NOATTR = -109,	/* the attribute is absent */
	RADIUS_ERR_NUL = -110,		/* a NUL byte inside a string value */
	RADIUS_ERR_TOOLONG = -111,	/* value does not fit the caller's buffer */
	RADIUS_ERR_PW_LENGTH = -112,	/* User-Password not a multiple of 16 in 16..128 */
	RADIUS_ERR_INVALID = -113,	/* invalid argument or builder state */
	RADIUS_ERR_CRYPTO = -114,	/* an OpenSSL call failed */
	RADIUS_ERR_FULL = -115,		/* the packet would exceed RADIUS_MAX_PACKET */
	RADIUS_ERR_CODE = -116,		/* wrong packet code for the operation */
	RADIUS_ERR_NO_MA = -117,	/* Message-Authenticator absent */
	RADIUS_ERR_BAD_MA = -118,	/* Message-Authenticator does not verify */
	RADIUS_ERR_BAD_AUTH = -119,	/* Response Authenticator does not verify */
};

const char	*radius_strerror(int r);

/* One attribute; value points into the buffer that was decoded. */
struct radius_attr {
	uint8_t		 type;
	uint8_t		 len;		/* value length: the Length octet minus 2 (0..253) */
	const uint8_t	*value;
};

/*
 * A decoded packet. Its attribute values point into the decoded buffer, which
 * must outlive it. len is the Length field; datagram bytes beyond it are
 * ignored (RFC 2865 §3). attrs[] keeps the order of the packet.
 */
struct radius_packet {
	uint8_t		 code;
	uint8_t		 id;
	uint16_t	 len;
	uint8_t		 auth[RADIUS_AUTH_LEN];
	size_t		 nattrs;
	struct radius_attr attrs[RADIUS_MAX_ATTRS];
};

/*
 * Decode a datagram of len bytes. Refuses: fewer than 20 bytes, Length outside
 * 20..4096 or beyond len, an attribute of length 0 or 1 or running past Length,
 * more than RADIUS_MAX_ATTRS attributes, a Message-Authenticator not 18 bytes
 * long, and a second instance of an attribute RFC 2865 §5.44 / RFC 3579 /
 * RFC 3162 allow at most once (User-Name, User-Password, NAS-IP-Address,
 * NAS-Port, State, Calling-Station-Id, NAS-Identifier, Message-Authenticator,
 * NAS-IPv6-Address). The code is not checked: that is the caller's choice.
 * p is cleared first, and stays cleared on error.
 */
int	radius_decode(const uint8_t *buf, size_t len, struct radius_packet *p);

/* The first attribute of this type, or NULL. */
const struct radius_attr *radius_get(const struct radius_packet *p, uint8_t type);

/*
 * Copy a's value to out as a NUL-terminated string. Refuses a value with a NUL
 * byte (RADIUS_ERR_NUL) or one that does not fit outlen with its terminator
 * (RADIUS_ERR_TOOLONG); out is "" on error (when outlen > 0).
 */
int	radius_attr_str(const struct radius_attr *a, char *out, size_t outlen);
/* radius_attr_str() of the first attribute of type; RADIUS_ERR_NOATTR if none. */
int	radius_get_str(const struct radius_packet *p, uint8_t type, char *out, size_t outlen);
/* A 4-byte value (NAS-Port, NAS-IP-Address) in host order; RADIUS_ERR_ATTR_LENGTH if not 4 bytes. */
int	radius_attr_u32(const struct radius_attr *a, uint32_t *v_r);

/*
 * Check the Message-Authenticator of an Access-Request or Status-Server
 * (RFC 3579 §3.2, RFC 5997 §3): HMAC-MD5 keyed with the secret over the
 * packet's Length bytes with the Message-Authenticator value zeroed, compared
 * in constant time. p must have been decoded from buf (len bytes).
 * Returns 1 valid, 0 absent, -1 invalid (wrong value, another code, bad
 * arguments, or an OpenSSL failure). Callers discard requests without 1 when
 * the client requires Message-Authenticator (the default), and always when -1.
 */
int	radius_verify_request_ma(const struct radius_packet *p, const uint8_t *buf, size_t len,
	    const uint8_t *secret, size_t slen);

/*
 * Un-hide the User-Password of p (RFC 2865 §5.2) into out as a NUL-terminated
 * string. The hidden value must be a multiple of 16 in 16..128 bytes
 * (RADIUS_ERR_PW_LENGTH); trailing NUL padding is stripped; an inner NUL
 * (RADIUS_ERR_NUL) or a result that does not fit outlen (RADIUS_ERR_TOOLONG)
 * is refused. On any error all outlen bytes of out are wiped. The caller wipes
 * out after use; RADIUS_MAX_PASSWORD + 1 bytes always suffice.
 */
int	radius_decode_password(const struct radius_packet *p, const uint8_t *secret, size_t slen,
	    char *out, size_t outlen);

/*
 * Hide a password for a request (the client direction: tests, test clients).
 * pw is pwlen bytes (0..128, any bytes); the value written to out (outsize at
 * least the padded length, a multiple of 16 in 16..128) is *outlen_r bytes.
 * req_auth is the Request Authenticator the request will carry.
 */
int	radius_hide_password(const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret,
	    size_t slen, const void *pw, size_t pwlen, uint8_t *out, size_t outsize,
	    size_t *outlen_r);

/*
 * Building a packet in a fixed buffer. radius_reply_init() writes the header
 * and reserves Message-Authenticator as the first attribute; radius_reply_add()
 * appends attributes in order; radius_reply_finish() fills in
 * Message-Authenticator (RFC 3579 §3.2: HMAC-MD5 over the reply with the
 * Request Authenticator in the authenticator field and the MA value zeroed)
 * and then the Response Authenticator (RFC 2865 §3:
 * MD5(Code|ID|Length|RequestAuth|Attributes|Secret)), and points *out_r at the
 * finished bytes inside r (valid while r is). Codes: Access-Accept,
 * Access-Reject, Access-Challenge (a Status-Server is answered by an
 * Access-Accept, RFC 5997 §3). After finish, add is refused; finish again
 * recomputes the same bytes.
 *
 * The same builder makes requests for the client direction:
 * radius_reply_init() with Access-Request or Status-Server, then
 * radius_request_finish() with the random Request Authenticator.
 */
struct radius_reply {
	uint8_t		 buf[RADIUS_MAX_PACKET];
	size_t		 len;
	int		 finished;
};

int	radius_reply_init(struct radius_reply *r, uint8_t code, uint8_t id);
/* value is 1..253 bytes; Message-Authenticator (added by init) and type 0 are refused. */
int	radius_reply_add(struct radius_reply *r, uint8_t type, const void *value, size_t len);
int	radius_reply_finish(struct radius_reply *r, const uint8_t req_auth[RADIUS_AUTH_LEN],
	    const uint8_t *secret, size_t slen, uint8_t **out_r, size_t *outlen_r);
/* Access-Request / Status-Server: the authenticator field is req_auth, then the MA. */
int	radius_request_finish(struct radius_reply *r, const uint8_t req_auth[RADIUS_AUTH_LEN],
	    const uint8_t *secret, size_t slen, uint8_t **out_r, size_t *outlen_r);

/*
 * Check a decoded reply (the client direction) against the request it
 * answers: the Response Authenticator, and a Message-Authenticator which must
 * be present. 0, RADIUS_ERR_CODE (not Accept/Reject/Challenge),
 * RADIUS_ERR_NO_MA, RADIUS_ERR_BAD_MA or RADIUS_ERR_BAD_AUTH. Attribute order
 * (MA first) is the caller's to check: p->attrs[0].
 */
int	radius_verify_reply(const struct radius_packet *p, const uint8_t *buf, size_t len,
	    const uint8_t req_auth[RADIUS_AUTH_LEN], const uint8_t *secret, size_t slen);

#endif
