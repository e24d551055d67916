# One XML convention: each XML format hotfix reads -- manifest, site.xml, hierarchy file,
# installed.xml -- is read in its own urn:hotfix:NAME:1 namespace; a wrong one is refused
# (exit 4, the site byte-identical) with a message naming it and the expected one and a
# hint showing the root element to write, not libxml2's "No matching global declaration";
# no namespace is accepted only for site.xml (sites made before it had one) and refused,
# with the same hint, for the formats that always had one.  audit's XML, which hotfix
# writes and never reads, is in urn:hotfix:audit:1 and matches manifests/audit.xsd.
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" XML1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml

# nsfix FILE ROOT XMLNS: give FILE's root element ROOT the xmlns attribute XMLNS (the
# whole attribute, e.g. ' xmlns="urn:x"'), or none when XMLNS is empty.
nsfix() {
    sed -i -e "s|<$2 xmlns=\"[^\"]*\"|<$2|" -e "s|<$2\\([ />]\\)|<$2$3\\1|" "$1" ||
        fail "sed $1"
}
# nohint: the error is ours, not libxml2's
nohint() { ! grep -q "No matching global" "$T/err" || fail "$1: libxml2's message, not the hint"; }
# accepted WHAT -- ARGS: hotfix ARGS succeeds against $SITE
accepted() {
    what=$1; shift 2
    hf "$@"
    expect_rc 0
    CASES=$((CASES + 1))
    echo "ok: $what"
}

# --- manifest (always had urn:hotfix:manifest:1): right accepted, wrong and none refused
SITE=$T/s; victim "$SITE"
accepted "manifest in urn:hotfix:manifest:1" -- apply "$G" --site "$SITE" -q
installed "$SITE" XML1 || fail "XML1 not installed"
cp "$G" "$T/m/wrong.xml"; nsfix "$T/m/wrong.xml" hotfix ' xmlns="urn:x"'; sign "$T/m/wrong.xml"
victim "$SITE"
refused 4 "root element <hotfix> is in namespace 'urn:x'; expected 'urn:hotfix:manifest:1'" \
    "manifest in a wrong namespace" -- apply "$T/m/wrong.xml" --site "$SITE"
expect_err 'hint: write the root element as <hotfix xmlns="urn:hotfix:manifest:1">'; nohint manifest
cp "$G" "$T/m/none.xml"; nsfix "$T/m/none.xml" hotfix ''; sign "$T/m/none.xml"
grep -q xmlns "$T/m/none.xml" && fail "none.xml still has a namespace"
refused 4 "root element <hotfix> is in no namespace; expected 'urn:hotfix:manifest:1'" \
    "manifest in no namespace" -- apply "$T/m/none.xml" --site "$SITE"
expect_err 'hint: write the root element as <hotfix xmlns="urn:hotfix:manifest:1">'; nohint manifest
refused 4 "root element <hotfix> is in no namespace" "check of a manifest in no namespace" \
    -- check "$T/m/none.xml" --site "$SITE"

# --- site.xml: its namespace accepted (refused before), none accepted (older sites),
# a wrong one refused
victim "$SITE"
grep -q xmlns "$SITE/site.xml" && fail "the victim's site.xml has a namespace"
accepted "site.xml in no namespace (as older sites)" -- apply "$G" --site "$SITE" -q
victim "$SITE"
nsfix "$SITE/site.xml" site ' xmlns="urn:hotfix:site:1"'
cp "$SITE/site.xml" "$T/site.ns"
accepted "site.xml in urn:hotfix:site:1" -- apply "$G" --site "$SITE" -q
installed "$SITE" XML1 || fail "XML1 not installed on the namespaced site"
cmp -s "$SITE/site.xml" "$T/site.ns" || fail "site.xml changed"
accepted "list of a site.xml in urn:hotfix:site:1" -- list --site "$SITE"
expect_out XML1
victim "$SITE"
sed -i 's|<site |<s:site xmlns:s="urn:hotfix:site:1" |; s|<product|<s:product|; s|</site>|</s:site>|' \
    "$SITE/site.xml"
accepted "site.xml in urn:hotfix:site:1 under a prefix" -- apply "$G" --site "$SITE" -q
victim "$SITE"
nsfix "$SITE/site.xml" site ' xmlns="urn:x"'
refused 4 "root element <site> is in namespace 'urn:x'; expected 'urn:hotfix:site:1'" \
    "site.xml in a wrong namespace" -- apply "$G" --site "$SITE"
expect_err 'hint: write the root element as <site xmlns="urn:hotfix:site:1"> (or, as older sites do, with no xmlns at all)'
nohint site.xml
victim "$SITE"
nsfix "$SITE/site.xml" site ' xmlns="urn:hotfix:site:2"'
refused 4 "is in namespace 'urn:hotfix:site:2'; expected 'urn:hotfix:site:1'" \
    "site.xml in a later version's namespace" -- apply "$G" --site "$SITE"

# --- installed.xml (always written in urn:hotfix:installed:1): wrong and none refused
victim "$SITE"
grep -q '<installed xmlns="urn:hotfix:installed:1"' "$SITE/.hotfix/installed.xml" ||
    fail "the victim's registry is not in urn:hotfix:installed:1"
nsfix "$SITE/.hotfix/installed.xml" installed ' xmlns="urn:x"'; regsum "$SITE/.hotfix/installed.xml"
refused 4 "root element <installed> is in namespace 'urn:x'; expected 'urn:hotfix:installed:1'" \
    "installed.xml in a wrong namespace" -- apply "$G" --site "$SITE"
expect_err 'hint: write the root element as <installed xmlns="urn:hotfix:installed:1">'
nohint installed.xml
victim "$SITE"
nsfix "$SITE/.hotfix/installed.xml" installed ''; regsum "$SITE/.hotfix/installed.xml"
refused 4 "root element <installed> is in no namespace; expected 'urn:hotfix:installed:1'" \
    "installed.xml in no namespace" -- apply "$G" --site "$SITE"
refused 4 "root element <installed> is in no namespace" "list of an installed.xml in no namespace" \
    -- list --site "$SITE"

# --- hierarchy file (always had urn:hotfix:hierarchy:1): right accepted, wrong and none
# refused
victim "$SITE"
hier "$T/h.xml" s
accepted "hierarchy file in urn:hotfix:hierarchy:1" -- check "$G" --hierarchy "$T/h.xml"
nsfix "$T/h.xml" hierarchy ' xmlns="urn:x"'
refused 4 "root element <hierarchy> is in namespace 'urn:x'; expected 'urn:hotfix:hierarchy:1'" \
    "hierarchy file in a wrong namespace" -- apply "$G" --hierarchy "$T/h.xml"
expect_err 'hint: write the root element as <hierarchy xmlns="urn:hotfix:hierarchy:1">'
nohint hierarchy
nsfix "$T/h.xml" hierarchy ''
refused 4 "root element <hierarchy> is in no namespace; expected 'urn:hotfix:hierarchy:1'" \
    "hierarchy file in no namespace" -- apply "$G" --hierarchy "$T/h.xml"

# --- one format's file where another is expected: the root element is named
victim "$SITE"
cp "$SITE/.hotfix/installed.xml" "$SITE/site.xml"
refused 4 "the root element is <installed>; expected <site>" "an installed.xml as site.xml" \
    -- apply "$G" --site "$SITE"
expect_err 'hint: the root element of site.xml is <site xmlns="urn:hotfix:site:1">'

# --- audit XML (written, never read): in urn:hotfix:audit:1, valid against audit.xsd
victim "$SITE"
hier "$T/h.xml" s
hf audit "$G" --hierarchy "$T/h.xml" --format xml
[ "$(xmllint --xpath 'namespace-uri(/*)' "$T/out")" = urn:hotfix:audit:1 ] ||
    fail "audit XML is not in urn:hotfix:audit:1"
xmllint --noout --schema "$TOP/manifests/audit.xsd" "$T/out" 2> "$T/xmllint" ||
    fail "audit XML does not match audit.xsd: $(cat "$T/xmllint")"
CASES=$((CASES + 1)); echo "ok: audit XML in urn:hotfix:audit:1"

# --- the schemas hotfix installs say the same: each names its namespace
for f in manifest site hierarchy installed audit; do
    grep -q "targetNamespace=\"urn:hotfix:$f:1\"" "$TOP/manifests/$f.xsd" ||
        fail "manifests/$f.xsd has no targetNamespace urn:hotfix:$f:1"
done
echo "namespace (hostile): $CASES cases"
