#!/bin/sh
# Units, roles and scope, end to end with one real session per person:
# the tiers of R1 (each level administers the next: never upwards, sideways or
# two levels down), reading rights of R2 (leader, auditor), separation of
# duties (R3), the username coding rule (R4), allowed source networks and the
# factor policy per service (R21), and the roles and unit handed back to PAM
# applications (R17). The two-person rule (R22) is in twoperson.t; here it
# only lets the sysadmins below the root come into being.
#
# The tree:  ROOT (admin, resp, audr)
#             +-- A (adma; respa, leada, audita, usera)
#             |    +-- A1 (adma1)
#             +-- B (admb; userb)
. "$(dirname "$0")/lib.sh"

# R4: 1-8 letters then up to 4 digits (every name below follows it, admin too)
PATTERN='^[a-z]{1,8}[0-9]{0,4}$'
write_config "admin_session_minutes = 240
username_pattern = $PATTERN
username_template = {unit}{seq:4}
[service console]
otp = off"
setup_admin || exit 1

NEWPW='Qx7!mountain-River-2026'	# every person's own password after the first login
PAMW="perl $(dirname "$0")/wire.pl $STATE/authd.sock 1"

# as NAME AUTHADM-ARGS...: run authadm in NAME's own session
as() {
	n=$1; shift
	if [ "$n" = admin ]; then s=$T/session; else s=$T/session-$n; fi
	AUTHADM_SESSION=$s "$AUTHADM_BIN" -c "$CONF" "$@"
}

# add_user ACTOR NAME ARGS...: ACTOR runs `user add NAME ARGS`; the output
# (password, otpauth, pending id) is kept in $T/add-NAME and in $out
add_user() {
	a=$1; n=$2; shift 2
	out=$(as "$a" user add "$n" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" > "$T/add-$n"
	return $rc
}
pw_of() { sed -n 's/^password: //p' "$T/add-$1"; }
sec_of() { sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p' "$T/add-$1"; }
serial_of() { sed -n 's/^serial: //p' "$T/add-$1"; }
pending_of() { printf '%s\n' "$1" | sed -n 's/^pending: //p'; }

# first_login NAME: NAME logs in with the printed credentials and sets $NEWPW
# (moves the clock: call it outside $(...)); the output is in $T/login-NAME
first_login() {
	next_step
	printf '%s\n%s\n%s\n%s\n' "$(pw_of "$1")" "$(totp "$(sec_of "$1")")" "$NEWPW" "$NEWPW" |
	    as "$1" login -u "$1" > "$T/login-$1" 2>&1
}

# refused DESC NAME AUTHADM-ARGS...: NAME's command fails (exit 1) as outside its scope
refused() {
	d=$1; shift
	out=$(as "$@" 2>&1); rc=$?
	is "$rc" 1 "$d: exit 1"
	like "$out" "outside your scope" "$d: refused as outside the actor's scope"
}

# pam_auth USER SERVICE RHOST PASSWORD [OTP]: one PAM-socket conversation
# (call next_step first: a code works once)
pam_auth() {
	{
		printf 'AUTH\tuser=%s\tservice=%s\trhost=%s\n' "$1" "$2" "$3"
		printf 'ANSWER\tvalue=%s\n' "$4"
		if [ $# -ge 5 ]; then printf 'ANSWER\tvalue=%s\n' "$5"; fi
	} | $PAMW
}
# pam_sshd USER RHOST: an sshd login of USER (own password + current code) from RHOST
pam_sshd() {
	pam_auth "$1" sshd "$2" "$NEWPW" "$(totp "$(sec_of "$1")")"
}

db() { sqlite3 "$STATE/authd.db" "$1"; }
roles_of() {
	db "SELECT group_concat(role) FROM user_roles JOIN users ON users.id = user_id WHERE name = '$1'"
}

# --- the tree: ROOT -> A, B (by admin); the sysadmins of A and B, approved by resp ---
as admin unit add A --name "Unit A"; ok $? "R1: the root's sysadmin adds unit A below ROOT"
as admin unit add B --name "Unit B"; ok $? "R1: ... and unit B"
add_user admin resp --unit ROOT --role responsible --soft-token
ok $? "a responsible user of ROOT"
first_login resp; ok $? "resp logs in (first login: own password)"
add_user admin audr --unit ROOT --role auditor --soft-token
ok $? "an auditor of ROOT"
first_login audr; ok $? "audr logs in"
for pair in adma:A admb:B; do
	u=${pair%:*} unit=${pair#*:}
	add_user admin "$u" --unit "$unit" --role sysadmin --soft-token
	id=$(pending_of "$out")
	like "$id" '^[0-9]+$' "R22: the sysadmin of $unit is held as request $id"
	as resp request approve "$id"; ok $? "resp approves request $id ($u)"
	first_login "$u"; ok $? "$u logs in"
done
like "$(as admin user show adma)" "unit: A" "adma is in unit A"

# --- R1 allowed: what adma (sysadmin of A) may do ---
as adma unit add A1 --parent A --name "Sub A1"
ok $? "R1: adma adds unit A1 directly below A"
is "$(db "SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.code = 'A1'")" A \
    "R1: A1 hangs below A"
as adma unit set A1 --name "Sub-unit A1"; ok $? "R1: adma renames A1 (directly below)"
add_user adma usera --unit A --soft-token; ok $? "R1: adma adds an ordinary user of A"
unlike "$out" "pending" "... not held (no sysadmin, standard policy)"
add_user adma respa --unit A --role responsible --soft-token; ok $? "R1: adma adds the responsible user of A"
add_user adma leada --unit A --role leader --soft-token; ok $? "R1: adma adds a leader of A"
add_user adma audita --unit A --role auditor --soft-token; ok $? "R1: adma adds an auditor of A"
as adma user set usera --im usera@im.example; ok $? "R1: adma changes a user of A"
add_user adma adma1 --unit A1 --role sysadmin --soft-token
ok $? "R1: adma adds the sysadmin of A1 (directly below)"
id=$(pending_of "$out")
like "$id" '^[0-9]+$' "R22: ... held as request $id"
first_login respa; ok $? "respa logs in"
out=$(as admin request approve "$id" 2>&1); rc=$?
is "$rc" 1 "R22: the ROOT sysadmin cannot approve a request of unit A"
as respa request approve "$id"; ok $? "R22: A's responsible user approves adma1"
like "$(as adma user show adma1)" "unit: A1" "adma1 exists in A1"
first_login adma1; ok $? "adma1 logs in"
as adma user set adma1 --im adma1@im.example; ok $? "R1: adma manages the sysadmin of A1"
add_user admb userb --unit B --soft-token; ok $? "R1: admb adds an ordinary user of B"
first_login userb; ok $? "userb logs in"

# --- R1 refused: upwards, sideways, two levels down, itself ---
refused "R1 upwards: adma adds a user of ROOT" adma user add up1 --unit ROOT
refused "R1 sideways: adma adds a user of B" adma user add side1 --unit B
refused "R1 two levels down: adma adds an ordinary user of A1" adma user add deep1 --unit A1
is "$(db "SELECT count(*) FROM users WHERE name IN ('up1', 'side1', 'deep1')")" 0 \
    "R1: none of the refused users exists"
refused "R1 deeper: adma adds a unit below A1" adma unit add A11 --parent A1
refused "R1 upwards: adma adds a unit below ROOT" adma unit add C
refused "R1 sideways: adma adds a unit below B" adma unit add B1 --parent B
is "$(db "SELECT count(*) FROM units WHERE code IN ('A11', 'C', 'B1')")" 0 \
    "R1: none of the refused units exists"
refused "R1: adma changes its own unit A" adma unit set A --allow-from 0.0.0.0/0
is "$(db "SELECT allow_from FROM units WHERE code = 'A'")" "" "R1: unit A unchanged"
refused "R1 sideways: adma changes unit B" adma unit set B --name mine
refused "R1 upwards: adma freezes admin" adma user freeze admin --reason "coup"
is "$(db "SELECT state FROM users WHERE name = 'admin'")" active "R1: admin still active"
refused "R1 upwards: adma resets admin's password" adma user reset-password admin
refused "R1 upwards: adma changes resp" adma user set resp --im x
refused "R1: adma manages itself (freeze)" adma user freeze adma --reason self
refused "R1: adma makes a user of A a sysadmin beside itself" adma user set usera --role sysadmin
is "$(roles_of usera)" "" "R1: usera's roles unchanged"
is "$(db "SELECT count(*) FROM requests WHERE target = 'usera'")" 0 "R1: ... and no request held for it"
refused "R1 sideways: adma adds a sysadmin of B" adma user add side2 --unit B --role sysadmin
refused "R1 sideways: adma freezes a user of B" adma user freeze userb --reason x
refused "R1 sideways: adma resets a password in B" adma user reset-password userb
refused "R1 sideways: adma changes a user of B" adma user set userb --allow-from 10.0.0.0/8
refused "R1 sideways: adma reads a user of B" adma user show userb
refused "R1 sideways: adma enrolls a key for a user of B" adma key enroll userb
refused "R1 sideways: adma unbinds a key of B" adma key unbind userb
refused "R1 sideways: adma shows a key of B" adma key show "$(serial_of userb)"
refused "R1 sideways: adma reports a key of B lost" adma key lost "$(serial_of userb)" --reason x
is "$(db "SELECT state FROM users WHERE name = 'userb'")" active "R1: userb still active"
is "$(db "SELECT state FROM tokens WHERE serial = '$(serial_of userb)'")" bound \
    "R1: userb's key still bound"
unlike "$(as adma user list)" "userb|admb" "R1: adma's user list shows nobody of B"
refused "R1 upwards: adma1 changes a user of A" adma1 user set usera --im x
refused "R1 upwards: adma1 freezes adma" adma1 user freeze adma --reason x
# the root's sysadmin: the units and sysadmins directly below, not their users
refused "R1 two levels down: admin freezes a user of A" admin user freeze usera --reason x
is "$(db "SELECT state FROM users WHERE name = 'usera'")" active "R1: usera still active"
refused "R1 two levels down: admin adds an ordinary user of A" admin user add deep2 --unit A
refused "R1 two levels down: admin resets a password in A" admin user reset-password usera
refused "R1 two levels down: admin adds a unit below A" admin unit add A2 --parent A
refused "R1 two levels down: admin manages the sysadmin of A1" admin user freeze adma1 --reason x
as admin user set adma --im adma@im.example; ok $? "R1: admin manages the sysadmin of A (directly below)"
like "$(as audr audit show --action user_freeze --target usera)" \
    "admin +user_freeze +usera +fail .*outside the actor's scope" "R1: a refusal is audited with its reason"

# --- R3: a sysadmin holds no other role ---
out=$(as admin user add ops --unit ROOT --role sysadmin --role auditor 2>&1); rc=$?
is "$rc" 1 "R3: a new sysadmin with a second role: exit 1"
like "$out" "sysadmin holds no other role \(R3\)" "R3: ... with a clear message"
out=$(as admin user set adma --role sysadmin --role leader 2>&1); rc=$?
is "$rc" 1 "R3: giving a sysadmin a second role: exit 1"
like "$out" "sysadmin holds no other role \(R3\)" "R3: ... with a clear message"
is "$(roles_of adma)" sysadmin "R3: adma's roles unchanged"
is "$(db "SELECT count(*) FROM users WHERE name = 'ops'")" 0 "R3: ops not created"

# --- R2: reading ---
first_login leada; ok $? "leada logs in"
out=$(as leada user list); ok $? "R2: a leader lists users"
like "$out" "usera +A " "R2: the leader reads users of its unit"
like "$out" "adma1 +A1 " "R2: ... and of the unit below"
unlike "$out" "^(admin|resp|audr|admb|userb) " "R2: ... but none of ROOT or B"
like "$(as leada user show adma1)" "name: adma1" "R2: the leader shows a user of A1"
out=$(as leada user show userb 2>&1); is $? 1 "R2: the leader cannot show a user of B"
out=$(as leada user show admin 2>&1); is $? 1 "R2: ... nor of ROOT"
out=$(as leada user freeze usera --reason x 2>&1); rc=$?
is "$rc" 1 "R2: a leader reads but changes nothing"
like "$out" "needs one of the roles" "R2: ... told which roles it needs"
first_login audita; ok $? "audita logs in"
out=$(as audita audit show); ok $? "R2: A's auditor reads the audit log"
like "$out" "adma +unit_add +A1 +ok" "R2: ... with what happens in A (adma adds A1)"
like "$out" "respa +request_approve +adma1 +ok" "R2: ... and below (approval of adma1)"
unlike "$out" "user_add +userb" "R2: ... nothing of B (userb's creation)"
unlike "$out" "(resp|audr) +login " "R2: ... nor the logins of ROOT's people"
out=$(as audr audit show); ok $? "R2: ROOT's auditor reads the audit log"
like "$out" "admb +user_add +userb +ok" "R2: ROOT's auditor sees B"
like "$out" "adma +unit_add +A1 +ok" "R2: ... and A"
like "$out" "resp +login +resp +ok" "R2: ... and ROOT"
first_login usera; ok $? "usera (no role) logs in"
for cmd in "user list" "unit list" "audit show" "request list" "policy list"; do
	out=$(as usera $cmd 2>&1); rc=$?	# $cmd: two words
	is "$rc" 1 "R2: an ordinary user cannot run '$cmd'"
	like "$out" "needs one of the roles" "R2: ... told which roles it needs"
done

# --- R21: allowed source networks, the nearest setting wins ---
as admin unit set A --allow-from 10.9.0.0/16,2001:db8:9::/48
ok $? "R21: admin (level above) restricts unit A to 10.9.0.0/16 and 2001:db8:9::/48"
next_step
like "$(pam_sshd usera 10.9.1.1)" "^OK	user=usera" "R21: a user of A logs in from 10.9.1.1"
next_step
like "$(pam_sshd usera 192.0.2.1)" "FAIL	code=auth" "R21: ... but not from 192.0.2.1"
next_step
like "$(pam_sshd usera 2001:db8:9::5)" "^OK	user=usera" "R21: IPv6 CIDR: from 2001:db8:9::5 allowed"
next_step
like "$(pam_sshd usera 2001:db8:8::5)" "FAIL	code=auth" "R21: IPv6 CIDR: from 2001:db8:8::5 refused"
next_step
like "$(pam_sshd adma1 10.9.1.1)" "^OK	user=adma1" "R21: A1 (no setting) inherits A's: allowed"
next_step
like "$(pam_sshd adma1 192.0.2.1)" "FAIL	code=auth" "R21: ... and refused"
next_step
like "$(pam_sshd userb 192.0.2.1)" "^OK	user=userb" "R21: B is not restricted"
as adma user set usera --allow-from 192.0.2.0/24
ok $? "R21: adma sets usera's own networks"
next_step
like "$(pam_sshd usera 192.0.2.1)" "^OK	user=usera" "R21: the user's setting wins over the unit's (192.0.2.1 allowed)"
next_step
like "$(pam_sshd usera 10.9.1.1)" "FAIL	code=auth" "R21: ... and the unit's network no longer applies"
like "$(as audita audit show --action login --target usera)" "source address not allowed" \
    "R21: the refusal is audited with its reason"

# --- R21: factor policy per service ---
next_step
out=$(pam_auth usera console 192.0.2.1 "$NEWPW")
like "$out" "prompt=Password: " "R21: service console asks the password"
unlike "$out" "OTP" "R21: ... and no OTP ([service console] otp = off)"
like "$out" "^OK	user=usera" "R21: ... and the password alone logs in"
next_step
out=$(printf 'AUTH\tuser=usera\tservice=sshd\trhost=192.0.2.1\nANSWER\tvalue=%s\n' "$NEWPW" | $PAMW)
like "$out" "prompt=OTP: " "R21: service sshd asks the OTP too (two factors)"
unlike "$out" "OK	user=" "R21: ... and the password alone is not enough"

# --- R17: the account's roles and unit are handed back ---
next_step
like "$(pam_sshd leada 10.9.3.3)" "OK	user=leada	roles=leader	unit=A" "R17: OK carries roles=leader unit=A"
next_step
like "$(pam_sshd adma1 10.9.3.3)" "OK	user=adma1	roles=sysadmin	unit=A1" "R17: OK carries roles=sysadmin unit=A1"
next_step
like "$(pam_sshd usera 192.0.2.7)" "OK	user=usera	roles=	unit=A" "R17: an ordinary user: empty roles, unit=A"

# --- R4: the username coding rule ---
out=$(as adma user add j.doe --unit A 2>&1); rc=$?
is "$rc" 1 "R4: a name breaking the rule is refused"
case "$out" in *"naming rule $PATTERN"*) ok 0 "R4: ... with a message naming the pattern" ;;
*) ok 1 "R4: ... with a message naming the pattern"; echo "#   got: $out" ;; esac
out=$(as adma user add bob7x --unit A 2>&1); is $? 1 "R4: letters after digits refused"
is "$(db "SELECT count(*) FROM users WHERE name IN ('j.doe', 'bob7x')")" 0 "R4: neither was created"
out=$(as adma user add --generate --unit A 2>&1); ok $? "R4: user add --generate"
like "$out" "name: a0001" "R4: the first generated name is a0001 ({unit}{seq:4})"
out=$(as adma user add --generate --unit A 2>&1); ok $? "R4: user add --generate again"
like "$out" "name: a0002" "R4: the next one is a0002"
like "$(as adma user show a0002)" "unit: A" "R4: a0002 exists in unit A"

# incident response: a bulk freeze reaches below the actor, never sideways or up (R1, R12)
out=$(as adma user freeze --created-by admin --since @0 --reason "incident drill" 2>&1); rc=$?
is "$rc" 0 "R12: adma runs a bulk freeze of what admin created"
for who in admin resp admb userb adma; do
	like "$(as admin user show "$who" 2>/dev/null || as admb user show "$who")" "state: active" \
	    "R1: the bulk freeze left $who (outside adma's reach) active"
done
done_testing
