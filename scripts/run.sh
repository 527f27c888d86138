#!/bin/sh
# make run: initialise ./var on first use, then run authd in the foreground on ./var/authd.conf.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
var=$top/var
conf=$var/authd.conf
mkdir -p "$var"
chmod 0700 "$var"
if [ ! -f "$conf" ]; then
	cat > "$conf" <<CONF
# authd configuration for 'make run' (see packaging/authd.conf.sample for every key)
state_dir = $var/state
socket = $var/state/authd.sock
admin_socket = $var/state/admin.sock
CONF
fi
if [ ! -f "$var/state/authd.db" ]; then
	echo "== first run: initialising $var/state"
	"$top/authd/authd" -c "$conf" --init
	echo "== keep the password and add the otpauth URI to an authenticator app;"
	echo "== then, in another terminal:  admin/authadm -c $conf login -u admin"
fi
echo "== authd serving: admin socket $var/state/admin.sock (Ctrl-C stops)"
exec "$top/authd/authd" -c "$conf" -f
