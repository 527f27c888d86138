#!/bin/sh
# Remote authadm over TLS 1.3 (issue 8 item 5; INTERFACE.md tls_listen): an administrator
# works from their own machine with `authadm -H tls://HOST:PORT --ca FILE`, logging in with
# password and OTP as on the socket (R5, R13). The server's certificate must come from
# authd's CA and name HOST; the session is bound to the machine it was opened from; the
# audit names that machine's address (R18, R31); allow_from restricts where administrators
# may work from (R21); a connection without a host certificate never logs users in.
. "$(dirname "$0")/lib.sh"

PORT=$(( 20000 + $$ % 20000 ))
write_config "$(printf 'tls_listen = 127.0.0.1:%s\ntls_names = localhost\nmax_connections_per_uid = 3\ntwo_person_rule = no' "$PORT")"
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed (see $T)"; exit 1; }

# the administrator's machine: its own session file and a copy of authd's CA certificate
cp "$STATE/ca.crt" "$T/authd-ca.crt"
URL="tls://localhost:$PORT"
radm() {
	AUTHADM_SESSION=$T/remote-session "$AUTHADM_BIN" -H "$URL" --ca "$T/authd-ca.crt" "$@"
}
rlogin() {	# rlogin NAME PASSWORD SECRET: sets out and rc
	next_step
	out=$(printf '%s\n%s\n' "$2" "$(totp "$3")" | radm login -u "$1" 2>&1)
	rc=$?
}

# --- options ----------------------------------------------------------------
out=$("$AUTHADM_BIN" -H "$URL" unit list 2>&1); is $? 2 "-H without --ca: usage error"
like "$out" "needs --ca FILE" "... saying what is missing"
out=$("$AUTHADM_BIN" -H "tls://localhost" --ca "$T/authd-ca.crt" unit list 2>&1); is $? 2 "-H without a port: usage error"
like "$out" "not tls://HOST:PORT" "... naming the form"
out=$("$AUTHADM_BIN" -H "https://localhost:$PORT" --ca "$T/authd-ca.crt" unit list 2>&1); is $? 2 "-H with another scheme: usage error"
out=$("$AUTHADM_BIN" -c "$CONF" -H "$URL" --ca "$T/authd-ca.crt" unit list 2>&1); is $? 2 "-H with -c: usage error"
out=$("$AUTHADM_BIN" -c "$CONF" --ca "$T/authd-ca.crt" unit list 2>&1); is $? 2 "--ca without -H: usage error"
like "$("$AUTHADM_BIN" --help)" "-H tls://HOST:PORT" "--help tells -H and --ca"

# --- the server must prove itself ------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$T/other.key" -out "$T/other.crt" > /dev/null 2>&1
next_step
out=$(printf '%s\n%s\n' "$ADMIN_NEWPW" "$(totp "$ADMIN_SECRET")" |
    AUTHADM_SESSION=$T/remote-session "$AUTHADM_BIN" -H "$URL" --ca "$T/other.crt" login -u admin 2>&1)
is $? 3 "a CA file of another CA: authd unreachable (exit 3), nothing sent"
like "$out" "server certificate: .*(self-signed|unable to get local issuer)" "... naming the certificate problem"
next_step
out=$(printf '%s\n%s\n' "$ADMIN_NEWPW" "$(totp "$ADMIN_SECRET")" |
    AUTHADM_SESSION=$T/remote-session "$AUTHADM_BIN" -H "tls://127.0.0.1:$PORT" --ca "$T/authd-ca.crt" login -u admin 2>&1)
is $? 3 "an address the server certificate does not name (tls_names = localhost): refused"
like "$out" "server certificate: .*mismatch" "... as a name mismatch"
out=$(radm -H "tls://localhost:1" unit list 2>&1); is $? 2 "-H twice: usage error"
out=$(AUTHADM_SESSION=$T/nosession "$AUTHADM_BIN" -H "tls://localhost:1" --ca "$T/authd-ca.crt" login -u admin < /dev/null 2>&1)
is $? 3 "nothing listening: exit 3"
like "$out" "cannot connect to localhost port 1" "... saying where"
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 5 perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:'"$PORT"'") or exit 2;
    local $/; my $in = <STDIN>; $s->syswrite($in); $s->recv(my $b, 100); exit 0;'
ok $? "plaintext on the TLS port: closed cleanly, no hang"
ok "$(kill -0 "$AUTHD_PID" 2>/dev/null; echo $?)" "authd still serves"

# --- login and work from afar ------------------------------------------------------
rlogin admin "$ADMIN_NEWPW" "$ADMIN_SECRET"
is "$rc" 0 "remote login with password and OTP (R5, R13)"
like "$out" "logged in as admin" "... says who"
like "$(stat -c %a "$T/remote-session")" "600" "the remote session file is mode 0600"
like "$(cat "$T/remote-session")" "socket=$URL" "... and names the remote authd"
out=$(radm user add bob --unit ROOT --soft-token); ok $? "user add over TLS"
like "$out" "^password: " "... prints the initial password"
like "$(radm user show bob)" "state: active" "user show over TLS"
like "$(radm --json unit list)" '"code":"ROOT"' "--json over TLS"
printf 'RMT0001,totp,3132333435363738393031323334353637383930\nRMT0002,hotp,3132333435363738393031323334353637383930\n' > "$T/keys.csv"
out=$(radm key import "$T/keys.csv" 2>&1); ok $? "key import streams a local file over TLS"
like "$(radm key list)" "RMT0002" "... and the keys are there"
like "$(authadm audit show --action user_add --target bob)" "user_add +bob +ok +- +127\.0\.0\.1 +[0-9]+ .*authadm tls" \
    "the audit names the administrator's address and the TLS client (R18, R31)"
like "$(authadm audit show --action login --target admin)" "login +admin +ok .*127\.0\.0\.1.*tls 127\.0\.0\.1:[0-9]+" \
    "the remote login is audited with its source"

# --- the session is bound to where it was opened -------------------------------------
TOKEN=$(sed -n 's/^token=//p' "$T/remote-session")
out=$(printf 'unit_list\ttoken=%s\n' "$TOKEN" | perl "$(dirname "$0")/wire.pl" "$STATE/admin.sock" 1)
like "$out" "FAIL	code=session" "the remote token is refused on the local admin socket"
out=$(authadm unit list); ok $? "the local session is untouched"
cp "$T/remote-session" "$T/copied-session"
sed -i "s|^socket=.*|socket=tls://localhost:$PORT|" "$T/copied-session"
out=$(AUTHADM_SESSION=$T/copied-session "$AUTHADM_BIN" -H "$URL" --ca "$T/authd-ca.crt" unit list 2>&1)
is $? 0 "the same token from the same machine works (copied file)"

# --- a host connection is no admin connection, an admin one logs no user in ---------
authadm host add web1.example --out "$T/web1" > /dev/null; ok $? "host add web1.example"
out=$({ printf 'LOGIN\tuser=admin\n'; sleep 1; } | timeout 4 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$T/authd-ca.crt" -cert "$T/web1/host.crt" -key "$T/web1/host.key" -quiet -ign_eof 2>/dev/null)
like "$out" "FAIL	code=proto" "LOGIN on a host's connection: refused"
out=$({ printf 'AUTH\tuser=bob\n'; sleep 1; } | timeout 4 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$T/authd-ca.crt" -quiet -ign_eof 2>/dev/null)
like "$out" "FAIL	code=proto	msg=no host certificate" "AUTH without a host certificate: refused (only enrolled hosts log users in)"

# --- caps (item 6): connections without a certificate per address, and per host -------
# hold N CERTDIR: N idle TLS connections (as the host of CERTDIR, or none), held 4 s
hold() {
	holds=
	rm -f "$T"/hold?.out
	for i in $(seq 1 "$1"); do
		{ sleep 4; } | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 \
		    -CAfile "$T/authd-ca.crt" ${2:+-cert "$2/host.crt" -key "$2/host.key"} \
		    -quiet -ign_eof > "$T/hold$i.out" 2>&1 &
		holds="$holds $!"
	done
	i=0
	while [ "$(cat "$T"/hold?.out 2>/dev/null | grep -c VERSION)" -lt "$1" ] && [ $i -lt 60 ]; do
		sleep 0.05; i=$((i+1))
	done
}
hold 3
out=$({ printf 'unit_list\ttoken=%s\n' "$TOKEN"; sleep 1; } | timeout 4 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$T/authd-ca.crt" -quiet -ign_eof 2>/dev/null)
unlike "$out" "VERSION" "a fourth connection from the same address is refused (max_connections_per_uid = 3)"
like "$(cat "$T/authd.log")" "127.0.0.1 has 3 admin connections: refused" "... and logged"
wait $holds
out=$(radm unit list); ok $? "once they are gone, the administrator is served again"

hold 3 "$T/web1"
out=$({ printf 'ACCT\tuser=bob\n'; sleep 1; } | timeout 4 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$T/authd-ca.crt" -cert "$T/web1/host.crt" -key "$T/web1/host.key" -quiet -ign_eof 2>/dev/null)
unlike "$out" "VERSION" "a host's fourth connection is refused (max_connections_per_uid = 3 per host)"
like "$(cat "$T/authd.log")" "host web1.example has 3 connections: refused" "... and logged"
out=$(radm unit list); ok $? "... while the administrator is still served (no shared cap)"
out=$(authadm unit list); ok $? "... and root on the local admin socket too (hosts are not uid 0's quota)"
wait $holds

# --- allow_from: where administrators may work from (R21) ------------------------------
authadm unit add OPS --parent ROOT --name Operations > /dev/null; ok $? "unit add OPS"
out=$(authadm user add opsadm --unit OPS --role sysadmin --soft-token); ok $? "user add opsadm, sysadmin of OPS"
OPW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
OSEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
ONEW='0ps-Admin-Pass-2026!'
authadm user set opsadm --allow-from 192.0.2.0/24; ok $? "opsadm may work from 192.0.2.0/24 only"
next_step
out=$(printf '%s\n%s\n%s\n%s\n' "$OPW" "$(totp "$OSEC")" "$ONEW" "$ONEW" |
    AUTHADM_SESSION=$T/ops-session "$AUTHADM_BIN" -H "$URL" --ca "$T/authd-ca.crt" login -u opsadm 2>&1)
is $? 1 "opsadm's remote login from 127.0.0.1 is refused"
unlike "$out" "allow|source|address" "... without saying why (no oracle)"
like "$(authadm audit show --action login --target opsadm)" "login +opsadm +fail .*source address not allowed +127\.0\.0\.1" \
    "... the audit says why and from where (R18)"
authadm user set opsadm --allow-from 127.0.0.0/8; ok $? "opsadm may work from 127.0.0.0/8"
next_step
out=$(printf '%s\n%s\n%s\n%s\n' "$OPW" "$(totp "$OSEC")" "$ONEW" "$ONEW" |
    AUTHADM_SESSION=$T/ops-session "$AUTHADM_BIN" -H "$URL" --ca "$T/authd-ca.crt" login -u opsadm 2>&1)
is $? 0 "now the remote login works, the initial password changed on the way (R7)"
like "$(AUTHADM_SESSION=$T/ops-session "$AUTHADM_BIN" -H "$URL" --ca "$T/authd-ca.crt" unit list)" "OPS" \
    "opsadm works remotely"
out=$(AUTHADM_SESSION=$T/ops-session "$AUTHADM_BIN" -H "$URL" --ca "$T/authd-ca.crt" user show admin 2>&1)
is $? 1 "... within its scope only (R1)"

# --- the remote authd from the environment ------------------------------------------------
out=$(AUTHADM_SESSION=$T/remote-session AUTHADM_SERVER=$URL AUTHADM_CA=$T/authd-ca.crt "$AUTHADM_BIN" unit list)
ok $? "AUTHADM_SERVER and AUTHADM_CA stand for -H and --ca"
like "$out" "ROOT" "... the same session, the same authd"
out=$(AUTHADM_SESSION=$T/remote-session AUTHADM_SERVER=$URL "$AUTHADM_BIN" unit list 2>&1)
is $? 2 "AUTHADM_SERVER without a CA: usage error"
out=$(AUTHADM_SERVER=$URL AUTHADM_CA=$T/authd-ca.crt "$AUTHADM_BIN" -c "$CONF" unit list 2>&1)
is $? 0 "-c wins over AUTHADM_SERVER (the local admin socket)"

# --- logout ----------------------------------------------------------------------------
radm logout > /dev/null; ok $? "remote logout"
out=$(radm unit list 2>&1); is $? 3 "after logout: no session"
done_testing
