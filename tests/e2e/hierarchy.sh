# --hierarchy: the tree is validated first (every violation named, nothing touched);
# apply goes parents first and rollback children first (proven from the logs'
# millisecond timestamps); --jobs; without --keep-going no site starts after a failure,
# with it the others go on and the failed site's children are skipped; exit 6.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
H=$T/h
sample_hierarchy "$H" all.xml

# --- validation: each violation named, exit 4, no site touched
v() { # NAME EXPECTED-MESSAGE: the hierarchy $T/v/NAME.xml must be refused
    hf check "$KB" --hierarchy "$T/v/$1.xml"
    expect_rc 4
    expect_err "$2"
}
mkdir -p "$T/v"
for s in CEN PRI SEC; do cp -r "$H/$s" "$T/v/"; done
sitexml "$T/v/CE2" CE2 central - 3
hier "$T/v/two.xml" CEN CE2 PRI
v two "2 central sites"
hier "$T/v/none.xml" PRI SEC
v none "no central site"
v none "site PRI names parent CEN, which is not in the hierarchy"
sitexml "$T/v/DUP" PRI primary CEN 3
hier "$T/v/dup.xml" CEN PRI DUP
v dup "code PRI is used twice"
sitexml "$T/v/CHI" CHI secondary SEC 2
hier "$T/v/sec.xml" CEN PRI SEC CHI
v sec "secondary site SEC has a child: CHI"
sitexml "$T/v/AAA" AAA primary BBB 3
sitexml "$T/v/BBB" BBB primary AAA 3
hier "$T/v/cycle.xml" CEN AAA BBB
v cycle "site AAA is in a cycle of parents"
v cycle "site BBB is in a cycle of parents"
sitexml "$T/v/BAD" "A-1" primary CEN 3
hier "$T/v/code.xml" CEN BAD
v code "site.xml.*pattern"
hier "$T/v/gone.xml" CEN NOWHERE
v gone "NOWHERE"
printf '<hierarchy xmlns="urn:hotfix:hierarchy:1"/>\n' > "$T/v/empty.xml"
v empty "hierarchy"
printf '<!DOCTYPE x [<!ENTITY e "e">]><hierarchy xmlns="urn:hotfix:hierarchy:1"><site root="CEN"/></hierarchy>\n' > "$T/v/dtd.xml"
v dtd "DOCTYPE"
# several violations at once: all named
hier "$T/v/many.xml" CEN CE2 PRI SEC CHI DUP
v many "2 central sites"
v many "secondary site SEC has a child: CHI"
v many "code PRI is used twice"
for d in "$T"/v/*/; do [ ! -e "$d/.hotfix" ] || fail "validation touched $d"; done
hf apply "$KB" --site "$H/CEN" --hierarchy "$H/all.xml"
expect_rc 2
hf apply "$KB" --hierarchy "$H/all.xml" --jobs 0
expect_rc 2

# --- dry run: check of every site, nothing written
hf apply "$KB" --hierarchy "$H/all.xml" --dry-run
expect_rc 0
expect_out "check summary (5 sites)"
# a dry run counts the files apply would replace, and ends with its totals
expect_out "^CEN  central   3   install            3 "
expect_out "^OLD  secondary 1   not-applicable     0 "
tail -n 1 "$T/out" | grep -q '^4 install, 1 not-applicable in [0-9]*\.[0-9] s$' || fail "dry run: totals line"
for s in CEN PRI SEC PR2 OLD; do [ ! -e "$H/$s/.hotfix" ] || fail "dry run created $s/.hotfix"; done

# --- apply, parents first, 3 at once
hf apply "$KB" --hierarchy "$H/all.xml" --jobs 3
expect_rc 0
expect_out "^SEC  secondary 2   applied            3"
expect_out "^OLD  secondary 1   not-applicable     0"
expect_err "CEN .*: apply started"
for pair in CEN:PRI CEN:PR2 PRI:SEC; do
    p=${pair%%:*} c=${pair##*:}
    done_at=$(logtime "$H/$p" KB936465 "apply: done")
    start_at=$(logtime "$H/$c" KB936465 "apply: start")
    [ -n "$done_at" ] && [ -n "$start_at" ] || fail "no log times for $p/$c"
    [ ! "$start_at" \< "$done_at" ] || fail "$c started ($start_at) before its parent $p was done ($done_at)"
done
# again: everything current, exit 0
hf apply "$KB" --hierarchy "$H/all.xml" --jobs 3 -q
expect_rc 0
expect_out "current"

# --- rollback, children first
hf rollback KB936465 --hierarchy "$H/all.xml" --jobs 3
expect_rc 0
expect_out "^OLD  secondary 1   not-installed"
for pair in PRI:SEC CEN:PRI CEN:PR2; do
    p=${pair%%:*} c=${pair##*:}
    done_at=$(logtime "$H/$c" KB936465 "rollback: done")
    start_at=$(logtime "$H/$p" KB936465 "rollback: start")
    [ ! "$start_at" \< "$done_at" ] || fail "parent $p rolled back ($start_at) before child $c was done ($done_at)"
done

# --- a failing site in the middle: PRI has a modified file (conflict)
mkdir -p "$T/cab"; gcab -x -C "$T/cab" "$TOP/payloads/KB936465.cab" || fail gcab
cp "$T/cab/SP3/i386/Distmgr.dll" "$H/PRI/bin/i386/Distmgr.dll"
printf 'x' >> "$H/PRI/bin/i386/Distmgr.dll"
hier "$H/order.xml" CEN PRI PR2 SEC OLD
hf apply "$KB" --hierarchy "$H/order.xml" --jobs 1
expect_rc 6
expect_out "^CEN  central   3   applied"
expect_out "^PRI  primary   3   conflict"
expect_out "^PR2  primary   3   skipped .*an earlier site failed"
expect_out "^SEC  secondary 2   skipped .*PRI (the parent) did not succeed"
tail -n 1 "$T/out" | grep -q '^1 conflict, 1 applied, 3 skipped in [0-9]*\.[0-9] s$' || fail "mixed results: totals line"
installed "$H/PR2" KB936465 && fail "PR2 was started after the failure without --keep-going"
hf apply "$KB" --hierarchy "$H/order.xml" --jobs 2 --keep-going --json
expect_rc 6
jq -e '.schema == "urn:hotfix:apply:1" and .exit == 6 and (.sites | length) == 5' "$T/out" >/dev/null || fail "apply --json: shape"
jq -e '[.summary[] | select(.site == "PR2")][0].result == "applied"' "$T/out" >/dev/null || fail "--keep-going: PR2 not applied"
jq -e '[.summary[] | select(.site == "SEC")][0].result == "skipped"' "$T/out" >/dev/null || fail "--keep-going: SEC not skipped"
jq -e '[.sites[] | select(.site == "PRI")][0].result == "conflict"' "$T/out" >/dev/null || fail "PRI's own report is missing"
jq -e '.totals | keys_unsorted == ["current", "conflict", "not-applicable", "applied", "skipped", "seconds"] and .current == 1 and .conflict == 1 and ."not-applicable" == 1 and .applied == 1 and .skipped == 1 and (.seconds | type) == "number"' "$T/out" >/dev/null || fail "apply --json: totals"
installed "$H/SEC" KB936465 && fail "SEC got the hotfix while its parent failed"

# --- a busy site: reported busy, its children skipped
rm "$H/PRI/bin/i386/Distmgr.dll"; cp "$T/cab/SP3/i386/Distmgr.dll" "$H/PRI/bin/i386/"
mkdir -p "$H/PRI/.hotfix"; : > "$H/PRI/.hotfix/lock"
flock -o -x "$H/PRI/.hotfix/lock" sh -c "echo \$\$ > '$T/sleeper'; exec sleep 30" > /dev/null 2>&1 &
holder=$!
i=0; while [ ! -s "$T/sleeper" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
hf apply "$KB" --hierarchy "$H/order.xml" --keep-going
expect_rc 6
expect_out "^PRI  primary   3   busy"
expect_out "^SEC  secondary 2   skipped"
kill "$(cat "$T/sleeper")" 2>/dev/null; wait $holder 2>/dev/null
hf apply "$KB" --hierarchy "$H/order.xml" -q
expect_rc 0

# --- rollback rehearsal in check: ok everywhere, then a damaged backup at SEC
hf check "$KB" --hierarchy "$H/order.xml"
expect_rc 0
expect_out_count "rollback rehearsal: ok" 4   # OLD is not applicable: no plan
printf 'x' >> "$H/SEC/.hotfix/backup/KB936465/bin/i386/Distmgr.dll"
hf check "$KB" --hierarchy "$H/order.xml" --json
expect_rc 6
jq -e '[.sites[] | select(.site == "SEC")][0] | .result == "rehearsal-failed" and .rollback_rehearsal.ok == false and .rollback_rehearsal.backups_bad == 1' "$T/out" >/dev/null || fail "rehearsal: SEC"
jq -e '[.sites[] | select(.site == "CEN")][0].rollback_rehearsal.ok == true' "$T/out" >/dev/null || fail "rehearsal: CEN"
expect_err "SEC: rollback rehearsal failed: the backup of bin/i386/Distmgr.dll for KB936465 is damaged"

# --- progress: a live line only on a terminal (tests/e2e/progress.sh has the rest)
if command -v script >/dev/null 2>&1; then
    script -qec "$BIN recover --hierarchy '$H/all.xml' >/dev/null" "$T/tty.log" > /dev/null 2>&1
    grep -q "$(printf '\033')\[Ksites: 5 of 5 done" "$T/tty.log" || fail "no progress line on a terminal"
fi
hf recover --hierarchy "$H/all.xml"
grep -q "$(printf '\033')" "$T/err" && fail "escape codes on stderr that is not a terminal"
expect_err "CEN: nothing (exit 0"
hf recover --hierarchy "$H/all.xml" -q
[ ! -s "$T/err" ] || fail "-q: stderr is not silent"

# --- nothing applicable anywhere: exit 3
sitexml "$T/na/C1" NA1 central - 1
sitexml "$T/na/C2" NA2 primary NA1 1
hier "$T/na/h.xml" C1 C2
hf apply "$KB" --hierarchy "$T/na/h.xml"
expect_rc 3

# --- under a parent that is not applicable, a child that is applicable is checked first
# and skipped (a child never gets newer hotfix files than its parent): nothing changes
sitexml "$T/na/C3" NA3 central - 1
site "$T/na/P3" NP3 primary NA3 3
hier "$T/na/h3.xml" C3 P3
before=$(snapshot "$T/na/P3")
hf apply "$KB" --hierarchy "$T/na/h3.xml"
expect_rc 1
expect_err "hotfix: NP3: not applied: its parent NA3 is not applicable, and a child never gets newer hotfix files than its parent"
expect_out "^NP3  primary   3   skipped"
[ "$(snapshot "$T/na/P3")" = "$before" ] || fail "a child under a parent not applicable was changed"

# --- recover across the hierarchy
hf recover --hierarchy "$H/all.xml"
expect_rc 0
expect_out "recover summary"
echo "hierarchy: ok"
