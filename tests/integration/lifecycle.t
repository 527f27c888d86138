#!/bin/sh
# The life of an account through authadm (issue 4): deletion only in order,
# freeze then recover the key then delete, each refusal naming the missing
# step (R9); deleted accounts stay as tombstones and their names are never
# reused; departure in one command, user offboard (R24); the accounts a
# compromised administrator created since a time listed and frozen in one go
# (R12, R13, R25); accounts with an end date stop working on that date, and
# unused accounts are found (R26).
. "$(dirname "$0")/lib.sh"

DATA=$TOP/tests/integration/data

# A second sysadmin of ROOT (the "compromised" mallory) is needed for the bulk
# freeze; granting sysadmin would otherwise wait for a second person.
write_config "two_person_rule = no"
setup_admin || exit 1

# ulogin NAME ANSWER...: log NAME in, one answer per line, on a separate session file
ulogin() {
	u=$1; shift
	printf '%s\n' "$@" | AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" login -u "$u" 2>&1
}

# hotp HEX COUNTER: what a hardware HOTP token shows at COUNTER
hotp() {
	oathtool --hotp -c "$2" "$1"
}

user_field() {	# user_field NAME FIELD: one line of "user show"
	authadm user show "$1" | sed -n "s/^$2: //p"
}

key_field() {	# key_field SERIAL FIELD: one line of "key show"
	authadm key show "$1" | sed -n "s/^$2: //p"
}

# new_user NAME ARGS...: user add, sets PW (and SEC with --soft-token)
new_user() {
	out=$(authadm user add "$@" 2>&1); rc=$?
	PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
	SEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
	return $rc
}

names() {	# the NAME column of a "user list" table, one line
	printf '%s\n' "$1" | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' '
}

now() {	# authd's time, epoch seconds
	echo $(( $(date +%s) + CLOCK_OFFSET ))
}

UPW='Life-Cycle-Pass1!'

out=$(authadm key import "$DATA/lifecycle.csv"); is $? 0 "the test's hardware keys are imported"

# ---- R9: delete only when frozen and keyless, in that order ----
new_user alice --unit ROOT --soft-token; is $? 0 "user add alice --soft-token"
ASEC=$SEC
next_step
out=$(ulogin alice "$PW" "$(totp "$ASEC")" "$UPW" "$UPW"); is $? 0 "alice logs in"
out=$(authadm user delete alice 2>&1); rc=$?
is "$rc" 1 "user delete of an active account is refused"
like "$out" "active: freeze it first" "... naming the missing step: freeze it first"
like "$(user_field alice state)" "^active$" "alice is still active"
authadm user freeze alice --reason "left the company"; ok $? "user freeze alice"
out=$(authadm user delete alice 2>&1); rc=$?
is "$rc" 1 "user delete of a frozen account that still holds a key is refused"
like "$out" "still holds key SOFT-[0-9]+.*unbind" "... naming the key and the missing step: unbind it"
like "$(user_field alice state)" "^frozen$" "alice is still frozen, not deleted"
out=$(authadm key unbind alice); is $? 0 "key unbind alice"
like "$out" "state: retired" "... her soft token is retired"
out=$(authadm user delete alice 2>&1); is $? 0 "frozen and keyless: user delete alice is done"
show=$(authadm user show alice 2>&1); rc=$?
is "$rc" 0 "the deleted account can still be shown (a tombstone)"
like "$show" "^state: deleted$" "user show: state deleted"
like "$show" "^created_by: admin$" "... with its history (created by admin)"
like "$(authadm user list --state deleted)" "alice" "user list --state deleted lists it"
next_step
out=$(ulogin alice "$UPW" "$(totp "$ASEC")"); rc=$?
is "$rc" 1 "a deleted account cannot log in"
like "$out" "Authentication failed" "... the generic failure"
out=$(authadm user add alice --unit ROOT --soft-token 2>&1); rc=$?
is "$rc" 1 "user add of a deleted account's name is refused: names are not reused: an account is never handed over (R27)"
unlike "$out" "password:" "... no account made"
out=$(authadm user delete alice 2>&1); is $? 1 "deleting it twice is refused"
out=$(authadm user unfreeze alice 2>&1); is $? 1 "a deleted account cannot be unfrozen"
like "$(user_field alice state)" "^deleted$" "... it stays deleted"
out=$(authadm key bind alice LC-0003 2>&1); is $? 1 "a key cannot be bound to a deleted account"
out=$(authadm user reset-password alice 2>&1); is $? 1 "a deleted account's password cannot be reset"
out=$(authadm user offboard alice 2>&1); is $? 1 "a deleted account cannot be offboarded"
like "$(authadm audit show --target alice)" "admin +user_delete +alice +ok" "the deletion is audited"

# the same order with a hardware key
new_user bob --unit ROOT --key LC-0001; is $? 0 "user add bob --key LC-0001"
out=$(authadm user delete bob 2>&1); rc=$?
is "$rc" 1 "bob (active, with a key): delete refused"
like "$out" "freeze it first" "... freeze first, before anything about the key"
authadm user freeze bob --reason "moves away"; ok $? "user freeze bob"
out=$(authadm user delete bob 2>&1); rc=$?
is "$rc" 1 "bob (frozen, with a key): delete refused"
like "$out" "LC-0001.*key unbind bob" "... naming the key and the command: key unbind bob"
out=$(authadm key unbind bob); is $? 0 "key unbind bob"
like "$out" "state: returned" "... LC-0001 is returned to stock"
out=$(authadm user delete bob 2>&1); is $? 0 "user delete bob"
like "$(key_field LC-0001 state)" "^returned$" "LC-0001 stays returned, ready for someone else"

# a keyless account needs only the freeze
new_user carl --unit ROOT; is $? 0 "user add carl (no key)"
out=$(authadm user delete carl 2>&1); is $? 1 "carl (active, keyless): delete refused"
authadm user freeze carl --reason "never started"; ok $? "user freeze carl"
out=$(authadm user delete carl 2>&1); is $? 0 "carl (frozen, keyless): deleted"

# ---- R24: departure in one command ----
HEX1=5a0c2d1e3f405162738495a6b7c8d9eaf0011223
new_user dave --unit ROOT --key LC-0001; is $? 0 "user add dave --key LC-0001 (the returned key, issued again)"
out=$(ulogin dave "$PW" "$(hotp $HEX1 0)" "$UPW" "$UPW"); is $? 0 "dave logs in with LC-0001"
out=$(authadm user offboard dave --reason "contract ended" 2>&1); rc=$?
is "$rc" 0 "user offboard dave"
like "$out" "serial: LC-0001" "... names the key taken back"
like "$(user_field dave state)" "^frozen$" "dave is frozen"
like "$(user_field dave freeze_reason)" "offboarded: contract ended" "... the reason says offboarded"
like "$(user_field dave key)" "^-?$" "dave holds no key"
like "$(key_field LC-0001 state)" "^returned$" "LC-0001 is returned to stock"
like "$(key_field LC-0001 holder)" "^-$" "... with no holder"
out=$(ulogin dave "$UPW" "$(hotp $HEX1 1)"); is $? 1 "dave cannot log in any more"
out=$(authadm user delete dave 2>&1); is $? 0 "after offboarding, user delete works at once"
log=$(authadm audit show --target dave)
like "$log" "admin +user_freeze +dave +ok +offboarded: contract ended" "audit: the offboarding freeze"
like "$log" "admin +key_unbind +dave +ok .*serial=LC-0001 state=returned" "audit: the key returned"
like "$log" "admin +user_offboard +dave +ok" "audit: user_offboard"
like "$log" "admin +user_delete +dave +ok" "audit: user_delete"
# an already frozen account holding a key: offboard takes the key back
new_user erin --unit ROOT --key LC-0002; is $? 0 "user add erin --key LC-0002"
authadm user freeze erin --reason "on leave"; ok $? "user freeze erin"
out=$(authadm user offboard erin 2>&1); is $? 0 "user offboard of a frozen account"
like "$(key_field LC-0002 state)" "^returned$" "... LC-0002 is returned"
like "$(user_field erin state)" "^frozen$" "... erin stays frozen"
out=$(authadm user delete erin 2>&1); is $? 0 "... and can be deleted"

# ---- R12, R13, R25: everything a compromised administrator created since a time ----
MPW_NEW='Mall0ry-Server-Pass-2026'
new_user mallory --unit ROOT --role sysadmin --soft-token; is $? 0 "user add mallory --role sysadmin (second sysadmin of ROOT)"
MPW=$PW MSEC=$SEC
unlike "$out" "pending" "... made at once (two_person_rule = no in this test)"
next_step
out=$(printf '%s\n' "$MPW" "$(totp "$MSEC")" "$MPW_NEW" "$MPW_NEW" |
    AUTHADM_SESSION=$T/mallory-session "$AUTHADM_BIN" -c "$CONF" login -u mallory 2>&1)
is $? 0 "mallory logs in"
madm() {
	AUTHADM_SESSION=$T/mallory-session "$AUTHADM_BIN" -c "$CONF" "$@"
}
madm user add m-old --unit ROOT > /dev/null; ok $? "mallory creates m-old"
authadm user add a-old --unit ROOT > /dev/null; ok $? "admin creates a-old"
clock_advance 300
SINCE=$(now)
clock_advance 60
madm user add m-new1 --unit ROOT > /dev/null; ok $? "mallory creates m-new1 (after SINCE)"
clock_advance 60
madm user add m-new2 --unit ROOT > /dev/null; ok $? "mallory creates m-new2"
clock_advance 60
madm user add m-new3 --unit ROOT --key LC-0003 > /dev/null; ok $? "mallory creates m-new3 with a key"
authadm user add a-new --unit ROOT > /dev/null; ok $? "admin creates a-new (after SINCE, but not by mallory)"
like "$(user_field m-new1 created_by)" "^mallory$" "user show: created_by mallory"
list=$(authadm user list --created-by mallory --since "@$SINCE"); rc=$?
is "$rc" 0 "user list --created-by mallory --since @$SINCE"
is "$(names "$list")" "m-new1 m-new2 m-new3 " "... lists exactly what mallory created since then"
is "$(names "$(authadm user list --created-by mallory)")" "m-new1 m-new2 m-new3 m-old " \
    "without --since: everything mallory created"
is "$(names "$(authadm user list --created-by admin --since "@$SINCE")")" "a-new " \
    "--created-by admin --since: only a-new"
since_iso=$(date -u -d "@$SINCE" +%Y-%m-%dT%H:%M:%SZ)
is "$(names "$(authadm user list --created-by mallory --since "$since_iso")")" "m-new1 m-new2 m-new3 " \
    "--since as an ISO 8601 time works the same"
out=$(authadm user freeze --created-by mallory --reason "mallory compromised" 2>&1); is $? 2 "bulk freeze without --since: usage error"
out=$(authadm user freeze --created-by mallory --since "@$SINCE" 2>&1); is $? 2 "bulk freeze without --reason: usage error"
out=$(authadm user freeze --created-by mallory --since "@$SINCE" --reason "mallory compromised" 2>&1); rc=$?
is "$rc" 0 "user freeze --created-by mallory --since @$SINCE --reason ..."
like "$out" "m-new1" "... names m-new1"
like "$out" "m-new3" "... names m-new3"
unlike "$out" "m-old|a-new|a-old" "... and none of the others"
for u in m-new1 m-new2 m-new3; do
	like "$(user_field $u state)" "^frozen$" "$u is frozen"
	like "$(user_field $u freeze_reason)" "mallory compromised" "... with the reason"
done
for u in m-old a-old a-new mallory admin; do
	like "$(user_field $u state)" "^active$" "$u (older, or not mallory's) is still active"
done
log=$(authadm audit show --action user_freeze)
for u in m-new1 m-new2 m-new3; do
	like "$log" "admin +user_freeze +$u +ok +mallory compromised" "audit: the bulk freeze of $u"
done
unlike "$log" "user_freeze +(m-old|a-old|a-new) " "audit: no freeze of the others"
out=$(authadm user freeze --created-by mallory --since "@$SINCE" --reason "again" 2>&1); rc=$?
is "$rc" 0 "the same bulk freeze again"
unlike "$out" "m-new" "... freezes nobody a second time"
authadm user freeze mallory --reason "compromised"; ok $? "and mallory herself is frozen"
out=$(madm user list 2>&1); is $? 3 "mallory's session is gone"
# what mallory made can be taken apart in order: m-new3 still holds LC-0003
out=$(authadm user delete m-new3 2>&1); rc=$?
is "$rc" 1 "m-new3 (frozen, holding LC-0003): delete refused"
like "$out" "key unbind m-new3" "... the key first"
authadm key unbind m-new3 > /dev/null; ok $? "key unbind m-new3"
out=$(authadm user delete m-new3 2>&1); is $? 0 "user delete m-new3"

# ---- R26: an account with an end date stops working on that date ----
TODAY=$(date -u -d "@$(now)" +%Y-%m-%d)
EXP=$(date -u -d "$TODAY + 3 days" +%Y-%m-%d)
EXP_AT=$(date -u -d "$EXP 00:00:00" +%s)
new_user tess --unit ROOT --soft-token --expires "$EXP"; is $? 0 "user add tess --expires $EXP (in 3 days)"
TSEC=$SEC
like "$(user_field tess expires)" "^$EXP" "user show: expires $EXP"
out=$(authadm user add bad-date --unit ROOT --expires 2026-02-30 2>&1); is $? 2 "--expires with a date that does not exist: usage error"
next_step
out=$(ulogin tess "$PW" "$(totp "$TSEC")" "$UPW" "$UPW"); is $? 0 "tess logs in before the date"
# one hour before the end date
clock_advance $(( EXP_AT - $(now) - 3600 ))
next_step
out=$(ulogin tess "$UPW" "$(totp "$TSEC")"); is $? 0 "tess still logs in the hour before $EXP"
clock_advance 3600
next_step
out=$(ulogin tess "$UPW" "$(totp "$TSEC")"); rc=$?
is "$rc" 1 "on $EXP tess cannot log in any more"
like "$out" "Authentication failed" "... the generic failure"
admin_relogin
like "$(authadm audit show --action login --target tess)" "account expired" "the reason is in the audit log"
authadm user set tess --expires "$(date -u -d "$EXP + 30 days" +%Y-%m-%d)"; ok $? "the end date is moved"
next_step
out=$(ulogin tess "$UPW" "$(totp "$TSEC")"); is $? 0 "tess logs in again"

# ---- R26: accounts unused for DAYS ----
new_user ivy --unit ROOT --soft-token; is $? 0 "user add ivy (never logs in)"
new_user ike --unit ROOT --soft-token; is $? 0 "user add ike (logs in now, then not)"
IKESEC=$SEC
next_step
out=$(ulogin ike "$PW" "$(totp "$IKESEC")" "$UPW" "$UPW"); is $? 0 "ike logs in"
new_user ian --unit ROOT --soft-token; is $? 0 "user add ian (logs in later)"
IANPW=$PW IANSEC=$SEC
clock_advance $(( 20 * 86400 ))
next_step
out=$(ulogin ian "$IANPW" "$(totp "$IANSEC")" "$UPW" "$UPW"); is $? 0 "20 days later ian logs in"
clock_advance $(( 15 * 86400 ))
admin_relogin
new_user ida --unit ROOT --soft-token; is $? 0 "35 days later: user add ida (new, never used)"
list=$(authadm user list --inactive 30); rc=$?
is "$rc" 0 "user list --inactive 30"
like "$list" "^ivy " "... lists ivy (never used, created 35 days ago)"
like "$list" "^ike " "... lists ike (last used 35 days ago)"
unlike "$list" "^ian " "... not ian (used 15 days ago)"
unlike "$list" "^ida " "... not ida (never used, but created today)"
unlike "$list" "^admin " "... not admin (just logged in)"
unlike "$list" "^(alice|bob|dave) " "... not the deleted accounts"
list=$(authadm user list --inactive 10)
like "$list" "^ian " "user list --inactive 10 lists ian"
unlike "$list" "^ida " "... still not ida"
list=$(authadm user list --inactive 40)
unlike "$list" "^(ivy|ike|ian|ida) " "user list --inactive 40: none of them"
out=$(authadm user list --inactive many 2>&1); is $? 2 "--inactive needs a number of days: usage error"
next_step
out=$(ulogin ike "$UPW" "$(totp "$IKESEC")"); is $? 0 "ike logs in again"
unlike "$(authadm user list --inactive 30)" "^ike " "... and is no longer listed as inactive"
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 0 "audit verify: the chain of all these records is intact"
like "$out" "audit chain intact" "... says so"
done_testing
