# Rings and the failure budget (issue 20): a 20-site hierarchy in three rings -- ring 0
# (the canary: C00, P00), ring 1 (7 sites, given), ring 2 (11 sites without a ring: the
# last) -- with small files.  An invalid ring order or ring is refused before anything
# runs; with --max-fail 1 the run halts at the second conflict of ring 1 and every site
# it never started, every site of ring 2 among them, is byte for byte as before (text
# and JSON, exit 6); with a budget large enough (15% of 20 = 3) ring 2 runs, 2 at once,
# after ring 1 ended (from the logs), exit 6; rollback goes the rings in reverse; a
# failed canary keeps rings 1 and 2 from starting; without --max-fail, the words and
# exit status of before budgets.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
for v in 1.0.0.0 1.0.0.1; do mkdir -p "$T/$v"; mkdll "$T/$v/t.dll" "$v" 8192; done
mkdir -p "$T/pkg/payloads" "$T/pkg/manifests" "$T/pkg/stage/SP3"
cp "$T/1.0.0.1/t.dll" "$T/pkg/stage/SP3/"
tar -cf "$T/pkg/payloads/TINY1.tar" -C "$T/pkg/stage" SP3/t.dll
M=$T/pkg/manifests/TINY1.xml
onefile "$M" TINY1 ../payloads/TINY1.tar bin/t.dll SP3/t.dll "$T/1.0.0.1/t.dll"

# CODE TYPE PARENT RING (- : none, the last ring)
cat > "$T/tree" <<'TREE'
C00 central - 0
P00 primary C00 0
P01 primary C00 1
P02 primary C00 1
P03 primary C00 1
P04 primary C00 1
P05 primary C00 1
S01 secondary P01 1
S02 secondary P02 1
P06 primary C00 -
P07 primary C00 -
S03 secondary P03 -
S04 secondary P04 -
S05 secondary P05 -
S06 secondary P06 -
S07 secondary P07 -
S08 secondary P00 -
S09 secondary P01 -
S10 secondary P06 -
S11 secondary P07 -
TREE
ring_of() { awk -v c="$1" '$1 == c { print ($4 == "-" ? 2 : $4) }' "$T/tree"; }
codes() { awk -v r="$1" '($4 == "-" ? 2 : $4) == r { print $1 }' "$T/tree"; }
H=$T/h.xml
echo '<hierarchy xmlns="urn:hotfix:hierarchy:1">' > "$H"
while read -r code type parent ring; do
    sitexml "$T/s/$code" "$code" "$type" "$parent" 3
    mkdir -p "$T/s/$code/bin"; cp "$T/1.0.0.0/t.dll" "$T/s/$code/bin/"
    if [ "$ring" = - ]; then r=""; else r=" ring=\"$ring\""; fi
    echo "<site root=\"s/$code\"$r/>" >> "$H"
done < "$T/tree"
echo '</hierarchy>' >> "$H"
[ "$(grep -c '<site ' "$H")" -eq 20 ] || fail "not 20 sites"
# ring 1's conflicts: P02, P04 and P05 have a t.dll of their own
for c in P02 P04 P05; do cp "$T/1.0.0.1/t.dll" "$T/s/$c/bin/t.dll"; printf x >> "$T/s/$c/bin/t.dll"; done
snap_all() { mkdir -p "$1"; for c in $(cut -d' ' -f1 "$T/tree"); do snapshot "$T/s/$c" > "$1/$c"; done; }
same() { # DIR CODE...: each site as in the snapshots of DIR
    d=$1; shift
    for c in "$@"; do
        snapshot "$T/s/$c" | cmp -s - "$d/$c" || fail "$c changed: $(snapshot "$T/s/$c" | diff "$d/$c" - | head -n 5)"
    done
}
snap_all "$T/snap0"

# --- an invalid ring order: P01 (ring 0) under C00 (ring 1): exit 4, nothing ran
sed -e 's|"s/C00" ring="0"|"s/C00" ring="1"|' -e 's|"s/P01" ring="1"|"s/P01" ring="0"|' "$H" > "$T/bad.xml"
hf apply "$M" --hierarchy "$T/bad.xml" --max-fail 2
expect_rc 4
expect_err "site P01 (ring 0) has its parent C00 in a later ring (1)"
expect_err "site P00 (ring 0) has its parent C00 in a later ring (1)"
hf rollback TINY1 --hierarchy "$T/bad.xml"
expect_rc 4
same "$T/snap0" $(cut -d' ' -f1 "$T/tree")
for c in $(cut -d' ' -f1 "$T/tree"); do [ ! -e "$T/s/$c/.hotfix" ] || fail "$c: the refused run left .hotfix"; done
# a ring out of bounds: a schema error naming the file and the line
sed 's|"s/P03" ring="1"|"s/P03" ring="100"|' "$H" > "$T/big.xml"
hf check "$M" --hierarchy "$T/big.xml"
expect_rc 4
expect_err "big.xml:6: .*ring"
same "$T/snap0" $(cut -d' ' -f1 "$T/tree")

# --- --max-fail 1, one at a time: P02 fails, P04 fails (the second: past the budget) --
# the run halts; P05 and S01 (ring 1) and every site of ring 2 never start
hf apply "$M" --hierarchy "$H" --max-fail 1 --jobs 1
expect_rc 6
expect_out "^halted: failure budget exceeded (2 failed, budget 1)$"
for c in C00 P00 P01 P03; do expect_out "^$c .* applied  *1 "; done
for c in P02 P04; do expect_out "^$c .* conflict "; done
halted="P05 S01 P06 P07 S03 S05 S06 S07 S08 S09 S10 S11"
for c in $halted; do expect_out "^$c .* not-started .* not started (halted)$"; done
expect_out "^S02 .* skipped .*P02 (the parent) did not succeed"
expect_out "^S04 .* skipped .*P04 (the parent) did not succeed"
expect_out_count "not started (halted)" 12
expect_err "hotfix: ring 0 of 3 started (2 sites)"
expect_err "hotfix: ring 1 of 3 started (7 sites)"
grep -q "ring 2 of 3 started" "$T/err" && fail "ring 2 started after the halt"
expect_err "hotfix: P05: not started (halted; "
tail -n 1 "$T/out" | grep -q '^2 conflict, 4 applied, 2 skipped, 12 not-started in ' || fail "totals: $(tail -n 1 "$T/out")"
same "$T/snap0" $halted S02 S04
# again, as JSON: the same halt (the applied sites are current now)
hf apply "$M" --hierarchy "$H" --max-fail 1 --json
expect_rc 6
jq -e '.exit == 6 and .rings == 3 and .budget == 1 and .failed == 2 and .halted == true and .halt_reason == "failure budget exceeded (2 failed, budget 1)"' "$T/out" > /dev/null || fail "JSON: the halt"
[ "$(jq -r '.not_started | sort | join(" ")' "$T/out")" = "$(echo $halted | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" ] ||
    fail "JSON: not_started is $(jq -c .not_started "$T/out")"
jq -e '[.summary[] | select(.site == "P05")][0] | .result == "not-started" and .note == "not started (halted)" and .ring == 1 and .exit == null' "$T/out" > /dev/null || fail "JSON: P05"
jq -e '[.summary[] | select(.site == "S11")][0].ring == 2 and [.summary[] | select(.site == "C00")][0].ring == 0' "$T/out" > /dev/null || fail "JSON: rings"
jq -e '[.sites[] | select(.site == "P04")][0].result == "conflict"' "$T/out" > /dev/null || fail "JSON: P04's own report"
same "$T/snap0" $halted S02 S04

# --- a budget large enough (15% of 20 = 3), 2 at once: all three conflicts, ring 2 runs
hf apply "$M" --hierarchy "$H" --max-fail 15% --jobs 2
expect_rc 6
grep -q "^halted" "$T/out" && fail "halted within the budget"
expect_err "hotfix: ring 2 of 3 started (11 sites)"
for c in P05; do expect_out "^$c .* conflict "; done
for c in S01 P06 P07 S03 S06 S07 S08 S09 S10 S11; do expect_out "^$c .* applied  *1 "; done
for c in S02 S04 S05; do expect_out "^$c .* skipped .*(the parent) did not succeed"; done
# no site of ring 2 started before every site of ring 1 was done
last1=$(for c in P01 P03 S01; do logtime "$T/s/$c" TINY1 "apply: done"; done | sort | tail -n 1)
first2=$(for c in P06 P07 S03 S06 S07 S08 S09 S10 S11; do logtime "$T/s/$c" TINY1 "apply: start"; done | sort | head -n 1)
[ -n "$last1" ] && [ -n "$first2" ] || fail "no log times"
[ ! "$first2" \< "$last1" ] || fail "ring 2 started ($first2) before ring 1 was done ($last1)"
last0=$(for c in C00 P00; do logtime "$T/s/$c" TINY1 "apply: done"; done | sort | tail -n 1)
first1=$(for c in P01 P03 S01; do logtime "$T/s/$c" TINY1 "apply: start"; done | sort | head -n 1)
[ ! "$first1" \< "$last0" ] || fail "ring 1 started ($first1) before ring 0 was done ($last0)"

# --- rollback: ring 2 first, then 1, then 0 (children first inside each)
hf rollback TINY1 --hierarchy "$H" --jobs 2 --max-fail 0
expect_rc 0
expect_out_count " rolled-back  *1 " 14
r=$(grep -n "ring [0-9] of 3 started" "$T/err" | sed 's/.*ring \([0-9]\) of.*/\1/' | tr -d '\n')
[ "$r" = 210 ] || fail "rollback's rings in the order $r, not 210"
last2=$(for c in P06 P07 S03 S06 S07 S08 S09 S10 S11; do logtime "$T/s/$c" TINY1 "rollback: done"; done | sort | tail -n 1)
first1=$(for c in P01 P03 S01; do logtime "$T/s/$c" TINY1 "rollback: start"; done | sort | head -n 1)
[ ! "$first1" \< "$last2" ] || fail "rollback: ring 1 ($first1) before ring 2 was done ($last2)"
last1=$(for c in P01 P03 S01; do logtime "$T/s/$c" TINY1 "rollback: done"; done | sort | tail -n 1)
first0=$(for c in C00 P00; do logtime "$T/s/$c" TINY1 "rollback: start"; done | sort | head -n 1)
[ ! "$first0" \< "$last1" ] || fail "rollback: ring 0 ($first0) before ring 1 was done ($last1)"
for c in C00 P01 S11; do cmp -s "$T/1.0.0.0/t.dll" "$T/s/$c/bin/t.dll" || fail "$c: not rolled back"; done

# --- a failed canary: P00 (ring 0) conflicts; even a budget of 5 starts no later ring
cp "$T/1.0.0.1/t.dll" "$T/s/P00/bin/t.dll"; printf x >> "$T/s/P00/bin/t.dll"
snap_all "$T/snap1"
hf apply "$M" --hierarchy "$H" --max-fail 5 --jobs 2
expect_rc 6
expect_out "^halted: the canary failed (ring 0: 1 of 2 sites failed); no later ring started$"
expect_out "^C00 .* applied  *1 "
expect_out "^P00 .* conflict "
grep -q "ring 1 of 3 started" "$T/err" && fail "ring 1 started after the canary failed"
same "$T/snap1" $(codes 1) $(codes 2)
for c in $(codes 1) $(codes 2); do
    [ "$c" = S08 ] && continue # P00's child: skipped, its parent failed
    expect_out "^$c .* not-started .* not started (halted)$"
done
expect_out "^S08 .* skipped .*P00 (the parent) did not succeed"
# --keep-going (no limit) too
hf apply "$M" --hierarchy "$H" --keep-going --json
expect_rc 6
jq -e '.halted == true and .budget == null and .failed == 1 and (.halt_reason | startswith("the canary failed")) and (.not_started | length) == 17' "$T/out" > /dev/null || fail "JSON: the canary"
same "$T/snap1" $(codes 1) $(codes 2)

# --- without --max-fail: the stop at the first failure, in the words of before
hf apply "$M" --hierarchy "$H"
expect_rc 6
grep -q "^halted" "$T/out" && fail "a default run says halted"
grep -q "not started (halted)" "$T/out" && fail "a default run has 'not started (halted)'"
expect_out "^P01 .* skipped .*not started: an earlier site failed (--keep-going goes on)"
same "$T/snap1" $(codes 1) $(codes 2)

# --- bad values: usage errors
for v in -1 x 101% 5%% '' 1.5; do
    hf apply "$M" --hierarchy "$H" --max-fail "$v"
    expect_rc 2
    expect_err "\-\-max-fail takes a number of sites, 0 to 100000, or a percentage"
done
hf apply "$M" --hierarchy "$H" --max-fail 1 --keep-going
expect_rc 2
expect_err "give one of them"
hf apply "$M" --site "$T/s/C00" --max-fail 1
expect_rc 2
expect_err "\-\-max-fail is for --hierarchy"
echo "rings: ok"
