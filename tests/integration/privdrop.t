#!/bin/sh
# authd drops privileges after opening its sockets (DESIGN.md "Who may do what"; config key
# `user`): with user = an unprivileged account, the running daemon has that account's uid,
# gid and groups and no way back, owns its state directory (0700), and still serves everything:
# authadm (R1), PAM logins (R5), RADIUS (its front-end's socketpair made before the switch),
# remote hosts over TLS (the CA key read after it), a restart, and a key rotation done as root
# in between. Needs root (useradd): skipped otherwise.
. "$(dirname "$0")/lib.sh"

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (useradd, and authd started as root)"
command -v useradd > /dev/null || skip_all "no useradd"

U=authd-t$$
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group "$U" \
    2> "$T/useradd.err" || skip_all "useradd failed: $(head -1 "$T/useradd.err")"
trap 'userdel "$U" 2>/dev/null; groupdel "$U" 2>/dev/null; cleanup' EXIT
UID_U=$(id -u "$U")
GID_U=$(id -g "$U")
# the account must reach its state directory: the test directory is 0700 root's
chmod 0711 "$T"

PORT=$(( 20000 + $$ % 20000 ))
RPORT=$(( PORT + 1 ))
RSECRET='privdrop-radius-secret-2026'
write_config "$(printf 'user = %s\ntls_listen = 127.0.0.1:%s\nradius_listen = 127.0.0.1:%s\n[service radius-test]\notp = off\n[radius-client radius-test]\naddress = 127.0.0.1/32\nsecret = %s' \
    "$U" "$PORT" "$RPORT" "$RSECRET")"

# --- the configuration -------------------------------------------------------------
out=$("$AUTHD_BIN" -c "$CONF" -n 2>&1); ok $? "user = $U: configuration OK"
sed "s/^user = .*/user = nosuchuser$$/" "$CONF" > "$T/bad.conf"
out=$("$AUTHD_BIN" -c "$T/bad.conf" -n 2>&1); is $? 1 "user = an unknown account: refused"
like "$out" "bad\.conf:[0-9]+: user: no such user: nosuchuser$$" "... naming file, line and key"
sed "s/^user = .*/user = -x/" "$CONF" > "$T/bad.conf"
out=$("$AUTHD_BIN" -c "$T/bad.conf" -n 2>&1); is $? 1 "user = -x: refused (not a user name)"

# --- start, and who runs ---------------------------------------------------------------
setup_admin || { tap_failed=1; echo "Bail out! setup_admin failed (see $T)"; exit 1; }
st=$(cat "/proc/$AUTHD_PID/status")
like "$st" "Uid:	$UID_U	$UID_U	$UID_U	$UID_U" "authd runs as $U: real, effective, saved and fs uid (DESIGN.md)"
like "$st" "Gid:	$GID_U	$GID_U	$GID_U	$GID_U" "... and its gid"
like "$(printf '%s\n' "$st" | sed -n 's/^Groups:\t*//p')" "^ *$GID_U *$" "... and only its own group (root's groups gone)"
like "$st" "CapEff:	0000000000000000" "... with no capability left"
like "$(cat "$T/authd.log")" "running as $U \\(uid $UID_U" "the switch is logged"
is "$(stat -c '%u %a' "$STATE")" "$UID_U 700" "the state directory is $U's, mode 0700"
bad=$(find "$STATE" -maxdepth 1 -type f ! -user "$U" | wc -l)
is "$bad" 0 "every file in it is $U's (database, WAL, keys, CA)"
is "$(stat -c %u "$STATE/authd.sock")" 0 "the PAM socket stays root's (pam_authd.so accepts no other)"

# --- it still serves everything ------------------------------------------------------------
out=$(authadm user add alice --unit ROOT --soft-token); ok $? "authadm: user add (the database written as $U)"
PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
SEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
NEWPW='Privdrop-Pass-2026!x'
PAMD=$T/pam.d
PAMLOG=$T/pamtester.log
mkdir -p "$PAMD"
svc login-test "auth required $PAM_AUTHD_SO socket=$STATE/authd.sock timeout=5" \
    "account required $PAM_AUTHD_SO socket=$STATE/authd.sock" \
    "password required $PAM_AUTHD_SO socket=$STATE/authd.sock timeout=5"
next_step
pam "$(lines "$PW" "$(totp "$SEC")" "$NEWPW" "$NEWPW")" login-test alice authenticate \
    'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)'
is "$rc" 0 "a PAM login with its first password change (R5, R7): the module accepts authd's socket"
unlike "$out" "not owned by root|unexpected owner" "... no complaint about who listens"

printf 'User-Name = "alice"\nUser-Password = "%s"\nMessage-Authenticator = 0x00\n' "$NEWPW" > "$T/rad.req"
out=$(radclient -x -r 1 -t 5 -f "$T/rad.req" "127.0.0.1:$RPORT" auth "$RSECRET" 2>&1)
like "$out" "Access-Accept" "RADIUS Access-Accept: the front-end's socketpair still speaks as root"

out=$(authadm host add web1.example --out "$T/web1"); ok $? "host add: authd's CA key read as $U"
next_step
out=$({ printf 'AUTH\tuser=alice\tservice=sshd\n'; printf 'ANSWER\tvalue=%s\n' "$NEWPW"; \
    printf 'ANSWER\tvalue=%s\n' "$(totp "$SEC")"; sleep 1; } | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -CAfile "$T/web1/ca.crt" -cert "$T/web1/host.crt" -key "$T/web1/host.key" -quiet -ign_eof 2>/dev/null)
like "$out" "OK	user=alice" "a login over TLS from the enrolled host"
out=$(authadm audit verify); ok $? "audit verify: the chain and its anchor kept by $U"

# --- a restart, and a key rotation by root in between ------------------------------------
authd_stop; is "$AUTHD_RC" 0 "SIGTERM: clean exit as $U"
out=$("$AUTHD_BIN" -c "$CONF" --rotate-master-key 2>&1); ok $? "authd --rotate-master-key, as root, while stopped"
# a hard link planted in the state directory to a file of root's elsewhere
echo secret > "$T/roots-file"; chmod 600 "$T/roots-file"
ln "$T/roots-file" "$STATE/planted"
authd_start; ok $? "authd starts again"
bad=$(find "$STATE" -maxdepth 1 -type f ! -user "$U" | wc -l)
is "$bad" 1 "what root wrote meanwhile is $U's again, but for the hard link"
is "$(stat -c %u "$T/roots-file")" 0 "the file a hard link names is not handed over"
like "$(cat "$T/authd.log")" "planted: 2 links or another file system: not handed" "... and authd says why"
admin_relogin; ok $? "admin login after the restart"
like "$(authadm user show alice)" "phone|state: active" "the data reads back under the new master key"
out=$(authadm audit verify); ok $? "audit verify after the restart"

# --- started as another account: refused ---------------------------------------------------
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$AUTHD_BIN" -c "$CONF" -f 2>&1); rc=$?
is "$rc" 1 "started as nobody with user = $U: refused"
like "$out" "must be started as root" "... saying so"
done_testing
