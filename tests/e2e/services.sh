# Service control with health-gated rollback: site.xml names commands that stop and
# start the site's service (tests/unit/svcd.c, a daemon that maps and holds a DLL) and a
# health command.  A health check that fails on the new version undoes the apply and
# restarts the service on the old files; so does a failing stop or start, a health
# command that hangs, and a crash while the health check runs.  A site with no service
# commands and a hotfix that needs no restart touch no service.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
DLL=bin/i386/Basesvr.dll
NEW=b1b5431254c6957d8e834f11b65d5a044002ea1ba27382b61b52378580ed68de # its KB936465 SHA-256

# services DIR HEALTH-SHELL [START-ARGS]: site.xml of DIR with svcd as its service (run
# dir DIR.run) and HEALTH-SHELL as its health command (1 retry, no pause, 3 s); the start
# command's <arg>s may be given instead.
services() {
    run=$1.run; mkdir -p "$run"
    health=$(printf '%s' "$2" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
    start=${3:-<arg>$SVCD</arg><arg>start</arg><arg>$run</arg><arg>$DLL</arg>}
    cat > "$1/site.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<site code="CEN" type="central">
  <product name="SMS" version="2003" servicepack="3"/>
  <services>
    <stop timeout="10"><arg>$SVCD</arg><arg>stop</arg><arg>$run</arg></stop>
    <start timeout="10">$start</start>
    <health timeout="3" retries="1" interval="0"><shell>$health</shell></health>
  </services>
</site>
XML
}
svc_start() { (cd "$1" && "$SVCD" start "$1.run" "$DLL" > /dev/null) || fail "svcd did not start"; }
svc_stop() { "$SVCD" stop "$1.run" > /dev/null; }
running_sha() { "$SVCD" status "$1.run" | sed -n "s|^$DLL ||p"; }
starts() { grep -c '^start ' "$1.run/svcd.history"; }
json() { python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['sites'][0]; print($1)" "$T/out"; }
trap 'for r in "$T"/*.run; do "$SVCD" stop "$r" > /dev/null 2>&1; done; rm -rf "$T"' EXIT INT TERM

# 1. healthy: stop, swap, start, health; the service now maps the new DLL
site "$T/a" CEN central - 3
services "$T/a" "\"$SVCD\" status \"$T/a.run\" && printf '%s|' \"\$HOTFIX_PHASE\" \"\$HOTFIX_SITE_CODE\""
svc_start "$T/a"
old=$(running_sha "$T/a")
hf apply "$KB" --site "$T/a" --json
expect_rc 0
[ "$(json "s['result'], s['services_restarted'], s['health_passed']")" = "applied True True" ] ||
    fail "JSON: $(json s)"
[ "$(running_sha "$T/a")" = "$NEW" ] || fail "the service does not run the new DLL"
[ "$(json "s['still_in_use']")" = "[]" ] || fail "restarted, yet in use: $(json "s['still_in_use']")"
[ "$(starts "$T/a")" = 2 ] || fail "the service was not restarted once"
log=$T/a/.hotfix/log/KB936465.log
grep -q "stop command (attempt 1 of 1" "$log" || fail "no stop in the log"
grep -q "health command (attempt 1 of 2.*exit status 0; output: .*health|CEN|" "$log" ||
    fail "the health command's output (or its environment) is not in the log"
# the order in the log: stop < swap < start < health < commit
order=$(grep -o 'stop command\|swapped bin/i386/Basesvr\|start command\|health command\|committed' "$log" | tr '\n' ,)
[ "$order" = "stop command,swapped bin/i386/Basesvr,start command,health command,committed," ] ||
    fail "order of steps: $order"
[ ! -e "$T/a/.hotfix/services" ] || fail "the services marker is left"
hf rollback KB936465 --site "$T/a"
expect_rc 0; expect_out "services: stopped before the swap and started after it"
[ "$(running_sha "$T/a")" = "$old" ] || fail "after rollback the service does not run the old DLL"

# 2. the health check fails on the new version: undone, service back on the old files
site "$T/b" CEN central - 3
services "$T/b" "echo checking; ! grep -q $NEW \"$T/b.run/svcd.state\" || { echo 'new Basesvr.dll answers wrong' >&2; exit 1; }"
svc_start "$T/b"
old=$(running_sha "$T/b")
before=$(tree "$T/b" mtime)
hf apply "$KB" --site "$T/b"
expect_rc 1
expect_out "failed: health check; undone: the site is as before"
expect_out "| new Basesvr.dll answers wrong"
expect_out "services: services stopped and started again on the files as before"
cp "$T/out" "$T/report-b"
[ "$(tree "$T/b" mtime)" = "$before" ] || fail "the site's files are not as before"
installed "$T/b" KB936465 && fail "KB936465 is recorded after a failed health check"
no_residue "$T/b"
[ ! -e "$T/b/.hotfix/services" ] || fail "the services marker is left"
[ "$(running_sha "$T/b")" = "$old" ] || fail "the service is not back on the old DLL"
grep -q "health command (attempt 2 of 2.*exit status 1; output: checking | new Basesvr.dll answers wrong" \
    "$T/b/.hotfix/log/KB936465.log" || fail "the log lacks the health output"
hf apply "$KB" --site "$T/b" --json
expect_rc 1
[ "$(json "s['result'], s['failed_step'], s['undone'], s['health_passed']")" = "failed health True False" ] ||
    fail "JSON: $(json s)"
json "s['failed_output']" > "$T/fo"
grep -q "new Basesvr.dll answers wrong" "$T/fo" || fail "JSON lacks the output"

# 3. a health command that hangs is killed at its timeout, and the apply undone
site "$T/c" CEN central - 3
services "$T/c" "sleep 60"
svc_start "$T/c"
before=$(tree "$T/c" mtime)
t0=$(date +%s)
hf apply "$KB" --site "$T/c"
expect_rc 1
[ $(($(date +%s) - t0)) -lt 30 ] || fail "the timeout did not hold"
expect_out "failed: health check"
grep -q "timed out after 3 s and was killed" "$T/c/.hotfix/log/KB936465.log" || fail "no timeout in the log"
[ "$(tree "$T/c" mtime)" = "$before" ] || fail "the site's files are not as before"
"$SVCD" status "$T/c.run" > /dev/null || fail "the service is not running after the undo"

# 4. the stop command fails: nothing swapped, start runs again
site "$T/d" CEN central - 3
services "$T/d" "true"
sed -i "s|<arg>stop</arg>|<arg>no-such-verb</arg>|" "$T/d/site.xml"
before=$(tree "$T/d" mtime)
hf apply "$KB" --site "$T/d"
expect_rc 1; expect_out "FAILED at step 'stop'"
expect_out "output of the stop command:"
[ "$(tree "$T/d" mtime)" = "$before" ] || fail "the site's files are not as before"
"$SVCD" status "$T/d.run" > /dev/null || fail "recovery did not run start"
svc_stop "$T/d"

# 5. the start command fails on the new files: undone, started on the old ones
site "$T/e" CEN central - 3
cat > "$T/e.start" <<SH
#!/bin/sh
[ "\$(sha256sum $DLL | cut -c1-64)" = $NEW ] && { echo "svcd refuses the new DLL"; exit 7; }
exec "$SVCD" start "$T/e.run" $DLL
SH
chmod +x "$T/e.start"
services "$T/e" "true" "<arg>$T/e.start</arg>"
svc_start "$T/e"
before=$(tree "$T/e" mtime)
hf apply "$KB" --site "$T/e"
expect_rc 1; expect_out "FAILED at step 'start'"
expect_out "services: services stopped and started again"
[ "$(tree "$T/e" mtime)" = "$before" ] || fail "the site's files are not as before"
[ "$(running_sha "$T/e")" != "$NEW" ] && "$SVCD" status "$T/e.run" > /dev/null ||
    fail "the service is not running the old DLL"

# 6. killed during the health check: the next command stops, undoes, starts
site "$T/f" CEN central - 3
services "$T/f" "touch \"$T/f.health\"; sleep 30"
svc_start "$T/f"
before=$(tree "$T/f" mtime)
"$BIN" apply "$KB" --site "$T/f" > "$T/out" 2> "$T/err" &
pid=$!
i=0; while [ ! -e "$T/f.health" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$T/f.health" ] || fail "the health command never ran"
kill -9 $pid; wait $pid 2> /dev/null
pkill -f "f.health" 2> /dev/null
[ -e "$T/f/.hotfix/services" ] || fail "no services marker while the health check ran"
[ "$(running_sha "$T/f")" = "$NEW" ] || fail "the service should run the new DLL mid-health"
hf recover --site "$T/f"
expect_rc 0
expect_out "undid the interrupted apply"
expect_out "services stopped and started again on the files as before"
[ "$(tree "$T/f" mtime)" = "$before" ] || fail "recovery did not restore the files"
[ "$(running_sha "$T/f")" != "$NEW" ] || fail "the service still runs the new DLL"
[ ! -e "$T/f/.hotfix/services" ] || fail "the services marker is left"

# 7. KB936465 says no restart; a site with no service commands: no service is touched
site "$T/g" CEN central - 3
mkdir -p "$T/g.run"
svc_start "$T/g"
hf apply "$KB" --site "$T/g"
expect_rc 0
expect_out "services: none touched (the hotfix needs no restart, the site names no service commands)"
[ "$(starts "$T/g")" = 1 ] || fail "a service was restarted"
[ "$(running_sha "$T/g")" != "$NEW" ] || fail "the running service changed"

# 8. a stop without a start is refused when the site is read
site "$T/h" CEN central - 3
services "$T/h" "true"
sed -i '/<start /d' "$T/h/site.xml"
hf check "$KB" --site "$T/h"
expect_rc 4; expect_err "names a stop command without a start command"
cat "$T/report-b"
echo "services: ok"
