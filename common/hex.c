/* common/hex.c: hex encoding shared by authd and authadm (tokens, MACs, keys, serials). */
#include <string.h>

#include "hex.h"

void
hex_encode(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (s == NULL || strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < 2 * n; i++)
		if (hex_nibble(s[i]) < 0)
			return -1;
	for (i = 0; i < n; i++) {
		hi = hex_nibble(s[2 * i]);
		lo = hex_nibble(s[2 * i + 1]);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}
