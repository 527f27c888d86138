/*
 * authd/config.h: authd's configuration file (INTERFACE.md "Configuration file").
 *
 * Format: `key = value` lines, `#` comments (whole line, or after whitespace),
 * blank lines, `[section NAME]` blocks. Unknown keys, duplicate keys, bad
 * numbers and values out of range are errors naming file, line and key.
 */
#ifndef AUTHD_CONFIG_H
#define AUTHD_CONFIG_H

#include <stddef.h>

#define CONFIG_DEFAULT_USERNAME_PATTERN	"^[a-z][a-z0-9._-]{1,31}$"
#define CONFIG_MAX_SERVICES	64
#define CONFIG_MAX_RADIUS	64
#define CONFIG_MAX_FILE		(1024 * 1024)	/* bytes; larger files are refused */
#define CONFIG_MAX_LINE		4096	/* bytes per line, LF not counted */
#define CONFIG_MAX_SOCKET_PATH	107	/* an AF_UNIX sun_path holds 108 bytes with the NUL */
#define CONFIG_MAX_NAME		64	/* section names: [A-Za-z0-9._-] */
#define CONFIG_MIN_SECRET	16	/* RADIUS shared secrets, bytes */
#define CONFIG_MIN_RETENTION	184	/* audit_retention_days: six months, never less */

enum config_otp { CONFIG_OTP_REQUIRED = 0, CONFIG_OTP_OFF = 1 };

struct config_service {
	char		*name;
	enum config_otp	 otp;
};

struct config_radius_client {
	char		*name;
	char		*address;	/* CIDR, as written */
	char		*secret;	/* wiped on free */
	int		 require_ma;	/* require_message_authenticator (yes) */
};

struct config {
	char		*path;			/* the file read */
	char		*state_dir;		/* required */
	char		*socket;		/* default state_dir/authd.sock */
	char		*admin_socket;		/* default state_dir/admin.sock */
	enum config_otp	 otp;			/* default required */
	unsigned int	 kdf_memory_kib;	/* 19456; 8..4194304 */
	unsigned int	 kdf_iterations;	/* 2; 1..100 */
	unsigned int	 lockout_failures;	/* 5; 0 = never, ..1000 */
	unsigned int	 lockout_minutes;	/* 15; 1..525600 */
	unsigned int	 password_warn_days;	/* 14; 0..365 */
	unsigned int	 workers;		/* hashing threads; 0 = number of CPUs; ..64 */
	unsigned int	 queue_max;		/* hash jobs waiting; 64; 1..100000 */
	unsigned int	 failure_delay_ms;	/* delay before a login failure reply; 1000; 0..10000 */
	unsigned int	 prompt_timeout;	/* seconds a person may take to answer a prompt; 120 */
	unsigned int	 idle_timeout;		/* seconds a client may stay silent; 60; 1..3600 */
	unsigned int	 admin_session_minutes;	/* admin session idle expiry; 15; 1..1440 */
	unsigned int	 max_connections;	/* open client connections; 256; 1..100000 */
	unsigned int	 max_connections_per_uid; /* per local peer uid; 32; 1..100000 */
	unsigned int	 tls_handshakes_per_second; /* new TLS connections; 200; 1..100000 */
	char		*radius_listen;		/* NULL = off */
	char		*tls_listen;		/* NULL = off */
	char		*tls_names;		/* NULL = defaults; else "a,b,c" (spaces removed) */
	char		*user;			/* run as this account once the sockets are open;
						   NULL = stay as started */
	char		*username_pattern;	/* R4: ERE every new name matches */
	char		*username_template;	/* R4: generated names, e.g. {unit}{seq:4}; NULL = off */
	unsigned int	 request_hours;		/* two-person requests expire after; 24 */
	int		 two_person_rule;	/* 1 (yes) */
	unsigned int	 audit_retention_days;	/* 184; 184..36500 */
	struct config_service		services[CONFIG_MAX_SERVICES];
	size_t				nservices;
	struct config_radius_client	radius_clients[CONFIG_MAX_RADIUS];
	size_t				nradius_clients;
};

/*
 * Read and check path. On success *cfg_r is a new config (free with
 * config_free). On failure returns -1, *cfg_r is NULL, and one message of
 * the form "FILE:LINE: KEY: problem" (or "FILE:LINE: problem" when no key is
 * involved, or "FILE: problem") is written into err (errlen bytes; err may be
 * NULL). Values of `secret` are never echoed. Needs common/proto.c (UTF-8
 * check) and common/num.c (numbers).
 */
int	config_load(const char *path, struct config **cfg_r, char *err, size_t errlen);
/* Parse from memory; name is used in messages in place of a file name. */
int	config_parse(const char *name, const char *text, size_t len,
	    struct config **cfg_r, char *err, size_t errlen);
void	config_free(struct config **cfgp);
/* The factor policy of a PAM service or RADIUS client name (the default if not listed). */
enum config_otp config_service_otp(const struct config *cfg, const char *service);

#endif
