#!/bin/sh
# Walkthrough of the README through the real authadm: init, admin login with the
# first-login change (R6), units, users, policies, audit (R18, R31); exit codes and
# --json of INTERFACE.md.
. "$(dirname "$0")/lib.sh"

setup_admin
ok $? "first admin logs in with one-time password + TOTP and changes the password (R5, R6)"

out=$(authadm unit add HQ --name "Head office" 2>&1); ok $? "unit add HQ"
out=$(authadm unit add OPS --name "Operations" 2>&1); ok $? "unit add OPS (below ROOT, the admin's unit)"
out=$(authadm unit add OPS 2>&1); rc=$?
is "$rc" 1 "adding an existing unit is refused with exit 1"
like "$out" "already exists" "... and says so"
out=$(authadm unit add X1 --parent NOPE 2>&1); is $? 1 "unknown parent refused"
like "$out" "no such parent unit: NOPE" "... naming the parent"
out=$(authadm unit list)
like "$out" "OPS +Operations +ROOT" "unit list shows the tree (parent column)"

out=$(authadm user add alice --unit ROOT --phone 13812345678 --soft-token)
ok $? "user add with a soft token"
ALICE_PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
ALICE_SECRET=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
like "$ALICE_PW" '^.{12,}$' "an initial password is printed"
like "$out" '^otpauth: otpauth://totp/authd:alice\?secret=[A-Z2-7]+&issuer=authd&digits=6&period=30' "otpauth URI printed"
# R6: the generated password satisfies the account's policy (standard: digits, letters, specials)
like "$ALICE_PW" '[0-9]' "initial password has a digit"
like "$ALICE_PW" '[A-Za-z]' "initial password has a letter"
like "$ALICE_PW" '[^A-Za-z0-9]' "initial password has a special character"

out=$(authadm user show alice)
like "$out" '^name: alice$' "user show: name"
like "$out" 'unit: ROOT' "user show: unit"
like "$out" 'state: active' "user show: state"
like "$out" 'policy: standard' "user show: default policy standard"
like "$out" 'must_change: yes' "user show: initial password must be changed (R6)"
like "$out" 'phone: 138\*\*\*\*5678' "user show: phone masked (R30)"
unlike "$out" '13812345678' "the full phone number is not shown (R30)"
like "$out" 'key: SOFT-[0-9]+' "user show: key serial"
like "$out" 'password_changed: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z' "password_changed in ISO 8601"

json=$(authadm --json user show alice)
like "$json" '"name": ?"alice"' "--json: name"
like "$json" '"state": ?"active"' "--json: state"
like "$json" '"must_change": ?true' "--json: must_change is a boolean"
like "$json" '"roles": ?\[\]' "--json: roles is an array"
like "$json" '"password_changed": ?"[0-9-]+T[0-9:]+Z"' "--json: password_changed ISO 8601"

out=$(authadm user add bob --unit ROOT --role sysadmin --role auditor 2>&1)
is $? 1 "a sysadmin with a second role is refused (R3)"
like "$out" "holds no other role" "... with the reason"
out=$(authadm user add root-admin2 --unit OPS --role sysadmin)
ok $? "user add a sysadmin for the unit below (R1)"
like "$out" '^pending: [0-9]+' "granting sysadmin waits for a second person (R22, two_person_rule = yes)"
pw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
like "$pw" '^.{16,}$' "the sysadmin's initial password (server policy) has at least 16 characters (R22)"
out=$(authadm user show root-admin2 2>&1); is $? 1 "the held account does not exist before approval"

out=$(authadm user add Bad_Name --unit ROOT 2>&1); is $? 1 "a name breaking the coding rule is refused (R4)"
like "$out" "is invalid: 1-32 characters" "... with the rule"
out=$(authadm user add x --unit ROOT 2>&1); is $? 1 "a name breaking the configured pattern is refused (R4)"
like "$out" 'breaks the naming rule \^\[a-z\]' "... naming the pattern"
out=$(authadm user add carol --unit NOPE 2>&1); is $? 1 "unknown unit refused"
out=$(authadm user add carol --unit ROOT --policy nope 2>&1); is $? 1 "unknown policy refused"
like "$out" "no such policy: nope" "... naming the policy"
out=$(authadm user add carol --unit ROOT --role wizard 2>&1); is $? 1 "unknown role refused"
out=$(authadm user add carol --unit ROOT --expires 2026-13-45 2>&1); rc=$?
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "bad date refused"
out=$(authadm user add alice --unit ROOT 2>&1); is $? 1 "duplicate user refused"

out=$(authadm user set alice --im wx:alice01 --expires 2030-01-31); ok $? "user set im and expiry"
like "$(authadm user show alice)" 'im: wx:alice01' "im changed (R8)"
like "$(authadm user show alice)" 'expires: 2030-01-31' "expiry set"
out=$(authadm user set alice --allow-from 10.0.0.0/8,2001:db8::/32); ok $? "allow-from accepts IPv4 and IPv6 CIDRs"
out=$(authadm user set alice --allow-from 10.0.0.0/99 2>&1); is $? 1 "a bad CIDR is refused"

out=$(authadm user list --unit ROOT)
like "$out" 'alice' "user list --unit ROOT lists alice"
out=$(authadm user list --unit OPS)
unlike "$out" 'alice' "user list --unit OPS does not"
n=$(authadm --json user list | wc -l)
is "$n" 2 "user list --json: one object per line (admin, alice)"

out=$(authadm policy show server)
like "$out" 'min_length: 16' "policy show server: 16 characters (R22)"
out=$(authadm policy list)
for p in standard server office publisher workstation; do
	like "$out" "^$p " "policy list has $p"
done
out=$(authadm policy set office --min-length 0 2>&1); is $? 1 "policy set refuses min-length 0"
out=$(authadm policy set office --min-length abc 2>&1); ok $([ $? -ne 0 ] && echo 0 || echo 1) "policy set refuses a non-number"
authadm policy set office --min-length 8 --history 3; ok $? "policy set office"
like "$(authadm policy show office)" 'min_length: 8' "policy change visible"

out=$(authadm user reset-password alice); ok $? "reset-password"
like "$out" '^password: ' "prints the new password"
like "$(authadm user show alice)" 'must_change_reason: reset' "a reset password must be changed (R23)"
authadm user mark-risk alice; ok $? "mark-risk"
like "$(authadm user show alice)" 'must_change_reason: risk' "at-risk flag set (R7)"

out=$(authadm audit show)
for a in unit_add user_add key_enroll user_set policy_set password_reset mark_risk login password_change; do
	like "$out" " $a " "audit log has $a (R18)"
done
json=$(authadm --json audit show --action user_add)
like "$json" '"seq": ?[0-9]+' "audit --json: seq is a number"
like "$json" '"actor": ?"admin"' "audit --json: the actor is the person"
for f in time action target result source_addr source_port host service tty; do
	like "$json" "\"$f\":" "audit --json has $f (R31)"
done
out=$(authadm user show nobody 2>&1); is $? 1 "unknown user: exit 1"
like "$out" "no such user: nobody" "... with a message on stderr"
out=$(authadm user frobnicate 2>&1); is $? 2 "unknown command: exit 2"
out=$(authadm user add 2>&1); is $? 2 "missing argument: exit 2"
out=$(authadm user add --help); is $? 0 "--help exits 0"
like "$out" "user add NAME(\|--generate)? --unit CODE" "--help shows usage"

authadm logout; ok $? "logout"
out=$(authadm user list 2>&1); is $? 3 "after logout, commands exit 3 (no session)"
authd_stop
out=$(authadm -s "$STATE/admin.sock" user list 2>&1); is $? 3 "authd down: exit 3"
done_testing
