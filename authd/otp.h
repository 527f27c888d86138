/*
 * authd/otp.h: one-time codes through liboath's callback validators (STYLE.md
 * habit 7): `now` passed in, a constant-time comparator, the matched step or
 * counter returned so the caller stores it in the login's transaction.
 */
#ifndef AUTHD_OTP_H
#define AUTHD_OTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define OTP_SEED_MAX	64	/* bytes */
#define OTP_TOTP_WINDOW	1	/* +-1 step */

int	otp_init(void);
void	otp_done(void);

/*
 * TOTP: check code against seed at now with a window of +-window steps.
 * Returns 0 and the matched absolute step in *step_r and its offset from the
 * current step in *drift_r, or -1 if no step in the window matches. A code
 * must be exactly `digits` ASCII digits.
 */
int	otp_totp_check(const unsigned char *seed, size_t seedlen, unsigned int digits,
	    unsigned int period, time_t now, unsigned int window, const char *code,
	    int64_t *step_r, int64_t *drift_r);

#define OTP_HOTP_WINDOW	10	/* look-ahead for HOTP tokens (issue 4) */

/*
 * HOTP: check code against the counters counter .. counter+window. Returns 0
 * and the matched counter in *matched_r, or -1.
 */
int	otp_hotp_check(const unsigned char *seed, size_t seedlen, unsigned int digits,
	    uint64_t counter, unsigned int window, const char *code, int64_t *matched_r);

/* The TOTP step number of time t. */
int64_t	otp_totp_step(time_t t, unsigned int period);

/* Base32 (RFC 4648, no padding) of a seed, for otpauth URIs. */
int	otp_base32(const unsigned char *seed, size_t seedlen, char *out, size_t outlen);

/* otpauth://totp/ISSUER:NAME?secret=...&issuer=ISSUER&digits=D&period=P */
int	otp_uri(const char *issuer, const char *name, const unsigned char *seed, size_t seedlen,
	    unsigned int digits, unsigned int period, char *out, size_t outlen);

#endif
