/* common/auditcanon.c: canonical audit record bytes (length-prefixed fields). */
#include <stdlib.h>
#include <string.h>

#include "auditcanon.h"

const char *const auditcanon_fields[AUDITCANON_NFIELDS] = {
	"seq", "time", "actor", "action", "target", "result", "reason", "source_addr",
	"source_port", "host", "service", "tty", "ruser", "client", "details",
};

int
auditcanon_build(const char *const f[AUDITCANON_NFIELDS], unsigned char **buf_r, size_t *len_r)
{
	unsigned char *buf;
	size_t cap = 14, off, i, n;

	*buf_r = NULL;
	*len_r = 0;
	for (i = 0; i < AUDITCANON_NFIELDS; i++) {
		if (f[i] == NULL || strlen(f[i]) > 1u << 20)
			return -1;
		cap += 4 + strlen(f[i]);
	}
	if ((buf = malloc(cap)) == NULL)
		return -1;
	memcpy(buf, "authd-audit-v1", 14);
	off = 14;
	for (i = 0; i < AUDITCANON_NFIELDS; i++) {
		n = strlen(f[i]);
		buf[off++] = (unsigned char)(n >> 24);
		buf[off++] = (unsigned char)(n >> 16);
		buf[off++] = (unsigned char)(n >> 8);
		buf[off++] = (unsigned char)n;
		memcpy(buf + off, f[i], n);
		off += n;
	}
	*buf_r = buf;
	*len_r = off;
	return 0;
}
