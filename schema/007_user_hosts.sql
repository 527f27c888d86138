-- 007_user_hosts.sql: a user may be limited to the hosts of given units (issue 8, R21).
ALTER TABLE users ADD COLUMN hosts TEXT NOT NULL DEFAULT '';	-- unit codes, comma separated; '' = any
