-- 009_host_renew.sql: host certificates are renewed before they expire (issue 8). The
-- previous certificate keeps working until the host first shows the new one, so the files
-- can be installed on the host without an outage; revocation ends both.
ALTER TABLE hosts ADD COLUMN prev_serial TEXT;	-- the certificate being replaced, or NULL
ALTER TABLE hosts ADD COLUMN expires_at INTEGER;	-- the current certificate's end (NULL: unknown)
