/* authd/main.c: command line, --init, -n, and serving. */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "account.h"
#include "admin.h"
#include "config.h"
#include "keys.h"
#include "log.h"
#include "privdrop.h"
#include "policy.h"
#include "pwhash.h"
#include "seal.h"
#include "server.h"
#include "store.h"
#include "wipe.h"

#define DEFAULT_CONFIG	"/etc/authd/authd.conf"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: authd [-c FILE] [-f] [-d]            serve\n"
	    "       authd [-c FILE] -n                   check the configuration\n"
	    "       authd [-c FILE] --init [--admin NAME] initialise the state directory\n"
	    "       authd [-c FILE] --rotate-master-key  re-seal secrets under a new key\n"
	    "  -c FILE   configuration file (default " DEFAULT_CONFIG ")\n"
	    "  -f        stay in the foreground, log to stderr\n"
	    "  -d        debug logging (never secrets)\n");
}

static int
mkdir_private(const char *dir, char *err, size_t errlen)
{
	char tmp[4096], *p;
	struct stat sb;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (stat(tmp, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", tmp);
		return -1;
	}
	if (chmod(tmp, 0700) != 0) {
		snprintf(err, errlen, "%s: chmod: %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static int
do_init(struct config *cfg, const char *admin)
{
	char err[512], path[4096], dbpath[4096], msg[256];
	char pw[64], serial[STORE_NAME_MAX + 1], uri[ACCOUNT_URI_MAX];
	struct pwhash_params kdf = { cfg->kdf_memory_kib, cfg->kdf_iterations };
	const struct policy *pol = policy_builtin_find("server");	/* R22: sysadmins */
	struct seal_key key;
	struct store *st = NULL;
	struct store_unit unit;
	struct store_user u;
	struct audit_rec a;
	int64_t now = server_now();
	unsigned char sign_sk[64], sign_pk[32];
	char pkhex[65];
	int r = 1;

	memset(&u, 0, sizeof(u));
	memset(&key, 0, sizeof(key));
	if (admin_check_username(cfg->username_pattern, admin, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "authd: --admin: %s\n", msg);
		return 1;
	}
	if (mkdir_private(cfg->state_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "authd: %s\n", err);
		return 1;
	}
	snprintf(dbpath, sizeof(dbpath), "%s/authd.db", cfg->state_dir);
	snprintf(path, sizeof(path), "%s/master.key", cfg->state_dir);
	if (access(dbpath, F_OK) == 0 || access(path, F_OK) == 0) {
		fprintf(stderr, "authd: %s is already initialised (%s exists); refusing to"
		    " overwrite\n", cfg->state_dir, access(dbpath, F_OK) == 0 ? dbpath : path);
		return 1;
	}
	if (pwhash_init() != 0) {
		fprintf(stderr, "authd: libsodium failed to initialise\n");
		return 1;
	}
	if (seal_key_create(path, err, sizeof(err)) != 0 ||
	    seal_key_load(path, &key, err, sizeof(err)) != 0 ||
	    store_open(dbpath, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "authd: %s\n", err);
		goto out;
	}
	if (keys_load(cfg->state_dir, st, &key, err, sizeof(err)) != 0 ||
	    keys_audit(cfg->state_dir, st, &key, err, sizeof(err)) != 0) {
		fprintf(stderr, "authd: %s\n", err);
		goto out;
	}
	if (policy_generate(pol, admin, pw, sizeof(pw)) != 0 ||
	    pwhash_hash(&kdf, pw, u.pw_hash) != 0) {
		fprintf(stderr, "authd: cannot create the first password\n");
		goto out;
	}
	memset(&unit, 0, sizeof(unit));
	snprintf(unit.code, sizeof(unit.code), "ROOT");
	snprintf(unit.name, sizeof(unit.name), "Root unit");
	unit.created_at = now;
	snprintf(unit.created_by, sizeof(unit.created_by), "authd-init");
	snprintf(u.name, sizeof(u.name), "%s", admin);
	snprintf(u.policy, sizeof(u.policy), "%s", pol->name);
	snprintf(u.must_change, sizeof(u.must_change), "initial");	/* R6 */
	u.pw_changed_at = now;
	u.created_at = now;
	snprintf(u.created_by, sizeof(u.created_by), "authd-init");
	memset(&a, 0, sizeof(a));
	a.actor = "authd-init";
	a.result = "ok";
	a.source_port = -1;
	a.service = "authd";
	if ((r = store_begin(st)) != 0 ||
	    (r = store_policy_seed(st, now)) != 0 ||
	    (r = store_unit_add(st, &unit)) != 0 ||
	    (r = store_unit_get(st, "ROOT", &unit)) != 0)
		goto dberr;
	u.unit_id = unit.id;
	if ((r = store_user_add(st, &u)) != 0 ||
	    (r = store_user_set_roles(st, u.id, "sysadmin")) != 0 ||
	    (r = account_soft_token(st, &key, u.id, admin, now, serial, sizeof(serial), uri,
	    sizeof(uri))) != 0)
		goto dberr;
	a.action = "unit_add";
	a.target = "ROOT";
	if ((r = store_audit_append(st, now, &a)) != 0)
		goto dberr;
	a.action = "user_add";
	a.target = admin;
	a.details = "unit=ROOT roles=sysadmin policy=server (first administrator)";
	if ((r = store_audit_append(st, now, &a)) != 0)
		goto dberr;
	a.action = "key_enroll";
	a.details = serial;
	if ((r = store_audit_append(st, now, &a)) != 0 || (r = store_commit(st)) != 0)
		goto dberr;
	snprintf(path, sizeof(path), "%s/audit-sign.key", cfg->state_dir);
	if (seal_sign_key(path, sign_sk, sign_pk, err, sizeof(err)) != 0) {
		fprintf(stderr, "authd: %s\n", err);
		r = 1;
		goto out;
	}
	hex_encode(sign_pk, 32, pkhex);
	printf("admin: %s\npassword: %s\notpauth: %s\n", admin, pw, uri);
	/* the key that signs audit exports: give it to the auditors now (R33) */
	printf("audit-signing-key: %s\n", pkhex);
	printf("state: %s (database authd.db, master key master.key)\n", cfg->state_dir);
	r = 0;
	goto out;
 dberr:
	fprintf(stderr, "authd: initialising %s: %s\n", dbpath, store_errmsg(st));
	store_rollback(st);
	r = 1;
 out:
	wipe(pw, sizeof(pw));
	wipe(uri, sizeof(uri));
	store_user_clear(&u);
	seal_key_wipe(&key);
	wipe(sign_sk, sizeof(sign_sk));
	store_close(&st);
	return r;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "init", no_argument, NULL, 'I' },
		{ "admin", required_argument, NULL, 'A' },
		{ "rotate-master-key", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = DEFAULT_CONFIG, *admin = "admin";
	struct config *cfg = NULL;
	struct server srv;
	char err[1024];
	int ch, check = 0, init = 0, fg = 0, debug = 0, rotate = 0, r;

	umask(077);
	while ((ch = getopt_long(argc, argv, "c:nfdh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'n': check = 1; break;
		case 'f': fg = 1; break;
		case 'd': debug = 1; break;
		case 'I': init = 1; break;
		case 'A': admin = optarg; break;
		case 'R': rotate = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(conf, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "authd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		config_free(&cfg);
		return 0;
	}
	if (rotate) {
		/* R32: re-seal every seed, phone and ID number under a new master key */
		r = keys_rotate(cfg->state_dir, err, sizeof(err));
		fprintf(r == 0 ? stdout : stderr, "%s%s\n", r == 0 ? "" : "authd: ", err);
		config_free(&cfg);
		return r == 0 ? 0 : 1;
	}
	if (init) {
		r = do_init(cfg, admin);
		config_free(&cfg);
		return r;
	}
	log_init(fg, debug);
	/* DESIGN.md: privileges dropped once the sockets are open, before any thread */
	if (privdrop_check(cfg, err, sizeof(err)) != 0 ||
	    server_init(&srv, cfg, err, sizeof(err)) != 0 ||
	    server_listen(&srv, err, sizeof(err)) != 0 || privdrop(cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "authd: %s\n", err);
		log_warnx("cannot start: %s", err);
		server_free(&srv);
		config_free(&cfg);
		return 1;
	}
	if (!fg && daemon(0, 0) != 0) {
		fprintf(stderr, "authd: daemon: %s\n", strerror(errno));
		return 1;
	}
	r = server_run(&srv) == 0 ? 0 : 1;
	server_free(&srv);
	config_free(&cfg);
	return r;
}
