# Backups are real copies: a target someone else can change through another name -- a
# second hard link inside or outside the site, or a file owned by another user and writable
# by others -- is backed up by copy, so rollback restores the original bytes whatever is
# written through the other names; the normal target (root's, 0644, one link) is still
# hard-linked (the fast path).  And `check` sees immutable and append-only targets and
# directories (chattr +i / +a) instead of saying ok; apply on such a site fails cleanly.
. tests/hostile/lib.sh
# an immutable file cannot be removed: never leave one behind, even when a case fails
trap 'chattr -R -i -a "$T" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/f.xml" LNK1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
B=.hotfix/backup/LNK1/bin/t.dll
ino() { stat -c %i "$1"; }

# 1. the normal case: the backup is the original inode (a hard link)
SITE=$T/plain; victim "$SITE"
orig=$(ino "$SITE/bin/t.dll")
hf apply "$T/m/f.xml" --site "$SITE" -q
expect_rc 0
[ "$(ino "$SITE/$B")" = "$orig" ] || fail "plain target: the backup is a copy, not a hard link"
[ "$(stat -c %a "$SITE/.hotfix/backup")" = 700 ] || fail "the backup directory is not private (0700)"
hf rollback LNK1 --site "$SITE" -q
expect_rc 0
cmp -s "$SITE/bin/t.dll" "$T/old.dll" || fail "plain target: rollback did not restore it"
echo "ok: a root-owned 0644 target with one link is backed up by hard link"

# 2. a second hard link inside the site and a third outside it (same file system): the
# backup is a copy; bytes written through the other names do not reach the rollback
SITE=$T/linked; victim "$SITE"
mkdir -p "$T/outside"
ln "$SITE/bin/t.dll" "$SITE/bin/t-alias.dll"
ln "$SITE/bin/t.dll" "$T/outside/t.dll"
touch -d '2006-05-04 03:02:01' "$SITE/bin/t.dll"
chmod 0640 "$SITE/bin/t.dll"
cp -a "$SITE/bin/t.dll" "$T/saved.dll"
meta=$(stat -c '%a %U:%G %Y' "$SITE/bin/t.dll")
orig=$(ino "$SITE/bin/t.dll")
hf apply "$T/m/f.xml" --site "$SITE" -q
expect_rc 0
[ "$(ino "$SITE/$B")" != "$orig" ] || fail "linked target: the backup is a hard link to it"
[ "$(stat -c %h "$SITE/$B")" = 1 ] || fail "linked target: the backup has other names"
cmp -s "$SITE/$B" "$T/saved.dll" || fail "linked target: the backup is not the original"
[ "$(stat -c '%a %U:%G %Y' "$SITE/$B")" = "$meta" ] || fail "linked target: the copy lost mode, owner or mtime"
grep -q "kept bin/t.dll .* in backup (a copy" "$SITE/.hotfix/log/LNK1.log" || fail "the log does not say the backup is a copy"
printf 'written through the alias' | dd of="$SITE/bin/t-alias.dll" conv=notrunc 2>/dev/null
printf 'written from outside' | dd of="$T/outside/t.dll" bs=1 seek=100 conv=notrunc 2>/dev/null
cmp -s "$SITE/bin/t-alias.dll" "$T/saved.dll" && fail "the test did not change the other names"
hf rollback LNK1 --site "$SITE" -q
expect_rc 0
cmp -s "$SITE/bin/t.dll" "$T/saved.dll" || fail "linked target: rollback did not restore the original bytes"
[ "$(stat -c '%a %U:%G %Y' "$SITE/bin/t.dll")" = "$meta" ] || fail "linked target: mode, owner or mtime not restored"
no_residue "$SITE"
echo "ok: a target with other hard links (in and outside the site) is backed up by copy; rollback restores the original bytes"

# 3. a target owned by nobody, writable by others, one link: a copy, in a directory no one
# but root can enter; a descriptor opened before the apply cannot change the backup
SITE=$T/nobody; victim "$SITE"
chown 65534:65534 "$SITE/bin/t.dll"; chmod 0666 "$SITE/bin/t.dll"
cp -a "$SITE/bin/t.dll" "$T/saved.dll"
orig=$(ino "$SITE/bin/t.dll")
exec 3<>"$SITE/bin/t.dll"
hf apply "$T/m/f.xml" --site "$SITE" -q
expect_rc 0
[ "$(ino "$SITE/$B")" != "$orig" ] || fail "nobody's target: the backup is a hard link to it"
[ "$(stat -c '%a %u' "$SITE/$B")" = "666 65534" ] || fail "nobody's target: the copy lost mode or owner"
printf 'written through a descriptor held since before the apply' >&3
exec 3>&-
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "printf x > '$SITE/$B'" 2>/dev/null &&
    fail "nobody can write the backup through its name"
cmp -s "$SITE/$B" "$T/saved.dll" || fail "nobody's target: the backup changed"
hf rollback LNK1 --site "$SITE" -q
expect_rc 0
cmp -s "$SITE/bin/t.dll" "$T/saved.dll" || fail "nobody's target: rollback did not restore the original bytes"
[ "$(stat -c '%a %u' "$SITE/bin/t.dll")" = "666 65534" ] || fail "nobody's target: mode or owner not restored"
echo "ok: a target owned by nobody, mode 0666, is backed up by copy out of its reach"

# 4. immutable and append-only: check names the file, the flag and the fix; apply fails
# cleanly (undone, exit 1) and the site is as before
SITE=$T/imm; victim "$SITE"
if ! chattr +i "$SITE/bin/t.dll" 2>/dev/null; then
    echo "chattr: skipped (this file system has no immutable flag)"; echo "links: ok ($CASES)"; exit 0
fi
hf check "$T/m/f.xml" --site "$SITE"
expect_rc 1
expect_out "rollback rehearsal: FAILED: bin/t.dll is immutable (chattr +i): a rollback cannot replace it; run 'chattr -i $SITE/bin/t.dll'"
refused 1 "failed at step 'swap'.*undone, the site is as before" "apply on an immutable target" -- \
    apply "$T/m/f.xml" --site "$SITE"
chattr -i "$SITE/bin/t.dll"
chattr +a "$SITE/bin/t.dll"
hf check "$T/m/f.xml" --site "$SITE"
expect_rc 1
expect_out "bin/t.dll is append-only (chattr +a): a rollback cannot replace it; run 'chattr -a $SITE/bin/t.dll'"
chattr -a "$SITE/bin/t.dll"
chattr +i "$SITE/bin"
hf check "$T/m/f.xml" --site "$SITE"
expect_rc 1
expect_out "bin/ is immutable (chattr +i): a rollback cannot create or rename a file in it; run 'chattr -i $SITE/bin'"
refused 1 "failed at step 'swap'.*undone, the site is as before" "apply in an immutable directory" -- \
    apply "$T/m/f.xml" --site "$SITE"
chattr -i "$SITE/bin"
hf check "$T/m/f.xml" --site "$SITE"
expect_rc 0
expect_out "rollback rehearsal: ok"
echo "links: ok ($CASES refusals)"
