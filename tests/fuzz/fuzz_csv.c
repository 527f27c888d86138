/* tests/fuzz/fuzz_csv.c: csv_parse(), authadm's key import CSV parser, on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_batch *b;
	const struct csv_key *k;
	char err[512];
	size_t i, j, slen;
	int r;

	if ((b = csv_batch_new("line")) == NULL)
		return 0;
	memset(err, 0, sizeof(err));
	r = csv_parse((const char *)data, size, b, err, sizeof(err));
	if (r != 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			abort();	/* a refusal always says why */
		csv_batch_free(&b);
		return 0;
	}
	if (b->n == 0 || b->n > CSV_MAX_KEYS)
		abort();
	for (i = 0; i < b->n; i++) {
		k = &b->keys[i];
		slen = strnlen(k->serial, sizeof(k->serial));
		if (!csv_serial_valid(k->serial, slen) ||
		    (k->kind != CSV_HOTP && k->kind != CSV_TOTP) ||
		    k->secret_len < CSV_MIN_SECRET ||
		    k->secret_len > CSV_MAX_SECRET ||
		    k->digits < 6 || k->digits > 8 || k->period < 1 ||
		    k->period > CSV_MAX_PERIOD || k->where == 0 ||
		    (i > 0 && k->where <= b->keys[i - 1].where))
			abort();	/* every accepted key is within limits */
		for (j = 0; j < i; j++)
			if (strcmp(b->keys[j].serial, k->serial) == 0)
				abort();	/* no serial twice */
	}
	csv_batch_free(&b);
	return 0;
}
