# The KB936465 package is reproducible: a rebuild from the scripts matches the committed
# CAB and manifest byte for byte, and the committed signature verifies.
. "$HOTFIX_TOP/tests/lib.sh"

"$TOP/scripts/build-kb936465" "$T/rebuild" >/dev/null || fail "build-kb936465"
cmp "$T/rebuild/payloads/KB936465.cab" "$TOP/payloads/KB936465.cab" || fail "CAB differs"
cmp "$T/rebuild/manifests/KB936465.xml" "$KB" || fail "manifest differs"
openssl cms -verify -binary -inform DER -in "$KB.p7s" -content "$KB" -purpose any \
    -CAfile "$TRUST" -out /dev/null 2>"$T/err" || fail "committed signature does not verify"

# The CAB holds what the KB's table says: sizes, and (via hotfix version) versions.
mkdir -p "$T/x" && (cd "$T/x" && gcab -x "$TOP/payloads/KB936465.cab") >/dev/null || fail "gcab -x"
check_file() { # path version size
    [ "$(stat -c %s "$T/x/$1")" -eq "$3" ] || fail "$1: size $(stat -c %s "$T/x/$1"), want $3"
    hf version "$T/x/$1"
    expect_rc 0
    expect_out "	$2	$2\$"
}
check_file SP3/i386/Basesvr.dll 2.50.4253.3102 1769472
check_file SP3/i386/Baseutil.dll 2.50.4253.3102 614400
check_file SP3/i386/Distmgr.dll 2.50.4253.3104 421888
check_file SP2/i386/Basesvr.dll 2.50.4160.2137 1769472
check_file SP2/i386/Baseutil.dll 2.50.4160.2137 614400
check_file SP2/i386/Distmgr.dll 2.50.4160.2137 417792

# Each DLL carries the demo code signer's Authenticode signature, valid against the demo
# CA for hotfix and for osslsigncode alike.
for f in SP2/i386/Basesvr.dll SP2/i386/Baseutil.dll SP2/i386/Distmgr.dll \
         SP3/i386/Basesvr.dll SP3/i386/Baseutil.dll SP3/i386/Distmgr.dll; do
    hf authenticode "$T/x/$f" --pe-trust "$TRUST"
    expect_rc 0
    expect_out "	valid	/O=hotfix demo PKI/CN=demo vendor code signer\$"
    osslsigncode verify -CAfile "$TRUST" -in "$T/x/$f" > "$T/osc" 2>&1 ||
        { cat "$T/osc"; fail "osslsigncode verify $f"; }
done

# A damaged payload is caught by check before anything could use it (exit 4).
site "$T/cen" CEN central - 3
kbcopy "$T/k"
printf 'X' | dd of="$T/k/payloads/KB936465.cab" bs=1 seek=100 conv=notrunc 2>/dev/null
hf check "$T/k/manifests/KB936465.xml" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "payload .*SHA-256 .*the manifest says"
rm "$T/k/payloads/KB936465.cab"
hf check "$T/k/manifests/KB936465.xml" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "payload .*cannot open"
echo PASS
