# One process per site: a held lock gives exit 5 at once, naming the holder's pid, for
# every command but audit (the site is unknown: exit 7); two applies at once -- one wins,
# the other gets 5, the site ends valid.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
site "$T/S" LCK central - 3
mkdir -p "$T/S/.hotfix" && : > "$T/S/.hotfix/lock"

# 1. a lock held by another process (flock(1))
rm -f "$T/ready"
# -o: only flock(1) itself holds the lock, not the command it runs
flock -o -x "$T/S/.hotfix/lock" sh -c "echo \$\$ > '$T/sleeper'; touch '$T/ready'; exec sleep 60" \
    > /dev/null 2>&1 &
holder=$!
i=0; while [ ! -f "$T/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$T/ready" ] || fail "flock(1) did not take the lock"
before=$(snapshot "$T/S")
for cmd in "apply $KB" "rollback KB936465" "recover" "check $KB" "list" "audit $KB"; do
    t0=$(date +%s)
    # shellcheck disable=SC2086
    hf $cmd --site "$T/S"
    case "$cmd" in
        audit*) expect_rc 7; expect_out "unknown .*is busy: pid $holder " ;;
        *) expect_rc 5; expect_err "is busy: pid $holder " ;;
    esac
    [ $(( $(date +%s) - t0 )) -lt 10 ] || fail "$cmd waited for the lock"
done
[ "$(snapshot "$T/S")" = "$before" ] || fail "a busy site was changed"
kill "$(cat "$T/sleeper")" 2>/dev/null; wait $holder 2>/dev/null

# 2. two applies at once, made to overlap: the first stalls 3 s inside its transaction
[ -x "$FAULT_BIN" ] || fail "no fault-injection build at $FAULT_BIN"
HOTFIX_FAULT=stall:30 "$FAULT_BIN" apply "$KB" --site "$T/S" -q > "$T/a.out" 2> "$T/a.err" &
first=$!
i=0; while ! grep -q stalled "$T/a.err" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q stalled "$T/a.err" || fail "the first apply never stalled"
hf apply "$KB" --site "$T/S"
expect_rc 5
expect_err "is busy: pid $first (.*hotfix-fault apply"
wait $first; rc=$?
[ $rc -eq 0 ] || { cat "$T/a.err"; fail "the first apply: exit $rc"; }
no_residue "$T/S"
installed "$T/S" KB936465 || fail "the winner's apply was not recorded"

# 3. unsynchronised races: never two transactions at once, the site always valid
site "$T/race" RAC central - 3
cp -a "$T/race" "$T/race0"
gcab -x -C "$T/cab" "$TOP/payloads/KB936465.cab" >/dev/null || fail "gcab -x"
n=0
while [ $n -lt 6 ]; do
    rm -rf "$T/race"; cp -a "$T/race0" "$T/race"
    $WRAP "$BIN" apply "$KB" --site "$T/race" > "$T/r1.out" 2> "$T/r1.err" & p1=$!
    $WRAP "$BIN" apply "$KB" --site "$T/race" > "$T/r2.out" 2> "$T/r2.err" & p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    applied=$(cat "$T/r1.out" "$T/r2.out" | grep -c "applied: 3 file(s)")
    echo "race $n: exits $r1 $r2, $applied applied"
    [ "$applied" -eq 1 ] || fail "race $n: $applied applies did the work"
    case "$r1$r2" in 00|05|50) ;; *) cat "$T/r1.err" "$T/r2.err"; fail "race $n: exits $r1 $r2" ;; esac
    no_residue "$T/race"
    cmp "$T/cab/SP3/i386/Distmgr.dll" "$T/race/bin/i386/Distmgr.dll" || fail "race $n: wrong file"
    n=$((n + 1))
done
echo "lock: ok"
