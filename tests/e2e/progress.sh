# Progress on a terminal: verifying and staging a payload draws one line on stderr
# ("verifying payload: 3.0 MiB of 12.0 MiB, 45.6 MiB/s, 25%"), redrawn in place with \r,
# at most once per MiB of the payload, and cleared when the pass ends; a hierarchy run
# draws "sites: N of M done, R running, F failed", with -q too.  Nothing of it when
# stderr is not a terminal, with --json, or (the payload's) with -q.  The terminal is a
# real pseudo-terminal (script(1)).
. tests/lib.sh
command -v script >/dev/null || { echo "progress: skipped (no script)"; exit 0; }
export HOTFIX_TRUST=$TRUST
ESC=$(printf '\033')

# tty LOG CMD...: run hotfix with stderr (and stdin) on a pseudo-terminal, stdout in
# $T/out; what the terminal got in LOG
tty() {
    log=$1; shift
    q=""
    for a in "$@"; do q="$q '$a'"; done
    script -qfec "$WRAP '$BIN'$q > '$T/out'" /dev/null > "$log" 2>&1
    RC=$?
    echo "+ (tty) hotfix $* -> $RC"
}
# shown LOG WHAT: LOG has WHAT's progress line, each draw starts with \r\033[K, and
# after the last draw the line was cleared
shown() {
    grep -aq "$ESC\[K$2: [0-9.]* [KMG]*i*B of 12\.[0-9] MiB, [0-9.]* [KMG]*i*B/s, [0-9]*%" "$1" ||
        fail "no '$2' progress line on the terminal: $(od -c "$1" | head -n 20)"
    tr '\r' '\n' < "$1" | grep -a "$2:" | grep -avq "^$ESC\[K$2:" &&
        fail "a '$2' line not drawn in place"
    # at most one draw per MiB step (12 MiB: 12, plus the first): never per block
    n=$(tr '\r' '\n' < "$1" | grep -ac "^$ESC\[K$2:")
    [ "$n" -le 13 ] || fail "'$2' drawn $n times for 12 MiB"
    tail=$(tr '\r' '\n' < "$1" | grep -an "$2:" | tail -n 1 | cut -d: -f1)
    tr '\r' '\n' < "$1" | sed -n "$((tail + 1))p" | grep -aq "^$ESC\[K" ||
        fail "the '$2' line is not cleared at the end"
}

# a 12 MiB payload (as bigpayload.sh)
mkdir -p "$T/pkg/payloads" "$T/pkg/manifests" "$T/pkg/stage/SP3" "$T/old"
mkdll "$T/old/t.dll" 1.0.0.0 8192
mkdll "$T/pkg/stage/SP3/t.dll" 1.0.0.1 65536
head -c $((12 << 20)) /dev/urandom >> "$T/pkg/stage/SP3/t.dll"
tar -cf "$T/pkg/payloads/BIG.tar" -C "$T/pkg/stage" SP3/t.dll
M=$T/pkg/manifests/BIG.xml
onefile "$M" BIG ../payloads/BIG.tar bin/t.dll SP3/t.dll "$T/pkg/stage/SP3/t.dll"
fresh() { rm -rf "$T/s"; sitexml "$T/s" BIG central - 3; mkdir -p "$T/s/bin"; cp "$T/old/t.dll" "$T/s/bin/t.dll"; }

# --- check: the payload is verified
fresh
tty "$T/tty" check "$M" --site "$T/s"
expect_rc 0
shown "$T/tty" "verifying payload"
expect_out "result: install"

# --- apply: verified, then staged
tty "$T/tty" apply "$M" --site "$T/s"
expect_rc 0
shown "$T/tty" "verifying payload"
shown "$T/tty" "staging payload"
expect_out "applied: 1 file(s) replaced"
cmp "$T/pkg/stage/SP3/t.dll" "$T/s/bin/t.dll" || fail "the applied file is not the payload's"

# --- nothing with --json, with -q, or when stderr is a file
fresh
tty "$T/tty" apply "$M" --site "$T/s" --json
expect_rc 0
! grep -aq "payload:" "$T/tty" || fail "--json: progress on the terminal"
jq -e '.sites[0].result == "applied"' "$T/out" > /dev/null || fail "--json: not one document"
fresh
tty "$T/tty" apply "$M" --site "$T/s" -q
expect_rc 0
! grep -aq "payload:" "$T/tty" || fail "-q: progress on the terminal"
fresh
hf apply "$M" --site "$T/s"
expect_rc 0
! grep -q "payload:\|$ESC" "$T/err" || fail "progress on a stderr that is not a terminal"

# --- a hierarchy: one line of sites, apart from the reports; -q keeps it, --json not
sample_hierarchy "$T/h" all.xml
tty "$T/tty" check "$KB" --hierarchy "$T/h/all.xml" -q
expect_rc 0
grep -aq "$ESC\[Ksites: 5 of 5 done, 0 running, 0 failed" "$T/tty" || fail "no sites line with -q: $(od -c "$T/tty" | head -n 20)"
grep -aq "$ESC\[Ksites: [0-4] of 5 done, 1 running, 0 failed" "$T/tty" || fail "no sites line while a site runs"
tr '\r' '\n' < "$T/tty" | tail -n 1 | grep -aq "^$ESC\[K$" || fail "the sites line is not cleared at the end"
tty "$T/tty" apply "$KB" --hierarchy "$T/h/all.xml" --keep-going
expect_rc 0
# each site's report on its own lines: the line is cleared before one is printed
tr '\r' '\n' < "$T/tty" | grep -a "hotfix: CEN: applied" | grep -aq "sites:" && fail "a report shares the sites line"
grep -aq "sites: 5 of 5 done" "$T/tty" || fail "no sites line"
tty "$T/tty" check "$KB" --hierarchy "$T/h/all.xml" --json
expect_rc 0
! grep -aq "sites:" "$T/tty" || fail "--json: a sites line on the terminal"
hf check "$KB" --hierarchy "$T/h/all.xml" -q
! grep -q "sites:\|$ESC" "$T/err" || fail "a sites line on a stderr that is not a terminal"
echo "progress: ok"
