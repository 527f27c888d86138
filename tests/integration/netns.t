#!/bin/sh
# A remote host in its own network namespace (issue 8): a veth pair joins the test's
# namespace, where authd listens (tls_listen on the root side's address), to a namespace
# holding the "host" web2.example, whose pam_authd.so reaches authd over mutual TLS 1.3 with
# the credentials of `authadm host add`. Through pamtester under pam_wrapper inside the
# namespace: a login (R5, R21: an encrypted channel) whose audit record names the host from
# its certificate and the address it came from (R31); a server name the certificate does not
# carry refused; a critical host asked for the OTP whatever the service says (R21); failover
# past an address that never answers, and past a name whose DNS server never answers (the
# lookup bounded by timeout=), fail closed when none answers; a host revoked in the middle
# of a login cut off. Needs root for `ip netns` and veth: skipped otherwise.
. "$(dirname "$0")/lib.sh"

NS=authd-t$$
VH=avh$$			# the veth end in our namespace (authd's side)
VN=avn$$			# the end inside NS (the host's side)
PAMD=$T/pam.d
PAMLOG=$T/pamtester.log
PORT=$(( 20000 + $$ % 20000 ))
CLOSED=$(( PORT + 1 ))		# nothing listens there
BG_PIDS=

netns_cleanup() {
	for p in $BG_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null		# takes VN and with it its peer VH
	ip link del "$VH" 2>/dev/null
	rm -rf "/etc/netns/$NS"
	rmdir /etc/netns 2>/dev/null
	return 0
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "network namespaces need root (ip netns, veth)"
command -v ip > /dev/null || skip_all "no ip(8) (iproute2)"
trap 'netns_cleanup; cleanup' EXIT
ip netns add "$NS" 2> "$T/netns.err" || skip_all "ip netns add failed: $(head -1 "$T/netns.err")"

# a /29 of 10.231.0.0/16 no interface uses yet: .1 authd, .2 the host, .3 nobody
X=$(( $$ % 250 ))
i=0
while ip -4 addr show | grep -q "inet 10\.231\.$X\." && [ $i -lt 250 ]; do
	X=$(( (X + 1) % 250 )); i=$((i + 1))
done
NET=10.231.$X
SRV=$NET.1
HOSTADDR=$NET.2
SILENT=$NET.3			# in the subnet; its frames go to a MAC nobody has: dropped
{ ip link add "$VH" type veth peer name "$VN" &&
  ip link set "$VN" netns "$NS" &&
  ip addr add "$SRV/29" dev "$VH" && ip link set "$VH" up &&
  ip -n "$NS" addr add "$HOSTADDR/29" dev "$VN" && ip -n "$NS" link set "$VN" up &&
  ip -n "$NS" link set lo up &&
  ip -n "$NS" neigh add "$SILENT" lladdr 02:00:5e:00:53:01 dev "$VN" nud permanent; } \
    2> "$T/netns.err" ||
    skip_all "veth setup failed: $(head -1 "$T/netns.err")"

# The namespace's own /etc/hosts and resolv.conf (ip netns exec bind-mounts them): two names
# for authd's address, and a DNS server inside the namespace that reads queries and drops them.
mkdir -p "/etc/netns/$NS"
printf '127.0.0.1 localhost\n%s authd.example\n%s authd-alias.example\n' "$SRV" "$SRV" \
    > "/etc/netns/$NS/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' > "/etc/netns/$NS/resolv.conf"
ip netns exec "$NS" perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 53, Proto => "udp")
	    or die "udp 53: $!\n";
	my $b;
	while (defined $s->recv($b, 4096)) {}		# read, never answer
' 2> "$T/dns.err" &
BG_PIDS="$BG_PIDS $!"

write_config "$(printf 'tls_listen = %s:%s\ntls_names = authd.example,%s\n[service console]\notp = off' \
    "$SRV" "$PORT" "$SRV")"
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed: authd or authadm (see $T)"; exit 1; }
mkdir -p "$PAMD"

# nspam ANSWERS PAMTESTER-ARGS...: lib.sh's pam, pamtester inside NS; sets out, rc, secs
nspam() {
	PAM_RUN="ip netns exec $NS" pam "$@"
}

within() {	# within LIMIT DESCRIPTION: the last pamtester call took less than LIMIT seconds
	ok "$(echo "$secs < $1" | bc | grep -q 1; echo $?)" "$2: ${secs}s"
}

# the last login record of a user, as JSON
last_login() {
	authadm --json audit show --action login --target "$1" | tail -1
}

ok "$(ip netns exec "$NS" ip -4 route get "$SRV" | grep -q "src $HOSTADDR"; echo $?)" \
    "namespace $NS reaches authd's $SRV from $HOSTADDR over veth"

# --- enrolment --------------------------------------------------------------------
authadm host add web2.example --out "$T/web2" > /dev/null; ok $? "host add web2.example (enrolment)"
authadm host add db2.example --critical --out "$T/db2" > /dev/null; ok $? "host add db2.example --critical"
W=$T/web2
CRED="ca=$W/ca.crt cert=$W/host.crt key=$W/host.key"
uout=$(authadm user add alice --unit ROOT --soft-token 2>&1); ok $? "user add alice"
PW=$(printf '%s\n' "$uout" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$uout" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')

# --- a login from the host's namespace (R5, R21) and its audit record (R31) ---------
svc sshd "auth required $PAM_AUTHD_SO server=tls://$SRV:$PORT $CRED timeout=3"
next_step
nspam "$(lines "$PW" "$(totp "$SEC")")" -I rhost=198.51.100.7 sshd alice authenticate
is "$rc" 0 "login from the host's namespace over TLS to $SRV: password + OTP (R5, R21)"
like "$out" "Password: OTP: " "... authd's prompts relayed"
rec=$(last_login alice)
like "$rec" '"result":"ok"' "the login is audited (R18)"
like "$rec" '"host":"web2\.example"' "... naming the host from its certificate (R31)"
like "$rec" '"source_addr":"198\.51\.100\.7"' "... and the user's address the host reports (PAM_RHOST, R31)"
like "$rec" "[\" ]$(echo "$HOSTADDR" | sed 's/\./\\./g')[\":]" \
    "... and the address the host connected from, $HOSTADDR (R31)"

# by name: the namespace's /etc/hosts, looked up through getaddrinfo_a
svc sshd-name "auth required $PAM_AUTHD_SO server=tls://authd.example:$PORT $CRED timeout=3"
next_step
nspam "$(lines "$PW" "$(totp "$SEC")")" sshd-name alice authenticate
is "$rc" 0 "server= by a name the certificate carries (authd.example): PAM_SUCCESS"

# --- a name the server certificate does not carry ---------------------------------
svc sshd-alias "auth required $PAM_AUTHD_SO server=tls://authd-alias.example:$PORT $CRED timeout=3"
nspam "$(lines "$PW" 000000)" sshd-alias alice authenticate
unavail "authd-alias.example (authd's address, not in tls_names)"
like "$out" "tls://authd-alias\.example:$PORT: server certificate refused: hostname mismatch" \
    "... the mismatch is logged"
unlike "$out" "Password:" "... and nothing is asked"

# --- a critical host asks for the OTP whatever the service says (R21) ---------------
# the same service name (PAM_SERVICE) on both hosts: each has its own service directory
svc console "auth required $PAM_AUTHD_SO server=tls://$SRV:$PORT $CRED timeout=3"
mkdir -p "$T/pam.d-db2"
printf 'auth required %s server=tls://%s:%s ca=%s cert=%s key=%s timeout=3\n' "$PAM_AUTHD_SO" \
    "$SRV" "$PORT" "$T/db2/ca.crt" "$T/db2/host.crt" "$T/db2/host.key" > "$T/pam.d-db2/console"
next_step
nspam "$PW" console alice authenticate
is "$rc" 0 "an ordinary host, service console (otp = off): the password alone"
unlike "$out" "OTP:" "... no OTP asked"
PAMD=$T/pam.d-db2
next_step
nspam "$(lines "$PW" "$(totp "$SEC")")" console alice authenticate
is "$rc" 0 "the critical host db2.example, service console: password + OTP (R21)"
like "$out" "Password: OTP: " "... the OTP is asked although the service has otp = off"
next_step
nspam "$(lines "$PW" 000000)" console alice authenticate
is "$rc" 1 "... and a wrong OTP there fails (PAM_AUTH_ERR)"
PAMD=$T/pam.d

# --- failover and failing closed -------------------------------------------------
svc fo-silent "auth required $PAM_AUTHD_SO server=tls://$SILENT:$PORT,tls://$SRV:$PORT $CRED timeout=2"
next_step
nspam "$(lines "$PW" "$(totp "$SEC")")" fo-silent alice authenticate
is "$rc" 0 "failover: first server $SILENT (no answer at all), then authd: PAM_SUCCESS"
like "$out" "authd unreachable at tls://$SILENT:$PORT: connect timed out after 2 s" \
    "... the first connect bounded by timeout=2"

svc fo-closed "auth required $PAM_AUTHD_SO server=tls://$SRV:$CLOSED,tls://$SRV:$PORT $CRED timeout=2"
next_step
nspam "$(lines "$PW" "$(totp "$SEC")")" fo-closed alice authenticate
is "$rc" 0 "failover: first server a closed port, then authd: PAM_SUCCESS"

svc down "auth required $PAM_AUTHD_SO server=tls://$SILENT:$PORT,tls://$SRV:$CLOSED $CRED timeout=2"
nspam "$(lines "$PW" 000000)" down alice authenticate
unavail "both servers down (no answer, a closed port)"
within 3 "... within timeout=2 + 1 s"
like "$out" "authd unreachable at tls://$SILENT:$PORT: connect timed out after 2 s" \
    "... the silent one given up after timeout=2"
like "$out" "no authd server answered \(2 tried\)" "... logged"
unlike "$out" "Password:" "... and nothing is asked"

# --- a name whose DNS server never answers: the lookup is bounded too ------------
svc dns "auth required $PAM_AUTHD_SO server=tls://web.unresolvable.example:$PORT $CRED timeout=2"
nspam "$(lines "$PW" 000000)" dns alice authenticate
unavail "a name the DNS server never answers for"
within 3 "... within timeout=2 + 1 s, not the resolver's own 5 s x 2 attempts"
like "$out" "cannot resolve web\.unresolvable\.example: no answer within 2 s" "... logged"

svc fo-dns "auth required $PAM_AUTHD_SO server=tls://web.unresolvable.example:$PORT,tls://$SRV:$PORT $CRED timeout=2"
next_step
nspam "$(lines "$PW" "$(totp "$SEC")")" fo-dns alice authenticate
is "$rc" 0 "failover: first server an unresolvable name, then authd: PAM_SUCCESS"
within 4 "... after the lookup's 2 s"

# --- revocation in the middle of a login ---------------------------------------------
# pamtester waits at the password prompt on a FIFO while the host is revoked
mkfifo "$T/answers"
ip netns exec "$NS" env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
    PAM_WRAPPER_DEBUGLEVEL=0 pamtester -v sshd alice authenticate < "$T/answers" > "$T/mid.out" 2>&1 &
mid=$!
BG_PIDS="$BG_PIDS $mid"
exec 7> "$T/answers"
i=0; while ! grep -q "Password:" "$T/mid.out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
like "$(cat "$T/mid.out")" "Password:" "a login from web2.example waits at the password prompt"
authadm host revoke web2.example > /dev/null; ok $? "host revoke web2.example while it is connected"
like "$(authadm audit show --action host_revoke)" "host_revoke +web2\.example +ok .*connections_cut=1" \
    "... its open connection is cut at once"
next_step
printf '%s\n%s\n' "$PW" "$(totp "$SEC")" >&7
exec 7>&-
wait "$mid"; rc=$?
BG_PIDS=${BG_PIDS% "$mid"}		# reaped: never signalled again
out=$(cat "$T/mid.out"); printf '### mid-login revocation (exit %s)\n%s\n' "$rc" "$out" >> "$PAMLOG"
unavail "the interrupted login"
unlike "$out" "OTP:" "... goes no further"

nspam "$(lines "$PW" 000000)" sshd alice authenticate
unavail "a new connection from the revoked host"
unlike "$out" "Password:" "... nothing is asked"
# --- remote authadm from an administrator's machine in the namespace (item 5) ------
cp "$STATE/ca.crt" "$T/authd-ca.crt"
next_step
out=$(printf '%s\n%s\n' "$ADMIN_NEWPW" "$(totp "$ADMIN_SECRET")" | ip netns exec "$NS" env \
    AUTHADM_SESSION="$T/ns-session" "$AUTHADM_BIN" -H "tls://authd.example:$PORT" \
    --ca "$T/authd-ca.crt" login -u admin 2>&1)
is $? 0 "authadm -H tls://authd.example:$PORT from $HOSTADDR: admin login (password + OTP)"
out=$(ip netns exec "$NS" env AUTHADM_SESSION="$T/ns-session" "$AUTHADM_BIN" \
    -H "tls://authd.example:$PORT" --ca "$T/authd-ca.crt" user freeze alice --reason "left" 2>&1)
is $? 0 "... and works there (user freeze)"
like "$(authadm --json audit show --action user_freeze --target alice)" \
    "\"source_addr\":\"$(echo "$HOSTADDR" | sed 's/\./\\./g')\".*\"client\":\"authadm tls\"" \
    "the audit names the administrator's address, $HOSTADDR (R18, R31)"
# the same token from another machine (here: authd's own address) is no session
sed "s|^socket=.*|socket=tls://$SRV:$PORT|" "$T/ns-session" > "$T/stolen-session"
chmod 600 "$T/stolen-session"
out=$(AUTHADM_SESSION="$T/stolen-session" "$AUTHADM_BIN" -H "tls://$SRV:$PORT" --ca "$T/authd-ca.crt" \
    unit list 2>&1)
is $? 3 "the session token copied to another address is refused (bound to $HOSTADDR)"
ok "$([ ! -e "$T/stolen-session" ]; echo $?)" "... by authd (code=session: authadm dropped the file)"
out=$(ip netns exec "$NS" env AUTHADM_SESSION="$T/ns-session" "$AUTHADM_BIN" \
    -H "tls://authd.example:$PORT" --ca "$T/authd-ca.crt" unit list 2>&1)
is $? 0 "... while it still works from $HOSTADDR"
done_testing
