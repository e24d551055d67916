# The overlap and downgrade matrix: `hotfix check` with several manifests, on a site with
# KB936465 installed, lists the files each hotfix touches (installed ones too), flags the
# files two hotfixes own, a file that would go down in version (in the order given), and
# a hotfix a newer one supersedes; one manifest alone is checked against the registry.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST

# mkman ID SP PATH=VERSION...: a signed manifest $T/m/ID.xml whose file set for service
# pack SP installs each DLL (8 KiB, built by mkdll) from a tar payload.
mkman() {
    id=$1 sp=$2; shift 2
    mkdir -p "$T/m/$id"
    files=""
    for pv in "$@"; do
        p=${pv%%=*} v=${pv#*=} leaf=$(basename "${pv%%=*}")
        mkdll "$T/m/$id/$leaf" "$v" 8192
        files="$files    <file path=\"$p\" source=\"$id/$leaf\" version=\"$v\" size=\"8192\" sha256=\"$(sha256sum "$T/m/$id/$leaf" | cut -d' ' -f1)\"/>
"
    done
    tar -cf "$T/m/$id.tar" -C "$T/m" "$id"
    cat > "$T/m/$id.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<hotfix xmlns="urn:hotfix:manifest:1" id="$id" revision="1">
  <title>$id</title>
  <product name="SMS" version="2003"/>
  <restart required="false"/>
  <payload href="$id.tar" size="$(stat -c %s "$T/m/$id.tar")" sha256="$(sha256sum "$T/m/$id.tar" | cut -d' ' -f1)"/>
  <fileset servicepack="$sp" platform="x86">
$files  </fileset>
</hotfix>
XML
    sign "$T/m/$id.xml"
}
B=bin/i386
mkman KBA 3 $B/Basesvr.dll=2.50.4253.3200 $B/Baseutil.dll=2.50.4253.3200 $B/Distmgr.dll=2.50.4253.3200
mkman KBB 3 $B/Distmgr.dll=2.50.4253.3050
mkman KBC 2 $B/Distmgr.dll=2.50.4160.2200
mkman KBD 3 $B/Extra.dll=1.0.0.1

site "$T/s" CEN central - 3
mkdll "$T/s/$B/Extra.dll" 1.0.0.0 8192
hf apply "$KB" --site "$T/s" -q
expect_rc 0
before=$(tree "$T/s" mtime)

hf check "$T/m/KBA.xml" "$T/m/KBB.xml" "$T/m/KBC.xml" "$T/m/KBD.xml" --site "$T/s"
expect_rc 0 # each check on its own: install, current/newer, not applicable, install
[ "$(tree "$T/s" mtime)" = "$before" ] || fail "check changed the site"
expect_out "hotfixes on CEN (SP3): KB936465 r1 (installed), KBA r1 (manifest), KBB r1 (manifest), KBC r1 (manifest, not applicable), KBD r1 (manifest)"
grep -Eq "^  bin/i386/Distmgr.dll +2.50.4253.3104 +2.50.4253.3104 +2.50.4253.3200 +2.50.4253.3050 +- +- *$" "$T/out" ||
    fail "the Distmgr.dll row"
grep -Eq "^  bin/i386/Extra.dll +1.0.0.0 +- +- +- +- +1.0.0.1 *$" "$T/out" || fail "the Extra.dll row"
expect_out "overlap     bin/i386/Basesvr.dll: owned by KB936465 2.50.4253.3102 (installed), KBA 2.50.4253.3200 (manifest)"
expect_out "overlap     bin/i386/Distmgr.dll: owned by KB936465 2.50.4253.3104 (installed), KBA 2.50.4253.3200 (manifest), KBB 2.50.4253.3050 (manifest)"
expect_no_out "overlap     bin/i386/Extra.dll"
expect_out "downgrade   bin/i386/Distmgr.dll: KBB brings 2.50.4253.3050, below 2.50.4253.3200 (KBA); apply leaves it"
expect_out "superseded  KB936465 (installed) by KBA: every file of it is there"
expect_out "superseded  KBB by KBA"
expect_out "superseded  KBB by KB936465 (installed)"
expect_no_out "superseded  KBA"
expect_no_out "superseded  KBD"

# in the other order, KBB goes below the site's own file
hf check "$T/m/KBB.xml" "$T/m/KBA.xml" --site "$T/s"
expect_out "downgrade   bin/i386/Distmgr.dll: KBB brings 2.50.4253.3050, below 2.50.4253.3104 (the site's file)"

# the JSON: one document
hf check "$T/m/KBA.xml" "$T/m/KBB.xml" --site "$T/s" --json
expect_rc 0
python3 - "$T/out" <<'PY' || fail "matrix JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "urn:hotfix:matrix:1"
assert [c["hotfix"] for c in d["checks"]] == ["KBA", "KBB"], d["checks"]
assert [c["result"] for c in d["checks"]] == ["install", "current"], [c["result"] for c in d["checks"]]
m = d["matrix"]
assert [h["hotfix"] for h in m["hotfixes"]] == ["KB936465", "KBA", "KBB"]
assert {o["path"]: o["hotfixes"] for o in m["overlaps"]}["bin/i386/Distmgr.dll"] == ["KB936465", "KBA", "KBB"]
assert m["downgrades"] == [{"path": "bin/i386/Distmgr.dll", "hotfix": "KBB", "version": "2.50.4253.3050",
                            "below": "2.50.4253.3200", "below_of": "KBA"}], m["downgrades"]
assert {"hotfix": "KB936465", "by": "KBA"} in m["superseded"]
f = {x["path"]: x for x in m["files"]}
assert f["bin/i386/Basesvr.dll"]["site_version"] == "2.50.4253.3102"
assert f["bin/i386/Basesvr.dll"]["versions"] == {"KB936465": "2.50.4253.3102", "KBA": "2.50.4253.3200"}
PY

# one manifest: checked against the installed registry; flags only when there are some
hf check "$T/m/KBB.xml" --site "$T/s"
expect_rc 0
expect_out "against the hotfixes installed:"
expect_out "downgrade   bin/i386/Distmgr.dll: KBB brings 2.50.4253.3050, below 2.50.4253.3104 (the site's file)"
expect_out "superseded  KBB by KB936465 (installed)"
hf check "$T/m/KBD.xml" --site "$T/s"
expect_rc 0; expect_no_out "against the hotfixes installed"
hf check "$T/m/KBA.xml" --site "$T/s" --json
python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['sites'][0]['matrix']; assert m['superseded']==[{'hotfix':'KB936465','by':'KBA'}], m" "$T/out" ||
    fail "check JSON matrix"

# exit status: the worst check; one not applicable among others does not count
hf check "$T/m/KBC.xml" --site "$T/s"
expect_rc 3
hf check "$T/m/KBC.xml" "$T/m/KBD.xml" --site "$T/s"
expect_rc 0
cp "$T/s/$B/Extra.dll" "$T/keep"; mkdll "$T/s/$B/Extra.dll" 1.0.0.1 12288
hf check "$T/m/KBA.xml" "$T/m/KBD.xml" --site "$T/s" # Extra.dll 1.0.0.1, not KBD's: conflict
expect_rc 1
cp "$T/keep" "$T/s/$B/Extra.dll"
hf check "$T/m/KBA.xml" "$T/m/KBA.xml" --hierarchy "$T/h.xml"
expect_rc 2; expect_err "several manifests are checked against one --site"
echo "matrix: ok"
