# The transaction log survives a full disk.  Room for the record is reserved in
# .hotfix/txlog before the commit, so a disk that fills up before the commit fails (and
# undoes) the transaction instead of leaving it unrecorded; a record that still cannot be
# written after the commit (ENOSPC, EIO) is a warning, and the next command that writes
# to the site records the gap (a record by=heal), after which `audit --verify-log` is green
# again and says so.  With the fault build (every failure point), and on a real full file
# system (a small tmpfs in a private mount namespace; skipped where mounts are not allowed).
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/f.xml" FUL1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
victim "$T/base"   # PRE1 installed: the log has one record
verify() { hf audit --verify-log --site "$1"; }
records() { wc -l < "$1/.hotfix/txlog"; }
trace() { # OP-PATTERN: the number of the first traced operation matching it
    rm -rf "$T/p"; cp -a "$T/base" "$T/p"
    HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" apply "$T/m/f.xml" --site "$T/p" -q 2> "$T/trace" > /dev/null
    sed -n "s/^hotfix-fault: op \([0-9]*\) $1\$/\1/p" "$T/trace" | head -n 1
}
commit=$(trace 'rename installed.xml')
reserve=$(trace 'fallocate ')
[ -n "$commit" ] && [ -n "$reserve" ] || fail "no commit or reservation in the trace"
[ "$reserve" -lt "$commit" ] || fail "the reservation ($reserve) comes after the commit ($commit)"
# the operations that append the record after the commit: open, write, fsync
after=$(sed -n "$((commit + 1)),\$p" "$T/trace" | grep -m1 -n 'open-append txlog' | cut -d: -f1)
[ -n "$after" ] || fail "no append to txlog after the commit"
append=$((commit + after + 1))   # the write of the record (after the open)

# 1. the reservation fails (the disk is full before the commit): undone, exit 1, the site
# as before, and the log still verifies
for mode in enospc eio; do
    SITE=$T/s; rm -rf "$SITE"; cp -a "$T/base" "$SITE"
    snap=$(fullsnap "$SITE")
    HOTFIX_FAULT=$mode:$reserve $WRAP "$FAULT_BIN" apply "$T/m/f.xml" --site "$SITE" > "$T/out" 2> "$T/err"
    RC=$?; expect_rc 1
    expect_err "failed at step 'journal': .*txlog: cannot reserve [0-9]* bytes for the record"
    expect_err "undone, the site is as before"
    [ "$(fullsnap "$SITE")" = "$snap" ] || fail "$mode at the reservation: the site changed"
    no_residue "$SITE"
    verify "$SITE"; expect_rc 0; expect_out "chain intact"
done
echo "ok: no room for the record before the commit: the transaction is undone, the log intact"

# 2. the record cannot be written after the commit (the log cannot be opened, or its write
# fails; a failed fsync leaves the record in the file, so no gap): applied (exit
# 0, a warning); verify-log shows the gap until the next writer; a reader does not heal;
# then the gap record makes the log verify, and the chain goes on from it
for f in "enospc:$append" "eio:$((append - 1))"; do
    SITE=$T/s; rm -rf "$SITE"; cp -a "$T/base" "$SITE"
    HOTFIX_FAULT=$f $WRAP "$FAULT_BIN" apply "$T/m/f.xml" --site "$SITE" > "$T/out" 2> "$T/err"
    RC=$?; expect_rc 0
    expect_err "warning: transaction log: .*txlog: cannot \(append\|open\): .*(the next command records the gap)"
    installed "$SITE" FUL1 || fail "$f: not applied"
    no_residue "$SITE"
    n=$(records "$SITE")
    verify "$SITE"; expect_rc 1; expect_out "does not leave installed.xml as it is"
    hf list --site "$SITE"; expect_rc 0
    [ "$(records "$SITE")" = "$n" ] || fail "$f: a reader wrote to the log"
    hf recover --site "$SITE"
    expect_rc 0
    expect_out "installed.xml had changed with no record in the transaction log; recorded that as gap record $((n + 1))"
    [ "$(records "$SITE")" = $((n + 1)) ] || fail "$f: no gap record"
    last=$(tail -n 1 "$SITE/.hotfix/txlog")
    case "$last" in *" result=unrecorded step=- by=heal registry=$(sha256sum "$SITE/.hotfix/installed.xml" | cut -d' ' -f1) files=0 before="*) ;;
        *) fail "$f: the gap record: $last" ;; esac
    verify "$SITE"; expect_rc 0
    expect_out "chain intact, .*ends at installed.xml as it is"
    expect_out "1 gap(s) recorded .*record $((n + 1)): installed.xml went from "
    hf recover --site "$SITE"; expect_rc 0
    [ "$(records "$SITE")" = $((n + 1)) ] || fail "$f: healed twice"
    hf rollback FUL1 --site "$SITE" -q; expect_rc 0
    verify "$SITE"; expect_rc 0; expect_out "$((n + 2)) record(s), chain intact"
done
echo "ok: a record lost after the commit is a warning, and the next writer records the gap"

# 3. the same with a writer as the next command: apply of another hotfix heals first
SITE=$T/s; rm -rf "$SITE"; cp -a "$T/base" "$SITE"
HOTFIX_FAULT=enospc:$append "$FAULT_BIN" apply "$T/m/f.xml" --site "$SITE" -q > /dev/null 2>&1
hf rollback PRE1 --site "$SITE"
expect_rc 0; expect_err "recorded that as gap record 2"
verify "$SITE"; expect_rc 0; expect_out "3 record(s), chain intact"
echo "ok: the next apply or rollback records the gap before its own record"

# 4. a real full file system: the site on a 1 MiB tmpfs; its health command fills the disk
# (all but one page, for installed.xml) between the reservation and the commit.  It also
# links .hotfix/hook (the record of the running command, hookrec.h) to a name of its own,
# so that removing the record when the command exits frees no page.
if ! unshare -m true 2>/dev/null; then
    echo "real full disk: skipped (no mount namespace here: unshare -m fails)"; echo "fulldisk: ok"; exit 0
fi
cat > "$T/full.sh" <<EOF
set -u
export HOTFIX_TRUST=$TRUST
sitexml() { printf '<site code="%s" type="%s"><product name="SMS" version="2003" servicepack="%s"/></site>\\n' "\$2" "\$3" "\$5" > "\$1/site.xml"; }
MNT=$T/mnt; mkdir -p "\$MNT"
mount -t tmpfs -o size=1m,mode=0755 hotfix-test "\$MNT" || exit 77
S=\$MNT/s
cp -a "$T/base" "\$S" && rm -rf "\$S/.hotfix" # a fresh site: no registry, no log yet
head -c 4096 /dev/zero > "\$MNT/spare"
cat > "\$S/site.xml" <<XML
<site code="HOS" type="central"><product name="SMS" version="2003" servicepack="3"/>
  <services><health timeout="20" retries="0" interval="0"><shell>ln -f \\\$HOTFIX_SITE/.hotfix/hook \\\$HOTFIX_SITE/../hooklink; dd if=/dev/zero of=\\\$HOTFIX_SITE/../fill bs=4096 2>/dev/null; rm -f \\\$HOTFIX_SITE/../spare; exit 0</shell></health></services>
</site>
XML
$WRAP "$BIN" apply "$T/m/f.xml" --site "\$S" > "$T/out" 2> "$T/err"; echo "apply \$?" > "$T/full.rc"
[ -s "\$MNT/fill" ] && echo filled >> "$T/full.rc"
$WRAP "$BIN" audit --verify-log --site "\$S" > "$T/vout" 2>&1; echo "verify \$?" >> "$T/full.rc"
rm -f "\$MNT/fill"
# the rollback's health command fills the disk to the last page: its commit fails, it is
# undone, and its record goes into the room reserved for it
$WRAP "$BIN" rollback FUL1 --site "\$S" > "$T/rout" 2>&1; echo "rollback \$?" >> "$T/full.rc"
$WRAP "$BIN" audit --verify-log --site "\$S" >> "$T/vout" 2>&1; echo "verify \$?" >> "$T/full.rc"
rm -f "\$MNT/fill"
sitexml "\$S" HOS central - 3
$WRAP "$BIN" rollback FUL1 --site "\$S" -q >> "$T/rout" 2>&1; echo "rollback \$?" >> "$T/full.rc"
$WRAP "$BIN" audit --verify-log --site "\$S" >> "$T/vout" 2>&1; echo "verify \$?" >> "$T/full.rc"
umount "\$MNT"
EOF
unshare -m sh "$T/full.sh"; rc=$?
if [ $rc -eq 77 ]; then
    echo "real full disk: skipped (mounting a tmpfs is not allowed here)"; echo "fulldisk: ok"; exit 0
fi
[ $rc -eq 0 ] || { cat "$T/full.rc" "$T/vout" 2>/dev/null; fail "the full-disk run failed ($rc)"; }
cat "$T/full.rc"
grep -q '^filled$' "$T/full.rc" || fail "the health command did not fill the disk"
grep -q '^apply 0$' "$T/full.rc" || fail "apply on a full disk: $(head -n 1 "$T/full.rc")"
! grep -q 'warning' "$T/err" || fail "apply on a full disk warned: $(cat "$T/err")"
[ "$(sed -n 3p "$T/full.rc")" = "verify 0" ] || fail "verify-log after the apply on a full disk: $(cat "$T/vout")"
[ "$(sed -n 4,7p "$T/full.rc" | tr '\n' ' ')" = "rollback 1 verify 0 rollback 0 verify 0 " ] ||
    fail "rollback on a full disk, then on a free one: $(cat "$T/full.rc" "$T/rout" "$T/vout")"
grep -q "failed at step 'commit': .*installed.xml.tmp: .*No space left on device; undone, the site is as before" "$T/rout" ||
    fail "the rollback on a full disk: $(cat "$T/rout")"
grep -q "2 record(s), chain intact" "$T/vout" && grep -q "3 record(s), chain intact" "$T/vout" ||
    fail "verify-log: $(cat "$T/vout")"
echo "ok: on a real full file system the commit's record (and an undone one's) goes into the room reserved before it"
echo "fulldisk: ok"
