# The in-use report: check lists the processes that map or hold a file the hotfix would
# replace, and apply and rollback those that still run a replaced file (its old inode).
# No restart: a running process that holds a DLL open and mapped (tests/unit/holdfile.c)
# while apply and rollback replace it keeps its old mapping and its old open file, and
# the next process to open the path gets the new file.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
site "$T/S" USE central - 3
dll=$T/S/bin/i386/Distmgr.dll
old=$(sha256sum "$dll" | cut -d' ' -f1)

# hold PATH FIFO OUT: start holdfile on PATH, stdin from FIFO; wait until it has mapped it
hold() {
    rm -f "$2" "$3"; mkfifo "$2"
    "$HOLDFILE" "$1" < "$2" > "$3" &
    HOLDER=$!
    exec 9> "$2"
    i=0; while ! grep -q '^ready ' "$3" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    grep -q '^ready ' "$3" || fail "holdfile did not map $1"
}
release() { echo go >&9; exec 9>&-; wait $HOLDER || fail "holdfile failed"; }

hold "$dll" "$T/fifo" "$T/held"
grep -q "^ready $old$" "$T/held" || fail "holdfile mapped something else"
# the in-use report: check names the process beforehand, apply after the swap
hf check "$KB" --site "$T/S"
expect_rc 0
expect_out "in use: 1 process/file pair(s) map or hold open a file to be replaced"
grep -Eq "^    pid $HOLDER +holdfile +bin/i386/Distmgr.dll \(mapped, open\)$" "$T/out" ||
    fail "check does not name pid $HOLDER"
hf check "$KB" --site "$T/S" --json
python3 - "$T/out" "$HOLDER" <<'PY' || fail "check JSON in_use"
import json, sys
s = json.load(open(sys.argv[1]))["sites"][0]
assert s["in_use"] == [{"pid": int(sys.argv[2]), "command": "holdfile",
                        "file": "bin/i386/Distmgr.dll", "mapped": True, "open": True}], s["in_use"]
PY
hf apply "$KB" --site "$T/S" --json
expect_rc 0
python3 - "$T/out" "$HOLDER" <<'PY' || fail "apply JSON still_in_use"
import json, sys
s = json.load(open(sys.argv[1]))["sites"][0]
assert s["result"] == "applied"
assert s["still_in_use"] == [{"pid": int(sys.argv[2]), "command": "holdfile",
                              "file": "bin/i386/Distmgr.dll", "mapped": True, "open": True}], s
PY
hf rollback KB936465 --site "$T/S"
expect_rc 0
expect_out "in use: no process still uses a replaced file" # it maps the original again
hf apply "$KB" --site "$T/S"
expect_rc 0; expect_out "applied: 3 file(s)"
expect_out "still in use: 1 process/file pair(s) still run the old files"
grep -Eq "^    pid $HOLDER +holdfile +bin/i386/Distmgr.dll \(mapped, open\)$" "$T/out" ||
    fail "apply does not name pid $HOLDER"
new=$(sha256sum "$dll" | cut -d' ' -f1)
[ "$new" != "$old" ] || fail "the DLL was not replaced"
release
grep -q "^map $old$" "$T/held" || { cat "$T/held"; fail "the running process's mapping changed"; }
grep -q "^fd $old$" "$T/held" || { cat "$T/held"; fail "the running process's open file changed"; }

# and back: a process holding the hotfix's DLL during rollback
hf check "$KB" --site "$T/S"
expect_rc 0; expect_no_out "in use:" # nothing to replace, nothing to scan
hold "$dll" "$T/fifo" "$T/held"
hf rollback KB936465 --site "$T/S"
expect_rc 0
expect_out "still in use: 1 process/file pair(s)"
[ "$(sha256sum "$dll" | cut -d' ' -f1)" = "$old" ] || fail "rollback did not restore the DLL"
release
grep -q "^map $new$" "$T/held" || { cat "$T/held"; fail "mapping changed under rollback"; }
echo "inuse: ok"
