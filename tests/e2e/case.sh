# Windows-origin sites: a manifest path matches the site's file without regard to case
# (hotfix-manifest(5) SITE).  A sample site spelled BIN/I386/BASESVR.DLL, baseutil.dll,
# Distmgr.dll: check, the in-use report, apply, list, audit and rollback all name the
# site's spelling; apply keeps it, rollback restores the original names and bytes.  Two
# spellings of one name are a conflict (exit 1, both named, nothing changed); a name with
# a non-ASCII letter folds by Unicode simple case folding; names="exact" in site.xml
# matches exactly, as before.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
mkdir -p "$T/cab"
gcab -x -C "$T/cab" "$TOP/payloads/KB936465.cab" || fail "gcab -x"

mixed() { # DIR CODE: a sample SP3 site, spelled as a Windows server may spell it
    site "$1" "$2" central - 3
    mv "$1/bin/i386" "$1/bin/I386" && mv "$1/bin" "$1/BIN" &&
        mv "$1/BIN/I386/Basesvr.dll" "$1/BIN/I386/BASESVR.DLL" &&
        mv "$1/BIN/I386/Baseutil.dll" "$1/BIN/I386/baseutil.dll" || fail "renaming $1"
}
names() { (cd "$1" && find . -path ./.hotfix -prune -o -print | sort); }
FILES="BIN/I386/BASESVR.DLL BIN/I386/baseutil.dll BIN/I386/Distmgr.dll"
mixed "$T/s" MIX
touch -d '2007-01-02 03:04:05' "$T/s/BIN/I386/baseutil.dll"
cp -a "$T/s" "$T/orig"
BEFORE=$(tree "$T/s" mtime)
NAMES=$(names "$T/s")

# check: every file found, named as the site spells it
hf check "$KB" --site "$T/s"
expect_rc 0
expect_out "result: install: 3 to install, 0 current, 0 newer, 0 conflicts"
for f in $FILES; do
    grep -Eq "^  install +$f +2\.50\.4253\.3000 " "$T/out" || fail "check does not name $f"
done
expect_no_out "bin/i386"
hf check "$KB" --site "$T/s" --json
python3 - "$T/out" $FILES <<'PY' || fail "check JSON paths"
import json, sys
s = json.load(open(sys.argv[1]))["sites"][0]
assert sorted(f["path"] for f in s["files"]) == sorted(sys.argv[2:]), s["files"]
PY

# the in-use report names the site's spelling
rm -f "$T/fifo"; mkfifo "$T/fifo"
"$HOLDFILE" "$T/s/BIN/I386/BASESVR.DLL" < "$T/fifo" > "$T/held" &
holder=$!
exec 9> "$T/fifo"
i=0; while ! grep -q '^ready ' "$T/held" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
hf check "$KB" --site "$T/s"
expect_rc 0
grep -Eq "^    pid $holder +holdfile +BIN/I386/BASESVR.DLL \(mapped, open\)$" "$T/out" ||
    fail "the in-use report does not name BIN/I386/BASESVR.DLL"
echo go >&9; exec 9>&-; wait $holder || fail "holdfile failed"
[ "$(tree "$T/s" mtime)" = "$BEFORE" ] || fail "check changed the site"

# apply: the payload's bytes under the site's names, the originals kept under them too
hf apply "$KB" --site "$T/s"
expect_rc 0; expect_out "applied: 3 file(s) replaced"
[ "$(names "$T/s")" = "$NAMES" ] || fail "apply changed the site's names: $(names "$T/s")"
cmp "$T/cab/SP3/i386/Basesvr.dll" "$T/s/BIN/I386/BASESVR.DLL" || fail "BASESVR.DLL is not the payload's"
cmp "$T/cab/SP3/i386/Baseutil.dll" "$T/s/BIN/I386/baseutil.dll" || fail "baseutil.dll is not the payload's"
cmp "$T/cab/SP3/i386/Distmgr.dll" "$T/s/BIN/I386/Distmgr.dll" || fail "Distmgr.dll is not the payload's"
for f in $FILES; do
    cmp "$T/orig/$f" "$T/s/.hotfix/backup/KB936465/$f" || fail "the backup of $f is not the original"
    grep -q "swapped $f: " "$T/s/.hotfix/log/KB936465.log" || fail "the log does not name $f"
    grep -q "path=\"$f\"" "$T/s/.hotfix/installed.xml" || fail "installed.xml does not record $f"
done
no_residue "$T/s"
hf apply "$KB" --site "$T/s"
expect_rc 0; expect_out "nothing to do"

# list and audit name the site's spelling
hf list --site "$T/s"
expect_rc 0
for f in $FILES; do grep -Eq "^  $f +2\.50\.4253\.3000 -> " "$T/out" || fail "list does not name $f"; done
hf audit "$KB" --site "$T/s" --verify-hashes
expect_rc 0; expect_out "site MIX: compliant"
for f in $FILES; do grep -Eq "KB936465 +$f +2\.50\.4253\.310[24] " "$T/out" || fail "audit does not name $f"; done
expect_no_out "bin/i386"

# rollback: the original names and bytes (and times) come back
hf rollback KB936465 --site "$T/s"
expect_rc 0; expect_out "3 file(s) restored"
echo "$BEFORE" > "$T/before.tree"
[ "$(tree "$T/s" mtime)" = "$BEFORE" ] || fail "rollback did not restore the site: $(tree "$T/s" mtime | diff - "$T/before.tree")"
for f in $FILES; do cmp "$T/orig/$f" "$T/s/$f" || fail "$f is not the original after rollback"; done
no_residue "$T/s"

# two names of one directory that fold to the same name: a conflict, both named
for extra in BIN/I386/basesvr.dll bin; do
    rm -rf "$T/c"; mixed "$T/c" TWO
    if [ "$extra" = bin ]; then mkdir -p "$T/c/bin/i386"; cp "$T/c/BIN/I386/Distmgr.dll" "$T/c/bin/i386/"
    else cp "$T/c/BIN/I386/BASESVR.DLL" "$T/c/$extra"; fi
    snap=$(tree "$T/c" mtime)
    for cmd in check apply; do
        hf $cmd "$KB" --site "$T/c"
        expect_rc 1
        if [ "$extra" = bin ]; then both="'BIN' and 'bin'"; else both="'BASESVR.DLL' and 'basesvr.dll'"; fi
        grep -q -- "$both" "$T/out" "$T/err" || fail "$cmd ($extra): the message does not name $both"
        [ "$(tree "$T/c" mtime)" = "$snap" ] || fail "$cmd ($extra) changed the site"
    done
    expect_err "in conflict, nothing was changed"
    hf audit "$KB" --site "$T/c"
    [ $RC -ne 0 ] || fail "audit ($extra) calls a two-spellings site compliant"
    grep -q -- "$both" "$T/out" || fail "audit ($extra): the note does not name $both"
done

# Unicode simple case folding: U+017F LATIN SMALL LETTER LONG S folds to s, so
# "Ba\u017fe\u017fvr.dll" (two bytes longer) is bin/i386/Basesvr.dll; apply keeps that name
long=$(printf 'Ba\305\277e\305\277vr.dll')
rm -rf "$T/u"; site "$T/u" UNI central - 3
mv "$T/u/bin/i386/Basesvr.dll" "$T/u/bin/i386/$long"
cp "$T/u/bin/i386/$long" "$T/u.orig"
hf apply "$KB" --site "$T/u"
expect_rc 0
grep -q "swapped bin/i386/$long: " "$T/u/.hotfix/log/KB936465.log" || fail "the log does not name $long"
[ ! -e "$T/u/bin/i386/Basesvr.dll" ] || fail "apply made a second Basesvr.dll"
cmp "$T/cab/SP3/i386/Basesvr.dll" "$T/u/bin/i386/$long" || fail "$long is not the payload's"
hf rollback KB936465 --site "$T/u"
expect_rc 0
cmp "$T/u.orig" "$T/u/bin/i386/$long" || fail "$long is not the original after rollback"

# names="exact": the mixed-case site's files are missing, as before
rm -rf "$T/x"; mixed "$T/x" EXA
sed -i 's/<site /<site names="exact" /' "$T/x/site.xml"
snap=$(tree "$T/x" mtime)
hf apply "$KB" --site "$T/x"
expect_rc 1
expect_err "bin/i386/Basesvr.dll (missing)"
[ "$(tree "$T/x" mtime)" = "$snap" ] || fail "apply on an exact site changed it"
# ... and the site's own spelling is what an exact site needs
rm -rf "$T/e"; site "$T/e" EXB central - 3
sed -i 's/<site /<site names="exact" /' "$T/e/site.xml"
hf apply "$KB" --site "$T/e" -q
expect_rc 0
cmp "$T/cab/SP3/i386/Basesvr.dll" "$T/e/bin/i386/Basesvr.dll" || fail "exact site: Basesvr.dll not replaced"
echo "case: ok"
