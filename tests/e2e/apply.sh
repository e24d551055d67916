# apply, rollback, recover and list on single sites: the files that land are the
# payload's bytes, owner and mode are kept, rollback restores everything, idempotency.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
mkdir -p "$T/cab"
gcab -x -C "$T/cab" "$TOP/payloads/KB936465.cab" || fail "gcab -x"

for sp in 2 3; do
    site "$T/SP$sp" S0$sp central - $sp
    chmod 0750 "$T/SP$sp/bin/i386/Distmgr.dll"
    chown 1234:4321 "$T/SP$sp/bin/i386/Basesvr.dll" 2>/dev/null || true
    touch -d '2007-01-02 03:04:05' "$T/SP$sp/bin/i386/Baseutil.dll"
    before_full=$(tree "$T/SP$sp" mtime)
    owner=$(stat -c %u:%g "$T/SP$sp/bin/i386/Basesvr.dll")

    # --dry-run is check: no state directory appears
    hf apply "$KB" --site "$T/SP$sp" --dry-run
    expect_rc 0; expect_out "result: install: 3 to install"
    [ ! -e "$T/SP$sp/.hotfix" ] || fail "--dry-run created .hotfix"

    hf apply "$KB" --site "$T/SP$sp"
    expect_rc 0; expect_out "applied: 3 file(s) replaced"
    for f in Basesvr Baseutil Distmgr; do
        cmp "$T/cab/SP$sp/i386/$f.dll" "$T/SP$sp/bin/i386/$f.dll" || fail "SP$sp $f.dll is not the payload's"
    done
    [ "$(stat -c %a "$T/SP$sp/bin/i386/Distmgr.dll")" = 750 ] || fail "mode not kept"
    [ "$(stat -c %u:%g "$T/SP$sp/bin/i386/Basesvr.dll")" = "$owner" ] || fail "owner not kept"
    no_residue "$T/SP$sp"
    installed "$T/SP$sp" KB936465 || fail "not recorded in installed.xml"
    for step in "staged bin/i386/Basesvr.dll" "journal written" "kept bin/i386/Distmgr.dll" \
                "swapped bin/i386/Distmgr.dll" "committed" "done: 3 file(s)"; do
        grep -q "$step" "$T/SP$sp/.hotfix/log/KB936465.log" || fail "log lacks '$step'"
    done
    after_full=$(snapshot "$T/SP$sp")

    # apply twice = apply once: nothing changes, not even the registry
    hf apply "$KB" --site "$T/SP$sp"
    expect_rc 0; expect_out "nothing to do"
    [ "$(snapshot "$T/SP$sp")" = "$after_full" ] || fail "second apply changed something"

    hf list --site "$T/SP$sp"
    expect_rc 0; expect_out "KB936465 revision 1 installed"

    hf rollback KB936465 --site "$T/SP$sp"
    expect_rc 0; expect_out "3 file(s) restored"
    [ "$(tree "$T/SP$sp" mtime)" = "$before_full" ] || fail "rollback: not byte-, mode-, owner- and mtime-identical"
    installed "$T/SP$sp" KB936465 && fail "still in installed.xml after rollback"
    [ ! -e "$T/SP$sp/.hotfix/backup/KB936465" ] || fail "backup left after rollback"
    grep -q "rollback: done" "$T/SP$sp/.hotfix/log/KB936465.log" || fail "log lacks the rollback"
    grep -q "apply: done" "$T/SP$sp/.hotfix/log/KB936465.log" || fail "log lost the apply"

    # rollback after rollback: exit 3, clear message, nothing changes
    hf rollback KB936465 --site "$T/SP$sp"
    expect_rc 3; expect_err "KB936465 is not installed"

    # apply -> rollback -> apply works
    hf apply "$KB" --site "$T/SP$sp" -q
    expect_rc 0
    cmp "$T/cab/SP$sp/i386/Distmgr.dll" "$T/SP$sp/bin/i386/Distmgr.dll" || fail "re-apply"
done

# JSON
hf rollback KB936465 --site "$T/SP3" --json
expect_rc 0
jq -e '.schema == "urn:hotfix:rollback:1" and .sites[0].result == "rolled-back" and .sites[0].changed == 3' "$T/out" >/dev/null || fail "rollback --json"
hf apply "$KB" --site "$T/SP3" --json
expect_rc 0
jq -e '.schema == "urn:hotfix:apply:1" and .sites[0].result == "applied" and .sites[0].changed == 3 and (.sites[0].files | length) == 3' "$T/out" >/dev/null || fail "apply --json"
hf apply "$KB" --site "$T/SP3" --json
jq -e '.sites[0].result == "current" and .sites[0].changed == 0' "$T/out" >/dev/null || fail "apply --json (current)"

# an older file with local changes is still older: the plan installs over it (and
# rollback brings the changed bytes back)
site "$T/MOD" MOD central - 3
printf 'x' >> "$T/MOD/bin/i386/Baseutil.dll"
before=$(tree "$T/MOD" mtime)
hf apply "$KB" --site "$T/MOD" -q
expect_rc 0
hf rollback KB936465 --site "$T/MOD" -q
expect_rc 0
[ "$(tree "$T/MOD" mtime)" = "$before" ] || fail "rollback lost the local change"

# conflict: a locally modified file (same version, other bytes) -> refuse, touch nothing
site "$T/CONF" CON central - 3
cp "$T/cab/SP3/i386/Distmgr.dll" "$T/CONF/bin/i386/Distmgr.dll"
printf 'tampered' | dd of="$T/CONF/bin/i386/Distmgr.dll" bs=1 seek=400000 conv=notrunc 2>/dev/null
before=$(tree "$T/CONF" mtime)
hf apply "$KB" --site "$T/CONF"
expect_rc 1
expect_err "bin/i386/Distmgr.dll (version 2.50.4253.3104, SHA-256 [0-9a-f]\{64\})"
expect_err "nothing was changed"
[ "$(tree "$T/CONF" mtime)" = "$before" ] || fail "a refused apply changed the site"
installed "$T/CONF" KB936465 && fail "a refused apply was recorded"

# conflict: a missing file
site "$T/MISS" MIS central - 3
rm "$T/MISS/bin/i386/Basesvr.dll"
hf apply "$KB" --site "$T/MISS"
expect_rc 1; expect_err "bin/i386/Basesvr.dll (missing"
[ ! -e "$T/MISS/bin/i386/Basesvr.dll" ] || fail "created a missing file"

# not applicable (SP1): exit 3, nothing on disk
site "$T/SP1" SP1 central - 1
hf apply "$KB" --site "$T/SP1"
expect_rc 3; expect_err "service pack"
installed "$T/SP1" KB936465 && fail "recorded on SP1"

# rollback refuses when a later change touched a file the hotfix installed
site "$T/LATER" LAT central - 3
hf apply "$KB" --site "$T/LATER" -q
expect_rc 0
cp "$T/cab/SP2/i386/Basesvr.dll" "$T/LATER/bin/i386/Basesvr.dll"
before=$(snapshot "$T/LATER")
hf rollback KB936465 --site "$T/LATER"
expect_rc 1
expect_err "bin/i386/Basesvr.dll is version 2.50.4160.2137, SHA-256 [0-9a-f]\{64\}, not what KB936465 installed"
[ "$(snapshot "$T/LATER")" = "$before" ] || fail "a refused rollback changed something"

# rollback refuses when a backup is damaged
site "$T/BAK" BAK central - 3
hf apply "$KB" --site "$T/BAK" -q
printf 'x' >> "$T/BAK/.hotfix/backup/KB936465/bin/i386/Distmgr.dll"
hf rollback KB936465 --site "$T/BAK"
expect_rc 1; expect_err "the backup of bin/i386/Distmgr.dll is damaged"
cmp "$T/cab/SP3/i386/Distmgr.dll" "$T/BAK/bin/i386/Distmgr.dll" || fail "refused rollback touched a file"

# a damaged payload: verification fails (4), the site is untouched, no residue
kbcopy "$T/kb"
printf 'x' | dd of="$T/kb/payloads/KB936465.cab" bs=1 seek=100 conv=notrunc 2>/dev/null
site "$T/PAY" PAY central - 3
before=$(tree "$T/PAY" mtime)
hf apply "$T/kb/manifests/KB936465.xml" --site "$T/PAY"
expect_rc 4; expect_err "payload .*: SHA-256 [0-9a-f]*, the manifest says"
# garbage of the right size: refused by its hash before libarchive parses it (a parse
# first would say "not a CAB")
head -c "$(stat -c %s "$TOP/payloads/KB936465.cab")" /dev/zero > "$T/kb/payloads/KB936465.cab"
hf apply "$T/kb/manifests/KB936465.xml" --site "$T/PAY"
expect_rc 4; expect_err "payload .*: SHA-256 [0-9a-f]*, the manifest says"
expect_no_err() { ! grep -q -- "$1" "$T/err" || fail "stderr has '$1'"; }
expect_no_err "CAB"
[ "$(tree "$T/PAY" mtime)" = "$before" ] || fail "a bad payload changed the site"
no_residue "$T/PAY"

# recover with nothing pending
hf recover --site "$T/PAY"
expect_rc 0; expect_out "nothing to recover"

# usage
hf rollback --site "$T/PAY"
expect_rc 2
hf rollback '../x' --site "$T/PAY"
expect_rc 2
hf apply "$KB"
expect_rc 2
echo "apply: ok"
