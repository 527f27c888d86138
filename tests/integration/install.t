#!/bin/sh
# tests/integration/install.t: `make install DESTDIR=... PREFIX=/usr` puts every file where
# INTERFACE.md says, with sane modes; the unit runs the installed daemon; the sample
# configuration is one authd accepts. Needs no root and starts no authd.
. "$(dirname "$0")/lib.sh"

ROOT=$T/root
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)

# a make running this test (make test) must not pass its variables or jobserver down
make_install() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	    make -s --no-print-directory -C "$TOP" install DESTDIR="$ROOT" PREFIX=/usr "$@"
}

out=$(make_install 2>&1)
rc=$?
is "$rc" 0 "make install DESTDIR=\$T/root PREFIX=/usr exits 0"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'

mode() {	# mode FILE: octal permissions, or "missing"
	if [ -e "$1" ]; then stat -c %a "$1"; else echo missing; fi
}

is "$(mode "$ROOT/usr/sbin/authd")" 755 "daemon: /usr/sbin/authd, mode 0755"
is "$(mode "$ROOT/usr/bin/authadm")" 755 "CLI: /usr/bin/authadm, mode 0755"
is "$(mode "$ROOT/lib/$MULTIARCH/security/pam_authd.so")" 644 \
    "PAM module: /lib/$MULTIARCH/security/pam_authd.so, mode 0644"
is "$(mode "$ROOT/lib/systemd/system/authd.service")" 644 \
    "systemd unit: /lib/systemd/system/authd.service, mode 0644"
is "$(mode "$ROOT/etc/authd/authd.conf.sample")" 640 \
    "sample configuration: /etc/authd/authd.conf.sample, mode 0640"
for p in authd authadm pam_authd; do
	f=$ROOT/usr/share/man/man8/$p.8
	is "$(mode "$f")" 644 "man page: /usr/share/man/man8/$p.8, mode 0644"
	like "$(head -c 4096 "$f" 2>/dev/null)" '^\.TH ' "$p.8 is a roff man page"
done

# nothing lands outside the expected places, nothing is writable by group or others
extra=$(cd "$ROOT" 2>/dev/null && find . -type f | sort | grep -Ev \
    "^\./(usr/sbin/authd|usr/bin/authadm|lib/$MULTIARCH/security/pam_authd\.so|lib/systemd/system/authd\.service|etc/authd/authd\.conf\.sample|usr/share/man/man8/(authd|authadm|pam_authd)\.8)$")
is "$extra" "" "no other file is installed"
loose=$(find "$ROOT" -type f -perm /022 2>/dev/null)
is "$loose" "" "no installed file is writable by group or others"

# the daemon installed is one that runs, and its PAM module exports the six entry points
like "$("$ROOT/usr/sbin/authd" -h 2>&1)" "usage: authd" "the installed authd runs"
syms=$(nm -D --defined-only "$ROOT/lib/$MULTIARCH/security/pam_authd.so" 2>/dev/null |
    awk '{ print $3 }' | grep '^pam_sm_' | sort | tr '\n' ' ')
is "$syms" "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok pam_sm_close_session pam_sm_open_session pam_sm_setcred " \
    "the installed module exports the six PAM entry points"

# the unit runs the daemon from PREFIX (not /usr/local) on /etc/authd/authd.conf
unit=$ROOT/lib/systemd/system/authd.service
is "$(sed -n 's/^ExecStart=//p' "$unit")" "/usr/sbin/authd -c /etc/authd/authd.conf -f" \
    "unit: ExecStart=/usr/sbin/authd -c /etc/authd/authd.conf -f"
is "$(sed -n 's/^ExecStartPre=//p' "$unit")" "/usr/sbin/authd -c /etc/authd/authd.conf -n" \
    "unit: ExecStartPre checks the configuration with /usr/sbin/authd"
unlike "$(cat "$unit")" "@[A-Z]+@|/usr/local" "unit: no template placeholder or /usr/local left"
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify resolves ExecStart on the real root: point it at the copy under DESTDIR
	sed "s|=/usr/sbin/authd|=$ROOT/usr/sbin/authd|" "$unit" > "$T/authd.service"
	v=$(systemd-analyze verify --man=no "$T/authd.service" 2>&1 | grep -v 'Failed to .*\(bus\|connect\)')
	is "$v" "" "systemd-analyze verify finds nothing wrong with the unit"
fi

# the sample configuration, moved into $T, passes authd -n
sed -e "s|^state_dir = .*|state_dir = $T/state|" \
    -e "s|^socket = .*|socket = $T/state/authd.sock|" \
    -e "s|^admin_socket = .*|admin_socket = $T/state/admin.sock|" \
    -e "s|^user = _authd\$|user = nobody|" \
    "$ROOT/etc/authd/authd.conf.sample" > "$T/sample.conf"
like "$(grep '^state_dir' "$T/sample.conf")" "^state_dir = $T/state\$" "sample's state_dir rewritten into \$T"
like "$(grep '^user' "$T/sample.conf")" "^user = nobody\$" \
    "the sample drops privileges (user = _authd, here an account this machine has)"
sed "s|^user = nobody\$|user = _authd-missing|" "$T/sample.conf" > "$T/nouser.conf"
like "$("$ROOT/usr/sbin/authd" -c "$T/nouser.conf" -n 2>&1)" "no such user: _authd-missing \\(create it, e\\.g\\. adduser --system" \
    "without the account, authd -n says how to make it"
is "$("$ROOT/usr/sbin/authd" -c "$T/sample.conf" -n 2>&1)" "configuration OK" \
    "the sample configuration passes authd -n"
# and with its commented-out [service] example switched on
sed -e 's/^# \[service /[service /' -e 's/^# otp = /otp = /' -e 's/^# \(tls_[a-z_]* = \)/\1/' \
    -e 's/^# \(radius_listen = \)/\1/' "$T/sample.conf" > "$T/sample2.conf"
is "$("$ROOT/usr/sbin/authd" -c "$T/sample2.conf" -n 2>&1)" "configuration OK" \
    "the sample's [service], TLS and RADIUS examples pass authd -n"

# the man pages keep up with the code: every key authd accepts, every command authadm has
man8=$ROOT/usr/share/man/man8
keys=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)",[[:space:]]*V_.*/\1/p' "$TOP/authd/config.c")
missing=
for k in $keys; do
	grep -qF "\\fB$k\\fR" "$man8/authd.8" 2>/dev/null || missing="$missing $k"
done
ok "$([ -n "$keys" ] && [ -z "$missing" ]; echo $?)" "authd.8 describes every configuration key"
[ -z "$missing" ] || echo "#   not in authd.8:$missing"
missing=
cmds=$("$ROOT/usr/bin/authadm" --help | sed '1,/^commands:/d' |
    awk '{ if ($2 ~ /^[a-z]/) print $1 "_" $2; else print $1 }')
for c in $cmds; do
	c=$(printf '%s' "$c" | tr _ ' ')
	grep -qF "\\fB$c\\fR" "$man8/authadm.8" 2>/dev/null || missing="$missing '$c'"
done
ok "$([ -n "$cmds" ] && [ -z "$missing" ]; echo $?)" "authadm.8 describes every command of authadm --help"
[ -z "$missing" ] || echo "#   not in authadm.8:$missing"

# PREFIX moves the programs, the man pages and the unit's paths; DESTDIR stays the root
ROOT2=$T/root2
out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make -s --no-print-directory \
    -C "$TOP" install DESTDIR="$ROOT2" PREFIX=/opt/authd 2>&1)
is "$?" 0 "make install PREFIX=/opt/authd exits 0"
ok "$([ -x "$ROOT2/opt/authd/sbin/authd" ] && [ -x "$ROOT2/opt/authd/bin/authadm" ] &&
    [ -f "$ROOT2/opt/authd/share/man/man8/authd.8" ]; echo $?)" \
    "PREFIX=/opt/authd: programs and man pages under /opt/authd"
is "$(sed -n 's/^ExecStart=//p' "$ROOT2/lib/systemd/system/authd.service")" \
    "/opt/authd/sbin/authd -c /etc/authd/authd.conf -f" "PREFIX=/opt/authd: the unit follows"

done_testing
