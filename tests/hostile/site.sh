# Hostile sites: symbolic links planted on the way to the site, to its files, or inside
# .hotfix/ are never followed -- the command is refused (exit 4) and neither the site nor
# the place a link points to changes.
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" SITE1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml
# the place links point to: must never change
mkdir -p "$T/outside/bin" "$T/outside/log"
cp "$T/old.dll" "$T/outside/bin/t.dll"
cp "$T/old.dll" "$T/outside/t.dll"
OUT0=$(fullsnap "$T/outside")
outside_same() { [ "$(fullsnap "$T/outside")" = "$OUT0" ] || fail "$1: the link's target changed"; }

SITE=$T/s
# site() ... victim, then plant: each case below
victim "$SITE"; ln -s s "$T/link"
refused 4 "is a symbolic link; refused" "site root given through a symlink" -- apply "$G" --site "$T/link"
mkdir "$T/d"; ln -s .. "$T/d/up"
refused 4 "is a symbolic link; refused" "a symlink higher on the site's path" -- apply "$G" --site "$T/d/up/s"
mv "$SITE/bin" "$T/bin.real"; ln -s "$T/outside/bin" "$SITE/bin"
refused 1 "is a symbolic link or not a directory; refusing to follow it" "the target's directory is a symlink (a conflict)" -- apply "$G" --site "$SITE"
outside_same "bin symlink"
rm "$SITE/bin"; mv "$T/bin.real" "$SITE/bin"
rm "$SITE/bin/t.dll"; ln -s "$T/outside/t.dll" "$SITE/bin/t.dll"
refused 1 "symbolic link" "the target file is a symlink (a conflict)" -- apply "$G" --site "$SITE"
outside_same "target symlink"
victim "$SITE"; mv "$SITE/.hotfix" "$T/hotfix.real"; ln -s "$T/hotfix.real" "$SITE/.hotfix"
refused 4 ".hotfix: is a symbolic link or not a directory; refused" ".hotfix is a symlink" -- apply "$G" --site "$SITE"
# a symlink planted as .hotfix/staging is taken for the residue of an interrupted
# transaction: removed (the link itself, never what it points to), then the apply runs
victim "$SITE"; ln -s "$T/outside" "$SITE/.hotfix/staging"
hf apply "$G" --site "$SITE"
expect_rc 0
expect_err "cleaned up after a transaction interrupted"
outside_same "staging symlink"
[ ! -e "$SITE/.hotfix/staging" ] && [ ! -L "$SITE/.hotfix/staging" ] || fail "staging left"
cmp "$T/new.dll" "$SITE/bin/t.dll" || fail "staging symlink: not applied"
echo "ok: a symlink planted as .hotfix/staging is removed, not followed"
victim "$SITE"; mv "$SITE/.hotfix/backup" "$T/backup.real"; ln -s "$T/outside" "$SITE/.hotfix/backup"
refused 1 "cannot open directory 'backup': not a directory (or a symlink); undone" "a symlink planted as .hotfix/backup (failed, undone)" -- apply "$G" --site "$SITE"
outside_same "backup symlink"
# planted as .hotfix/backup/ID: the apply fails at that step and is undone; the undo
# removes the link (hotfix's own area, for a hotfix not installed), never its target
victim "$SITE"; BEFORE=$(tree "$SITE" mtime)
ln -s "$T/outside" "$SITE/.hotfix/backup/SITE1"
hf apply "$G" --site "$SITE"
expect_rc 1
expect_err "cannot open directory 'SITE1': not a directory (or a symlink); undone"
[ "$(tree "$SITE" mtime)" = "$BEFORE" ] || fail "backup/ID symlink: the site changed"
[ ! -L "$SITE/.hotfix/backup/SITE1" ] || fail "backup/ID symlink left"
outside_same "backup/ID symlink"
no_residue "$SITE"
echo "ok: a symlink planted as .hotfix/backup/ID: failed, undone, target untouched"
victim "$SITE"; mv "$SITE/.hotfix/installed.xml" "$T/installed.real"
ln -s "$T/installed.real" "$SITE/.hotfix/installed.xml"
refused 4 "installed.xml" "installed.xml is a symlink" -- apply "$G" --site "$SITE"
# planted as .hotfix/journal: never read through; recovery refuses and says what to do
victim "$SITE"; ln -s "$T/outside/t.dll" "$SITE/.hotfix/journal"
snap=$(fullsnap "$SITE")
for cmd in recover "apply $G"; do
    # shellcheck disable=SC2086
    hf $cmd --site "$SITE"
    expect_rc 4
    expect_err "journal: is a symbolic link; refused"
    [ "$(fullsnap "$SITE")" = "$snap" ] || fail "journal symlink ($cmd): the site changed"
    outside_same "journal symlink"
    echo "ok: a symlink planted as .hotfix/journal ($cmd)"
done
victim "$SITE"; rm -rf "$SITE/.hotfix/log"; ln -s "$T/outside/log" "$SITE/.hotfix/log"
hf apply "$G" --site "$SITE"
expect_rc 0
expect_err "warning: .*log"
outside_same "log symlink"
[ -z "$(ls "$T/outside/log")" ] || fail "the log was written through a symlink"
echo "ok: a symlink planted as .hotfix/log: applied, the log not written through it"
victim "$SITE"; rm -f "$SITE/.hotfix/txlog"; ln -s "$T/outside/t.dll" "$SITE/.hotfix/txlog"
mkdir -p "$T/rc"; ln -s "$T/rc" "$SITE/.hotfix/receipts"
hf apply "$G" --site "$SITE" --receipt-key "$TOP/manifests/demo-pki/demo-signer.key" \
    --receipt-cert "$TOP/manifests/demo-pki/demo-signer.pem"
# the record is part of the transaction (its room is reserved before the commit): a log
# that cannot be opened fails the apply before the commit, undone
expect_rc 1
expect_err "failed at step 'journal': .*txlog: cannot open: .*; undone, the site is as before"
installed "$SITE" SITE1 && fail "applied with a log that cannot be written"
no_residue "$SITE"
outside_same "txlog symlink"
[ -L "$SITE/.hotfix/txlog" ] || fail "the txlog symlink was replaced"
[ -z "$(ls "$T/rc")" ] || fail "a receipt was written through a symlink"
echo "ok: a symlink planted as .hotfix/txlog: not applied (undone), nothing appended through it"
victim "$SITE"; ln -s "$T/rc" "$SITE/.hotfix/receipts"
hf apply "$G" --site "$SITE" --receipt-key "$TOP/manifests/demo-pki/demo-signer.key" \
    --receipt-cert "$TOP/manifests/demo-pki/demo-signer.pem"
expect_rc 0
expect_err "warning: transaction log: record 2 was appended, but its receipt was not written: .*receipts"
[ -z "$(ls "$T/rc")" ] || fail "a receipt was written through a symlink"
echo "ok: a symlink planted as .hotfix/receipts: applied, no receipt written through it"
echo "site (hostile): $CASES cases refused, 6 more handled without following a link"
