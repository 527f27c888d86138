#!/bin/sh
# authd's command line: -n checks the configuration with file:line:key errors,
# --init makes the state exactly as INTERFACE.md says and refuses to run twice,
# SIGTERM ends cleanly with exit 0 after in-flight work.
. "$(dirname "$0")/lib.sh"

write_config
out=$("$AUTHD_BIN" -c "$CONF" -n); is "$?:$out" "0:configuration OK" "-n on a good config: configuration OK"

bad=$T/bad.conf
printf 'state_dir = %s\nkdf_memory_kib = lots\n' "$STATE" > "$bad"
out=$("$AUTHD_BIN" -c "$bad" -n 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "-n on a bad number: non-zero exit"
like "$out" "^authd: $bad:2: kdf_memory_kib: " "the error names file, line and key"

printf 'state_dir = %s\nfrobnicate = 1\n' "$STATE" > "$bad"
out=$("$AUTHD_BIN" -c "$bad" -n 2>&1)
like "$out" "$bad:2: frobnicate: " "an unknown key is an error naming it"
printf 'state_dir = %s\naudit_retention_days = 30\n' "$STATE" > "$bad"
out=$("$AUTHD_BIN" -c "$bad" -n 2>&1)
like "$out" "$bad:2: audit_retention_days: .*184" "retention below six months is refused (R20)"
printf '# no state_dir\notp = required\n' > "$bad"
out=$("$AUTHD_BIN" -c "$bad" -n 2>&1)
like "$out" "state_dir" "a missing state_dir is named"
out=$("$AUTHD_BIN" -c "$T/missing.conf" -n 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "a missing config file: non-zero exit"
like "$out" "missing.conf: .*No such file" "... with the reason"
out=$("$AUTHD_BIN" --bogus 2>&1); is $? 2 "an unknown option: exit 2"
out=$("$AUTHD_BIN" -c "$bad" 2>&1); ok $([ $? -ne 0 ] && echo 0 || echo 1) "serving with a bad config fails"

out=$("$AUTHD_BIN" -c "$CONF" --init --admin chief); ok $? "--init"
INIT_OUT=$out
is "$(printf '%s\n' "$out" | sed -n 1p)" "admin: chief" "line 1: admin: NAME"
like "$(printf '%s\n' "$out" | sed -n 2p)" '^password: .{16,}$' "line 2: password (server policy: 16+ characters)"
like "$(printf '%s\n' "$out" | sed -n 3p)" '^otpauth: otpauth://totp/authd:chief\?secret=[A-Z2-7]+&issuer=authd&digits=6&period=30$' "line 3: otpauth URI"
is "$(stat -c %a "$STATE")" 700 "state dir is mode 0700"
is "$(stat -c %a "$STATE/master.key")" 600 "master key is mode 0600"
ok $([ -f "$STATE/authd.db" ] && echo 0 || echo 1) "database is state_dir/authd.db"
out=$("$AUTHD_BIN" -c "$CONF" --init 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "a second --init is refused"
like "$out" "already initialised" "... saying why"
secret=$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' <<X
$INIT_OUT
X
)
seed_hex=$(printf '%s' "$secret" | base32 -d | od -An -tx1 | tr -d ' \n')
db_hex=$(cat "$STATE"/authd.db* | od -An -tx1 -v | tr -d ' \n')
is "${#seed_hex}" 40 "the admin's TOTP seed is 20 bytes"
case "$db_hex" in *"$seed_hex"*) r=1 ;; *) r=0 ;; esac
ok $r "the TOTP seed is not in the database files in clear (R32)"

chmod 0644 "$STATE/master.key"
out=$("$AUTHD_BIN" -c "$CONF" -f 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "a master key readable by others is refused"
like "$out" "mode 0600" "... saying so"
chmod 0600 "$STATE/master.key"

sed -i 's/^failure_delay_ms = .*/failure_delay_ms = 1500/' "$CONF"
authd_start; ok $? "authd starts"
kill -0 "$AUTHD_PID"; ok $? "authd runs"
# SIGTERM while a login waits for its hash: it finishes and authd exits 0
printf 'AUTH\tuser=chief\nANSWER\tvalue=x\nANSWER\tvalue=123456\n' |
    perl "$(dirname "$0")/wire.pl" "$STATE/authd.sock" 2 > "$T/inflight.out" &
wpid=$!
sleep 0.2
pid=$AUTHD_PID
authd_stop
is "$AUTHD_RC" 0 "SIGTERM: authd exits 0"
wait $wpid
like "$(cat "$T/inflight.out")" "FAIL	code=auth" "the in-flight login got its answer before exit"
ok $([ ! -S "$STATE/authd.sock" ] && echo 0 || echo 1) "sockets removed on exit"
like "$(cat "$T/authd.log")" "finishing in-flight requests" "shutdown logged"
done_testing
