# Hostile payloads: the entry a manifest names must be one plain regular file.  A
# symlink, a hard link (with or without data), a duplicate, or a name that differs from
# another only in case is refused (exit 4) and the site is untouched; entries the
# manifest does not name -- "../" names, absolute names, links -- are never written.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
mkdll "$T/new.dll" 1.0.0.1 8192
mkdll "$T/old.dll" 1.0.0.0 8192
sitexml "$T/site0" PAY central - 3
mkdir -p "$T/site0/bin"; cp "$T/old.dll" "$T/site0/bin/t.dll"
BEFORE=$(tree "$T/site0" mtime)
mkdir -p "$T/m"

# try NAME: build $T/p/NAME (a directory of entries) into NAME.tar with TARFLAGS, sign a
# manifest for it, apply; the result must be refused with MESSAGE and change nothing.
try() {
    name=$1 msg=$2
    onefile "$T/m/$name.xml" PAY1 "$name.tar" bin/t.dll SP3/t.dll "$T/new.dll"
    rm -rf "$T/s"; cp -a "$T/site0" "$T/s"
    hf apply "$T/m/$name.xml" --site "$T/s"
    expect_rc 4
    expect_err "$msg"
    [ "$(tree "$T/s" mtime)" = "$BEFORE" ] || fail "$name: the site changed"
    no_residue "$T/s"
    [ ! -e "$T/escaped" ] || fail "$name: something was written outside"
}

# the good one first, so that the helpers are known to work
mkdir -p "$T/p/good/SP3"; cp "$T/new.dll" "$T/p/good/SP3/t.dll"
tar -cf "$T/m/good.tar" -C "$T/p/good" SP3
onefile "$T/m/good.xml" PAY1 good.tar bin/t.dll SP3/t.dll "$T/new.dll"
cp -a "$T/site0" "$T/ok"
hf apply "$T/m/good.xml" --site "$T/ok" -q
expect_rc 0
cmp "$T/new.dll" "$T/ok/bin/t.dll" || fail "good payload not installed"

# the named entry is a symlink
mkdir -p "$T/p/sym/SP3"; ln -s ../../escaped "$T/p/sym/SP3/t.dll"
tar -cf "$T/m/sym.tar" -C "$T/p/sym" SP3
try sym "entry SP3/t.dll is not a regular file"

# the named entry is a hard link to another entry
mkdir -p "$T/p/hard/SP3"; cp "$T/new.dll" "$T/p/hard/SP3/a.dll"; ln "$T/p/hard/SP3/a.dll" "$T/p/hard/SP3/t.dll"
tar -cf "$T/m/hard.tar" -C "$T/p/hard" SP3/a.dll SP3/t.dll
try hard "entry SP3/t.dll is not a regular file"

# the named entry twice
tar -cf "$T/m/dup.tar" -C "$T/p/good" SP3/t.dll SP3/t.dll
try dup "entry SP3/t.dll appears twice"

# another entry that differs only in case
mkdir -p "$T/p/case/sp3"; cp "$T/new.dll" "$T/p/case/sp3/T.DLL"
tar -cf "$T/m/case.tar" -C "$T/p/good" SP3 -C "$T/p/case" sp3
try case "differ only in case"

# entries the manifest does not name are never written: ../ and absolute names, links
mkdir -p "$T/p/evil/SP3"; cp "$T/new.dll" "$T/p/evil/SP3/t.dll"
echo pwned > "$T/p/evil/x"; echo pwned > "$T/p/evil/y"
ln -s /etc/passwd "$T/p/evil/link"
tar -P -cf "$T/m/evil.tar" -C "$T/p/evil" SP3 link --transform 's|^x$|../../escaped|' x \
    --transform "s|^y\$|$T/escaped-abs|" y
onefile "$T/m/evil.xml" PAY1 evil.tar bin/t.dll SP3/t.dll "$T/new.dll"
tar -P -tf "$T/m/evil.tar" > "$T/list"
grep -qx '\.\./\.\./escaped' "$T/list" || fail "the evil tar lacks its ../ entry"
grep -qx "$T/escaped-abs" "$T/list" || fail "the evil tar lacks its absolute entry"
cp -a "$T/site0" "$T/ev"
hf apply "$T/m/evil.xml" --site "$T/ev" -q
expect_rc 0
cmp "$T/new.dll" "$T/ev/bin/t.dll" || fail "evil payload: the named entry was not installed"
[ ! -e "$T/escaped" ] && [ ! -e "$T/m/../../escaped" ] && [ ! -e "$T/escaped-abs" ] ||
    fail "an entry outside was written"
[ -z "$(find "$T/ev" -type l)" ] || fail "a link was created in the site"
echo "payload: ok"
