# The hash-chained transaction log and signed receipts: every outcome -- applied, rolled
# back, failed and undone, recovered after a crash -- is a record of SITE/.hotfix/txlog;
# `audit --verify-log` finds an edited, removed, reordered or cut record; receipts signed
# with a site's key (--receipt-key) prove to the central site what each site reported.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
"$TOP/scripts/make-pki" "$T/pki" site 30 > /dev/null || fail "make-pki"
KEY=$T/pki/site-signer.key CERT=$T/pki/site-signer.pem SITECA=$T/pki/site-ca.pem
field() { sed -n "${2}p" "$1/.hotfix/txlog" | tr ' ' '\n' | sed -n "s/^$3=//p"; }

site "$T/s" CEN central - 3
hf audit --verify-log --site "$T/s"
expect_rc 0; expect_out "CEN: transaction log: empty (no transaction yet)"

# 1 applied (with a receipt), 2 rolled back, 3 failed at the swap and undone,
# 4 applied with a crash after the commit and finished by recovery
hf apply "$KB" --site "$T/s" --receipt-key "$KEY" --receipt-cert "$CERT"
expect_rc 0; expect_out "receipt: $T/s/.hotfix/receipts/00000001.p7s (signed)"
hf rollback KB936465 --site "$T/s" -q
expect_rc 0
cp -a "$T/s" "$T/probe"
HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" apply "$KB" --site "$T/probe" -q 2> "$T/trace" > /dev/null
k=$(sed -n 's/^hotfix-fault: op \([0-9]*\) rename Basesvr.dll$/\1/p' "$T/trace" | head -n 1)
[ -n "$k" ] || fail "no swap of Basesvr.dll in the trace"
HOTFIX_FAULT=eio:$k $WRAP "$FAULT_BIN" apply "$KB" --site "$T/s" -q > "$T/out" 2> "$T/err"
RC=$?; expect_rc 1
# the crash: just after installed.xml is renamed into place (the commit)
c=$(sed -n 's/^hotfix-fault: op \([0-9]*\) rename installed.xml$/\1/p' "$T/trace" | head -n 1)
[ -n "$c" ] || fail "no commit in the trace"
(HOTFIX_FAULT=crash:$((c + 1)) "$FAULT_BIN" apply "$KB" --site "$T/s" -q) > /dev/null 2>&1
[ -e "$T/s/.hotfix/journal" ] || fail "the crash left no journal"
hf recover --site "$T/s"
expect_rc 0
[ "$(wc -l < "$T/s/.hotfix/txlog")" = 4 ] || { cat "$T/s/.hotfix/txlog"; fail "expected 4 records"; }
[ "$(field "$T/s" 1 op) $(field "$T/s" 1 result)" = "apply committed" ] || fail "record 1"
[ "$(field "$T/s" 2 op) $(field "$T/s" 2 result)" = "rollback committed" ] || fail "record 2"
[ "$(field "$T/s" 3 result) $(field "$T/s" 3 step) $(field "$T/s" 3 by)" = "undone swap command" ] ||
    fail "record 3: $(sed -n 3p "$T/s/.hotfix/txlog" | cut -c1-300)"
[ "$(field "$T/s" 4 result) $(field "$T/s" 4 by)" = "committed recovery" ] ||
    fail "record 4: $(sed -n 4p "$T/s/.hotfix/txlog" | cut -c1-300)"
[ "$(field "$T/s" 4 registry)" = "$(sha256sum "$T/s/.hotfix/installed.xml" | cut -d' ' -f1)" ] ||
    fail "record 4 does not name installed.xml's hash"
[ "$(field "$T/s" 2 prev)" = "$(sed -n 1p "$T/s/.hotfix/txlog" | cut -c1-64)" ] || fail "not chained"
hf recover --site "$T/s" # nothing pending: no record
[ "$(wc -l < "$T/s/.hotfix/txlog")" = 4 ] || fail "a command with nothing to do added a record"
hf audit --verify-log --site "$T/s" --trust "$SITECA"
expect_rc 0
expect_out "CEN: transaction log: 4 record(s), chain intact, head .*, ends at installed.xml as it is; 1 receipt(s) verified"
# the receipt is the record, signed: openssl agrees
openssl cms -verify -binary -inform DER -in "$T/s/.hotfix/receipts/00000001.p7s" \
    -content "$T/s/.hotfix/receipts/00000001.txt" -CAfile "$SITECA" -purpose any \
    -out /dev/null 2> "$T/ossl" || { cat "$T/ossl"; fail "openssl cms rejects the receipt"; }
sed -n 1p "$T/s/.hotfix/txlog" > "$T/rec1"
cmp -s "$T/s/.hotfix/receipts/00000001.txt" "$T/rec1" ||
    fail "the receipt is not record 1"
# against a CA that did not issue the site's key: the receipt fails
hf audit --verify-log --site "$T/s" --trust "$TRUST"
expect_rc 1; expect_out "receipt 1: .*signature does not verify"

cp "$T/s/.hotfix/txlog" "$T/good"
tamper() { # SED-SCRIPT WHAT EXPECTED
    cp "$T/good" "$T/s/.hotfix/txlog"
    sed -i "$1" "$T/s/.hotfix/txlog"
    hf audit --verify-log --site "$T/s" --trust "$SITECA"
    [ "$RC" = 1 ] || fail "$2 was not detected"
    expect_out "$3"
}
tamper '3s/step=swap/step=stage/' "an edited record" "record 3: its hash does not match its content (edited)"
tamper '2d' "a removed record" "record 2: says it is record 3"
tamper '2{h;d};3G' "two swapped records" "does not follow record"
tamper '$d' "a record cut from the end" "the last record (3) does not leave installed.xml as it is"
tamper '1s/KB936465/KB936466/' "an edited record with a receipt" "receipt 1: the log's record 1 is not what was signed"
cp "$T/good" "$T/s/.hotfix/txlog"
hf audit --verify-log --site "$T/s" --format csv
expect_rc 2; expect_err "verify-log prints text, or JSON"

# a hierarchy: the central site checks every site's log and receipts, in JSON
sample_hierarchy "$T/h" sites.xml
hf apply "$KB" --hierarchy "$T/h/sites.xml" --receipt-key "$KEY" --receipt-cert "$CERT" -q
expect_rc 0
hf audit --verify-log --hierarchy "$T/h/sites.xml" --trust "$SITECA" --format json
expect_rc 0
python3 - "$T/out" <<'PY' || fail "verify-log JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "urn:hotfix:verify-log:1" and d["intact"], d
by = {s["site"]: s for s in d["sites"]}
assert set(by) == {"CEN", "PRI", "SEC", "PR2", "OLD"}, by
for code in ("CEN", "PRI", "SEC", "PR2"):   # applied: one record, one receipt each
    assert by[code]["records"] == 1 and by[code]["receipts_verified"] == 1, by[code]
assert by["OLD"]["records"] == 0, by["OLD"]  # SP1: not applicable, no transaction
PY
sed -i 's/result=committed/result=undone/' "$T/h/SEC/.hotfix/txlog"
hf audit --verify-log --hierarchy "$T/h/sites.xml" --trust "$SITECA"
expect_rc 1
expect_out "SEC: transaction log: .*PROBLEM"
expect_out "CEN: transaction log: 1 record(s), chain intact"
echo "txlog: ok"
