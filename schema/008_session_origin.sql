-- 008_session_origin.sql: remote authadm over TLS (issue 8): an admin session is bound to where
-- it was opened: the peer's uid on the Unix socket (origin ''), or 'tls ADDR' for a remote
-- administrator's machine, so a token is good only from there.
ALTER TABLE admin_sessions ADD COLUMN origin TEXT NOT NULL DEFAULT '';
