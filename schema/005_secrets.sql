-- 005_secrets.sql: keys kept sealed under the master key (the audit chain's key, a check
-- value that tells whether the master key fits), and sealed ID numbers (R30, R32).
CREATE TABLE secrets (
	name		TEXT PRIMARY KEY,
	sealed		BLOB NOT NULL		-- AES-256-GCM under the master key, AAD "secrets:<name>"
);
ALTER TABLE users ADD COLUMN id_number BLOB;			-- sealed, AAD "users.id_number:<id>"
ALTER TABLE users ADD COLUMN id_number_hint TEXT NOT NULL DEFAULT '';
