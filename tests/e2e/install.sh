# make install / make uninstall into a DESTDIR: the binary runs from there and names its
# libraries, the man pages pass groff's warnings, the completion loads in bash, the XSDs
# validate the shipped manifest; uninstall leaves nothing behind.
. tests/lib.sh
build=$(dirname "$BIN")
for prefix in /usr/local /opt/hf; do
    root=$T/root$(echo "$prefix" | tr / _)
    make -s -C "$TOP" -o "$build/hotfix" install BUILD="$build" DESTDIR="$root" PREFIX="$prefix" > "$T/out" 2> "$T/err" ||
        fail "make install PREFIX=$prefix failed"
    for f in bin/hotfix share/man/man1/hotfix.1 share/man/man5/hotfix-manifest.5 \
        share/bash-completion/completions/hotfix share/hotfix/manifest.xsd \
        share/hotfix/site.xsd share/hotfix/hierarchy.xsd share/hotfix/installed.xsd \
        share/hotfix/audit.xsd; do
        [ -f "$root$prefix/$f" ] || fail "make install PREFIX=$prefix: no $prefix/$f"
    done
    [ "$(stat -c %a "$root$prefix/bin/hotfix")" = 755 ] || fail "the binary is not 0755"
    [ "$(stat -c %a "$root$prefix/share/man/man1/hotfix.1")" = 644 ] || fail "hotfix.1 is not 0644"
    $WRAP "$root$prefix/bin/hotfix" --version > "$T/out" 2> "$T/err" || fail "installed --version"
    for w in "hotfix " libxml2 libarchive OpenSSL; do
        grep -q "$w" "$T/out" || fail "--version does not name $w"
    done
    for m in man1/hotfix.1 man5/hotfix-manifest.5; do
        warn=$(groff -ww -z -man "$root$prefix/share/man/$m" 2>&1)
        [ -z "$warn" ] || fail "groff warns about $m: $warn"
    done
    bash -c ". /usr/share/bash-completion/bash_completion && \
        . '$root$prefix/share/bash-completion/completions/hotfix' && complete -p hotfix" \
        > "$T/out" 2>&1 || fail "the completion does not load"
    grep -q "_hotfix hotfix" "$T/out" || fail "the completion does not register"
    xmllint --noout --schema "$root$prefix/share/hotfix/manifest.xsd" "$KB" 2> "$T/err" ||
        fail "the installed manifest.xsd does not validate KB936465.xml"
    make -s -C "$TOP" uninstall BUILD="$build" DESTDIR="$root" PREFIX="$prefix" > "$T/out" 2> "$T/err" ||
        fail "make uninstall PREFIX=$prefix failed"
    left=$(find "$root" -type f | head -n 3)
    [ -z "$left" ] || fail "make uninstall left $left"
    [ ! -e "$root$prefix/share/hotfix" ] || fail "make uninstall left share/hotfix"
done
echo "install: ok"
