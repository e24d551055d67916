# Fault injection at every step (build/hotfix-fault, see src/fsop.h): for every k, apply
# and rollback are killed just before mutating operation k, or operation k fails with
# ENOSPC or EIO.  After `recover` the site is exactly before or after -- content, mode,
# owner, link count, and the originals' mtimes -- with no journal, staging or temporary
# left (before it, only the journal of a record owed after the commit, txlog.h), and the
# next apply finishes the job.  Then recovery itself is killed at every
# step of its own, a site spelled in mixed case is killed at every step (recovery restores
# its names), and the link-less (copy) fallback is checked.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
[ -x "$FAULT_BIN" ] || fail "no fault-injection build at $FAULT_BIN"
# under valgrind every run is slow: visit every 23rd k (the other builds visit all)
stride=1; [ -n "$WRAP" ] && stride=23

site "$T/before" CEN central - 3
chmod 0750 "$T/before/bin/i386/Distmgr.dll"
touch -d '2007-01-02 03:04:05' "$T/before/bin/i386/Baseutil.dll"
cp -a "$T/before" "$T/after"
hf apply "$KB" --site "$T/after" -q
expect_rc 0
BEFORE=$(tree "$T/before" mtime)
AFTER=$(tree "$T/after")

state() { site_state "$1" KB936465 bin/i386/Distmgr.dll "$2"; }

fault() { # MODE K OP DIR...: run the fault build
    mode=$1 k=$2; shift 2
    HOTFIX_FAULT="$mode:$k" $WRAP "$FAULT_BIN" "$@" -q > "$T/fout" 2> "$T/ferr"
    FRC=$?
}

ops() { # OP ARGS...: number of mutating operations of a clean run
    rm -rf "$T/s"; cp -a "$T/$START" "$T/s"
    HOTFIX_FAULT=count "$FAULT_BIN" "$@" -q 2> "$T/count" > /dev/null
    sed -n 's/^hotfix-fault: \([0-9]*\) operations$/\1/p' "$T/count"
}

for op in apply rollback; do
    if [ $op = apply ]; then START=before; set -- apply "$KB" --site "$T/s"
    else START=after; set -- rollback KB936465 --site "$T/s"; fi
    n=$(ops "$@")
    [ "${n:-0}" -gt 20 ] || fail "$op: counted ${n:-no} operations"
    echo "$op: $n mutating operations"
    for mode in crash enospc eio; do
        seen_before=0 seen_after=0 k=1
        while [ $k -le $((n + 1)) ]; do
            rm -rf "$T/s"; cp -a "$T/$START" "$T/s"
            fault $mode $k "$@"
            case $mode:$FRC in
                crash:137) ;; # killed (SIGKILL)
                crash:0) [ $k -gt "$n" ] || fail "$op crash:$k: not killed" ;;
                crash:*) cat "$T/ferr"; fail "$op crash:$k: exit $FRC" ;;
                *:0) ;;      # the fault hit the log, or came after the commit
                *:1) grep -q "failed at step" "$T/ferr" || { cat "$T/ferr"; fail "$op $mode:$k: exit 1 without naming the step"; }
                     grep -q "undone, the site is as before\|nothing was changed" "$T/ferr" || { cat "$T/ferr"; fail "$op $mode:$k: not undone"; } ;;
                *) cat "$T/ferr"; fail "$op $mode:$k: exit $FRC" ;;
            esac
            if [ $mode != crash ] && [ $FRC -eq 0 ] && grep -q "the journal is kept" "$T/ferr"; then
                # the record after the commit failed: owed, the journal kept for recover
                [ -e "$T/s/.hotfix/journal" ] || fail "$op $mode:$k: the journal of an owed record is gone"
            elif [ $mode != crash ]; then # a failed run recovered in process: nothing pending
                s=$(state "$T/s" "$op $mode:$k before recover") || { echo "$s"; exit 1; }
                [ $FRC -eq 0 ] || [ "$s" = "$START" ] || fail "$op $mode:$k: exit $FRC but the site changed"
            fi
            $WRAP "$BIN" recover --site "$T/s" > "$T/out" 2> "$T/err" || fail "$op $mode:$k: recover exit $?"
            s=$(state "$T/s" "$op $mode:$k") || { echo "$s"; exit 1; }
            [ "$s" = before ] && seen_before=$((seen_before + 1))
            [ "$s" = after ] && seen_after=$((seen_after + 1))
            if [ $mode = crash ]; then # running the command again finishes the job
                $WRAP "$BIN" "$@" -q > "$T/out" 2> "$T/err"; rc=$?
                # already done: apply says "nothing to do" (0), rollback "not installed" (3)
                want=0; [ "$s" != "$START" ] && [ $op = rollback ] && want=3
                [ $rc -eq $want ] || fail "$op again after crash:$k: exit $rc, expected $want"
                s=$(state "$T/s" "$op again after crash:$k") || { echo "$s"; exit 1; }
                [ "$s" != "$START" ] || fail "$op after crash:$k did not finish the job"
            fi
            k=$((k + stride))
        done
        echo "$op $mode: $seen_before x before, $seen_after x after"
        [ $seen_before -gt 0 ] && [ $seen_after -gt 0 ] || fail "$op $mode: one outcome never seen"
    done
done

# Targets with other hard links are backed up by copy (and rollback keeps a hotfix file
# with another link by copy): every operation of those copies is killed and failed too.
# The other name, outside the site, keeps its inode; the site is before or after by
# content, mode, owner and times (a restored copy is its own inode: link counts differ).
mkdll "$T/l-old.dll" 1.0.0.0 8192; mkdll "$T/l-new.dll" 1.0.0.1 8192
mkdir -p "$T/lm/SP3"; cp "$T/l-new.dll" "$T/lm/SP3/t.dll"
tar -cf "$T/lm/x.tar" -C "$T/lm" SP3
onefile "$T/lm/l.xml" LNK1 x.tar bin/t.dll SP3/t.dll "$T/l-new.dll"
sitexml "$T/lbefore" LNK central - 3
mkdir -p "$T/lbefore/bin" "$T/other"; cp "$T/l-old.dll" "$T/lbefore/bin/t.dll"
touch -d '2007-01-02 03:04:05' "$T/lbefore/bin/t.dll"
cp -a "$T/lbefore" "$T/lafter"
hf apply "$T/lm/l.xml" --site "$T/lafter" -q
expect_rc 0
nolinks() { awk '$2 == "f" { $5 = "-" } { print }'; }
lstate() { # DIR WHAT: before or after, by everything but link counts
    no_residue "$1"
    if [ "$(tree "$1" mtime | nolinks)" = "$LBEFORE" ] && ! installed "$1" LNK1; then echo before
    elif [ "$(tree "$1" | nolinks)" = "$LAFTER" ] && installed "$1" LNK1 &&
        [ -f "$1/.hotfix/backup/LNK1/bin/t.dll" ]; then echo after
    else fail "$1 is neither before nor after ($2): $(tree "$1" mtime | nolinks)"; fi
}
LBEFORE=$(tree "$T/lbefore" mtime | nolinks)
LAFTER=$(tree "$T/lafter" | nolinks)
for op in apply rollback; do
    if [ $op = apply ]; then START=lbefore; set -- apply "$T/lm/l.xml" --site "$T/s"
    else START=lafter; set -- rollback LNK1 --site "$T/s"; fi
    # the other name: a hard link to the file the transaction replaces, outside the site
    rm -rf "$T/s"; cp -a "$T/$START" "$T/s"; rm -f "$T/other/t.dll"; ln "$T/s/bin/t.dll" "$T/other/t.dll"
    HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" "$@" -q 2> "$T/count" > /dev/null
    n=$(sed -n 's/^hotfix-fault: \([0-9]*\) operations$/\1/p' "$T/count")
    copy='create t.dll'; [ $op = rollback ] && copy='create 0' # backup/, or staging/
    grep -q "op [0-9]* $copy\$" "$T/count" || fail "$op of a linked target: no copy in the trace"
    for mode in crash enospc eio; do
        seen_before=0 seen_after=0 k=1
        while [ $k -le "$n" ]; do
            rm -rf "$T/s"; cp -a "$T/$START" "$T/s"
            rm -f "$T/other/t.dll"; ln "$T/s/bin/t.dll" "$T/other/t.dll"
            cp "$T/other/t.dll" "$T/other.want"
            fault $mode $k "$@"
            case $mode:$FRC in
                crash:137|*:0) ;;
                *:1) grep -q "undone, the site is as before\|nothing was changed" "$T/ferr" ||
                         { cat "$T/ferr"; fail "linked $op $mode:$k: not undone"; } ;;
                *) cat "$T/ferr"; fail "linked $op $mode:$k: exit $FRC" ;;
            esac
            $WRAP "$BIN" recover --site "$T/s" > "$T/out" 2> "$T/err" || fail "linked $op $mode:$k: recover exit $?"
            s=$(lstate "$T/s" "linked $op $mode:$k") || { echo "$s"; exit 1; }
            [ "$s" = before ] && seen_before=$((seen_before + 1))
            [ "$s" = after ] && seen_after=$((seen_after + 1))
            cmp -s "$T/other/t.dll" "$T/other.want" || fail "linked $op $mode:$k: the other name changed"
            k=$((k + stride))
        done
        echo "linked $op $mode: $seen_before x before, $seen_after x after ($n operations)"
        # (under valgrind, a sample of k may see one outcome only)
        [ $stride -gt 1 ] || { [ $seen_before -gt 0 ] && [ $seen_after -gt 0 ]; } ||
            fail "linked $op $mode: one outcome never seen"
    done
done

# A site spelled as on Windows (BIN/I386/BASESVR.DLL, baseutil.dll, Distmgr.dll; the
# manifest says bin/i386/Basesvr.dll ...): apply and rollback killed before every
# operation, then recovered.  The journal records the site's spelling, so recovery
# restores exactly the names (and bytes) the site had, before or after.
mixed() { # DIR: the sample site, renamed
    site "$1" MIX central - 3
    mv "$1/bin/i386" "$1/bin/I386" && mv "$1/bin" "$1/BIN" &&
        mv "$1/BIN/I386/Basesvr.dll" "$1/BIN/I386/BASESVR.DLL" &&
        mv "$1/BIN/I386/Baseutil.dll" "$1/BIN/I386/baseutil.dll" || fail "renaming $1"
}
rm -rf "$T/mbefore" "$T/mafter"; mixed "$T/mbefore"
touch -d '2007-01-02 03:04:05' "$T/mbefore/BIN/I386/baseutil.dll"
cp -a "$T/mbefore" "$T/mafter"
hf apply "$KB" --site "$T/mafter" -q
expect_rc 0
[ -f "$T/mafter/BIN/I386/BASESVR.DLL" ] && [ ! -e "$T/mafter/bin" ] || fail "mixed apply changed the names"
SAVED_BEFORE=$BEFORE SAVED_AFTER=$AFTER
BEFORE=$(tree "$T/mbefore" mtime)
AFTER=$(tree "$T/mafter")
for op in apply rollback; do
    if [ $op = apply ]; then START=mbefore; set -- apply "$KB" --site "$T/s"
    else START=mafter; set -- rollback KB936465 --site "$T/s"; fi
    n=$(ops "$@")
    [ "${n:-0}" -gt 20 ] || fail "mixed $op: counted ${n:-no} operations"
    seen_before=0 seen_after=0 k=1
    while [ $k -le $((n + 1)) ]; do
        rm -rf "$T/s"; cp -a "$T/$START" "$T/s"
        fault crash $k "$@"
        [ $FRC -eq 137 ] || [ $k -gt "$n" ] || { cat "$T/ferr"; fail "mixed $op crash:$k: exit $FRC"; }
        $WRAP "$BIN" recover --site "$T/s" > "$T/out" 2> "$T/err" || fail "mixed $op crash:$k: recover exit $?"
        s=$(site_state "$T/s" KB936465 BIN/I386/BASESVR.DLL "mixed $op crash:$k") || { echo "$s"; exit 1; }
        [ "$s" = before ] && seen_before=$((seen_before + 1))
        [ "$s" = after ] && seen_after=$((seen_after + 1))
        k=$((k + stride))
    done
    echo "mixed-case $op crash: $seen_before x before, $seen_after x after ($n operations)"
    [ $stride -gt 1 ] || { [ $seen_before -gt 0 ] && [ $seen_after -gt 0 ]; } ||
        fail "mixed $op: one outcome never seen"
done
BEFORE=$SAVED_BEFORE AFTER=$SAVED_AFTER

# A crash in the middle of the swap, then a crash at every step of the recovery.
rm -rf "$T/mid"; cp -a "$T/before" "$T/mid"
HOTFIX_FAULT_TRACE=1 HOTFIX_FAULT=count "$FAULT_BIN" apply "$KB" --site "$T/mid" -q 2> "$T/trace"
k=$(grep -n 'rename Baseutil.dll' "$T/trace" | sed -n 's/.* op \([0-9]*\) rename.*/\1/p' | head -n 1)
[ -n "$k" ] || fail "no swap of Baseutil.dll in the trace"
rm -rf "$T/mid"; cp -a "$T/before" "$T/mid"
HOTFIX_FAULT="crash:$((k + 1))" "$FAULT_BIN" apply "$KB" --site "$T/mid" -q 2>/dev/null
[ -f "$T/mid/.hotfix/journal" ] || fail "no journal after a crash mid-swap"
[ "$(stat -c %a "$T/mid/.hotfix/staging")" = 700 ] || fail "staging is not private (0700)"
rm -rf "$T/s"; cp -a "$T/mid" "$T/s"
m=$(HOTFIX_FAULT=count "$FAULT_BIN" recover --site "$T/s" 2>&1 >/dev/null | sed -n 's/^hotfix-fault: \([0-9]*\) operations$/\1/p')
[ "${m:-0}" -gt 5 ] || fail "recover: counted ${m:-no} operations"
j=1
while [ $j -le "$m" ]; do
    rm -rf "$T/s"; cp -a "$T/mid" "$T/s"
    fault crash $j recover --site "$T/s"
    [ $FRC -eq 137 ] || fail "recover crash:$j: exit $FRC"
    $WRAP "$BIN" recover --site "$T/s" > "$T/out" 2> "$T/err" || fail "recover after recover crash:$j: exit $?"
    s=$(state "$T/s" "recover crash:$j") || { echo "$s"; exit 1; }
    [ "$s" = before ] || fail "recover crash:$j: ended $s, expected before (undo)"
    j=$((j + stride))
done
echo "recovery killed at each of its $m operations: always back to before"

# No hard links possible (another file system): copies keep owner, mode and times.
rm -rf "$T/s"; cp -a "$T/before" "$T/s"
HOTFIX_FAULT=exdev $WRAP "$FAULT_BIN" apply "$KB" --site "$T/s" -q || fail "apply with exdev"
[ "$(state "$T/s" exdev)" = after ] || fail "exdev apply"
[ "$(stat -c %h "$T/s/.hotfix/backup/KB936465/bin/i386/Baseutil.dll")" = 1 ] || fail "exdev: the backup is a link, not a copy"
[ "$(stat -c %Y "$T/s/.hotfix/backup/KB936465/bin/i386/Baseutil.dll")" = "$(stat -c %Y "$T/before/bin/i386/Baseutil.dll")" ] || fail "exdev: backup lost the mtime"
HOTFIX_FAULT=exdev $WRAP "$FAULT_BIN" rollback KB936465 --site "$T/s" -q || fail "rollback with exdev"
[ "$(state "$T/s" exdev)" = before ] || fail "exdev rollback"

# The production binary carries no fault hook (its environment variable is a string only
# the hook contains).
if grep -a -q HOTFIX_FAULT "$BIN"; then fail "$BIN has the fault hook"; fi
grep -a -q HOTFIX_FAULT "$FAULT_BIN" || fail "the check above cannot see the hook"
echo "crash: ok"
