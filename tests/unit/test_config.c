/* tests/unit/test_config.c: authd/config.c, table-driven (TAP). */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

#define SD	"state_dir = /var/lib/authd\n"
#define RC	"[radius-client sw1]\naddress = 192.0.2.0/24\n"
#define SECRET	"0123456789abcdef"

static char errbuf[512];

static int
parse(const char *text, struct config **cfg_r)
{
	return config_parse("t.conf", text, strlen(text), cfg_r, errbuf,
	    sizeof(errbuf));
}

/* Each of these must be refused with a message containing want. */
static const struct {
	const char	*text;
	const char	*want;
} bad[] = {
	/* unknown, duplicate, malformed keys */
	{ SD "foo = 1\n", "t.conf:2: foo: unknown key" },
	{ SD "State_Dir = /x\n", "t.conf:2: State_Dir: unknown key" },
	{ SD "workers = 1\n\nworkers = 2\n",
	    "t.conf:4: workers: duplicate key (first set on line 2)" },
	{ SD "state_dir = /var/lib/authd\n", "t.conf:2: state_dir: duplicate key" },
	{ "state_dir /var/lib/authd\n", "t.conf:1: state_dir: missing \"=\"" },
	{ SD "\nhello world\n", "t.conf:3: missing \"=\"" },
	{ SD "socket =   \n", "t.conf:2: socket: empty value" },
	{ SD "socket =  # nothing\n", "t.conf:2: socket: empty value" },
	{ SD "  = 5\n", "t.conf:2: missing key before \"=\"" },
	{ SD "st@te = 5\n", "t.conf:2: invalid key name" },
	{ SD "address = 192.0.2.1\n",
	    "t.conf:2: address: only allowed in a [radius-client NAME] section" },
	/* sections */
	{ SD "[foo bar]\n", "t.conf:2: unknown section type \"foo\"" },
	{ SD "[service sshd\n", "t.conf:2: a section header must end with \"]\"" },
	{ SD "[service]\n", "t.conf:2: [service NAME]: the name must be" },
	{ SD "[service a b]\n", "t.conf:2: [service NAME]: the name must be" },
	{ SD "[radius-client sw/1]\n", "t.conf:2: [radius-client NAME]: the name" },
	{ SD "[service sshd]\notp = off\n[service su]\notp = off\n"
	    "[service sshd]\notp = off\n",
	    "t.conf:6: duplicate section [service sshd]" },
	{ SD RC "secret = " SECRET "\n" RC "secret = " SECRET "\n",
	    "t.conf:5: duplicate section [radius-client sw1]" },
	{ SD "[service sshd]\notp = off\naddress = 192.0.2.1\n",
	    "t.conf:4: address: unknown key in [service sshd] (allowed: otp)" },
	{ SD "[service sshd]\notp = off\nworkers = 4\n",
	    "t.conf:4: workers: not allowed in [service sshd] (top-level" },
	{ SD "[service sshd]\notp = off\notp = required\n",
	    "t.conf:4: otp: duplicate key (first set on line 3)" },
	{ SD "[service sshd]\notp = maybe\n", "t.conf:3: otp: must be required or off" },
	{ SD "[service sshd]\n\n[service su]\notp = off\n",
	    "t.conf:2: otp: missing in [service sshd]" },
	{ SD "[service sshd]\n", "t.conf:2: otp: missing in [service sshd]" },
	{ SD RC "otp = off\n",
	    "t.conf:4: otp: unknown key in [radius-client sw1] (allowed: address, secret, require_message_authenticator)" },
	{ SD RC, "t.conf:2: secret: missing in [radius-client sw1]" },
	{ SD "[radius-client sw1]\nsecret = " SECRET "\n",
	    "t.conf:2: address: missing in [radius-client sw1]" },
	{ SD RC "secret = long-enough-secret-1\nsecret = " SECRET "\n",
	    "t.conf:5: secret: duplicate key (first set on line 4)" },
	{ SD RC "secret = 0123456789abcde\n",
	    "t.conf:4: secret: must be at least 16 characters" },
	{ SD RC "secret = 0123456789abcdef #x\n[service a]\notp = off\n"
	    "[radius-client sw2]\naddress = 192.0.2.1\nsecret = tiny #x\n",
	    "t.conf:9: secret: must be at least 16 characters" },
	{ SD "[radius-client sw1]\naddress = 192.0.2.0/33\n",
	    "t.conf:3: address: must be an IPv4 or IPv6 address or CIDR" },
	{ SD "[radius-client sw1]\naddress = switch.example\n",
	    "t.conf:3: address: must be an IPv4 or IPv6" },
	{ SD "[radius-client sw1]\naddress = 2001:db8::/129\n",
	    "t.conf:3: address: must be" },
	{ SD "[radius-client sw1]\naddress = 192.0.2.0/\n",
	    "t.conf:3: address: must be" },
	{ SD "[radius-client sw1]\naddress = 192.0.2.0/-1\n",
	    "t.conf:3: address: must be" },
	/* numbers: signs, junk, overflow, range */
	{ SD "workers = -1\n", "t.conf:2: workers: not a number" },
	{ SD "workers = +1\n", "t.conf:2: workers: not a number" },
	{ SD "workers = 1x\n", "t.conf:2: workers: not a number" },
	{ SD "workers = 0x10\n", "t.conf:2: workers: not a number" },
	{ SD "workers = 1e3\n", "t.conf:2: workers: not a number" },
	{ SD "workers = 1 2\n", "t.conf:2: workers: not a number" },
	{ SD "workers = 1.5\n", "t.conf:2: workers: not a number" },
	{ SD "workers = four\n", "t.conf:2: workers: not a number" },
	{ SD "kdf_memory_kib = 18446744073709551616\n",
	    "t.conf:2: kdf_memory_kib: must be between 8 and 4194304" },
	{ SD "kdf_memory_kib = 99999999999999999999999999\n",
	    "t.conf:2: kdf_memory_kib: must be between 8 and 4194304" },
	{ SD "queue_max = 4294967297\n",
	    "t.conf:2: queue_max: must be between 1 and 100000" },
	{ SD "kdf_memory_kib = 7\n",
	    "t.conf:2: kdf_memory_kib: must be between 8 and 4194304" },
	{ SD "kdf_memory_kib = 4194305\n",
	    "t.conf:2: kdf_memory_kib: must be between 8 and 4194304" },
	{ SD "kdf_iterations = 0\n", "t.conf:2: kdf_iterations: must be between 1 and 100" },
	{ SD "kdf_iterations = 101\n", "t.conf:2: kdf_iterations: must be between 1 and 100" },
	{ SD "lockout_failures = 1001\n",
	    "t.conf:2: lockout_failures: must be between 0 and 1000" },
	{ SD "lockout_minutes = 0\n",
	    "t.conf:2: lockout_minutes: must be between 1 and 525600" },
	{ SD "lockout_minutes = 525601\n",
	    "t.conf:2: lockout_minutes: must be between 1 and 525600" },
	{ SD "password_warn_days = 366\n",
	    "t.conf:2: password_warn_days: must be between 0 and 365" },
	{ SD "workers = 65\n", "t.conf:2: workers: must be between 0 and 64" },
	{ SD "queue_max = 0\n", "t.conf:2: queue_max: must be between 1 and 100000" },
	{ SD "queue_max = 100001\n", "t.conf:2: queue_max: must be between 1 and 100000" },
	{ SD "failure_delay_ms = 10001\n",
	    "t.conf:2: failure_delay_ms: must be between 0 and 10000" },
	{ SD "idle_timeout = 0\n", "t.conf:2: idle_timeout: must be between 1 and 3600" },
	{ SD "idle_timeout = 3601\n", "t.conf:2: idle_timeout: must be between 1 and 3600" },
	{ SD "admin_session_minutes = 1441\n",
	    "t.conf:2: admin_session_minutes: must be between 1 and 1440" },
	{ SD "max_connections = 0\n",
	    "t.conf:2: max_connections: must be between 1 and 100000" },
	{ SD "audit_retention_days = 183\n",
	    "t.conf:2: audit_retention_days: must be at least 184: audit records "
	    "are kept never less than 184 days (six months)" },
	{ SD "audit_retention_days = 0\n",
	    "never less than 184 days (six months)" },
	{ SD "audit_retention_days = 36501\n",
	    "t.conf:2: audit_retention_days: must be between 184 and 36500" },
	{ SD "audit_retention_days = -200\n",
	    "t.conf:2: audit_retention_days: not a number" },
	/* enumerations */
	{ SD "otp = optional\n", "t.conf:2: otp: must be required or off" },
	{ SD "otp = Required\n", "t.conf:2: otp: must be required or off" },
	{ SD "two_person_rule = true\n", "t.conf:2: two_person_rule: must be yes or no" },
	/* paths */
	{ "state_dir = var/lib/authd\n", "t.conf:1: state_dir: must be an absolute path" },
	{ "# no state_dir\nworkers = 2\n", "t.conf: state_dir: missing" },
	{ "", "t.conf: state_dir: missing" },
	{ SD "socket = authd.sock\n", "t.conf:2: socket: must be an absolute path" },
	{ SD "admin_socket = ./admin.sock\n",
	    "t.conf:2: admin_socket: must be an absolute path" },
	{ SD "socket = /tmp/s\nadmin_socket = /tmp/s\n",
	    "t.conf:3: admin_socket: must differ from socket" },
	{ SD "admin_socket = /tmp/s\nsocket = /tmp/s\n",
	    "t.conf:3: socket: must differ from admin_socket" },
	{ SD "socket = /var/lib/authd/authd.sock\nadmin_socket = "
	    "/var/lib/authd/authd.sock\n", "t.conf:3: admin_socket: must differ" },
	/* listen addresses */
	{ SD "radius_listen = 1812\n", "t.conf:2: radius_listen: must be ADDR:PORT" },
	{ SD "radius_listen = 0.0.0.0:\n", "t.conf:2: radius_listen: must be ADDR:PORT" },
	{ SD "radius_listen = :1812\n", "t.conf:2: radius_listen: must be ADDR:PORT" },
	{ SD "radius_listen = 0.0.0.0:0\n", "t.conf:2: radius_listen: must be ADDR:PORT" },
	{ SD "radius_listen = 0.0.0.0:65536\n", "t.conf:2: radius_listen: must be" },
	{ SD "radius_listen = 0.0.0.0:+1812\n", "t.conf:2: radius_listen: must be" },
	{ SD "radius_listen = ::1:1812\n", "t.conf:2: radius_listen: must be" },
	{ SD "radius_listen = [::1:1812\n", "t.conf:2: radius_listen: must be" },
	{ SD "radius_listen = [::1]1812\n", "t.conf:2: radius_listen: must be" },
	{ SD "radius_listen = [1.2.3.4]:1812\n", "t.conf:2: radius_listen: must be" },
	{ SD "tls_listen = bad_host:8443\n", "t.conf:2: tls_listen: must be ADDR:PORT" },
	{ SD "tls_listen = 1.2.3.999:8443\n", "t.conf:2: tls_listen: must be ADDR:PORT" },
	{ SD "tls_listen = -host:8443\n", "t.conf:2: tls_listen: must be ADDR:PORT" },
	{ SD "tls_listen = [fe80::1%eth0]:8443\n", "t.conf:2: tls_listen: must be" },
	{ SD "tls_names = a,,b\n", "t.conf:2: tls_names: must be a comma-separated" },
	{ SD "tls_names = a,\n", "t.conf:2: tls_names: must be a comma-separated" },
	{ SD "tls_names = host/x\n", "t.conf:2: tls_names: must be a comma-separated" },
	{ SD "tls_names = a b,c\n", "t.conf:2: tls_names: must be a comma-separated" },
	{ SD "tls_names = ,a\n", "t.conf:2: tls_names: must be a comma-separated" },
	{ SD "[radius-client sw1]\naddress = 192.0.2.0/024x\n",
	    "t.conf:3: address: must be" },
	{ SD "[radius-client sw1]\naddress = 192.0.2.0 /24\n",
	    "t.conf:3: address: must be" },
	/* user: a name, and one the system knows (DESIGN.md: privileges dropped) */
	{ SD "user = no-such-user-for-authd\n", "t.conf:2: user: no such user: no-such-user-for-authd" },
	{ SD "user = -root\n", "t.conf:2: user: must be a user name" },
	{ SD "user = a b\n", "t.conf:2: user: must be a user name" },
	{ SD "user = a/b\n", "t.conf:2: user: must be a user name" },
	{ SD "user = root\nuser = root\n", "t.conf:3: user: duplicate key" },
	/* bytes */
	{ SD "workers = 1\x01\n", "t.conf:2: control character in line" },
	{ SD "\n\nsocket = /tmp/\x7f\n", "t.conf:4: control character in line" },
	{ SD "workers = 1\rx\n", "t.conf:2: control character in line" },
	{ SD "socket = /tmp/\xc0\x80\n", "t.conf:2: invalid UTF-8" },
	{ SD "socket = /tmp/\xed\xa0\x80\n", "t.conf:2: invalid UTF-8" },
	{ SD "socket = /tmp/\xff\n", "t.conf:2: invalid UTF-8" },
};

/* Each of these must be accepted. */
static const char *const good[] = {
	SD "radius_listen = 127.0.0.1:1812\ntls_listen = [::1]:65535\n",
	SD "radius_listen = localhost:1\ntls_listen = auth-1.example.org:8443\n",
	SD "tls_names = x\n",
	SD "tls_names =   a , b,c  \n",
	SD "[radius-client a]\naddress = 0.0.0.0/0\nsecret = " SECRET "\n"
	    "[radius-client b]\naddress = ::/0\nsecret = " SECRET "\n"
	    "[radius-client c]\naddress = 2001:db8::/128\nsecret = " SECRET "\n"
	    "[radius-client d]\naddress = 10.1.2.3/32\nsecret = " SECRET "\n",
	SD "[radius-client sw1]\nsecret = " SECRET "\naddress = 192.0.2.7\n",
	SD "[service a]\notp = off\n[radius-client a]\naddress = 192.0.2.7\n"
	    "secret = " SECRET "\n",
	SD "workers=1\nqueue_max\t=\t5\n",
	SD "audit_retention_days = 36500\nkdf_memory_kib = 8\n",
	SD "kdf_memory_kib = 4194304\nlockout_failures = 1000\n",
	"# only comments and blanks\n\n   \n\t\n" SD "#\n",
	SD "otp = off # no second factor\ntwo_person_rule = yes\n",
	SD "user = root\n",
};

static void
test_good_table(void)
{
	struct config *cfg;
	size_t i;
	int r;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cfg = NULL;
		errbuf[0] = '\0';
		r = parse(good[i], &cfg);
		ok(r == 0 && cfg != NULL, "good[%zu] accepted", i);
		if (r != 0)
			printf("#   %s\n", errbuf);
		config_free(&cfg);
	}
}

static void
test_bad_table(void)
{
	struct config *cfg;
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = (struct config *)1;
		errbuf[0] = '\0';
		r = parse(bad[i].text, &cfg);
		ok(r == -1 && cfg == NULL, "bad[%zu] refused (want \"%s\")", i,
		    bad[i].want);
		like(errbuf, bad[i].want, "bad[%zu] message", i);
		config_free(&cfg);
	}
}

static void
test_full(void)
{
	static const char text[] =
	    "# authd.conf\n"
	    "state_dir = /var/lib/authd\n"
	    "socket = /run/authd/authd.sock   # the PAM socket\n"
	    "admin_socket=/run/authd/admin.sock\n"
	    "\totp\t=\toff\t\n"
	    "kdf_memory_kib = 65536\n"
	    "kdf_iterations = 3\n"
	    "lockout_failures = 0\n"
	    "lockout_minutes = 525600\n"
	    "password_warn_days = 0\n"
	    "workers = 64\n"
	    "queue_max = 100000\n"
	    "failure_delay_ms = 0\n"
	    "idle_timeout = 3600\n"
	    "admin_session_minutes = 1440\n"
	    "max_connections = 1\n"
	    "radius_listen = 0.0.0.0:1812\n"
	    "tls_listen = [::]:8443\n"
	    "tls_names = auth.example.org , localhost,127.0.0.1,  ::1\n"
	    "two_person_rule = no\n"
	    "audit_retention_days = 0184\n"
	    "\n"
	    "   # indented comment\n"
	    "[service sshd]\n"
	    "otp = required\n"
	    "[ service   vpn-gw.1 ]\n"
	    "otp = off\n"
	    "[radius-client core-sw1]\n"
	    "address = 192.0.2.0/24\n"
	    "secret = s3cret#with#hashes!  # a comment\n"
	    "[radius-client v6]\n"
	    "address = 2001:db8::1\n"
	    "secret = 0123456789abcdef\n";
	struct config *cfg = NULL;
	int r;

	r = parse(text, &cfg);
	is_int(r, 0, "full config parses");
	is_str(errbuf, "", "no error message");
	if (cfg == NULL) {
		ok(0, "full config: no cfg");
		return;
	}
	is_str(cfg->path, "t.conf", "path");
	is_str(cfg->state_dir, "/var/lib/authd", "state_dir");
	is_str(cfg->socket, "/run/authd/authd.sock", "socket, comment stripped");
	is_str(cfg->admin_socket, "/run/authd/admin.sock", "admin_socket, no spaces");
	is_int(cfg->otp, CONFIG_OTP_OFF, "otp off, TABs trimmed");
	is_int(cfg->kdf_memory_kib, 65536, "kdf_memory_kib");
	is_int(cfg->kdf_iterations, 3, "kdf_iterations");
	is_int(cfg->lockout_failures, 0, "lockout_failures 0");
	is_int(cfg->lockout_minutes, 525600, "lockout_minutes max");
	is_int(cfg->password_warn_days, 0, "password_warn_days 0");
	is_int(cfg->workers, 64, "workers max");
	is_int(cfg->queue_max, 100000, "queue_max max");
	is_int(cfg->failure_delay_ms, 0, "failure_delay_ms 0");
	is_int(cfg->idle_timeout, 3600, "idle_timeout max");
	is_int(cfg->admin_session_minutes, 1440, "admin_session_minutes max");
	is_int(cfg->max_connections, 1, "max_connections min");
	is_str(cfg->radius_listen, "0.0.0.0:1812", "radius_listen");
	is_str(cfg->tls_listen, "[::]:8443", "tls_listen");
	is_str(cfg->tls_names, "auth.example.org,localhost,127.0.0.1,::1",
	    "tls_names normalized");
	is_int(cfg->two_person_rule, 0, "two_person_rule no");
	is_int(cfg->audit_retention_days, 184, "audit_retention_days 0184");
	is_int(cfg->nservices, 2, "two services");
	is_str(cfg->services[0].name, "sshd", "service 0 name");
	is_int(cfg->services[0].otp, CONFIG_OTP_REQUIRED, "service 0 otp");
	is_str(cfg->services[1].name, "vpn-gw.1", "service 1 name, spaces in header");
	is_int(cfg->services[1].otp, CONFIG_OTP_OFF, "service 1 otp");
	is_int(cfg->nradius_clients, 2, "two radius clients");
	is_str(cfg->radius_clients[0].name, "core-sw1", "radius 0 name");
	is_str(cfg->radius_clients[0].address, "192.0.2.0/24", "radius 0 address");
	is_str(cfg->radius_clients[0].secret, "s3cret#with#hashes!",
	    "radius 0 secret keeps # not after a space");
	is_str(cfg->radius_clients[1].address, "2001:db8::1", "radius 1 address");
	is_str(cfg->radius_clients[1].secret, "0123456789abcdef",
	    "radius 1 secret of exactly 16");

	is_int(config_service_otp(cfg, "sshd"), CONFIG_OTP_REQUIRED,
	    "sshd overrides default off");
	is_int(config_service_otp(cfg, "vpn-gw.1"), CONFIG_OTP_OFF, "vpn-gw.1 off");
	is_int(config_service_otp(cfg, "login"), CONFIG_OTP_OFF,
	    "unlisted service gets the default");
	is_int(config_service_otp(cfg, "SSHD"), CONFIG_OTP_OFF,
	    "service names are case-sensitive");
	is_int(config_service_otp(cfg, NULL), CONFIG_OTP_OFF, "NULL service: default");
	config_free(&cfg);
	ok(cfg == NULL, "config_free NULLs the pointer");
}

static void
test_defaults(void)
{
	struct config *cfg = NULL;

	is_int(parse("state_dir = /var/lib/authd/", &cfg), 0, "minimal config");
	if (cfg == NULL) {
		ok(0, "defaults: no cfg");
		return;
	}
	is_str(cfg->state_dir, "/var/lib/authd", "trailing slash dropped");
	is_str(cfg->socket, "/var/lib/authd/authd.sock", "default socket");
	is_str(cfg->admin_socket, "/var/lib/authd/admin.sock", "default admin_socket");
	is_int(cfg->otp, CONFIG_OTP_REQUIRED, "default otp required");
	is_int(cfg->kdf_memory_kib, 19456, "default kdf_memory_kib");
	is_int(cfg->kdf_iterations, 2, "default kdf_iterations");
	is_int(cfg->lockout_failures, 5, "default lockout_failures");
	is_int(cfg->lockout_minutes, 15, "default lockout_minutes");
	is_int(cfg->password_warn_days, 14, "default password_warn_days");
	is_int(cfg->workers, 0, "default workers");
	is_int(cfg->queue_max, 64, "default queue_max");
	is_int(cfg->failure_delay_ms, 1000, "default failure_delay_ms");
	is_int(cfg->idle_timeout, 60, "default idle_timeout");
	is_int(cfg->admin_session_minutes, 15, "default admin_session_minutes");
	is_int(cfg->max_connections, 256, "default max_connections");
	ok(cfg->radius_listen == NULL, "default radius_listen off");
	ok(cfg->tls_listen == NULL, "default tls_listen off");
	ok(cfg->tls_names == NULL, "default tls_names");
	is_int(cfg->two_person_rule, 1, "default two_person_rule yes");
	is_int(cfg->audit_retention_days, 184, "default audit_retention_days");
	is_int(cfg->nservices, 0, "no services");
	is_int(cfg->nradius_clients, 0, "no radius clients");
	is_int(config_service_otp(cfg, "sshd"), CONFIG_OTP_REQUIRED,
	    "unlisted service: default required");
	config_free(&cfg);

	is_int(parse("state_dir = /\n", &cfg), 0, "state_dir /");
	if (cfg != NULL)
		is_str(cfg->socket, "/authd.sock", "socket under /");
	config_free(&cfg);
}

/* Line endings, the last line without LF, limits at their edges. */
static void
test_edges(void)
{
	struct config *cfg = NULL;
	char *text, sock[CONFIG_MAX_SOCKET_PATH + 2], line[256];
	size_t n, i;
	int r;

	is_int(parse("state_dir = /a\r\nworkers = 3\r\n", &cfg), 0, "CRLF accepted");
	if (cfg != NULL)
		is_int(cfg->workers, 3, "CRLF value");
	config_free(&cfg);

	r = parse("state_dir = /a\r\nworkers = x\r\n", &cfg);
	like(errbuf, "t.conf:2: workers: not a number", "CRLF line numbers");

	r = parse(SD "workers = 3", &cfg);
	is_int(r, 0, "last line without LF");
	if (cfg != NULL)
		is_int(cfg->workers, 3, "last line value");
	config_free(&cfg);
	r = parse(SD "\n\n\nworkers = 99", &cfg);
	like(errbuf, "t.conf:5: workers: must be between 0 and 64",
	    "error on last line without LF");

	/* socket path of exactly 107 bytes: accepted; 108: refused */
	memset(sock, 'x', sizeof(sock));
	sock[0] = '/';
	sock[CONFIG_MAX_SOCKET_PATH] = '\0';
	n = (size_t)snprintf(line, sizeof(line), SD "socket = %s\n", sock);
	is_int(config_parse("t.conf", line, n, &cfg, errbuf, sizeof(errbuf)), 0,
	    "socket of 107 bytes");
	config_free(&cfg);
	sock[CONFIG_MAX_SOCKET_PATH] = 'x';
	sock[CONFIG_MAX_SOCKET_PATH + 1] = '\0';
	n = (size_t)snprintf(line, sizeof(line), SD "socket = %s\n", sock);
	is_int(config_parse("t.conf", line, n, &cfg, errbuf, sizeof(errbuf)), -1,
	    "socket of 108 bytes");
	like(errbuf, "t.conf:2: socket: longer than 107 bytes", "socket too long message");

	/* state_dir so long that the default socket would not fit */
	memset(sock, 'd', sizeof(sock));
	sock[0] = '/';
	sock[100] = '\0';
	n = (size_t)snprintf(line, sizeof(line), "\nstate_dir = %s\n", sock);
	is_int(config_parse("t.conf", line, n, &cfg, errbuf, sizeof(errbuf)), -1,
	    "long state_dir without socket");
	like(errbuf, "t.conf:2: state_dir: too long for the default socket",
	    "long state_dir message");
	n = (size_t)snprintf(line, sizeof(line), "state_dir = %s\n"
	    "socket = /run/a.sock\nadmin_socket = /run/b.sock\n", sock);
	is_int(config_parse("t.conf", line, n, &cfg, errbuf, sizeof(errbuf)), 0,
	    "long state_dir with explicit sockets");
	config_free(&cfg);

	/* line length: 4096 bytes accepted, 4097 refused */
	text = malloc(2 * CONFIG_MAX_LINE + 64);
	n = (size_t)sprintf(text, SD "#");
	memset(text + n, 'c', CONFIG_MAX_LINE - 1);
	n += CONFIG_MAX_LINE - 1;
	text[n++] = '\n';
	is_int(config_parse("t.conf", text, n, &cfg, errbuf, sizeof(errbuf)), 0,
	    "line of 4096 bytes accepted");
	config_free(&cfg);
	n--;
	text[n++] = 'c';
	text[n++] = '\n';
	is_int(config_parse("t.conf", text, n, &cfg, errbuf, sizeof(errbuf)), -1,
	    "line of 4097 bytes refused");
	like(errbuf, "t.conf:2: line longer than 4096 bytes", "long line message");
	free(text);

	/* NUL byte */
	is_int(config_parse("t.conf", SD "workers = 1\n# a\0b\n",
	    sizeof(SD "workers = 1\n# a\0b\n") - 1, &cfg, errbuf, sizeof(errbuf)),
	    -1, "NUL byte refused");
	like(errbuf, "t.conf:3: NUL byte in file", "NUL message");

	/* file size: exactly 1 MiB accepted, one byte more refused */
	text = malloc(CONFIG_MAX_FILE + 1);
	n = (size_t)sprintf(text, SD);
	while (n < CONFIG_MAX_FILE) {
		i = CONFIG_MAX_FILE - n < 1000 ? CONFIG_MAX_FILE - n : 1000;
		memset(text + n, '#', i);
		text[n + i - 1] = '\n';
		n += i;
	}
	is_int(config_parse("t.conf", text, n, &cfg, errbuf, sizeof(errbuf)), 0,
	    "file of 1 MiB accepted");
	config_free(&cfg);
	text[n++] = '\n';
	is_int(config_parse("t.conf", text, n, &cfg, errbuf, sizeof(errbuf)), -1,
	    "file over 1 MiB refused");
	is_str(errbuf, "t.conf: larger than 1 MiB (1048576 bytes)", "size message");
	free(text);

	/* 64 sections of a kind accepted, 65 refused */
	text = malloc(65 * 64 + 64);
	n = (size_t)sprintf(text, SD);
	for (i = 0; i < CONFIG_MAX_SERVICES; i++)
		n += (size_t)sprintf(text + n, "[service s%zu]\notp = off\n", i);
	is_int(config_parse("t.conf", text, n, &cfg, errbuf, sizeof(errbuf)), 0,
	    "64 services accepted");
	if (cfg != NULL)
		is_int(config_service_otp(cfg, "s63"), CONFIG_OTP_OFF, "service s63");
	config_free(&cfg);
	n += (size_t)sprintf(text + n, "[service s64]\notp = off\n");
	is_int(config_parse("t.conf", text, n, &cfg, errbuf, sizeof(errbuf)), -1,
	    "65 services refused");
	like(errbuf, "t.conf:130: too many [service] sections (at most 64)",
	    "too many services message");
	free(text);

	/* the secret never appears in a message */
	r = parse(SD RC "secret = hunter2-short\n", &cfg);
	ok(r == -1 && strstr(errbuf, "hunter2") == NULL, "short secret not echoed");
	r = parse(SD "hunter2 secret line\n", &cfg);
	ok(r == -1 && strstr(errbuf, "hunter2") == NULL, "stray line not echoed");

	/* a small or missing error buffer is never overrun */
	memset(line, 'Z', sizeof(line));
	r = config_parse("t.conf", "foo = 1", 7, &cfg, line, 8);
	ok(r == -1 && strlen(line) == 7 && line[8] == 'Z', "short errbuf truncates");
	r = config_parse("t.conf", "foo = 1", 7, &cfg, NULL, 0);
	ok(r == -1 && cfg == NULL, "NULL errbuf");
	config_free(NULL);
	ok(1, "config_free(NULL) is a no-op");
}

static void
test_load(void)
{
	struct config *cfg = (struct config *)1;
	char dir[256], path[300], big[400];
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int r;

	r = config_load("/nonexistent/authd-test/authd.conf", &cfg, errbuf,
	    sizeof(errbuf));
	ok(r == -1 && cfg == NULL, "missing file refused");
	is_str(errbuf, "/nonexistent/authd-test/authd.conf: cannot open: "
	    "No such file or directory", "missing file message with strerror");

	(void)snprintf(dir, sizeof(dir), "%s/test_config.XXXXXX",
	    tmp != NULL && tmp[0] == '/' && strlen(tmp) < 200 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/authd.conf", dir);
	f = fopen(path, "w");
	fputs("state_dir = /var/lib/authd\n[service sshd]\notp = off\n", f);
	fclose(f);
	r = config_load(path, &cfg, errbuf, sizeof(errbuf));
	is_int(r, 0, "config_load of a valid file");
	if (cfg != NULL) {
		is_str(cfg->path, path, "cfg->path is the file read");
		is_int(config_service_otp(cfg, "sshd"), CONFIG_OTP_OFF,
		    "loaded service otp");
	}
	config_free(&cfg);

	f = fopen(path, "w");
	fputs("state_dir = /var/lib/authd\n\nworkers = 100\n", f);
	fclose(f);
	r = config_load(path, &cfg, errbuf, sizeof(errbuf));
	ok(r == -1 && cfg == NULL, "config_load of a bad file");
	(void)snprintf(big, sizeof(big), "%s:3: workers: must be between 0 and 64",
	    path);
	is_str(errbuf, big, "message names the file");

	f = fopen(path, "w");
	for (r = 0; r < CONFIG_MAX_FILE / 8 + 1; r++)
		fputs("#######\n", f);
	fclose(f);
	r = config_load(path, &cfg, errbuf, sizeof(errbuf));
	ok(r == -1 && cfg == NULL, "config_load of a file over 1 MiB");
	(void)snprintf(big, sizeof(big), "%s: larger than 1 MiB", path);
	like(errbuf, big, "size message names the file");
	(void)unlink(path);

	r = config_load(dir, &cfg, errbuf, sizeof(errbuf));
	ok(r == -1 && cfg == NULL, "config_load of a directory");
	(void)snprintf(big, sizeof(big), "%s: cannot read: Is a directory", dir);
	is_str(errbuf, big, "directory message");
	(void)rmdir(dir);
}

int
main(void)
{
	test_bad_table();
	test_good_table();
	test_full();
	test_defaults();
	test_edges();
	test_load();
	return tap_done();
}
