# hotfix check: the plan for every row of the decision table, exit codes, and a site
# left byte-identical (not even .hotfix/ is created).
. "$HOTFIX_TOP/tests/lib.sh"

site "$T/cen" CEN central - 3
site "$T/pri" PRI primary CEN 2
site "$T/sec" SEC secondary PRI 1

# SP3: three files to install; the payload is verified.
before=$(snapshot "$T/cen")
hf check "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 0
expect_out_count "^  install " 3
expect_out "Distmgr.dll .*2.50.4253.3000 .*-> 2.50.4253.3104"
expect_out "payload: ../payloads/KB936465.cab: size and SHA-256 match"
expect_out "signature: verified"
expect_out "restart required: no"
[ "$(snapshot "$T/cen")" = "$before" ] || fail "check changed the site"
[ ! -e "$T/cen/.hotfix" ] || fail "check created .hotfix/"

# -v: sizes and hashes per file, the hotfix's from the manifest.
hf check "$KB" --site "$T/cen" --trust "$TRUST" -v
expect_rc 0
expect_out "hotfix:    421888 bytes, sha256 937dcc32920f2baabfb4e7da454ace689bb87b4c56c9d2e216682f698126c9ca, from SP3/i386/Distmgr.dll"
expect_out "installed: 1769472 bytes, sha256 (not computed"

# SP2 picks the SP2 file set.
hf check "$KB" --site "$T/pri" --trust "$TRUST"
expect_rc 0
expect_out "Distmgr.dll .*2.50.4160.2000 .*-> 2.50.4160.2137"

# SP1: not applicable, naming the service packs that are.
hf check "$KB" --site "$T/sec" --trust "$TRUST"
expect_rc 3
expect_err "does not apply to service pack 1; it applies to service pack 2, 3"

# Current: the hotfix's own files installed.
kbfile SP3/i386/Basesvr.dll "$T/cen/bin/i386/Basesvr.dll"
kbfile SP3/i386/Baseutil.dll "$T/cen/bin/i386/Baseutil.dll"
kbfile SP3/i386/Distmgr.dll "$T/cen/bin/i386/Distmgr.dll"
hf check "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 0
expect_out_count "^  current " 3
expect_out "result: current"

# Newer: never downgrade.
mkdll "$T/cen/bin/i386/Distmgr.dll" 2.50.4253.3200 421888
hf check "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 0
expect_out "^  newer .*Distmgr.dll.*never downgrade"

# Conflict: same version as the hotfix, other bytes (a locally modified file).
mkdll "$T/cen/bin/i386/Baseutil.dll" 2.50.4253.3102 614912
before=$(snapshot "$T/cen")
hf check "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 1
expect_out "^  conflict .*Baseutil.dll.*modified"
expect_err "1 file(s) in conflict"
[ "$(snapshot "$T/cen")" = "$before" ] || fail "check changed the site"

# Conflict: a missing file; and a file that is not a PE image.
rm "$T/pri/bin/i386/Baseutil.dll"
printf 'not a dll' > "$T/pri/bin/i386/Basesvr.dll"
hf check "$KB" --site "$T/pri" --trust "$TRUST"
expect_rc 1
expect_out "^  conflict .*Baseutil.dll.*missing"
expect_out "^  conflict .*Basesvr.dll.*no readable version"

# A symlink in the site is not followed.
site "$T/lnk" LNK primary CEN 3
mv "$T/lnk/bin/i386/Distmgr.dll" "$T/elsewhere.dll"
ln -s "$T/elsewhere.dll" "$T/lnk/bin/i386/Distmgr.dll"
hf check "$KB" --site "$T/lnk" --trust "$TRUST"
expect_rc 1
expect_out "^  conflict .*Distmgr.dll.*symbolic link"

# JSON: one document on stdout, parseable, with the per-file plan.
site "$T/j" JJJ primary CEN 3
hf check "$KB" --site "$T/j" --trust "$TRUST" --json
expect_rc 0
jq -e '.schema == "urn:hotfix:check:1" and .hotfix == "KB936465" and
       .sites[0].site == "JJJ" and .sites[0].result == "install" and
       ([.sites[0].files[].action] == ["install","install","install"]) and
       .sites[0].payload_verified == true' "$T/out" >/dev/null || fail "JSON shape"
hf check "$KB" --site "$T/sec" --trust "$TRUST" --json
expect_rc 3
jq -e '.sites[0].result == "not-applicable"' "$T/out" >/dev/null || fail "JSON n/a"

# A FIFO as manifest is refused at once, never waited on.
mkfifo "$T/fifo.xml"
timeout 10 "$BIN" check "$T/fifo.xml" --site "$T/cen" --trust "$TRUST" > "$T/out" 2> "$T/err"
RC=$?
expect_rc 4
expect_err "not a regular file"

# Broken or absent sites.
hf check "$KB" --site "$T/nowhere" --trust "$TRUST"
expect_rc 4
expect_err "cannot open the directory"
mkdir -p "$T/bad" && printf '<site code="TOOLONG" type="central"><product name="SMS" version="2003" servicepack="3"/></site>' > "$T/bad/site.xml"
hf check "$KB" --site "$T/bad" --trust "$TRUST"
expect_rc 4
expect_err "site.xml:1: does not match site.xsd"
printf '<site code="CEN" type="central" parent="ABC"><product name="SMS" version="2003" servicepack="3"/></site>' > "$T/bad/site.xml"
hf check "$KB" --site "$T/bad" --trust "$TRUST"
expect_rc 4
expect_err "central site CEN names a parent"
echo PASS
