#!/bin/sh
# pam_authd.so through pamtester under pam_wrapper (no /etc/pam.d, no root needed):
# the login conversation relayed to PAM, password + TOTP (R5), the first-login change
# (R6) through pamtester, one generic failure for every reason and every login in the
# audit log (R18, R31), and the module failing closed: bad arguments, authd down, garbage,
# timeouts, a fake listener of another uid, over-long answers. The account and password
# phases in depth (expiry, risk, passwd, acct_mgmt alone): pam_flows.t.
#
# pamtester reads one answer per line from stdin (echo-off prompts too when stdin is
# not a terminal: libpam_misc's misc_conv then reads without touching the terminal).
# A caller that is not root may only authenticate its own account (DESIGN.md "Who may
# do what"), so the PAM account is named after the Unix user running the test.
. "$(dirname "$0")/lib.sh"

PAMD=$T/pam.d
SOCK=$STATE/authd.sock
LUSER=$(id -un)
PAMLOG=$T/pamtester.log

write_config "[service pam-nootp]
otp = off"
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed: authd or authadm (see $T)"; exit 1; }
mkdir -p "$PAMD"

svc pam-login \
    "auth required $PAM_AUTHD_SO socket=$SOCK timeout=5" \
    "account required $PAM_AUTHD_SO socket=$SOCK" \
    "password required $PAM_AUTHD_SO socket=$SOCK" \
    "session optional $PAM_AUTHD_SO socket=$SOCK"
svc pam-debug \
    "auth required $PAM_AUTHD_SO socket=$SOCK timeout=5 debug" \
    "account required $PAM_AUTHD_SO socket=$SOCK debug" \
    "password required $PAM_AUTHD_SO socket=$SOCK debug"
svc pam-nootp "auth required $PAM_AUTHD_SO socket=$SOCK"
svc pam-down "auth required $PAM_AUTHD_SO socket=$T/nothing-here.sock timeout=2"

# lib.sh's pam(): pam_wrapper prints the module's pam_syslog() lines on stderr (LOG_ERR
# always, LOG_DEBUG with -D 2); -e puts a variable in pamtester's environment.

# The user-visible part of a transcript: pam_wrapper's own lines removed.
visible() {
	printf '%s\n' "$1" | sed -e '/^PWRAP_/d'
}

# The prompts and messages in one line, pam_wrapper's log lines cut out (with -D 2
# they follow a prompt on its line).
flat() {
	printf '%s\n' "$1" | sed -e 's/PWRAP_.*$//' | tr -d '\n'
}

# --- the module itself ----------------------------------------------------
syms=$(nm -D --defined-only "$PAM_AUTHD_SO" | awk '{ print $3 }' | sort | tr '\n' ' ')
is "$syms" "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok pam_sm_close_session pam_sm_open_session pam_sm_setcred " \
    "the module exports the six pam_sm_* entry points and nothing else"

# --- strict arguments: anything unknown or malformed fails closed ----------
for arg in "bogus" "timeout=0" "timeout=301" "timeout=5s" "timeout=" "socket=relative.sock" \
    "socket=" "debug debug" "use_first_pass try_first_pass" "server=tls://h:1"; do
	svc pam-badarg "auth required $PAM_AUTHD_SO socket=$SOCK $arg"
	pam "" pam-badarg "$LUSER" authenticate
	if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q "Error in service module"; then
		ok 0 "module argument '$arg': PAM_SERVICE_ERR, no prompt"
	else
		ok 1 "module argument '$arg': PAM_SERVICE_ERR, no prompt"
		printf '#   %s\n' "$out"
	fi
done
svc pam-badarg "auth required $PAM_AUTHD_SO socket=$SOCK bogus"
pam "" pam-badarg "$LUSER" authenticate
like "$out" 'unknown module argument "bogus"' "the bad argument is logged"
unlike "$out" "Password:" "... and authd is never asked"
svc pam-badarg "account required $PAM_AUTHD_SO socket=$SOCK timeout=abc"
pam "" pam-badarg "$LUSER" acct_mgmt
like "$out" "Error in service module" "account: a malformed argument fails too"

# --- an unknown user: the same prompts and the same failure (R18) ----------
# (the account named $LUSER does not exist yet)
next_step
pam "$(lines 'Some-Passw0rd!' 123456)" pam-login "$LUSER" authenticate
is "$rc" 1 "unknown user: authentication fails (R18)"
UNKNOWN=$(visible "$out")
like "$UNKNOWN" "Password: OTP: " "unknown user: asked for password and OTP all the same (R18)"
like "$UNKNOWN" "Authentication failure" "unknown user: PAM_AUTH_ERR"

# --- first login: initial password, OTP, change (R5, R6) --------------------
uout=$(authadm user add "$LUSER" --unit ROOT --soft-token 2>&1)
ok $? "user add $LUSER with a soft token"
PW=$(printf '%s\n' "$uout" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$uout" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
NEWPW='Pam-Relay-pw-7!'

# pamtester stops at the first operation that fails: here acct_mgmt's PAM_NEW_AUTHTOK_REQD
next_step
pam "$(lines "$PW" "$(totp "$SEC")")" pam-login "$LUSER" authenticate acct_mgmt
like "$out" "successfully authenticated" "first login with the initial password + OTP: authenticated (R5)"
like "$out" "initial password and must be changed" "acct_mgmt tells why a change is needed (R6)"
like "$out" "Authentication token is no longer valid; new one required" \
    "... and returns PAM_NEW_AUTHTOK_REQD (R6)"
is "$rc" 1 "... where pamtester stops"

next_step
code=$(totp "$SEC")
pam "$(lines "$PW" "$code" "short" "$NEWPW" "$NEWPW")" -D 2 pam-debug "$LUSER" authenticate \
    'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)'
is "$rc" 0 "first login, then chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) in the same handle succeeds (R5, R6)"
like "$(flat "$out")" "Password: OTP: " "asked for the password, then the OTP (R5)"
like "$out" "Password refused: .*needs at least 7 characters" "a refused new password: authd's ERROR is relayed"
like "$(flat "$out")" "OTP: pamtester: performing operation - chauthtokNew password: Password refused: .*New password: Retype new password: " \
    "chauthtok asked for the new password (not the current one again), told why it was refused, asked again, then to retype it"
is "$(flat "$out" | grep -o "Password: " | wc -l | tr -d ' ')" 1 "... the current password was asked once"
like "$out" "Password changed" "told the password was changed"
like "$out" "successfully authenticated" "authenticate: PAM_SUCCESS"
like "$out" "authentication token altered successfully" "chauthtok: PAM_SUCCESS"
like "$out" "prompt step=password echo=off" "debug logs the steps"
n=0
for secret in "$PW" "$code" "$NEWPW" "short"; do
	printf '%s' "$out" | grep -qF -- "$secret" && n=$((n + 1))
done
is "$n" 0 "with debug, no password, OTP or new password appears in any log line"
like "$(authadm user show "$LUSER")" "must_change: no" "must_change cleared after the change (R6)"

# --- the same code again: a replay (R5) -------------------------------------
pam "$(lines "$NEWPW" "$code")" pam-login "$LUSER" authenticate
is "$rc" 1 "the OTP of the last login is refused the second time (replay)"
is "$(visible "$out")" "$UNKNOWN" "... with the very same transcript as an unknown user (R18)"

# --- normal login, and the rest of the stack in the same handle -------------
next_step
pam "$(lines "$NEWPW" "$(totp "$SEC")")" -I rhost=192.0.2.7 -I tty=pts/9 -I ruser=operator \
    pam-login "$LUSER" authenticate acct_mgmt open_session close_session
is "$rc" 0 "normal login with the new password + OTP, then acct_mgmt and a session (R5)"
unlike "$out" "must be changed" "no change asked"
like "$out" "successfully authenticated" "authenticate: PAM_SUCCESS"
like "$out" "account management done" "acct_mgmt after authenticate on the same handle: PAM_SUCCESS"
audit=$(authadm audit show --target "$LUSER" --action login 2>&1)
like "$audit" "192\.0\.2\.7" "the login is in the audit log with its source address (R18, R31)"
like "$audit" "pts/9" "... and its terminal (R31)"
like "$audit" "pam-login" "... and its PAM service (R31)"

# --- wrong password, wrong OTP: the same generic failure (R5, R18) ----------
next_step
pam "$(lines "wrong-Passw0rd!" "$(totp "$SEC")")" pam-login "$LUSER" authenticate
is "$rc" 1 "wrong password: PAM_AUTH_ERR"
is "$(visible "$out")" "$UNKNOWN" "wrong password: the very transcript of an unknown user (R18)"

next_step
good=$(totp "$SEC")
bad=$(printf "%06d" $(( (1$good + 1) % 1000000 )))	# the right code + 1
pam "$(lines "$NEWPW" "$bad")" pam-login "$LUSER" authenticate
is "$rc" 1 "wrong OTP: PAM_AUTH_ERR (R5)"
is "$(visible "$out")" "$UNKNOWN" "wrong OTP: the same transcript: no word on which factor failed (R18)"
audit=$(authadm audit show --target "$LUSER" --action login 2>&1)
n=$(printf '%s\n' "$audit" | grep -c "fail")
ok $([ "$n" -ge 3 ]; echo $?) "every failed PAM login is in the audit log (R18): $n"

# --- account and session without authenticate --------------------------------
pam "" pam-login "$LUSER" acct_mgmt
is "$rc" 0 "acct_mgmt alone (another module authenticated): authd is asked (ACCT): PAM_SUCCESS"
pam "" pam-login "$LUSER" open_session close_session
is "$rc" 0 "sessions: PAM_SUCCESS"

# --- use_first_pass / try_first_pass and PAM_AUTHTOK ------------------------
SETITEMS=$(dirname "$(readlink -f /usr/lib/x86_64-linux-gnu/libpam_wrapper.so)")/pam_wrapper/pam_set_items.so
svc pam-ufp \
    "auth required $SETITEMS" \
    "auth required $PAM_AUTHD_SO socket=$SOCK use_first_pass"
next_step
# pam_set_items (from pam_wrapper) sets PAM_AUTHTOK from the process environment
pam "$(totp "$SEC")" -e PAM_AUTHTOK="$NEWPW" pam-ufp "$LUSER" authenticate
if printf '%s' "$out" | grep -q "OTP: "; then
	is "$rc" 0 "use_first_pass: the earlier module's password is used, only the OTP is asked"
	unlike "$(visible "$out")" "Password: " "... no password prompt"
else
	ok 1 "use_first_pass: the earlier module's password is used, only the OTP is asked"
	printf '#   %s\n' "$out"
fi
svc pam-ufp "auth required $PAM_AUTHD_SO socket=$SOCK use_first_pass"
pam "$(lines "$NEWPW" 000000)" pam-ufp "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "use_first_pass without an earlier password fails"
unlike "$(visible "$out")" "Password: " "... without prompting"
svc pam-twice \
    "auth required $PAM_AUTHD_SO socket=$SOCK" \
    "auth required $PAM_AUTHD_SO socket=$SOCK try_first_pass"
next_step
pam "$(lines "$NEWPW" "$(totp "$SEC")" "$(totp "$SEC" 1)")" pam-twice "$LUSER" authenticate
is "$rc" 0 "the typed password is stored as PAM_AUTHTOK for the next module (try_first_pass)"
like "$(visible "$out")" "Password: OTP: OTP: " "... which asks only for its OTP"

# --- answers: over-long refused, never truncated; TAB escaped ---------------
long1024=$(printf '%01024d' 0)
long1025=$(printf '%01025d' 0)
pam "$long1024" pam-nootp "$LUSER" authenticate
is "$rc" 1 "a 1024-byte password reaches authd (and is wrong)"
unlike "$out" "Answer refused" "... not refused by the module"
pam "$long1025" pam-nootp "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "a 1025-byte password: authentication fails"
like "$out" "Answer refused: longer than 1024 bytes" "... refused by the module, not truncated"

# --- no answer at all (stdin closed): never success -------------------------
out=$(env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
    pamtester -v pam-login "$LUSER" authenticate < /dev/null 2>&1); rc=$?
ok $([ "$rc" -ne 0 ]; echo $?) "the conversation fails (no stdin): authentication fails"

# --- a caller that is not root may only authenticate itself -----------------
if [ "$(id -u)" -ne 0 ]; then
	pam "" pam-login "someone-else" authenticate
	ok $([ "$rc" -ne 0 ]; echo $?) "another user's account: refused for a non-root caller"
	like "$out" "Insufficient credentials" "... as PAM_CRED_INSUFFICIENT, without prompting"
else
	ok 0 "another user's account: refused for a non-root caller # SKIP running as root"
fi

# --- authd down: fail closed (PAM_AUTHINFO_UNAVAIL) -------------------------
pam "$(lines "$NEWPW" 000000)" pam-down "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "no authd at the socket path: authentication fails"
like "$out" "Authentication service cannot retrieve authentication info" "... PAM_AUTHINFO_UNAVAIL"
like "$out" "Authentication service unavailable" "... and the user is told"
like "$out" "authd unreachable at $T/nothing-here.sock" "... and the reason is logged"
authd_stop
pam "$(lines "$NEWPW" 000000)" pam-login "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "authd stopped: authentication fails"
like "$out" "Authentication service cannot retrieve authentication info" "... PAM_AUTHINFO_UNAVAIL"
authd_start || echo "# authd did not restart"

# --- a fake authd: garbage, silence, wrong answers: never success -----------
cat > "$T/fake.pl" <<'PERL'
#!/usr/bin/perl
# fake.pl SOCKET SCRIPT GOT: a fake authd for one connection. Returns once listening.
# SCRIPT lines: "> TEXT" sends TEXT (\t and \n as escapes), "<" reads one line
# from the client into GOT, "x N" sends N bytes of 'x', "hold" waits for the client
# to close. Then the connection is closed.
use strict;
use warnings;
use IO::Socket::UNIX;
my ($path, $script, $got) = @ARGV;
unlink $path;
my $l = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $path, Listen => 5)
    or die "listen $path: $!\n";
exit 0 if fork();
alarm 20;
open my $sf, '<', $script or die "$script: $!\n";
my @steps = <$sf>;
my $c = $l->accept or exit 1;
open my $gf, '>', $got or die "$got: $!\n";
$c->autoflush(1);
for my $s (@steps) {
	chomp $s;
	if ($s =~ /^> (.*)$/) {
		(my $t = $1) =~ s/\\t/\t/g;
		$t =~ s/\\n/\n/g;
		print $c $t;
	} elsif ($s eq '<') {
		my $line = <$c>;
		last unless defined $line;
		print $gf $line;
	} elsif ($s =~ /^x (\d+)$/) {
		print $c 'x' x $1;
	} elsif ($s eq 'hold') {
		1 while <$c>;
	}
}
close $gf;
close $c;
PERL
FAKE=$T/fake.sock
svc pam-fake "auth required $PAM_AUTHD_SO socket=$FAKE timeout=1"

# fake SCRIPT-LINES...: start a fake authd for one connection
fake() {
	lines "$@" > "$T/fake.script"
	rm -f "$T/fake.got"
	perl "$T/fake.pl" "$FAKE" "$T/fake.script" "$T/fake.got"
}

fake '> VERSION\tmajor=1\tminor=0\n' '<' '> CONT\tstep=password\techo=off\tprompt=Password: \n' \
    '<' '> OK\tuser=someone-else\n'
pam "$(lines "pass	word")" -I rhost=198.51.100.9 -I tty=pts/4 pam-fake "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "OK for another user than the one asked: never success"
like "$out" "cannot retrieve authentication info" "... PAM_AUTHINFO_UNAVAIL"
got=$(cat "$T/fake.got" 2>/dev/null)
like "$got" "^AUTH	user=$LUSER	service=pam-fake	rhost=198\.51\.100\.9	tty=pts/4	host=[^	]+	defer_change=1$" \
    "AUTH carries user, service, rhost, tty and host (R31), and defer_change=1"
like "$got" 'ANSWER	value=pass\\tword$' "a TAB in an answer travels escaped"

fake '> HELLO\tthere\n' hold
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "a greeting that is not VERSION: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=2\tminor=0\n' hold
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "an unknown major version: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=1\tminor=0\n' '<'
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "authd closes after AUTH: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=1\tminor=0\n' '<' '> this is not a line\n' hold
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "a malformed line: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=1\tminor=0\n' '<' 'x 9000' hold
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "a line over 8 KiB: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=1\tminor=0\n' '<' '> CONT\tstep=password\techo=maybe\tprompt=P\n' hold
pam "x" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "a CONT without echo=on|off: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=1\tminor=0\n' '<' '> FAIL\tcode=busy\tmsg=server busy, try again\n'
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "FAIL code=busy: PAM_AUTHINFO_UNAVAIL"
fake '> VERSION\tmajor=1\tminor=0\n' '<' '> FAIL\tcode=denied\tmsg=only root may\n'
pam "" pam-fake "$LUSER" authenticate
like "$out" "Insufficient credentials" "FAIL code=denied: PAM_CRED_INSUFFICIENT"
fake '> VERSION\tmajor=1\tminor=0\n' '<' '> FAIL\tcode=policy\tmsg=refused\n'
pam "" pam-fake "$LUSER" authenticate
like "$out" "Authentication token manipulation error" "FAIL code=policy: PAM_AUTHTOK_ERR"
fake '> VERSION\tmajor=1\tminor=0\n' '<' hold
pam "" pam-fake "$LUSER" authenticate
like "$out" "cannot retrieve authentication info" "authd silent past timeout=1: PAM_AUTHINFO_UNAVAIL"
like "$out" "timed out" "... the timeout is logged"

# A listener of another uid is refused whatever it says (DESIGN.md "Who may do what").
if [ "$(id -u)" -eq 0 ] && NOBODY=$(mktemp -d "${TMPDIR:-/tmp}/authd-fake.XXXXXX"); then
	trap 'rm -rf "$NOBODY"; cleanup' EXIT
	chmod 0755 "$NOBODY"
	chown 65534 "$NOBODY"
	cp "$T/fake.pl" "$NOBODY/fake.pl"
	lines '> VERSION\tmajor=1\tminor=0\n' '<' '> OK\tuser='"$LUSER"'\n' > "$NOBODY/script"
	chmod 0644 "$NOBODY/fake.pl" "$NOBODY/script"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    perl "$NOBODY/fake.pl" "$NOBODY/fake.sock" "$NOBODY/script" "$NOBODY/got"
	svc pam-nobody "auth required $PAM_AUTHD_SO socket=$NOBODY/fake.sock timeout=1"
	pam "" pam-nobody "$LUSER" authenticate
	ok $([ "$rc" -ne 0 ]; echo $?) "a fake authd running as uid 65534 that answers OK: refused"
	like "$out" "refusing a server running as uid 65534" "... the server's uid is checked (SO_PEERCRED)"
else
	ok 0 "a fake authd running as another uid is refused # SKIP needs root to run it"
fi

done_testing
