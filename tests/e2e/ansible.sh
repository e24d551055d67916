# The hotfix.hotfix collection (contrib/ansible): built and installed offline with
# ansible-galaxy, its modules documented for ansible-doc, ansible-test sanity on the
# installed tree (every test of ansible-core 2.14, offline), then over three-tier
# hierarchies whose "hosts" are local connections to site directories, with the
# inventory that `hotfix inventory` writes:
# - the hotfix module on the central site: check mode (changed, nothing on disk changes),
#   --diff (each file's old and new version), applied (changed), re-applied and checked
#   again (not changed), check mode and --diff for state absent, removed (the site as
#   before, byte for byte), removed again (not changed), a failed transaction (hotfix's
#   JSON: step, file, undone, log; a one-line msg), a failure without a report (the
#   error document); hotfix_facts before, after the apply and after the rollback;
# - the playbooks: --check changes nothing; the rollout checks everywhere, then applies
#   parents first, one report with every site; the rollback goes children first; a site
#   that would fail stops the rollout before any site changes;
# - rings and the failure budget across hosts: a failed canary halts the rollout; within
#   a budget the others go on and a failed site's children are left out; a rollback
#   within a budget keeps the hotfix on a parent whose child failed to roll it back.
# Skipped under valgrind (make check runs it in the ASan+UBSan pass): the playbooks are
# the same whichever build runs them.
. tests/lib.sh
[ -z "$WRAP" ] || { echo "ansible: skipped under valgrind"; exit 0; }
for c in ansible-playbook ansible-galaxy ansible-doc ansible-test; do
    command -v $c > /dev/null || fail "$c missing (scripts/install-deps installs ansible-core)"
done
# ansible refuses to run unless the locale is UTF-8 (LC_ALL=C is common in CI)
export LC_ALL=C.UTF-8
export HOME=$T/home ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0
export ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_COLLECTIONS_PATH=$T/collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=0
mkdir -p "$HOME" "$T/pkg/manifests" "$T/pkg/payloads" "$T/cab" "$T/res"

# build and install the collection, offline
(cd "$T" && ansible-galaxy collection build "$TOP/contrib/ansible") > "$T/galaxy.out" 2>&1 ||
    { cat "$T/galaxy.out"; fail "ansible-galaxy collection build"; }
tarball=$(ls "$T"/hotfix-hotfix-*.tar.gz) || fail "no collection tarball"
ansible-galaxy collection install --offline "$tarball" > "$T/galaxy.out" 2>&1 ||
    { cat "$T/galaxy.out"; fail "ansible-galaxy collection install"; }
COL=$T/collections/ansible_collections/hotfix/hotfix
[ -f "$COL/plugins/modules/hotfix.py" ] && [ -f "$COL/playbooks/rollout.yml" ] ||
    fail "the collection is not installed in $COL"
ansible-doc hotfix.hotfix.hotfix > "$T/doc.out" 2>&1 || { cat "$T/doc.out"; fail "ansible-doc hotfix"; }
for w in "= site" "- pe_trust" "- state" "failed_step" "EXAMPLES" "check_mode:" "support: full"; do
    grep -qi -- "$w" "$T/doc.out" || fail "ansible-doc hotfix.hotfix.hotfix lacks '$w'"
done
ansible-doc hotfix.hotfix.hotfix_facts > "$T/doc.out" 2>&1 || { cat "$T/doc.out"; fail "ansible-doc hotfix_facts"; }
grep -q "hotfix_sites" "$T/doc.out" || fail "ansible-doc hotfix.hotfix.hotfix_facts lacks hotfix_sites"

# ansible-test sanity: ansible-test 2.14 runs each test's tools from a virtualenv it
# fills with pip, which cannot download here; give it, at the path it asks for (its
# --explain output), a virtualenv that sees Debian's packages (pycodestyle, pylint,
# yamllint, voluptuous: scripts/install-deps), so every test runs offline.  They are kept
# in build/ansible-test (ansible-test's HOME) for the next run: each is only a directory.
ATHOME=${HOTFIX_ANSIBLE_TEST_HOME:-$TOP/build/ansible-test}
mkdir -p "$ATHOME" || fail "mkdir $ATHOME"
(cd "$COL" && export HOME="$ATHOME" && i=0 && while [ $i -lt 20 ]; do
    p=$(ansible-test sanity --local --python 3.11 --explain -v 2>&1 |
        sed -n 's/^Run command: .* -m venv --without-pip \(.*\)$/\1/p' | head -n 1)
    [ -n "$p" ] || exit 0
    rm -rf "$p"; /usr/bin/python3.11 -m venv --without-pip --system-site-packages "$p" || exit 1
    echo true > "$p/meta.yaml.json"; echo '[]' > "$p/meta.install.json"; touch "$p/marker.txt"
    i=$((i + 1))
done; exit 1) || fail "seeding ansible-test's virtualenvs"
(cd "$COL" && HOME=$ATHOME ansible-test sanity --local --python 3.11 --color no) > "$T/sanity.out" 2>&1 ||
    { cat "$T/sanity.out"; fail "ansible-test sanity"; }
for t in validate-modules pep8 pylint yamllint ansible-doc import compile; do
    grep -q "Running sanity test \"$t\"" "$T/sanity.out" || { cat "$T/sanity.out"; fail "sanity test $t did not run"; }
done
! grep -q "Skipping sanity test\|^ERROR" "$T/sanity.out" || { cat "$T/sanity.out"; fail "a sanity test was skipped"; }

cp "$KB" "$KB.p7s" "$T/pkg/manifests/"
cp "$TOP/payloads/KB936465.cab" "$T/pkg/payloads/"
gcab -x -C "$T/cab" "$TOP/payloads/KB936465.cab" || fail "gcab -x"
# hierarchy HIER DIR: a three-tier hierarchy CEN > PRI > SEC under DIR, its inventory in DIR/inventory.json
hierarchy() {
    site "$1/CEN" CEN central - 3
    site "$1/PRI" PRI primary CEN 3
    site "$1/SEC" SEC secondary PRI 3
    hier "$1/h.xml" CEN PRI SEC
    hf inventory --hierarchy "$1/h.xml"
    expect_rc 0
    cp "$T/out" "$1/inventory.json"
}
sums() { (cd "$1" && find . -path '*/.hotfix' -prune -o -type f -print | sort | xargs sha256sum); }
cat > "$T/vars.json" <<JSON
{"ansible_connection": "local", "hotfix_binary": "$BIN", "hotfix_trust": "$TRUST",
 "hotfix_id": "KB936465", "hotfix_package": "$T/pkg",
 "hotfix_remote_dir": "$T/remote/{{ inventory_hostname }}",
 "hotfix_report_file": "$T/report.json"}
JSON

# --- the modules, on the central site of their own hierarchy -------------------------------
# (the playbooks below run them on every host)
hierarchy "$T/m"
# snap.sh SITE FILE: the site's files outside .hotfix (path, type, mode, owner, links,
# size, mtime; each file's SHA-256), written to FILE -- run by the playbooks between steps
cat > "$T/snap.sh" <<'SH'
cd "$1" && { find . -mindepth 1 -path ./.hotfix -prune -o ! -type d -printf '%p %y %m %U:%G %n %s %T@\n' | sort
    find . -mindepth 1 -path ./.hotfix -prune -o -type d -printf '%p %m %U:%G\n' | sort
    find . -path ./.hotfix -prune -o -type f -print0 | sort -z | xargs -0 -r sha256sum; } > "$2"
SH
# mod.yml, on every host, one step after the other, each step's result kept (the sites
# snapped after each), all of them written to $T/res/HOST.json at the end
step() { # NAME CHECK_MODE [MODULE-OPTION-LINES]: a step of the hotfix module, then a snap
    name=$1 cm=$2; shift 2
    cat <<YAML
    - name: $name
      hotfix.hotfix.hotfix:
        <<: *opts
$(for o in "$@"; do echo "        $o"; done)
      check_mode: $cm
      diff: true
      register: r_$name
    - name: snap after $name
      ansible.builtin.raw: sh $T/snap.sh {{ hotfix_site_root }} $T/res/{{ inventory_hostname }}.$name
      check_mode: false
      changed_when: false
YAML
}
facts() { # NAME: the facts as f_NAME
    cat <<YAML
    - name: facts $1
      hotfix.hotfix.hotfix_facts:
        site: "{{ hotfix_site_root }}"
        binary: "{{ hotfix_binary }}"
    - name: keep facts $1
      ansible.builtin.set_fact:
        f_$1: "{{ ansible_facts.hotfix_sites[inventory_hostname] }}"
YAML
}
{ cat <<YAML
- hosts: CEN
  gather_facts: false
  vars:
    opts: &opts
      manifest: $T/pkg/manifests/KB936465.xml
      site: "{{ hotfix_site_root }}"
      trust: "{{ hotfix_trust }}"
      binary: "{{ hotfix_binary }}"
  tasks:
YAML
  facts before
  step check true
  step apply false
  facts apply
  step reapply false
  step recheck true
  step abscheck true "state: absent"
  step absent false "state: absent" "id: KB936465" "manifest: /nonexistent.xml"
  facts absent
  step absagain false "state: absent" "id: KB936465"
  cat <<YAML
    - name: keep the results
      ansible.builtin.copy:
        content: "{{ dict(['check', 'apply', 'reapply', 'recheck', 'abscheck', 'absent', 'absagain']
                     | zip([r_check, r_apply, r_reapply, r_recheck, r_abscheck, r_absent, r_absagain]))
                     | combine({'facts': {'before': f_before, 'apply': f_apply, 'absent': f_absent}})
                     | to_nice_json }}"
        dest: $T/res/{{ inventory_hostname }}.json
        mode: "0644"
      check_mode: false
YAML
} > "$T/mod.yml"
# res EXPR: EXPR over R, each host's results by step (R['facts'][step]: its facts), for CEN
res() {
    python3 - "$T/res" "$1" <<'PY' || fail "reading the results: $(tail -n 30 "$T/play.out")"
import json, os, sys
d, expr = sys.argv[1], sys.argv[2]
print(' '.join(str(eval(expr, {'R': json.load(open(os.path.join(d, h + '.json')))})) for h in ('CEN',)))
PY
}
expect_res() { # EXPR EXPECTED
    got=$(res "$1")
    [ "$got" = "$2" ] || fail "$1: expected '$2', got '$got'"
}
# task NAME: the output of the task NAME in play.out
task() { awk -v t="TASK [$1]" 'index($0, "TASK [") == 1 { on = index($0, t) == 1 } on' "$T/play.out"; }
for s in CEN; do sh "$T/snap.sh" "$T/m/$s" "$T/res/$s.before"; done
ansible-playbook -i "$T/m/inventory.json" -e "@$T/vars.json" "$T/mod.yml" > "$T/play.out" 2>&1
RC=$?; echo "+ ansible-playbook mod.yml -> $RC"
[ "$RC" -eq 0 ] || { cat "$T/play.out"; fail "the module's steps failed"; }
same() { # STEP1 STEP2: every site's snap after STEP1 and after STEP2 are the same
    for s in CEN; do cmp -s "$T/res/$s.$1" "$T/res/$s.$2" || fail "$s after $2 is not as after $1"; done
}
# check mode, with --diff: changed, each file's old and new version, nothing changes
expect_res "R['check']['changed'], R['check']['result'], R['check']['cmd'][1], [x['action'] for x in R['check']['files']]" \
    "(True, 'install', 'check', ['install', 'install', 'install'])"
same before check
for s in CEN; do
    task check | grep -q -- "^--- before: $s: bin/i386/Distmgr.dll" || fail "check --diff: no diff of $s's Distmgr.dll"
done
[ "$(task check | grep -c -- "^-version 2.50.4253.3000")" -eq 3 ] || fail "check --diff: not 3 old versions"
[ "$(task check | grep -c -- "^+version 2.50.4253.3102")" -eq 2 ] || fail "check --diff: not 2 new versions (Basesvr, Baseutil)"
[ "$(task check | grep -c -- "^+version 2.50.4253.3104")" -eq 1 ] || fail "check --diff: not 1 new version (Distmgr)"
expect_res "R['facts']['before']['hotfixes'], R['facts']['before']['files']" "([], {})"
# applied: changed, the new files; the facts list it with the versions on disk
expect_res "R['apply']['changed'], R['apply']['result'], R['apply']['cmd'][1], R['apply']['rc'], R['apply']['failed_step']" \
    "(True, 'applied', 'apply', 0, None)"
for s in CEN; do
    for f in Basesvr Baseutil Distmgr; do
        grep -q "^$(sha256sum < "$T/cab/SP3/i386/$f.dll" | cut -d' ' -f1)  ./bin/i386/$f.dll\$" "$T/res/$s.apply" ||
            fail "$s: $f.dll is not the new file after the apply"
    done
done
[ "$(task apply | grep -c -- "^+version 2.50.4253.310[24]")" -eq 3 ] || fail "apply --diff: not 3 new versions"
expect_res "R['facts']['apply']['hotfixes'], R['facts']['apply']['files']['bin/i386/Distmgr.dll'], R['facts']['apply']['installed'][0]['files'][2]['old_version']" \
    "(['KB936465'], '2.50.4253.3104', '2.50.4253.3000')"
# re-applied, and checked again: not changed, no diff, nothing changes
expect_res "R['reapply']['changed'], R['reapply']['result'], R['reapply']['diff']" "(False, 'current', [])"
expect_res "R['recheck']['changed'], R['recheck']['result']" "(False, 'current')"
same apply reapply; same apply recheck
! task reapply | grep -q -- "^+version" || fail "the second apply shows a diff"
# state absent in check mode (the id read from the manifest): would change, changes nothing
expect_res "R['abscheck']['changed'], R['abscheck']['result'], R['abscheck']['hotfix'], R['abscheck']['cmd'][1]" \
    "(True, 'installed', 'KB936465', 'list')"
same apply abscheck
[ "$(task abscheck | grep -c -- "^+version 2.50.4253.3000")" -eq 3 ] || fail "absent --check --diff: not 3 old versions"
# removed (by id; the manifest is not read): changed, the diff, every site as before
expect_res "R['absent']['changed'], R['absent']['result'], R['absent']['cmd'][1:3], R['facts']['absent']['hotfixes']" \
    "(True, 'rolled-back', ['rollback', 'KB936465'], [])"
[ "$(task absent | grep -c -- "^-version 2.50.4253.310[24]")" -eq 3 ] || fail "rollback --diff: not 3 new versions"
[ "$(task absent | grep -c -- "^+version 2.50.4253.3000")" -eq 3 ] || fail "rollback --diff: not 3 old versions"
same before absent
for s in CEN; do no_residue "$T/m/$s"; installed "$T/m/$s" KB936465 && fail "$s: still installed"; done
# removed again: not installed is no failure and no change
expect_res "R['absagain']['changed'], R['absagain']['failed'], R['absagain']['result'], R['absagain']['rc']" \
    "(False, False, 'not-installed', 3)"

# a transaction that fails (the fault build fails the rename over CEN's Baseutil.dll):
# the task fails with hotfix's JSON and a one-line msg, and the site is as before; a
# failure without a report (a site that does not exist): hotfix's error document;
# pe_trust passed on
rm -rf "$T/probe"; cp -a "$T/m/CEN" "$T/probe"
n=$(HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" apply "$KB" --site "$T/probe" --trust "$TRUST" -q 2>&1 >/dev/null |
    sed -n 's/^hotfix-fault: op \([0-9]*\) rename Baseutil.dll$/\1/p' | head -n 1)
[ -n "$n" ] || fail "no rename of Baseutil.dll in the fault build's trace"
cat > "$T/fail.yml" <<YAML
- hosts: CEN
  gather_facts: false
  tasks:
    - name: a failed apply
      hotfix.hotfix.hotfix:
        manifest: $T/pkg/manifests/KB936465.xml
        site: "{{ hotfix_site_root }}"
        trust: "{{ hotfix_trust }}"
        binary: $FAULT_BIN
      environment:
        HOTFIX_FAULT: eio:$n
      register: r_fail
      ignore_errors: true
    - name: a site that does not exist
      hotfix.hotfix.hotfix:
        site: /nonexistent
        state: absent
        id: KB936465
        binary: "{{ hotfix_binary }}"
      register: r_error
      ignore_errors: true
    - name: pe_trust
      hotfix.hotfix.hotfix:
        manifest: $T/pkg/manifests/KB936465.xml
        site: "{{ hotfix_site_root }}"
        trust: "{{ hotfix_trust }}"
        pe_trust: "{{ hotfix_trust }}"
        binary: "{{ hotfix_binary }}"
      check_mode: true
      register: r_pe
      ignore_errors: true
    - name: keep the results
      ansible.builtin.copy:
        content: "{{ {'fail': r_fail, 'error': r_error, 'pe': r_pe} | to_nice_json }}"
        dest: $T/res/fail.json
        mode: "0644"
YAML
ansible-playbook -i "$T/m/inventory.json" -e "@$T/vars.json" "$T/fail.yml" > "$T/play.out" 2>&1
RC=$?; echo "+ ansible-playbook fail.yml -> $RC"
[ "$RC" -eq 0 ] || { cat "$T/play.out"; fail "fail.yml did not run"; }
[ "$(task "a failed apply" | grep -c "^fatal: \[CEN\]: FAILED")" -eq 1 ] || { cat "$T/play.out"; fail "the failed apply did not fail its task"; }
python3 - "$T/res/fail.json" "$T/m/CEN" "$TRUST" <<'PY' || fail "the failed tasks' results: $(cat "$T/res/fail.json")"
import json, sys
R, root = json.load(open(sys.argv[1])), sys.argv[2]
r = R['fail']
assert r['failed'] is True and r['changed'] is False, (r['failed'], r['changed'])
assert (r['result'], r['failed_step'], r['failed_file'], r['undone'], r['rc']) == \
    ('failed', 'swap', 'bin/i386/Baseutil.dll', True, 1), r
assert r['log'] == root + '/.hotfix/log/KB936465.log', r['log']
assert r['report']['schema'] == 'urn:hotfix:apply:1' and r['report']['sites'][0]['failed_step'] == 'swap'
assert '\n' not in r['msg'], r['msg']
for w in ("failed at step 'swap'", 'bin/i386/Baseutil.dll', 'undone', r['log']):
    assert w in r['msg'], (w, r['msg'])
r = R['error']
assert r['failed'] is True and r['rc'] == 4 and r['result'] == 'error', r
assert 'cannot open the directory' in r['msg'] and '\n' not in r['msg'], r['msg']
# pe_trust is hotfix's --pe-trust: KB936465 requires valid Authenticode signatures on its
# DLLs, which the demo CA anchors, so the check with it passes (install)
r = R['pe']
assert r['cmd'][1] == 'check' and r['cmd'][r['cmd'].index('--pe-trust') + 1] == sys.argv[3], r['cmd']
assert (r['rc'], r['failed'], r['changed'], r['result']) == (0, False, True, 'install'), r
PY
sh "$T/snap.sh" "$T/m/CEN" "$T/res/CEN.failed"
cmp -s "$T/res/CEN.before" "$T/res/CEN.failed" || fail "CEN is not as before after the failed apply"
installed "$T/m/CEN" KB936465 && fail "CEN: installed after the failed apply"

# --- the playbooks -------------------------------------------------------------------------
hierarchy "$T/s"
before=$(cd "$T/s" && find . -type f | sort | xargs sha256sum)
play() { # PLAYBOOK [ARGS...]
    pb=$1; shift
    ansible-playbook -i "$T/s/inventory.json" -e "@$T/vars.json" "$@" "hotfix.hotfix.$pb" \
        > "$T/play.out" 2>&1
    RC=$?
    echo "+ ansible-playbook hotfix.hotfix.$pb $* -> $RC"
}
report() { # PYTHON-EXPRESSION over r (the report): print it
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($1)" "$T/report.json"
}

# --check: every site checked, nothing changes
play rollout --check
[ "$RC" -eq 0 ] || { cat "$T/play.out"; fail "--check failed"; }
[ "$(cd "$T/s" && find . -type f | sort | xargs sha256sum)" = "$before" ] || fail "--check changed a site"
[ "$(report "' '.join(s['host'] + ':' + s['action'] + ':' + s['result']['sites'][0]['result'] for s in r['sites'])")" = \
    "CEN:check:install PRI:check:install SEC:check:install" ] || fail "check report: $(cat "$T/report.json")"

# the rollout
play rollout
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
play rollback
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
mid=$(sums "$T/s")
play rollout -e hotfix_package=   # staged by the runs before
[ "$RC" -ne 0 ] || fail "the rollout went on with a site in conflict"
[ "$(sums "$T/s")" = "$mid" ] || fail "a site changed although one would fail"
for s in CEN PRI; do
    "$BIN" list --site "$T/s/$s" | grep -q "KB936465 revision" && fail "$s: applied although SEC would fail"
    [ "$(grep -c "apply: start" "$T/s/$s/.hotfix/log/KB936465.log")" -eq 1 ] ||
        fail "$s: a second apply started although SEC would fail"
done
grep -q "SEC.*conflict" "$T/play.out" || fail "the play output does not show why it stopped"
# --- rings and the failure budget across hosts ---------------------------------------------
# CEN > PRA > SEA, CEN > PRB; PRA's apply fails in its swap (the fault build, its
# hotfix_binary in host_vars; the check before passes).  The default budget (0) with the
# default rings (one canary primary, then the rest): PRA, the canary, fails and nothing
# after it starts.  With a budget of 50% and one ring of both primaries: PRB goes on, SEA
# (under the failed PRA) is left out.
B=$T/b
site "$B/CEN" CEN central - 3
site "$B/PRA" PRA primary CEN 3
site "$B/PRB" PRB primary CEN 3
site "$B/SEA" SEA secondary PRA 3
hier "$B/h.xml" CEN PRA PRB SEA
hf inventory --hierarchy "$B/h.xml"
expect_rc 0
mkdir -p "$B/inv/group_vars" "$B/inv/host_vars"
cp "$T/out" "$B/inv/inventory.json"
printf 'hotfix_binary: %s\n' "$BIN" > "$B/inv/group_vars/all.yml"
printf 'hotfix_binary: %s\n' "$FAULT_BIN" > "$B/inv/host_vars/PRA.yml"
# the package is already on the "hosts": $T/pkg itself, no copy (hotfix_package "")
python3 -c "import json,sys; v=json.load(open(sys.argv[1])); del v['hotfix_binary']
v.update(hotfix_package='', hotfix_remote_dir=sys.argv[2]); print(json.dumps(v))" \
    "$T/vars.json" "$T/pkg" > "$B/vars.json" || fail "vars.json"
fault_n() { # SITE: the number of the rename over Baseutil.dll in an apply of a copy of SITE
    rm -rf "$T/probe"; cp -a "$1" "$T/probe"
    HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" apply "$KB" --site "$T/probe" --trust "$TRUST" -q 2>&1 >/dev/null |
        sed -n 's/^hotfix-fault: op \([0-9]*\) rename Baseutil.dll$/\1/p' | head -n 1
}
brun() { # ARGS...: the rollout over $B, PRA's apply failing
    n=$(fault_n "$B/PRA"); [ -n "$n" ] || fail "no rename of Baseutil.dll in PRA's trace"
    rm -f "$T/report.json"
    HOTFIX_FAULT=eio:$n ansible-playbook -i "$B/inv/inventory.json" -e "@$B/vars.json" "$@" hotfix.hotfix.rollout \
        > "$T/play.out" 2>&1
    RC=$?
    echo "+ ansible-playbook hotfix.hotfix.rollout $* (PRA failing) -> $RC"
}
started() { [ -f "$B/$1/.hotfix/log/KB936465.log" ] && grep -q "apply: start" "$B/$1/.hotfix/log/KB936465.log"; }
untouched="$(for s in PRB SEA; do sums "$B/$s"; done)"
brun
[ "$RC" -ne 0 ] || { cat "$T/play.out"; fail "the rollout went on past a failed canary"; }
installed "$B/CEN" KB936465 || fail "CEN was not applied before the primaries' ring"
installed "$B/PRA" KB936465 && fail "PRA is installed although its apply failed"
for s in PRB SEA; do started "$s" && fail "$s started after the canary PRA failed"; done
[ "$(for s in PRB SEA; do sums "$B/$s"; done)" = "$untouched" ] || fail "a site after the failed canary changed"
[ ! -e "$T/report.json" ] || fail "a report was written although the rollout halted"
grep -q "fatal: \[PRA\].*failed at step 'swap'.*bin/i386/Baseutil.dll" "$T/play.out" ||
    fail "the play output does not say where PRA failed"
brun -e '{"hotfix_serial_primary": ["100%"], "hotfix_max_fail_primary": 50}'
[ "$RC" -ne 0 ] || fail "a failed site did not fail the run"
installed "$B/PRA" KB936465 && fail "PRA is installed although its apply failed"
started SEA && fail "SEA was applied although its parent PRA failed"
for s in PRB; do installed "$B/$s" KB936465 || fail "$s was not applied within the budget"; done
[ "$(report "' '.join(s['host'] + ':' + s['action'] + ':' + str(s['failed']) for s in r['sites'])")" = \
    "CEN:apply:False PRA:apply:True PRB:apply:False SEA:skipped:False" ] || fail "budget report: $(cat "$T/report.json")"
[ "$(report "[(int(s['exit']), s['result']['sites'][0]['failed_step']) for s in r['sites'] if s['host'] == 'PRA'][0]")" = \
    "(1, 'swap')" ] || fail "PRA's failure in the report: $(cat "$T/report.json")"
[ "$(report "[s for s in r['sites'] if s['host'] == 'SEA'][0]['result']['reason']")" = \
    "its parent PRA did not take the hotfix" ] || fail "SEA's reason: $(cat "$T/report.json")"
# the rollback within a budget, PRB's rollback failing: PRA (not installed) and SEA are
# done, CEN keeps the hotfix since its child PRB does
rm "$B/inv/host_vars/PRA.yml" "$T/report.json"
printf 'hotfix_binary: %s\n' "$FAULT_BIN" > "$B/inv/host_vars/PRB.yml"
rm -rf "$T/probe"; cp -a "$B/PRB" "$T/probe"
n=$(HOTFIX_FAULT=count HOTFIX_FAULT_TRACE=1 "$FAULT_BIN" rollback KB936465 --site "$T/probe" -q 2>&1 >/dev/null |
    sed -n 's/^hotfix-fault: op \([0-9]*\) rename Basesvr.dll$/\1/p' | head -n 1)
[ -n "$n" ] || fail "no rename of Basesvr.dll in PRB's rollback trace"
HOTFIX_FAULT=eio:$n ansible-playbook -i "$B/inv/inventory.json" -e "@$B/vars.json" \
    -e '{"hotfix_serial_primary": ["100%"], "hotfix_max_fail_primary": 50}' hotfix.hotfix.rollback > "$T/play.out" 2>&1
RC=$?; echo "+ ansible-playbook hotfix.hotfix.rollback (PRB failing) -> $RC"
[ "$RC" -ne 0 ] || fail "a failed rollback did not fail the run"
for s in CEN PRB; do installed "$B/$s" KB936465 || fail "$s does not have the hotfix any more"; done
[ "$(report "' '.join(s['host'] + ':' + s['action'] + ':' + str(s['failed']) for s in r['sites'])")" = \
    "CEN:skipped:False PRA:rollback:False PRB:rollback:True SEA:rollback:False" ] || fail "rollback budget report: $(cat "$T/report.json")"
[ "$(report "[s for s in r['sites'] if s['host'] == 'CEN'][0]['result']['reason']")" = \
    "its child PRB did not roll the hotfix back" ] || fail "CEN's reason: $(cat "$T/report.json")"
echo "ansible: ok"
