# Every applying command also logs its steps to syslog in the stable key=value format
# (hotfix[pid]: site=... id=... op=... step=...). The test reads them from a socket of its
# own: in a private mount namespace where it is /dev/log; or, where namespaces are not
# allowed (a container) and the system has no /dev/log, at /dev/log itself for the test's
# duration. With neither, it says so and skips. SYSLOG_TEST_MODE=ns|devlog forces one.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
mode=${SYSLOG_TEST_MODE:-}
if [ -z "$mode" ]; then
    if unshare -m --propagation private true 2> /dev/null; then
        mode=ns
    elif [ ! -e /dev/log ] && [ -w /dev ]; then
        mode=devlog
    else
        echo "syslog: SKIPPED: no mount namespace here, and /dev/log belongs to a syslog daemon"
        exit 0
    fi
fi
case $mode in ns) sock=$T/log.sock ;; devlog) sock=/dev/log ;; *) fail "SYSLOG_TEST_MODE=$mode" ;; esac
cat > "$T/listen.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    open(sys.argv[3], "w").close()
    while True:
        out.write(s.recv(65536).decode("utf-8", "replace") + "\n")
        out.flush()
PY
python3 "$T/listen.py" "$sock" "$T/syslog" "$T/ready" &
listener=$!
if [ "$mode" = devlog ]; then
    trap 'kill $listener 2>/dev/null; rm -f /dev/log; rm -rf "$T"' EXIT INT TERM
else
    trap 'kill $listener 2>/dev/null; rm -rf "$T"' EXIT INT TERM
fi
for _ in $(seq 50); do [ -e "$T/ready" ] && break; sleep 0.1; done
[ -e "$T/ready" ] || fail "the syslog listener did not start"

# in_ns CMD...: run CMD where /dev/log is the listener's socket (in ns mode, a private
# mount namespace keeps the real null, zero, urandom and tty)
in_ns() {
    if [ "$mode" = devlog ]; then
        "$@" > "$T/out" 2> "$T/err"
        RC=$?
        return
    fi
    T=$T unshare -m --propagation private sh -c '
        set -e
        mkdir -p "$T/realdev"
        mount --rbind /dev "$T/realdev"
        mount -t tmpfs -o size=1m,mode=755 tmpfs /dev
        for n in null zero full random urandom tty; do
            [ -e "$T/realdev/$n" ] || continue
            touch "/dev/$n"; mount --bind "$T/realdev/$n" "/dev/$n"
        done
        ln -s /proc/self/fd /dev/fd
        touch /dev/log; mount --bind "$T/log.sock" /dev/log
        exec "$@"' sh "$@" > "$T/out" 2> "$T/err"
    RC=$?
}

site "$T/s" CEN central - 3
in_ns $WRAP "$BIN" apply "$KB" --site "$T/s" -q
expect_rc 0
sleep 0.2
for f in Basesvr Baseutil; do
    grep -q "<14>.*hotfix\[[0-9]*\]: site=CEN id=KB936465 op=apply step=swap file=bin/i386/$f.dll old=2.50.4253.3000 new=2.50.4253.3102\$" "$T/syslog" ||
        fail "no swap line for $f.dll in syslog: $(cat "$T/syslog")"
done
for step in start stage journal backup commit done; do
    grep -q "site=CEN id=KB936465 op=apply step=$step" "$T/syslog" || fail "syslog lacks step=$step"
done
grep -q "step=stage file=bin/i386/Distmgr.dll new=2.50.4253.3104" "$T/syslog" || fail "syslog lacks the staged version"
grep -q "step=backup file=bin/i386/Distmgr.dll old=2.50.4253.3000" "$T/syslog" || fail "syslog lacks the backed-up version"
in_ns $WRAP "$BIN" rollback KB936465 --site "$T/s" -q
expect_rc 0
sleep 0.2
grep -q "op=rollback step=swap file=bin/i386/Basesvr.dll old=2.50.4253.3102 new=2.50.4253.3000" "$T/syslog" ||
    fail "syslog lacks the rollback's swap"

# a failure: priority err, with the reason quoted
: > "$T/syslog"
site "$T/f" FLD central - 3
cp -a "$T/f" "$T/fcount"
HOTFIX_FAULT=count "$FAULT_BIN" apply "$KB" --site "$T/fcount" -q 2> "$T/count" || fail "count run"
ops=$(sed -n 's/^hotfix-fault: \([0-9]*\) operations$/\1/p' "$T/count")
[ -n "$ops" ] || fail "no operation count: $(cat "$T/count")"
HOTFIX_FAULT=eio:$((ops / 2)) in_ns "$FAULT_BIN" apply "$KB" --site "$T/f" -q
expect_rc 1
sleep 0.2
grep -q "<11>.*hotfix\[[0-9]*\]: site=FLD id=KB936465 op=apply step=failed reason=\"[^\"]*Input/output error" "$T/syslog" ||
    fail "no failed line at priority err: $(cat "$T/syslog")"
echo "syslog: ok ($mode)"
