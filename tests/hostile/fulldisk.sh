# The transaction log survives a full disk.  Room for the record is reserved in
# .hotfix/txlog before the commit, so a disk that fills up before the commit fails (and
# undoes) the transaction instead of leaving it unrecorded; a record that still cannot be
# written after the commit (ENOSPC, EIO) is a warning, the journal is kept as the proof
# that it is owed, and the next command's recovery appends it (by=recovery), after which
# `audit --verify-log` is green.  No one records a change hotfix did not make.  With the fault build (every failure point), and on a real full file
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
# fails; a failed fsync leaves the record in the file, so nothing is owed): applied (exit 0,
# a warning that the next command records it); the journal is kept as the proof that a
# record is owed; the next command -- a reader (file-level recovery, no command run),
# recover, or a writer -- finishes the clean-up and appends the full committed record
# (by=recovery): verify-log is green with the right count, and nothing is recorded twice
sha() { sha256sum "$1" | cut -d' ' -f1; }
said() { cat "$T/out" "$T/err" | grep -q -- "$1" || fail "neither stdout nor stderr has '$1'"; }
for f in "enospc:$append:list" "eio:$((append - 1)):recover" "enospc:$append:audit --verify-log"; do
    next=${f#*:*:}; f=${f%:"$next"}
    SITE=$T/s; rm -rf "$SITE"; cp -a "$T/base" "$SITE"
    n=$(records "$SITE")
    HOTFIX_FAULT=$f $WRAP "$FAULT_BIN" apply "$T/m/f.xml" --site "$SITE" > "$T/out" 2> "$T/err"
    RC=$?; expect_rc 0
    expect_err "warning: transaction log: .*txlog: cannot \(append\|open\): .*; the journal is kept, and the next command that opens the site appends the record"
    installed "$SITE" FUL1 || fail "$f: not applied"
    [ -e "$SITE/.hotfix/journal" ] || fail "$f: the journal (the record owed) was removed"
    [ ! -e "$SITE/.hotfix/staging" ] || fail "$f: staging left over"
    [ "$(records "$SITE")" = "$n" ] || fail "$f: a record was appended after all"
    # shellcheck disable=SC2086
    hf $next --site "$SITE"; expect_rc 0
    said "the interrupted apply of FUL1 had committed; finished it and appended its record to the transaction log"
    no_residue "$SITE"
    [ "$(records "$SITE")" = $((n + 1)) ] || fail "$f: $next appended no record"
    last=$(tail -n 1 "$SITE/.hotfix/txlog")
    case "$last" in *" op=apply id=FUL1 revision=1 result=committed step=- by=recovery before=$(sha "$T/base/.hotfix/installed.xml") registry=$(sha "$SITE/.hotfix/installed.xml") files=1 file=bin/t.dll from="*) ;;
        *) fail "$f: the record appended by $next: $last" ;; esac
    ! grep -q 'by=heal' "$SITE/.hotfix/txlog" || fail "$f: a gap record was written"
    verify "$SITE"; expect_rc 0
    expect_out "$((n + 1)) record(s), chain intact, .*ends at installed.xml as it is"
    expect_no_out "gap"
    hf recover --site "$SITE"; expect_rc 0; expect_out "nothing to recover"
    [ "$(records "$SITE")" = $((n + 1)) ] || fail "$f: recorded twice"
    hf rollback FUL1 --site "$SITE" -q; expect_rc 0
    verify "$SITE"; expect_rc 0; expect_out "$((n + 2)) record(s), chain intact"
done
echo "ok: a record lost after the commit is owed: the journal is kept, the next command appends it"

# 3. the next command is a writer (rollback of another hotfix): the owed record first, then
# its own; and while the owed record cannot be appended either (txlog not a file), every
# command fails at step 'recover', naming the cause, the journal kept, nothing else done
SITE=$T/s; rm -rf "$SITE"; cp -a "$T/base" "$SITE"
HOTFIX_FAULT=enospc:$append "$FAULT_BIN" apply "$T/m/f.xml" --site "$SITE" -q > /dev/null 2>&1
mv "$SITE/.hotfix/txlog" "$T/txlog.kept"; mkdir "$SITE/.hotfix/txlog"
snap=$(fullsnap "$SITE")
hf rollback PRE1 --site "$SITE"
expect_rc 1
expect_err "failed at step 'recover': .*the apply of FUL1 had committed, but its record cannot be appended to the transaction log: .*txlog.*; the journal is kept until it is"
hf recover --site "$SITE"; expect_rc 4; said "the journal is kept until it is"
hf list --site "$SITE"; expect_rc 1
[ -e "$SITE/.hotfix/journal" ] || fail "the journal of the owed record was removed"
installed "$SITE" PRE1 || fail "PRE1 was rolled back over an owed record"
rmdir "$SITE/.hotfix/txlog"; mv "$T/txlog.kept" "$SITE/.hotfix/txlog"
[ "$(fullsnap "$SITE")" = "$snap" ] || fail "a command changed the site while the record was owed"
hf rollback PRE1 --site "$SITE"
expect_rc 0; said "finished it and appended its record"
no_residue "$SITE"
verify "$SITE"; expect_rc 0; expect_out "3 record(s), chain intact"
[ "$(sed -n 2p "$SITE/.hotfix/txlog" | grep -c ' id=FUL1 .*result=committed step=- by=recovery')" = 1 ] &&
    [ "$(sed -n 3p "$SITE/.hotfix/txlog" | grep -c 'op=rollback id=PRE1 .*by=command')" = 1 ] ||
    fail "the records: $(cut -c66-200 "$SITE/.hotfix/txlog")"
echo "ok: the owed record before the next writer's own; none appended, nothing done until it can be"

# 3b. a change of installed.xml hotfix did not make (removed, or restored from a copy, after
# an apply) is not recorded by anyone: verify-log names it (exit 1) before and after
# recover, list, a no-op apply, and a transaction after it (the rollback of PRE1, which the
# restored copy still lists: its record starts from the changed installed.xml), and no
# gap is ever written
for how in remove restore; do
    SITE=$T/s; rm -rf "$SITE"; cp -a "$T/base" "$SITE"
    cp "$SITE/.hotfix/installed.xml" "$T/installed.copy"
    hf apply "$T/m/f.xml" --site "$SITE" -q; expect_rc 0
    n=$(records "$SITE")
    case $how in
        remove) rm "$SITE/.hotfix/installed.xml" ;;
        restore) cp "$T/installed.copy" "$SITE/.hotfix/installed.xml" ;;
    esac
    for cmd in - "recover" "list" "apply $T/m/f.xml" "rollback PRE1" "recover"; do
        # shellcheck disable=SC2086
        [ "$cmd" = - ] || hf $cmd --site "$SITE"
        verify "$SITE"; expect_rc 1
        if [ "$(records "$SITE")" = "$n" ]; then
            expect_out "the last record ($n) does not leave installed.xml as it is: installed.xml changed without a record (edited by hand, or restored from a copy)"
        else
            [ "$how $cmd" = "restore rollback PRE1" ] || [ "$how $cmd" = "restore recover" ] ||
                fail "$how, then $cmd: a record was appended: $(tail -n 1 "$SITE/.hotfix/txlog" | cut -c66-300)"
            expect_out "record $((n + 1)): starts from installed.xml .*, but record $n left it .*: installed.xml changed without a record in between (edited by hand, or restored from a copy)"
        fi
        expect_no_out "gap"
    done
    ! grep -q 'by=heal' "$SITE/.hotfix/txlog" || fail "$how: recorded as a gap"
done
echo "ok: installed.xml removed or restored from a copy is never recorded after the fact: verify-log stays 1"

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
