#!/bin/sh
# bench/run.sh: logins/s through authd vs raw argon2id verifications/s at the same
# parameters, measured in one run on this machine, over the PAM socket, over mutual TLS
# (tls_listen, an enrolled host) and over RADIUS (tests/tools/radtest); writes bench/RESULTS.md.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SECONDS_PER=${BENCH_SECONDS:-5}
MEM=${BENCH_KDF_MEMORY_KIB:-19456}
ITER=${BENCH_KDF_ITERATIONS:-2}
NCPU=$(nproc)
NUSERS=8
mkdir -p build
cc -O2 -Wall -Wextra -o build/bench_login bench/bench_login.c -lsodium -lpthread -lssl -lcrypto
RADTEST=${RADTEST_BIN:-$top/build/radtest}
[ -x "$RADTEST" ] || make -s build/radtest
# a UDP port nobody listens on
while :; do
	RPORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	ss -lunH | awk '{ print $4 }' | grep -q ":$RPORT\$" || break
done
RSECRET='bench-radius-secret-2026'
# a TCP port nobody listens on, for tls_listen
while :; do
	TPORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
	ss -ltnH | awk '{ print $4 }' | grep -q ":$TPORT\$" || break
done

T=$(mktemp -d /tmp/authd-bench.XXXXXX)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T"' EXIT
cat > "$T/authd.conf" <<CONF
state_dir = $T/state
kdf_memory_kib = $MEM
kdf_iterations = $ITER
workers = $NCPU
queue_max = 256
radius_listen = 127.0.0.1:$RPORT
tls_listen = 127.0.0.1:$TPORT
# the handshake figure measures what authd can do: no admission limit
tls_handshakes_per_second = 100000
[service bench]
otp = off
# RADIUS: the client's name is the service: "bench" asks for the password only,
# "benchotp" (the default factor policy) answers the password with an Access-Challenge
[radius-client bench]
address = 127.0.0.1/32
secret = $RSECRET
[radius-client benchotp]
address = 127.0.0.2/32
secret = $RSECRET
CONF
export AUTHADM_SESSION=$T/session
authd/authd -c "$T/authd.conf" --init > "$T/init.out"
pw=$(sed -n 's/^password: //p' "$T/init.out")
secret=$(sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$T/init.out")
authd/authd -c "$T/authd.conf" -f 2> "$T/authd.log" &
pid=$!
while [ ! -S "$T/state/admin.sock" ]; do sleep 0.05; done
new='Bench-Chief-Passw0rd!'
printf '%s\n%s\n%s\n%s\n' "$pw" "$(oathtool --totp -b "$secret")" "$new" "$new" |
    admin/authadm -c "$T/authd.conf" login -u admin 2>/dev/null
upw='Bench-User-Passw0rd!'
i=0
while [ $i -lt $NUSERS ]; do
	ipw=$(admin/authadm -c "$T/authd.conf" user add "bench$i" --unit ROOT | sed -n 's/^password: //p')
	# first login over the PAM socket changes the initial password
	printf 'AUTH\tuser=bench%d\tservice=bench\nANSWER\tvalue=%s\nANSWER\tvalue=%s\nANSWER\tvalue=%s\n' \
	    "$i" "$ipw" "$upw" "$upw" | perl tests/integration/wire.pl "$T/state/authd.sock" 1 |
	    tee "$T/first.out" | grep -q "^OK" || { echo "bench: first login of bench$i failed:"; cat "$T/first.out"; exit 1; }
	i=$((i + 1))
done
# the benchmark's remote host: its certificate and key, authd's CA
admin/authadm -c "$T/authd.conf" host add bench.example --out "$T/host" > /dev/null
i=0
while ! ss -ltnH "sport = :$TPORT" | grep -q .; do
	i=$((i + 1))
	[ $i -lt 200 ] || { echo "bench: authd does not listen on 127.0.0.1:$TPORT"; exit 1; }
	sleep 0.05
done
TLSARGS="127.0.0.1 $TPORT $T/host/ca.crt $T/host/host.crt $T/host/host.key"

echo "== raw argon2id verify, $NCPU threads, m=$MEM KiB t=$ITER, ${SECONDS_PER}s"
raw=$(build/bench_login raw "$MEM" "$ITER" "$NCPU" "$SECONDS_PER")
echo "$raw"
echo "== logins through authd (PAM socket, password factor), $((NCPU * 2)) clients, ${SECONDS_PER}s"
auth=$(build/bench_login authd "$T/state/authd.sock" bench "$NUSERS" "$upw" $((NCPU * 2)) "$SECONDS_PER")
echo "$auth"
echo "== conversation without a hash (AUTH + CANCEL), $((NCPU * 2)) clients, ${SECONDS_PER}s"
cancel=$(build/bench_login cancel "$T/state/authd.sock" $((NCPU * 2)) "$SECONDS_PER")
echo "$cancel"
echo "== logins over mutual TLS 1.3 (a connection and a full handshake per login), $((NCPU * 2)) clients, ${SECONDS_PER}s"
tls=$(build/bench_login tls $TLSARGS bench "$NUSERS" "$upw" $((NCPU * 2)) "$SECONDS_PER")
echo "$tls"
echo "== TLS connections without a hash (connect, handshake, greeting, close), $((NCPU * 2)) clients, ${SECONDS_PER}s"
hello=$(build/bench_login tlshello $TLSARGS $((NCPU * 2)) "$SECONDS_PER")
echo "$hello"

RT="$RADTEST -s 127.0.0.1:$RPORT -k $RSECRET"
echo "== RADIUS Access-Requests (password only, client bench: otp = off), $((NCPU * 2)) in flight, ${SECONDS_PER}s"
rad=$($RT -u bench --user-count "$NUSERS" -p "$upw" --rate "$SECONDS_PER" --window $((NCPU * 2)) -t 5)
echo "$rad"
echo "== RADIUS Status-Server (no hash), 32 in flight, ${SECONDS_PER}s"
rstat=$($RT -c status --rate "$SECONDS_PER" --window 32)
echo "$rstat"
echo "== RADIUS challenge step (password alone -> Access-Challenge, no hash), 1000 requests, 16 in flight"
rchal=$($RT -b 127.0.0.2 -u bench --user-count "$NUSERS" -p "$upw" --rate 60 --count 1000 --window 16)
echo "$rchal"
echo "== RADIUS bursts: Status-Server sent at once"
rb=$(ss -lunmH "sport = :$RPORT" | sed -n 's/.*rb\([0-9]*\).*/\1/p' | head -1)
burst1k=$($RT -c status --burst 1000 -t 3 || true)
burst10k=$($RT -c status --burst 10000 -t 3 || true)
echo "$burst1k"; echo "$burst10k"

rate() { printf '%s\n' "$1" | sed -n 's/^rate=\([0-9.]*\).*/\1/p'; }
field() { printf '%s\n' "$1" | sed -n "s/.*$2=\([0-9.]*\).*/\1/p"; }
r_raw=$(rate "$raw"); r_auth=$(rate "$auth"); r_cancel=$(rate "$cancel")
ratio=$(awk -v a="$r_auth" -v b="$r_raw" 'BEGIN { printf "%.3f", a / b }')
r_tls=$(rate "$tls"); r_hello=$(rate "$hello")
tratio=$(awk -v a="$r_tls" -v b="$r_raw" 'BEGIN { printf "%.3f", a / b }')
turatio=$(awk -v a="$r_tls" -v b="$r_auth" 'BEGIN { printf "%.3f", a / b }')
c_auth=$(field "$auth" client_cpu); c_tls=$(field "$tls" client_cpu); c_hello=$(field "$hello" client_cpu)
ms_hello=$(awk -v h="$r_hello" 'BEGIN { printf "%.2f", 1000 / h }')
ms_hash=$(awk -v r="$r_raw" 'BEGIN { printf "%.2f", 1000 / r }')
r_rad=$(rate "$rad"); r_rstat=$(rate "$rstat"); r_rchal=$(rate "$rchal")
rratio=$(awk -v a="$r_rad" -v b="$r_raw" 'BEGIN { printf "%.3f", a / b }')
[ "$(field "$rad" accept)" = "$(field "$rad" ops)" ] && [ "$(field "$rad" lost)" = 0 ] ||
    { echo "bench: RADIUS logins were not all accepted: $rad"; exit 1; }
[ "$(field "$rchal" challenge)" = 1000 ] ||
    { echo "bench: the challenge step did not answer 1000 challenges: $rchal"; exit 1; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cat > bench/RESULTS.md <<MD
# Benchmark results

Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ); all figures from one run.

Machine: $NCPU CPUs ($cpu). argon2id: m=$MEM KiB, t=$ITER, 1 lane (authd's defaults).
authd: $NCPU worker threads; $((NCPU * 2)) concurrent clients on the PAM socket and over TLS; ${SECONDS_PER} s per figure.

| measure | per second |
|---|---|
| raw argon2id verifications (libsodium, $NCPU threads) | $r_raw |
| logins through authd (AUTH + password, full conversation, audit record, fsync) | $r_auth |
| **ratio authd logins / raw hashes** | **$ratio** |
| conversations without a hash (AUTH + CANCEL round trips) | $r_cancel |
| logins over mutual TLS 1.3 (a TCP connection and a full handshake per login, as the PAM module's \`server=\`; then the same login) | $r_tls |
| **ratio TLS logins / raw hashes** | **$tratio** |
| **ratio TLS logins / PAM-socket logins** | **$turatio** |
| TLS connections without a hash (TCP connect, full mutual TLS 1.3 handshake, greeting, close) | $r_hello |
| RADIUS Access-Requests through authd (password only, Access-Accept, audit record, fsync; $((NCPU * 2)) in flight) | $r_rad |
| **ratio RADIUS Access-Accepts / raw hashes** | **$rratio** |
| RADIUS Status-Server (no hash; 32 in flight) | $r_rstat |
| RADIUS challenge step (password alone answered by Access-Challenge, no hash; 1000 requests, 16 in flight) | $r_rchal |

RADIUS bursts (Status-Server, sent as fast as one client can, replies counted and verified;
socket receive buffer rb=$rb bytes):

| burst | answered |
|---|---|
| 1000 | $(field "$burst1k" answered) |
| 10000 | $(field "$burst10k" answered) |

The hash is the cost of a login: a ratio near 1 means the rest (protocol, SQLite with
synchronous=FULL, the audit record, the event loop) is close to free. The OTP step is
not in this figure (a TOTP code is accepted once, so a benchmark cannot replay it);
its verification is a few HMACs on the event loop.

Over TLS every login pays a fresh connection: a full TLS 1.3 handshake (ECDHE, an ECDSA
signature each way, both certificates verified, the host checked against the hosts table;
its last_seen is written at most once a minute). The connections-without-a-hash figure is
that price alone: one over the rate, a connection takes about $ms_hello ms of this machine and a
raw hash about $ms_hash ms,
so a TLS login should cost about their sum while the CPUs are the limit; the ratio TLS /
PAM-socket logins is the share of the PAM-socket rate left with a handshake per login. authd
runs the handshakes on its event loop (one thread) and the hashes on its $NCPU workers, so the
handshake figure is also a ceiling for TLS logins/s however cheap the hash. bench_login's half
of each handshake runs on the same CPUs (it kept $c_tls of the $NCPU CPUs busy during the TLS
logins, $c_hello during the handshakes, $c_auth during the PAM-socket logins); with the PAM
modules on other hosts authd keeps that share, so both TLS figures are lower bounds for this
machine. The benchmark lifts the admission limit (authd admits 200 new TLS connections a second
by default, tls_handshakes_per_second, so that a flood cannot starve local logins).

RADIUS figures come from tests/tools/radtest (a closed loop: each verified reply sends the
next request; every reply's authenticators and Message-Authenticator are checked). An
Access-Request is the same conversation as a PAM login plus the UDP codec, Message-Authenticator
and the duplicate cache; its ratio to the raw hash rate is the RADIUS overhead. The challenge
step asks for the OTP before any hash (the password is verified with the code), so it costs
no hash; it is measured over 1000 requests because each challenge holds a conversation until
it is answered or prompt_timeout passes, and authd keeps at most 1024 at once.
With the kernel's default receive buffer (rmem_default, 212992 bytes) a burst of more than
about 250 Status-Server requests loses some (measured once with a build without the enlarged
buffer: 300 -> ~260 answered, 1000 -> ~260-410); authd asks for 8 MiB.
MD
echo "== ratio authd/raw = $ratio, TLS/raw = $tratio, TLS/PAM socket = $turatio; written to bench/RESULTS.md"
