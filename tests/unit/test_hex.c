/* tests/unit/test_hex.c: the shared hex helper parses strictly (tokens, tickets, seeds, exports). */
#include <string.h>

#include "hex.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		int		 ok;
	} cases[] = {
		{ "00ff7A", 3, 1 }, { "", 0, 1 }, { "0", 1, 0 }, { "000", 1, 0 },
		{ " 1", 1, 0 }, { "-1", 1, 0 }, { "+1", 1, 0 }, { "0x", 1, 0 }, { "g0", 1, 0 },
		{ "0011", 1, 0 }, { "001", 2, 0 }, { "1 ", 1, 0 },
	};
	unsigned char b[8], all[256];
	char out[2 * sizeof(all) + 1];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(b, 0xee, sizeof(b));
		is_int(hex_decode(cases[i].in, b, cases[i].n) == 0, cases[i].ok,
		    "hex_decode(\"%s\", %zu) %s", cases[i].in, cases[i].n,
		    cases[i].ok ? "accepted" : "refused");
		if (!cases[i].ok)
			ok(b[0] == 0xee, "... and leaves out untouched");
	}
	ok(hex_decode("00ff7A", b, 3) == 0 && b[0] == 0 && b[1] == 0xff && b[2] == 0x7a,
	    "values decoded");
	is_int(hex_decode(NULL, b, 1), -1, "NULL refused");
	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	hex_encode(all, sizeof(all), out);
	is_int(strlen(out), 512, "encode: two digits per byte");
	ok(strncmp(out, "000102", 6) == 0 && strcmp(out + 506, "fdfeff") == 0, "lower case, in order");
	memset(b, 0, sizeof(b));
	ok(hex_decode(out, all, sizeof(all)) == 0 && all[200] == 200, "round trip");
	return tap_done();
}
