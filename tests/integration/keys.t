#!/bin/sh
# The key inventory through authadm (issue 4): import of the RFC 6030 example
# PSKC files and of CSV, all or nothing (R15); hardware HOTP tokens at login
# with the RFC 4226 test vectors: replay, look-ahead, resync (R4, R5); a
# hardware TOTP token whose clock drifted, resynced, the drift on record (R36);
# the states of a key and the only moves between them; a lost or damaged key
# freezes its holder at once (R11) and blocks the unfreeze until a new key is
# bound (R9); a custodian runs the life of a key, an ordinary user cannot;
# every move is in the audit log with who did it (R15 custody).
. "$(dirname "$0")/lib.sh"

DATA=$TOP/tests/integration/data

setup_admin || exit 1

# ulogin NAME ANSWER...: log NAME in, one answer per line, on a separate session file
ulogin() {
	u=$1; shift
	printf '%s\n' "$@" | AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" login -u "$u" 2>&1
}

# hotp HEX COUNTER [DIGITS]: what a hardware HOTP token shows at COUNTER
hotp() {
	oathtool --hotp -d "${3:-6}" -c "$2" "$1"
}

# htotp HEX [STEPS] [DIGITS] [PERIOD]: a hardware TOTP token at authd's time + STEPS steps
htotp() {
	now=$(( $(date +%s) + CLOCK_OFFSET + ${2:-0} * ${4:-30} ))
	oathtool --totp -d "${3:-6}" -s "${4:-30}s" -N "@$now" "$1"
}

# mid_step: move authd's clock to about 10 s into a 30-second step, so that a
# code computed here is still of the same step when authd checks it
mid_step() {
	r=$(( ($(date +%s) + CLOCK_OFFSET) % 30 ))
	clock_advance $(( 30 + 10 - r ))
}

# key_field SERIAL FIELD: one line of "key show"
key_field() {
	authadm key show "$1" | sed -n "s/^$2: //p"
}

# user_field NAME FIELD: one line of "user show"
user_field() {
	authadm user show "$1" | sed -n "s/^$2: //p"
}

# new_user NAME ARGS...: user add, sets PW (and SEC with --soft-token)
new_user() {
	out=$(authadm user add "$@" 2>&1); rc=$?
	PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
	SEC=$(printf '%s\n' "$out" | sed -n 's/^otpauth: .*secret=\([A-Z2-7]*\).*/\1/p')
	return $rc
}

serials() {	# the serials of "key list", one line
	authadm key list | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' '
}

RFC4226=3132333435363738393031323334353637383930
UPW='Hardw4re-Key-Pass!'

# ---- the RFC 4226 Appendix D vectors, as oathtool computes them ----
got=
for c in 0 1 2 3 4 5 6 7 8 9; do got="$got $(hotp $RFC4226 $c)"; done
is "$got" " 755224 287082 359152 969429 338314 254676 287922 162583 399871 520489" \
    "oathtool gives the RFC 4226 Appendix D test vectors"

# ---- import: the RFC 6030 examples ----
before=$(serials)
out=$(authadm key import "$DATA/rfc6030-figure2.pskcxml" 2>&1); rc=$?
is "$rc" 1 "RFC 6030 Figure 2 (a 4-byte secret) is refused"
like "$out" "secret is 4 bytes.*16\.\.64" "... naming the secret's length and the rule"
out=$(authadm key import "$DATA/rfc6030-figure6.pskcxml" 2>&1); rc=$?
is "$rc" 1 "RFC 6030 Figure 6 (AES-128-CBC encrypted) is refused: libpskc cannot decrypt"
like "$out" "encrypted key packages are not supported" "... saying why"
out=$(authadm key import "$DATA/rfc6030-figure10.pskcxml" 2>&1); rc=$?
is "$rc" 1 "RFC 6030 Figure 10 (bulk, serial 9999999 twice) is refused"
like "$out" "duplicate serial 9999999" "... naming the duplicate serial"
is "$(serials)" "$before" "nothing of those three files was imported"
unlike "$(authadm audit show --action key_import)" "key_import" "no key_import record for a refused file"

out=$(authadm key import "$DATA/rfc6030-figure3.pskcxml" 2>&1); rc=$?
is "$rc" 0 "RFC 6030 Figure 3 (plain HOTP key with its secret) is imported"
like "$out" "imported: 1" "... one key"
show=$(authadm key show 987654321)
like "$show" "^kind: hotp$" "Figure 3: kind hotp"
like "$show" "^state: stock$" "Figure 3: state stock (in the custodian's hands)"
like "$show" "^digits: 8$" "Figure 3: 8 digits, from its ResponseFormat"
like "$show" "^counter: 0$" "Figure 3: counter 0"
like "$show" "^holder: -$" "Figure 3: no holder"
like "$show" "^source: rfc6030-figure3.pskcxml" "Figure 3: the source file is recorded"
unlike "$show" "MTIzNDU2|3132333435" "key show never shows the secret"
js=$(authadm --json key show 987654321)
like "$js" '"digits":8,' "key show --json: numbers are JSON numbers"
like "$js" '"drift_applied":(null|-?[0-9]+)[,}]' "... drift_applied too (null for HOTP: no time drift)"
like "$js" '"holder":null' "... no holder is null"
like "$js" '"unit":null' "... and so is no unit"

out=$(authadm key import "$DATA/totp.pskcxml" 2>&1); rc=$?
is "$rc" 0 "a TOTP key in RFC 6030 form is imported"
show=$(authadm key show TOTP-6238)
like "$show" "^kind: totp$" "TOTP-6238: kind totp"
like "$show" "^period: 30$" "TOTP-6238: the TimeInterval is the period"
out=$(authadm key import "$DATA/rfc6030-figure3.pskcxml" 2>&1); rc=$?
is "$rc" 1 "importing Figure 3 a second time is refused (serial already in the inventory)"
like "$out" "987654321.*already in the inventory" "... naming the serial"

# ---- import: CSV ----
out=$(authadm key import "$DATA/keys.csv" 2>&1); rc=$?
is "$rc" 0 "the CSV file is imported"
like "$out" "imported: 7" "... seven keys"
list=$(authadm key list)
like "$list" "HOTP-4226 +hotp +0 +stock " "key list: HOTP-4226 hotp, hardware, in stock"
like "$list" "TOTP-0002 +totp +0 +stock +- +- +8 +60 " "key list: TOTP-0002 with its digits and period"
like "$(authadm key list --state stock)" "HOTP-0005" "key list --state stock"
like "$(key_field HOTP-0004 digits)" "^6$" "a digits column is taken (HOTP-0004: 6)"
before=$(serials)
out=$(authadm key import "$DATA/bad-hex.csv" 2>&1); rc=$?
is "$rc" 1 "a CSV file with a bad hex secret is refused"
like "$out" "line 3 .*BAD-0002|BAD-0002.*hex" "... naming the line or serial"
out=$(authadm key import "$DATA/dup-serial.csv" 2>&1); rc=$?
is "$rc" 1 "a CSV file with one serial twice is refused"
like "$out" "duplicate serial DUP-0001" "... naming the serial"
out=$(authadm key import "$DATA/dup-inventory.csv" 2>&1); rc=$?
is "$rc" 1 "a CSV file with a serial already in the inventory is refused"
like "$out" "HOTP-0002.*already in the inventory.*nothing imported" "... naming the serial; nothing imported"
is "$(serials)" "$before" "after the three refusals the inventory is unchanged (all or nothing)"
out=$(authadm key show NEW-0001 2>&1); is $? 1 "NEW-0001 (the good line before the duplicate) is not in the inventory"
out=$(authadm key show GOOD-0001 2>&1); is $? 1 "GOOD-0001 (the good line before the bad hex) is not in the inventory"
out=$(authadm key import "$T/no-such-file.csv" 2>&1); is $? 1 "a missing file is refused"

# ---- HOTP at login: RFC 4226 vectors, replay, look-ahead, resync (R4, R5) ----
new_user hank --unit ROOT --key HOTP-4226; is $? 0 "user add --key SERIAL binds a hardware key at creation"
like "$(user_field hank key)" "^HOTP-4226$" "user show: key HOTP-4226"
show=$(authadm key show HOTP-4226)
like "$show" "^state: bound$" "HOTP-4226 is bound"
like "$show" "^holder: hank$" "... to hank"
out=$(ulogin hank "$PW" 755224 "$UPW" "$UPW"); rc=$?
is "$rc" 0 "first login with counter 0's code (755224), password changed"
like "$out" "Password changed" "... the initial password was changed"
like "$(key_field HOTP-4226 counter)" "^1$" "the next expected counter is 1"
out=$(ulogin hank "$UPW" 755224); rc=$?
is "$rc" 1 "counter 0's code a second time is refused (replay)"
like "$out" "Authentication failed" "... with the generic failure"
out=$(ulogin hank "$UPW" 254676); is $? 0 "counter 5 (254676) is within the look-ahead window: accepted"
like "$(key_field HOTP-4226 counter)" "^6$" "the next expected counter is 6"
# (never more than 4 failures in a row here: the 5th would lock the account)
out=$(ulogin hank "$UPW" 969429); is $? 1 "counter 3 (969429), skipped over, is refused afterwards"
out=$(ulogin hank "$UPW" 338314); is $? 1 "counter 4 (338314) is refused too"
out=$(ulogin hank "$UPW" 254676); is $? 1 "counter 5 again (replay) is refused"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 17)"); is $? 1 "counter 17 (next expected 6 + 11) is just beyond the look-ahead window (10): refused"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 16)"); is $? 0 "counter 16 (6 + 10), the window's last code, is accepted"
like "$(key_field HOTP-4226 counter)" "^17$" "the next expected counter is 17"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 30)"); is $? 1 "counter 30 is beyond the look-ahead window: refused"
like "$(authadm audit show --action login --target hank)" "replayed OTP" "the replay is audited with its reason"
out=$(authadm key resync HOTP-4226 "$(hotp $RFC4226 40)" "$(hotp $RFC4226 42)" 2>&1); rc=$?
is "$rc" 1 "key resync with two codes that are not consecutive is refused"
out=$(authadm key resync HOTP-4226 "$(hotp $RFC4226 40)" "$(hotp $RFC4226 41)" 2>&1); rc=$?
is "$rc" 0 "key resync HOTP-4226 with counters 40 and 41"
like "$out" "counter: 42" "... the next expected counter is 42"
like "$(key_field HOTP-4226 counter)" "^42$" "key show: counter 42"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 42)"); is $? 0 "counter 42 logs in after the resync"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 42)"); is $? 1 "... and only once"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 41)"); is $? 1 "counter 41, used by the resync, is refused at login"
out=$(authadm key resync HOTP-4226 "$(hotp $RFC4226 20)" "$(hotp $RFC4226 21)" 2>&1); rc=$?
is "$rc" 1 "key resync cannot move the counter back to codes already behind it"
out=$(authadm key resync HOTP-4226 12345 123456 2>&1); is $? 2 "key resync with a 5-digit code: usage error"

# the 8-digit key of RFC 6030 Figure 3, bound afterwards with key bind
new_user jsmith --unit ROOT; is $? 0 "user add without a key"
like "$(user_field jsmith key)" "^-?$" "jsmith holds no key"
out=$(authadm key bind jsmith 987654321 2>&1); is $? 0 "key bind jsmith 987654321 (the Figure 3 key)"
out=$(ulogin jsmith "$PW" "$(hotp $RFC4226 0 8)" "$UPW" "$UPW"); rc=$?
is "$rc" 0 "jsmith logs in with the Figure 3 key's 8-digit code for counter 0 ($(hotp $RFC4226 0 8))"
out=$(ulogin jsmith "$UPW" "$(hotp $RFC4226 1)"); is $? 1 "a 6-digit code does not fit an 8-digit key"
out=$(ulogin jsmith "$UPW" "$(hotp $RFC4226 1 8)"); is $? 0 "counter 1's 8-digit code logs in"

# ---- TOTP hardware key: drift and resync (R36) ----
TOTP1=69ee75f83af011846661fc97e82d27378911a3c2
new_user tina --unit ROOT; is $? 0 "user add tina"
out=$(authadm key bind tina TOTP-0001 2>&1); is $? 0 "key bind tina TOTP-0001 (from the CSV)"
mid_step
out=$(ulogin tina "$PW" "$(htotp $TOTP1)" "$UPW" "$UPW"); is $? 0 "tina logs in with her hardware TOTP token"
like "$(key_field TOTP-0001 drift)" "^0$" "no drift seen yet"
# the token's clock runs 5 minutes (10 steps) ahead of authd's
mid_step
out=$(ulogin tina "$UPW" "$(htotp $TOTP1 10)"); is $? 1 "a token 10 steps ahead is refused at login (window +-1)"
mid_step
c1=$(htotp $TOTP1 10)
next_step
c2=$(htotp $TOTP1 10)
out=$(authadm key resync TOTP-0001 "$c1" "$c2" 2>&1); rc=$?
is "$rc" 0 "key resync TOTP-0001 with two consecutive codes of the drifted token"
like "$out" "drift: 10" "... the drift found is 10 steps"
show=$(authadm key show TOTP-0001)
like "$show" "^drift: 10$" "key show TOTP-0001: drift 10 (R36)"
like "$(authadm key list)" "TOTP-0001 +totp +0 +bound +tina +- +6 +30 +10 " "key list shows the drift too"
out=$(ulogin tina "$UPW" "$c2"); is $? 1 "the resync's second code is not accepted again at login"
mid_step
out=$(ulogin tina "$UPW" "$(htotp $TOTP1 10)"); is $? 0 "after the resync the drifted token logs in"
out=$(ulogin tina "$UPW" "$(htotp $TOTP1 10)"); is $? 1 "... and its code only once"
mid_step
out=$(ulogin tina "$UPW" "$(htotp $TOTP1 0)"); is $? 1 "a code at authd's own time (10 steps off the token) is refused now"
# the token drifts one step further: still within the window around the recorded drift, and recorded
mid_step
out=$(ulogin tina "$UPW" "$(htotp $TOTP1 11)"); is $? 0 "a further drift of one step is still accepted"
like "$(key_field TOTP-0001 drift)" "^11$" "... and key show records the drift seen: 11 (R36)"
like "$(authadm audit show --action key_resync)" "admin +key_resync +TOTP-0001 +ok" "the TOTP resync is audited"
like "$(authadm audit show --action key_resync)" "admin +key_resync +HOTP-4226 +ok" "the HOTP resync is audited"

# the TOTP key from the PSKC file works at login as well
new_user tom --unit ROOT --key TOTP-6238; is $? 0 "user add tom --key TOTP-6238 (from the PSKC file)"
mid_step
out=$(ulogin tom "$PW" "$(htotp $RFC4226)" "$UPW" "$UPW"); is $? 0 "tom logs in with the PSKC TOTP key"

# ---- states: one key per user, one holder per key ----
new_user spare --unit ROOT; is $? 0 "user add spare (no key)"
out=$(authadm key bind spare HOTP-4226 2>&1); rc=$?
is "$rc" 1 "binding a key that is bound to someone else is refused"
like "$out" "bound to hank" "... naming its holder"
out=$(authadm key bind hank HOTP-0002 2>&1); rc=$?
is "$rc" 1 "binding a second key to a user who holds one is refused"
like "$out" "already holds key HOTP-4226" "... naming the key held"
out=$(authadm key bind spare NO-SUCH-KEY 2>&1); is $? 1 "binding an unknown serial is refused"
out=$(authadm key bind nosuchuser HOTP-0002 2>&1); is $? 1 "binding to an unknown user is refused"
out=$(authadm user add xbound --unit ROOT --key HOTP-4226 2>&1); rc=$?
is "$rc" 1 "user add --key with a key bound to someone else is refused"
like "$out" "bound to hank" "... naming the holder"
out=$(authadm user show xbound 2>&1); is $? 1 "... and no account was made (one transaction)"
like "$(key_field HOTP-0002 state)" "^stock$" "... HOTP-0002 stays in stock"

# unbind: a hardware key returns to stock, and can be bound again
out=$(authadm key unbind hank 2>&1); rc=$?
is "$rc" 0 "key unbind hank"
like "$out" "serial: HOTP-4226" "... names the key"
like "$out" "state: returned" "... which is returned to stock"
show=$(authadm key show HOTP-4226)
like "$show" "^state: returned$" "key show: returned"
like "$show" "^holder: -$" "key show: no holder"
like "$show" "^returned: [0-9]{4}-" "key show: the return date"
like "$(user_field hank key)" "^-?$" "hank holds no key"
out=$(ulogin hank "$UPW" "$(hotp $RFC4226 43)"); is $? 1 "hank, keyless, cannot log in with the returned key's code"
out=$(authadm key unbind hank 2>&1); is $? 1 "unbinding a user who holds no key is refused"
out=$(authadm key bind spare HOTP-4226 2>&1); is $? 0 "the returned key is bound again, to spare"
like "$(key_field HOTP-4226 holder)" "^spare$" "... its holder is spare"
out=$(ulogin spare "$PW" "$(hotp $RFC4226 43)" "$UPW" "$UPW"); is $? 0 "spare logs in with it (the counter carried over)"

# a soft token that is unbound is retired: its seed was shown, it is never issued again
new_user sally --unit ROOT --soft-token; is $? 0 "user add sally --soft-token"
SOFT=$(user_field sally key)
like "$SOFT" "^SOFT-" "sally holds a soft token ($SOFT)"
out=$(authadm key unbind sally 2>&1); rc=$?
is "$rc" 0 "key unbind sally"
like "$out" "state: retired" "... the soft token is retired"
like "$(key_field "$SOFT" state)" "^retired$" "key show: retired"
out=$(authadm key bind hank "$SOFT" 2>&1); rc=$?
is "$rc" 1 "a retired soft token cannot be bound"
like "$out" "retired" "... saying it is retired"
out=$(authadm key lost "$SOFT" 2>&1); is $? 1 "a retired token cannot be declared lost"

# ---- a lost key (R11): holder frozen at once, key revoked for good ----
HEX3=b3475df4107aafba17b4917bb4360c5f8943b479
HEX4=e6f8a31cf82fa59cba567149a24193445a47bc0a
new_user lucy --unit ROOT --key HOTP-0003; is $? 0 "user add lucy --key HOTP-0003"
out=$(ulogin lucy "$PW" "$(hotp $HEX3 0)" "$UPW" "$UPW"); is $? 0 "lucy logs in with HOTP-0003"
out=$(authadm key lost HOTP-0003 --reason "left on a train" 2>&1); rc=$?
is "$rc" 0 "key lost HOTP-0003"
like "$out" "holder: lucy \(frozen\)" "... tells that the holder lucy is frozen"
like "$(user_field lucy state)" "^frozen$" "lucy is frozen at once (R11)"
like "$(user_field lucy freeze_reason)" "HOTP-0003 lost" "... the reason names the lost key"
show=$(authadm key show HOTP-0003)
like "$show" "^state: lost$" "key show: lost"
like "$show" "^revoked: [0-9]{4}-" "key show: the revocation date"
out=$(ulogin lucy "$UPW" "$(hotp $HEX3 1)"); rc=$?
is "$rc" 1 "lucy cannot log in any more"
like "$out" "Authentication failed" "... the generic failure"
out=$(authadm key bind spare HOTP-0003 2>&1); is $? 1 "a lost key cannot be bound (spare holds one anyway)"
new_user nokey --unit ROOT; is $? 0 "user add nokey"
out=$(authadm key bind nokey HOTP-0003 2>&1); rc=$?
is "$rc" 1 "a lost key cannot be bound to a keyless user: revoked for good"
like "$out" "lost" "... saying it is lost"
out=$(authadm user add xlost --unit ROOT --key HOTP-0003 2>&1); is $? 1 "user add --key with a lost key is refused"
out=$(authadm user show xlost 2>&1); is $? 1 "... and no account was made"
out=$(authadm key lost HOTP-0003 2>&1); is $? 1 "declaring it lost a second time is refused"
out=$(authadm key resync HOTP-0003 "$(hotp $HEX3 5)" "$(hotp $HEX3 6)" 2>&1); is $? 1 "a lost key cannot be resynced"
out=$(authadm user unfreeze lucy 2>&1); rc=$?
is "$rc" 1 "user unfreeze lucy is refused while her lost key is not replaced"
like "$out" "bind a new key first" "... the refusal names the missing step"
like "$(user_field lucy state)" "^frozen$" "lucy stays frozen"
out=$(authadm key bind lucy HOTP-0004 2>&1); is $? 0 "a new key (HOTP-0004) is bound to frozen lucy"
out=$(ulogin lucy "$UPW" "$(hotp $HEX4 0)"); is $? 1 "still frozen: the new key does not log her in before the unfreeze"
out=$(authadm user unfreeze lucy 2>&1); is $? 0 "now user unfreeze lucy is allowed"
like "$(user_field lucy state)" "^active$" "lucy is active"
out=$(ulogin lucy "$UPW" "$(hotp $HEX4 1)"); is $? 0 "lucy logs in with the new key"
out=$(ulogin lucy "$UPW" "$(hotp $HEX3 2)"); is $? 1 "the lost key's codes stay refused"

# ---- a custodian runs the life of a key (R15); an ordinary user cannot ----
new_user cust --unit ROOT --role custodian --soft-token; is $? 0 "user add cust --role custodian --soft-token"
CPW=$PW CSEC=$SEC
CNEW='Key-Keeper-2026!'
next_step
out=$(printf '%s\n' "$CPW" "$(totp "$CSEC")" "$CNEW" "$CNEW" |
    AUTHADM_SESSION=$T/cust-session "$AUTHADM_BIN" -c "$CONF" login -u cust 2>&1)
is $? 0 "the custodian logs in (first login: password changed)"
cadm() {
	AUTHADM_SESSION=$T/cust-session "$AUTHADM_BIN" -c "$CONF" "$@"
}
out=$(cadm key import "$DATA/custodian.csv" 2>&1); rc=$?
is "$rc" 0 "the custodian imports a CSV delivery"
like "$out" "imported: 2" "... two keys"
like "$(cadm key list)" "CUST-0001 +hotp +0 +stock" "the custodian lists the keys"
like "$(cadm key show HOTP-4226)" "holder: spare" "the custodian shows a key"

# damaged: the same as lost, done by the custodian
HEX5=f1d85da919737112ffcafcf59dc5c3bcf73568c9
new_user dan --unit ROOT; is $? 0 "user add dan"
out=$(cadm key bind dan HOTP-0005 2>&1); is $? 0 "the custodian binds HOTP-0005 to dan"
out=$(ulogin dan "$PW" "$(hotp $HEX5 0)" "$UPW" "$UPW"); is $? 0 "dan logs in with HOTP-0005"
out=$(cadm key damaged HOTP-0005 --reason "cracked display" 2>&1); rc=$?
is "$rc" 0 "the custodian registers HOTP-0005 as damaged"
like "$out" "holder: dan \(frozen\)" "... dan is frozen"
like "$(user_field dan state)" "^frozen$" "dan is frozen at once"
like "$(key_field HOTP-0005 state)" "^damaged$" "HOTP-0005 is damaged"
out=$(ulogin dan "$UPW" "$(hotp $HEX5 1)"); is $? 1 "dan cannot log in"
out=$(cadm key bind nokey HOTP-0005 2>&1); is $? 1 "a damaged key cannot be bound again"
out=$(authadm user unfreeze dan 2>&1); is $? 1 "user unfreeze dan is refused until a new key is bound"
out=$(cadm user unfreeze dan 2>&1); is $? 1 "the custodian cannot unfreeze an account (not a sysadmin)"
# the custodian keeps the unit's people's keys, never its administrators' (R1, R15)
ADMKEY=$(authadm user show admin | sed -n 's/^key: //p')
out=$(cadm key lost "$ADMKEY" 2>&1); is $? 1 "the custodian cannot declare the sysadmin's key lost"
like "$out" "outside your scope" "... outside its scope"
out=$(cadm key unbind admin 2>&1); is $? 1 "nor unbind the sysadmin's key"
like "$(authadm user show admin)" "state: active" "the sysadmin stays active"
like "$(authadm audit show --actor cust --action key_lost)" "key_lost .*fail" "the refused attempt is audited"
out=$(cadm key bind dan CUST-0001 2>&1); is $? 0 "the custodian binds CUST-0001 to dan"
out=$(authadm user unfreeze dan 2>&1); is $? 0 "then the administrator unfreezes dan"
out=$(ulogin dan "$UPW" "$(hotp bbcc0ee3284cf14ac0151fc152312ca478cf2d48 0)"); is $? 0 "dan logs in with CUST-0001"
out=$(cadm key lost CUST-0002 2>&1); is $? 0 "a key lost while in stock: registered, nobody to freeze"
unlike "$out" "holder: [a-z]" "... no holder named"
like "$(key_field CUST-0002 state)" "^lost$" "CUST-0002 is lost"
out=$(cadm key unbind tom 2>&1); is $? 0 "the custodian takes a key back (key unbind tom)"
out=$(cadm key resync HOTP-4226 "$(hotp $RFC4226 60)" "$(hotp $RFC4226 61)" 2>&1); is $? 0 "the custodian resyncs a key"

# an ordinary user has no key commands
out=$(AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" key list 2>&1); rc=$?
is "$rc" 1 "an ordinary user (dan, logged in) cannot list keys"
like "$out" "needs one of the roles: .*custodian" "... it needs a role such as custodian"
out=$(AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" key bind nokey HOTP-0002 2>&1); rc=$?
is "$rc" 1 "... nor bind a key"
out=$(AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" key lost HOTP-4226 2>&1); rc=$?
is "$rc" 1 "... nor declare one lost"
out=$(AUTHADM_SESSION=$T/user-session "$AUTHADM_BIN" -c "$CONF" key import "$DATA/dup-inventory.csv" 2>&1); rc=$?
is "$rc" 1 "... nor import keys"
like "$(key_field HOTP-4226 state)" "^bound$" "HOTP-4226 is still bound"
out=$(authadm key show NEW-0001 2>&1); is $? 1 "NEW-0001 was not imported"

# R11 "at once": when the custodian's own token is declared lost, its session ends with it
CSOFT=$(user_field cust key)
out=$(authadm key lost "$CSOFT" --reason "phone stolen" 2>&1); is $? 0 "key lost of the custodian's soft token ($CSOFT)"
like "$out" "holder: cust \(frozen\)" "... the custodian is frozen"
out=$(cadm key list 2>&1); is $? 3 "the custodian's open session is no longer valid"

# ---- custody: every move in the audit log, with who did it (R15) ----
log=$(authadm audit show)
like "$log" " admin +key_import +987654321 +ok" "audit: key_import of the PSKC key by admin"
like "$log" " admin +key_import +HOTP-4226 +ok" "audit: key_import of a CSV key by admin"
like "$log" " cust +key_import +CUST-0001 +ok" "audit: key_import by the custodian"
like "$log" " admin +key_bind +hank +ok .*serial=HOTP-4226" "audit: key_bind at user add --key"
like "$log" " admin +key_bind +jsmith +ok .*serial=987654321" "audit: key_bind by admin"
like "$log" " cust +key_bind +dan +ok .*serial=HOTP-0005" "audit: key_bind by the custodian"
like "$log" " admin +key_unbind +hank +ok .*serial=HOTP-4226 state=returned" "audit: key_unbind (returned)"
like "$log" " admin +key_unbind +sally +ok .*state=retired" "audit: key_unbind of a soft token (retired)"
like "$log" " cust +key_unbind +tom +ok" "audit: key_unbind by the custodian"
like "$log" " admin +key_lost +HOTP-0003 +ok +left on a train .*holder=lucy" "audit: key_lost with reason and holder"
like "$log" " admin +user_freeze +lucy +ok +key HOTP-0003 lost" "audit: the freeze of lucy by the loss"
like "$log" " cust +key_damaged +HOTP-0005 +ok +cracked display .*holder=dan" "audit: key_damaged by the custodian"
like "$log" " cust +user_freeze +dan +ok +key HOTP-0005 damaged" "audit: the freeze of dan, by the custodian's move"
like "$log" " cust +key_lost +CUST-0002 +ok" "audit: key_lost of a stock key"
like "$log" " cust +key_resync +HOTP-4226 +ok" "audit: key_resync by the custodian"
like "$log" " admin +user_unfreeze +lucy +ok" "audit: the unfreeze of lucy"
like "$log" " admin +user_unfreeze +dan +ok" "audit: the unfreeze of dan"
unlike "$(cat "$T/authd.log")" "$RFC4226|$HEX3|$HEX4|$HEX5|$TOTP1" "no secret in authd's log"
out=$(authadm audit verify 2>&1); rc=$?
is "$rc" 0 "audit verify: the chain of all these records is intact"
like "$out" "audit chain intact" "... says so"
done_testing
