-- 006_hosts.sql: hosts enrolled for mutual TLS (issue 8): the certificate names the host.
CREATE TABLE hosts (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	unit_id		INTEGER REFERENCES units(id),
	critical	INTEGER NOT NULL DEFAULT 0,	-- R21: always two factors
	serial		TEXT NOT NULL UNIQUE,		-- the certificate's serial (lowercase hex)
	enrolled_at	INTEGER NOT NULL,
	enrolled_by	TEXT NOT NULL,
	last_seen	INTEGER,
	revoked_at	INTEGER
);
