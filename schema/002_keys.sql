-- 002_keys.sql: key custody dates, the "needs a new key" mark, observed TOTP drift
-- (issue 4; R9, R11, R15, R36). tokens.drift is the offset applied at login, set by resync.
ALTER TABLE users ADD COLUMN needs_key INTEGER NOT NULL DEFAULT 0;	-- a lost/damaged key not yet replaced
ALTER TABLE tokens ADD COLUMN bound_at INTEGER;
ALTER TABLE tokens ADD COLUMN returned_at INTEGER;
ALTER TABLE tokens ADD COLUMN revoked_at INTEGER;
ALTER TABLE tokens ADD COLUMN drift_seen INTEGER NOT NULL DEFAULT 0;	-- TOTP: offset of the last good code, in steps (R36)
ALTER TABLE tokens ADD COLUMN source TEXT NOT NULL DEFAULT '';	-- import file, or "enroll"
CREATE INDEX tokens_state ON tokens(state);
CREATE INDEX users_created_by ON users(created_by, created_at);
