# Hostile payloads.  The entry a manifest names must be one plain regular file of exactly
# its size; links (symbolic, hard, hard with data), devices, FIFOs, directories,
# duplicates and case-colliding names are refused; bombs are stopped by the expansion cap
# (in skipped entries too), as are over-deep and over-long names.  Each refusal: exit 4,
# the reason, the site byte-identical.  Entries the manifest does not name -- "../",
# absolute, links -- are never written anywhere.
. tests/hostile/lib.sh
P=$T/p
mkdir -p "$P"
cp "$T/new.dll" "$P/new.dll"
/usr/bin/python3 - "$P" <<'PY' || fail "crafting the archives"
import io, os, sys, tarfile, zipfile, gzip, struct, zlib
P = sys.argv[1]
new = open(os.path.join(P, 'new.dll'), 'rb').read()

def tar(name, entries, fmt=tarfile.PAX_FORMAT, mode='w'):
    with tarfile.open(os.path.join(P, name), mode, format=fmt) as t:
        for e in entries:
            ti = tarfile.TarInfo(e['name'])
            ti.type = e.get('type', tarfile.REGTYPE)
            ti.linkname = e.get('link', '')
            data = e.get('data')
            ti.size = len(data) if data is not None else 0
            if 'size' in e:
                ti.size = e['size']
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data) if data is not None else None)

good = {'name': 'SP3/t.dll', 'data': new}
tar('good.tar', [good])
tar('sym.tar', [{'name': 'SP3/t.dll', 'type': tarfile.SYMTYPE, 'link': '../../escaped'}])
tar('hard.tar', [{'name': 'SP3/a.dll', 'data': new},
                 {'name': 'SP3/t.dll', 'type': tarfile.LNKTYPE, 'link': 'SP3/a.dll'}])
tar('chr.tar', [{'name': 'SP3/t.dll', 'type': tarfile.CHRTYPE}])
tar('fifo.tar', [{'name': 'SP3/t.dll', 'type': tarfile.FIFOTYPE}])
tar('dir.tar', [{'name': 'SP3/t.dll', 'type': tarfile.DIRTYPE}])
tar('dup.tar', [good, good])
tar('case.tar', [good, {'name': 'sp3/T.DLL', 'data': new}])
tar('short.tar', [{'name': 'SP3/t.dll', 'data': new[:-1]}])
tar('long.tar', [{'name': 'SP3/t.dll', 'data': new + b'x'}])
tar('deep.tar', [{'name': '/'.join(['d'] * 70) + '/x', 'data': b'x'}, good])
tar('longname.tar', [{'name': 'n' * 1500, 'data': b'x'}, good])
tar('other.tar', [{'name': 'SP3/other.dll', 'data': new}])
# a hard link carrying data of its own (pax/GNU allow it; libarchive reads the data)
with open(os.path.join(P, 'good.tar'), 'rb') as f:
    pass
b = io.BytesIO()
with tarfile.open(fileobj=b, mode='w', format=tarfile.GNU_FORMAT) as t:
    ti = tarfile.TarInfo('SP3/a.dll'); ti.size = len(new); t.addfile(ti, io.BytesIO(new))
    ti = tarfile.TarInfo('SP3/t.dll'); ti.type = tarfile.LNKTYPE; ti.linkname = 'SP3/a.dll'
    ti.size = len(new)
    buf = ti.tobuf(tarfile.GNU_FORMAT, 'utf-8', 'surrogateescape')
    t.fileobj.write(buf); t.offset += len(buf)
    t.fileobj.write(new); t.offset += len(new)
    t.members.append(ti)
open(os.path.join(P, 'hardata.tar'), 'wb').write(b.getvalue())
# a bomb in an entry the plan skips: 160 MiB of zeros, gzip'd, before the named entry
b = io.BytesIO()
with tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT) as t:
    class Zeros(io.RawIOBase):
        def __init__(s, n): s.left = n
        def readable(s): return True
        def readinto(s, m):
            n = min(len(m), s.left); m[:n] = bytes(n); s.left -= n; return n
    ti = tarfile.TarInfo('SP3/padding.bin'); ti.size = 160 << 20
    t.addfile(ti, io.BufferedReader(Zeros(ti.size), 1 << 20))
    ti = tarfile.TarInfo('SP3/t.dll'); ti.size = len(new); t.addfile(ti, io.BytesIO(new))
open(os.path.join(P, 'bomb.tar.gz'), 'wb').write(gzip.compress(b.getvalue(), 9, mtime=0))
# a declared size far past the cap (1 TiB; the data is not even there)
h = tarfile.TarInfo('SP3/huge.bin'); h.size = 1 << 40
open(os.path.join(P, 'declared.tar'), 'wb').write(h.tobuf(tarfile.GNU_FORMAT, 'utf-8', 'surrogateescape') + b'\0' * 1024)
# zip whose headers understate the named entry: 8192 said, 8192+64 KiB inflated
def lying_zip(path, real, said):
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = comp.compress(real) + comp.flush()
    crc = zlib.crc32(real)
    name = b'SP3/t.dll'
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0x21, crc, len(data), said,
                        len(name), 0) + name + data
    central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0x21, crc,
                          len(data), said, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(central), len(local), 0)
    open(path, 'wb').write(local + central + end)
lying_zip(os.path.join(P, 'lying.zip'), new + bytes(65536), len(new))
# more entries than the cap (100,000), in a zip of empty files
with zipfile.ZipFile(os.path.join(P, 'many.zip'), 'w', zipfile.ZIP_STORED) as z:
    for i in range(100001):
        z.writestr(zipfile.ZipInfo('e%d' % i, (1980, 1, 1, 0, 0, 0)), b'')
# not an archive at all
open(os.path.join(P, 'garbage.tar'), 'wb').write(os.urandom(4096))
# evil entries nobody names, around the named one
with tarfile.open(os.path.join(P, 'evil.tar'), 'w', format=tarfile.PAX_FORMAT) as t:
    for name, kind, link in [('../../escaped', tarfile.REGTYPE, ''),
                             (P + '/escaped-abs', tarfile.REGTYPE, ''),
                             ('..\\..\\escaped-bs', tarfile.REGTYPE, ''),
                             ('C:/escaped-drive', tarfile.REGTYPE, ''),
                             ('link', tarfile.SYMTYPE, '/etc/passwd'),
                             ('hlink', tarfile.LNKTYPE, '/etc/passwd')]:
        ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = link
        data = b'pwned\n' if kind == tarfile.REGTYPE else None
        ti.size = len(data) if data else 0
        t.addfile(ti, io.BytesIO(data) if data else None)
    ti = tarfile.TarInfo('SP3/t.dll'); ti.size = len(new); t.addfile(ti, io.BytesIO(new))
PY

# case NAME RC MESSAGE WHAT: sign a manifest for payload NAME, apply it to a fresh victim.
case_() {
    onefile "$P/$1.xml" PAY1 "$1" bin/t.dll SP3/t.dll "$T/new.dll"
    SITE=$T/s; victim "$SITE"
    refused "$2" "$3" "$4" -- apply "$P/$1.xml" --site "$SITE"
    [ ! -e "$T/escaped" ] || fail "$4: something was written outside"
}

# the control first, so that the helpers are known to work
onefile "$P/good.xml" PAY1 good.tar bin/t.dll SP3/t.dll "$T/new.dll"
SITE=$T/ok; victim "$SITE"
hf apply "$P/good.xml" --site "$SITE" -q
expect_rc 0
cmp "$T/new.dll" "$SITE/bin/t.dll" || fail "good payload not installed"

case_ sym.tar 4 "entry SP3/t.dll is not a regular file" "named entry is a symlink"
case_ hard.tar 4 "entry SP3/t.dll is not a regular file" "named entry is a hard link"
case_ hardata.tar 4 "entry SP3/t.dll is not a regular file" "named entry is a hard link with data"
case_ chr.tar 4 "entry SP3/t.dll is not a regular file" "named entry is a character device"
case_ fifo.tar 4 "entry SP3/t.dll is not a regular file" "named entry is a FIFO"
case_ dir.tar 4 "entry SP3/t.dll is not a regular file\|has no entry" "named entry is a directory"
case_ dup.tar 4 "entry SP3/t.dll appears twice" "named entry twice"
case_ case.tar 4 "differ only in case" "another entry differing only in case"
case_ short.tar 4 "has 8191 bytes, the manifest says 8192" "named entry one byte short"
case_ long.tar 4 "has 8193 bytes, the manifest says 8192" "named entry one byte long"
case_ lying.zip 4 "larger than the manifest's 8192 bytes" "named entry inflating past its declared size"
# the two that read 160 MiB or 100,001 entries take minutes under valgrind: left to the
# gcc and sanitizer passes (whose LeakSanitizer sees leaks too)
if [ -z "$WRAP" ]; then
    case_ bomb.tar.gz 4 "decompression bomb" "gzip bomb in an entry nobody names"
    case_ many.zip 4 "more than 100000 entries" "more than 100,000 entries"
fi
case_ declared.tar 4 "decompression bomb" "an entry declaring 1 TiB"
case_ deep.tar 4 "71 levels" "an entry name 71 levels deep"
case_ longname.tar 4 "an entry name of 1500 bytes" "an entry name of 1500 bytes"
case_ other.tar 4 "has no entry SP3/t.dll" "the named entry missing"
case_ garbage.tar 4 "not a CAB, tar or zip archive" "not an archive"
# the payload itself: one byte more, one byte changed, missing, a directory
cp "$P/good.tar" "$P/pay.tar"; onefile "$P/pay.xml" PAY1 pay.tar bin/t.dll SP3/t.dll "$T/new.dll"
printf 'x' >> "$P/pay.tar"
SITE=$T/s; victim "$SITE"
refused 4 "size\|bytes" "payload with a byte appended" -- apply "$P/pay.xml" --site "$SITE"
cp "$P/good.tar" "$P/pay.tar"; printf 'X' | dd of="$P/pay.tar" bs=1 seek=600 conv=notrunc 2>/dev/null
refused 4 "SHA-256" "payload with a byte changed" -- apply "$P/pay.xml" --site "$SITE"
rm -f "$P/pay.tar"
refused 4 "pay.tar: cannot open" "payload missing" -- apply "$P/pay.xml" --site "$SITE"
mkdir "$P/pay.tar"
refused 4 "pay.tar is not a regular file (a directory)" "payload is a directory" -- apply "$P/pay.xml" --site "$SITE"
rmdir "$P/pay.tar"

# entries the manifest does not name are never written: ../, absolute, \, C:, links
onefile "$P/evil.xml" PAY1 evil.tar bin/t.dll SP3/t.dll "$T/new.dll"
SITE=$T/ev; victim "$SITE"
hf apply "$P/evil.xml" --site "$SITE" -q
expect_rc 0
cmp "$T/new.dll" "$SITE/bin/t.dll" || fail "evil payload: the named entry was not installed"
for f in "$T/escaped" "$P/escaped-abs" "$T/escaped-bs" "$P/..\\..\\escaped-bs" "$T/escaped-drive"; do
    [ ! -e "$f" ] || fail "an entry outside was written: $f"
done
[ -z "$(find "$T" -name 'escaped*' -o -name 'link' -o -name hlink)" ] || fail "an entry was written"
[ -z "$(find "$SITE" -type l)" ] || fail "a link was created in the site"
echo "payload (hostile): $CASES cases refused"
