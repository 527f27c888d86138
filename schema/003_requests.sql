-- 003_requests.sql: operations held for a second person (two-person rule, R22).
CREATE TABLE requests (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('user_add','user_set_roles','password_reset')),
	requester_id	INTEGER NOT NULL REFERENCES users(id),
	requester	TEXT NOT NULL,
	unit_id		INTEGER NOT NULL REFERENCES units(id),	-- the requester's unit: who may approve
	target		TEXT NOT NULL,				-- the user name concerned
	payload		BLOB NOT NULL,		-- sealed request fields (personal data inside: R32)
	pw_hash		TEXT NOT NULL DEFAULT '',
	seed		BLOB,			-- sealed soft-token seed, shown to the requester
	state		TEXT NOT NULL DEFAULT 'pending'
			CHECK (state IN ('pending','approved','rejected','expired')),
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	decided_by	TEXT NOT NULL DEFAULT '',
	decided_at	INTEGER
);
CREATE INDEX requests_state ON requests(state, target);
