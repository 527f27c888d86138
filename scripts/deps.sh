#!/bin/sh
# Install the Debian packages authd's build and tests need, only those missing.
set -eu
PKGS="build-essential pkg-config clang libevent-dev libsqlite3-dev sqlite3 libssl-dev
liboath-dev libpskc-dev oathtool libsodium-dev libqrencode-dev libpam0g-dev
libjansson-dev libcrypt-dev libxml2-dev pamtester libpam-wrapper faketime libfaketime expect
perl scdoc freeradius-utils openssh-server openssh-client libnss-wrapper iproute2"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
