# A payload large enough (>= 8 MiB) for staging to hash on a second thread while it reads
# and writes: the file that lands is the payload's bytes, rollback restores the old one,
# and a changed payload or a wrong file hash is still refused with the site untouched.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
mkdir -p "$T/pkg/payloads" "$T/pkg/manifests" "$T/pkg/stage/SP3" "$T/old"
mkdll "$T/old/t.dll" 1.0.0.0 8192
mkdll "$T/pkg/stage/SP3/t.dll" 1.0.0.1 65536
# an overlay of 9 MiB of random bytes, and an unwanted entry after the wanted one (its
# bytes are hashed too, by the pass that reads the rest of the archive)
head -c $((9 << 20)) /dev/urandom >> "$T/pkg/stage/SP3/t.dll"
head -c $((3 << 20)) /dev/urandom > "$T/pkg/stage/SP3/readme.bin"
tar -cf "$T/pkg/payloads/BIG.tar" -C "$T/pkg/stage" SP3/t.dll SP3/readme.bin
M=$T/pkg/manifests/BIG.xml
onefile "$M" BIG ../payloads/BIG.tar bin/t.dll SP3/t.dll "$T/pkg/stage/SP3/t.dll"

sitexml "$T/s" BIG central - 3
mkdir -p "$T/s/bin"; cp "$T/old/t.dll" "$T/s/bin/t.dll"

hf apply "$M" --site "$T/s"
expect_rc 0; expect_out "applied: 1 file(s) replaced"
cmp "$T/pkg/stage/SP3/t.dll" "$T/s/bin/t.dll" || fail "the applied file is not the payload's"
no_residue "$T/s"
hf rollback BIG --site "$T/s"
expect_rc 0
cmp "$T/old/t.dll" "$T/s/bin/t.dll" || fail "rollback did not restore the old file"

# one byte of the payload changed (inside the wanted entry), manifest unchanged
cp "$T/pkg/payloads/BIG.tar" "$T/good.tar"
printf 'X' | dd of="$T/pkg/payloads/BIG.tar" bs=1 seek=$((5 << 20)) conv=notrunc 2>/dev/null
rm -rf "$T/s2"; mkdir -p "$T/s2/bin"; sitexml "$T/s2" BIG central - 3
cp "$T/old/t.dll" "$T/s2/bin/t.dll"
before=$(tree "$T/s2" mtime)
hf apply "$M" --site "$T/s2"
expect_rc 4; expect_err "SHA-256"
[ "$(tree "$T/s2" mtime)" = "$before" ] ||
    fail "a refused apply changed the site"
no_residue "$T/s2"
cp "$T/good.tar" "$T/pkg/payloads/BIG.tar"

# the payload is right but the manifest's hash of the file is not: refused after staging
cp "$T/old/t.dll" "$T/wrong.dll"
onefile "$M" BIG ../payloads/BIG.tar bin/t.dll SP3/t.dll "$T/wrong.dll"
sed -i "s/size=\"8192\"/size=\"$(stat -c %s "$T/pkg/stage/SP3/t.dll")\"/" "$M"
sign "$M"
hf apply "$M" --site "$T/s2"
expect_rc 4; expect_err "entry SP3/t.dll has SHA-256"
cmp "$T/old/t.dll" "$T/s2/bin/t.dll" || fail "a refused apply changed the file"
no_residue "$T/s2"
echo "bigpayload: ok"
