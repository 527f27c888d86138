/* authd/config.c: read and check authd.conf strictly; errors name file, line, key. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <regex.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"
#include "err.h"
#include "num.h"
#include "proto.h"
#include "wipe.h"

#define CONFIG_MAX_RETENTION	36500	/* a hundred years */
#define CONFIG_MAX_KEY		64	/* longer keys are not echoed in messages */

/* ASCII only, whatever the locale; c is an unsigned char value */

enum vtype {
	V_PATH,		/* absolute path */
	V_SOCKET,	/* absolute path, at most CONFIG_MAX_SOCKET_PATH bytes */
	V_OTP,		/* required | off */
	V_UINT,		/* decimal in [lo, hi] */
	V_BOOL,		/* yes | no */
	V_LISTEN,	/* ADDR:PORT */
	V_NAMES,	/* comma-separated host names and addresses */
	V_REGEX,	/* a POSIX extended regular expression */
	V_TEMPLATE,	/* a user-name template: text with {unit} and {seq:N} */
	V_USER,		/* an account of this system (getpwnam) */
};

struct keydef {
	const char	*name;
	enum vtype	 type;
	size_t		 off;
	unsigned int	 def;	/* V_UINT only; see config_parse() */
	unsigned int	 lo;
	unsigned int	 hi;
};

#define OFF(f)	offsetof(struct config, f)

static const struct keydef keydefs[] = {
	{ "state_dir",		V_PATH,		OFF(state_dir),		0, 0, 0 },
	{ "socket",		V_SOCKET,	OFF(socket),		0, 0, 0 },
	{ "admin_socket",	V_SOCKET,	OFF(admin_socket),	0, 0, 0 },
	{ "otp",		V_OTP,		OFF(otp),		0, 0, 0 },
	{ "kdf_memory_kib",	V_UINT,	OFF(kdf_memory_kib),	19456, 8, 4194304 },
	{ "kdf_iterations",	V_UINT,	OFF(kdf_iterations),	2, 1, 100 },
	{ "lockout_failures",	V_UINT,	OFF(lockout_failures),	5, 0, 1000 },
	{ "lockout_minutes",	V_UINT,	OFF(lockout_minutes),	15, 1, 525600 },
	{ "password_warn_days",	V_UINT,	OFF(password_warn_days), 14, 0, 365 },
	{ "workers",		V_UINT,	OFF(workers),		0, 0, 64 },
	{ "queue_max",		V_UINT,	OFF(queue_max),		64, 1, 100000 },
	{ "failure_delay_ms",	V_UINT,	OFF(failure_delay_ms),	1000, 0, 10000 },
	{ "idle_timeout",	V_UINT,	OFF(idle_timeout),	60, 1, 3600 },
	{ "admin_session_minutes", V_UINT, OFF(admin_session_minutes), 15, 1, 1440 },
	{ "max_connections",	V_UINT,	OFF(max_connections),	256, 1, 100000 },
	{ "prompt_timeout",	V_UINT,	OFF(prompt_timeout),	120, 1, 3600 },
	{ "max_connections_per_uid", V_UINT, OFF(max_connections_per_uid), 32, 1, 100000 },
	{ "radius_listen",	V_LISTEN,	OFF(radius_listen),	0, 0, 0 },
	{ "tls_listen",		V_LISTEN,	OFF(tls_listen),	0, 0, 0 },
	{ "tls_names",		V_NAMES,	OFF(tls_names),		0, 0, 0 },
	{ "tls_handshakes_per_second", V_UINT, OFF(tls_handshakes_per_second), 200, 1, 100000 },
	{ "user",		V_USER,		OFF(user),		0, 0, 0 },
	{ "two_person_rule",	V_BOOL,	OFF(two_person_rule),	0, 0, 0 },
	{ "username_pattern",	V_REGEX,	OFF(username_pattern),	0, 0, 0 },
	{ "username_template",	V_TEMPLATE,	OFF(username_template),	0, 0, 0 },
	{ "request_hours",	V_UINT,	OFF(request_hours),	24, 1, 720 },
	{ "audit_retention_days", V_UINT, OFF(audit_retention_days),
	    CONFIG_MIN_RETENTION, CONFIG_MIN_RETENTION, CONFIG_MAX_RETENTION },
};
#define NKEYS	(sizeof(keydefs) / sizeof(keydefs[0]))
enum { KI_STATE_DIR = 0, KI_SOCKET = 1, KI_ADMIN_SOCKET = 2 };	/* rows above */

enum section { SEC_NONE, SEC_SERVICE, SEC_RADIUS };
enum seckey { SK_OTP, SK_ADDRESS, SK_SECRET, SK_REQUIRE_MA, SK_N };

static const char *const seckey_names[SK_N] = { "otp", "address", "secret",
    "require_message_authenticator" };

struct parser {
	const char	*name;
	char		*err;
	size_t		 errlen;
	struct config	*cfg;
	size_t		 lineno;
	size_t		 keyline[NKEYS];	/* where each top-level key was set */
	enum section	 sec;
	size_t		 secline;		/* the current section's header */
	size_t		 seckeyline[SK_N];
	char		 line[CONFIG_MAX_LINE + 1];
};

static int	perr(struct parser *, size_t, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Write "NAME[:LINE][: KEY]: problem" into ps->err; returns -1. */
static int
perr(struct parser *ps, size_t line, const char *key, const char *fmt, ...)
{
	char where[32] = "";
	va_list ap;
	int w;

	if (ps->err == NULL || ps->errlen == 0)
		return -1;
	if (line > 0)
		(void)snprintf(where, sizeof(where), ":%zu", line);
	w = snprintf(ps->err, ps->errlen, "%s%s%s%s: ", ps->name, where,
	    key != NULL ? ": " : "", key != NULL ? key : "");
	if (w < 0 || (size_t)w >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(ps->err + w, ps->errlen - (size_t)w, fmt, ap);
	va_end(ap);
	return -1;
}

/* Trim spaces and TABs in place; returns the start. */
static char *
trim(char *s)
{
	size_t n;

	while (IS_SPACE((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && IS_SPACE((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* 1 to max bytes of [A-Za-z0-9_.-]: section names, and keys worth echoing. */
static int
set_string(struct parser *ps, char **dst, const char *val)
{
	if ((*dst = strdup(val)) == NULL)
		return perr(ps, 0, NULL, "out of memory");
	return 0;
}

/* The row of a top-level key in keydefs, or NKEYS. */
static size_t
top_key(const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS && strcmp(keydefs[i].name, key) != 0; i++)
		;
	return i;
}

/* A section key, or SK_N. */
static enum seckey
sec_key(const char *key)
{
	enum seckey k;

	for (k = 0; k < SK_N && strcmp(seckey_names[k], key) != 0; k++)
		;
	return k;
}

static int
otp_value(const char *v, enum config_otp *otp_r)
{
	if (strcmp(v, "required") == 0)
		*otp_r = CONFIG_OTP_REQUIRED;
	else if (strcmp(v, "off") == 0)
		*otp_r = CONFIG_OTP_OFF;
	else
		return -1;
	return 0;
}

static int
set_top(struct parser *ps, const char *key, char *val)
{
	const struct keydef *kd;
	const char *errstr;
	char *p = (char *)ps->cfg, *s;
	size_t i, len;
	long long n;
	int nomem;

	if ((i = top_key(key)) == NKEYS) {
		if (sec_key(key) != SK_N)	/* otp is both */
			return perr(ps, ps->lineno, key,
			    "only allowed in a [radius-client NAME] section");
		return perr(ps, ps->lineno, key, "unknown key");
	}
	kd = &keydefs[i];
	if (ps->keyline[i] != 0)
		return perr(ps, ps->lineno, key,
		    "duplicate key (first set on line %zu)", ps->keyline[i]);
	ps->keyline[i] = ps->lineno;
	p += kd->off;

	switch (kd->type) {
	case V_PATH:
	case V_SOCKET:
		if (val[0] != '/')
			return perr(ps, ps->lineno, key, "must be an absolute path");
		len = strlen(val);
		if (kd->type == V_PATH) {
			/* "/var/lib/authd/" is "/var/lib/authd" */
			while (len > 1 && val[len - 1] == '/')
				val[--len] = '\0';
		} else if (len > CONFIG_MAX_SOCKET_PATH)
			return perr(ps, ps->lineno, key,
			    "longer than %d bytes (the limit of a Unix socket path)",
			    CONFIG_MAX_SOCKET_PATH);
		return set_string(ps, (char **)(void *)p, val);
	case V_OTP:
		if (otp_value(val, (enum config_otp *)(void *)p) != 0)
			return perr(ps, ps->lineno, key, "must be required or off");
		return 0;
	case V_BOOL:
		if (strcmp(val, "yes") == 0)
			*(int *)(void *)p = 1;
		else if (strcmp(val, "no") == 0)
			*(int *)(void *)p = 0;
		else
			return perr(ps, ps->lineno, key, "must be yes or no");
		return 0;
	case V_UINT:
		/* digits only: no sign, space or junk; overflow is too large */
		n = strtonum_ll(val, kd->lo, kd->hi, &errstr);
		if (errstr != NULL && strcmp(errstr, "invalid") == 0)
			return perr(ps, ps->lineno, key,
			    "not a number (digits only, no sign)");
		if (errstr != NULL && strcmp(errstr, "too small") == 0 &&
		    kd->off == OFF(audit_retention_days))
			return perr(ps, ps->lineno, key,
			    "must be at least %u: audit records are kept "
			    "never less than 184 days (six months)", kd->lo);
		if (errstr != NULL)
			return perr(ps, ps->lineno, key,
			    "must be between %u and %u", kd->lo, kd->hi);
		*(unsigned int *)(void *)p = (unsigned int)n;
		return 0;
	case V_LISTEN:
		if (!config_listen_valid(val))
			return perr(ps, ps->lineno, key,
			    "must be ADDR:PORT (e.g. 0.0.0.0:1812 or [::]:1812)");
		return set_string(ps, (char **)(void *)p, val);
	case V_REGEX: {
		regex_t re;
		int rc;
		char rerr[128];

		if ((rc = regcomp(&re, val, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &re, rerr, sizeof(rerr));
			return perr(ps, ps->lineno, key, "not a valid extended regular"
			    " expression: %s", rerr);
		}
		regfree(&re);
		return set_string(ps, (char **)(void *)p, val);
	}
	case V_TEMPLATE:
		if (!config_template_valid(val))
			return perr(ps, ps->lineno, key, "must be text with {unit} and"
			    " one {seq:N} (N = 1..9 digits), e.g. {unit}{seq:4}");
		return set_string(ps, (char **)(void *)p, val);
	case V_USER:
		/* a POSIX portable user name, and one this system knows */
		if (val[0] == '\0' || val[0] == '-' || strlen(val) > 32 ||
		    strspn(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-") != strlen(val))
			return perr(ps, ps->lineno, key, "must be a user name");
		if (getpwnam(val) == NULL)
			return perr(ps, ps->lineno, key, "no such user: %s (create it, e.g."
			    " adduser --system --group --no-create-home %s)", val, val);
		return set_string(ps, (char **)(void *)p, val);
	case V_NAMES:
		if ((s = config_names_normalize(val, &nomem)) == NULL) {
			if (nomem)
				return perr(ps, 0, NULL, "out of memory");
			return perr(ps, ps->lineno, key,
			    "must be a comma-separated list of host names "
			    "and addresses");
		}
		*(char **)(void *)p = s;
		return 0;
	}
	return perr(ps, ps->lineno, key, "internal error");
}

static const char *const sec_types[] = { "", "service", "radius-client" };

/* The name of entry i of the current kind of section. */
static char **
sec_name(struct config *cfg, enum section sec, size_t i)
{
	if (sec == SEC_SERVICE)
		return &cfg->services[i].name;
	return &cfg->radius_clients[i].name;
}

static const char *
cur_name(struct parser *ps)
{
	return *sec_name(ps->cfg, ps->sec, ps->sec == SEC_SERVICE ?
	    ps->cfg->nservices - 1 : ps->cfg->nradius_clients - 1);
}

/* Called at a section's end: its required keys must be there. */
static int
end_section(struct parser *ps)
{
	enum seckey k;

	for (k = 0; ps->sec != SEC_NONE && k < SK_N; k++)
		if (ps->seckeyline[k] == 0 && (ps->sec == SEC_SERVICE) ==
		    (k == SK_OTP) && k != SK_REQUIRE_MA)
			return perr(ps, ps->secline, seckey_names[k],
			    "missing in [%s %s]", sec_types[ps->sec],
			    cur_name(ps));
	ps->sec = SEC_NONE;
	memset(ps->seckeyline, 0, sizeof(ps->seckeyline));
	return 0;
}

static int
begin_section(struct parser *ps, char *s)
{
	struct config *cfg = ps->cfg;
	char *type, *name, *e;
	size_t i, *np, max, len = strlen(s);
	enum section sec;

	if (end_section(ps) != 0)
		return -1;
	if (s[len - 1] != ']')
		return perr(ps, ps->lineno, NULL,
		    "a section header must end with \"]\"");
	s[len - 1] = '\0';
	type = trim(s + 1);
	for (e = type; *e != '\0' && !IS_SPACE((unsigned char)*e); e++)
		;
	if (*e != '\0')
		*e++ = '\0';
	name = trim(e);

	if (strcmp(type, "service") == 0) {
		sec = SEC_SERVICE;
		np = &cfg->nservices;
	} else if (strcmp(type, "radius-client") == 0) {
		sec = SEC_RADIUS;
		np = &cfg->nradius_clients;
	} else if (config_word_valid(type, CONFIG_MAX_KEY))
		return perr(ps, ps->lineno, NULL, "unknown section type \"%s\" "
		    "(expected service or radius-client)", type);
	else
		return perr(ps, ps->lineno, NULL,
		    "unknown section type (expected service or radius-client)");
	if (!config_word_valid(name, CONFIG_MAX_NAME))
		return perr(ps, ps->lineno, NULL, "[%s NAME]: the name must be "
		    "1 to %d characters of A-Z a-z 0-9 . _ -", type,
		    CONFIG_MAX_NAME);
	for (i = 0; i < *np; i++)
		if (strcmp(*sec_name(cfg, sec, i), name) == 0)
			return perr(ps, ps->lineno, NULL,
			    "duplicate section [%s %s]", type, name);
	max = sec == SEC_SERVICE ? CONFIG_MAX_SERVICES : CONFIG_MAX_RADIUS;
	if (*np >= max)
		return perr(ps, ps->lineno, NULL,
		    "too many [%s] sections (at most %zu)", type, max);
	if ((*sec_name(cfg, sec, *np) = strdup(name)) == NULL)
		return perr(ps, 0, NULL, "out of memory");
	if (sec == SEC_RADIUS)
		cfg->radius_clients[*np].require_ma = 1;	/* the default: yes */
	(*np)++;	/* a service's otp is CONFIG_OTP_REQUIRED (0) until set */
	ps->sec = sec;
	ps->secline = ps->lineno;
	return 0;
}

static int
set_section(struct parser *ps, const char *key, const char *val)
{
	struct config_radius_client *rc;
	struct config_service *sv;
	enum seckey k = sec_key(key);

	if (k == SK_N || (ps->sec == SEC_SERVICE) != (k == SK_OTP)) {
		if (k == SK_N && top_key(key) < NKEYS)
			return perr(ps, ps->lineno, key,
			    "not allowed in [%s %s] (top-level keys go "
			    "before the first section)",
			    sec_types[ps->sec], cur_name(ps));
		return perr(ps, ps->lineno, key, "unknown key in [%s %s] "
		    "(allowed: %s)", sec_types[ps->sec], cur_name(ps),
		    ps->sec == SEC_SERVICE ? "otp" :
		    "address, secret, require_message_authenticator");
	}
	if (ps->seckeyline[k] != 0)
		return perr(ps, ps->lineno, key,
		    "duplicate key (first set on line %zu)", ps->seckeyline[k]);
	ps->seckeyline[k] = ps->lineno;

	switch (k) {
	case SK_OTP:
		sv = &ps->cfg->services[ps->cfg->nservices - 1];
		if (otp_value(val, &sv->otp) != 0)
			return perr(ps, ps->lineno, key, "must be required or off");
		return 0;
	case SK_ADDRESS:
		rc = &ps->cfg->radius_clients[ps->cfg->nradius_clients - 1];
		if (!config_cidr_valid(val))
			return perr(ps, ps->lineno, key, "must be an IPv4 or IPv6 "
			    "address or CIDR (e.g. 192.0.2.0/24)");
		return set_string(ps, &rc->address, val);
	case SK_SECRET:
		rc = &ps->cfg->radius_clients[ps->cfg->nradius_clients - 1];
		/* never echo a secret */
		if (strlen(val) < CONFIG_MIN_SECRET)
			return perr(ps, ps->lineno, key,
			    "must be at least %d characters", CONFIG_MIN_SECRET);
		return set_string(ps, &rc->secret, val);
	case SK_REQUIRE_MA:
		rc = &ps->cfg->radius_clients[ps->cfg->nradius_clients - 1];
		/* BlastRADIUS (CVE-2024-3596): yes unless a legacy NAS cannot send it */
		if (strcmp(val, "yes") == 0)
			rc->require_ma = 1;
		else if (strcmp(val, "no") == 0)
			rc->require_ma = 0;
		else
			return perr(ps, ps->lineno, key, "must be yes or no");
		return 0;
	case SK_N:
		break;
	}
	return perr(ps, ps->lineno, key, "internal error");
}

/* One line of len bytes in ps->line, NUL-terminated, no LF, no NUL. */
static int
parse_line(struct parser *ps, size_t len)
{
	char *s = ps->line, *eq, *key, *val, *e;
	size_t i, hash;

	if (len > 0 && s[len - 1] == '\r')	/* CRLF files */
		s[--len] = '\0';
	if (!proto_utf8_valid((const unsigned char *)s, len))
		return perr(ps, ps->lineno, NULL, "invalid UTF-8");
	/* a comment starts the line or follows a space or TAB */
	for (i = 0, hash = len; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return perr(ps, ps->lineno, NULL, "control character in line");
		else if (s[i] == '#' && hash == len &&
		    (i == 0 || IS_SPACE((unsigned char)s[i - 1])))
			hash = i;
	s[hash] = '\0';
	s = trim(s);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return begin_section(ps, s);

	if ((eq = strchr(s, '=')) == NULL) {
		for (e = s; *e != '\0' && !IS_SPACE((unsigned char)*e); e++)
			;
		*e = '\0';
		if (top_key(s) < NKEYS || sec_key(s) < SK_N)
			return perr(ps, ps->lineno, s,
			    "missing \"=\" (expected key = value)");
		return perr(ps, ps->lineno, NULL,
		    "missing \"=\" (expected key = value)");
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (*key == '\0')
		return perr(ps, ps->lineno, NULL, "missing key before \"=\"");
	if (!config_word_valid(key, CONFIG_MAX_KEY))
		return perr(ps, ps->lineno, NULL, "invalid key name");
	if (*val == '\0')
		return perr(ps, ps->lineno, key, "empty value");
	if (ps->sec == SEC_NONE)
		return set_top(ps, key, val);
	return set_section(ps, key, val);
}

static char *
path_join(const char *dir, const char *file)
{
	size_t n = strlen(dir) + 1 + strlen(file) + 1;
	char *s;

	if ((s = malloc(n)) == NULL)
		return NULL;
	(void)snprintf(s, n, "%s%s%s", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/", file);
	return s;
}

/* After the last line: required keys and defaults derived from others. */
static int
finish(struct parser *ps)
{
	static const char *const file[] = { "authd.sock", "admin.sock" };
	struct config *cfg = ps->cfg;
	char **sock[2] = { &cfg->socket, &cfg->admin_socket };
	size_t i;

	if (end_section(ps) != 0)
		return -1;
	if (cfg->state_dir == NULL)
		return perr(ps, 0, "state_dir", "missing (it is required)");
	for (i = 0; i < 2; i++) {
		if (*sock[i] != NULL)
			continue;
		if ((*sock[i] = path_join(cfg->state_dir, file[i])) == NULL)
			return perr(ps, 0, NULL, "out of memory");
		if (strlen(*sock[i]) > CONFIG_MAX_SOCKET_PATH)
			return perr(ps, ps->keyline[KI_STATE_DIR], "state_dir",
			    "too long for the default %s (state_dir/%s must fit "
			    "in %d bytes); set %s", keydefs[KI_SOCKET + i].name,
			    file[i], CONFIG_MAX_SOCKET_PATH,
			    keydefs[KI_SOCKET + i].name);
	}
	if (cfg->username_pattern == NULL &&
	    (cfg->username_pattern = strdup(CONFIG_DEFAULT_USERNAME_PATTERN)) == NULL)
		return perr(ps, 0, NULL, "out of memory");
	if (strcmp(cfg->socket, cfg->admin_socket) == 0) {
		/* blame the later of the two lines */
		if (ps->keyline[KI_ADMIN_SOCKET] > ps->keyline[KI_SOCKET])
			return perr(ps, ps->keyline[KI_ADMIN_SOCKET],
			    "admin_socket", "must differ from socket");
		return perr(ps, ps->keyline[KI_SOCKET], "socket",
		    "must differ from admin_socket");
	}
	return 0;
}

int
config_parse(const char *name, const char *text, size_t len,
    struct config **cfg_r, char *err, size_t errlen)
{
	struct parser *ps = NULL;
	const char *p, *end, *nl;
	size_t i, llen;
	int r = -1;

	*cfg_r = NULL;
	(void)err_set(err, errlen, -1, "%s", "");
	if (name == NULL)
		name = "(config)";
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return err_set(err, errlen, -1, "%s: out of memory", name);
	ps->name = name;
	ps->err = err;
	ps->errlen = errlen;
	if (text == NULL && len > 0) {
		(void)perr(ps, 0, NULL, "no text");
		goto out;
	} else if (text == NULL)
		text = "";
	if (len > CONFIG_MAX_FILE) {
		(void)perr(ps, 0, NULL, "larger than 1 MiB (%d bytes)",
		    CONFIG_MAX_FILE);
		goto out;
	}
	if ((ps->cfg = calloc(1, sizeof(*ps->cfg))) == NULL ||
	    (ps->cfg->path = strdup(name)) == NULL) {
		(void)perr(ps, 0, NULL, "out of memory");
		goto out;
	}
	/* defaults; strings stay NULL, otp stays CONFIG_OTP_REQUIRED (0) */
	for (i = 0; i < NKEYS; i++)
		if (keydefs[i].type == V_UINT)
			*(unsigned int *)(void *)((char *)ps->cfg +
			    keydefs[i].off) = keydefs[i].def;
	ps->cfg->two_person_rule = 1;

	for (p = text, end = text + len; p < end; ) {
		ps->lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		llen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (memchr(p, '\0', llen) != NULL) {
			(void)perr(ps, ps->lineno, NULL, "NUL byte in file");
			goto out;
		}
		if (llen > CONFIG_MAX_LINE) {
			(void)perr(ps, ps->lineno, NULL,
			    "line longer than %d bytes", CONFIG_MAX_LINE);
			goto out;
		}
		memcpy(ps->line, p, llen);
		ps->line[llen] = '\0';
		p = nl != NULL ? nl + 1 : end;
		if (parse_line(ps, llen) != 0)
			goto out;
	}
	if (finish(ps) != 0)
		goto out;
	*cfg_r = ps->cfg;
	ps->cfg = NULL;
	r = 0;
 out:
	config_free(&ps->cfg);
	wipe(ps, sizeof(*ps));	/* the line buffer may hold a secret */
	free(ps);
	return r;
}

int
config_load(const char *path, struct config **cfg_r, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd = -1, r = -1;

	*cfg_r = NULL;
	(void)err_set(err, errlen, -1, "%s", "");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		(void)err_set(err, errlen, -1, "%s: cannot open: %s", path,
		    strerror(errno));
		goto out;
	}
	/* one byte more than allowed, to tell "exactly 1 MiB" from "larger" */
	if ((text = malloc(CONFIG_MAX_FILE + 1)) == NULL) {
		(void)err_set(err, errlen, -1, "%s: out of memory", path);
		goto out;
	}
	while (len < CONFIG_MAX_FILE + 1) {
		n = read(fd, text + len, CONFIG_MAX_FILE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)err_set(err, errlen, -1, "%s: cannot read: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	r = config_parse(path, text, len, cfg_r, err, errlen);
 out:
	if (fd != -1)
		(void)close(fd);
	if (text != NULL) {
		wipe(text, len);
		free(text);
	}
	return r;
}

void
config_free(struct config **cfgp)
{
	struct config *cfg;
	size_t i;

	if (cfgp == NULL || (cfg = *cfgp) == NULL)
		return;
	free(cfg->path);
	free(cfg->state_dir);
	free(cfg->socket);
	free(cfg->admin_socket);
	free(cfg->radius_listen);
	free(cfg->tls_listen);
	free(cfg->tls_names);
	free(cfg->user);
	free(cfg->username_pattern);
	free(cfg->username_template);
	for (i = 0; i < cfg->nservices; i++)
		free(cfg->services[i].name);
	for (i = 0; i < cfg->nradius_clients; i++) {
		free(cfg->radius_clients[i].name);
		free(cfg->radius_clients[i].address);
		wipe_free_str(cfg->radius_clients[i].secret);
	}
	wipe(cfg, sizeof(*cfg));
	free(cfg);
	*cfgp = NULL;
}

enum config_otp
config_service_otp(const struct config *cfg, const char *service)
{
	size_t i;

	if (cfg == NULL)
		return CONFIG_OTP_REQUIRED;	/* fail closed */
	if (service != NULL)
		for (i = 0; i < cfg->nservices; i++)
			if (strcmp(cfg->services[i].name, service) == 0)
				return cfg->services[i].otp;
	return cfg->otp;
}
