/* authd/ticket.c: single-use change tickets, hashed, on the monotonic clock. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "hex.h"
#include "ticket.h"
#include "wipe.h"

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
ticket_issue(struct ticket_table *tt, int64_t user_id, uid_t uid, const char *origin,
    char *hex_r)
{
	unsigned char raw[32];
	double now = mono_now();
	struct ticket *slot = NULL;
	size_t i;

	for (i = 0; i < TICKET_MAX; i++)
		if (tt->t[i].used || tt->t[i].expires <= now || tt->t[i].user_id == 0) {
			slot = &tt->t[i];
			break;
		}
	if (slot == NULL || RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	hex_encode(raw, sizeof(raw), hex_r);
	memset(slot, 0, sizeof(*slot));
	SHA256(raw, sizeof(raw), slot->hash);
	slot->user_id = user_id;
	slot->uid = uid;
	snprintf(slot->origin, sizeof(slot->origin), "%s", origin);
	slot->expires = now + TICKET_LIFETIME;
	wipe(raw, sizeof(raw));
	return 0;
}

int
ticket_redeem(struct ticket_table *tt, const char *hex, uid_t uid, const char *origin,
    int64_t *user_id_r)
{
	unsigned char raw[32], hash[32];
	double now = mono_now();
	size_t i;
	int r = -1;

	*user_id_r = 0;
	if (hex_decode(hex, raw, sizeof(raw)) != 0)
		return -1;
	SHA256(raw, sizeof(raw), hash);
	wipe(raw, sizeof(raw));
	for (i = 0; i < TICKET_MAX; i++) {
		struct ticket *t = &tt->t[i];

		if (t->user_id == 0 || t->used || !secret_equal(t->hash, 32, hash, 32))
			continue;
		t->used = 1;
		if (t->expires > now && t->uid == uid && strcmp(t->origin, origin) == 0) {
			*user_id_r = t->user_id;
			r = 0;
		}
		break;
	}
	return r;
}
