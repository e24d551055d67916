# Signals during a transaction (intr.h, hotfix(1) SIGNALS), and commands that would
# outlive it (hookrec.h).  SIGINT, SIGTERM and SIGHUP during an apply of KB936465 on a
# site whose service (tests/unit/svcd.c) is stopped and started around the swap: raised
# before every mutating operation in turn (build/hotfix-fault, HOTFIX_FAULT=sigterm:K,
# which raises it again before every later operation, so the undo runs under a storm of
# signals), and sent for real while the stop, start or health command runs.  Each time:
# exit 128+N, one line saying what was done, the site byte-identical to before (or, past
# the commit, the committed after), nothing left over, and the service running the files
# the line claims.  A hierarchy run signalled mid-run still prints its summary.  A reader
# of the output that goes away costs a committed apply nothing.  A stop/start/health
# command whose hotfix is killed -9 is ended, with its whole process group, before the
# next recovery runs a command of its own; a record that does not name that run signals
# nothing.
. tests/hostile/lib.sh
[ -x "$FAULT_BIN" ] || fail "no fault-injection build at $FAULT_BIN"
DLL=bin/i386/Basesvr.dll
OLD=01ba7f5f645c05cf779d29deb265c5cf614aa141e757d3f16e6b0f0ded9b9c68 # before KB936465
NEW=b1b5431254c6957d8e834f11b65d5a044002ea1ba27382b61b52378580ed68de # after
trap 'find "$T" -name "*.run" -type d | while read -r r; do "$SVCD" stop "$r" > /dev/null 2>&1; done; rm -rf "$T"' EXIT

# dflt CMD...: run CMD with SIGINT, SIGTERM, SIGHUP and SIGQUIT at their defaults (a
# background job of sh starts with SIGINT and SIGQUIT ignored, which hotfix rightly keeps
# ignored; so may a CI runner's whole session)
# (a program, not a function: "dflt ... &" must leave $! the pid of hotfix itself)
printf '#!/bin/sh\nexec env --default-signal=INT,TERM,HUP,QUIT "$@"\n' > "$T/dflt"
chmod +x "$T/dflt"
dflt=$T/dflt
signum() { case $1 in INT) echo 2 ;; TERM) echo 15 ;; HUP) echo 1 ;; esac; }

# svcsite DIR STOP START HEALTH [RUN]: a KB936465 site (SP3) whose services are svcd,
# run dir RUN (default DIR.run), started; STOP, START and HEALTH are shell text run
# before svcd's own stop, start, and as the health command.
svcsite() {
    site "$1" CEN central - 3
    run=${5:-$1.run}; rm -rf "$run"; mkdir -p "$run"
    esc() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
    cat > "$1/site.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<site code="CEN" type="central">
  <product name="SMS" version="2003" servicepack="3"/>
  <services>
    <stop timeout="20"><shell>$(esc "$2"); exec "$SVCD" stop "$run"</shell></stop>
    <start timeout="20"><shell>$(esc "$3"); exec "$SVCD" start "$run" $DLL</shell></start>
    <health timeout="30" retries="0" interval="0"><shell>$(esc "$4")</shell></health>
  </services>
</site>
XML
    (cd "$1" && "$SVCD" start "$run" $DLL > /dev/null) || fail "svcd did not start"
    mkdir -p "$1/.hotfix"   # as after any earlier command: the snapshot includes it
}
running() { "$SVCD" status "$1.run" | sed -n "s|^$DLL ||p"; }

# settled DIR WHAT: what the one "interrupted" line of $T/err claims -- undone / not
# begun: DIR is as $BEFORE, svcd runs the old DLL; committed: KB936465 is installed and
# svcd runs the new one -- and nothing of the transaction is left.
settled() {
    n=$(grep -c "^hotfix: CEN: interrupted by SIG" "$T/err")
    [ "$n" = 1 ] || fail "$2: $n 'interrupted' lines on stderr"
    no_residue "$1"
    for f in hook hook.tmp services; do
        [ ! -e "$1/.hotfix/$f" ] || fail "$2: .hotfix/$f is left over"
    done
    if grep -q "was undone; the site is as before\|had not begun; nothing was changed" "$T/err"; then
        now=$(fullsnap "$1")
        if [ "$now" != "$BEFORE" ]; then
            echo "$BEFORE" > "$T/snap.before"
            fail "$2: the site is not as before: $(echo "$now" | diff "$T/snap.before" - | head -n 20)"
        fi
        [ ! -d "$1.run" ] || [ "$(running "$1")" = "$OLD" ] || fail "$2: svcd does not run the old DLL"
        echo before
    elif grep -q "the apply of KB936465 had committed; finished" "$T/err"; then
        installed "$1" KB936465 || fail "$2: 'committed' but KB936465 is not installed"
        [ "$(sha256sum "$1/$DLL" | cut -c1-64)" = "$NEW" ] || fail "$2: committed, old DLL"
        [ ! -d "$1.run" ] || [ "$(running "$1")" = "$NEW" ] || fail "$2: svcd does not run the new DLL"
        echo after
    else
        fail "$2: the line says neither undone nor committed"
    fi
}

# 1. a signal before every mutating operation of the apply in turn (the signal rotates
# INT, TERM, HUP with K; each keeps coming before every later operation): every K on a
# site that names no services, every 4th on one whose svcd is stopped and started
site "$T/plain0" CEN central - 3; mkdir -p "$T/plain0/.hotfix"
svcsite "$T/svc0" : : true "$T/s.run"
"$SVCD" stop "$T/s.run" > /dev/null
fresh() { # NAME: a copy of NAME0 at $T/s, its svcd (run dir $T/s.run) started if it has one
    rm -rf "$T/s" "$T/s.run"; cp -a "$T/${1}0" "$T/s"
    if [ $1 = svc ]; then
        mkdir -p "$T/s.run"
        (cd "$T/s" && "$SVCD" start "$T/s.run" $DLL > /dev/null) || fail "svcd did not start"
    fi
}
for kind in plain:2 svc:4; do
    stride=${kind#*:} kind=${kind%:*}
    [ -n "$WRAP" ] && stride=$((stride * 7))
    fresh $kind
    HOTFIX_FAULT=count "$FAULT_BIN" apply "$KB" --site "$T/s" -q > /dev/null 2> "$T/count"
    n=$(sed -n 's/^hotfix-fault: \([0-9]*\) operations$/\1/p' "$T/count")
    [ "${n:-0}" -gt 20 ] || fail "counted ${n:-no} operations"
    [ -d "$T/s.run" ] && "$SVCD" stop "$T/s.run" > /dev/null
    fresh $kind
    BEFORE=$(fullsnap "$T/s") # cp -a keeps every mtime: the same for every copy
    befores=0 afters=0 k=1
    while [ $k -le "$n" ]; do
        case $((k % 3)) in 0) sig=INT ;; 1) sig=TERM ;; 2) sig=HUP ;; esac
        fresh $kind
        HOTFIX_FAULT="sig$(echo $sig | tr A-Z a-z):$k" "$dflt" $WRAP "$FAULT_BIN" apply "$KB" --site "$T/s" > "$T/out" 2> "$T/err"
        RC=$?
        [ $RC -eq $((128 + $(signum $sig))) ] || fail "$kind: SIG$sig before op $k: exit $RC"
        s=$(settled "$T/s" "$kind: SIG$sig before op $k") || { echo "$s"; exit 1; }
        [ "$s" = before ] && befores=$((befores + 1)) || afters=$((afters + 1))
        [ -d "$T/s.run" ] && "$SVCD" stop "$T/s.run" > /dev/null
        k=$((k + stride))
    done
    echo "ok: $kind: a signal before each of $n operations (every ${stride}th): $befores undone, $afters committed"
    [ $befores -gt 0 ] && [ $afters -gt 0 ] || fail "$kind: expected both undone and committed runs"
done

# 2. a real signal while the stop, start or health command runs (each waits on a file
# the test makes, so the signal lands mid-command); for TERM a second one comes while
# recovery's own stop runs -- the undo finishes all the same
for case in INT:health:1 TERM:stop:2 HUP:start:3; do
    sig=${case%%:*} phase=${case#*:} nap=${phase#*:} phase=${phase%:*}
    d=$T/$phase; w=$T/$phase.waiting
    rm -f "$w" "$T/rec.waiting"
    stop=: start=: health=true
    # the command runs once in the apply and waits there; recovery's runs do not wait
    hold="if [ \"\$HOTFIX_OP\" != recover ]; then touch '$w'; sleep 30.$nap; fi"
    case $phase in
        stop) stop=$hold ;;
        start) start=$hold ;;
        health) health=$hold ;;
    esac
    [ $sig = TERM ] && stop="if [ \"\$HOTFIX_OP\" = recover ]; then touch '$T/rec.waiting'; sleep 1; else $stop; fi"
    svcsite "$d" "$stop" "$start" "$health"
    BEFORE=$(fullsnap "$d")
    "$dflt" $WRAP "$BIN" apply "$KB" --site "$d" > "$T/out" 2> "$T/err" &
    pid=$!
    i=0; while [ ! -e "$w" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
    [ -e "$w" ] || fail "$phase: the command never ran"
    kill -$sig $pid
    if [ $sig = TERM ]; then
        i=0; while [ ! -e "$T/rec.waiting" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
        [ -e "$T/rec.waiting" ] || fail "recovery's stop never ran"
        kill -TERM $pid
    fi
    wait $pid; RC=$?
    echo "+ SIG$sig during $phase -> $RC"
    [ $RC -eq $((128 + $(signum $sig))) ] || fail "SIG$sig during $phase: exit $RC"
    expect_err "^hotfix: CEN: interrupted by SIG$sig during step '$phase': the apply of KB936465 was undone; the site is as before$"
    expect_out "interrupted by SIG$sig at step '$phase'; undone: the site is as before"
    s=$(settled "$d" "SIG$sig during $phase") || { echo "$s"; exit 1; }
    [ "$s" = before ] || fail "SIG$sig during $phase: not undone"
    pgrep -f "sleep 30.$nap" > /dev/null && fail "$phase: the interrupted command still runs"
    grep -q "$phase command (attempt 1 of 1.*ended (its process group got SIGTERM) because hotfix was interrupted by SIG$sig" \
        "$d/.hotfix/log/KB936465.log" || fail "$phase: the log does not say the command was ended"
    echo "ok: SIG$sig during the $phase command: ended, undone, services back on the old files"
done

# a rollback interrupted the same way is undone too: the hotfix stays installed, and the
# service runs its files
d=$T/rb; w=$T/rb.waiting
svcsite "$d" : : "if [ \"\$HOTFIX_OP\" = rollback ]; then touch '$w'; sleep 30.5; fi"
hf apply "$KB" --site "$d" -q
expect_rc 0
BEFORE=$(fullsnap "$d")
"$dflt" $WRAP "$BIN" rollback KB936465 --site "$d" > "$T/out" 2> "$T/err" &
pid=$!
i=0; while [ ! -e "$w" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$w" ] || fail "rollback: the health command never ran"
kill -TERM $pid; wait $pid; RC=$?
echo "+ SIGTERM during the rollback's health -> $RC"
[ $RC -eq 143 ] || fail "rollback: exit $RC"
expect_err "^hotfix: CEN: interrupted by SIGTERM during step 'health': the rollback of KB936465 was undone; the site is as before$"
expect_out "rollback interrupted"
[ "$(fullsnap "$d")" = "$BEFORE" ] || fail "rollback: the site is not as before it"
no_residue "$d"
installed "$d" KB936465 || fail "rollback: KB936465 is no longer installed"
[ "$(running "$d")" = "$NEW" ] || fail "rollback: svcd does not run the hotfix's DLL"
echo "ok: SIGTERM during a rollback's health command: undone, still installed"

# 3. a hierarchy run signalled while its second site runs: that site is undone, the first
# stays applied, the others never start; the summary (text and JSON) says so
for fmt in text json; do
    h=$T/h-$fmt; mkdir -p "$h"
    site "$h/CEN" CEN central - 3
    svcsite "$h/PRI" : : "touch '$h/waiting'; sleep 30"
    sed -i 's|<site code="CEN" type="central">|<site code="PRI" type="primary" parent="CEN">|' "$h/PRI/site.xml"
    site "$h/PR2" PR2 primary CEN 3
    site "$h/SEC" SEC secondary PRI 3
    hier "$h/sites.xml" CEN PRI PR2 SEC
    for s in CEN PRI PR2 SEC; do mkdir -p "$h/$s/.hotfix"; eval "snap_$s=\$(fullsnap \"$h/$s\")"; done
    extra=; [ $fmt = json ] && extra=--json
    "$dflt" $WRAP "$BIN" apply "$KB" --hierarchy "$h/sites.xml" --jobs 1 $extra > "$T/out" 2> "$T/err" &
    pid=$!
    i=0; while [ ! -e "$h/waiting" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
    [ -e "$h/waiting" ] || fail "hierarchy: PRI's health command never ran"
    kill -TERM $pid
    wait $pid; RC=$?
    echo "+ hierarchy ($fmt) SIGTERM -> $RC"
    [ $RC -eq 143 ] || fail "hierarchy ($fmt): exit $RC"
    if [ $fmt = text ]; then
        grep -q "^CEN .* applied .*$" "$T/out" || fail "summary: CEN is not applied"
        grep -q "^PRI .* interrupted .*interrupted by SIGTERM: undone, the site is as before" "$T/out" ||
            fail "summary: PRI is not interrupted and undone"
        grep -q "^PR2 .* not-started .*not started: interrupted by SIGTERM" "$T/out" || fail "summary: PR2"
        grep -q "^SEC .* not-started .*not started: interrupted by SIGTERM" "$T/out" || fail "summary: SEC"
        expect_out "^exit status 143$"
    else
        python3 - "$T/out" <<'PY' || fail "hierarchy JSON summary"
import json, sys
d = json.load(open(sys.argv[1]))
got = {r['site']: (r['result'], r['exit']) for r in d['summary']}
want = {'CEN': ('applied', 0), 'PRI': ('interrupted', 143), 'PR2': ('not-started', None),
        'SEC': ('not-started', None)}
assert got == want, got
assert d['exit'] == 143, d['exit']
PY
    fi
    installed "$h/CEN" KB936465 || fail "hierarchy: CEN is not applied"
    for s in PRI PR2 SEC; do
        eval "want=\$snap_$s"
        [ "$(fullsnap "$h/$s")" = "$want" ] || fail "hierarchy: $s is not as before"
        no_residue "$h/$s"
    done
    [ "$(running "$h/PRI")" = "$OLD" ] || fail "hierarchy: PRI's service does not run the old DLL"
    echo "ok: hierarchy ($fmt) interrupted: summary of applied, interrupted and not started"
done

# 4. the reader of the output goes away (SIGPIPE/EPIPE): the apply goes on and commits,
# and the exit status stays 0 (the health command waits until the reader is gone)
for extra in "" --json; do
    d=$T/pipe$extra; rm -f "$T/closed"
    svcsite "$d" : : "i=0; while [ ! -e '$T/closed' ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i+1)); done"
    { $WRAP "$BIN" apply "$KB" --site "$d" $extra 2> "$T/err"; echo $? > "$T/rc"; } |
        { exec 0<&-; touch "$T/closed"; sleep 0.2; }
    RC=$(cat "$T/rc")
    echo "+ apply $extra | (reader gone) -> $RC"
    [ "$RC" -eq 0 ] || fail "apply $extra with its reader gone: exit $RC"
    [ ! -s "$T/err" ] || fail "apply $extra with its reader gone printed: $(cat "$T/err")"
    installed "$d" KB936465 || fail "apply $extra with its reader gone: not committed"
    [ "$(running "$d")" = "$NEW" ] || fail "apply $extra: svcd does not run the new DLL"
    no_residue "$d"
done
d=$T/head; svcsite "$d" : : true
"$BIN" apply "$KB" --site "$d" --json -v | head -c1 > /dev/null
installed "$d" KB936465 || fail "apply | head -c1: not committed"
{ "$BIN" rollback KB936465 --site "$d"; echo $? > "$T/rc"; } | head -c1 > /dev/null
[ "$(cat "$T/rc")" = 0 ] || fail "rollback | head -c1: exit $(cat "$T/rc")"
installed "$d" KB936465 && fail "rollback | head -c1: not rolled back"
echo "ok: a reader that goes away costs a committed transaction nothing"

# 5. kill -9 while the health command runs a command of its own that would go on (and
# write a marker after its sleep): recovery ends that whole process group before its own
# stop runs; the stop command writes down whether the orphan was still alive then
d=$T/orphan
# the orphan outlives the dead run by its sleep; recovery must find it alive, which under
# valgrind on a loaded machine (the recover's own start-up is seconds) 3 s did not ensure
orphan_s=3; [ -n "${WRAP:-}" ] && orphan_s=12
orphan_state="p=\$(cat '$T/orphan.pid' 2>/dev/null); st=; [ -n \"\$p\" ] && st=\$(cut -d' ' -f3 /proc/\$p/stat 2>/dev/null); case \"\$st\" in ''|Z|X) st=gone ;; *) st=alive ;; esac; echo \"stop \$HOTFIX_OP \$st\" >> '$T/markers'"
svcsite "$d" "$orphan_state" : "(sleep $orphan_s; echo late >> '$T/markers') & echo \$! > '$T/orphan.pid'; wait"
BEFORE=$(fullsnap "$d")
$WRAP "$BIN" apply "$KB" --site "$d" > "$T/out" 2> "$T/err" &
pid=$!
i=0; while [ ! -s "$T/orphan.pid" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/orphan.pid" ] || fail "orphan: the health command never ran"
sleep 0.2
[ -f "$d/.hotfix/hook" ] || fail "no .hotfix/hook while the health command runs"
grep -q "^phase health$" "$d/.hotfix/hook" || fail ".hotfix/hook: $(cat "$d/.hotfix/hook")"
kill -9 $pid; wait $pid 2> /dev/null
hf recover --site "$d"
expect_rc 0
expect_out "ended the health command of the interrupted apply of KB936465 (process group"
expect_out "undid the interrupted apply of KB936465"
sleep "$orphan_s.5" # past the orphan's sleep: it must not write its marker
m=$(tr '\n' , < "$T/markers")
[ "$m" = "stop apply gone,stop recover gone," ] || fail "orphan: markers '$m' (an orphan alive at recovery's stop, or its late marker)"
[ ! -e "$d/.hotfix/hook" ] || fail "orphan: .hotfix/hook is left"
o=$(grep -n "ended the health command" "$d/.hotfix/log/KB936465.log" | cut -d: -f1 | head -n1)
s=$(grep -n "recover: stop command" "$d/.hotfix/log/KB936465.log" | cut -d: -f1 | head -n1)
[ -n "$o" ] && [ -n "$s" ] && [ "$o" -lt "$s" ] || fail "orphan: the log does not end it before recovery's stop"
[ "$(fullsnap "$d")" = "$BEFORE" ] || fail "orphan: the site is not as before"
[ "$(running "$d")" = "$OLD" ] || fail "orphan: svcd does not run the old DLL"
echo "ok: a command left running by a killed hotfix is ended before recovery's own stop"

# 6. a record that does not name the dead run's group signals nothing: a decoy process
# group (its own session) named with the wrong start time, and a damaged record
for kind in foreign damaged; do
    d=$T/rec-$kind; rm -f "$T/markers" "$T/orphan.pid"
    svcsite "$d" : : "touch '$T/$kind.waiting'; sleep 30.4"
    "$BIN" apply "$KB" --site "$d" > /dev/null 2>&1 &
    pid=$!
    i=0; while [ ! -e "$T/$kind.waiting" ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
    kill -9 $pid; wait $pid 2> /dev/null
    pkill -f "sleep 30.4" # the real orphan: this case is about the record
    sleep 0.1
    setsid sleep 30 & decoy=$!
    sleep 0.1
    if [ $kind = foreign ]; then
        sed -i "s/^pgid .*/pgid $decoy/; s/^start .*/start 1/" "$d/.hotfix/hook"
        want="not the one recorded; not signalled"
    else
        printf 'hotfix-hook 1\npgid %s\n' "$decoy" > "$d/.hotfix/hook"
        want="ignored a damaged record of a running command"
    fi
    hf recover --site "$d"
    expect_rc 0
    expect_out "$want"
    kill -0 $decoy 2> /dev/null || fail "$kind record: the decoy was signalled"
    kill $decoy
    [ ! -e "$d/.hotfix/hook" ] || fail "$kind record: .hotfix/hook is left"
    echo "ok: a $kind record signals nothing"
done

# 7. SIGQUIT is caught like SIGTERM (fault build: before operation 6, and every one after),
# and SIGXFSZ is ignored: past the file-size limit (ulimit -f) a staging write fails with
# EFBIG, and the apply is undone instead of killed (exit 153).
SITE=$T/quit; site "$SITE" CEN central - 3; mkdir -p "$SITE/.hotfix"
snap=$(fullsnap "$SITE")
HOTFIX_FAULT=sigquit:6 "$dflt" $WRAP "$FAULT_BIN" apply "$KB" --site "$SITE" > "$T/out" 2> "$T/err"; RC=$?
expect_rc 131
expect_err "interrupted by SIGQUIT"
[ "$(fullsnap "$SITE")" = "$snap" ] || fail "SIGQUIT: the site changed"
no_residue "$SITE"
echo "ok: SIGQUIT undoes the apply, exit 131"
mkdll "$T/big.dll" 1.0.0.1 262144
mkdir -p "$T/xf/SP3"; cp "$T/big.dll" "$T/xf/SP3/t.dll"
tar -cf "$T/xf/x.tar" -C "$T/xf" SP3
onefile "$T/xf/x.xml" XFSZ1 x.tar bin/t.dll SP3/t.dll "$T/big.dll"
SITE=$T/xfsz; victim "$SITE"
snap=$(fullsnap "$SITE")
(ulimit -f 256; exec $WRAP "$BIN" apply "$T/xf/x.xml" --site "$SITE") > "$T/out" 2> "$T/err"; RC=$?
expect_rc 1
expect_err "File too large"
expect_err "undone"
[ "$(fullsnap "$SITE")" = "$snap" ] || fail "EFBIG: the site changed"
no_residue "$SITE"
echo "ok: past ulimit -f the apply fails with EFBIG and is undone, not killed by SIGXFSZ"
echo "signals: all passed"
