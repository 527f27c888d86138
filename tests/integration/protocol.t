#!/bin/sh
# Bad protocol input gets one clear error line and a closed connection; authd never
# crashes and keeps serving (DESIGN.md "Wire protocol", docs/protocol.md).
. "$(dirname "$0")/lib.sh"

write_config "max_connections_per_uid = 6"
setup_admin || exit 1
W="perl $(dirname "$0")/wire.pl"
PAM=$STATE/authd.sock
ADM=$STATE/admin.sock

is "$(stat -c '%a %u' "$PAM")" "666 0" "the PAM socket: mode 0666, root's (any local process may ask)"
is "$(stat -c '%a %u' "$ADM")" "600 0" "the admin socket: mode 0600, root's"
out=$(printf '' | $W "$PAM" 1)
is "$out" "$(printf 'VERSION\tmajor=1\tminor=0')" "greeting carries the protocol version"

out=$(printf 'bogus line\n' | $W "$PAM")
like "$out" "FAIL	code=proto	msg=malformed line: invalid verb" "a line without a valid verb: FAIL code=proto"
out=$(printf 'AUTH\tuser\n' | $W "$PAM")
like "$out" "code=proto" "a field without '=': FAIL code=proto"
out=$(printf 'AUTH\tuser=a\t\n' | $W "$PAM")
like "$out" "code=proto" "a trailing TAB: FAIL code=proto"
out=$(printf 'AUTH\tUSER=a\n' | $W "$PAM")
like "$out" "invalid field name" "a bad key: named in the error"
out=$(printf 'AUTH\tuser=a\\q\n' | $W "$PAM")
like "$out" "invalid escape" "an unknown escape: named in the error"
out=$(printf 'AUTH\tuser=\377\376\n' | $W "$PAM")
like "$out" "invalid UTF-8" "invalid UTF-8 refused"
out=$(printf 'AUTH\tuser=a\000b\n' | $W "$PAM")
like "$out" "NUL" "a NUL byte refused"
out=$(printf 'AUTH\tuser=a\r\n' | $W "$PAM")
like "$out" "code=proto" "a raw CR refused"
out=$(printf 'FROB\tx=1\n' | $W "$PAM")
like "$out" "unknown verb: FROB" "an unknown verb: FAIL naming it"
out=$(printf 'LOGIN\tuser=admin\n' | $W "$PAM")
like "$out" "unknown verb: LOGIN" "admin verbs are not served on the PAM socket"
out=$(printf 'AUTH\tuser=admin\n' | $W "$ADM")
like "$out" "code=proto" "PAM verbs are not served on the admin socket"

# a line of 8192 bytes (LF included is 8193) is over the limit; the connection is closed
long=$(head -c 8200 /dev/zero | tr '\0' 'a')
out=$(printf 'AUTH\tuser=%s\n' "$long" | $W "$PAM")
like "$out" "line too long" "an oversized line: FAIL line too long"
# the same without a newline at all (a client that never ends its line)
out=$(printf 'AUTH\tuser=%s' "$long" | $W "$PAM")
like "$out" "line too long" "an endless line is cut off at the limit"
# 65 fields
f=$(i=0; while [ $i -lt 65 ]; do printf '\tk%d=v' $i; i=$((i+1)); done)
out=$(printf 'AUTH%s\n' "$f" | $W "$PAM")
like "$out" "too many fields" "65 fields refused"

# answers: bounded at 1024 bytes, never truncated
a=$(head -c 1025 /dev/zero | tr '\0' 'x')
out=$(printf 'AUTH\tuser=admin\nANSWER\tvalue=%s\n' "$a" | $W "$PAM")
like "$out" "answer longer than 1024 bytes" "an over-long answer is refused, not truncated"
out=$(printf 'AUTH\tuser=admin\nAUTH\tuser=admin\n' | $W "$PAM")
like "$out" "expected ANSWER or CANCEL" "a second AUTH inside a conversation is refused"
out=$(printf 'AUTH\tuser=admin\nCANCEL\n' | $W "$PAM" 0.5)
like "$out" "FAIL	code=auth	msg=cancelled" "CANCEL ends the conversation"
long_rhost=$(head -c 70 /dev/zero | tr '\0' '1')
out=$(printf 'AUTH\tuser=admin\trhost=%s\n' "$long_rhost" | $W "$PAM" 0.5)
like "$out" "FAIL	code=invalid	msg=rhost longer than 63 bytes" "an over-long rhost is refused, not truncated (R31)"
out=$(printf 'AUTH\n' | $W "$PAM" 0.5)
like "$out" "FAIL	code=invalid" "AUTH without a user: FAIL invalid"

# a client may send its answers ahead: lines buffered while a hash runs are served after it
out=$(authadm user add piper --unit ROOT --soft-token)
ppw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
psec=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
next_step
out=$(printf 'AUTH\tuser=piper\nANSWER\tvalue=%s\nANSWER\tvalue=%s\nANSWER\tvalue=Pipe-Line-42!\nANSWER\tvalue=Pipe-Line-42!\n' \
    "$ppw" "$(totp "$psec")" | $W "$PAM" 1)
like "$out" "OK	user=piper" "pipelined answers (login + change in one write) are all served"

# a truncated line (client closes mid-line) just closes; authd stays up
printf 'AUTH\tuser=adm' | $W "$PAM" 1 > /dev/null
# the admin protocol: a bad token is a session error, not a crash
out=$(printf 'user_list\ttoken=zz\n' | $W "$ADM" 0.5)
like "$out" "FAIL	code=session" "a bad token: FAIL code=session"
out=$(printf 'user_list\n' | $W "$ADM" 0.5)
like "$out" "FAIL	code=session" "no token: FAIL code=session"

# random bytes, each burst ended by a newline so authd answers at once
i=0
while [ $i -lt 100 ]; do
	{ head -c $(( (i * 37) % 3000 + 1 )) /dev/urandom; printf '\n'; } | $W "$PAM" 0.5 > /dev/null 2>&1
	i=$((i + 1))
done
# a slow client (half a line, then silence) does not stall anybody else
perl -MIO::Socket::UNIX -e '
	my $c = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die;
	print $c "AUTH\tuser=sl"; sleep 3;' "$PAM" &
slow=$!
out=$(printf 'AUTH\tuser=admin\n' | $W "$PAM" 0.5)
like "$out" "CONT	step=password" "while a client dawdles mid-line, another is served at once"
kill $slow 2>/dev/null; wait $slow 2>/dev/null

# one local user cannot take every connection (STYLE.md habit 9)
out=$(perl -MIO::Socket::UNIX -e '
	my @s; my $greeted = 0;
	for (1..7) {
		my $c = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or next;
		my $l = <$c>; $greeted++ if defined $l && $l =~ /^VERSION/; push @s, $c;
	}
	print "$greeted\n";' "$PAM")
is "$out" 6 "a uid gets at most max_connections_per_uid connections (6 of 7)"
like "$(cat "$T/authd.log")" "uid 0 has 6 connections" "the refusal is logged"

kill -0 "$AUTHD_PID"; ok $? "authd survives 100 connections of random bytes"
out=$(authadm user list); ok $? "and still serves admin requests"
like "$(cat "$T/authd.log")" "protocol error" "protocol errors are logged"
done_testing
