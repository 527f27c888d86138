#!/bin/sh
# Remote hosts over mutual TLS 1.3 (issue 8, server side): host enrolment, the certificate
# naming the host (R31), unknown and foreign certificates refused, revocation cutting a host
# off, critical hosts always asking for the OTP (R21). Driven with openssl s_client.
. "$(dirname "$0")/lib.sh"

PORT=$(( 20000 + $$ % 20000 ))
write_config "$(printf 'tls_listen = 127.0.0.1:%s\nidle_timeout = 4\ntls_handshakes_per_second = 5\n[service console]\notp = off' "$PORT")"
setup_admin || exit 1

# tls CERTDIR LINES...: one TLS connection as the host of CERTDIR; prints what authd says
tls() {
	d=$1; shift
	{ printf '%s\n' "$@"; sleep 1; } | timeout 4 openssl s_client -connect "127.0.0.1:$PORT" \
	    -tls1_3 -CAfile "$T/web1/ca.crt" ${d:+-cert "$d/host.crt" -key "$d/host.key"} \
	    -verify_return_error -quiet -ign_eof 2>/dev/null
}

out=$(authadm host add web1.example --out "$T/web1"); ok $? "host add writes the host's credentials"
like "$out" "^serial: [0-9a-f]{32}" "... and prints the certificate's serial"
is "$(stat -c %a "$T/web1/host.key")" 600 "host.key is mode 0600"
ok $([ -s "$T/web1/ca.crt" ] && [ -s "$T/web1/host.crt" ] && echo 0 || echo 1) "ca.crt and host.crt written"
out=$(authadm host add web1.example --out "$T/web1b" 2>&1); is $? 1 "a host is enrolled once"
out=$(authadm host add Bad_Host --out "$T/bad" 2>&1); is $? 1 "a bad host name is refused"
like "$(authadm host list)" "web1.example +- +0 +[0-9a-f]{32}" "host list shows it"

next_step
out=$(tls "$T/web1" "$(printf 'AUTH\tuser=admin\tservice=sshd\thost=somebody-else')" \
    "$(printf 'ANSWER\tvalue=%s' "$ADMIN_NEWPW")" "$(printf 'ANSWER\tvalue=%s' "$(totp "$ADMIN_SECRET")")")
like "$out" "VERSION	major=1" "a host with its certificate gets the greeting over TLS 1.3"
like "$out" "CONT	step=otp" "... and the login conversation"
like "$out" "OK	user=admin" "... and logs a user in"
like "$(authadm --json audit show --action login --target admin --service sshd 2>/dev/null || authadm --json audit show --action login --target admin)" \
    '"host":"web1.example"' "the audit record names the host from its certificate, not its claim (R31)"
unlike "$(authadm audit show --action login --target admin)" "somebody-else" "the claimed host name is ignored"
like "$(authadm host list)" "web1.example .*[0-9]{4}-[0-9]{2}-[0-9]{2}T" "last seen is recorded"

# item 6: a silent client, and one stopping in the middle of its ClientHello, hold no one up
# and are dropped after idle_timeout (4 s here)
stall() {	# stall BYTES-HEX: connect, send them, wait; prints "closed after N s"
	perl -MIO::Socket::INET -MTime::HiRes=time -e '
	    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:'"$PORT"'") or die "connect: $!";
	    $s->syswrite(pack("H*", $ARGV[0])) if length $ARGV[0];
	    my $t0 = time; my $b;
	    my $rin = ""; vec($rin, fileno($s), 1) = 1;
	    while (select(my $r = $rin, undef, undef, 15)) { last if !sysread($s, $b, 4096); }
	    printf "closed after %d s\n", time - $t0 + 0.5;' "$1" > "$T/stall$2.out" 2>&1 &
}
stall "" 1; s1=$!
stall "16030100c8010000c40303" 2; s2=$!	# a record header and the start of a ClientHello
sleep 0.5
next_step
out=$(tls "$T/web1" "$(printf 'AUTH\tuser=admin\tservice=sshd')" \
    "$(printf 'ANSWER\tvalue=%s' "$ADMIN_NEWPW")" "$(printf 'ANSWER\tvalue=%s' "$(totp "$ADMIN_SECRET")")")
like "$out" "OK	user=admin" "while two TLS clients stall (silent, half a ClientHello), a host logs a user in"
wait $s1 $s2
like "$(cat "$T/stall1.out")" "closed after [3-6] s" "the silent client is dropped after idle_timeout"
like "$(cat "$T/stall2.out")" "closed after [3-6] s" "the half handshake is dropped after idle_timeout"

# a burst of 20 new connections: 5 a second are admitted (tls_handshakes_per_second = 5, a
# second's worth at once), the rest closed at once; local logins go on meanwhile
sleep 1.2	# the bucket full again
burst=$(perl -MIO::Socket::INET -MIO::Select -e '
	my @s = map { IO::Socket::INET->new(PeerAddr => "127.0.0.1:'"$PORT"'") or die "connect: $!" } 1..20;
	select(undef, undef, undef, 0.5);
	my ($open, $closed) = (0, 0);
	for my $s (@s) {
		my $sel = IO::Select->new($s);
		if ($sel->can_read(0)) { my $b; my $n = sysread($s, $b, 10); if (!$n) { $closed++; next } }
		$open++;
	}
	print "open=$open closed=$closed\n";')
like "$burst" "open=[5-7] closed=1[3-5]" "a burst of 20 connections: about 5 admitted, the rest closed at once ($burst)"
out=$(printf 'AUTH\tuser=admin\nCANCEL\n' | perl "$(dirname "$0")/wire.pl" "$STATE/authd.sock" 1)
like "$out" "CONT	step=password" "the local PAM socket is served meanwhile"
like "$(cat "$T/authd.log")" "tls: more than 5 new connections a second: [0-9]+ refused" "the refusals are logged"
sleep 1.2

out=$(tls "" "$(printf 'AUTH\tuser=admin\tservice=sshd')" "$(printf 'ANSWER\tvalue=%s' "$ADMIN_NEWPW")")
like "$out" "VERSION" "no client certificate: the handshake completes (remote authadm's way in)"
like "$out" "FAIL	code=proto	msg=no host certificate: this connection serves the admin protocol only" \
    "... but a login through it is refused: only enrolled hosts log users in"
unlike "$out" "step=password" "... before any prompt"
out=$(tls "" "$(printf 'ACCT\tuser=admin')")
like "$out" "FAIL	code=proto	msg=no host certificate" "... and so is the account phase"
out=$(tls "$T/web1" "$(printf 'LOGIN\tuser=admin')")
like "$out" "FAIL	code=proto" "a host's connection is no admin connection"

# a certificate from another CA
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=web1.example \
    -keyout "$T/other.key" -out "$T/other.crt" > /dev/null 2>&1
mkdir -p "$T/other"; cp "$T/other.key" "$T/other/host.key"; cp "$T/other.crt" "$T/other/host.crt"
out=$(tls "$T/other" "$(printf 'AUTH\tuser=admin')")
unlike "$out" "VERSION" "a certificate from another CA is refused"

# critical hosts always ask for the OTP (R21), whatever the service says
authadm host add db1.example --out "$T/db1" --critical > /dev/null; ok $? "host add --critical"
out=$(tls "$T/web1" "$(printf 'AUTH\tuser=admin\tservice=console')" "$(printf 'ANSWER\tvalue=x')")
unlike "$out" "step=otp" "an ordinary host: service console asks no OTP (otp = off)"
out=$(tls "$T/db1" "$(printf 'AUTH\tuser=admin\tservice=console')" "$(printf 'ANSWER\tvalue=x')")
like "$out" "CONT	step=otp" "a critical host asks for the OTP even for service console (R21)"

# revocation: open connections are cut, new ones refused
{ printf 'AUTH\tuser=admin\n'; sleep 3; } | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$T/web1/ca.crt" -cert "$T/web1/host.crt" -key "$T/web1/host.key" \
    -quiet -ign_eof > "$T/open.out" 2>&1 &
bg=$!
i=0; while ! grep -q "step=password" "$T/open.out" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done
authadm host revoke web1.example; ok $? "host revoke"
like "$(authadm audit show --action host_revoke)" "host_revoke +web1.example +ok .*connections_cut=1" "the open connection was cut at once"
wait $bg
out=$(tls "$T/web1" "$(printf 'AUTH\tuser=admin')")
unlike "$out" "VERSION" "a revoked host is refused"
like "$(authadm host list)" "web1.example .*[0-9]{4}-[0-9]{2}-[0-9]{2}T.*[0-9]{4}-[0-9]{2}-[0-9]{2}T.*[0-9]{4}-" "host list shows the revocation"
like "$(authadm audit show --action host_add)" "host_add +web1.example +ok" "enrolment audited"

# a user limited to the hosts of given units (user set --hosts) logs in only there
authadm unit add WEB --name "Web servers" > /dev/null
authadm host add web2.example --out "$T/web2" --unit WEB > /dev/null; ok $? "host add --unit WEB"
out=$(authadm user add carol --unit ROOT --soft-token)
CPW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
CSEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
authadm user set carol --hosts WEB; ok $? "user set --hosts WEB"
like "$(authadm user show carol)" "hosts: WEB" "user show tells the hosts"
out=$(authadm user set carol --hosts NOPE 2>&1); is $? 1 "an unknown unit is refused"
next_step
out=$(tls "$T/db1" "$(printf 'AUTH\tuser=carol\tservice=sshd')" "$(printf 'ANSWER\tvalue=%s' "$CPW")" \
    "$(printf 'ANSWER\tvalue=%s' "$(totp "$CSEC")")")
like "$out" "FAIL	code=auth" "carol cannot log in on a host of another unit"
next_step
out=$(tls "$T/web2" "$(printf 'AUTH\tuser=carol\tservice=sshd')" "$(printf 'ANSWER\tvalue=%s' "$CPW")" \
    "$(printf 'ANSWER\tvalue=%s' "$(totp "$CSEC")")")
like "$out" "step=new_password" "carol logs in on a host of WEB (and is asked to change her initial password)"
like "$(authadm audit show --action login --target carol)" "host not allowed for this account" "the refusal is audited"
next_step
out=$(printf 'AUTH\tuser=carol\nANSWER\tvalue=%s\nANSWER\tvalue=%s\n' "$CPW" "$(totp "$CSEC")" |
    perl "$(dirname "$0")/wire.pl" "$STATE/authd.sock" 1)
like "$out" "FAIL	code=auth" "... nor on the local socket (only enrolled hosts of WEB)"
# a change ticket (defer_change) is good only on the host it was issued to
out=$(authadm user add dave --unit ROOT --soft-token)
DPW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
DSEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
dave_ticket() {	# call next_step first (outside the $(...) subshell)
	tls "$T/db1" "$(printf 'AUTH\tuser=dave\tservice=sshd\tdefer_change=1')" \
	    "$(printf 'ANSWER\tvalue=%s' "$DPW")" "$(printf 'ANSWER\tvalue=%s' "$(totp "$DSEC")")" |
	    sed -n 's/.*	ticket=\([0-9a-f]*\).*/\1/p'
}
next_step
TK=$(dave_ticket)
like "$TK" "^[0-9a-f]{64}$" "db1.example: dave's first login ends with a change ticket"
out=$(tls "$T/web2" "$(printf 'CHPASS\tticket=%s' "$TK")")
like "$out" "FAIL	code=auth" "... which another host (web2.example) cannot redeem"
next_step
TK=$(dave_ticket)
out=$(tls "$T/db1" "$(printf 'CHPASS\tticket=%s' "$TK")")
like "$out" "CONT	step=new_password" "... while db1.example can"
like "$(cat "$T/authd.log")" "login dave service=sshd host=db1\.example rhost=-: ok" \
    "authd's log line names the host"
done_testing
