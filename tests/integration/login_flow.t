#!/bin/sh
# The login conversation through `authadm login` (the same engine PAM and RADIUS use):
# password + TOTP (R5), first-login change (R6), 180-day expiry and at-risk (R7),
# policy messages, history, a tightened policy enforced at next login, replay refused,
# lockout, and one generic failure for every reason (R18) with the reason in the log.
. "$(dirname "$0")/lib.sh"

setup_admin || exit 1

# ulogin NAME ANSWER...: log NAME in, one answer per line, on a separate session file
ulogin() {
	u=$1; shift
	printf '%s\n' "$@" | AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" login -u "$u" 2>&1
}

out=$(authadm user add alice --unit ROOT --soft-token)
PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')

next_step
out=$(ulogin alice "wrong-Password-1" "$(totp "$SEC")"); rc=$?
is "$rc" 1 "wrong password: exit 1"
GENERIC=$out
like "$out" "Authentication failed" "wrong password: generic failure (R18)"

next_step
out=$(ulogin alice "$PW" "000000"); rc=$?
is "$rc" 1 "wrong OTP: exit 1 (R5)"
is "$out" "$GENERIC" "wrong OTP: the very same failure text as a wrong password (no factor oracle)"

next_step
out=$(ulogin nosuchuser "$PW" "$(totp "$SEC")"); rc=$?
is "$rc" 1 "unknown user: exit 1"
is "$out" "$GENERIC" "unknown user: the very same failure (no user oracle)"

next_step
out=$(ulogin alice "$PW" "12345"); is $? 1 "a malformed OTP (5 digits) fails the same way"

# first login: the initial password must be changed (R6); policy messages name every rule
next_step
code=$(totp "$SEC")
out=$(ulogin alice "$PW" "$code" "alice" "Tr0ub4dor&3x" "Tr0ub4dor&3y" "Tr0ub4dor&3x" "Tr0ub4dor&3x")
rc=$?
is "$rc" 0 "first login succeeds after the change"
like "$out" "initial password and must be changed" "told why the change is needed (R6)"
like "$out" "needs at least 7 characters \(has 5\)" "refusal names the length rule"
like "$out" "needs digits, letters and special characters \(missing: digits, special characters\)" "refusal names the missing classes"
like "$out" "must not contain the user name" "refusal names the user-name rule"
like "$out" "Passwords do not match" "a mistyped retype is caught"
like "$out" "Password changed" "password changed"
like "$(authadm user show alice)" "must_change: no" "must_change cleared"

# the code of that login cannot be used again (replay)
out=$(ulogin alice "Tr0ub4dor&3x" "$code"); rc=$?
is "$rc" 1 "the same OTP is refused the second time (replay)"
is "$out" "$GENERIC" "... with the generic failure"

next_step
out=$(ulogin alice "Tr0ub4dor&3x" "$(totp "$SEC")"); is $? 0 "normal login with password + OTP (R5)"
unlike "$out" "must be changed" "no change asked"

# a code from the previous and the next step is accepted (window +-1), older ones not
next_step; next_step
out=$(ulogin alice "Tr0ub4dor&3x" "$(totp "$SEC" -1)"); is $? 0 "a code one step old is accepted (window +-1, R36)"
next_step; next_step; next_step
out=$(ulogin alice "Tr0ub4dor&3x" "$(totp "$SEC" -2)"); is $? 1 "a code two steps old is refused"

# R7: at-risk flag
authadm user mark-risk alice
next_step
out=$(ulogin alice "Tr0ub4dor&3x" "$(totp "$SEC")" "Tr0ub4dor&3x" "Tr0ub4dor&3x" "N3w-Secret-pw" "N3w-Secret-pw")
is $? 0 "at-risk: login continues into the change"
like "$out" "marked at risk" "told the password is at risk (R7)"
like "$out" "was used recently" "reusing the current password is refused (history)"

# R7: 180 days
clock_advance $((181 * 86400))
out=$(ulogin alice "N3w-Secret-pw" "$(totp "$SEC")" "Another-Pw-99" "Another-Pw-99")
is $? 0 "after 181 days the login asks for a new password"
like "$out" "older than 180 days" "told the password is too old (R7)"
admin_relogin
next_step
out=$(ulogin alice "Another-Pw-99" "$(totp "$SEC")")
is $? 0 "and the new password works"

# expiry warning within password_warn_days
clock_advance $((170 * 86400))
out=$(ulogin alice "Another-Pw-99" "$(totp "$SEC")")
like "$out" "expires in [0-9]+ days" "a warning before the password expires"
admin_relogin

# a tightened policy is enforced at the next login, with the plaintext in hand
authadm policy set standard --min-length 14
next_step
out=$(ulogin alice "Another-Pw-99" "$(totp "$SEC")" "Longer-Passw0rd-2026" "Longer-Passw0rd-2026")
is $? 0 "tightened policy: the login continues into a change"
like "$out" "no longer meets the standard policy" "told the password no longer complies"
authadm policy set standard --min-length 7

# lockout: 5 failures lock the account; even the right password then fails, not verified
for i in 1 2 3 4 5; do
	next_step
	ulogin alice "bad-$i" "$(totp "$SEC")" > /dev/null
done
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); rc=$?
is "$rc" 1 "after 5 failures the right password is refused (locked)"
is "$out" "$GENERIC" "... with the same generic failure"
like "$(authadm user show alice)" "locked_until(_at)?: [0-9]{4}-" "user show tells the lock"
clock_advance $((16 * 60))
admin_relogin
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); is $? 0 "after 15 minutes the lock is over"

# an administrator lifts a lock at once (user unlock)
for i in 1 2 3 4 5; do
	next_step
	ulogin alice "bad-again-$i" "$(totp "$SEC")" > /dev/null
done
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); is $? 1 "locked again after 5 more failures"
out=$(authadm user unlock alice); ok $? "user unlock"
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); is $? 0 "after unlock the user logs in at once"
like "$(authadm audit show --action user_unlock)" "user_unlock +alice +ok" "unlock audited"

# frozen accounts fail like a wrong password; the reason is in the log
out=$(authadm user freeze alice 2>&1); is $? 2 "freeze without --reason: usage error"
authadm user freeze alice --reason "laptop stolen"; ok $? "user freeze with a reason"
like "$(authadm user show alice)" "state: frozen" "state frozen"
out=$(authadm user freeze alice --reason again 2>&1); is $? 1 "freezing a frozen account is refused"
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); rc=$?
is "$rc" 1 "a frozen account cannot log in"
is "$out" "$GENERIC" "... generic failure"
authadm user unfreeze alice; ok $? "user unfreeze"
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); is $? 0 "unfrozen: login works again"
log=$(authadm audit show --target alice)
like "$log" "user_freeze +alice +ok +laptop stolen" "freeze audited with its reason"
like "$log" "account frozen" "the frozen login attempt is audited with the reason"

# R21: allowed source networks, the nearest setting wins (user, then unit, then above)
PAMW="perl $(dirname "$0")/wire.pl $STATE/authd.sock 1"
pam_try() {	# pam_try RHOST: a PAM-socket login of alice from RHOST (call next_step first)
	printf 'AUTH\tuser=alice\tservice=sshd\trhost=%s\nANSWER\tvalue=Longer-Passw0rd-2026\nANSWER\tvalue=%s\n' \
	    "$1" "$(totp "$SEC")" | $PAMW
}
authadm unit set ROOT --allow-from 10.1.0.0/16 2>/dev/null; rc=$?
is "$rc" 1 "a sysadmin cannot change its own unit (R1: the level above manages it)"
authadm user set alice --allow-from 192.0.2.0/24,2001:db8::/32
next_step
like "$(pam_try 192.0.2.55)" "OK	user=alice" "a login from an allowed IPv4 network works (R21)"
next_step
like "$(pam_try 2001:db8::7)" "OK	user=alice" "a login from an allowed IPv6 network works"
next_step
like "$(pam_try ::ffff:192.0.2.9)" "OK	user=alice" "an IPv4-mapped IPv6 address matches the IPv4 network"
next_step
out=$(pam_try 198.51.100.1)
like "$out" "FAIL	code=auth	msg=Authentication failed" "a login from elsewhere fails, generically"
next_step
like "$(pam_try evil.example.com)" "FAIL	code=auth" "a host name never matches"
next_step
like "$(pam_try '')" "OK	user=alice" "a local login (no remote host) is not restricted"
like "$(authadm audit show --action login --target alice)" "source address not allowed" "the refusal is audited with its reason"
next_step
out=$(pam_try 192.0.2.55)
like "$out" "roles=	unit=ROOT" "the account's roles and unit are handed back (R17)"
authadm user set alice --allow-from ""

# expired account (--expires)
authadm user set alice --expires 2020-01-01
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); rc=$?
is "$rc" 1 "an expired account cannot log in"
is "$out" "$GENERIC" "... generic failure"
authadm user set alice --expires ""

# the reasons are in the audit log (for administrators), never shown to the caller
log=$(authadm audit show --action login --target alice)
like "$log" "wrong password" "audit: wrong password recorded"
like "$log" "wrong OTP" "audit: wrong OTP recorded"
like "$log" "replayed OTP" "audit: replayed OTP recorded"
like "$log" "account locked" "audit: lockout recorded"
like "$log" "account expired" "audit: expiry recorded"
log=$(authadm audit show --action login --target nosuchuser)
like "$log" "unknown user" "audit: unknown user recorded, with the name tried (R18)"
log=$(authadm audit show --action password_change --target alice)
like "$log" "password_change +alice +ok" "audit: password changes recorded"
unlike "$(cat "$T/authd.log")" "Tr0ub4dor|Another-Pw-99|N3w-Secret" "no password in authd's log"

# raised argon2id parameters: a password is re-hashed at its next good login (DESIGN.md)
like "$(sqlite3 "$STATE/authd.db" "SELECT pw_hash FROM users WHERE name = 'alice'")" 'm=1024,t=1' "hash made with m=1024,t=1"
authd_stop
sed -i 's/^kdf_memory_kib = .*/kdf_memory_kib = 2048/; s/^kdf_iterations = .*/kdf_iterations = 2/' "$CONF"
authd_start
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); is $? 0 "login after the cost was raised"
i=0
while [ $i -lt 100 ]; do	# the re-hash runs just after the reply
	h=$(sqlite3 "$STATE/authd.db" "SELECT pw_hash FROM users WHERE name = 'alice'")
	case "$h" in *m=2048,t=2*) break ;; esac
	i=$((i + 1)); sleep 0.05
done
like "$h" 'm=2048,t=2' "the password was re-hashed at the new cost"
next_step
out=$(ulogin alice "Longer-Passw0rd-2026" "$(totp "$SEC")"); is $? 0 "and still verifies"
done_testing
