# Hostile XML: manifests signed by the trusted key (so the parser, not the signature
# check, is what refuses them), site.xml, installed.xml and hierarchy files.  No DTD, no
# entity, no XInclude, limits on depth, attributes and texts, schema validation.  Each
# refusal: exit 4, the reason, the site byte-identical.
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" XML1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml

# the control
SITE=$T/ok; victim "$SITE"
hf apply "$G" --site "$SITE" -q
expect_rc 0

# man NAME WHAT MESSAGE SED...: manifest NAME made from the good one by sed expressions
# (or by the caller when no expression is given), signed, applied to a fresh victim.
man() {
    n=$1 what=$2 msg=$3
    shift 3
    if [ $# -gt 0 ]; then
        sed "$@" "$G" > "$T/m/$n.xml" || fail "sed $n"
    fi
    sign "$T/m/$n.xml"
    SITE=$T/s; victim "$SITE"
    refused 4 "$msg" "$what" -- apply "$T/m/$n.xml" --site "$SITE"
}
doctype() { # NAME DOCTYPE-TEXT: the good manifest with a DOCTYPE after the declaration
    { head -n 1 "$G"; printf '%s\n' "$2"; tail -n +2 "$G"; } > "$T/m/$1.xml"
}

doctype laughs '<!DOCTYPE hotfix [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
sed -i 's|<title>one small file</title>|<title>&d;</title>|' "$T/m/laughs.xml"
man laughs "billion laughs (entity expansion)" "DOCTYPE is not allowed"
doctype xxe '<!DOCTYPE hotfix [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
sed -i 's|<title>one small file</title>|<title>&x;</title>|' "$T/m/xxe.xml"
man xxe "external entity (XXE)" "DOCTYPE is not allowed"
doctype dtd '<!DOCTYPE hotfix SYSTEM "http://127.0.0.1:9/evil.dtd">'
man dtd "external DTD over the network" "DOCTYPE is not allowed"
doctype param '<!DOCTYPE hotfix [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
man param "parameter entity" "DOCTYPE is not allowed"
man xinclude "XInclude" "does not match manifest.xsd" \
    -e 's|<title>one small file</title>|<title>one small file</title><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>|'
deep=$(printf '<d>%.0s' $(seq 20))$(printf '</d>%.0s' $(seq 20))
man deep "elements nested 20 deep" "nested more than 16 deep" -e "s|<title>one small file</title>|<title>x</title><x>$deep</x>|"
long=$(head -c 5000 /dev/zero | tr '\0' a)
man longattr "an attribute of 5000 bytes" "longer than 4096 bytes" -e "s|<restart required=\"false\"/>|<restart required=\"false\" x=\"$long\"/>|"
many=$(for i in $(seq 40); do printf ' a%s="1"' "$i"; done)
man manyattr "40 attributes on one element" "more than 32 attributes" -e "s|<restart required=\"false\"/>|<restart required=\"false\"$many/>|"
big=$(head -c 70000 /dev/zero | tr '\0' t)
man bigtext "a text of 70,000 bytes" "a text of more than 65536 bytes" -e "s|one small file|$big|"
{ head -n 1 "$G"; printf '<!-- %s -->\n' "$(head -c 1100000 /dev/zero | tr '\0' c)"; tail -n +2 "$G"; } > "$T/m/huge.xml"
man huge "manifest over 1 MiB" "more than the limit"
printf '\377\376' > "$T/m/enc.xml"; cat "$G" >> "$T/m/enc.xml"
man enc "bytes that are not UTF-8" "not well-formed"
{ head -c 100 "$G"; printf '\0'; tail -c +101 "$G"; } > "$T/m/nul.xml"
man nul "a NUL byte" "not well-formed"
man dotdot "path with '..'" "does not match manifest.xsd" -e 's|path="bin/t.dll"|path="bin/../../escaped.dll"|'
man abs "absolute path" "does not match manifest.xsd" -e 's|path="bin/t.dll"|path="/etc/escaped.dll"|'
man backslash "path with '\\'" "does not match manifest.xsd" -e 's|path="bin/t.dll"|path="..\\\\..\\\\escaped.dll"|'
man drive "path with a drive letter" "does not match manifest.xsd" -e 's|path="bin/t.dll"|path="C:/escaped.dll"|'
man ctrl "path with a control character" "does not match manifest.xsd\|not well-formed" -e 's|path="bin/t.dll"|path="bin/t\&#x1b;.dll"|'
man srcdotdot "source with '..'" "does not match manifest.xsd" -e 's|source="SP3/t.dll"|source="../SP3/t.dll"|'
man hrefabs "payload href absolute" "does not match manifest.xsd" -e 's|href="x.tar"|href="/etc/passwd"|'
man dup "the same path twice" "does not match manifest.xsd" \
    -e 's|\(<file path="bin/t.dll"[^>]*>\)|\1\1|'
man casedup "two paths that differ only in case" \
    "file set SP3: paths bin/t.dll and BIN/T.dll differ only in case" \
    -e 's|<file path="bin/t.dll"\([^>]*\)>|&<file path="BIN/T.dll"\1>|'
awk '/<file path="bin\/t.dll"/ { for (i = 0; i < 257; i++) { l = $0; sub(/bin\/t.dll/, "bin/f" i ".dll", l); print l }; next } { print }' \
    "$G" > "$T/m/manyfiles.xml"
man manyfiles "257 files in one file set" "more than 256 files in file set SP3 (the limit)"
man bigsize "a size past 2^64" "size" -e 's|size="8192"|size="18446744073709551616"|'
man bigver "a version part past 65535" "version" -e 's|version="1.0.0.1"|version="99999.0.0.1"|'
man ns "the wrong namespace" "does not match manifest.xsd" -e 's|urn:hotfix:manifest:1|urn:evil|'

# site.xml, installed.xml, hierarchy files
SITE=$T/s; victim "$SITE"
sed -i '1i <!DOCTYPE site [<!ENTITY x SYSTEM "file:///etc/passwd">]>' "$SITE/site.xml"
refused 4 "DOCTYPE is not allowed" "site.xml with a DOCTYPE" -- apply "$G" --site "$SITE"
victim "$SITE"
sed -i 's|code="HOS"|code="HOS" type2="x"|' "$SITE/site.xml"
refused 4 "site.xsd" "site.xml breaking its schema" -- apply "$G" --site "$SITE"
victim "$SITE"
printf '<installed xmlns="urn:hotfix:installed:1"><hotfix id="PRE1"' > "$SITE/.hotfix/installed.xml"
refused 4 "installed.xml" "a truncated installed.xml" -- apply "$G" --site "$SITE"
victim "$SITE"
sed -i '2i <!DOCTYPE installed [<!ENTITY x "y">]>' "$SITE/.hotfix/installed.xml"
regsum "$SITE/.hotfix/installed.xml"
refused 4 "DOCTYPE is not allowed" "installed.xml with a DOCTYPE (checksum made good)" -- apply "$G" --site "$SITE"
victim "$SITE"
sed -i 's/revision="1"/revision="7"/' "$SITE/.hotfix/installed.xml"
refused 4 "installed.xml: damaged: its content does not match its SHA-256 checksum" \
    "installed.xml edited after hotfix wrote it" -- apply "$G" --site "$SITE"
victim "$SITE"
sed -i '$d' "$SITE/.hotfix/installed.xml"
refused 4 "installed.xml: damaged: its last line is not hotfix's checksum line" \
    "installed.xml without its checksum line" -- apply "$G" --site "$SITE"
victim "$SITE"
printf '<!DOCTYPE h [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<hierarchy xmlns="urn:hotfix:hierarchy:1"><site root="s"/></hierarchy>\n' > "$T/h.xml"
refused 4 "DOCTYPE is not allowed" "hierarchy file with a DOCTYPE" -- apply "$G" --hierarchy "$T/h.xml"
echo "xml (hostile): $CASES cases refused"
