#!/bin/sh
# A host certificate's life (issue 8): enrolled for a year, renewed without an outage (the old
# certificate accepted until the host first shows the new one), renewal refused for a revoked
# host, a revoked host enrolled again under its name, each step audited (R18, R31) and shown by
# host list. Driven with authadm and openssl s_client.
. "$(dirname "$0")/lib.sh"

PORT=$(( 20000 + $$ % 20000 ))
write_config "$(printf 'tls_listen = 127.0.0.1:%s\ntwo_person_rule = no\nmax_connections_per_uid = 3\n[service console]\notp = off' "$PORT")"
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed (see $T)"; exit 1; }

# greet CERTDIR: one TLS connection as that host; prints what authd says
# (certificates checked at authd's clock: it may run ahead of the real one)
greet() {
	{ printf 'ACCT\tuser=admin\n'; sleep 1; } | timeout 4 openssl s_client -connect "127.0.0.1:$PORT" \
	    -tls1_3 -CAfile "$STATE/ca.crt" -cert "$1/host.crt" -key "$1/host.key" \
	    -attime "$(( $(date +%s) + CLOCK_OFFSET ))" -quiet -ign_eof 2>/dev/null
}
serial_of() {	# serial_of CERTFILE: lowercase hex, two digits an octet, as authd writes it
	openssl x509 -noout -serial -in "$1" | sed 's/^serial=//' | tr 'A-F' 'a-f'
}
hostrow() {
	authadm --json host list | grep "\"name\":\"$1\""
}

# --- enrolment: a year -------------------------------------------------------------
out=$(authadm host add web1.example --out "$T/v1"); ok $? "host add web1.example"
like "$out" "^expires: [0-9]{4}-[0-9]{2}-[0-9]{2}T" "... prints when the certificate ends"
EXP=$(printf '%s\n' "$out" | sed -n 's/^expires: //p')
want=$(date -u -d "$(openssl x509 -noout -enddate -in "$T/v1/host.crt" | sed 's/^notAfter=//')" +%Y-%m-%dT%H:%M:%SZ)
is "$EXP" "$want" "... the certificate's own notAfter"
days=$(( ($(date -u -d "$want" +%s) - $(date +%s)) / 86400 ))
ok "$([ "$days" -ge 364 ] && [ "$days" -le 366 ]; echo $?)" "... about a year from now ($days days)"
like "$(hostrow web1.example)" "\"expires_at\":\"$EXP\"" "host list shows the end"
like "$(hostrow web1.example)" '"renewing":false' "... and no renewal pending"
like "$(greet "$T/v1")" "VERSION" "the host connects with its first certificate"

# --- renewal without an outage ----------------------------------------------------------
out=$(authadm host renew web1.example --out "$T/v1" 2>&1); is $? 1 "renew into a directory holding credentials: refused"
like "$out" "exists: not overwritten" "... saying why, before authd issues anything"
S1=$(hostrow web1.example | sed 's/.*"serial":"\([0-9a-f]*\)".*/\1/')
is "$S1" "$(serial_of "$T/v1/host.crt")" "host list shows the certificate's serial"
out=$(authadm host renew web1.example --out "$T/v2"); ok $? "host renew web1.example"
like "$out" "^serial: [0-9a-f]+" "... prints the new serial"
S2=$(printf '%s\n' "$out" | sed -n 's/^serial: //p')
is "$S2" "$(serial_of "$T/v2/host.crt")" "... the one in the certificate written"
ok "$([ "$S1" != "$S2" ]; echo $?)" "... a new certificate ($S2, was $S1)"
is "$(stat -c %a "$T/v2/host.key")" 600 "... its key written 0600"
like "$(authadm audit show --action host_renew)" "host_renew +web1\.example +ok .*serial=$S2 previous=$S1" \
    "the renewal is audited with both serials (R18)"
like "$(hostrow web1.example)" '"renewing":true' "host list: renewal pending"
like "$(greet "$T/v1")" "VERSION" "the old certificate still works until the new one is used"
# a connection made with the old certificate, still open when the new one is first used
{ sleep 3; printf 'ACCT\tuser=admin\n'; sleep 1; } | timeout 6 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$STATE/ca.crt" -cert "$T/v1/host.crt" -key "$T/v1/host.key" \
    -attime "$(( $(date +%s) + CLOCK_OFFSET ))" -quiet -ign_eof > "$T/held.out" 2>/dev/null &
held=$!
i=0; while ! grep -q VERSION "$T/held.out" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.05; i=$((i+1)); done
like "$(greet "$T/v2")" "VERSION" "the new one works"
wait $held
like "$(cat "$T/held.out")" "VERSION" "a connection opened with the old certificate before..."
unlike "$(cat "$T/held.out")" "OK	user=admin" "... is closed once the new one is used: its next request gets no answer"
unlike "$(greet "$T/v1")" "VERSION" "once the host used the new one, the old one is refused"
like "$(cat "$T/authd.log")" "web1\.example uses its renewed certificate: serial $S1 no longer accepted \\(1 connections with it closed\\)" \
    "... and authd says so"
like "$(hostrow web1.example)" '"renewing":false' "host list: no renewal pending any more"
like "$(authadm host list)" "web1\.example .*$S2" "host list shows the new serial"

# a renewal never installed is replaced by the next: only the certificate in use stays valid
authadm host renew web1.example --out "$T/v3" > /dev/null; ok $? "renew again (v3)"
authadm host renew web1.example --out "$T/v4" > /dev/null; ok $? "... and again before v3 was used (v4)"
unlike "$(greet "$T/v3")" "VERSION" "the never-used v3 is refused"
like "$(greet "$T/v2")" "VERSION" "v2, in use, still works until v4 is used"
like "$(greet "$T/v4")" "VERSION" "v4 works"
unlike "$(greet "$T/v2")" "VERSION" "... and retires v2"

# whoever holds a renewed-away key cannot keep the host out by filling its connection cap
authadm host add web3.example --out "$T/w3a" > /dev/null; ok $? "host add web3.example"
holds=
for i in 1 2 3; do
	{ sleep 4; printf 'ACCT\tuser=admin\n'; sleep 1; } | timeout 7 openssl s_client \
	    -connect "127.0.0.1:$PORT" -tls1_3 -CAfile "$STATE/ca.crt" -cert "$T/w3a/host.crt" \
	    -key "$T/w3a/host.key" -attime "$(( $(date +%s) + CLOCK_OFFSET ))" -quiet -ign_eof \
	    > "$T/w3hold$i.out" 2>/dev/null &
	holds="$holds $!"
done
i=0; while [ "$(cat "$T"/w3hold?.out 2>/dev/null | grep -c VERSION)" -lt 3 ] && [ $i -lt 80 ]; do sleep 0.05; i=$((i+1)); done
unlike "$(greet "$T/w3a")" "VERSION" "web3.example's cap (3) is full with its current certificate"
authadm host renew web3.example --out "$T/w3b" > /dev/null; ok $? "host renew web3.example"
like "$(greet "$T/w3b")" "VERSION" "the renewed certificate gets in although the old one fills the cap"
wait $holds
unlike "$(cat "$T"/w3hold?.out)" "OK	user=admin" "... and the three old connections were closed"

# --- revocation, and enrolling a rebuilt host again ------------------------------------------
authadm host renew web1.example --out "$T/v5" > /dev/null
authadm host revoke web1.example > /dev/null; ok $? "host revoke (with a renewal pending)"
unlike "$(greet "$T/v4")" "VERSION" "the current certificate is refused"
unlike "$(greet "$T/v5")" "VERSION" "so is the pending renewal"
out=$(authadm host renew web1.example --out "$T/v6" 2>&1); is $? 1 "renewing a revoked host: refused"
like "$out" "revoked: enrol it again with host add" "... saying what to do"
out=$(authadm host add web1.example --out "$T/v7"); ok $? "host add enrols the revoked (rebuilt) host again under its name"
like "$(greet "$T/v7")" "VERSION" "the new enrolment works"
unlike "$(greet "$T/v4")" "VERSION" "the revoked certificates stay refused"
like "$(authadm audit show --action host_add --target web1.example)" "host_add +web1\.example +ok .*enrolled_again=1" \
    "the second enrolment is audited as such"
like "$(hostrow web1.example)" '"revoked_at":(null|"")' "host list: no longer revoked"
out=$(authadm host add web1.example --out "$T/v8" 2>&1); is $? 1 "an enrolled host is not enrolled twice"
like "$out" "already enrolled \(host renew" "... pointing to host renew"

# --- scope (R1) ---------------------------------------------------------------------------
authadm unit add HQ --name "Head office" > /dev/null
authadm host add db1.example --unit HQ --out "$T/db1" > /dev/null; ok $? "host add db1.example in HQ"
out=$(authadm user add brad --unit HQ --role sysadmin --soft-token); ok $? "brad: sysadmin of HQ"
BPW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
BSEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
next_step
printf '%s\n%s\n%s\n%s\n' "$BPW" "$(totp "$BSEC")" 'Head-Office-Sysadm-2026!' 'Head-Office-Sysadm-2026!' |
    AUTHADM_SESSION=$T/brad "$AUTHADM_BIN" -c "$CONF" login -u brad > /dev/null 2>&1
ok $? "brad logs in"
out=$(AUTHADM_SESSION=$T/brad "$AUTHADM_BIN" -c "$CONF" host renew web1.example --out "$T/b1" 2>&1)
is $? 1 "brad cannot renew a host of ROOT"
like "$out" "outside your scope" "... outside his scope (R1)"
out=$(AUTHADM_SESSION=$T/brad "$AUTHADM_BIN" -c "$CONF" host renew db1.example --out "$T/b2" 2>&1)
is $? 0 "brad renews db1.example of his unit"
# --- a daemon running longer than its server certificate lasts ---------------------------
end_of() {	# end_of CERTFILE: notAfter as epoch seconds
	date -u -d "$(openssl x509 -noout -enddate -in "$1" | sed 's/^notAfter=//')" +%s
}
E1=$(end_of "$STATE/server.crt")
days=$(( (E1 - $(date +%s)) / 86400 ))
ok "$([ "$days" -ge 729 ] && [ "$days" -le 731 ]; echo $?)" "the server certificate lasts two years ($days days)"
# authd's clock to 10 days before that end, without a restart
clock_advance $(( E1 - $(date +%s) - CLOCK_OFFSET - 10 * 86400 ))
admin_relogin; ok $? "admin logs in again, 720 days later"
authadm host add web9.example --out "$T/web9" > /dev/null; ok $? "a host enrolled then"
like "$(greet "$T/web9")" "VERSION" "it connects: the server certificate was renewed on the way"
E2=$(end_of "$STATE/server.crt")
ok "$([ "$E2" -gt "$E1" ]; echo $?)" "server.crt ends later now ($(date -u -d "@$E2" +%F))"
like "$(cat "$T/authd.log")" "tls: server certificate renewed, valid until [0-9]{4}-" "... and authd logged it"
# db1.example's certificate (a year) ended long ago by now; web9's has 355 days left
clock_advance $(( 350 * 86400 ))
like "$(greet "$T/web9")" "VERSION" "web9.example, 15 days before its certificate ends, still connects"
like "$(cat "$T/authd.log")" "the certificate of host web9\.example ends in 1[45] days: authadm host renew web9\.example" \
    "... and authd warns, naming the command"
unlike "$(greet "$T/db1")" "VERSION" "db1.example, whose certificate has ended, is refused"
done_testing
