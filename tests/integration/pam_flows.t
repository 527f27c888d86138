#!/bin/sh
# pam_authd.so's account and password phases (issue 3 item 2), under pam_wrapper:
# the first-login change (R6) and the 180-day expiry with its warning, the risk flag
# (R7), all through authenticate -> acct_mgmt = PAM_NEW_AUTHTOK_REQD -> chauthtok in
# the same handle without asking the current password again (INTERFACE.md); a user's
# own passwd (current password + OTP first); acct_mgmt alone (an ssh key login) for
# usable, frozen, expired and unknown accounts; policy refusals; single-use tickets;
# authd down; a fake authd's unexpected answers.
#
# pamtester stops at the first operation that does not return PAM_SUCCESS, so it cannot
# go on to chauthtok after acct_mgmt says PAM_NEW_AUTHTOK_REQD as login and sshd do.
# pamseq, built below from the C source in this file, is pamtester without that stop: one handle, every operation run in order, each result printed by
# name ("pamseq: acct_mgmt -> PAM_NEW_AUTHTOK_REQD"), prompts and messages through
# libpam_misc's misc_conv like pamtester (one answer per line of stdin).
# A caller that is not root may only act on its own name (DESIGN.md "Who may do what"),
# so the PAM account is named after the Unix user running the test, as in pam_login.t.
. "$(dirname "$0")/lib.sh"

PAMD=$T/pam.d
SOCK=$STATE/authd.sock
LUSER=$(id -un)
PAMLOG=$T/pam.log
WRAPDIR=$(dirname "$(readlink -f /usr/lib/x86_64-linux-gnu/libpam_wrapper.so)")/pam_wrapper
DAY=86400

# --- pamseq ----------------------------------------------------------------
cat > "$T/pamseq.c" <<'C'
/* pamseq [-I rhost=|tty=|ruser=VALUE]... SERVICE USER OP[:expired][:silent]...
 * OP: authenticate, acct_mgmt, chauthtok, open_session, close_session, or env (prints
 * the PAM environment). Every OP runs whatever the one before returned. */
#include <security/pam_appl.h>
#include <security/pam_misc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(x)	{ x, #x }
static const struct { int v; const char *n; } names[] = {
	N(PAM_SUCCESS), N(PAM_OPEN_ERR), N(PAM_SYMBOL_ERR), N(PAM_SERVICE_ERR),
	N(PAM_SYSTEM_ERR), N(PAM_BUF_ERR), N(PAM_PERM_DENIED), N(PAM_AUTH_ERR),
	N(PAM_CRED_INSUFFICIENT), N(PAM_AUTHINFO_UNAVAIL), N(PAM_USER_UNKNOWN),
	N(PAM_MAXTRIES), N(PAM_NEW_AUTHTOK_REQD), N(PAM_ACCT_EXPIRED), N(PAM_SESSION_ERR),
	N(PAM_CRED_UNAVAIL), N(PAM_CRED_EXPIRED), N(PAM_CRED_ERR), N(PAM_NO_MODULE_DATA),
	N(PAM_CONV_ERR), N(PAM_AUTHTOK_ERR), N(PAM_AUTHTOK_RECOVERY_ERR),
	N(PAM_AUTHTOK_LOCK_BUSY), N(PAM_AUTHTOK_DISABLE_AGING), N(PAM_TRY_AGAIN),
	N(PAM_IGNORE), N(PAM_ABORT), N(PAM_AUTHTOK_EXPIRED), N(PAM_MODULE_UNKNOWN),
	N(PAM_BAD_ITEM), N(PAM_CONV_AGAIN), N(PAM_INCOMPLETE),
};

static const char *
name(int r)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == r)
			return names[i].n;
	snprintf(buf, sizeof(buf), "PAM_%d", r);
	return buf;
}

static int
item_type(const char *s)
{
	if (strncmp(s, "rhost=", 6) == 0)
		return PAM_RHOST;
	if (strncmp(s, "tty=", 4) == 0)
		return PAM_TTY;
	if (strncmp(s, "ruser=", 6) == 0)
		return PAM_RUSER;
	return -1;
}

int
main(int argc, char **argv)
{
	struct pam_conv conv = { misc_conv, NULL };
	pam_handle_t *h = NULL;
	char op[64], *opt, **env;
	int i, j, s = 1, r, flags;

	setvbuf(stdout, NULL, _IONBF, 0);	/* results in order with the prompts */
	while (s + 1 < argc && strcmp(argv[s], "-I") == 0)
		s += 2;
	if (argc - s < 3) {
		fprintf(stderr, "usage: pamseq [-I item=value]... SERVICE USER OP...\n");
		return 2;
	}
	if ((r = pam_start(argv[s], argv[s + 1], &conv, &h)) != PAM_SUCCESS) {
		printf("pamseq: pam_start -> %s\n", name(r));
		return 1;
	}
	for (i = 1; i < s; i += 2)
		if (item_type(argv[i + 1]) < 0 || pam_set_item(h, item_type(argv[i + 1]),
		    strchr(argv[i + 1], '=') + 1) != PAM_SUCCESS) {
			fprintf(stderr, "pamseq: bad item %s\n", argv[i + 1]);
			return 2;
		}
	for (i = s + 2; i < argc; i++) {
		snprintf(op, sizeof(op), "%s", argv[i]);
		flags = 0;
		if ((opt = strchr(op, ':')) != NULL) {
			*opt++ = '\0';
			if (strstr(opt, "expired") != NULL)
				flags |= PAM_CHANGE_EXPIRED_AUTHTOK;
			if (strstr(opt, "silent") != NULL)
				flags |= PAM_SILENT;
		}
		if (strcmp(op, "authenticate") == 0)
			r = pam_authenticate(h, flags);
		else if (strcmp(op, "acct_mgmt") == 0)
			r = pam_acct_mgmt(h, flags);
		else if (strcmp(op, "chauthtok") == 0)
			r = pam_chauthtok(h, flags);
		else if (strcmp(op, "open_session") == 0)
			r = pam_open_session(h, flags);
		else if (strcmp(op, "close_session") == 0)
			r = pam_close_session(h, flags);
		else if (strcmp(op, "env") == 0) {
			if ((env = pam_getenvlist(h)) != NULL) {
				for (j = 0; env[j] != NULL; j++) {
					printf("pamseq: env %s\n", env[j]);
					free(env[j]);
				}
				free(env);
			}
			continue;
		} else {
			fprintf(stderr, "pamseq: unknown operation %s\n", op);
			return 2;
		}
		printf("pamseq: %s -> %s\n", argv[i], name(r));
	}
	pam_end(h, r);
	return 0;
}
C
if ! cc -Wall -Wextra -o "$T/pamseq" "$T/pamseq.c" -lpam -lpam_misc 2> "$T/pamseq.err"; then
	tap_failed=1
	echo "Bail out! cannot build pamseq (needs cc and libpam0g-dev): $(cat "$T/pamseq.err")"
	exit 1
fi

write_config
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed: authd or authadm (see $T)"; exit 1; }
mkdir -p "$PAMD"

# the whole stack, debug everywhere; pam_get_items (pam_wrapper's) copies the PAM
# items into the PAM environment, so "env" shows what the password stack left there
svc pam-flow \
    "auth required $PAM_AUTHD_SO socket=$SOCK timeout=5 debug" \
    "account required $PAM_AUTHD_SO socket=$SOCK debug" \
    "password required $PAM_AUTHD_SO socket=$SOCK debug" \
    "password optional $WRAPDIR/pam_get_items.so" \
    "session optional $PAM_AUTHD_SO socket=$SOCK"
# another module authenticated (an ssh key): account and password only
svc pam-key \
    "account required $PAM_AUTHD_SO socket=$SOCK" \
    "password required $PAM_AUTHD_SO socket=$SOCK"
# passwd
svc pam-passwd \
    "password required $PAM_AUTHD_SO socket=$SOCK" \
    "password optional $WRAPDIR/pam_get_items.so"
svc pam-down \
    "auth required $PAM_AUTHD_SO socket=$T/nothing-here.sock timeout=1" \
    "account required $PAM_AUTHD_SO socket=$T/nothing-here.sock timeout=1" \
    "password required $PAM_AUTHD_SO socket=$T/nothing-here.sock timeout=1"

# pseq ANSWERS [-D LEVEL] PAMSEQ-ARGS...: pamseq under pam_wrapper, one answer per line
# of ANSWERS on stdin; sets out (stdout+stderr) and rc. -D 2 adds the module's debug lines.
pseq() {
	_in=$1; shift
	_lvl=0
	if [ "$1" = "-D" ]; then _lvl=$2; shift 2; fi
	out=$(printf '%s\n' "$_in" | env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$PAMD" PAM_WRAPPER_DEBUGLEVEL=$_lvl \
	    "$T/pamseq" "$@" 2>&1)
	rc=$?
	printf '### pamseq %s (exit %s)\n%s\n' "$*" "$rc" "$out" >> "$PAMLOG"
}

# pt ANSWERS PAMTESTER-ARGS...: the same with pamtester
pt() {
	_in=$1; shift
	out=$(printf '%s\n' "$_in" | env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$PAMD" PAM_WRAPPER_DEBUGLEVEL=0 pamtester -v "$@" 2>&1)
	rc=$?
	printf '### pamtester %s (exit %s)\n%s\n' "$*" "$rc" "$out" >> "$PAMLOG"
}

# result OP: what pamseq printed for OP (the Nth with OP#N)
result() {
	_op=${1%#*}; _nth=1
	case $1 in *#*) _nth=${1#*#} ;; esac
	printf '%s\n' "$out" | sed -n "s/^.*pamseq: $_op -> \([A-Z_0-9]*\)\$/\1/p" | sed -n "${_nth}p"
}

# The prompts and messages in one line, pam_wrapper's log lines cut out.
flat() {
	printf '%s\n' "$out" | sed -e 's/PWRAP_.*$//' | tr -d '\n'
}

# count TEXT: how many times TEXT appears in the transcript (pam_wrapper's lines out)
count() {
	flat | grep -oF -- "$1" | wc -l | tr -d ' '
}

code() {	# the TOTP code now (+ STEPS)
	totp "$SEC" "${1:-0}"
}

# --- an unknown account: acct_mgmt says so, and shows nothing ----------------
# (the account named $LUSER does not exist yet)
pseq "" pam-key "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_USER_UNKNOWN "acct_mgmt for an account authd does not know: PAM_USER_UNKNOWN"
unlike "$(flat)" "account|Account|expired|disabled" "... and no message to the user"
pseq "" pam-key "$LUSER" chauthtok:expired
is "$(result chauthtok:expired)" PAM_USER_UNKNOWN "chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) for it: PAM_USER_UNKNOWN"

uout=$(authadm user add "$LUSER" --unit ROOT --soft-token 2>&1)
ok $? "user add $LUSER with a soft token"
PW=$(printf '%s\n' "$uout" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$uout" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')

# --- first login (R6): authenticate, acct_mgmt, chauthtok in one handle -------
PW1='Flow-pass-1!'
next_step
c=$(code)
pseq "$(lines "$PW" "$c" "$PW1" "$PW1")" -D 2 pam-flow "$LUSER" \
    authenticate acct_mgmt chauthtok:expired open_session close_session env
is "$(result authenticate)" PAM_SUCCESS "first login: authenticate with the initial password + OTP succeeds (R6)"
is "$(result acct_mgmt)" PAM_NEW_AUTHTOK_REQD "... acct_mgmt: PAM_NEW_AUTHTOK_REQD (R6)"
like "$(flat)" "pamseq: authenticate -> PAM_SUCCESS[^:]*initial password and must be changed now\.pamseq: acct_mgmt" \
    "... acct_mgmt shows why"
is "$(result chauthtok:expired)" PAM_SUCCESS "... chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) in the same handle: PAM_SUCCESS"
is "$(count 'Password: ')" 1 "... the current password was asked once only (by authenticate)"
is "$(count 'OTP: ')" 1 "... and the OTP once"
like "$(flat)" "acct_mgmt -> PAM_NEW_AUTHTOK_REQDNew password: Retype new password: Password changed\.pamseq: chauthtok" \
    "... chauthtok asks only New password / Retype new password"
is "$(result open_session)" PAM_SUCCESS "... then the session opens"
like "$out" "pamseq: env PAM_AUTHTOK=$PW1\$" "... PAM_AUTHTOK is the new password for the modules stacked below"
n=0
for secret in "$PW" "$c" "$PW1"; do
	printf '%s\n' "$out" | grep -v '^pamseq: env ' | grep -qF -- "$secret" && n=$((n + 1))
done
is "$n" 0 "with debug, no password or OTP in any log line"
unlike "$(printf '%s\n' "$out" | grep PWRAP_)" "[0-9a-f]{32}" "... nor the ticket"
like "$out" "password change required, deferred to chauthtok" "debug says the change was deferred"
like "$(authadm user show "$LUSER")" "must_change: no" "must_change cleared (R6)"
like "$(authadm audit show --target "$LUSER" --action password_change 2>&1)" "pam-flow" \
    "the change is audited with its PAM service"

next_step
pseq "$(lines "$PW1" "$(code)")" -D 2 pam-flow "$LUSER" authenticate acct_mgmt env
is "$(result authenticate)/$(result acct_mgmt)" PAM_SUCCESS/PAM_SUCCESS \
    "the new password works at the next login, and acct_mgmt is satisfied (R6)"
like "$out" "pamseq: env AUTHD_UNIT=ROOT" "the account's unit is handed to the application: AUTHD_UNIT (R17)"
like "$out" "pamseq: env AUTHD_ROLES=" "... and its roles: AUTHD_ROLES (R17)"
unlike "$(flat)" "must be changed|New password" "... no change asked"
like "$out" "as authd answered at authenticate" "... acct_mgmt reused authenticate's answer (no ACCT round trip)"
next_step
pseq "$(lines "$PW" "$(code)")" pam-flow "$LUSER" authenticate
is "$(result authenticate)" PAM_AUTH_ERR "the initial password no longer works"

# --- tickets are single use, in authd ------------------------------------------
authadm user mark-risk "$LUSER" > /dev/null
ok $? "user mark-risk $LUSER (R7)"
cat > "$T/ticket.pl" <<'PERL'
# ticket.pl SOCKET USER PASSWORD OTP: AUTH defer_change=1, then the ticket redeemed
# twice (the first time cancelled at the first prompt); prints authd's lines.
use strict;
use warnings;
use IO::Socket::UNIX;
my ($path, $user, $pw, $otp) = @ARGV;
alarm 20;
sub conn {
	my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $path) or die "$path: $!\n";
	<$s>;
	return $s;
}
sub rd { my $s = shift; my $l = <$s> // "(closed)\n"; print "< $l"; return $l; }
my $s = conn();
print $s "AUTH\tuser=$user\tdefer_change=1\n";
rd($s); print $s "ANSWER\tvalue=$pw\n";
rd($s); print $s "ANSWER\tvalue=$otp\n";
my ($t) = rd($s) =~ /\tticket=([0-9a-f]+)/ or exit 1;
close $s;
$s = conn(); print $s "CHPASS\tticket=$t\n"; rd($s); print $s "CANCEL\n"; rd($s); close $s;
$s = conn(); print $s "CHPASS\tticket=$t\n"; rd($s); close $s;
PERL
next_step
tout=$(perl "$T/ticket.pl" "$SOCK" "$LUSER" "$PW1" "$(code)" 2>&1)
like "$tout" "OK	user=$LUSER	change=required	reason=[^	]*at risk[^	]*	ticket=[0-9a-f]{64}" \
    "AUTH defer_change=1 when a change is due: OK change=required reason= ticket="
like "$tout" "CONT	step=new_password" "CHPASS ticket=: straight to the new password"
like "$tout" "FAIL	code=auth	msg=the password change ticket is invalid or expired" \
    "the same ticket a second time: FAIL code=auth (single use)"

# --- risk flag (R7), refusals, single use in the module -------------------------
PW2='Flow-pass-2!'
next_step
c=$(code)
pseq "$(lines "$PW1" "$c" short "$PW2" "Flow-pass-X!" "$PW1" "$PW1" \
    "$PW1" "$(code 1)" "$PW2" "$PW2")" pam-flow "$LUSER" \
    authenticate acct_mgmt chauthtok:expired chauthtok:expired
is "$(result acct_mgmt)" PAM_NEW_AUTHTOK_REQD "marked at risk: acct_mgmt says PAM_NEW_AUTHTOK_REQD (R7)"
like "$out" "marked at risk and must be changed" "... and why (R7)"
like "$out" "Password refused: needs at least 7 characters" "a short new password: authd's reasons are shown"
like "$out" "Passwords do not match" "a mistyped retype: said so"
like "$out" "Password refused: was used recently" "the current password again: refused (history)"
is "$(result chauthtok:expired)" PAM_AUTHTOK_ERR "three refusals: chauthtok returns PAM_AUTHTOK_ERR"
like "$(flat)" "acct_mgmt -> PAM_NEW_AUTHTOK_REQDNew password: Password refused.*New password: Retype new password: Passwords do not match\.New password: Retype new password: Password refused: was used recently.*pamseq: chauthtok:expired -> PAM_AUTHTOK_ERR" \
    "... each refusal said, the new password asked again, no current password asked"
is "$(count 'Password: ')/$(count 'OTP: ')" 2/2 \
    "... the current password and OTP asked once by authenticate, once by the second chauthtok"
is "$(result 'chauthtok:expired#2')" PAM_SUCCESS \
    "a second chauthtok in the same handle succeeds..."
like "$(flat)" "PAM_AUTHTOK_ERRPassword: OTP: .*New password: Retype new password: Password changed" \
    "... but the ticket was used: it asks for the current password and OTP first"

next_step; next_step	# the last change used the next step's code
pseq "$(lines "$PW2" "$(code)")" pam-flow "$LUSER" authenticate acct_mgmt
is "$(result authenticate)/$(result acct_mgmt)" PAM_SUCCESS/PAM_SUCCESS "the risk is cleared by the change (R7)"

# --- passwd: current password and OTP first -----------------------------------
PW3='Flow-pass-3!'
next_step
pt "$(lines "$PW2" "$(code)" "$PW3" "$PW3")" pam-passwd "$LUSER" chauthtok
is "$rc" 0 "passwd (pamtester chauthtok alone): the password is changed"
like "$(flat)" "Password: OTP: New password: Retype new password: " \
    "... after the current password and the OTP"
like "$out" "Password changed" "... and says so"
next_step
pseq "$(lines "wrong-Pass-9!" "$(code)" x x)" pam-passwd "$LUSER" chauthtok env
is "$(result chauthtok)" PAM_PERM_DENIED "passwd with a wrong current password: PAM_PERM_DENIED"
like "$out" "Authentication failed" "... the generic failure is shown (R18)"
unlike "$(flat)" "New password" "... and no new password is asked"
PW4='Flow-pass-4!'
next_step
pseq "$(lines "$PW3" "$(code)" "$PW4" "$PW4")" pam-passwd "$LUSER" chauthtok env
is "$(result chauthtok)" PAM_SUCCESS "passwd through pamseq"
like "$out" "pamseq: env PAM_OLDAUTHTOK=$PW3\$" "... PAM_OLDAUTHTOK is the current password"
like "$out" "pamseq: env PAM_AUTHTOK=$PW4\$" "... PAM_AUTHTOK the new one"
pseq "" pam-passwd "$LUSER" chauthtok:expired
is "$(result chauthtok:expired)" PAM_SUCCESS \
    "chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) when authd says nothing is due: PAM_SUCCESS"
is "$(flat | sed 's/pamseq: [^ ]* -> [A-Z_]*//g')" "" "... without a prompt or a change"

# --- expiry (R7): warning within password_warn_days, change after 180 days ---
clock_advance $((160 * DAY))
admin_relogin || ok 1 "admin relogin"
next_step
pseq "$(lines "$PW4" "$(code)")" pam-flow "$LUSER" authenticate acct_mgmt
is "$(result authenticate)/$(result acct_mgmt)" PAM_SUCCESS/PAM_SUCCESS "160 days after the change: login as usual"
unlike "$out" "expires" "... no warning yet (more than 14 days left)"
clock_advance $((10 * DAY))
next_step
pseq "$(lines "$PW4" "$(code)")" pam-flow "$LUSER" authenticate acct_mgmt
is "$(result authenticate)/$(result acct_mgmt)" PAM_SUCCESS/PAM_SUCCESS "170 days: login as usual"
like "$out" "Your password expires in 9 days\." "... with the warning (password_warn_days = 14) (R7)"
clock_advance $((11 * DAY))
PW5='Flow-pass-5!'
next_step
pseq "$(lines "$PW4" "$(code)" "$PW5" "$PW5")" pam-flow "$LUSER" authenticate acct_mgmt chauthtok:expired
is "$(result acct_mgmt)" PAM_NEW_AUTHTOK_REQD "181 days: acct_mgmt says PAM_NEW_AUTHTOK_REQD (R7)"
like "$out" "older than 180 days and must be changed" "... because the password is older than 180 days"
is "$(result chauthtok:expired)" PAM_SUCCESS "... changed in the same handle"
is "$(count 'Password: ')" 1 "... the current password asked once"

# --- an ssh key login (acct_mgmt without our authenticate): ACCT ---------------
clock_advance $((181 * DAY))
admin_relogin || ok 1 "admin relogin"
pseq "" pam-key "$LUSER" acct_mgmt:silent
is "$(result acct_mgmt:silent)" PAM_NEW_AUTHTOK_REQD "key login, 181 days later: acct_mgmt asks authd: PAM_NEW_AUTHTOK_REQD (R7)"
unlike "$out" "older than" "... PAM_SILENT: nothing shown"
PW6='Flow-pass-6!'
next_step
pseq "$(lines "$PW5" "$(code)" "$PW6" "$PW6")" pam-key "$LUSER" acct_mgmt chauthtok:expired
like "$out" "older than 180 days and must be changed" "... the reason is shown"
is "$(result chauthtok:expired)" PAM_SUCCESS "... chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) changes it"
like "$(flat)" "acct_mgmt -> PAM_NEW_AUTHTOK_REQDPassword: OTP: .*New password: Retype new password: " \
    "... asking the current password and OTP first: no login of authd's on this handle"
pseq "" pam-key "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_SUCCESS "then acct_mgmt alone: PAM_SUCCESS"

# --- acct_mgmt for a frozen or expired account -----------------------------------
authadm user freeze "$LUSER" --reason "flows test" > /dev/null
pseq "" pam-key "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_PERM_DENIED "frozen account: acct_mgmt returns PAM_PERM_DENIED"
like "$out" "account is disabled" "... and says the account is disabled"
like "$(authadm audit show --target "$LUSER" 2>&1)" "account frozen" "... the refusal is audited with its reason"
authadm user unfreeze "$LUSER" > /dev/null
authadm user set "$LUSER" --expires 2020-01-01 > /dev/null
pseq "" pam-key "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_ACCT_EXPIRED "expired account (--expires 2020-01-01): PAM_ACCT_EXPIRED"
like "$out" "account has expired" "... and says so"
pseq "" pam-key "$LUSER" chauthtok:expired
is "$(result chauthtok:expired)" PAM_PERM_DENIED "... and chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK): PAM_PERM_DENIED"
authadm user set "$LUSER" --expires "" > /dev/null
pseq "" pam-key "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_SUCCESS "expiry date cleared: PAM_SUCCESS"

# --- authd down: fail closed ---------------------------------------------------------
pseq "" pam-down "$LUSER" acct_mgmt chauthtok
is "$(result acct_mgmt)" PAM_AUTHINFO_UNAVAIL "authd unreachable: acct_mgmt returns PAM_AUTHINFO_UNAVAIL"
is "$(result chauthtok)" PAM_TRY_AGAIN "... chauthtok's preliminary check: PAM_TRY_AGAIN"

# --- a fake authd -----------------------------------------------------------------
cat > "$T/fake.pl" <<'PERL'
#!/usr/bin/perl
# fake.pl SOCKET SCRIPT GOT: a fake authd. Returns once listening. SCRIPT lines:
# "accept" takes the next connection, "> TEXT" sends TEXT (\t and \n as escapes),
# "<" reads one line from the client into GOT.
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
open my $gf, '>', $got or die "$got: $!\n";
$gf->autoflush(1);
my $c;
for my $s (<$sf>) {
	chomp $s;
	if ($s eq 'accept') {
		close $c if $c;
		$c = $l->accept or exit 1;
		$c->autoflush(1);
	} elsif ($s =~ /^> (.*)$/) {
		(my $t = $1) =~ s/\\t/\t/g;
		$t =~ s/\\n/\n/g;
		print $c $t;
	} elsif ($s eq '<') {
		my $line = <$c>;
		last unless defined $line;
		print $gf $line;
	}
}
close $c if $c;
PERL
FAKE=$T/fake.sock
svc pam-fake \
    "auth required $PAM_AUTHD_SO socket=$FAKE timeout=1" \
    "account required $PAM_AUTHD_SO socket=$FAKE timeout=1" \
    "password required $PAM_AUTHD_SO socket=$FAKE timeout=1"
fake() {
	lines "$@" > "$T/fake.script"
	rm -f "$T/fake.got"
	perl "$T/fake.pl" "$FAKE" "$T/fake.script" "$T/fake.got"
}
V='> VERSION\tmajor=1\tminor=0\n'
TK=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

fake accept "$V" '<' '> CONT\tstep=password\techo=off\tprompt=Password: \n' '<' \
    "> OK\\tuser=$LUSER\\tchange=required\\treason=Change it.\\tticket=$TK\\n" \
    accept "$V" '<' '> FAIL\tcode=auth\tmsg=the password change ticket is invalid or expired; log in again\n'
pseq "pw" -I rhost=192.0.2.8 -I tty=pts/7 pam-fake "$LUSER" authenticate acct_mgmt chauthtok:expired
like "$(sed -n 1p "$T/fake.got")" "^AUTH	user=$LUSER	service=pam-fake	rhost=192\.0\.2\.8	tty=pts/7	host=[^	]+	defer_change=1$" \
    "AUTH carries defer_change=1"
is "$(result acct_mgmt)" PAM_NEW_AUTHTOK_REQD "OK change=required: acct_mgmt says PAM_NEW_AUTHTOK_REQD without asking authd"
like "$(sed -n 3p "$T/fake.got")" "^CHPASS	ticket=$TK	service=pam-fake	rhost=192\.0\.2\.8	tty=pts/7	host=[^	]+$" \
    "chauthtok sends the handle's ticket (CHPASS ticket=) with the PAM items"
is "$(result chauthtok:expired)" PAM_AUTHTOK_ERR "an expired ticket: PAM_AUTHTOK_ERR"
like "$out" "ticket is invalid or expired; log in again" "... with authd's message"

fake accept "$V" '<' '> FAIL\tcode=busy\tmsg=server busy, try again\n'
pseq "" -I rhost=192.0.2.9 -I tty=pts/8 -I ruser=op pam-fake "$LUSER" acct_mgmt
like "$(cat "$T/fake.got")" "^ACCT	user=$LUSER	service=pam-fake	rhost=192\.0\.2\.9	tty=pts/8	ruser=op	host=[^	]+$" \
    "ACCT carries user, service, rhost, tty, ruser and host (R31)"
is "$(result acct_mgmt)" PAM_AUTHINFO_UNAVAIL "ACCT answered FAIL code=busy: PAM_AUTHINFO_UNAVAIL"
fake accept "$V" '<' '> CONT\tstep=password\techo=off\tprompt=Password: \n'
pseq "pw" pam-fake "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_AUTHINFO_UNAVAIL "ACCT answered by a prompt: PAM_AUTHINFO_UNAVAIL"
unlike "$(flat)" "Password: " "... nothing asked"
fake accept "$V" '<' '> CONT\tstep=password\techo=off\tprompt=Password: \n' '<' \
    "> OK\\tuser=$LUSER\\tchange=required\\treason=Change it.\\n"
pseq "pw" pam-fake "$LUSER" authenticate
is "$(result authenticate)" PAM_AUTHINFO_UNAVAIL "OK change=required without a ticket: PAM_AUTHINFO_UNAVAIL"
fake accept "$V" '<' '> CONT\tstep=password\techo=off\tprompt=Password: \n' '<' \
    "> OK\\tuser=$LUSER\\tchange=required\\treason=Change it.\\tticket=../../x\\n"
pseq "pw" pam-fake "$LUSER" authenticate
is "$(result authenticate)" PAM_AUTHINFO_UNAVAIL "a ticket that is not hex: PAM_AUTHINFO_UNAVAIL"
fake accept "$V" '<' "> OK\\tuser=$LUSER\\tchange=maybe\\treason=x\\n"
pseq "" pam-fake "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_AUTHINFO_UNAVAIL "ACCT with change= other than required: PAM_AUTHINFO_UNAVAIL"
fake accept "$V" '<' "> OK\\tuser=someone-else\\n"
pseq "" pam-fake "$LUSER" acct_mgmt
is "$(result acct_mgmt)" PAM_AUTHINFO_UNAVAIL "ACCT answered OK for another user: PAM_AUTHINFO_UNAVAIL"

done_testing
