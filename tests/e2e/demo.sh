# make demo's story (scripts/demo) shows what it claims: it exits 0; its dry run is
# labelled as one and changes no site; its kill -9 lands inside the transaction (journal
# and health hook there, the new files in place, uncommitted) and `hotfix recover`
# undoes it, the site then as before (nothing installed, the SP3 originals), and the
# apply run again installs it; its rollout in rings shows a failed canary and a halt at
# the failure budget.  The sample sites it makes (make-sample-site) are in
# urn:hotfix:site:1.
. "$HOTFIX_TOP/tests/lib.sh"

TMPDIR=$T "$TOP/scripts/demo" "$BIN" > "$T/out" 2> "$T/err"
RC=$?
expect_rc 0
demo=$(ls -d "$T"/hotfix-demo.*) || fail "the demo left no directory under TMPDIR"

# the dry run: labelled, and no site written by it (the apply after it is step 2)
sed -n '/^== 1\./,/^== 2\./p' "$T/out" > "$T/dry"
grep -q 'DRY RUN (apply --dry-run)' "$T/dry" || fail "step 1 is not labelled a dry run"
grep -q '^-- that was a dry run' "$T/dry" || fail "the dry run is not said to be one after it"
grep -q -- '--dry-run' "$T/dry" || fail "step 1 does not run apply --dry-run"

# the kill scene: inside the transaction, then undone by recover
sed -n '/^== Also: kill -9/,/^== Done/p' "$T/out" > "$T/kill"
grep -q '^\$ kill -9 [0-9]*    # journal and hook there' "$T/kill" || fail "no kill inside the transaction"
grep -q 'CRA/.hotfix holds: .*hook, journal' "$T/kill" || fail "no journal when the kill landed"
grep -q 'Distmgr.dll	2.50.4253.3104' "$T/kill" || fail "the new file was not in place at the kill"
grep -q 'undid the interrupted apply of KB936465 (3 file(s) restored)' "$T/kill" ||
    fail "recover did not undo the interrupted apply"
sed -n '/^\$ hotfix recover/,/^\$ hotfix apply/p' "$T/kill" > "$T/after"
grep -q 'CRA: no hotfixes installed' "$T/after" || fail "CRA not as before after recover"
[ "$(grep -c 'bin/i386/[A-Za-z]*.dll *2.50.4253.3000 .* outdated' "$T/after")" = 3 ] ||
    fail "CRA's files are not the SP3 originals after recover"
grep -q 'CRA: KB936465 revision 1 installed' "$T/kill" || fail "the apply run again did not install"

# the Authenticode scene: the six payload DLLs valid, the tampered copy invalid (exit 4)
sed -n "/^== Also: each DLL of the payload/,/^== Also: a tampered manifest/p" "$T/out" > "$T/ac"
[ "$(grep -c '^payload/SP[23]/i386/[A-Za-z]*.dll	valid	/O=hotfix demo PKI/CN=demo vendor code signer$' "$T/ac")" = 6 ] ||
    fail "the six payload DLLs are not shown valid"
grep -q '^payload/Distmgr-tampered.dll	invalid	' "$T/ac" && grep -q '^(exit 4)$' "$T/ac" ||
    fail "the tampered DLL is not shown invalid (exit 4)"
# ... and a properly signed manifest around it refused by check and apply (the policy), PR3
# left unpatched
[ "$(grep -c '^hotfix: staged SP3/i386/Distmgr.dll (bin/i386/Distmgr.dll): Authenticode invalid' "$T/ac")" = 2 ] ||
    fail "check and apply of the repacked package do not refuse the tampered DLL"
[ "$(grep -c '^(exit 4)$' "$T/ac")" = 3 ] || fail "the refusals are not exit 4"
grep -q '^PR3: no hotfixes installed$' "$T/ac" || fail "PR3 changed by a refused apply"
[ ! -e "$demo/PR3/.hotfix/installed.xml" ] && cmp -s "$demo/PR3/bin/i386/Distmgr.dll" "$demo/PR2/.hotfix/backup/KB936465/bin/i386/Distmgr.dll" ||
    fail "PR3's files are not its SP3 originals"

# the site on disk: installed, no journal or hook left, its site.xml namespaced
installed "$demo/CRA" KB936465 || fail "KB936465 not in CRA's registry"
[ ! -e "$demo/CRA/.hotfix/journal" ] && [ ! -e "$demo/CRA/.hotfix/hook" ] ||
    fail "CRA still has a journal or a hook record"
grep -q '<site xmlns="urn:hotfix:site:1"' "$demo/CEN/site.xml" ||
    fail "make-sample-site's site.xml is not in urn:hotfix:site:1"
# the rings (issue 20): a failed canary keeps the later rings, a budget of 1 halts at the
# second failure; the sites that never started are untouched
sed -n '/^== 9a\./,/^== 9b\./p' "$T/out" > "$T/canary"
grep -q '^halted: the canary failed (ring 0: 1 of 2 sites failed); no later ring started$' "$T/canary" ||
    fail "the demo shows no failed canary"
[ "$(grep -c 'not started (halted)$' "$T/canary")" = 6 ] || fail "the canary: not 6 sites halted"
grep -q '^(exit 6)$' "$T/canary" || fail "the canary's run does not exit 6"
sed -n '/^== 9b\./,/^== Also/p' "$T/out" > "$T/halt"
grep -q '^halted: failure budget exceeded (2 failed, budget 1)$' "$T/halt" || fail "the demo shows no halt"
grep -q '^RP4 .* not-started .* not started (halted)$' "$T/halt" || fail "RP4 not halted"
grep -q '^RP1 .* applied ' "$T/halt" || fail "the repaired canary was not applied"
for s in RP4 RS4; do
    [ ! -e "$demo/rings/$s/.hotfix" ] || fail "$s never started, yet has .hotfix"
done
echo "ok: the demo's dry run is labelled, its rings halt, its kill lands inside the transaction and recover undoes it"
