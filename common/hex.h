/* common/hex.h: lower-case hex, strictly parsed (no spaces, signs or odd lengths). */
#ifndef AUTHD_HEX_H
#define AUTHD_HEX_H

#include <stddef.h>

/* Write 2n lower-case hex digits and a NUL to out (2n + 1 bytes). */
void	hex_encode(const unsigned char *b, size_t n, char *out);
/* The value of one hex digit (either case), or -1. */
int	hex_nibble(char c);
/* Exactly 2n hex digits (either case) into n bytes; 0, or -1 and out untouched. */
int	hex_decode(const char *s, unsigned char *out, size_t n);

#endif
