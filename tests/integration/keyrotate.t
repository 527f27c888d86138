#!/bin/sh
# Master key rotation (R32): every sealed value is re-sealed under a new key, the audit
# chain stays verifiable, a running authd is never rotated under, and a wrong key file
# is refused instead of corrupting anything.
. "$(dirname "$0")/lib.sh"

setup_admin || exit 1
out=$(authadm user add alice --unit ROOT --phone 13812345678 --id-number 110101199003071234 --soft-token)
PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
ulogin() {	# ulogin NAME ANSWER...
	u=$1; shift
	printf '%s\n' "$@" | AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" login -u "$u" 2>&1
}
next_step
out=$(ulogin alice "$PW" "$(totp "$SEC")" "Rot4te-Pass!" "Rot4te-Pass!"); is $? 0 "alice logs in before the rotation"

out=$("$AUTHD_BIN" -c "$CONF" --rotate-master-key 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "rotation is refused while authd runs on the state directory"
like "$out" "in use" "... saying so"

old=$(od -An -tx1 "$STATE/master.key" | tr -d ' \n')
authd_stop
out=$("$AUTHD_BIN" -c "$CONF" --rotate-master-key 2>&1); rc=$?
is "$rc" 0 "authd --rotate-master-key"
like "$out" "re-sealed under a new master key" "it says what it did"
new=$(od -An -tx1 "$STATE/master.key" | tr -d ' \n')
ok $([ "$old" != "$new" ] && echo 0 || echo 1) "master.key changed"
is "$(stat -c %a "$STATE/master.key")" 600 "the new key file is mode 0600"
ok $([ ! -e "$STATE/master.key.new" ] && echo 0 || echo 1) "no master.key.new left behind"

authd_start; ok $? "authd starts with the new key"
admin_relogin; ok $? "the admin (its TOTP seed re-sealed) logs in"
next_step
out=$(ulogin alice "Rot4te-Pass!" "$(totp "$SEC")"); is $? 0 "alice's re-sealed TOTP seed works"
out=$(authadm audit verify); is $? 0 "the audit chain is intact across the rotation"
like "$(authadm audit show --action master_key_rotate)" "master_key_rotate +- +ok .*resealed=[1-9]" "the rotation is in the audit log"
like "$(authadm user show alice)" "phone: 138\*\*\*\*5678" "the phone stays masked"
like "$(authadm user show alice)" "id_number: 110\*{11}1234" "the ID number is shown masked (R30)"
db=$(cat "$STATE"/authd.db* | tr -d '\0')
case "$db" in *110101199003071234*|*13812345678*) r=1 ;; *) r=0 ;; esac
ok $r "neither the ID number nor the phone is in the database files in clear (R32)"

# a wrong master key is refused, nothing is touched
authd_stop
cp "$STATE/master.key" "$T/master.key.good"
head -c 32 /dev/urandom > "$STATE/master.key"; chmod 600 "$STATE/master.key"
out=$("$AUTHD_BIN" -c "$CONF" -f 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "authd refuses a master key that does not fit"
like "$out" "does not fit the database|neither" "... saying so"
cp "$T/master.key.good" "$STATE/master.key"

# a rotation that committed but stopped before the rename is finished at the next start
cp "$STATE/master.key" "$T/before.key"
"$AUTHD_BIN" -c "$CONF" --rotate-master-key > /dev/null 2>&1
cp "$STATE/master.key" "$STATE/master.key.new"; cp "$T/before.key" "$STATE/master.key"
chmod 600 "$STATE/master.key" "$STATE/master.key.new"
authd_start; ok $? "authd starts after an interrupted rotation"
ok $([ ! -e "$STATE/master.key.new" ] && echo 0 || echo 1) "... and finished it (master.key.new renamed)"
admin_relogin; ok $? "... and the secrets open"
done_testing
