/* admin/pskcfile.c: PSKC (RFC 6030) files into the key import batch: libxml2 checks, then libpskc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <pskc/pskc.h>

#include "csv.h"
#include "err.h"
#include "pskcfile.h"
#include "wipe.h"

#define PSKC_NS		"urn:ietf:params:xml:ns:keyprov:pskc"
#define PSKC_ALG	"urn:ietf:params:xml:ns:keyprov:pskc"	/* then :hotp ... */
#define PSKCFILE_MSGLEN	256
#define PSKCFILE_MAXPKG	(2 * CSV_MAX_KEYS)	/* key packages, PIN ones included */

static int	pskcfile_ready;		/* libpskc initialised */
static int	pskcfile_xml_ready;	/* libxml2 set up: once per process */
static char	pskcfile_xmlerr[PSKCFILE_MSGLEN];	/* first libxml2 error */
static int	pskcfile_xmlline;
static char	pskcfile_log[PSKCFILE_MSGLEN];		/* first libpskc complaint */

/*
 * libxml2's allocator: every block remembers its size in front of it and is
 * wiped when freed or moved, because the parsed tree holds the secrets' text.
 */
#define PSKCFILE_HDR	(sizeof(max_align_t) > sizeof(size_t) ? \
			    sizeof(max_align_t) : sizeof(size_t))

static void *
pskcfile_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - PSKCFILE_HDR)
		return NULL;
	if ((p = malloc(n + PSKCFILE_HDR)) == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + PSKCFILE_HDR;
}

static size_t
pskcfile_size(void *q)
{
	size_t n;

	memcpy(&n, (unsigned char *)q - PSKCFILE_HDR, sizeof(n));
	return n;
}

static void
pskcfile_free(void *q)
{
	unsigned char *p;

	if (q == NULL)
		return;
	p = (unsigned char *)q - PSKCFILE_HDR;
	wipe(p, pskcfile_size(q) + PSKCFILE_HDR);
	free(p);
}

static void *
pskcfile_realloc(void *q, size_t n)
{
	void *nq;
	size_t old;

	if (q == NULL)
		return pskcfile_malloc(n);
	if ((nq = pskcfile_malloc(n)) == NULL)
		return NULL;
	old = pskcfile_size(q);
	memcpy(nq, q, old < n ? old : n);
	pskcfile_free(q);
	return nq;
}

static char *
pskcfile_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if ((d = pskcfile_malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

/* libxml2 errors are kept (the first one), never printed: they may quote the file. */
static void
pskcfile_xml_error(void *arg, xmlErrorPtr e)
{
	size_t n;

	if (pskcfile_xmlerr[0] != '\0' || e == NULL || e->message == NULL)
		return;
	snprintf(pskcfile_xmlerr, sizeof(pskcfile_xmlerr), "%s", e->message);
	n = strlen(pskcfile_xmlerr);
	while (n > 0 && (pskcfile_xmlerr[n - 1] == '\n' ||
	    pskcfile_xmlerr[n - 1] == ' '))
		pskcfile_xmlerr[--n] = '\0';
	pskcfile_xmlline = e->line;
}

static void
pskcfile_xml_generic(void *arg, const char *fmt, ...)
{
}

/* libpskc's debug messages name what it could not read (never a secret). */
static void
pskcfile_pskc_log(const char *msg)
{
	if (pskcfile_log[0] != '\0' || msg == NULL ||
	    strncmp(msg, "non-compliant", 13) == 0)
		return;
	snprintf(pskcfile_log, sizeof(pskcfile_log), "%s", msg);
}

static int
pskcfile_init(void)
{
	if (pskcfile_ready)
		return 0;
	if (!pskcfile_xml_ready) {
		/* before libxml2 allocates anything, and never again */
		if (xmlMemSetup(pskcfile_free, pskcfile_malloc,
		    pskcfile_realloc, pskcfile_strdup) != 0)
			return AUTHD_ERR_INVALID;
		xmlInitParser();
		pskcfile_xml_ready = 1;
	}
	xmlSetStructuredErrorFunc(NULL, pskcfile_xml_error);
	xmlSetGenericErrorFunc(NULL, pskcfile_xml_generic);
	if (pskc_global_init() != PSKC_OK)
		return AUTHD_ERR_NOMEM;
	pskc_global_log(pskcfile_pskc_log);
	pskcfile_ready = 1;
	return 0;
}

void
pskcfile_done(void)
{
	if (!pskcfile_ready)
		return;
	pskc_global_log(NULL);
	pskc_global_done();
	pskcfile_ready = 0;
}

int
pskcfile_detect(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '<';
}

/* What the tree walk found. */
struct pskcfile_scan {
	size_t		 packages;
	const char	*enc_what;	/* the first encryption element */
	long		 enc_line;
	const char	*enc_alg;	/* its EncryptionMethod Algorithm */
	const char	*enc_key;	/* how the key is given */
};

static int
pskcfile_named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The first child element named name, or NULL. */
static xmlNode *
pskcfile_child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (pskcfile_named(c, name))
			return c;
	return NULL;
}

static const char *
pskcfile_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	for (a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->content != NULL)
			return (const char *)a->children->content;
	return NULL;
}

/* The text libpskc will read: the content of the first child. */
static const char *
pskcfile_text(const xmlNode *n)
{
	if (n->children == NULL || (n->children->type != XML_TEXT_NODE &&
	    n->children->type != XML_CDATA_SECTION_NODE))
		return NULL;
	return (const char *)n->children->content;
}

static int
pskcfile_xmlspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* s is an unsigned decimal of at most 20 digits, blanks around allowed. */
static int
pskcfile_is_uint(const char *s)
{
	size_t n = 0;

	while (pskcfile_xmlspace(*s))
		s++;
	while (*s >= '0' && *s <= '9') {
		s++;
		n++;
	}
	while (pskcfile_xmlspace(*s))
		s++;
	return n > 0 && n <= 20 && *s == '\0';
}

/* s holds only base64 characters and blanks (libpskc drops anything else). */
static int
pskcfile_is_b64(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '+' || *s == '/' ||
		    *s == '=' || pskcfile_xmlspace(*s)))
			return 0;
	return 1;
}

/*
 * The PSKC elements libpskc reads into one slot each: a second one would
 * overwrite the first (and leak a decoded secret, unwiped). At most one per
 * parent; KeyPackage and KeyUsage may repeat.
 */
static const char *const pskcfile_once[] = {
	"DeviceInfo", "CryptoModuleInfo", "Key", "Manufacturer", "SerialNo",
	"Model", "IssueNo", "DeviceBinding", "StartDate", "ExpiryDate",
	"UserId", "Id", "Issuer", "AlgorithmParameters", "KeyProfileId",
	"KeyReference", "FriendlyName", "Data", "Policy", "Secret", "Counter",
	"Time", "TimeInterval", "TimeDrift", "PlainValue", "Suite",
	"ChallengeFormat", "ResponseFormat", "PINPolicy",
	"NumberOfTransactions", "EncryptionKey", "MACMethod", "Signature",
};

static int
pskcfile_once_index(const xmlNode *n)
{
	size_t i;

	if (n->ns != NULL && strcmp((const char *)n->ns->href, PSKC_NS) != 0)
		return -1;
	for (i = 0; i < sizeof(pskcfile_once) / sizeof(pskcfile_once[0]); i++)
		if (strcmp((const char *)n->name, pskcfile_once[i]) == 0)
			return (int)i;
	return -1;
}

/* How an <EncryptionKey> gives the key, for the refusal message. */
static const char *
pskcfile_enc_key(const xmlNode *n)
{
	if (pskcfile_child(n, "KeyName") != NULL)
		return "a pre-shared key";
	if (pskcfile_child(n, "DerivedKey") != NULL)
		return "a key derived from a passphrase (PBKDF2)";
	if (pskcfile_child(n, "X509Data") != NULL)
		return "a public key (X.509 certificate)";
	return "an unknown key";
}

/* Check one element (see pskcfile.h); recurse into its children. */
static int
pskcfile_walk(const xmlNode *n, int depth, struct pskcfile_scan *s,
    char *err, size_t errlen)
{
	const xmlAttr *a;
	const xmlNode *c, *m;
	const char *name = (const char *)n->name, *t, *p;
	uint64_t seen = 0;
	int r, k;

	if (depth > 64)
		return err_set(err, errlen, AUTHD_ERR_TOOLONG,
		    "line %ld: elements nested too deeply", xmlGetLineNo(n));
	for (a = n->properties; a != NULL; a = a->next)
		if (a->children == NULL || a->children->type != XML_TEXT_NODE ||
		    a->children->content == NULL || a->children->next != NULL)
			return err_set(err, errlen, AUTHD_ERR_MALFORMED,
			    "line %ld: malformed attribute %.40s of <%.40s>",
			    xmlGetLineNo(n), (const char *)a->name, name);
	/*
	 * libpskc reads the first child of an element as its text: a leaf
	 * holds one text node, or nothing (no comment splitting a secret)
	 */
	for (c = n->children, k = 0; c != NULL; c = c->next, k++)
		if (c->type == XML_ELEMENT_NODE)
			break;
	if (c == NULL && (k > 1 || (k == 1 &&
	    n->children->type != XML_TEXT_NODE &&
	    n->children->type != XML_CDATA_SECTION_NODE)))
		return err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "line %ld: <%.40s> must hold only text", xmlGetLineNo(n),
		    name);
	/* libpskc reads these without checking they hold text */
	if ((strcmp(name, "Manufacturer") == 0 ||
	    strcmp(name, "StartDate") == 0 || strcmp(name, "ExpiryDate") == 0 ||
	    strcmp(name, "KeyUsage") == 0) && pskcfile_text(n) == NULL)
		return err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "line %ld: <%s> is empty", xmlGetLineNo(n), name);
	/* ... and parses numbers and base64 leniently */
	if (strcmp(name, "PlainValue") == 0 && n->parent != NULL &&
	    n->parent->type == XML_ELEMENT_NODE) {
		p = (const char *)n->parent->name;
		t = pskcfile_text(n);
		if (strcmp(p, "Secret") == 0 && t != NULL &&
		    !pskcfile_is_b64(t))
			return err_set(err, errlen, AUTHD_ERR_MALFORMED,
			    "line %ld: the secret is not base64",
			    xmlGetLineNo(n));
		if ((strcmp(p, "Counter") == 0 || strcmp(p, "Time") == 0 ||
		    strcmp(p, "TimeInterval") == 0 ||
		    strcmp(p, "TimeDrift") == 0) &&
		    (t == NULL || !pskcfile_is_uint(t)))
			return err_set(err, errlen, AUTHD_ERR_MALFORMED,
			    "line %ld: <%s> is not an unsigned decimal number",
			    xmlGetLineNo(n), p);
	}
	if (strcmp(name, "ResponseFormat") == 0 &&
	    (t = pskcfile_attr(n, "Length")) != NULL && !pskcfile_is_uint(t))
		return err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "line %ld: ResponseFormat Length is not a number",
		    xmlGetLineNo(n));
	if (strcmp(name, "KeyPackage") == 0 && ++s->packages > PSKCFILE_MAXPKG)
		return err_set(err, errlen, AUTHD_ERR_RANGE,
		    "more than %d key packages", PSKCFILE_MAXPKG);
	if (strcmp(name, "EncryptionKey") == 0)
		s->enc_key = pskcfile_enc_key(n);
	if (s->enc_what == NULL && (strcmp(name, "EncryptedValue") == 0 ||
	    strcmp(name, "EncryptionKey") == 0 ||
	    strcmp(name, "MACMethod") == 0)) {
		s->enc_what = name;
		s->enc_line = xmlGetLineNo(n);
	}
	if (s->enc_alg == NULL && strcmp(name, "EncryptedValue") == 0 &&
	    (m = pskcfile_child(n, "EncryptionMethod")) != NULL)
		s->enc_alg = pskcfile_attr(m, "Algorithm");
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((k = pskcfile_once_index(c)) >= 0 &&
		    (seen & (UINT64_C(1) << k)) != 0)
			return err_set(err, errlen, AUTHD_ERR_MALFORMED,
			    "line %ld: a second <%s> in <%.40s>",
			    xmlGetLineNo(c), pskcfile_once[k], name);
		if (k >= 0)
			seen |= UINT64_C(1) << k;
		if ((r = pskcfile_walk(c, depth + 1, s, err, errlen)) != 0)
			return r;
	}
	return 0;
}

/* Parse with libxml2 and check what libpskc would trust blindly. */
static int
pskcfile_check(const char *buf, size_t len, char *err, size_t errlen)
{
	struct pskcfile_scan s;
	xmlDoc *doc;
	const xmlNode *root;
	const char *v;
	int r;

	if (len > INT32_MAX)
		return err_set(err, errlen, AUTHD_ERR_TOOLONG,
		    "file too large");
	memset(&s, 0, sizeof(s));
	pskcfile_xmlerr[0] = '\0';
	pskcfile_xmlline = 0;
	/* the options libpskc uses, so both see the same tree */
	doc = xmlReadMemory(buf, (int)len, NULL, NULL, XML_PARSE_NONET);
	if (doc == NULL || pskcfile_xmlerr[0] != '\0') {
		r = err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "not well-formed XML (line %d: %s)", pskcfile_xmlline,
		    pskcfile_xmlerr[0] != '\0' ? pskcfile_xmlerr : "unreadable");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		r = err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "a DOCTYPE is not allowed in a PSKC file");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name,
	    "KeyContainer") != 0 || root->ns == NULL ||
	    strcmp((const char *)root->ns->href, PSKC_NS) != 0) {
		r = err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "not a PSKC document (no <KeyContainer> in namespace "
		    PSKC_NS ")");
		goto out;
	}
	if ((v = pskcfile_attr(root, "Version")) == NULL ||
	    strcmp(v, "1.0") != 0) {
		r = err_set(err, errlen, AUTHD_ERR_INVALID,
		    "PSKC version %.20s not supported (1.0 only)",
		    v != NULL ? v : "(none)");
		goto out;
	}
	if ((r = pskcfile_walk(root, 0, &s, err, errlen)) != 0)
		goto out;
	if (s.enc_what != NULL) {
		r = err_set(err, errlen, AUTHD_ERR_INVALID,
		    "encrypted key packages are not supported (line %ld: "
		    "<%s>%s%.100s%s%s): libpskc reads only <PlainValue> "
		    "secrets and cannot decrypt; ask the vendor for an "
		    "unencrypted PSKC file, or decrypt it with the vendor's "
		    "tool first", s.enc_line, s.enc_what,
		    s.enc_alg != NULL ? "; secrets encrypted with " : "",
		    s.enc_alg != NULL ? s.enc_alg : "",
		    s.enc_key != NULL ? " under " : "",
		    s.enc_key != NULL ? s.enc_key : "");
		goto out;
	}
	r = 0;
 out:
	xmlFreeDoc(doc);
	return r;
}

static int
pskcfile_alg(const char *alg, enum csv_kind *kind_r)
{
	static const size_t n = sizeof(PSKC_ALG) - 1;

	if (alg == NULL || strncmp(alg, PSKC_ALG, n) != 0 ||
	    (alg[n] != ':' && alg[n] != '#'))
		return -1;
	if (strcmp(alg + n + 1, "hotp") == 0)
		*kind_r = CSV_HOTP;
	else if (strcmp(alg + n + 1, "totp") == 0)
		*kind_r = CSV_TOTP;
	else if (strcmp(alg + n + 1, "pin") == 0)
		return 1;
	else
		return -1;
	return 0;
}

/* Copy s, blanks around trimmed, into serial; 0 or -1 (empty or too long). */
static int
pskcfile_serial(const char *s, char *serial, size_t size)
{
	size_t n;

	if (s == NULL)
		return -1;
	while (pskcfile_xmlspace(*s))
		s++;
	for (n = strlen(s); n > 0 && pskcfile_xmlspace(s[n - 1]); n--)
		;
	if (n == 0 || n >= size)
		return -1;
	memcpy(serial, s, n);
	serial[n] = '\0';
	return 0;
}

/* One key package into k; msg gets the reason (no prefix) on error. */
static int
pskcfile_key(pskc_key_t *kp, struct csv_key *k, struct pskcfile_notes *notes,
    char *msg, size_t msglen)
{
	const char *alg, *secret;
	pskc_valueformat enc;
	pskc_pinusagemode pin;
	size_t slen = 0;
	uint64_t counter;
	uint32_t v;
	int present, usages;

	alg = pskc_get_key_algorithm(kp);
	switch (pskcfile_alg(alg, &k->kind)) {
	case 1:
		return 1;		/* a PIN package: skipped */
	case 0:
		break;
	default:
		if (alg == NULL)
			return err_set(msg, msglen, AUTHD_ERR_INVALID,
			    "no <Key> with an Algorithm");
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "algorithm %.100s not supported (only HOTP and TOTP)",
		    alg);
	}
	if (pskcfile_serial(pskc_get_device_serialno(kp), k->serial,
	    sizeof(k->serial)) != 0) {
		if (pskcfile_serial(pskc_get_key_id(kp), k->serial,
		    sizeof(k->serial)) != 0)
			return err_set(msg, msglen, AUTHD_ERR_INVALID,
			    "no usable DeviceInfo SerialNo or Key Id (1..%d "
			    "characters)", CSV_MAX_SERIAL);
		notes->no_serial++;
	}
	if (!csv_serial_valid(k->serial, strlen(k->serial))) {
		k->serial[0] = '\0';
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "serial has a character outside [A-Za-z0-9._-]");
	}
	if ((secret = pskc_get_key_data_secret(kp, &slen)) == NULL)
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "no secret%s", pskc_get_key_reference(kp) != NULL ?
		    " (keys derived from a KeyReference are not supported)" :
		    "");
	k->secret_len = slen;
	if (slen >= CSV_MIN_SECRET && slen <= CSV_MAX_SECRET)
		memcpy(k->secret, secret, slen);
	enc = pskc_get_key_algparm_resp_encoding(kp, &present);
	if (present && enc != PSKC_VALUEFORMAT_DECIMAL)
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "response encoding %s not supported (DECIMAL only)",
		    pskc_valueformat2str(enc));
	if (pskc_get_key_algparm_resp_checkdigits(kp, &present) && present)
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "response check digits are not supported");
	v = pskc_get_key_algparm_resp_length(kp, &present);
	k->digits = present ? (v > 99 ? 99 : v) : CSV_DEF_DIGITS;
	pin = pskc_get_key_policy_pinusagemode(kp, &present);
	if (present && pin != PSKC_PINUSAGEMODE_LOCAL)
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "PIN usage mode %s not supported (the PIN must be checked "
		    "by the token: Local)", pskc_pinusagemode2str(pin));
	usages = pskc_get_key_policy_keyusages(kp, &present);
	if (present && !(usages & PSKC_KEYUSAGE_OTP))
		return err_set(msg, msglen, AUTHD_ERR_INVALID,
		    "the key's KeyUsage does not include OTP");
	k->period = CSV_DEF_PERIOD;
	k->counter = 0;
	if (k->kind == CSV_HOTP) {
		counter = pskc_get_key_data_counter(kp, &present);
		if (present && counter > (uint64_t)INT64_MAX)
			return err_set(msg, msglen, AUTHD_ERR_RANGE,
			    "counter out of range");
		if (present)
			k->counter = counter;
	} else {
		v = pskc_get_key_data_timeinterval(kp, &present);
		if (present)
			k->period = v > 99999 ? 99999 : v;
		v = pskc_get_key_data_time(kp, &present);
		if (present && v != 0)
			return err_set(msg, msglen, AUTHD_ERR_INVALID,
			    "a Time (T0) of %u not supported (only 0)", v);
	}
	return 0;
}

/* Wipe what libpskc decoded and copied of the secrets; libpskc frees without. */
static void
pskcfile_wipe(pskc_t *c)
{
	pskc_key_t *kp;
	const char *p;
	size_t i, len;

	for (i = 0; (kp = pskc_get_keypackage(c, i)) != NULL; i++) {
		len = 0;
		if ((p = pskc_get_key_data_secret(kp, &len)) != NULL)
			wipe((void *)(uintptr_t)p, len);
		if ((p = pskc_get_key_data_b64secret(kp)) != NULL)
			wipe((void *)(uintptr_t)p, strlen(p));
	}
}

int
pskcfile_parse(const char *buf, size_t len, struct csv_batch *b,
    struct pskcfile_notes *notes, char *err, size_t errlen)
{
	pskc_t *c = NULL;
	pskc_key_t *kp;
	struct csv_key k;
	char msg[PSKCFILE_MSGLEN];
	size_t i;
	int r, rc;

	memset(notes, 0, sizeof(*notes));
	memset(&k, 0, sizeof(k));
	if (errlen > 0)
		err[0] = '\0';
	if (b->n != 0)
		return err_set(err, errlen, AUTHD_ERR_INVALID,
		    "internal error: batch not empty");
	if ((r = pskcfile_init()) != 0)
		return err_set(err, errlen, r, "cannot initialise libpskc");
	if ((r = pskcfile_check(buf, len, err, errlen)) != 0)
		return r;
	if (pskc_init(&c) != PSKC_OK)
		return err_set(err, errlen, AUTHD_ERR_NOMEM,
		    "out of memory");
	pskcfile_log[0] = '\0';
	pskcfile_xmlerr[0] = '\0';
	rc = pskc_parse_from_memory(c, len, buf);
	if (rc != PSKC_OK && strstr(pskcfile_log, "base64") != NULL) {
		/* libpskc reports a bad one as a failed allocation too */
		r = err_set(err, errlen, AUTHD_ERR_MALFORMED,
		    "a secret is not valid base64");
		goto out;
	}
	if (rc != PSKC_OK) {
		r = err_set(err, errlen, rc == PSKC_MALLOC_ERROR ?
		    AUTHD_ERR_NOMEM : AUTHD_ERR_MALFORMED,
		    "libpskc cannot read it: %s%s%s", pskc_strerror(rc),
		    pskcfile_log[0] != '\0' ? ": " : "", pskcfile_log);
		goto out;
	}
	notes->signed_doc = pskc_get_signed_p(c);
	for (i = 0; (kp = pskc_get_keypackage(c, i)) != NULL; i++) {
		memset(&k, 0, sizeof(k));
		k.where = i + 1;
		if ((r = pskcfile_key(kp, &k, notes, msg, sizeof(msg))) == 1) {
			notes->pin_skipped++;
			continue;
		}
		if (r == 0 && (r = csv_batch_add(b, &k, msg, sizeof(msg))) == 0)
			continue;
		if (k.serial[0] != '\0')
			r = err_set(err, errlen, r, "key package %zu "
			    "(serial %s): %s", i + 1, k.serial, msg);
		else
			r = err_set(err, errlen, r, "key package %zu: %s",
			    i + 1, msg);
		goto out;
	}
	if (b->n == 0)
		r = err_set(err, errlen, AUTHD_ERR_INVALID,
		    "no HOTP or TOTP key package");
	else
		r = csv_batch_finish(b, err, errlen);
 out:
	wipe(&k, sizeof(k));
	if (c != NULL) {
		pskcfile_wipe(c);
		pskc_done(c);
	}
	return r;
}
