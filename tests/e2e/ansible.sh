# contrib/ansible over a three-tier hierarchy whose "hosts" are local connections to three
# site directories, with the inventory that `hotfix inventory` writes: --check changes
# nothing; the rollout checks everywhere, then applies parents first (from the logs), writes
# one report with every site; the rollback goes children first; a site that would fail
# stops the rollout before any site changes.  Skipped under valgrind (make check runs it in
# the ASan+UBSan pass): the playbooks are the same whichever build runs them.
. tests/lib.sh
[ -z "$WRAP" ] || { echo "ansible: skipped under valgrind"; exit 0; }
command -v ansible-playbook > /dev/null || fail "ansible-playbook missing (scripts/install-deps installs ansible-core)"
# ansible refuses to run unless the locale is UTF-8 (LC_ALL=C is common in CI)
export LC_ALL=C.UTF-8
export HOME=$T/home ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0
export ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
mkdir -p "$HOME" "$T/pkg/manifests" "$T/pkg/payloads" "$T/cab"
cp "$KB" "$KB.p7s" "$T/pkg/manifests/"
cp "$TOP/payloads/KB936465.cab" "$T/pkg/payloads/"
gcab -x -C "$T/cab" "$TOP/payloads/KB936465.cab" || fail "gcab -x"
site "$T/s/CEN" CEN central - 3
site "$T/s/PRI" PRI primary CEN 3
site "$T/s/SEC" SEC secondary PRI 3
hier "$T/s/h.xml" CEN PRI SEC
hf inventory --hierarchy "$T/s/h.xml"
expect_rc 0
cp "$T/out" "$T/inventory.json"
before=$(cd "$T/s" && find . -type f | sort | xargs sha256sum)
cat > "$T/vars.json" <<JSON
{"ansible_connection": "local", "hotfix_command": ["$BIN"], "hotfix_trust": "$TRUST",
 "hotfix_id": "KB936465", "hotfix_package": "$T/pkg",
 "hotfix_remote_dir": "$T/remote/{{ inventory_hostname }}",
 "hotfix_report_file": "$T/report.json"}
JSON
play() { # PLAYBOOK [ARGS...]
    pb=$1; shift
    ansible-playbook -i "$T/inventory.json" -e "@$T/vars.json" "$@" "$TOP/contrib/ansible/$pb" \
        > "$T/play.out" 2>&1
    RC=$?
    echo "+ ansible-playbook $pb $* -> $RC"
}
report() { # PYTHON-EXPRESSION over r (the report): print it
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($1)" "$T/report.json"
}

# --check: every site checked, nothing changes
play hotfix.yml --check
[ "$RC" -eq 0 ] || { cat "$T/play.out"; fail "--check failed"; }
[ "$(cd "$T/s" && find . -type f | sort | xargs sha256sum)" = "$before" ] || fail "--check changed a site"
[ "$(report "' '.join(s['host'] + ':' + s['action'] + ':' + s['result']['sites'][0]['result'] for s in r['sites'])")" = \
    "CEN:check:install PRI:check:install SEC:check:install" ] || fail "check report: $(cat "$T/report.json")"

# the rollout
play hotfix.yml
[ "$RC" -eq 0 ] || { cat "$T/play.out"; fail "the rollout failed"; }
[ "$(report "' '.join(s['host'] + ':' + s['result']['sites'][0]['result'] for s in r['sites'])")" = \
    "CEN:applied PRI:applied SEC:applied" ] || fail "rollout report: $(cat "$T/report.json")"
for s in CEN PRI SEC; do
    for f in Basesvr Baseutil Distmgr; do
        cmp -s "$T/cab/SP3/i386/$f.dll" "$T/s/$s/bin/i386/$f.dll" || fail "$s: $f.dll is not the new file"
    done
done
# parents first: each apply started after its parent's was done
[ "$(logtime "$T/s/PRI" KB936465 "apply: start")" \> "$(logtime "$T/s/CEN" KB936465 "apply: done")" ] ||
    fail "PRI started before CEN was done"
[ "$(logtime "$T/s/SEC" KB936465 "apply: start")" \> "$(logtime "$T/s/PRI" KB936465 "apply: done")" ] ||
    fail "SEC started before PRI was done"
# the checks all ran before the first apply
grep -n "Check the site\|Apply to the central" "$T/play.out" | head -n 1 | grep -q "Check the site" ||
    fail "the first play was not the check"

# the rollback, children first
play hotfix-rollback.yml
[ "$RC" -eq 0 ] || { cat "$T/play.out"; fail "the rollback failed"; }
[ "$(report "' '.join(s['host'] + ':' + s['result']['sites'][0]['result'] for s in r['sites'])")" = \
    "CEN:rolled-back PRI:rolled-back SEC:rolled-back" ] || fail "rollback report: $(cat "$T/report.json")"
[ "$(logtime "$T/s/PRI" KB936465 "rollback: start")" \> "$(logtime "$T/s/SEC" KB936465 "rollback: done")" ] ||
    fail "PRI rolled back before SEC was done"
[ "$(logtime "$T/s/CEN" KB936465 "rollback: start")" \> "$(logtime "$T/s/PRI" KB936465 "rollback: done")" ] ||
    fail "CEN rolled back before PRI was done"
for s in CEN PRI SEC; do
    [ "$("$BIN" version "$T/s/$s/bin/i386/Distmgr.dll" | cut -f2)" = 2.50.4253.3000 ] ||
        fail "$s: Distmgr.dll not rolled back"
done

# a secondary site that would fail (a modified file at the hotfix's version): nothing changes
cp "$T/cab/SP3/i386/Baseutil.dll" "$T/s/SEC/bin/i386/Baseutil.dll"
printf 'X' | dd of="$T/s/SEC/bin/i386/Baseutil.dll" bs=1 seek=100000 conv=notrunc 2>/dev/null
mid=$(cd "$T/s" && find . -path '*/.hotfix' -prune -o -type f -print | sort | xargs sha256sum)
play hotfix.yml
[ "$RC" -ne 0 ] || fail "the rollout went on with a site in conflict"
[ "$(cd "$T/s" && find . -path '*/.hotfix' -prune -o -type f -print | sort | xargs sha256sum)" = "$mid" ] ||
    fail "a site changed although one would fail"
for s in CEN PRI; do
    "$BIN" list --site "$T/s/$s" | grep -q "KB936465 revision" && fail "$s: applied although SEC would fail"
    [ "$(grep -c "apply: start" "$T/s/$s/.hotfix/log/KB936465.log")" -eq 1 ] ||
        fail "$s: a second apply started although SEC would fail"
done
grep -q "SEC.*conflict\|failed" "$T/play.out" || fail "the play output does not show why it stopped"
echo "ansible: ok"
