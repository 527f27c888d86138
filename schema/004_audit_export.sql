-- 004_audit_export.sql: signed exports of the audit log, and retention pruning that keeps
-- the chain verifiable (R20, R33). Records are pruned only up to an exported sequence
-- number; the cut remembers the last pruned record's MAC, where verification restarts.
CREATE TABLE audit_exports (
	id		INTEGER PRIMARY KEY,
	time		INTEGER NOT NULL,
	actor		TEXT NOT NULL,
	first_seq	INTEGER NOT NULL,
	last_seq	INTEGER NOT NULL,
	digest		TEXT NOT NULL
);
CREATE TABLE audit_cut (
	id		INTEGER PRIMARY KEY,
	seq		INTEGER NOT NULL,	-- records up to here were pruned
	mac		BLOB NOT NULL,		-- the MAC of record seq: the chain continues from it
	time		INTEGER NOT NULL,
	actor		TEXT NOT NULL
);
DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
	WHEN OLD.seq > (SELECT COALESCE(MAX(seq), 0) FROM audit_cut)
BEGIN
	SELECT RAISE(ABORT, 'audit records cannot be deleted');
END;
CREATE TRIGGER audit_cut_needs_export BEFORE INSERT ON audit_cut
	WHEN NEW.seq > (SELECT COALESCE(MAX(last_seq), 0) FROM audit_exports)
BEGIN
	SELECT RAISE(ABORT, 'audit records are pruned only after they were exported');
END;
CREATE TRIGGER audit_cut_no_update BEFORE UPDATE ON audit_cut
BEGIN
	SELECT RAISE(ABORT, 'the audit cut cannot be changed');
END;
CREATE TRIGGER audit_cut_no_delete BEFORE DELETE ON audit_cut
BEGIN
	SELECT RAISE(ABORT, 'the audit cut cannot be changed');
END;
CREATE TRIGGER audit_exports_no_change BEFORE UPDATE ON audit_exports
BEGIN
	SELECT RAISE(ABORT, 'audit exports cannot be changed');
END;
