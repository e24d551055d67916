# --jobs over a generated hierarchy of 1,000 sites with small files (1 central, 39
# primaries, 960 secondaries): every site applied, children never before their parent
# (from the logs), the audit compliant, then rolled back everywhere.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
n=1000; [ -n "$WRAP" ] && n=80   # under valgrind, a smaller tree
for v in 1.0.0.0 1.0.0.1; do mkdir -p "$T/$v"; mkdll "$T/$v/t.dll" "$v" 8192; done
mkdir -p "$T/pkg/payloads" "$T/pkg/manifests" "$T/pkg/stage/SP3"
cp "$T/1.0.0.1/t.dll" "$T/pkg/stage/SP3/"
tar -cf "$T/pkg/payloads/TINY1.tar" -C "$T/pkg/stage" SP3/t.dll
M=$T/pkg/manifests/TINY1.xml
onefile "$M" TINY1 ../payloads/TINY1.tar bin/t.dll SP3/t.dll "$T/1.0.0.1/t.dll"

# the tree: codes C00, P00..P38, then S + two base-36 digits
awk -v n="$n" 'BEGIN {
    d = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"; np = int((n - 1) / 25) + 1; if (np > 39) np = 39
    print "C00 central -"
    for (i = 0; i < np; i++) printf "P%02d primary C00\n", i
    for (i = 0; i < n - 1 - np; i++)
        printf "S%s%s secondary P%02d\n", substr(d, int(i / 36) + 1, 1), substr(d, i % 36 + 1, 1), i % np
}' > "$T/tree"
[ "$(wc -l < "$T/tree")" -eq "$n" ] || fail "generated $(wc -l < "$T/tree") sites, not $n"
echo '<hierarchy xmlns="urn:hotfix:hierarchy:1">' > "$T/h.xml"
while read -r code type parent; do
    sitexml "$T/s/$code" "$code" "$type" "$parent" 3
    mkdir -p "$T/s/$code/bin"; cp "$T/1.0.0.0/t.dll" "$T/s/$code/bin/"
    echo "<site root=\"s/$code\"/>" >> "$T/h.xml"
done < "$T/tree"
echo '</hierarchy>' >> "$T/h.xml"

t0=$(date +%s%N)
hf apply "$M" --hierarchy "$T/h.xml" --jobs 8 -q
expect_rc 0
echo "apply of $n sites, --jobs 8: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
expect_out_count " applied  *1 " "$n"
for code in $(cut -d' ' -f1 "$T/tree"); do
    cmp -s "$T/1.0.0.1/t.dll" "$T/s/$code/bin/t.dll" || fail "$code: not the new file"
done
# children after parents, from the logs
while read -r code type parent; do
    [ "$parent" = - ] && continue
    done_at=$(logtime "$T/s/$parent" TINY1 "apply: done")
    start_at=$(logtime "$T/s/$code" TINY1 "apply: start")
    [ ! "$start_at" \< "$done_at" ] || fail "$code started before its parent $parent was done"
done < "$T/tree"
hf audit "$M" --hierarchy "$T/h.xml"
expect_rc 0
expect_out "^compliant$"
hf rollback TINY1 --hierarchy "$T/h.xml" --jobs 8 -q
expect_rc 0
expect_out_count " rolled-back  *1 " "$n"
cmp -s "$T/1.0.0.0/t.dll" "$T/s/S00/bin/t.dll" || fail "S00: not rolled back"
echo "scale: ok"
