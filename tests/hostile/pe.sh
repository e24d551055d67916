# Hostile PE images on the site: the file a hotfix would replace is not a PE, is cut
# short, or has headers pointing outside it (e_lfanew, section table, resource
# directory in a loop).  Its version cannot be read, so nothing is replaced: a clear
# message naming the file, and the site byte-identical.  (The PE reader's every bound is
# tested in depth by tests/unit/test_pe.c and fuzzed by tests/fuzz/fuzz_pe.c.)
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/pe.xml" PE1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
/usr/bin/python3 - "$T/old.dll" "$T" <<'PY' || fail "crafting the images"
import struct, sys
src, T = sys.argv[1], sys.argv[2]
b = bytearray(open(src, 'rb').read())
def put(name, data): open(T + '/' + name, 'wb').write(data)
lfanew = struct.unpack_from('<I', b, 0x3c)[0]
put('text.dll', b'this is not a PE image\n' * 100)
put('trunc.dll', bytes(b[:lfanew + 30]))
x = bytearray(b); struct.pack_into('<I', x, 0x3c, 0x7ffffff0); put('lfanew.dll', bytes(x))
x = bytearray(b); struct.pack_into('<H', x, lfanew + 6, 0xffff); put('nsect.dll', bytes(x))
# the resource data directory pointed past the end of the file
magic = struct.unpack_from('<H', b, lfanew + 24)[0]
dd = lfanew + 24 + (96 if magic == 0x10b else 112) + 2 * 8
x = bytearray(b); struct.pack_into('<II', x, dd, 0x7ffff000, 0x1000); put('rsrc.dll', bytes(x))
# the resource root directory's first entry points back at the root (a loop)
nsect = struct.unpack_from('<H', b, lfanew + 6)[0]
optsz = struct.unpack_from('<H', b, lfanew + 20)[0]
sectab = lfanew + 24 + optsz
rva = struct.unpack_from('<I', b, dd)[0]
for i in range(nsect):
    s = sectab + 40 * i
    va, vsz, raw = struct.unpack_from('<I', b, s + 12)[0], struct.unpack_from('<I', b, s + 8)[0], struct.unpack_from('<I', b, s + 20)[0]
    if va <= rva < va + max(vsz, 1):
        root = raw + (rva - va)
        break
n = struct.unpack_from('<H', b, root + 12)[0] + struct.unpack_from('<H', b, root + 14)[0]
x = bytearray(b)
for k in range(n):
    struct.pack_into('<I', x, root + 16 + 8 * k + 4, 0x80000000)  # subdirectory at offset 0: the root
put('loop.dll', bytes(x))
PY
while IFS=: read -r name msg; do
    SITE=$T/s; victim "$SITE"
    cp "$T/$name.dll" "$SITE/bin/t.dll"
    touch -r "$T/old.dll" "$SITE/bin/t.dll"
    # a file the plan cannot read is a conflict (exit 1): nothing is replaced
    refused 1 "no readable version: bin/t.dll: .*$msg" "the target is $name.dll" -- \
        apply "$T/m/pe.xml" --site "$SITE"
done <<CASES
text:not a PE image (no MZ signature)
trunc:lies beyond the end of the file
lfanew:PE header offset 0x7ffffff0 is beyond the file
nsect:section table (65535 sections at offset
rsrc:is in no section's data
loop:version resource has a fourth directory level
CASES
echo "pe (hostile): $CASES cases refused"
