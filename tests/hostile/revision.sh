# Rollback/freeze protection: a site remembers the highest revision of each hotfix it
# accepted (in installed.xml, kept after a rollback); an older, validly signed revision
# of the same hotfix is refused by check and apply (exit 4) and changes nothing.  A
# manifest past its expires="..." is refused unless --allow-expired (loudly).
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
kbcopy "$T/kb"
sed 's/id="KB936465" revision="1"/id="KB936465" revision="2"/' "$KB" > "$T/kb/manifests/KB936465-r2.xml"
sign "$T/kb/manifests/KB936465-r2.xml"
R1=$T/kb/manifests/KB936465.xml R2=$T/kb/manifests/KB936465-r2.xml
site "$T/S" REV central - 3
hf apply "$R2" --site "$T/S" -q
expect_rc 0
grep -q '<accepted id="KB936465" revision="2"/>' "$T/S/.hotfix/installed.xml" || fail "revision 2 not remembered"
hf rollback KB936465 --site "$T/S" -q
expect_rc 0
grep -q '<accepted id="KB936465" revision="2"/>' "$T/S/.hotfix/installed.xml" || fail "the memory went with the rollback"
before=$(snapshot "$T/S")
for cmd in check apply; do
    hf $cmd "$R1" --site "$T/S"
    expect_rc 4
    expect_err "KB936465 revision 1 is older than revision 2, which this site already accepted"
done
[ "$(snapshot "$T/S")" = "$before" ] || fail "a stale manifest changed the site"
hf apply "$R2" --site "$T/S" -q
expect_rc 0
hf list --site "$T/S"
expect_out "KB936465 revision 2 installed"
# expiry
sed 's/id="KB936465" revision="1"/id="KB936465" revision="1" expires="2001-01-01T00:00:00Z"/' "$KB" > "$T/kb/manifests/old.xml"
sed 's/id="KB936465" revision="1"/id="KB936465" revision="1" expires="2199-01-01T00:00:00Z"/' "$KB" > "$T/kb/manifests/fresh.xml"
sed 's/id="KB936465" revision="1"/id="KB936465" revision="1" expires="2001-01-01T00:00:00+02:00"/' "$KB" > "$T/kb/manifests/zone.xml"
for m in old fresh zone; do sign "$T/kb/manifests/$m.xml"; done
site "$T/E" EXP central - 3
hf check "$T/kb/manifests/old.xml" --site "$T/E"
expect_rc 4; expect_err "expired at 2001-01-01T00:00:00Z; refused"
hf apply "$T/kb/manifests/old.xml" --site "$T/E"
expect_rc 4
[ ! -e "$T/E/.hotfix" ] || fail "an expired manifest touched the site"
hf check "$T/kb/manifests/old.xml" --site "$T/E" --allow-expired -q
expect_rc 0; expect_err "WARNING: --allow-expired"
hf check "$T/kb/manifests/fresh.xml" --site "$T/E" -q
expect_rc 0
hf check "$T/kb/manifests/zone.xml" --site "$T/E"
expect_rc 4; expect_err "does not match manifest.xsd.*expires"   # only UTC ("Z") times
echo "revision: ok"
