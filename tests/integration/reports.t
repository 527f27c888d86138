#!/bin/sh
# The compliance reports (issue 6 item 3): report review, the access review
# (R16, R26, R34 A.9.2.5 review of access rights: never used, inactive, expired, keyless accounts flagged); report
# logs, the monthly log check (R20, R33: chain intact, retention, counts by
# action and result, failed logins by source); report incident, what an
# account did and created (R12-R14). Readers only: an ordinary user is refused.
. "$(dirname "$0")/lib.sh"

# Start at the beginning of next month (UTC), so this test's records fall in one month.
NEXT=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%s)
CLOCK_OFFSET=$((NEXT + 3600 - $(date +%s)))
MONTH1=$(date -u -d "@$NEXT" +%Y-%m)

# mallory, a second sysadmin of ROOT, is made at once (no second person asked)
write_config "two_person_rule = no"
setup_admin || exit 1

now() {	# authd's time, epoch seconds
	echo $(( $(date +%s) + CLOCK_OFFSET ))
}

# new_user NAME ARGS...: user add, sets PW (and SEC with --soft-token)
new_user() {
	out=$(authadm user add "$@" 2>&1); rc=$?
	PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
	SEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
	return $rc
}

PAMW="perl $(dirname "$0")/wire.pl $STATE/authd.sock 1"
# pam_auth USER RHOST PASSWORD CODE [NEWPW]: a login over the PAM socket (sshd from RHOST);
# NEWPW answers the change of an initial password. Each login takes a TOTP step: call
# next_step first, outside the $(...) (a subshell cannot move the test's clock).
pam_auth() {
	{
		printf 'AUTH\tuser=%s\tservice=sshd\trhost=%s\trport=40022\ttty=ssh\n' "$1" "$2"
		printf 'ANSWER\tvalue=%s\nANSWER\tvalue=%s\n' "$3" "$4"
		if [ $# -ge 5 ]; then printf 'ANSWER\tvalue=%s\nANSWER\tvalue=%s\n' "$5" "$5"; fi
	} | $PAMW
}

# alogin SESSION NAME ANSWER...: an authadm login on a session file of its own (next_step first)
alogin() {
	s=$1 u=$2; shift 2
	printf '%s\n' "$@" | AUTHADM_SESSION=$T/$s-session "$AUTHADM_BIN" -c "$CONF" login -u "$u" 2>&1
}
as() {	# as SESSION authadm-ARGS...
	s=$1; shift
	AUTHADM_SESSION=$T/$s-session "$AUTHADM_BIN" -c "$CONF" "$@"
}

# row TEXT NAME: the table line of NAME (first column)
row() {
	printf '%s\n' "$1" | awk -v n="$2" '$1 == n'
}

UPW='Rep0rt-Pass!'
SPW='Rep0rt-Server-Pass-2026!'

# ---- the accounts, all in ROOT ----
new_user alice --unit ROOT --soft-token; ok $? "user add alice (soft token)"; APW=$PW ASEC=$SEC
new_user bob --unit ROOT --soft-token; ok $? "user add bob"; BPW=$PW BSEC=$SEC
new_user carol --unit ROOT; ok $? "user add carol (no key, never logs in)"
EXP=$(date -u -d "@$(( $(now) + 10 * 86400 ))" +%F)
new_user dave --unit ROOT --soft-token --expires "$EXP"; ok $? "user add dave --expires $EXP"
DPW=$PW DSEC=$SEC
new_user erin --unit ROOT --soft-token; ok $? "user add erin"; EPW=$PW ESEC=$SEC
new_user audrey --unit ROOT --role auditor --soft-token; ok $? "user add audrey --role auditor"
AUPW=$PW AUSEC=$SEC
new_user leo --unit ROOT --role leader --soft-token; ok $? "user add leo --role leader"
LPW=$PW LSEC=$SEC
new_user mallory --unit ROOT --role sysadmin --soft-token; ok $? "user add mallory --role sysadmin"
MPW=$PW MSEC=$SEC

# ---- logins over the PAM socket, good ones and failures from remote addresses ----
next_step
like "$(pam_auth alice 192.0.2.10 "$APW" "$(totp "$ASEC")" "$UPW")" "OK	user=alice" "alice logs in over PAM from 192.0.2.10"
next_step
like "$(pam_auth bob 192.0.2.10 "$BPW" "$(totp "$BSEC")" "$UPW")" "OK	user=bob" "bob logs in"
next_step
like "$(pam_auth dave 192.0.2.10 "$DPW" "$(totp "$DSEC")" "$UPW")" "OK	user=dave" "dave logs in"
next_step
like "$(pam_auth erin 192.0.2.10 "$EPW" "$(totp "$ESEC")" "$UPW")" "OK	user=erin" "erin logs in"
for i in 1 2 3; do
	next_step
	like "$(pam_auth alice 198.51.100.7 "wrong-Pass-$i" "$(totp "$ASEC")")" "FAIL	code=auth" \
	    "wrong password $i for alice from 198.51.100.7"
done
for i in 1 2; do
	next_step
	like "$(pam_auth nosuchuser 203.0.113.5 "Guess-Pass-$i!" 123456)" "FAIL	code=auth" \
	    "unknown user $i from 203.0.113.5"
done
next_step
like "$(pam_auth bob 203.0.113.5 "wrong-Pass-9" "$(totp "$BSEC")")" "FAIL	code=auth" \
    "wrong password for bob from 203.0.113.5"

# ---- mallory, a second sysadmin, makes accounts and freezes one ----
next_step
out=$(alogin mallory mallory "$MPW" "$(totp "$MSEC")" "$SPW" "$SPW"); is $? 0 "mallory logs in (authadm)"
as mallory user add m-one --unit ROOT > /dev/null; ok $? "mallory creates m-one"
as mallory user add m-two --unit ROOT > /dev/null; ok $? "mallory creates m-two"
as mallory user freeze erin --reason "mallory was here" > /dev/null; ok $? "mallory freezes erin"

# ---- who may run reports ----
next_step
out=$(alogin alice alice "$UPW" "$(totp "$ASEC")"); is $? 0 "alice (no role) logs in on the admin socket"
for r in review logs "incident mallory"; do
	out=$(as alice report $r 2>&1); rc=$?
	is "$rc" 1 "an ordinary user cannot run report $r (exit 1)"
	like "$out" "needs one of the roles" "... refused for want of a role"
done
next_step
out=$(alogin leo leo "$LPW" "$(totp "$LSEC")" "$UPW" "$UPW"); is $? 0 "leo (leader) logs in"
out=$(as leo report review); is $? 0 "a leader runs the access review (R16, R34 A.9.2.5)"
like "$(row "$out" carol)" "carol" "... and sees the accounts of its unit"
out=$(as leo report logs 2>&1); is $? 1 "a leader cannot run the log check (auditor, sysadmin)"
out=$(as leo report incident mallory 2>&1); is $? 1 "nor the incident report"
next_step
out=$(alogin audrey audrey "$AUPW" "$(totp "$AUSEC")" "$UPW" "$UPW"); is $? 0 "audrey (auditor) logs in"

# ---- report logs, this month ----
out=$(authadm report logs --month 2026-13 2>&1); is $? 2 "--month 2026-13: usage error"
out=$(authadm report logs --month "$MONTH1"); is $? 0 "report logs --month $MONTH1"
like "$out" "^monthly log check: $MONTH1 \($MONTH1-01T00:00:00Z to " "a heading with the month's bounds"
like "$out" "verdict: PASS" "verdict: PASS"
like "$out" "chain: intact, [0-9]+ records" "the chain is intact"
like "$out" "met: the service started [0-9]+ days ago, less than the 184 days" \
    "retention met: the service is younger than the retention, its log complete"
like "$out" "pruned: nothing" "nothing pruned"
like "$(row "$out" login | grep -w fail)" "^login +fail +6$" "counts: 6 failed logins"
like "$(row "$out" login | grep -w ok)" "^login +ok +[0-9]+$" "counts: successful logins"
like "$(row "$out" user_add)" "^user_add +ok +10$" "counts: 10 accounts added"
like "$(row "$out" user_freeze)" "^user_freeze +ok +1$" "counts: 1 freeze"
like "$out" "failed logins this month: 6 from 2 sources" "failed logins: 6 from 2 sources"
like "$(row "$out" 198.51.100.7)" "^198\.51\.100\.7 +3 +1 +$MONTH1-" "198.51.100.7: 3 failures, 1 name"
like "$(row "$out" 203.0.113.5)" "^203\.0\.113\.5 +3 +2 +$MONTH1-" "203.0.113.5: 3 failures, 2 names (a spray)"
first=$(printf '%s\n' "$out" | grep -A1 '^SOURCE_ADDR' | tail -1 | awk '{print $1}')
is "$first" "198.51.100.7" "sources by count, then address"

j=$(as audrey --json report logs --month "$MONTH1"); is $? 0 "the auditor runs report logs --json"
is "$(printf '%s\n' "$j" | wc -l)" 1 "--json: one object"
is "$(printf '%s' "$j" | jq -r '[.verdict, .chain, .retention, .retention_basis] | join(" ")')" \
    "pass intact met service_younger" "json: verdict, chain, retention and its basis"
is "$(printf '%s' "$j" | jq -r '.retention_days')" 184 "json: retention_days 184"
is "$(printf '%s' "$j" | jq -r '.failed_logins, .failed_sources' | tr '\n' ' ')" "6 2 " \
    "json: 6 failed logins from 2 sources"
is "$(printf '%s' "$j" | jq -c '[.counts[] | select(.action == "login" and .result == "fail") | .count]')" \
    "[6]" "json: counts by action and result, typed"
is "$(printf '%s' "$j" | jq -c '[.failed_by_source[] | [.source_addr, .count, .names]]')" \
    '[["198.51.100.7",3,1],["203.0.113.5",3,2]]' "json: failed logins by source"
like "$(printf '%s' "$j" | jq -r '.records')" "^[0-9]+$" "json: records an integer"
like "$(authadm audit show --action report_logs)" "audrey +report_logs +- +ok .*month=$MONTH1" \
    "running the log check is itself audited (R20)"

# ---- report incident ----
out=$(authadm report incident mallory); is $? 0 "report incident mallory"
like "$out" "^incident report: mallory \(all records\)" "heading"
like "$out" "account: state active, unit ROOT, roles sysadmin; created by admin" "the account's state"
like "$out" "what it did: [0-9]+ records" "a section: what it did"
like "$out" "user_add +m-one +ok" "... mallory's user_add of m-one"
like "$out" "user_freeze +erin +ok +mallory was here" "... her freeze of erin"
like "$out" "accounts it created: 2" "accounts it created: 2"
like "$(row "$out" m-one)" "^m-one +ROOT +active " "... m-one, with its state"
like "$(row "$out" m-two)" "^m-two +ROOT +active " "... m-two"
like "$out" "what others did to it: [0-9]+ record" "a section: what others did to it"
like "$out" "admin +user_add +ok" "... admin's user_add of mallory"
authadm user freeze mallory --reason "compromised" > /dev/null
j=$(as audrey --json report incident mallory); is $? 0 "the auditor runs report incident --json"
is "$(printf '%s\n' "$j" | wc -l)" 1 "--json: one object"
is "$(printf '%s' "$j" | jq -c '[.created[] | [.name, .state]]')" '[["m-one","active"],["m-two","active"]]' \
    "json: the accounts mallory created, with their state"
is "$(printf '%s' "$j" | jq -r '.state, .freeze_reason, .exists' | tr '\n' ' ')" "frozen compromised true " \
    "json: mallory's own state"
is "$(printf '%s' "$j" | jq -r '[.actions[].action] | map(select(. == "user_add")) | length')" 2 \
    "json: two user_add actions"
is "$(printf '%s' "$j" | jq -r '[.targeted[] | select(.actor == "admin") | .action] | map(select(. == "user_add" or . == "user_freeze")) | join(",")')" \
    "user_add,user_freeze" "json: what admin did to mallory (made, then froze her)"
is "$(printf '%s' "$j" | jq -r '[.targeted[] | select(.actor == "mallory")] | length')" 0 \
    "json: mallory's own records are not repeated under targeted"
SINCE=$(now)
clock_advance 60
out=$(authadm report incident mallory --since "@$SINCE"); is $? 0 "report incident --since"
like "$out" "since $(date -u -d "@$SINCE" +%Y-%m-%dT%H:%M)" "... the heading shows the window"
like "$out" "accounts it created: 0" "... nothing created in the window"
out=$(authadm report incident nosuchuser); is $? 0 "report incident of a name no account holds"
like "$out" "account: none by that name" "... says so"
like "$out" "what it did: 2 records" "... and lists the 2 login attempts made with it"

# ---- report review, after time passes ----
clock_advance $((100 * 86400))
admin_relogin || exit 1
next_step
like "$(pam_auth alice 192.0.2.10 "$UPW" "$(totp "$ASEC")")" "OK	user=alice" "100 days later: alice logs in again"
out=$(authadm report review); is $? 0 "report review"
is "$(printf '%s\n' "$out" | head -1 | tr -s ' ')" "NAME UNIT ROLES STATE KEY LAST_LOGIN_AT PASSWORD_AGE_DAYS EXPIRES FLAGS" \
    "a table: name, unit, roles, state, key, last login, password age, expiry, flags"
like "$(row "$out" alice)" "^alice +ROOT +- +active +SOFT-[0-9]+ +[0-9]{4}-.* 100 +- +-$" \
    "alice: active, a key, a recent login, no flag"
like "$(row "$out" bob)" " inactive$" "bob: inactive (last login 100 days ago)"
like "$(row "$out" carol)" "^carol +ROOT +- +active +- +- +100 .*never_used,inactive,no_key,must_change$" \
    "carol: never used, inactive, no key, must change"
like "$(row "$out" dave)" " $EXP +inactive,expired$" "dave: expired (and inactive)"
like "$(row "$out" erin)" "^erin +ROOT +- +frozen +SOFT-[0-9]+ " "erin: frozen, still holding her key"
unlike "$(row "$out" erin)" "no_key" "a frozen account is not flagged no_key"
like "$(row "$out" m-one)" "never_used,inactive,no_key,must_change$" "m-one: never used, no key"
like "$out" "accounts in your scope; inactive: no login for 90 days" "a footer with the threshold"
like "$out" "flagged: never_used [0-9]+, inactive [0-9]+, expired 1, no_key [0-9]+" "a footer with the flag counts"
out=$(authadm report review --inactive-days 200); is $? 0 "report review --inactive-days 200"
like "$(row "$out" bob)" " -$" "bob is not inactive by 200 days"
like "$(row "$out" carol)" "never_used,no_key,must_change$" "carol: never used, but not inactive by 200 days"
out=$(authadm report review --inactive-days x 2>&1); is $? 2 "--inactive-days x: usage error"

j=$(authadm --json report review); is $? 0 "report review --json"
is "$(printf '%s\n' "$j" | jq -s 'length')" "$(printf '%s\n' "$j" | wc -l)" "--json: one object per line"
is "$(printf '%s\n' "$j" | jq -c 'select(.name == "carol") | .flags')" '["never_used","inactive","no_key","must_change"]' \
    "json: flags as an array"
is "$(printf '%s\n' "$j" | jq -c 'select(.name == "alice") | [.flags, .password_age_days, .must_change, (.key | type)]')" \
    '[[],100,false,"string"]' "json: no flags, password age an integer, must_change a boolean"
is "$(printf '%s\n' "$j" | jq -c 'select(.name == "carol") | [.key, .last_login_at, .expires]')" '[null,null,null]' \
    "json: no key and never logged in are null"
is "$(printf '%s\n' "$j" | jq -r 'select(.name == "dave") | .expires')" "$EXP" "json: dave's expiry date"
is "$(printf '%s\n' "$j" | jq -r 'select(.name == "mallory") | .state')" frozen "json: mallory frozen"
like "$(authadm audit show --action report_review --actor admin)" "report_review +- +ok" \
    "running the review is audited"

# ---- report logs later: the default month, and the old month kept ----
out=$(authadm report logs); is $? 0 "report logs (this month of authd's clock)"
like "$out" "^monthly log check: $(date -u -d "@$(now)" +%Y-%m) " "the default is authd's current month"
like "$out" "failed logins this month: 0 from 0 sources" "no failed login this month"
like "$out" "\(none\)" "an empty section says (none)"
out=$(authadm report logs --month "$MONTH1"); is $? 0 "report logs --month $MONTH1, 100 days later"
like "$out" "failed logins this month: 6 from 2 sources" "the old month still counts its failures"
clock_advance $((100 * 86400))
admin_relogin || exit 1
out=$(authadm report logs); is $? 0 "200 days after the start"
like "$out" "met: the log reaches back 20[0-9] days, at least the 184 days of the retention" \
    "retention met: the log reaches back past the retention"
is "$(authadm --json report logs | jq -r '.retention_basis')" reaches_back "json: retention_basis reaches_back"

# ---- a record altered behind authd's back ----
authd_stop
sqlite3 "$STATE/authd.db" "DROP TRIGGER audit_no_update; UPDATE audit SET details = 'edited' WHERE seq = 5;"
authd_start
admin_relogin || exit 1
out=$(authadm report logs); is $? 0 "report logs on an altered log"
like "$out" "verdict: FAIL" "verdict: FAIL"
like "$out" "chain: BROKEN at record 5" "names the first bad record"
is "$(authadm --json report logs | jq -r '[.chain, .bad_seq, .verdict] | join(" ")')" "broken 5 fail" \
    "json: chain broken at 5, verdict fail"

done_testing
