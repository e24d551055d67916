# hotfix audit: per-file verdicts, compliance exit codes, --verify-hashes, JSON.
. "$HOTFIX_TOP/tests/lib.sh"

site "$T/cen" CEN central - 3
hf audit "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 1
expect_out_count "outdated" 3
expect_out "NOT compliant"

# Bring the files to the hotfix's versions: compliant.
kbfile SP3/i386/Basesvr.dll "$T/cen/bin/i386/Basesvr.dll"
kbfile SP3/i386/Baseutil.dll "$T/cen/bin/i386/Baseutil.dll"
mkdll "$T/cen/bin/i386/Distmgr.dll" 2.50.4253.3200 421888
before=$(snapshot "$T/cen")
hf audit "$KB" --site "$T/cen" --trust "$TRUST" --verify-hashes
expect_rc 0
expect_out "Basesvr.dll .* ok  *b1b5431254c6957d8e834f11b65d5a044002ea1ba27382b61b52378580ed68de"
expect_out "Distmgr.dll .* newer"
expect_out "^compliant"
[ "$(snapshot "$T/cen")" = "$before" ] || fail "audit changed the site"

# A modified file at the right version, its size other than the manifest's (one byte
# appended): the size is free (fstat), so even a version-only audit calls it modified.
cp "$T/cen/bin/i386/Baseutil.dll" "$T/baseutil.good"
printf 'x' >> "$T/cen/bin/i386/Baseutil.dll"
hf audit "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 1
expect_out "Baseutil.dll .* 614401 modified"
expect_out "^totals: 0 installed, 1 required, 0 not applicable, 0 unknown$"
hf audit "$KB" --site "$T/cen" --trust "$TRUST" --format json
jq -e '[.records[] | select(.path == "bin/i386/Baseutil.dll") |
        .verdict == "modified" and .state == "required" and
        (.note | test("size 614401, the hotfix.s is 614400"))] == [true]' "$T/out" >/dev/null ||
    fail "JSON: the appended byte is not reported modified with its sizes"
hf audit "$KB" --site "$T/cen" --trust "$TRUST" --verify-hashes
expect_rc 1
expect_out "Baseutil.dll .* modified"
# Same version and size, other bytes: only --verify-hashes sees it.
cp "$T/baseutil.good" "$T/cen/bin/i386/Baseutil.dll"
printf 'x' | dd of="$T/cen/bin/i386/Baseutil.dll" bs=1 seek=614399 conv=notrunc status=none
hf audit "$KB" --site "$T/cen" --trust "$TRUST"
expect_rc 0
hf audit "$KB" --site "$T/cen" --trust "$TRUST" --verify-hashes
expect_rc 1
expect_out "Baseutil.dll .* modified"

# Missing file.
rm "$T/cen/bin/i386/Baseutil.dll"
hf audit "$KB" --site "$T/cen" --trust "$TRUST" --format json
expect_rc 1
jq -e '.schema == "urn:hotfix:audit:1" and .compliant == false and
       (.records | length) == 3 and
       ([.records[] | select(.path == "bin/i386/Baseutil.dll") | .verdict] == ["missing"]) and
       .sites[0].site == "CEN"' "$T/out" >/dev/null || fail "JSON shape"

# Several manifests, one not applicable to the site's service pack and one broken:
# the rest is still audited, and the exit status reports the bad input (4).
sed -e 's/id="KB936465"/id="KB999999"/' -e 's/servicepack="3"/servicepack="4"/' "$KB" > "$T/other.xml"
sign "$T/other.xml"
cp "$T/other.xml" "$T/unsigned.xml"
site "$T/pri" PRI primary CEN 3
hf audit "$KB" "$T/other.xml" --site "$T/pri" --trust "$TRUST"
expect_rc 1
expect_out "KB999999 .* not-applicable"
hf audit "$KB" "$T/unsigned.xml" --site "$T/pri" --trust "$TRUST"
expect_rc 4
expect_err "unsigned.xml: no signature"
expect_out_count "KB936465 .* outdated" 3

hf audit "$KB" --site "$T/pri" --trust "$TRUST" --format yaml
expect_rc 2
expect_err "--format: 'yaml' is not one of text, json, csv, xml, dot"
echo PASS
