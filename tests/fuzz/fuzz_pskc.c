/*
 * tests/fuzz/fuzz_pskc.c: pskcfile_parse(), authadm's PSKC reader (libxml2
 * checks, then libpskc), on arbitrary bytes. libxml2 and libpskc are not
 * instrumented; this target watches authadm's own code: the tree walk that
 * keeps libpskc from dereferencing missing text, the wiping allocator given
 * to libxml2, the wiping of libpskc's copies, and the limits of csv.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "pskcfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pskcfile_notes notes;
	struct csv_batch *b;
	const struct csv_key *k;
	char err[512];
	size_t i;
	int r;

	if ((b = csv_batch_new("key package")) == NULL)
		return 0;
	memset(err, 0, sizeof(err));
	r = pskcfile_parse((const char *)data, size, b, &notes, err,
	    sizeof(err));
	if (r != 0 && (err[0] == '\0' || memchr(err, '\0', sizeof(err)) ==
	    NULL))
		abort();	/* a refusal always says why */
	if (r == 0) {
		if (b->n == 0 || b->n > CSV_MAX_KEYS)
			abort();
		for (i = 0; i < b->n; i++) {
			k = &b->keys[i];
			if (!csv_serial_valid(k->serial, strlen(k->serial)) ||
			    k->secret_len < CSV_MIN_SECRET ||
			    k->secret_len > CSV_MAX_SECRET ||
			    k->digits < 6 || k->digits > 8 ||
			    k->period < 1 || k->period > CSV_MAX_PERIOD)
				abort();
		}
	}
	csv_batch_free(&b);
	return 0;
}
