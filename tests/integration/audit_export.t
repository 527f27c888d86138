#!/bin/sh
# Signed audit exports checked offline, and retention (R20, R33, issue 6): only an auditor
# of ROOT exports; the file is 0600 and never overwritten; `audit verify --file` needs no
# authd and no session and refuses every edit of the file; the key it prints is the one
# `authd --init` printed. Records are pruned only once exported and older than
# audit_retention_days (184), and the chain stays verifiable across the cut.
. "$(dirname "$0")/lib.sh"

setup_admin || exit 1
db() { sqlite3 "$STATE/authd.db" "$@"; }
SIGNKEY=$(sed -n 's/^audit-signing-key: //p' "$T/init.out")
like "$SIGNKEY" '^[0-9a-f]{64}$' "authd --init prints the audit signing key"

# the auditor, on its own session
AUD_PW='Rev1ew-Pass-2026!'
aud() { AUTHADM_SESSION=$T/session-ivy "$AUTHADM_BIN" -c "$CONF" "$@"; }
out=$(authadm user add ivy --unit ROOT --role auditor --soft-token)
pw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
SEC_ivy=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
next_step
out=$(printf '%s\n%s\n%s\n%s\n' "$pw" "$(totp "$SEC_ivy")" "$AUD_PW" "$AUD_PW" | aud login -u ivy 2>&1)
ok $? "the auditor logs in, changing its initial password"
like "$out" "Password changed" "... the first login changed the password"
PHONE=13812345678
authadm user add bob --unit ROOT --soft-token --phone "$PHONE" > /dev/null

# ---- R33: a sysadmin can neither export nor prune what nobody exported ----
out=$(authadm audit export "$T/admin.export" 2>&1); rc=$?
is "$rc" 1 "a sysadmin cannot export the log (exit 1)"
like "$out" "needs one of the roles: auditor" "... only an auditor may"
[ ! -e "$T/admin.export" ]; ok $? "... no file is left behind"
n=$(db "SELECT COUNT(*) FROM audit")
out=$(authadm audit prune); rc=$?
is "$rc" 0 "audit prune with nothing exported runs"
like "$out" "pruned: 0" "... and prunes nothing (R20)"
out=$(aud audit prune)
like "$out" "pruned: 0" "... neither for the auditor"
is "$(db "SELECT MIN(seq) FROM audit")" 1 "record 1 is still there"

# ---- export ----
n=$(db "SELECT COUNT(*) FROM audit")
F1=$T/export1.jsonl
out=$(umask 022; aud audit export "$F1" 2>&1); rc=$?
is "$rc" 0 "the auditor exports the log (R33)"
like "$out" "exported: $n records \(seq 1\.\.$n\)" "... every record, 1..$n"
like "$out" "signing key: $SIGNKEY" "... signed with the key authd --init printed"
is "$(stat -c %a "$F1")" 600 "the export is mode 0600, whatever the umask (personal data, R30)"
is "$(wc -l < "$F1")" "$((n + 1))" "one line per record and a trailer"
like "$(tail -1 "$F1")" '"format":"authd-audit-export-v1"' "the trailer names the format"
unlike "$(cat "$F1")" "$PHONE" "the export holds no full phone number (R30)"
sum=$(md5sum < "$F1")
out=$(aud audit export "$F1" 2>&1); rc=$?
is "$rc" 1 "exporting onto an existing file is refused"
like "$out" "File exists" "... saying why"
is "$(md5sum < "$F1")" "$sum" "... and the file is unchanged"
like "$(authadm audit show --action audit_export)" "ivy +audit_export +- +ok .*last_seq $n" \
    "the export is audited with the range it holds"
out=$(aud audit prune)
like "$out" "pruned: 0" "exported records younger than the retention are not pruned (R20: six months)"
is "$(db "SELECT MIN(seq) FROM audit")" 1 "... record 1 is still there"
like "$(authadm audit verify)" "signing key: $SIGNKEY" "audit verify shows the same signing key"

# ---- offline: no authd, no session ----
authd_stop
# vf FILE: audit verify --file with no authd, no session, no configuration
vf() { env -u AUTHADM_SESSION -u AUTHD_CONF "$AUTHADM_BIN" -c "$T/no-such.conf" audit verify --file "$1" 2>&1; }
out=$(vf "$F1"); rc=$?
is "$rc" 0 "audit verify --file works with authd stopped and no session (R33)"
like "$out" "audit export intact: $n records \(seq 1\.\.$n\)" "... intact, all $n records"
like "$out" "signing key: $SIGNKEY" "... its signing key is the one authd --init printed"
out=$(env -u AUTHADM_SESSION "$AUTHADM_BIN" --json audit verify --file "$F1"); rc=$?
like "$out" "\"intact\":true,\"records\":$n" "--json: intact and the count"

# forge NAME SED-SCRIPT: a copy of the export edited by sed; VF gets the verdict
forge() {
	cp "$F1" "$T/$1"
	sed -i "$2" "$T/$1"
	if cmp -s "$F1" "$T/$1"; then echo "# forge $1: the edit changed nothing"; fi
	out=$(vf "$T/$1"); rc=$?
}
forge changed '3s/"actor":"authd-init"/"actor":"admin"/'
is "$rc" 1 "a changed record: refused (exit 1)"
like "$out" "do not match the signed digest" "... the digest catches it"
forge changed-time '5s/"time":"1/"time":"2/'
is "$rc" 1 "a changed time: refused"
forge removed '4d'
is "$rc" 1 "a removed record line: refused"
like "$out" "record 5 follows 3: records missing" "... naming the gap"
forge removed-first '1d'
is "$rc" 1 "the first record removed: refused"
forge removed-last "${n}d"
is "$rc" 1 "the last record removed: refused"
forge added '2p'
is "$rc" 1 "an added (duplicated) line: refused"
forge added-forged "${n}{p;s/\"seq\":\"$n\"/\"seq\":\"$((n + 1))\"/}"
is "$rc" 1 "a forged record added after the last one: refused"
forge swapped '3{h;d};4G'
is "$rc" 1 "two records swapped: refused"
forge trailer-count "\$s/\"count\":\"$n\"/\"count\":\"$((n - 1))\"/"
is "$rc" 1 "a changed trailer field (count): refused"
like "$out" "signature does not match" "... the signature catches it"
forge trailer-time '$s/"exported_at":"\([0-9]*\)"/"exported_at":"1\1"/'
is "$rc" 1 "a changed trailer field (exported_at): refused"
forge trailer-last "\$s/\"last_seq\":\"$n\"/\"last_seq\":\"$((n + 5))\"/"
is "$rc" 1 "a changed trailer field (last_seq): refused"
c=$(sed -n '$s/.*"signature":"\(.\).*/\1/p' "$F1")
if [ "$c" = 0 ]; then c=1; else c=0; fi
forge signature "\$s/\"signature\":\"./\"signature\":\"$c/"
is "$rc" 1 "a changed signature: refused"
like "$out" "signature does not match" "... as not matching"
forge no-trailer '$d'
is "$rc" 1 "the trailer removed (file truncated): refused"
like "$out" "no trailer" "... saying so"
cp "$F1" "$T/appended"; echo '{"seq":"999"}' >> "$T/appended"
out=$(vf "$T/appended"); is $? 1 "data after the trailer: refused"

# a forger can sign with its own key: the file then verifies, but under that key only,
# which is why the key printed must be compared with authd's (audit verify, authd --init)
openssl genpkey -algorithm ed25519 -out "$T/forger.pem" 2>/dev/null
fpk=$(openssl pkey -in "$T/forger.pem" -pubout -outform DER | tail -c 32 | od -An -tx1 -v | tr -d ' \n')
perl -MJSON::PP -e '
	my ($in, $out) = @ARGV; open my $f, "<", $in or die; my @l = <$f>; close $f;
	my $t = decode_json(pop @l); $t->{exported_at} = "" . ($t->{exported_at} + 1);
	open my $m, ">", "$out.msg" or die;
	print $m "authd-audit-export-v1\n", map { "$_ $t->{$_}\n" }
	    qw(first_seq prev_mac last_seq head_mac count digest exported_at);
	close $m; open my $o, ">", "$out.trailer" or die;
	print $o encode_json({ map { $_ => $t->{$_} } grep { $_ ne "signature" && $_ ne "pubkey" } keys %$t }), "\n";
	open my $r, ">", $out or die; print $r @l;' "$F1" "$T/resigned"
openssl pkeyutl -sign -rawin -inkey "$T/forger.pem" -in "$T/resigned.msg" -out "$T/resigned.sig"
fsig=$(od -An -tx1 -v "$T/resigned.sig" | tr -d ' \n')
sed "s/}\$/,\"pubkey\":\"$fpk\",\"signature\":\"$fsig\"}/" "$T/resigned.trailer" >> "$T/resigned"
out=$(vf "$T/resigned"); rc=$?
like "$out" "signing key: $fpk" "a file re-signed by another key shows that key, not authd's"
unlike "$out" "$SIGNKEY" "... so comparing the key exposes it"

# ---- retention (R20): prune only what is exported and older than 184 days ----
authd_start
authadm user add carol --unit ROOT > /dev/null
authadm user freeze carol --reason "left the company" > /dev/null
PRE=$(db "SELECT MAX(seq) FROM audit")	# the last record before six months pass
clock_advance $((200 * 86400))
admin_relogin
next_step
AUD_PW2='Rev1ew-Pass-2027!'
printf '%s\n%s\n%s\n%s\n' "$AUD_PW" "$(totp "$SEC_ivy")" "$AUD_PW2" "$AUD_PW2" | aud login -u ivy > /dev/null 2>&1
ok $? "200 days later the auditor logs in again"
out=$(aud audit prune); rc=$?
is "$rc" 0 "audit prune after 200 days"
like "$out" "pruned: $n" "... prunes the $n exported records (R20)"
like "$out" "cut: $n" "... up to the last one the export holds"
is "$(db "SELECT MIN(seq) FROM audit")" "$((n + 1))" "records 1..$n are gone"
is "$(db "SELECT COUNT(*) FROM audit WHERE seq <= $PRE")" "$((PRE - n))" \
    "records $((n + 1))..$PRE, as old but newer than the export, are kept"
like "$(authadm audit show --action audit_prune)" "ivy +audit_prune +- +ok .*pruned=$n cut=$n cut_mac=[0-9a-f]{64} retention_days=184" \
    "the prune is audited with what it cut"
cnt=$(db "SELECT COUNT(*) FROM audit")
out=$(aud audit verify 2>&1); rc=$?
is "$rc" 0 "audit verify after the cut: exit 0"
like "$out" "audit chain intact: $cnt records" "... the chain continues across the cut"

F2=$T/export2.jsonl
out=$(aud audit export "$F2"); rc=$?
is "$rc" 0 "a second export"
like "$out" "\(seq $((n + 1))\.\." "... starts after the cut"
out=$(authadm audit prune); rc=$?
is "$rc" 0 "a sysadmin of ROOT may prune too"
like "$out" "pruned: $((PRE - n))" "... the old records the second export holds"
like "$out" "cut: $PRE" "... up to the last one older than 184 days"
is "$(db "SELECT MIN(seq) FROM audit")" "$((PRE + 1))" "records younger than 184 days stay, though exported"
cnt=$(db "SELECT COUNT(*) FROM audit")
out=$(aud audit verify 2>&1); rc=$?
is "$rc" 0 "audit verify after the second cut: exit 0"
like "$out" "audit chain intact: $cnt records" "... intact"
out=$(vf "$F2"); rc=$?
is "$rc" 0 "the second export verifies offline"
like "$out" "audit export intact: [0-9]+ records \(seq $((n + 1))\.\." "... from the first cut on"

# the chain is still checked right after the cut
authd_stop
cp -a "$STATE" "$T/cut-good"
sqlite3 "$STATE/authd.db" "DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'x' WHERE seq = $((PRE + 1))"
authd_start
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "after a cut, a changed first record is still caught"
like "$out" "broken at record $((PRE + 1)):" "... naming it"
authd_stop; rm -rf "$STATE"; cp -a "$T/cut-good" "$STATE"
sqlite3 "$STATE/authd.db" "DROP TRIGGER audit_cut_no_update; UPDATE audit_cut SET mac = zeroblob(32) WHERE seq = $PRE"
authd_start
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "a changed cut MAC is caught"
like "$out" "broken at record $((PRE + 1)):" "... at the first record after the cut"

# the retention cannot be set below six months
printf 'state_dir = %s\naudit_retention_days = 90\n' "$T/other" > "$T/short.conf"
out=$("$AUTHD_BIN" -c "$T/short.conf" -n 2>&1); rc=$?
is "$rc" 1 "audit_retention_days = 90 is refused"
like "$out" "must be at least 184" "... never less than 184 days"

done_testing
