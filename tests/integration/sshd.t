#!/bin/sh
# End to end: a real OpenSSH sshd (Debian's /usr/sbin/sshd) on a loopback port, with
# pam_authd.so on keyboard-interactive, logged into by the real ssh client driven by
# expect: first login with the initial password (R6), password + OTP (R5), a replayed,
# a wrong OTP and a wrong password refused alike (R18), service and address in the
# audit log (R31), authd down failing closed, and the break-glass for root. Then the
# packaged PAM files (packaging/pam.d/) through pamtester, as docs/pam-rollout.md
# promises: every stack the rollout page shows is tried here.
#
# Nothing under /etc is read or written for the test (STYLE.md habit 12):
# - sshd runs with its own sshd_config, host key and PidFile in $T, in the foreground
#   (-D), under pam_wrapper: PAM_WRAPPER_SERVICE_DIR=$T/pam.d gives it the PAM
#   service "sshd", made from packaging/pam.d/sshd (module path and socket= put in).
#   It logs at DEBUG3 into $T/sshd.log with -E, not -e: in debug mode -e also sends
#   the session child's log lines into the client's channel;
# - nss_wrapper (NSS_WRAPPER_PASSWD/GROUP in $T) makes the login user, root (with a
#   local password for the break-glass, its hash in the passwd field since pam_unix
#   reads shadow through getspnam_r, which nss_wrapper does not wrap) and sshd's
#   privilege separation user exist for sshd, pam_unix and pam_succeed_if.
# sshd itself needs root: it chroots its pre-authentication child into /run/sshd and
# switches to the login user's uid. Without root the whole test is skipped.
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root: sshd's privilege separation chroots into /run/sshd and" \
	    "setuid()s to the login user (run by make test as root in CI)"
	exit 0
fi
umask 077	# $T holds passwords and is opened (0711) for the login user below
. "$(dirname "$0")/lib.sh"

SSHD=/usr/sbin/sshd
NSS_WRAPPER_LIB=libnss_wrapper.so
for f in "$SSHD" /usr/bin/ssh /usr/bin/ssh-keygen /usr/bin/expect /usr/bin/pamtester \
    /usr/lib/x86_64-linux-gnu/libnss_wrapper.so /usr/lib/x86_64-linux-gnu/libpam_wrapper.so; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make deps"; exit 1; }
done

SOCK=$STATE/authd.sock
PAMD=$T/pam.d
PKG=$TOP/packaging/pam.d
LUSER=sshuser			# the login user: authd account, Unix uid 4242 (nss_wrapper)
LUID=4242
ROOTPW='Break-Glass-Root-1!'	# root's local password (pam_unix), for the break-glass
SSHD_PID=
PORT=
RUN_SSHD_MADE=

# --- stopping: sshd first, then lib.sh's cleanup -----------------------------
sshd_stop() {
	[ -n "$SSHD_PID" ] || return 0
	kill -TERM "$SSHD_PID" 2>/dev/null
	_i=0
	while kill -0 "$SSHD_PID" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	kill -KILL "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}
# pam_wrapper copies the service files to /tmp/pam.X for each process that loads it,
# and only the process that exits normally removes its copy: sshd's connection
# processes leave theirs. Remove the copies of this test's files whose process is gone.
pwrap_leftovers() {
	for _d in /tmp/pam.?; do
		[ -f "$_d/pid" ] || continue
		kill -0 "$(cat "$_d/pid")" 2>/dev/null && continue
		grep -qsF -- "$T/" "$_d"/* && rm -rf "$_d"
	done
}
sshd_cleanup() {
	sshd_stop
	pwrap_leftovers
	[ -n "$RUN_SSHD_MADE" ] && rmdir /run/sshd 2>/dev/null
	cleanup
}
trap sshd_cleanup EXIT

# --- authd, and the user ------------------------------------------------------
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed: authd or authadm (see $T)"; exit 1; }
uout=$(authadm user add "$LUSER" --unit ROOT --soft-token 2>&1)
ok $? "user add $LUSER with a soft token"
PW=$(printf '%s\n' "$uout" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$uout" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
NEWPW='Ssh-Login-pw-7!'

# --- NSS: the login user, root, sshd's privilege separation user ---------------
chmod 0711 "$T"
mkdir -p "$T/home/$LUSER" "$T/root-home"
chmod 0711 "$T/home"
chown "$LUID:$LUID" "$T/home/$LUSER"
ROOTHASH=$(perl -e 'print crypt($ARGV[0], "\$6\$" . $ARGV[1] . "\$")' "$ROOTPW" "sshdtsalt")
case $ROOTHASH in '$6$'*) ;; *) echo "Bail out! crypt() gave no SHA-512 hash"; exit 1 ;; esac
# "*" for the login user: no shadow entry to look up, no local password
cat > "$T/passwd" <<EOF
root:$ROOTHASH:0:0:root:$T/root-home:/bin/sh
sshd:x:4243:65534:sshd privilege separation:/run/sshd:/usr/sbin/nologin
$LUSER:*:$LUID:$LUID:ssh test user:$T/home/$LUSER:/bin/sh
EOF
cat > "$T/group" <<EOF
root:x:0:
nogroup:x:65534:
$LUSER:x:$LUID:
EOF
chmod 0644 "$T/passwd" "$T/group"
WRAP_ENV="LD_PRELOAD=libpam_wrapper.so:$NSS_WRAPPER_LIB PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$PAMD
NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group"

# --- PAM services for pam_wrapper, from the packaged files --------------------
mkdir -p "$PAMD"
# pkg_service FILE NAME [SED-EXPR...]: packaging/pam.d/FILE as service NAME, with this
# build's module and this authd's socket
pkg_service() {
	_f=$1 _n=$2; shift 2
	sed -e "s|[^ ]*pam_authd\\.so|$PAM_AUTHD_SO socket=$SOCK|" "$@" "$PKG/$_f" > "$PAMD/$_n"
}
for f in sshd su common-auth-authd; do
	[ -f "$PKG/$f" ] || { echo "Bail out! $PKG/$f missing"; exit 1; }
done
# sshd's service: the shipped file, its management network being 127.0.0.1 here
pkg_service sshd sshd -e 's|rhost =~ 192\.0\.2\.\*|rhost = 127.0.0.1|'
like "$(cat "$PAMD/sshd")" "pam_succeed_if\.so quiet user = root rhost = 127\.0\.0\.1" \
    "sshd's PAM service is packaging/pam.d/sshd, break-glass network set to 127.0.0.1"
pkg_service sshd sshd-shipped
pkg_service su su
# su as someone who is not root runs it: pamtester runs as root, so pam_rootok would let
# everything through; for anyone else it fails and its lines are ignored: dropped here
pkg_service su su-norootok -e '/pam_rootok\.so/d'
pkg_service common-auth-authd common-auth-authd
# a service including common-auth-authd, with the account lines its comments give
# (Linux-PAM reads a relative @include from /etc/pam.d even under pam_wrapper: absolute here)
{
	echo "@include $PAMD/common-auth-authd"
	sed -n -e 's/^#     \(account .*\)$/\1/p' "$PKG/common-auth-authd" |
	    sed -e "s|[^ ]*pam_authd\\.so|$PAM_AUTHD_SO socket=$SOCK|"
	echo "account required pam_unix.so"
} > "$PAMD/login-authd"
is "$(grep -c '^account' "$PAMD/login-authd")" 3 "common-auth-authd's account lines are in the service that includes it"

# --- sshd ---------------------------------------------------------------------
/usr/bin/ssh-keygen -q -t ed25519 -N '' -C sshd.t -f "$T/ssh_host_ed25519_key" ||
    { echo "Bail out! ssh-keygen failed"; exit 1; }
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd && RUN_SSHD_MADE=1
fi

# a port nobody listens on (ss), from a random start
pick_port() {
	_busy=$(ss -Htln 2>/dev/null | awk '{ print $4 }')
	_i=0
	while [ $_i -lt 50 ]; do
		_p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
		printf '%s\n' "$_busy" | grep -q ":$_p\$" || { echo "$_p"; return 0; }
		_i=$((_i + 1))
	done
	return 1
}

write_sshd_config() {
	cat > "$T/sshd_config" <<EOF
# sshd.t: the settings packaging/pam.d/sshd asks for, on a loopback port
ListenAddress 127.0.0.1:$PORT
HostKey $T/ssh_host_ed25519_key
PidFile $T/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthenticationMethods keyboard-interactive
AuthorizedKeysFile none
PermitRootLogin no
UseDNS no
PrintMotd no
PrintLastLog no
LoginGraceTime 30
LogLevel DEBUG3
# keys live in $T, under /tmp: StrictModes would refuse them for /tmp's mode 1777
StrictModes no
# on 127.0.0.2: a key AND authd, the other setting packaging/pam.d/sshd names
ListenAddress 127.0.0.2:$PORT
Match LocalAddress 127.0.0.2
	PubkeyAuthentication yes
	AuthorizedKeysFile $T/authorized_keys/%u
	AuthenticationMethods publickey,keyboard-interactive
# the break-glass of packaging/pam.d/sshd: root from the management network
Match Address 127.0.0.1 User root
	PermitRootLogin yes
EOF
}

# sshd_start: on a free port, under pam_wrapper and nss_wrapper; waits (bounded) until
# it listens. A port taken in between: another one, three times at most.
sshd_start() {
	_try=0
	while [ $_try -lt 3 ]; do
		_try=$((_try + 1))
		PORT=$(pick_port) || return 1
		write_sshd_config
		# shellcheck disable=SC2086
		env $WRAP_ENV "$SSHD" -t -f "$T/sshd_config" 2>> "$T/sshd.stderr" || return 1
		# shellcheck disable=SC2086
		env $WRAP_ENV "$SSHD" -D -E "$T/sshd.log" -f "$T/sshd_config" 2>> "$T/sshd.stderr" &
		SSHD_PID=$!
		_i=0
		while [ $_i -lt 100 ]; do
			if [ "$(ss -Htln 2>/dev/null | awk '{ print $4 }' |
			    grep -cx "127\.0\.0\.[12]:$PORT")" -eq 2 ]; then
				return 0
			fi
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.05; _i=$((_i + 1))
		done
		sshd_stop
	done
	return 1
}
t0=$(date +%s)
if sshd_start; then ok 0 "sshd listens on 127.0.0.1:$PORT and 127.0.0.2:$PORT"; else
	ok 1 "sshd listens on 127.0.0.1:$PORT and 127.0.0.2:$PORT"
	cat "$T/sshd.stderr" "$T/sshd.log" 2>/dev/null | tail -20 | sed 's/^/#   /'
	echo "Bail out! sshd did not start (see $T/sshd.log)"
	exit 1
fi

# --- the ssh client, driven by expect -----------------------------------------
cat > "$T/ssh.exp" <<'EOF'
# ssh.exp ANSWERS SSH-ARGUMENTS...: runs ssh SSH-ARGUMENTS; ANSWERS holds lines PROMPT,
# ANSWER, PROMPT, ANSWER...: each PROMPT awaited (exact text), then its ANSWER typed.
# Exits with ssh's status, 124 when a wait runs out (10 s each).
set timeout 10
set f [open [lindex $argv 0] r]
set pairs [split [string trimright [read $f] "\n"] "\n"]
close $f
spawn -noecho /usr/bin/ssh {*}[lrange $argv 1 end]
set ended 0
foreach {prompt answer} $pairs {
	expect {
		-ex $prompt { send -- "$answer\r" }
		timeout { puts "\n<timeout waiting for \"$prompt\">"; exit 124 }
		eof { set ended 1; break }
	}
}
if {!$ended} {
	expect {
		timeout { puts "\n<timeout waiting for ssh to end>"; exit 124 }
		eof
	}
}
lassign [wait] pid spawnid oserr status
exit $status
EOF

# ssh_login USER COMMAND [PROMPT ANSWER]...: ssh USER@$SSH_HOST COMMAND with the
# options $SSH_AUTH (keyboard-interactive alone by default); sets out (what the
# client showed, CRs removed) and rc (ssh's exit status)
SSH_HOST=127.0.0.1
SSH_AUTH="-o PreferredAuthentications=keyboard-interactive -o PubkeyAuthentication=no"
ssh_login() {
	_u=$1 _c=$2; shift 2
	printf '%s\n' "$@" > "$T/answers"
	# shellcheck disable=SC2086
	out=$(expect -f "$T/ssh.exp" "$T/answers" -F /dev/null -p "$PORT" \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5 \
	    -o NumberOfPasswordPrompts=1 -o IdentityAgent=none $SSH_AUTH \
	    "$_u@$SSH_HOST" "$_c" 2>&1)
	rc=$?
	rm -f "$T/answers"
	out=$(printf '%s\n' "$out" | tr -d '\r')
	printf '### ssh %s %s@%s %s (exit %s)\n%s\n' "$SSH_AUTH" "$_u" "$SSH_HOST" "$_c" "$rc" \
	    "$out" >> "$T/ssh.log"
}

flat() {
	printf '%s\n' "$1" | tr '\n' ' '
}

# --- first login: the initial password is changed inside keyboard-interactive (R6)
next_step
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$PW" "OTP: " "$(totp "$SEC")" \
    "New password: " "$NEWPW" "Retype new password: " "$NEWPW"
is "$rc" 0 "first login over ssh with the initial password + OTP + change: exit 0 (R5, R6)"
like "$(flat "$out")" "Password: .*OTP: .*New password: .*Retype new password: .*logged-in-OK" \
    "... sshd relays Password:, OTP:, New password:, Retype new password:, then the command runs"
like "$(authadm user show "$LUSER")" "must_change: no" "... must_change cleared in authd"
# Which way the change ran depends on the module: asked by authd inside pam_authenticate
# (pam_authd.so of commit e4d5017), or deferred: pam_acct_mgmt says PAM_NEW_AUTHTOK_REQD
# (12) and sshd runs pam_chauthtok inside keyboard-interactive. Both pass the checks
# above; sshd's DEBUG3 log tells which one ran.
if grep -q "pam_acct_mgmt = 12 " "$T/sshd.log"; then
	echo "# first login: pam_acct_mgmt said PAM_NEW_AUTHTOK_REQD, sshd ran pam_chauthtok"
else
	echo "# first login: authd asked for the change within pam_authenticate (pam_acct_mgmt: success)"
fi
like "$(authadm audit show --action password_change --target "$LUSER" 2>&1)" \
    "$LUSER +password_change +$LUSER +ok" "... the change is in the audit log"

# --- normal login: password + OTP, the command runs as the user (R5) ----------
next_step
code=$(totp "$SEC")
ssh_login "$LUSER" "echo logged-in-OK; id -u; pwd" "Password: " "$NEWPW" "OTP: " "$code"
is "$rc" 0 "normal login over ssh with password + OTP: exit 0 (R5)"
like "$(flat "$out")" "Password: .*OTP: .*logged-in-OK $LUID $T/home/$LUSER" \
    "... asked Password: then OTP:, the command runs as $LUSER (uid $LUID) in its home"
unlike "$out" "New password" "... no change asked"

# --- the same code again: refused (R5) -----------------------------------------
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$NEWPW" "OTP: " "$code"
is "$rc" 255 "the OTP of the last login, replayed over ssh: ssh exits 255"
like "$out" "Permission denied" "... Permission denied"
unlike "$out" "logged-in-OK" "... the command does not run"

# --- a wrong OTP and a wrong password: refused alike (R5, R18) ------------------
next_step
good=$(totp "$SEC")
bad=$(printf "%06d" $(( (1$good + 1) % 1000000 )))	# the right code + 1
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$NEWPW" "OTP: " "$bad"
is "$rc" 255 "wrong OTP over ssh: ssh exits 255 (R5)"
like "$out" "Permission denied \(keyboard-interactive\)" "... Permission denied (keyboard-interactive)"
unlike "$out" "logged-in-OK" "... the command does not run"
WRONG_OTP=$(printf '%s\n' "$out" | sed "s/$bad/CODE/")
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "wrong-Passw0rd!" "OTP: " "$good"
is "$rc" 255 "wrong password over ssh: ssh exits 255"
is "$(printf '%s\n' "$out" | sed "s/$good/CODE/")" "$WRONG_OTP" \
    "... the very transcript of a wrong OTP: nothing says which factor failed (R18)"

# --- the audit log: service sshd, the client's address (R31) -------------------
audit=$(authadm --json audit show --action login --target "$LUSER" 2>&1)
n=$(printf '%s\n' "$audit" | grep '"result": *"ok"' | grep '"service": *"sshd"' |
    grep '"source_addr": *"127\.0\.0\.1"' | grep -c '"tty": *"ssh"')
is "$n" 2 "the two ssh logins are in the audit log: ok, service sshd, rhost 127.0.0.1, tty ssh (R31)"
n=$(printf '%s\n' "$audit" | grep '"result": *"fail"' | grep '"service": *"sshd"' |
    grep -c '"source_addr": *"127\.0\.0\.1"')
is "$n" 3 "the replay, the wrong OTP and the wrong password: fail records, service sshd, 127.0.0.1 (R18, R31)"
like "$(authadm audit show --action login --target "$LUSER")" "login +$LUSER +ok .*127\.0\.0\.1 .* sshd +ssh" \
    "authadm audit show --action login --target $LUSER shows service sshd and 127.0.0.1"

# --- publickey,keyboard-interactive: a key AND authd -----------------------------
/usr/bin/ssh-keygen -q -t ed25519 -N '' -C sshd.t-client -f "$T/client_key" ||
    { echo "Bail out! ssh-keygen failed"; exit 1; }
mkdir -p "$T/authorized_keys"
cp "$T/client_key.pub" "$T/authorized_keys/$LUSER"
chmod 0755 "$T/authorized_keys"; chmod 0644 "$T/authorized_keys/$LUSER"
SSH_HOST=127.0.0.2
next_step
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$NEWPW" "OTP: " "$(totp "$SEC")"
is "$rc" 255 "AuthenticationMethods publickey,keyboard-interactive: password + OTP without the key: refused"
like "$out" "Permission denied \(publickey\)" "... Permission denied (publickey): authd is not even asked"
SSH_AUTH="-o PreferredAuthentications=publickey,keyboard-interactive -o PubkeyAuthentication=yes
-o IdentitiesOnly=yes -i $T/client_key"
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$NEWPW" "OTP: " "$(totp "$SEC")"
is "$rc" 0 "... the key, then password + OTP: in"
like "$(flat "$out")" "Password: .*OTP: .*logged-in-OK" "... authd's prompts after the key"
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$NEWPW" "OTP: " "$(totp "$SEC")"
is "$rc" 255 "... the key and a replayed OTP: refused"
SSH_HOST=127.0.0.1
SSH_AUTH="-o PreferredAuthentications=keyboard-interactive -o PubkeyAuthentication=no"

# --- root over ssh while authd is up: authd decides, the local password is no use
next_step
ssh_login root "echo logged-in-OK" "Password: " "$ROOTPW" "OTP: " "$(totp "$SEC")"
is "$rc" 255 "root over ssh with authd up: authd asks and refuses (root is no authd account)"
like "$(flat "$out")" "Password: .*OTP: .*Permission denied" "... authd's prompts, then Permission denied"

# --- authd down: fail closed; root's break-glass ---------------------------------
authd_stop
next_step
ssh_login "$LUSER" "echo logged-in-OK" "Password: " "$NEWPW" "OTP: " "$(totp "$SEC")"
is "$rc" 255 "authd down: $LUSER is refused over ssh (fails closed)"
unlike "$out" "Password: " "... without a prompt"
unlike "$out" "logged-in-OK" "... the command does not run"
ssh_login root "echo logged-in-OK; id -u" "Password: " "$ROOTPW"
is "$rc" 0 "authd down: root logs in over ssh with its local password from the management network"
like "$(flat "$out")" "logged-in-OK 0 " "... and runs the command as root"
unlike "$out" "OTP: " "... asked by pam_unix alone"
ssh_login root "echo logged-in-OK" "Password: " "wrong-Root-pw-1!"
is "$rc" 255 "authd down: a wrong root password is refused"
authd_start || echo "# authd did not restart"

# --- the packaged files through pamtester (docs/pam-rollout.md) ----------------
PAMLOG=$T/pamtester.log
# pam ANSWERS PAMTESTER-ARGS...: pamtester under pam_wrapper and nss_wrapper, one
# answer per line of ANSWERS on stdin; sets out and rc
pam() {
	_in=$1; shift
	# shellcheck disable=SC2086
	out=$(printf '%s\n' "$_in" | env $WRAP_ENV pamtester -v "$@" 2>&1)
	rc=$?
	printf '### pamtester %s (exit %s)\n%s\n' "$*" "$rc" "$out" >> "$PAMLOG"
	out=$(printf '%s\n' "$out" | sed '/^PWRAP_/d')
}
# pam_eof PAMTESTER-ARGS...: the same with stdin at its end: the first prompt fails
# the conversation (for chauthtok: shows which module asks, and nothing is changed)
pam_eof() {
	# shellcheck disable=SC2086
	out=$(env $WRAP_ENV pamtester -v "$@" < /dev/null 2>&1)
	rc=$?
	printf '### pamtester %s < /dev/null (exit %s)\n%s\n' "$*" "$rc" "$out" >> "$PAMLOG"
	out=$(printf '%s\n' "$out" | sed '/^PWRAP_/d')
}
# packaging/pam.d/sshd as shipped: the break-glass needs authd down AND 192.0.2.*
next_step
pam "$(lines "$NEWPW" "$(totp "$SEC")")" -I rhost=198.51.100.7 sshd-shipped "$LUSER" authenticate acct_mgmt
is "$rc" 0 "pam.d/sshd: password + OTP through authd, then the account checks"
pam "$(lines "$ROOTPW" 000000)" -I rhost=192.0.2.10 sshd-shipped root authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/sshd: root from 192.0.2.10 with authd up: authd decides (refused)"
like "$(flat "$out")" "Password: .*OTP: " "... authd's prompts, not pam_unix's"
authd_stop
pam "$ROOTPW" -I rhost=192.0.2.10 sshd-shipped root authenticate acct_mgmt
is "$rc" 0 "pam.d/sshd: authd down: root from 192.0.2.10 with its local password"
pam "$ROOTPW" -I rhost=198.51.100.7 sshd-shipped root authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/sshd: authd down: root from elsewhere is refused"
unlike "$out" "Password: " "... without being asked for a password"
pam "$NEWPW" -I rhost=192.0.2.10 sshd-shipped "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/sshd: authd down: no one else, not even from 192.0.2.10"
like "$out" "Authentication service unavailable" "... told the service is unavailable"
# root's password phase is pam_unix's (stdin at its end: nothing can be changed)
pam_eof sshd-shipped root chauthtok
like "$out" "New password: " "pam.d/sshd: authd down: root's password change is pam_unix's"
unlike "$out" "unavailable" "... authd not asked"

# su: the console break-glass, independent of authd (still down here)
pam "$ROOTPW" -I tty=tty1 su-norootok root authenticate acct_mgmt
is "$rc" 0 "pam.d/su: authd down: su to root on tty1 with root's local password"
pam "$ROOTPW" -I tty=/dev/ttyS0 su-norootok root authenticate
is "$rc" 0 "pam.d/su: ... and on the serial console /dev/ttyS0"
pam "wrong-Root-pw-1!" -I tty=/dev/tty1 su-norootok root authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/su: a wrong local root password on /dev/tty1 is refused"
like "$out" "Authentication failure" "... PAM_AUTH_ERR, authd not involved"
pam "$ROOTPW" -I tty=/dev/pts/3 su-norootok root authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/su: su to root on /dev/pts/3 (an ssh session) is authd's: down, refused"
like "$out" "Authentication service unavailable" "... fails closed"
pam "" -I tty=/dev/pts/3 su root authenticate
is "$rc" 0 "pam.d/su: root (pamtester runs as root) passes pam_rootok without a prompt"
unlike "$out" "Password: " "... no prompt"
pam "" -I tty=/dev/pts/3 su "$LUSER" authenticate acct_mgmt
is "$rc" 0 "pam.d/su: authd down: root still su's to $LUSER (authd's account answer not asked)"
pam_eof -I tty=tty1 su-norootok root chauthtok
like "$out" "New password: " "pam.d/su: authd down: root's password change is pam_unix's"
unlike "$out" "unavailable" "... authd not asked"

# common-auth-authd, included by a service
pam "$ROOTPW" -I tty=tty2 login-authd root authenticate acct_mgmt
is "$rc" 0 "common-auth-authd: authd down: root on tty2 with its local password"
pam "$NEWPW" -I tty=tty2 login-authd "$LUSER" authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "common-auth-authd: authd down: anyone else, even on the console, is refused"
like "$out" "cannot retrieve authentication info" "... PAM_AUTHINFO_UNAVAIL"
authd_start || echo "# authd did not restart"

next_step
pam "$(lines "$NEWPW" "$(totp "$SEC")")" -I tty=/dev/pts/3 su-norootok "$LUSER" authenticate acct_mgmt
is "$rc" 0 "pam.d/su: su to $LUSER: password + OTP through authd"
next_step
pam "$(lines "$NEWPW" "$(totp "$SEC")")" -I tty=/dev/tty1 su-norootok "$LUSER" authenticate
is "$rc" 0 "pam.d/su: ... on the console too: the break-glass is for root only"
like "$(flat "$out")" "Password: .*OTP: " "... authd's prompts"
pam "$(lines "$ROOTPW" 000000)" -I tty=/dev/pts/3 su-norootok root authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/su: root on /dev/pts/3 with authd up: authd refuses the local password"
next_step
pam "$(lines "$NEWPW" "$(totp "$SEC")")" -I tty=tty2 login-authd "$LUSER" authenticate acct_mgmt
is "$rc" 0 "common-auth-authd: $LUSER on tty2: password + OTP through authd"
like "$(flat "$out")" "Password: .*OTP: " "... authd's prompts"
pam "$(lines "$ROOTPW")" -I tty=tty2 login-authd root authenticate
is "$rc" 0 "common-auth-authd: root on tty2 with its local password while authd is up"
unlike "$out" "OTP: " "... pam_unix alone"
pam "$(lines "$ROOTPW" 000000)" -I tty=pts/0 login-authd root authenticate
ok $([ "$rc" -ne 0 ]; echo $?) "common-auth-authd: root on pts/0: authd's, refused"
# the shorter line docs/pam-rollout.md warns against: success=done on the condition
printf '%s\n' "auth [success=done default=ignore] pam_succeed_if.so user = root tty =~ tty*" \
    "auth required pam_unix.so" > "$PAMD/naive"
pam_eof -I tty=tty1 naive root authenticate
is "$rc" 0 "the docs' counter-example: root on tty1 gets in..."
unlike "$out" "Password: " "... without being asked for any password"
pam_eof -I tty=/dev/tty1 naive root authenticate
like "$out" "Password: " "... and su's /dev/tty1 does not match tty*"

# anyone else's password phase is authd's: pam_unix's "New password: " never shows
pam_eof sshd-shipped "$LUSER" chauthtok
ok $([ "$rc" -ne 0 ]; echo $?) "pam.d/sshd: $LUSER's password change goes to authd (no answer: fails)"
unlike "$out" "New password: " "... pam_unix not asked"
pam_eof -I tty=/dev/pts/3 su-norootok "$LUSER" chauthtok
unlike "$out" "New password: " "pam.d/su: $LUSER's password change goes to authd, not pam_unix"

sshd_stop
echo "# sshd.t ran $(( $(date +%s) - t0 )) s after sshd started"
unlike "$(cat "$T/sshd.stderr" "$T/sshd.log")" "fatal:|segfault" "sshd logged no fatal error"
n=0
for secret in "$NEWPW" "$PW" "$ROOTPW"; do
	grep -qF -- "$secret" "$T/sshd.log" && n=$((n + 1))
done
is "$n" 0 "no password appears in sshd's debug log"

done_testing
