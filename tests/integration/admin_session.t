#!/bin/sh
# Admin sessions (token file 0600, idle expiry, bound to the Unix user), key enroll
# (soft TOTP), the append-only audit table (R33), and the bounded hash queue ("busy").
. "$(dirname "$0")/lib.sh"

write_config "$(printf 'workers = 1\nqueue_max = 1\n[service nofactor]\notp = off')"
setup_admin || exit 1

is "$(stat -c %a "$AUTHADM_SESSION")" 600 "the session token file is mode 0600"
tok=$(sed -n 's/^token=//p' "$AUTHADM_SESSION")
like "$tok" '^[0-9a-f]{64}$' "the token is 256 random bits in hex"
n=$(sqlite3 "$STATE/authd.db" "SELECT COUNT(*) FROM admin_sessions WHERE hex(token_hash) = upper('$tok')")
is "$n" 0 "authd stores only a hash of the token, never the token"

# another Unix user cannot use a copied token (SO_PEERCRED binds the session to the uid)
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	cp "$AUTHADM_SESSION" "$T/stolen"; chmod 0644 "$T/stolen"; chmod 0755 "$T"
	printf 'user_list\ttoken=%s\n' "$tok" > "$T/req"; chmod 0644 "$T/req"
	chmod 0777 "$STATE/admin.sock" 2>/dev/null; chmod 0755 "$STATE"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups perl "$(dirname "$0")/wire.pl" "$STATE/admin.sock" 1 < "$T/req" 2>&1)
	like "$out" "FAIL	code=session" "a token used by another uid is refused"
	chmod 0700 "$STATE"; chmod 0600 "$STATE/admin.sock"
else
	ok 0 "# SKIP another uid needs root and setpriv"
fi

# idle expiry (admin_session_minutes, default 15)
clock_advance $((14 * 60))
authadm user list > /dev/null; ok $? "a session used within 15 minutes still works"
clock_advance $((14 * 60))
authadm user list > /dev/null; ok $? "each use restarts the idle time"
clock_advance $((16 * 60))
out=$(authadm user list 2>&1); is $? 3 "after 16 idle minutes the session has expired (exit 3)"
admin_relogin; ok $? "log in again"

# key enroll: a soft TOTP token for a user without one
authadm user add bob --unit ROOT > "$T/bob.out"
out=$(authadm key enroll bob); ok $? "key enroll"
like "$out" '^otpauth: otpauth://totp/authd:bob\?secret=[A-Z2-7]+&issuer=authd&digits=6&period=30' "key enroll prints the otpauth URI"
unlike "$out" '█|▀|▄' "no QR code when stdout is not a terminal"
like "$(authadm user show bob)" 'key: SOFT-' "bob now holds a soft key"
out=$(authadm key enroll bob 2>&1); is $? 1 "a second key is refused (one key per user)"
like "$out" "already holds key" "... naming the key held"
like "$(authadm audit show --action key_enroll --target bob)" "key_enroll +bob +ok" "key enroll audited"
if command -v script > /dev/null; then
	authadm user add admin2 --unit ROOT > /dev/null
	out=$(script -qec "$AUTHADM_BIN -c $CONF key enroll admin2" /dev/null)
	like "$out" '█|▀|▄' "on a terminal, key enroll also draws a QR code"
fi

# R33: the audit table refuses UPDATE and DELETE, even through plain SQL
out=$(sqlite3 "$STATE/authd.db" "DELETE FROM audit WHERE seq = 1" 2>&1); rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "DELETE on the audit table is refused"
like "$out" "audit records cannot be deleted" "... by the trigger"
out=$(sqlite3 "$STATE/authd.db" "UPDATE audit SET result = 'ok' WHERE seq = 1" 2>&1)
like "$out" "audit records cannot be changed" "UPDATE on the audit table is refused"

# the hash queue is bounded: a full queue answers busy at once instead of growing
authd_stop
sed -i 's/^kdf_memory_kib = .*/kdf_memory_kib = 131072/; s/^kdf_iterations = .*/kdf_iterations = 6/' "$CONF"
authd_start
BOBPW=$(sed -n 's/^password: //p' "$T/bob.out")
out=$(perl -MIO::Socket::UNIX -e '
	my @s;
	for (1..12) {
		my $c = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die;
		<$c>;
		print $c "AUTH\tuser=bob\tservice=nofactor\n"; <$c>;
		push @s, $c;
	}
	print $_ "ANSWER\tvalue=$ARGV[1]\n" for @s;
	for my $c (@s) { my $l; do { $l = <$c> } while (defined $l && $l !~ /^(OK|FAIL|CONT)/); print $l // "EOF\n"; }
	' "$STATE/authd.sock" "$BOBPW")
busy=$(printf '%s\n' "$out" | grep -c 'code=busy')
ok $([ "$busy" -ge 1 ] && echo 0 || echo 1) "with 1 worker and a queue of 1, 12 parallel logins get 'busy' ($busy of 12)"
served=$(printf '%s\n' "$out" | grep -vc 'code=busy')
ok $([ "$served" -ge 2 ] && echo 0 || echo 1) "... and the queued ones are served ($served of 12)"
done_testing
