/* authd/otp.c: TOTP verification with liboath's callback API and a constant-time comparator. */
#include <stdio.h>
#include <string.h>

#include <liboath/oath.h>

#include "err.h"
#include "otp.h"
#include "wipe.h"

int
otp_init(void)
{
	return oath_init() == OATH_OK ? 0 : AUTHD_ERR_IO;
}

void
otp_done(void)
{
	(void)oath_done();
}

struct cmp_ctx {
	const char	*code;
	size_t		 len;
};

/* liboath calls this for every candidate in the window: compare in constant time. */
static int
otp_cmp(void *handle, const char *test_otp)
{
	const struct cmp_ctx *c = handle;

	return secret_equal(c->code, c->len, test_otp, strlen(test_otp)) ? 0 : 1;
}

static int
code_ok(const char *code, unsigned int digits)
{
	size_t i, n = strlen(code);

	if (n != digits)
		return 0;
	for (i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

int
otp_totp_check(const unsigned char *seed, size_t seedlen, unsigned int digits,
    unsigned int period, time_t now, unsigned int window, const char *code,
    int64_t *step_r, int64_t *drift_r)
{
	struct cmp_ctx c;
	uint64_t counter = 0;
	int pos = 0, rc;

	*step_r = -1;
	*drift_r = 0;
	if (digits < 6 || digits > 8 || period == 0 || seedlen == 0 || !code_ok(code, digits))
		return -1;
	c.code = code;
	c.len = strlen(code);
	rc = oath_totp_validate4_callback((const char *)seed, seedlen, now, period, 0, digits,
	    window, &pos, &counter, 0, otp_cmp, &c);
	if (rc < 0)
		return -1;
	*step_r = (int64_t)counter;
	*drift_r = pos;
	return 0;
}

int
otp_hotp_check(const unsigned char *seed, size_t seedlen, unsigned int digits, uint64_t counter,
    unsigned int window, const char *code, int64_t *matched_r)
{
	struct cmp_ctx c;
	int rc;

	*matched_r = -1;
	if (digits < 6 || digits > 8 || seedlen == 0 || !code_ok(code, digits))
		return -1;
	c.code = code;
	c.len = strlen(code);
	rc = oath_hotp_validate_callback((const char *)seed, seedlen, counter, window, digits,
	    otp_cmp, &c);
	if (rc < 0)
		return -1;
	*matched_r = (int64_t)(counter + (uint64_t)rc);
	return 0;
}

int64_t
otp_totp_step(time_t t, unsigned int period)
{
	return period > 0 ? (int64_t)(t / (time_t)period) : 0;
}

int
otp_base32(const unsigned char *seed, size_t seedlen, char *out, size_t outlen)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t i, o = 0;
	unsigned int acc = 0, bits = 0;

	for (i = 0; i < seedlen; i++) {
		acc = (acc << 8) | seed[i];
		bits += 8;
		while (bits >= 5) {
			if (o + 1 >= outlen)
				return AUTHD_ERR_TOOLONG;
			out[o++] = alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) {
		if (o + 1 >= outlen)
			return AUTHD_ERR_TOOLONG;
		out[o++] = alpha[(acc << (5 - bits)) & 31];
	}
	out[o] = '\0';
	acc = 0;
	return 0;
}

int
otp_uri(const char *issuer, const char *name, const unsigned char *seed, size_t seedlen,
    unsigned int digits, unsigned int period, char *out, size_t outlen)
{
	char b32[OTP_SEED_MAX * 2];
	int n, r;

	if ((r = otp_base32(seed, seedlen, b32, sizeof(b32))) != 0)
		return r;
	n = snprintf(out, outlen, "otpauth://totp/%s:%s?secret=%s&issuer=%s&digits=%u&period=%u",
	    issuer, name, b32, issuer, digits, period);
	wipe(b32, sizeof(b32));
	if (n < 0 || (size_t)n >= outlen)
		return AUTHD_ERR_TOOLONG;
	return 0;
}
