# hotfix list: the installed registry (.hotfix/installed.xml), empty or not.
. "$HOTFIX_TOP/tests/lib.sh"

site "$T/cen" CEN central - 3
hf list --site "$T/cen"
expect_rc 0
expect_out "CEN: no hotfixes installed"
[ ! -e "$T/cen/.hotfix" ] || fail "list created .hotfix/"

mkdir -p "$T/cen/.hotfix"
h1=b1b5431254c6957d8e834f11b65d5a044002ea1ba27382b61b52378580ed68de
h2=01ba7f5f645c05cf779d29deb265c5cf614aa141e757d3f16e6b0f0ded9b9c68
cat > "$T/cen/.hotfix/installed.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<installed xmlns="urn:hotfix:installed:1">
  <hotfix id="KB936465" revision="1" manifest-sha256="$h1" time="2026-11-28T10:00:00Z">
    <file path="bin/i386/Basesvr.dll" old-version="2.50.4253.3000" old-sha256="$h2"
          new-version="2.50.4253.3102" new-sha256="$h1"/>
  </hotfix>
</installed>
XML
regsum "$T/cen/.hotfix/installed.xml"
hf list --site "$T/cen"
expect_rc 0
expect_out "CEN: KB936465 revision 1 installed 2026-11-28T10:00:00Z, 1 file"
expect_out "bin/i386/Basesvr.dll .*2.50.4253.3000 -> 2.50.4253.3102"
hf list --site "$T/cen" --json
expect_rc 0
jq -e '.schema == "urn:hotfix:list:1" and .installed[0].hotfix == "KB936465" and
       .installed[0].files[0].new_sha256 == "'$h1'"' "$T/out" >/dev/null || fail "JSON"

# A damaged registry is an error naming the file, not an empty list.
printf '<installed xmlns="urn:hotfix:installed:1"><hotfix id="X"/>' > "$T/cen/.hotfix/installed.xml"
regsum "$T/cen/.hotfix/installed.xml"
hf list --site "$T/cen"
expect_rc 4
expect_err "installed.xml"
echo PASS
