/*
 * common/auditcanon.h: the canonical bytes of an audit record, shared by
 * authd (the hash chain) and authadm (checking an export offline, without
 * authd). "authd-audit-v1" followed by the 15 fields, each a 4-byte
 * big-endian length and its bytes; numbers as decimal text, no port as "".
 */
#ifndef AUTHD_AUDITCANON_H
#define AUTHD_AUDITCANON_H

#include <stddef.h>

#define AUDITCANON_NFIELDS	15

/* The field names in canonical order (also the export's JSON keys). */
extern const char *const auditcanon_fields[AUDITCANON_NFIELDS];

/* Fill *buf_r (malloc'd, caller frees) with the canonical bytes of fields[]. 0 or -1. */
int	auditcanon_build(const char *const fields[AUDITCANON_NFIELDS], unsigned char **buf_r,
	    size_t *len_r);

#endif
