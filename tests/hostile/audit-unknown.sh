# An audit never reports what it did not see.  A site that is busy (its lock held), a
# target file or site.xml that cannot be read (here: EACCES, the audit run as nobody), a
# damaged journal: each is "unknown" -- never compliant -- in every format (text, JSON,
# CSV, XML against manifests/audit.xsd, DOT), in the site's and the hierarchy's totals, and
# the audit exits 7 (incomplete) even when other sites are required (1).  It never waits
# for the lock, and every site is byte-identical afterwards.
. tests/lib.sh
. tests/hostile/lib.sh
PY=/usr/bin/python3
chmod 755 "$T" # nobody must reach the sites
H=$T/h
sample_hierarchy "$H" h.xml # CEN -> PRI -> SEC; CEN -> PR2 -> OLD (SP1: not applicable)
hf apply "$KB" --hierarchy "$H/h.xml" -q
expect_rc 0
hf audit "$KB" --hierarchy "$H/h.xml"
expect_rc 0
expect_out "^totals: 4 installed, 0 required, 1 not applicable, 0 unknown$"
expect_out "^compliant$"

# hsnap: every site of the hierarchy, byte by byte (fullsnap: .hotfix too)
hsnap() { for s in CEN PRI SEC PR2 OLD; do echo "== $s"; fullsnap "$H/$s"; done; }

# unknown_everywhere WHAT CODE REASON "I R N U" -- ARGS...: audit ARGS in every format.
# Each: exit 7 at once; the site CODE ("?": its site.xml was not read) is unknown, a
# record of it unknown with REASON (an extended regular expression); the totals are
# I installed, R required, N not applicable, U unknown; the verdict is incomplete, never
# compliant; the sites are byte-identical afterwards.
unknown_everywhere() {
    what=$1 code=$2 reason=$3
    # shellcheck disable=SC2086
    set -- $4 "$@"
    ti=$1 tr=$2 tn=$3 tu=$4
    shift 9
    snap=$(hsnap)
    fmts="text json csv xml dot"
    if [ -n "$WRAP" ]; then # under valgrind one format a case, each in turn
        UE_N=$(( ${UE_N:-0} + 1 ))
        fmts=$(echo "$fmts" | cut -d' ' -f$(( (UE_N - 1) % 5 + 1 )))
    fi
    limit=10; [ -n "$WRAP" ] && limit=30 # (a second or more a run under valgrind)
    for fmt in $fmts; do
        t0=$(date +%s)
        hf audit "$@" --format "$fmt"
        expect_rc 7
        [ $(( $(date +%s) - t0 )) -lt $limit ] || fail "$what: the audit waited"
        case $fmt in
        text)
            grep -Eq -- "$reason" "$T/out" || fail "$what: text lacks the reason '$reason'"
            if [ "$code" = "?" ]; then expect_out "^site ? (.*): unknown$"
            else expect_out "^site $code: unknown$"; fi
            expect_out "^totals: $ti installed, $tr required, $tn not applicable, $tu unknown$"
            expect_out "^INCOMPLETE"
            expect_no_out "^compliant"
            ;;
        json)
            jq -e --arg code "$code" --arg reason "$reason" --argjson t \
                "{\"installed\":$ti,\"required\":$tr,\"not_applicable\":$tn,\"unknown\":$tu}" '
                .compliant == false and .complete == false and .verdict == "incomplete" and
                .totals == $t and
                ([.sites[] | select((.site // "?") == $code)][0] |
                    .verdict == "unknown" and .compliant == false and .complete == false and
                    .totals.unknown >= 1) and
                ([.records[] | select((.site // "?") == $code and .root != null and
                    .verdict == "unknown" and
                    .state == "unknown" and (.note | test($reason)))] | length >= 1) and
                ([.sites[] | .totals.unknown] | add) == $t.unknown' "$T/out" >/dev/null ||
                fail "$what: JSON"
            ;;
        csv)
            $PY - "$T/out" "$code" "$reason" "$ti $tr $tn $tu" <<'PY' || fail "$what: CSV"
import csv, re, sys
path, code, reason, totals = sys.argv[1:]
code = "" if code == "?" else code
rows = list(csv.DictReader(open(path, newline="")))
mine = [r for r in rows if r["site"] == code]
assert mine and all(r["site_verdict"] == "unknown" and r["root"] for r in mine), mine
assert any(r["verdict"] == "unknown" and r["state"] == "unknown" and re.search(reason, r["note"])
           for r in mine), mine
pairs = {}
for r in rows:
    pairs[(r["site"], r["hotfix"], r["servicepack"])] = r["state"]
want = dict(zip(["installed", "required", "not-applicable", "unknown"], map(int, totals.split())))
got = {k: list(pairs.values()).count(k) for k in want}
assert got == want, (got, want)
PY
            ;;
        xml)
            xmllint --noout --schema "$TOP/manifests/audit.xsd" "$T/out" 2>"$T/xmllint" ||
                { cat "$T/xmllint"; fail "$what: XML does not validate"; }
            x() { xmllint --xpath "$1" "$T/out"; }
            [ "$(x 'string(/*/@verdict)')" = incomplete ] || fail "$what: XML verdict"
            [ "$(x 'string(/*/@compliant)')" = false ] || fail "$what: XML compliant"
            [ "$(x 'string(/*/@complete)')" = false ] || fail "$what: XML complete"
            [ "$(x 'string(/*/@total-installed) ')$(x 'string(/*/@total-required)') $(x 'string(/*/@total-not-applicable)') $(x 'string(/*/@total-unknown)')" = "$ti$tr $tn $tu" ] ||
                fail "$what: XML totals"
            if [ "$code" = "?" ]; then sel='*[local-name()="site"][not(@code)]'
            else sel="*[local-name()=\"site\"][@code=\"$code\"]"; fi
            [ "$(x "string(/*/$sel/@verdict)")" = unknown ] || fail "$what: XML site verdict"
            [ "$(x "count(/*/$sel/*[@verdict=\"unknown\"][@state=\"unknown\"])")" -ge 1 ] ||
                fail "$what: XML unknown record"
            grep -Eq -- "$reason" "$T/out" || fail "$what: XML lacks the reason"
            ;;
        dot)
            dot -Tsvg "$T/out" > "$T/a.svg" || fail "$what: dot -Tsvg"
            grep -q 'label="hotfix audit: INCOMPLETE' "$T/out" || fail "$what: DOT title"
            if [ "$code" = "?" ]; then
                grep -q 'label="site.xml not read\\nunknown", fillcolor="gold"' "$T/out" ||
                    fail "$what: DOT unseen site"
            else
                grep -q "^  \"$code\" .*unknown\", fillcolor=\"gold\"" "$T/out" ||
                    fail "$what: DOT $code"
            fi
            ! grep -q 'palegreen' "$T/out" || [ "$ti" -gt 0 ] || fail "$what: DOT green"
            ;;
        esac
    done
    now=$(hsnap)
    if [ "$now" != "$snap" ]; then
        echo "$snap" > "$T/snap.before"
        fail "$what: a site changed: $(echo "$now" | diff "$T/snap.before" - | head -n 20)"
    fi
    CASES=$((CASES + 1))
    echo "ok: $what"
}

# 1. busy: another process holds SEC's lock -- in a hierarchy, then alone
rm -f "$T/ready"
flock -o -x "$H/SEC/.hotfix/lock" sh -c "touch '$T/ready'; exec sleep 60" >/dev/null 2>&1 &
holder=$!
i=0; while [ ! -f "$T/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$T/ready" ] || fail "flock(1) did not take the lock"
unknown_everywhere "busy site in a hierarchy" SEC "is busy: pid $holder \(flock" "3 0 1 1" -- \
    "$KB" --hierarchy "$H/h.xml"
expect_err "SEC: not audited, reported unknown: site SEC .* is busy: pid $holder"
unknown_everywhere "busy site alone" SEC "is busy: pid $holder \(flock" "0 0 0 1" -- \
    "$KB" --site "$H/SEC"
# not even with a required site elsewhere is it anything but incomplete (7, not 1)
mkdll "$T/old-distmgr.dll" 2.50.4253.3000 421888
cp -p "$H/PR2/bin/i386/Distmgr.dll" "$T/distmgr.keep"
cp "$T/old-distmgr.dll" "$H/PR2/bin/i386/Distmgr.dll"
unknown_everywhere "busy site beside a required one" SEC "is busy: pid $holder" "2 1 1 1" -- \
    "$KB" --hierarchy "$H/h.xml"
[ "$fmt" = dot ] || hf audit "$KB" --hierarchy "$H/h.xml" --format dot # (valgrind's turn)
grep -q '^  "PR2" .*not compliant.*fillcolor="salmon"' "$T/out" || fail "PR2 is not drawn required"
kill "$holder"; wait "$holder" 2>/dev/null

# 2. unreadable: a target file, then a whole directory, that nobody may read (the audit
# runs as nobody: root reads anything), beside PR2 still required
saved_wrap=$WRAP saved_kb=$KB saved_bin=$BIN
WRAP="setpriv --reuid=65534 --regid=65534 --clear-groups $WRAP"
# nobody runs a copy of hotfix on a copy of the manifest: the checkout may lie where
# nobody cannot reach (a clone in a private directory)
install -d -m 0755 "$T/kb"; install -m 0644 "$KB" "$KB.p7s" "$T/kb/"
install -m 0755 "$BIN" "$T/kb/hotfix"
KB=$T/kb/$(basename "$KB") BIN=$T/kb/hotfix
chmod 000 "$H/PRI/bin/i386/Basesvr.dll"
unknown_everywhere "unreadable file in a hierarchy" PRI \
    "bin/i386/Basesvr.dll: Permission denied" "2 1 1 1" -- "$KB" --hierarchy "$H/h.xml"
hf audit "$KB" --hierarchy "$H/h.xml"
expect_out "^unknown: PRI bin/i386/Basesvr.dll: cannot open: .*Permission denied$"
expect_out "^PRI .* bin/i386/Baseutil.dll .* ok"   # the other files are still audited
expect_out "^site PR2: not compliant"
unknown_everywhere "unreadable file alone" PRI "Basesvr.dll: Permission denied" "0 0 0 1" -- \
    "$KB" --site "$H/PRI"
chmod 644 "$H/PRI/bin/i386/Basesvr.dll"
chmod 000 "$H/PRI/bin/i386"
unknown_everywhere "unreadable directory" PRI "Distmgr.dll: Permission denied" "0 0 0 1" -- \
    "$KB" --site "$H/PRI"
hf audit "$KB" --site "$H/PRI"
expect_out_count "^unknown: PRI " 3
chmod 755 "$H/PRI/bin/i386"

# 3. unreadable site.xml: the site is there, but who it is cannot be read
chmod 000 "$H/SEC/site.xml"
unknown_everywhere "unreadable site.xml in a hierarchy" "?" \
    "SEC/site.xml: cannot open: Permission denied" "2 1 1 1" -- "$KB" --hierarchy "$H/h.xml"
unknown_everywhere "unreadable site.xml alone" "?" \
    "SEC/site.xml: cannot open: Permission denied" "0 0 0 1" -- "$KB" --site "$H/SEC"
chmod 644 "$H/SEC/site.xml"
WRAP=$saved_wrap KB=$saved_kb BIN=$saved_bin

# 4. damaged: a journal the reader's recovery refuses (files between two states)
cp -p "$T/distmgr.keep" "$H/PR2/bin/i386/Distmgr.dll"
printf 'hotfix-journal 1\nop apply\nid KB936465\nthis is not a journal\n' > "$H/PR2/.hotfix/journal"
unknown_everywhere "damaged journal in a hierarchy" PR2 "PR2: cannot recover: .*journal" \
    "3 0 1 1" -- "$KB" --hierarchy "$H/h.xml"
unknown_everywhere "damaged journal alone" PR2 "cannot recover: .*journal" "0 0 0 1" -- \
    "$KB" --site "$H/PR2"
[ -f "$H/PR2/.hotfix/journal" ] || fail "the damaged journal was removed"
rm "$H/PR2/.hotfix/journal"

# every site seen again: compliant, exit 0
hf audit "$KB" --hierarchy "$H/h.xml" --format json
expect_rc 0
jq -e '.compliant and .complete and .verdict == "compliant" and .totals.unknown == 0' "$T/out" \
    >/dev/null || fail "not compliant again"
echo "audit-unknown: $CASES cases ok"
