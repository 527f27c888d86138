/*
 * admin/pskcfile.h: a PSKC key container (RFC 6030) into the import batch of
 * "authadm key import" (csv.h), through libpskc.
 *
 * Accepted: HOTP and TOTP key packages (Algorithm
 * urn:ietf:params:xml:ns:keyprov:pskc:hotp / :totp, or the drafts' "#hotp" /
 * "#totp") with a <PlainValue> secret; digits from ResponseFormat Length
 * (DECIMAL only; 6 by default), TOTP period from TimeInterval (30), HOTP
 * counter from Counter (0). The serial is DeviceInfo/SerialNo, else the Key
 * Id. PIN key packages (…:pskc:pin) are skipped. A signature is not verified.
 *
 * Refused, naming what: encrypted secrets (EncryptedValue, EncryptionKey,
 * MACMethod: libpskc cannot decrypt), keys without a secret (KeyReference),
 * other algorithms, hexadecimal or alphanumeric responses, check digits,
 * server-checked PIN modes, a TOTP Time (T0) other than 0, a DOCTYPE, and
 * what csv.h refuses (limits, duplicate serials, more than CSV_MAX_KEYS).
 *
 * libpskc reads leniently and dereferences the text of some elements without
 * checking it exists; the document is therefore walked with libxml2 first
 * (empty elements, numbers, base64, encryption). Every byte libxml2 and
 * libpskc hold of the secrets is wiped before it is freed: libxml2 gets a
 * wiping allocator (xmlMemSetup) at the first call, before any other use.
 */
#ifndef ADMIN_PSKCFILE_H
#define ADMIN_PSKCFILE_H

#include <stddef.h>

#include "csv.h"

/* What the caller may want to tell the user: nothing here is an error. */
struct pskcfile_notes {
	int	 signed_doc;	/* carries a signature, which is not verified */
	size_t	 no_serial;	/* key packages whose Key Id serves as serial */
	size_t	 pin_skipped;	/* PIN key packages skipped */
};

/* 1 if buf (len bytes) is XML: its first byte, after a BOM and blanks, is '<'. */
int	pskcfile_detect(const char *buf, size_t len);

/*
 * Parse the PSKC document buf into the empty batch b (made with
 * csv_batch_new("key package")). Returns 0, or AUTHD_ERR_* with err set
 * (file content is quoted sanitised by the caller's printing, never a secret).
 */
int	pskcfile_parse(const char *buf, size_t len, struct csv_batch *b,
	    struct pskcfile_notes *notes, char *err, size_t errlen);

/* Release libpskc's global state (pskcfile_parse() initialises it again). */
void	pskcfile_done(void);

#endif
