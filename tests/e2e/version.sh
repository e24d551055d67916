# hotfix version: our PE reader against exiftool on every DLL the repo builds and on
# odd-shaped images (PE32+, several sections, named/multi-language resources, overlays).
. "$HOTFIX_TOP/tests/lib.sh"

command -v exiftool >/dev/null || fail "exiftool missing (scripts/install-deps installs it)"

# The six KB936465 DLLs (Authenticode-signed: a certificate table after the image) and
# the pre-hotfix ones of every service pack.
for f in SP2/i386/Basesvr.dll SP2/i386/Baseutil.dll SP2/i386/Distmgr.dll \
         SP3/i386/Basesvr.dll SP3/i386/Baseutil.dll SP3/i386/Distmgr.dll; do
    kbfile "$f" "$T/dll/$f"
done
mkdll "$T/dll/mixed/Odd.dll" 1.2.3.4 65536 65535.0.65535.7
for sp in 1 2 3; do site "$T/site$sp" S0$sp primary CEN $sp; done
cp "$T"/site1/bin/i386/Basesvr.dll "$T/dll/sp1-Basesvr.dll"
cp "$T"/site2/bin/i386/Distmgr.dll "$T/dll/sp2-Distmgr.dll"
cp "$T"/site3/bin/i386/Baseutil.dll "$T/dll/sp3-Baseutil.dll"
mkdir -p "$T/odd" && "$MKPE" "$T/odd" || fail "mkpe"

files=$(find "$T/dll" "$T/odd" -name '*.dll' | sort)
# shellcheck disable=SC2086
hf version $files
expect_rc 0
n=0
for f in $files; do
    ours=$(grep -F "$f	" "$T/out" | cut -f2,3)
    theirs=$(exiftool -s3 -FileVersionNumber -ProductVersionNumber "$f" | paste -s -d '\t')
    [ -n "$ours" ] || fail "no line for $f"
    [ "$ours" = "$theirs" ] || fail "$f: hotfix says '$ours', exiftool says '$theirs'"
    n=$((n + 1))
done
echo "agreed with exiftool on $n files"
[ "$n" -ge 15 ] || fail "only $n files compared"

# The generator's own expectations agree too (catches a wrong exiftool as well).
while IFS='	' read -r name fv pv; do
    grep -q "/$name	$fv	$pv\$" "$T/out" || fail "$name: expected $fv $pv"
done < "$T/odd/expected.tsv"

# The mixed file: FILEVERSION and PRODUCTVERSION differ and are not swapped.
expect_out "Odd.dll	1.2.3.4	65535.0.65535.7"

# Not PE, truncated, empty, directory: '-' '-' and a reason, exit 4, never a crash.
printf 'hello' > "$T/text.dll"
: > "$T/empty.dll"
head -c 1000 "$T/dll/SP3/i386/Basesvr.dll" > "$T/trunc.dll"
hf version "$T/text.dll" "$T/empty.dll" "$T/trunc.dll" "$T" "$T/dll/SP3/i386/Basesvr.dll"
expect_rc 4
expect_out "$T/text.dll	-	-"
expect_out "$T/empty.dll	-	-"
expect_out "$T/trunc.dll	-	-"
expect_out "Basesvr.dll	2.50.4253.3102	2.50.4253.3102"
expect_err "not a PE image"
expect_err "beyond the end of the file"
hf version "$T/nonexistent.dll"
expect_rc 4
expect_err "No such file"

# A FIFO (or device) is refused at once, never waited on.
mkfifo "$T/fifo.dll"
timeout 10 "$BIN" version "$T/fifo.dll" > "$T/out" 2> "$T/err"
RC=$?
expect_rc 4
expect_err "not a regular file"
echo PASS
