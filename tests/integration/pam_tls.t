#!/bin/sh
# pam_authd.so reaching authd over mutual TLS 1.3 (issue 8 item 3; INTERFACE.md "PAM module":
# server=tls://HOST:PORT[,...] ca= cert= key= [timeout=]), through pamtester under pam_wrapper:
# strict arguments; a login with the host's enrolled credentials (R5) whose audit record names
# the host from its certificate (R31); a CA file from another CA, a silent server and closed
# ports, a revoked host: PAM_AUTHINFO_UNAVAIL (fail closed); failover to the next server.
. "$(dirname "$0")/lib.sh"

PAMD=$T/pam.d
PAMLOG=$T/pamtester.log
PORT=$(( 20000 + $$ % 20000 ))
CLOSED=$(( PORT + 1 ))		# nothing listens there
SILENT=$(( PORT + 2 ))		# accepts TCP, never says a word

write_config "$(printf 'tls_listen = 127.0.0.1:%s' "$PORT")"
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed: authd or authadm (see $T)"; exit 1; }
mkdir -p "$PAMD"

# --- the host and a user ----------------------------------------------------
authadm host add web1.example --out "$T/web1" > /dev/null; ok $? "host add web1.example"
H=$T/web1
CRED="ca=$H/ca.crt cert=$H/host.crt key=$H/host.key"
uout=$(authadm user add alice --unit ROOT --soft-token 2>&1); ok $? "user add alice"
PW=$(printf '%s\n' "$uout" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$uout" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')

# --- strict arguments -------------------------------------------------------
for args in "server=tls://127.0.0.1:$PORT" \
    "server=tls://127.0.0.1:$PORT ca=$H/ca.crt cert=$H/host.crt" \
    "server=tls://127.0.0.1:$PORT $CRED socket=$STATE/authd.sock" \
    "server=tls://127.0.0.1:$PORT ca=ca.crt cert=$H/host.crt key=$H/host.key" \
    "$CRED" \
    "server=127.0.0.1:$PORT $CRED" "server=tls://127.0.0.1 $CRED" \
    "server=tls://127.0.0.1:0 $CRED" "server=tls://127.0.0.1:65536 $CRED" \
    "server=tls://::1:$PORT $CRED" "server=tls://[nope]:$PORT $CRED" \
    "server=tls://bad_name:$PORT $CRED" "server=tls://127.0.0.1:$PORT, $CRED" \
    "server=tls://a:1,tls://b:1,tls://c:1,tls://d:1,tls://e:1 $CRED" \
    "server=tls://a:1,tls://a:1 $CRED" \
    "server=tls://127.0.0.1:$PORT server=tls://127.0.0.1:$PORT $CRED" \
    "server=tls://127.0.0.1:$PORT $CRED ca=$H/ca.crt"; do
	svc pam-bad "auth required $PAM_AUTHD_SO $args"
	pam "" pam-bad alice authenticate
	if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q "Error in service module"; then
		ok 0 "arguments '$args': PAM_SERVICE_ERR"
	else
		ok 1 "arguments '$args': PAM_SERVICE_ERR"; printf '#   %s\n' "$out" | head -5
	fi
done
unlike "$out" "not supported by this build" "server= is no longer refused as unsupported"

# --- a login over TLS (R5), the audit naming the host (R31) -----------------
svc pam-tls "auth required $PAM_AUTHD_SO server=tls://127.0.0.1:$PORT $CRED timeout=3"
next_step
pam "$(lines "$PW" "$(totp "$SEC")")" pam-tls alice authenticate
is "$rc" 0 "login over TLS with the host's credentials: password + OTP (R5)"
like "$out" "Password: OTP: " "... authd's prompts relayed"
like "$out" "successfully authenticated" "... PAM_SUCCESS"
n=0
for secret in "$PW" "$SEC"; do printf '%s' "$out" | grep -qF -- "$secret" && n=$((n + 1)); done
is "$n" 0 "no password or secret in the module's log lines"
like "$(authadm --json audit show --action login --target alice)" '"host":"web1\.example"' \
    "the audit record names the enrolled host (R31)"

next_step
pam "$(lines "wrong-Passw0rd!" "$(totp "$SEC")")" pam-tls alice authenticate
is "$rc" 1 "a wrong password over TLS: PAM_AUTH_ERR"
like "$out" "Authentication failure" "... the ordinary failure, not unavailable"

svc pam-name "auth required $PAM_AUTHD_SO server=tls://localhost:$PORT $CRED timeout=3"
next_step
pam "$(lines "$PW" "$(totp "$SEC")")" pam-name alice authenticate
is "$rc" 0 "server= by name (localhost, in the server certificate; SNI sent): PAM_SUCCESS"

# --- a CA file from another CA --------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other-ca \
    -keyout "$T/other-ca.key" -out "$T/other-ca.crt" > /dev/null 2>&1
svc pam-otherca "auth required $PAM_AUTHD_SO server=tls://127.0.0.1:$PORT ca=$T/other-ca.crt cert=$H/host.crt key=$H/host.key timeout=3"
pam "$(lines "$PW" 000000)" pam-otherca alice authenticate
unavail "a CA file from another CA"
like "$out" "server certificate refused: (self-signed certificate in certificate chain|unable to get local issuer)" "... the certificate refusal is logged"
unlike "$out" "Password:" "... and nothing is asked"

# --- failover -------------------------------------------------------------------
# a listener that accepts and never answers (the handshake must time out)
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$SILENT" &
SILENT_PID=$!
sleep 0.3

svc pam-fo "auth required $PAM_AUTHD_SO server=tls://127.0.0.1:$CLOSED,tls://127.0.0.1:$PORT $CRED timeout=2"
next_step
pam "$(lines "$PW" "$(totp "$SEC")")" pam-fo alice authenticate
is "$rc" 0 "failover: first server a closed port, second the real one: PAM_SUCCESS"
like "$out" "authd unreachable at tls://127.0.0.1:$CLOSED" "... the first failure is logged"

svc pam-fo2 "auth required $PAM_AUTHD_SO server=tls://127.0.0.1:$SILENT,tls://127.0.0.1:$PORT $CRED timeout=2"
next_step
pam "$(lines "$PW" "$(totp "$SEC")")" pam-fo2 alice authenticate
is "$rc" 0 "failover: first server silent (handshake times out), second the real one: PAM_SUCCESS"
like "$out" "TLS handshake timed out after 2 s" "... the timeout is logged"

svc pam-down "auth required $PAM_AUTHD_SO server=tls://127.0.0.1:$CLOSED,tls://127.0.0.1:$SILENT $CRED timeout=2"
pam "$(lines "$PW" 000000)" pam-down alice authenticate
unavail "both servers down (a closed port, a silent one)"
ok $(echo "$secs < 4" | bc | grep -q 1; echo $?) "... within the timeout: ${secs}s for timeout=2 (one silent server)"
like "$out" "no authd server answered \(2 tried\)" "... logged"
kill "$SILENT_PID" 2>/dev/null; wait "$SILENT_PID" 2>/dev/null

# --- a revoked host -------------------------------------------------------------
authadm host revoke web1.example > /dev/null; ok $? "host revoke web1.example"
next_step
pam "$(lines "$PW" "$(totp "$SEC")")" pam-tls alice authenticate
unavail "a revoked host"
unlike "$out" "Password:" "... and nothing is asked"
done_testing
