# Faults: allocation failure at the N-th call of a whole apply (the SQLite method: N = 1,
# 2, ... until the apply runs through), and EINTR on every mutating system call.
# Every run ends cleanly: exit 0 with the hotfix applied, or a documented non-zero exit
# with a message and the site byte-identical; never a crash; no transaction residue; no
# block leaked by hotfix's own code (faultmalloc counts blocks live at exit against a
# run without failure).  Needs build/hotfix-fault with tests/unit/faultmalloc.c (the gcc
# build; the sanitizers and valgrind replace malloc themselves, so there it is skipped).
# HOTFIX_MALLOC_STRIDE=1 tries every N (about 10,700 runs, some 12 minutes); the default
# tries every 29th, from a random start that is printed (replay: HOTFIX_MALLOC_FROM).
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/f.xml" FLT1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
victim "$T/base"
# (never -q: the report is printed on success too, so both allocate the stdout buffer)
fault() { HOTFIX_FAULT=$1 "$FAULT_BIN" apply "$T/m/f.xml" --site "$T/s" >"$T/out" 2>"$T/err"; RC=$?; }

# EINTR (and a short write after it) on every mutating call, then on each one alone
rm -rf "$T/s"; cp -a "$T/base" "$T/s"
"$BIN" apply "$T/m/f.xml" --site "$T/s" -q || fail "plain apply"
AFTER=$(tree "$T/s")
rm -rf "$T/s"; cp -a "$T/base" "$T/s"
fault eintr
expect_rc 0
[ "$(tree "$T/s")" = "$AFTER" ] || fail "EINTR everywhere: not the plain apply's result"
HOTFIX_FAULT=eintr "$FAULT_BIN" rollback FLT1 --site "$T/s" -q || fail "EINTR rollback"
[ "$(tree "$T/s" mtime)" = "$(tree "$T/base" mtime)" ] || fail "EINTR rollback: not as before"
rm -rf "$T/s"; cp -a "$T/base" "$T/s"
ops=$(HOTFIX_FAULT=count "$FAULT_BIN" apply "$T/m/f.xml" --site "$T/s" -q 2>&1 | sed -n 's/^hotfix-fault: \([0-9]*\) operations$/\1/p')
[ "${ops:-0}" -gt 10 ] || fail "cannot count the operations"
k=1
while [ "$k" -le "$ops" ]; do
    rm -rf "$T/s"; cp -a "$T/base" "$T/s"
    fault "eintr:$k"
    expect_rc 0
    [ "$(tree "$T/s")" = "$AFTER" ] || fail "EINTR at operation $k: not the plain apply's result"
    k=$((k + 1))
done
echo "ok: EINTR on all $ops operations at once, and on each alone: retried, same result"

# malloc failure at the N-th call
if [ -n "$WRAP" ]; then
    echo "malloc faults: skipped under $WRAP (it replaces malloc)"; exit 0
fi
rm -rf "$T/s"; cp -a "$T/base" "$T/s"
fault malloc-count
line=$(grep 'live at exit' "$T/err")
[ -n "$line" ] || { echo "malloc faults: skipped (this hotfix-fault has no faultmalloc)"; exit 0; }
total=$(echo "$line" | sed 's/^hotfix-fault: \([0-9]*\) allocations.*/\1/')
live0=$(echo "$line" | sed 's/.*, \([0-9]*\) live at exit.*/\1/')
stride=${HOTFIX_MALLOC_STRIDE:-29}
from=${HOTFIX_MALLOC_FROM:-$(( $(od -An -N2 -tu2 /dev/urandom) % stride + 1 ))}
echo "malloc faults: $total allocations, $live0 blocks live at exit; N = $from, $((from + stride)), ... (HOTFIX_MALLOC_FROM=$from HOTFIX_MALLOC_STRIDE=$stride)"
BEFORE=$(fullsnap "$T/base")
n=$from runs=0 ok=0 refused=0 libleaks=0 libcrash=0
while :; do
    rm -rf "$T/s"; cp -a "$T/base" "$T/s"
    fault "malloc:$n"
    runs=$((runs + 1))
    # libarchive ends the process itself on some allocation failures ("Fatal Internal
    # Error in libarchive: No memory", exit 1): like a library crash, hotfix cannot
    # prevent it, and the next command recovers
    if [ "$RC" -ge 128 ] || grep -q "^Fatal Internal Error in libarchive" "$T/err"; then
        grep -q "crashed .*the failed call in a library\|^Fatal Internal Error in libarchive" "$T/err" ||
            fail "malloc:$n: killed by signal $((RC - 128)) after a failure in hotfix"
        # a library crashed on its own allocation failure: the site must still be whole
        libcrash=$((libcrash + 1))
        echo "library crash: malloc:$n: $(grep -v '^hotfix-fault' "$T/err" | head -n 1)"
        "$BIN" recover --site "$T/s" -q >/dev/null 2>&1
        st=$(fullsnap "$T/s")
        [ "$st" = "$BEFORE" ] || [ "$(tree "$T/s")" = "$AFTER" ] ||
            fail "malloc:$n: after a library crash and recover, neither before nor after"
        n=$((n + stride))
        continue
    fi
    line=$(grep 'live at exit' "$T/err")
    live=$(echo "$line" | sed 's/.*, \([0-9]*\) live at exit.*/\1/')
    if ! grep -q "malloc fails here" "$T/err"; then
        expect_rc 0 # past the last allocation
        break
    fi
    if [ "$RC" -eq 0 ]; then
        ok=$((ok + 1))
        [ "$(tree "$T/s")" = "$AFTER" ] || fail "malloc:$n: exit 0 but not applied"
    else
        refused=$((refused + 1))
        grep -q 'hotfix: ' "$T/err" || fail "malloc:$n: exit $RC without a message"
        now=$(fullsnap "$T/s")
        [ "$now" = "$BEFORE" ] || {
            echo "$BEFORE" > "$T/b"; fail "malloc:$n: exit $RC and the site changed: $(echo "$now" | diff "$T/b" - | head)"; }
        no_residue "$T/s"
    fi
    if [ "${live:-0}" -gt "$live0" ]; then
        case "$line" in
            *"in hotfix"*) fail "malloc:$n: hotfix leaked $((live - live0)) block(s) after the failure ($line)" ;;
            *) libleaks=$((libleaks + 1))
               echo "library leak: malloc:$n leaves $((live - live0)) block(s) (the failed call was inside a library)" ;;
        esac
    fi
    n=$((n + stride))
    [ "$n" -le $((total * 2)) ] || fail "malloc: never got through"
done
echo "malloc faults: $runs runs: $ok absorbed (applied anyway), $refused failed cleanly with the site unchanged, 0 crashes or leaks in hotfix; inside libraries: $libcrash crashes, $libleaks leaks"
