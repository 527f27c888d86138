#!/bin/sh
# The two-person rule (R22), end to end with two real sessions: granting
# sysadmin (user add, user set --role) and resetting the password of an account
# under the server policy are held as requests; the credentials are printed to
# the requester at once but work only after another sysadmin of the requester's
# unit, or its responsible user, approves. Never the requester, never someone
# of another unit; rejected and expired requests cannot be approved; all of it
# is audited. The tiers themselves (R1) are in scope.t.
. "$(dirname "$0")/lib.sh"

write_config "admin_session_minutes = 1440"	# request_hours stays at its default, 24
setup_admin || exit 1

NEWPW='Qx7!mountain-River-2026'		# long enough for the server policy (R22)
NEWPW2='Zt4#harbour-Lights-2027'

# as NAME AUTHADM-ARGS...: run authadm in NAME's own session
as() {
	n=$1; shift
	if [ "$n" = admin ]; then s=$T/session; else s=$T/session-$n; fi
	AUTHADM_SESSION=$s "$AUTHADM_BIN" -c "$CONF" "$@"
}
# add_user ACTOR NAME ARGS...: the output is kept in $T/add-NAME and in $out
add_user() {
	a=$1; n=$2; shift 2
	out=$(as "$a" user add "$n" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" > "$T/add-$n"
	return $rc
}
pw_of() { sed -n 's/^password: //p' "$T/add-$1"; }
sec_of() { sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p' "$T/add-$1"; }
pending_of() { printf '%s\n' "$1" | sed -n 's/^pending: //p'; }
db() { sqlite3 "$STATE/authd.db" "$1"; }
roles_of() {
	db "SELECT group_concat(role) FROM user_roles JOIN users ON users.id = user_id WHERE name = '$1'"
}

# login_as NAME PASSWORD [NEWPW]: NAME logs in on its own session (the code of
# its soft token; a new password if asked); moves the clock, so call it outside
# $(...); the output is in $T/login-NAME
login_as() {
	next_step
	code=$(totp "$(sec_of "$1")")
	if [ $# -ge 3 ]; then
		printf '%s\n%s\n%s\n%s\n' "$2" "$code" "$3" "$3"
	else
		printf '%s\n%s\n' "$2" "$code"
	fi | as "$1" login -u "$1" > "$T/login-$1" 2>&1
}

as admin unit add A; ok $? "unit A"
as admin unit add B; ok $? "unit B"
add_user admin resp --unit ROOT --role responsible --soft-token
ok $? "a responsible user of ROOT (an ordinary user)"
unlike "$out" "pending" "R22: ... not held (no sysadmin, standard policy)"
login_as resp "$(pw_of resp)" "$NEWPW"; ok $? "resp logs in, in a second session"

# --- granting sysadmin is held; the credentials work only after approval ---
add_user admin adma --unit A --role sysadmin --soft-token
ok $? "R22: admin adds sysadmin adma in A"
like "$out" "^pending: [0-9]+" "R22: ... held: pending: ID"
like "$out" "password: .{16}" "R22: ... the initial password is printed to the requester (server policy)"
like "$out" "otpauth: otpauth://totp/authd:adma\?secret=" "R22: ... and the soft token"
ID=$(pending_of "$out")
is "$(db "SELECT count(*) FROM users WHERE name = 'adma'")" 0 "R22: no account before approval"
login_as adma "$(pw_of adma)" "$NEWPW"; rc=$?
is "$rc" 1 "R22: the printed credentials do not work before approval"
out=$(as admin request list); ok $? "request list"
like "$out" "^$ID +user_add +adma +admin +pending " "R22: request list shows the pending request"
like "$(as resp request list)" "^$ID +user_add +adma +admin +pending " "R22: ... and so does resp's"
out=$(as admin request approve "$ID" 2>&1); rc=$?
is "$rc" 1 "R22: the requester cannot approve its own request"
like "$out" "never the requester" "R22: ... told why"
is "$(db "SELECT state FROM requests WHERE id = $ID")" pending "R22: ... and it stays pending"
out=$(as resp request approve "$ID" 2>&1); ok $? "R22: resp (responsible of ROOT) approves in its own session"
out=$(as admin user show adma)
like "$out" "unit: A" "R22: adma exists in unit A"
like "$out" "roles: sysadmin" "R22: ... as a sysadmin"
like "$out" "policy: server" "R22: ... under the server policy"
like "$(as admin request list)" "^$ID +user_add +adma +admin +approved .* resp$" "R22: the request is approved by resp"
login_as adma "$(pw_of adma)" "$NEWPW"
ok $? "R22: adma logs in with the credentials printed at request time"
like "$(cat "$T/login-adma")" "initial password and must be changed" "... and changes the initial password at once (R6)"
out=$(as admin audit show --target adma)
like "$out" "admin +request_add +adma +ok" "R22: the request is audited"
like "$out" "resp +request_approve +adma +ok" "R22: ... and its approval"
like "$out" "admin +user_add +adma +ok .*approved_by=resp" "R22: the creation names requester and approver"
like "$(as admin audit show --action request_approve)" \
    "admin +request_approve +(adma|-) +fail +request $ID must be decided .*never the requester" \
    "R22: the refused self-approval is audited"

# --- an approver of another unit is refused; a rejected request stays rejected ---
add_user admin admb --unit B --role sysadmin --soft-token
ID2=$(pending_of "$out")
like "$ID2" '^[0-9]+$' "R22: admin adds sysadmin admb in B: held as $ID2"
out=$(as adma request approve "$ID2" 2>&1); rc=$?
is "$rc" 1 "R22: a sysadmin of another unit (A) cannot approve a request of ROOT"
like "$out" "another sysadmin of the requester's unit or its responsible user" "R22: ... told who may"
unlike "$(as adma request list)" "admb" "R22: ... nor see it in its request list"
as resp request reject "$ID2"; ok $? "R22: resp rejects the request"
is "$(db "SELECT state FROM requests WHERE id = $ID2")" rejected "R22: the request is rejected"
is "$(db "SELECT count(*) FROM users WHERE name = 'admb'")" 0 "R22: admb was not created"
out=$(as resp request approve "$ID2" 2>&1); rc=$?
is "$rc" 1 "R22: a rejected request cannot be approved afterwards"
like "$out" "is rejected" "R22: ... told it is rejected"
login_as admb "$(pw_of admb)" "$NEWPW"; is $? 1 "R22: the rejected credentials never work"
like "$(as admin audit show --action request_reject)" "resp +request_reject +admb +ok" "R22: the rejection is audited"

# --- requests expire after request_hours (24) ---
add_user admin admc --unit B --role sysadmin --soft-token
ID3=$(pending_of "$out")
like "$ID3" '^[0-9]+$' "R22: admin adds sysadmin admc in B: held as $ID3"
add_user admin admc --unit B --role sysadmin --soft-token; rc=$?
is "$rc" 1 "R22: one pending request per name"
is "$(db "SELECT count(*) FROM requests WHERE target = 'admc'")" 1 "R22: ... no second request was held"
clock_advance $((23 * 3600))
like "$(as resp request list)" "^$ID3 +user_add +admc +admin +pending " "R22: after 23 h the request is still pending"
clock_advance $((2 * 3600))
like "$(as resp request list)" "^$ID3 +user_add +admc +admin +expired " "R22: after 25 h it has expired"
out=$(as resp request approve "$ID3" 2>&1); rc=$?
is "$rc" 1 "R22: an expired request cannot be approved"
like "$out" "is expired" "R22: ... told it expired"
is "$(db "SELECT count(*) FROM users WHERE name = 'admc'")" 0 "R22: admc was not created"
admin_relogin	# a day without a request: admin's session is over

# --- resetting the password of a server-policy account is held ---
out=$(as admin user reset-password adma 2>&1); ok $? "R22: admin resets adma's password (server policy)"
like "$out" "^pending: [0-9]+" "R22: ... held: pending: ID"
like "$out" "password: .{16}" "R22: ... the new password is printed to the requester"
ID4=$(pending_of "$out")
RESETPW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
login_as adma "$NEWPW"; ok $? "R22: before approval adma's current password still works"
login_as adma "$RESETPW" "$NEWPW2"; is $? 1 "R22: ... and the new one does not"
out=$(as admin request approve "$ID4" 2>&1); is $? 1 "R22: the requester cannot approve the reset"
as resp request approve "$ID4"; ok $? "R22: resp approves the reset"
login_as adma "$NEWPW"; is $? 1 "R22: after approval the old password fails"
login_as adma "$RESETPW" "$NEWPW2"; ok $? "R22: the password printed at request time works"
like "$(cat "$T/login-adma")" "reset by an administrator and must be changed" "... and must be changed at first use (R23)"
like "$(as admin audit show --action password_reset --target adma)" "admin +password_reset +adma +ok .*approved_by=resp" \
    "R22: the reset is audited with its approver"

# a standard-policy account is reset at once
out=$(as admin user reset-password resp 2>&1); ok $? "resetting resp (standard policy)"
unlike "$out" "pending" "R22: ... is not held"

# --- granting sysadmin with user set is held ---
add_user admin ops --unit ROOT --soft-token; ok $? "admin adds ops, an ordinary user of ROOT"
out=$(as admin user set ops --role sysadmin 2>&1); ok $? "R22: admin gives ops the sysadmin role"
like "$out" "^pending: [0-9]+" "R22: ... held: pending: ID"
ID5=$(pending_of "$out")
is "$(roles_of ops)" "" "R22: ops is no sysadmin before approval"
out=$(as admin request approve "$ID5" 2>&1); is $? 1 "R22: the requester cannot approve it"
as resp request approve "$ID5"; ok $? "R22: resp approves"
is "$(roles_of ops)" sysadmin "R22: ops is a sysadmin after approval"
like "$(as admin audit show --action user_set --target ops)" "roles=sysadmin .*approved_by=resp" \
    "R22: the grant is audited with its approver"

# another sysadmin of the requester's unit may approve too
login_as ops "$(pw_of ops)" "$NEWPW"; ok $? "ops logs in"
add_user admin admd --unit B --role sysadmin --soft-token
ID6=$(pending_of "$out")
like "$ID6" '^[0-9]+$' "R22: admin adds sysadmin admd in B: held as $ID6"
as ops request approve "$ID6"; ok $? "R22: another sysadmin of ROOT (ops) approves"
like "$(as admin user show admd)" "roles: sysadmin" "R22: admd exists"

# the person a request is about cannot approve it (R22)
out=$(authadm user add promo --unit ROOT --role responsible --soft-token)
PPW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
PSEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
out=$(authadm user set promo --role sysadmin); pid=$(printf '%s\n' "$out" | sed -n 's/^pending: //p')
like "$pid" '^[0-9]+$' "promotion to sysadmin is held"
next_step
printf '%s\n%s\n%s\n%s\n' "$PPW" "$(totp "$PSEC")" "Second-Person-Pw-26!" "Second-Person-Pw-26!" |
    AUTHADM_SESSION=$T/promo-session "$AUTHADM_BIN" -c "$CONF" login -u promo > /dev/null 2>&1
out=$(AUTHADM_SESSION=$T/promo-session "$AUTHADM_BIN" -c "$CONF" request approve "$pid" 2>&1)
is $? 1 "the person being promoted cannot approve its own promotion"
like "$out" "nor the person concerned" "... told why"
like "$(authadm audit show --action request_approve --target promo)" "request_approve +promo +fail" "the refused approval is audited under the person concerned"
done_testing
