# A failed apply or rollback says, in the text report and in the JSON, at which step it
# failed, on which file, whether it was undone, and where the site's log is.
# The fault build fails one named operation (found with HOTFIX_FAULT_TRACE).
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
# opnum SITE OP NAME [ARGS...]: the number of the first operation OP on NAME of a run
opnum() {
    s=$1 op=$2 name=$3; shift 3
    rm -rf "$T/probe"; cp -a "$s" "$T/probe"
    HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" "$@" --site "$T/probe" -q 2> "$T/trace" > /dev/null
    sed -n "s/^hotfix-fault: op \([0-9]*\) $op $name\$/\1/p" "$T/trace" | head -n 1
}
json() { python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['sites'][0]; print($1)" "$T/out"; }

site "$T/s" CEN central - 3
before=$(tree "$T/s" mtime)

# swap: the rename over Baseutil.dll fails
n=$(opnum "$T/s" rename Baseutil.dll apply "$KB")
[ -n "$n" ] || fail "no rename of Baseutil.dll in the trace"
HOTFIX_FAULT=eio:$n $WRAP "$FAULT_BIN" apply "$KB" --site "$T/s" --json > "$T/out" 2> "$T/err"
RC=$?; expect_rc 1
[ "$(json "s['result'], s['failed_step'], s['failed_file'], s['undone']")" = \
    "failed swap bin/i386/Baseutil.dll True" ] || fail "JSON: $(json "s")"
[ "$(json "s['log']")" = "$T/s/.hotfix/log/KB936465.log" ] || fail "JSON log: $(json "s['log']")"
grep -q "failed at swap: .*Baseutil.dll" "$T/s/.hotfix/log/KB936465.log" || fail "the log lacks the failure"
[ "$(tree "$T/s" mtime)" = "$before" ] || fail "the failed apply was not undone"

# backup: the link of Distmgr.dll into the backup fails; the text report names it
n=$(opnum "$T/s" link Distmgr.dll apply "$KB")
[ -n "$n" ] || fail "no link of Distmgr.dll in the trace"
HOTFIX_FAULT=eio:$n $WRAP "$FAULT_BIN" apply "$KB" --site "$T/s" > "$T/out" 2> "$T/err"
RC=$?; expect_rc 1
expect_out "FAILED at step 'backup' on bin/i386/Distmgr.dll; undone: the site is as before"
expect_out "log: $T/s/.hotfix/log/KB936465.log"

# a failure that is no one file's: the registry's rename at the commit
n=$(opnum "$T/s" rename installed.xml apply "$KB")
HOTFIX_FAULT=eio:$n $WRAP "$FAULT_BIN" apply "$KB" --site "$T/s" --json > "$T/out" 2> "$T/err"
RC=$?; expect_rc 1
[ "$(json "s['failed_step'], s['failed_file']")" = "commit None" ] || fail "commit JSON: $(json "s")"

# a successful apply keeps the log path too; then a rollback that fails in its swap
hf apply "$KB" --site "$T/s" --json
expect_rc 0
[ "$(json "s['failed_step'], s['failed_file'], s['log']")" = "None None $T/s/.hotfix/log/KB936465.log" ] ||
    fail "success JSON: $(json "s")"
n=$(opnum "$T/s" rename Basesvr.dll rollback KB936465)
[ -n "$n" ] || fail "no rename of Basesvr.dll in the rollback's trace"
HOTFIX_FAULT=eio:$n $WRAP "$FAULT_BIN" rollback KB936465 --site "$T/s" > "$T/out" 2> "$T/err"
RC=$?; expect_rc 1
expect_out "CEN: KB936465: rollback failed"
expect_out "  FAILED at step 'swap' on bin/i386/Basesvr.dll; undone: the site is as before"
HOTFIX_FAULT=eio:$n $WRAP "$FAULT_BIN" rollback KB936465 --site "$T/s" --json > "$T/out" 2> "$T/err"
RC=$?; expect_rc 1
[ "$(json "s['result'], s['failed_step'], s['failed_file'], s['undone']")" = \
    "failed swap bin/i386/Basesvr.dll True" ] || fail "rollback JSON: $(json "s")"
echo "failreport: ok"
