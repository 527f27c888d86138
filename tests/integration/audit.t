#!/bin/sh
# The audit log (issue 6): the hash chain and its anchor (R33: `audit verify` catches every
# edit made behind authd's back with the sqlite3 CLI: a changed field, a deleted record, a
# tail cut off, reordered records, a forged record, an older copy restored, a forged cut);
# the triggers that refuse plain SQL UPDATE and DELETE; sealed seeds and phone numbers
# (R30, R32); who may read the log and that reading is logged (R20, R2 scope); and the
# fields of R31 on a failed PAM login. Exports and retention: audit_export.t.
. "$(dirname "$0")/lib.sh"

# two_person_rule = no: the root's sysadmin may create a sysadmin for a sub-unit at once
write_config "two_person_rule = no"
setup_admin || exit 1

# as NAME ARGS...: authadm on NAME's own session file
as() {
	n=$1; shift
	AUTHADM_SESSION=$T/session-$n "$AUTHADM_BIN" -c "$CONF" "$@"
}
# mkuser CREATOR NAME ARGS...: CREATOR (a shell function running authadm) adds NAME with
# a soft token; NAME logs in on its own session, changing its initial password.
# Sets SEC_<NAME> to the TOTP secret.
USER_PW='Rev1ew-Pass-2026!'
mkuser() {
	creator=$1; name=$2; shift 2
	out=$($creator user add "$name" --soft-token "$@" 2>&1) ||
	    { echo "# user add $name failed: $out"; return 1; }
	pw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
	sec=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
	eval "SEC_$name=\$sec"
	next_step
	printf '%s\n%s\n%s\n%s\n' "$pw" "$(totp "$sec")" "$USER_PW" "$USER_PW" |
	    as "$name" login -u "$name" > /dev/null 2>> "$T/login.log"
}
rootadm() { authadm "$@"; }
db() { sqlite3 "$STATE/authd.db" "$@"; }

PHONE_BOB=13812345678
PHONE_CAROL=13987654321
out=$(authadm user add bob --unit ROOT --soft-token --phone "$PHONE_BOB")
SEC_bob=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
authadm user add carol --unit ROOT > /dev/null
authadm user set carol --phone "$PHONE_CAROL"
mkuser rootadm ivy --unit ROOT --role auditor; ok $? "an auditor of ROOT logs in on its own session"

# ---- R33: audit verify on a healthy log ----
n=$(db "SELECT COUNT(*) FROM audit")
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 0 "audit verify on a healthy log: exit 0 (R33)"
like "$out" "^audit chain intact: $n records" "... prints 'audit chain intact: $n records', every record counted"
out=$(as ivy audit verify 2>&1); is $? 0 "the auditor may run audit verify too"
like "$(authadm audit show --action audit_verify)" "admin +audit_verify +- +ok" "the check is itself audited"

# ---- R20: who reads the log, and reading is logged ----
n0=$(db "SELECT COUNT(*) FROM audit WHERE action = 'audit_read' AND actor = 'ivy'")
out=$(as ivy audit show --action user_add); rc=$?
is "$rc" 0 "an auditor reads the log (R20)"
like "$out" "admin +user_add +bob +ok" "... and sees the records"
n1=$(db "SELECT COUNT(*) FROM audit WHERE action = 'audit_read' AND actor = 'ivy'")
is "$((n1 - n0))" 1 "audit show wrote one audit_read record (reading is logged, R20)"
like "$(authadm audit show --action audit_read --actor ivy)" "ivy +audit_read +- +ok .*action=user_add" \
    "the audit_read record names the reader and its filters"

mkuser rootadm plain --unit ROOT
mkuser rootadm off1 --unit ROOT --role officer
mkuser rootadm cus1 --unit ROOT --role custodian
mkuser rootadm lead1 --unit ROOT --role leader
for u in plain off1 cus1 lead1; do
	out=$(as "$u" audit show 2>&1); rc=$?
	is "$rc" 1 "$u (not auditor, not sysadmin) cannot read the log: exit 1 (R20)"
	like "$out" "needs one of the roles: sysadmin,auditor" "... told which roles may"
	unlike "$out" "user_add" "... and sees no record"
done
out=$(as plain audit verify 2>&1); is $? 1 "an ordinary user cannot run audit verify either"
# an attempt to read the log without the right is an event worth a record too
like "$(authadm audit show --actor plain)" "plain +audit_show +.* fail " \
    "the refused attempt to read the log is itself audited"

# R2/R20: an auditor of a sub-unit reads only its scope
authadm unit add HQ --name "Head office" > /dev/null
mkuser rootadm hqadm --unit HQ --role sysadmin; ok $? "a sysadmin of HQ (two-person rule off in this test)"
hqsys() { as hqadm "$@"; }
mkuser hqsys hqaud --unit HQ --role auditor; ok $? "HQ's sysadmin adds an auditor of HQ"
mkuser hqsys hquser --unit HQ
hqsys user freeze hquser --reason "audit scope test" > /dev/null
out=$(as hqaud audit show); rc=$?
is "$rc" 0 "the auditor of HQ reads the log"
like "$out" "hqadm +user_freeze +hquser +ok +audit scope test" "... sees what happened to HQ's users"
like "$out" "admin +unit_add +HQ" "... sees its unit's creation"
unlike "$out" " (bob|carol|ivy|plain) " "... never a record about ROOT's accounts"
unlike "$out" "unit_add +ROOT" "... nor the root's own records"
out=$(as hqaud audit show --limit 2); rc=$?
is "$(printf '%s\n' "$out" | grep -c "^[0-9]")" 2 \
    "--limit 2 gives the auditor of HQ its first 2 visible records (the limit counts what it may see)"
out=$(as hqaud audit export "$T/hq-export" 2>&1); is $? 1 "the auditor of HQ cannot export the whole log"
[ ! -e "$T/hq-export" ]; ok $? "... and no file is left behind"
like "$(as ivy audit show --action audit_read --actor hqaud)" "hqaud +audit_read" \
    "the root's auditor sees the sub-unit auditor's reading"

# ---- R31: a failed PAM login keeps every field, the reason in the log only ----
PAMW="perl $(dirname "$0")/wire.pl $STATE/authd.sock 1"
next_step
reply=$(printf 'AUTH\tuser=bob\tservice=sshd\trhost=198.51.100.23\trport=50022\ttty=ssh\truser=mallory\thost=gw1.example.com\nANSWER\tvalue=wrong-Pass-1\nANSWER\tvalue=%s\n' \
    "$(totp "$SEC_bob")" | $PAMW)
like "$reply" "FAIL	code=auth	msg=Authentication failed" "a wrong password over the PAM socket fails generically"
unlike "$reply" "wrong password" "... the caller is not told why (R18)"
next_step
reply=$(printf 'AUTH\tuser=nosuch\tservice=vpn\trhost=2001:db8::9\trport=4242\ttty=\truser=\nANSWER\tvalue=x-Pass-1\nANSWER\tvalue=123456\n' | $PAMW)
like "$reply" "FAIL	code=auth" "an unknown user over the PAM socket fails"
rec=$(authadm --json audit show --action login --target bob | grep '"result":"fail"' | tail -1)
keys=$(printf '%s' "$rec" | perl -MJSON::PP -e 'local $/; print join(",", sort keys %{decode_json(<STDIN>)})')
is "$keys" "action,actor,client,details,host,reason,result,ruser,seq,service,source_addr,source_port,target,time,tty" \
    "audit show --json has every field of a record (R31)"
like "$rec" '"actor":"bob","action":"login","target":"bob","result":"fail","reason":"wrong password"' \
    "account, operation, result and the reason are recorded (R31, R18)"
like "$rec" '"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' "the time is recorded"
like "$rec" '"source_addr":"198.51.100.23","source_port":50022' "source address and port are recorded"
like "$rec" '"host":"gw1.example.com","service":"sshd","tty":"ssh","ruser":"mallory"' \
    "destination host, service, terminal and remote user are recorded"
like "$rec" '"client":"uid=0 pid=[0-9]+"' "the client's details (uid, pid) are recorded"
rec=$(authadm --json audit show --action login --target nosuch | tail -1)
like "$rec" '"result":"fail","reason":"unknown user","source_addr":"2001:db8::9","source_port":4242,"host":"[^"]+","service":"vpn"' \
    "an unknown user's attempt: the name tried, IPv6 source, port, service (host defaults to authd's)"

# ---- R30, R32: no seed and no phone number in clear in the database files ----
# hexof FILE: the file's bytes as one hex string
hexof() { od -An -tx1 -v "$1" | tr -d ' \n'; }
# strhex TEXT: TEXT's bytes in hex
strhex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
# seedhex BASE32: the raw TOTP seed in hex
seedhex() { printf '%s' "$1" | base32 -d | od -An -tx1 -v | tr -d ' \n'; }
now=$(( $(date +%s) + CLOCK_OFFSET ))
is "$(oathtool --totp -N "@$now" "$(seedhex "$SEC_bob")")" "$(oathtool --totp -b -N "@$now" "$SEC_bob")" \
    "the base32 secret decodes to the seed (the hex gives the same code)"
# in_db HEX: is HEX in any database file (authd.db, -wal, -shm)?
in_db() {
	for f in "$STATE"/authd.db*; do
		hexof "$f" | grep -q "$1" && return 0
	done
	return 1
}
check_clear() {	# check_clear WHEN
	in_db "$(strhex "138****5678")"; ok $? "$1: the search finds the masked phone (the search works)"
	for u in ADMIN bob ivy hqaud; do
		if [ "$u" = ADMIN ]; then s=$ADMIN_SECRET; else eval "s=\$SEC_$u"; fi
		! in_db "$(seedhex "$s")"; ok $? "$1: $u's TOTP seed is not in clear in authd.db* (R32)"
		! in_db "$(strhex "$s")"; ok $? "$1: nor its base32 form"
	done
	for p in "$PHONE_BOB" "$PHONE_CAROL"; do
		! in_db "$(strhex "$p")"; ok $? "$1: phone $p is not in clear in authd.db* (R30, R32)"
		mid=$(printf '%s' "$p" | cut -c3-9)
		! in_db "$(strhex "$mid")"; ok $? "$1: nor its hidden middle digits $mid"
	done
}
check_clear "authd running (WAL)"
like "$(authadm user show bob)" "phone: 138\*\*\*\*5678" "user show masks the phone (R30)"
like "$(authadm user show carol)" "phone: 139\*\*\*\*4321" "... also one set by user set"
unlike "$(authadm --json user show bob; authadm user list; as ivy audit show)" "$PHONE_BOB|$PHONE_CAROL" \
    "no listing nor audit record shows a full phone number"
authd_stop
check_clear "authd stopped (checkpointed)"
unlike "$(cat "$T/authd.log")" "$PHONE_BOB|$PHONE_CAROL|$SEC_bob|$ADMIN_SECRET" "no phone or secret in authd's log"

# ---- tampering behind authd's back (R33) ----
# The state as it is now is the good copy every case starts from. The attacker stops
# authd, edits authd.db with the sqlite3 CLI (dropping the triggers, as anyone with the
# file can), and authd is started again.
GOOD=$T/good
cp -a "$STATE" "$GOOD"
H=$(sqlite3 "$GOOD/authd.db" "SELECT MAX(seq) FROM audit")
M=$(sqlite3 "$GOOD/authd.db" "SELECT seq FROM audit WHERE action = 'user_add' AND target = 'bob'")
restore_good() {
	authd_stop
	rm -rf "$STATE"; cp -a "$GOOD" "$STATE"
}
# tamper SQL: SQL on a fresh copy of the good state; authd started again, audit verify
# run: its output in $out, its exit status in $rc
tamper() {
	restore_good
	e=$(sqlite3 "$STATE/authd.db" "$1" 2>&1) || echo "# tamper SQL failed: $e"
	authd_start
	out=$(authadm audit verify 2>&1); rc=$?
}

tamper "SELECT 1"
is "$rc" 0 "control: the restored good copy verifies intact"
like "$out" "audit chain intact: $H records" "... all $H records"

# the triggers, while they exist (R33)
restore_good
out=$(db "UPDATE audit SET result = 'ok' WHERE seq = $M" 2>&1); rc=$?
ok "$([ "$rc" -ne 0 ]; echo $?)" "plain SQL UPDATE of an audit record is refused"
like "$out" "audit records cannot be changed" "... by the trigger, with its message"
out=$(db "DELETE FROM audit WHERE seq = $M" 2>&1); rc=$?
ok "$([ "$rc" -ne 0 ]; echo $?)" "plain SQL DELETE of an audit record is refused"
like "$out" "audit records cannot be deleted" "... by the trigger, with its message"
out=$(db "DELETE FROM audit" 2>&1); rc=$?
ok "$([ "$rc" -ne 0 ]; echo $?)" "plain SQL DELETE of the whole table is refused"
is "$(db "SELECT COUNT(*) FROM audit")" "$H" "... nothing was deleted"
out=$(db "INSERT INTO audit_cut (seq, mac, time, actor) SELECT seq, mac, 0, 'x' FROM audit WHERE seq = 3" 2>&1)
like "$out" "pruned only after they were exported" "a retention cut without an export is refused"
is "$(db "SELECT COUNT(*) FROM audit_cut")" 0 "... no cut was made"

tamper "DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'routine' WHERE seq = $M"
is "$rc" 1 "a changed field: audit verify exits 1"
like "$out" "audit chain broken at record $M: record $M does not match its MAC" "... naming the record ($M)"

tamper "DROP TRIGGER audit_no_update; UPDATE audit SET time = time - 3600 WHERE seq = $M"
is "$rc" 1 "a changed time: exit 1"
like "$out" "broken at record $M:" "... naming the record"

tamper "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = $M"
is "$rc" 1 "a record deleted in the middle: exit 1"
like "$out" "broken at record $M: record $M is missing" "... naming the missing record"

tamper "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq <= 2"
is "$rc" 1 "the first records deleted: exit 1"
like "$out" "broken at record 1: record 1 is missing" "... naming record 1"

tamper "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > $H - 2"
is "$rc" 1 "the last 2 records deleted (tail cut): exit 1"
like "$out" "broken at record $((H - 1)): the chain ends at record $((H - 2)) but the anchor says $H" \
    "... the anchor catches it"
# the detection must survive the act of detecting and any later activity
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "tail cut: a second audit verify still fails (the failed check's own record must not bless the cut chain)"
authadm user show bob > /dev/null; as ivy audit show > /dev/null; as ivy audit show > /dev/null
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "tail cut: after more activity audit verify still fails (new records must not move the anchor over the gap)"

tamper "DROP TRIGGER audit_no_update;
    UPDATE audit SET seq = -1 WHERE seq = $M; UPDATE audit SET seq = $M WHERE seq = $((M + 1));
    UPDATE audit SET seq = $((M + 1)) WHERE seq = -1"
is "$rc" 1 "two records swapped (reordered): exit 1"
like "$out" "broken at record $M: record $M does not match its MAC" "... naming the first of them"

tamper "DROP TRIGGER audit_no_update;
    UPDATE audit SET (actor, action, target, result, reason, details, mac) =
      (SELECT actor, action, target, result, reason, details, mac FROM audit WHERE seq = $((M + 1)))
      WHERE seq = $M"
is "$rc" 1 "a record's contents replaced by its neighbour's (with its MAC): exit 1"
like "$out" "broken at record $M:" "... naming it"

tamper "INSERT INTO audit (seq, time, actor, action, target, result, reason, mac)
    SELECT seq + 1, time, 'admin', 'user_delete', 'bob', 'ok', '', mac FROM audit WHERE seq = $H"
is "$rc" 1 "a forged record appended (no trigger needs dropping for that): exit 1"
like "$out" "broken at record $((H + 1)): record $((H + 1)) does not match its MAC" "... naming the forgery"

tamper "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
    DELETE FROM audit WHERE seq = $H;
    UPDATE audit SET seq = -(seq + 1) WHERE seq > $M AND seq < $H;
    UPDATE audit SET seq = -seq WHERE seq < 0;
    INSERT INTO audit (seq, time, actor, action, target, result, reason, mac)
    SELECT $M + 1, time, 'admin', 'policy_set', 'standard', 'ok', '', mac FROM audit WHERE seq = $M"
is "$rc" 1 "a forged record inserted in the middle (the later ones renumbered): exit 1"
like "$out" "broken at record $((M + 1)):" "... naming the forgery"

# an older copy of the database restored (the anchor file beside it is newer)
restore_good
mkdir "$T/old"; cp "$STATE"/authd.db "$T/old/"
authd_start
authadm user add dave --unit ROOT > /dev/null
authadm user freeze dave --reason "about to be hidden" > /dev/null
authd_stop
rm -f "$STATE"/authd.db*; cp "$T/old/authd.db" "$STATE/"
authd_start
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "an older copy of the database restored: exit 1"
like "$out" "broken at record $((H + 1)): the chain ends at record $H but the anchor says [0-9]+: .*older copy of the database restored" \
    "... the anchor catches it"
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "restored copy: a second audit verify still fails"
for i in 1 2 3 4 5 6; do as ivy audit show --limit 1 > /dev/null; done
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "restored copy: after more records than were lost, audit verify still fails"

# the anchor file removed
restore_good
rm -f "$STATE/audit.anchor"
authd_start
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 1 "the anchor file removed: exit 1"
like "$out" "anchor file .*audit.anchor is missing" "... naming the anchor"

# the oldest records deleted behind a forged export and retention cut, with plain SQL only:
# the triggers allow it once an export and a cut exist, so the chain must not trust the cut
tamper "INSERT INTO audit_exports (time, actor, first_seq, last_seq, digest) VALUES (0, 'x', 1, $H, 'x');
    INSERT INTO audit_cut (seq, mac, time, actor) SELECT seq, mac, 0, 'x' FROM audit WHERE seq = $M;
    DELETE FROM audit WHERE seq <= $M"
is "$(db "SELECT MIN(seq) FROM audit")" "$((M + 1))" "plain SQL (triggers intact) deleted records 1..$M behind a forged export and cut"
is "$rc" 1 "a forged retention cut (no audit_prune record, records young, no real export): audit verify exits 1"

done_testing
