-- 001_init.sql: units, accounts, policies, tokens, admin sessions and the append-only audit log.
-- Times are UTC epoch seconds. Applied under PRAGMA user_version by authd/store.c.

CREATE TABLE units (
	id		INTEGER PRIMARY KEY,
	code		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL DEFAULT '',
	parent_id	INTEGER REFERENCES units(id),
	allow_from	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	created_by	TEXT NOT NULL
);

CREATE TABLE policies (
	name		TEXT PRIMARY KEY,
	min_length	INTEGER NOT NULL,
	classes		INTEGER NOT NULL,
	split_case	INTEGER NOT NULL DEFAULT 0,
	max_age_days	INTEGER NOT NULL,
	history		INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);

-- state: active | frozen | deleted (a deleted account stays as a tombstone; R9, names not reused)
-- must_change: 0, or the reason: initial | reset | risk
CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	unit_id		INTEGER NOT NULL REFERENCES units(id),
	state		TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','frozen','deleted')),
	policy		TEXT NOT NULL REFERENCES policies(name),
	pw_hash		TEXT NOT NULL,
	pw_changed_at	INTEGER NOT NULL,
	must_change	TEXT NOT NULL DEFAULT '',
	phone		BLOB,		-- sealed (AES-256-GCM, row id as associated data)
	phone_hint	TEXT NOT NULL DEFAULT '',	-- masked form for listings
	im		TEXT NOT NULL DEFAULT '',
	expires_at	INTEGER,
	allow_from	TEXT NOT NULL DEFAULT '',
	failures	INTEGER NOT NULL DEFAULT 0,
	locked_until	INTEGER NOT NULL DEFAULT 0,
	last_login_at	INTEGER,
	freeze_reason	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	created_by	TEXT NOT NULL
);

CREATE TABLE user_roles (
	user_id		INTEGER NOT NULL REFERENCES users(id),
	role		TEXT NOT NULL CHECK (role IN ('sysadmin','bizadmin','leader','responsible','officer','custodian','auditor')),
	PRIMARY KEY (user_id, role)
);

CREATE TABLE password_history (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id),
	pw_hash		TEXT NOT NULL,
	set_at		INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);

-- OTP tokens (keys). state: stock | bound | returned | lost | damaged
CREATE TABLE tokens (
	id		INTEGER PRIMARY KEY,
	serial		TEXT NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind IN ('totp','hotp')),
	soft		INTEGER NOT NULL DEFAULT 0,
	seed		BLOB NOT NULL,	-- sealed
	digits		INTEGER NOT NULL DEFAULT 6,
	period		INTEGER NOT NULL DEFAULT 30,
	counter		INTEGER NOT NULL DEFAULT 0,	-- HOTP: next expected counter
	last_step	INTEGER NOT NULL DEFAULT -1,	-- TOTP: last accepted time step
	drift		INTEGER NOT NULL DEFAULT 0,	-- TOTP: last seen offset in steps (R36)
	state		TEXT NOT NULL DEFAULT 'stock',
	holder_id	INTEGER UNIQUE REFERENCES users(id),
	unit_id		INTEGER REFERENCES units(id),
	created_at	INTEGER NOT NULL
);

CREATE TABLE admin_sessions (
	token_hash	BLOB PRIMARY KEY,	-- SHA-256 of the token; the token itself is never stored
	user_id		INTEGER NOT NULL REFERENCES users(id),
	uid		INTEGER NOT NULL,	-- Unix uid of the peer that logged in
	created_at	INTEGER NOT NULL,
	last_used	INTEGER NOT NULL
);

-- The audit log: append only (R18, R31, R33), each record chained to the one before.
CREATE TABLE audit (
	seq		INTEGER PRIMARY KEY AUTOINCREMENT,
	time		INTEGER NOT NULL,
	actor		TEXT NOT NULL,
	action		TEXT NOT NULL,
	target		TEXT NOT NULL DEFAULT '',
	result		TEXT NOT NULL CHECK (result IN ('ok','fail')),
	reason		TEXT NOT NULL DEFAULT '',
	source_addr	TEXT NOT NULL DEFAULT '',
	source_port	INTEGER,
	host		TEXT NOT NULL DEFAULT '',
	service		TEXT NOT NULL DEFAULT '',
	tty		TEXT NOT NULL DEFAULT '',
	ruser		TEXT NOT NULL DEFAULT '',
	client		TEXT NOT NULL DEFAULT '',
	details		TEXT NOT NULL DEFAULT '',
	-- R33: HMAC-SHA256(audit key, previous record's mac || canonical record): a hash chain
	mac		BLOB NOT NULL
);
CREATE INDEX audit_time ON audit(time);
CREATE INDEX audit_actor ON audit(actor);
CREATE INDEX audit_target ON audit(target);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records cannot be deleted');
END;
