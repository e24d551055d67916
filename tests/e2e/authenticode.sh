# `hotfix authenticode` (src/authenticode.c) on DLLs signed by osslsigncode with CAs
# made here: each verdict is checked, and compared with `osslsigncode verify -CAfile`
# where both read the same thing.  The cases at a fixed verification time (-t: an
# expired signer, timestamps) run tests/unit/authcheck, the same engine and the same
# lines, since the command verifies at the current time only.  Cases: signed with SHA-256/384/512, PE32+, nested (-nest) with
# a second CA trusted or not, the only signer from an untrusted CA, an expired signer,
# a changed byte, unsigned, a cut table, two WIN_CERTIFICATE entries, a SHA-1 digest,
# an expired signer with an RFC 3161 timestamp inside its validity, and one after it,
# signers the policy refuses (no codeSigning EKU, RSA-1024), a signer-only trust file.
# The command's own cases: exit 0/1/4 over several files, a missing file, -q, --json
# (one document, every signature), a bad trust file (one error document), the default
# trust file and $HOTFIX_PE_TRUST, and root's ownership rule for the trust file.
. tests/lib.sh
AUTHCHECK=${HOTFIX_AUTHCHECK:-$(dirname "$BIN")/tests/authcheck}
command -v osslsigncode >/dev/null || fail "osslsigncode is missing (scripts/install-deps)"
[ -x "$AUTHCHECK" ] || fail "no $AUTHCHECK (make test-build)"
ST=1700000000  # the signing time, fixed
cd "$T" || fail "cd $T"
mkdir pe pki
"$MKPE" pe > /dev/null || fail mkpe
"$TOP/scripts/make-pki" pki new > /dev/null || fail "make-pki new"
"$TOP/scripts/make-pki" pki old > /dev/null || fail "make-pki old"
"$TOP/scripts/make-pki" pki short 1 > /dev/null || fail "make-pki short"
cat pki/new-ca.pem pki/old-ca.pem > pki/both.pem

# sign IN OUT PKI [osslsigncode options]
sign_pe() {
    in=$1 out=$2 who=$3; shift 3
    osslsigncode sign -certs "pki/$who-signer.pem" -key "pki/$who-signer.key" -time "$ST" \
        "$@" -in "$in" -out "$out" > /dev/null 2>&1 || fail "osslsigncode sign $out"
}
sign_pe pe/plain32.dll s256.dll new -h sha256
sign_pe pe/sections.dll s384.dll new -h sha384
sign_pe pe/plus64.dll s512.dll new -h sha512
sign_pe pe/overlay.dll overlay.dll new -h sha256
sign_pe s256.dll nested-untrusted.dll old -h sha256 -nest
cp nested-untrusted.dll nested-both.dll
sign_pe pe/plain32.dll oldonly.dll old -h sha256
sign_pe pe/langs.dll expired.dll short -h sha256
sign_pe pe/types.dll sha1.dll new -h sha1
# signers sig.c's policy refuses: no EKU, emailProtection only, a 1024-bit RSA key
leaf() { # NAME PROFILE KEYSPEC...
    n=$1 prof=$2; shift 2
    openssl req -new -newkey "$@" -nodes -keyout "pki/$n-signer.key" -out "pki/$n.csr" \
        -subj "/CN=$n hotfix signer" 2>/dev/null &&
    openssl x509 -req -in "pki/$n.csr" -CA pki/new-ca.pem -CAkey pki/new-ca.key \
        -CAcreateserial -days 30 -extfile "$TOP/tests/hostile/x509.cnf" -extensions "$prof" \
        -out "pki/$n-signer.pem" 2>/dev/null || fail "certificate $n"
}
leaf noeku noeku ec -pkeyopt ec_paramgen_curve:P-256
leaf mail mail ec -pkeyopt ec_paramgen_curve:P-256
leaf rsa1024 leaf rsa:1024
for n in noeku mail rsa1024; do sign_pe pe/plain32.dll "$n.dll" "$n" -h sha256; done
# RFC 3161 timestamps by a TSA of the new CA (osslsigncode's built-in TSA): one while the
# short-lived signer is valid, one dated after it expired
cat > tsa.cnf <<CNF
[tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout pki/tsa.key \
    -out pki/tsa.csr -subj "/CN=test TSA" 2>/dev/null &&
openssl x509 -req -in pki/tsa.csr -CA pki/new-ca.pem -CAkey pki/new-ca.key -CAcreateserial \
    -days 3650 -extfile tsa.cnf -extensions tsa -out pki/tsa.pem 2>/dev/null || fail "TSA cert"
cat pki/tsa.pem pki/new-ca.pem > pki/tsa-chain.pem
cat pki/short-ca.pem pki/new-ca.pem > pki/short-new.pem
now=$(date +%s) later=$(($(date +%s) + 3 * 86400))
sign_pe pe/vsize.dll stamped.dll short -h sha256 -TSA-certs pki/tsa-chain.pem \
    -TSA-key pki/tsa.key -TSA-time "$now"
sign_pe pe/named.dll latestamp.dll short -h sha256 -TSA-certs pki/tsa-chain.pem \
    -TSA-key pki/tsa.key -TSA-time "$((now + 2 * 86400))"
cp pe/plain32.dll unsigned.dll
cp s256.dll tampered.dll
printf 'X' | dd of=tampered.dll bs=1 seek=1100 conv=notrunc 2>/dev/null
# the table cut short: the file loses its last 16 bytes (the entry says more)
head -c "$(($(wc -c < s256.dll) - 16))" s256.dll > cut.dll
# two WIN_CERTIFICATE entries: oldonly.dll's signature, then s256.dll's (signtool's way
# of a second signature; osslsigncode reads only the first entry)
/usr/bin/python3 - oldonly.dll s256.dll two.dll <<'PY' || fail "crafting two.dll"
import struct, sys
def table(path):
    b = open(path, 'rb').read()
    lf = struct.unpack_from('<I', b, 0x3c)[0]
    magic = struct.unpack_from('<H', b, lf + 24)[0]
    dd = lf + 24 + (96 if magic == 0x10b else 112) + 4 * 8
    va, size = struct.unpack_from('<II', b, dd)
    return b, dd, va, b[va:va + size]
b, dd, va, t1 = table(sys.argv[1])
_, _, _, t2 = table(sys.argv[2])
t = t1 + b'\0' * (-len(t1) % 8) + t2
out = bytearray(b[:va]) + t
struct.pack_into('<II', out, dd, va, len(t))
open(sys.argv[3], 'wb').write(bytes(out))
PY
# data planted inside the entry, after the signature (CVE-2013-3900): covered by no signature
/usr/bin/python3 - s256.dll planted.dll <<'PY' || fail "crafting planted.dll"
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
lf = struct.unpack_from('<I', b, 0x3c)[0]
magic = struct.unpack_from('<H', b, lf + 24)[0]
dd = lf + 24 + (96 if magic == 0x10b else 112) + 4 * 8
va, size = struct.unpack_from('<II', b, dd)
junk = b'EVIL-UNSIGNED-PAYLOAD' * 40
ln = struct.unpack_from('<I', b, va)[0]
entry = b[va:va + ln] + junk
entry += b'\0' * (-len(entry) % 8)
struct.pack_into('<I', entry, 0, ln + len(junk))
out = b[:va] + entry
struct.pack_into('<II', out, dd, va, len(entry))
open(sys.argv[2], 'wb').write(bytes(out))
PY

# ac ARGS...: hotfix authenticode ARGS, stdout in out, stderr in err, status in rc
ac() {
    sample
    # shellcheck disable=SC2086
    $HF_WRAP "$BIN" authenticode "$@" > out 2> err
    rc=$?
}

# check FILE STATUS SIGNER-CN OSSL(ok|fail|-) [-t UNIXTIME] [--trust TRUST]
# (-t: through authcheck, at that time; else hotfix authenticode -v --pe-trust TRUST)
check() {
    f=$1 want=$2 cn=$3 ossl=$4; shift 4
    tr=pki/new-ca.pem; vt=""
    case ${1:-} in -t) vt=$2; shift 2 ;; esac
    case ${1:-} in --trust) tr=$2; shift 2 ;; esac
    if [ -n "$vt" ]; then
        sample
        # shellcheck disable=SC2086
        $HF_WRAP "$AUTHCHECK" -t "$vt" "$tr" "$f" > out 2> err
        rc=$?
    else
        ac -v --pe-trust "$tr" "$f"
    fi
    line=$(cat out)
    case "$line" in
    "$f	$want	"*"CN=$cn"*) ;;
    *) echo "--- stderr:"; cat err; fail "$f: expected '$want' by $cn, got '$line'" ;;
    esac
    case $want in valid) w=0 ;; invalid) w=4 ;; *) w=1 ;; esac
    [ "$rc" -eq "$w" ] || fail "$f: exit $rc, expected $w"
    [ "$ossl" = - ] && { echo "ok $f: $want ($cn)"; return; }
    osslsigncode verify -CAfile "$tr" -TSA-CAfile "$tr" ${vt:+-time "$vt"} -in "$f" \
        > ossl.out 2>&1
    orc=$?
    case $ossl:$orc in ok:0) ;; fail:[1-9]*) ;; *) cat ossl.out; fail "$f: osslsigncode exit $orc, expected $ossl" ;; esac
    echo "ok $f: $want ($cn), osslsigncode $ossl"
}
check s256.dll valid "new hotfix manifest signer" ok
check s384.dll valid "new hotfix manifest signer" ok
check s512.dll valid "new hotfix manifest signer" ok
check overlay.dll valid "new hotfix manifest signer" ok
check nested-untrusted.dll valid "new hotfix manifest signer" ok
check nested-both.dll valid "new hotfix manifest signer" ok --trust pki/both.pem
check oldonly.dll untrusted "old hotfix manifest signer" fail
check oldonly.dll valid "old hotfix manifest signer" ok --trust pki/both.pem
check expired.dll expired "short hotfix manifest signer" fail -t "$later" --trust pki/short-ca.pem
check expired.dll valid "short hotfix manifest signer" ok --trust pki/short-ca.pem
check stamped.dll valid "short hotfix manifest signer" ok -t "$later" --trust pki/short-new.pem
check latestamp.dll expired "short hotfix manifest signer" fail -t "$later" --trust pki/short-new.pem
check stamped.dll expired "short hotfix manifest signer" fail -t "$later" --trust pki/short-ca.pem
check tampered.dll invalid "new hotfix manifest signer" fail
# osslsigncode accepts it; Windows' strict check refuses the planted blob
ac --pe-trust pki/new-ca.pem planted.dll
[ "$rc" -eq 4 ] && [ "$(cat out)" = "planted.dll	invalid	-" ] && grep -q "after the signature in its entry" err ||
    { cat out err; fail "planted.dll: a blob after the signature passed"; }
osslsigncode verify -CAfile pki/new-ca.pem -in planted.dll > /dev/null 2>&1 ||
    fail "planted.dll: osslsigncode refused it too (the case needs rethinking)"
echo "ok planted.dll: invalid (osslsigncode accepts it)"
check two.dll valid "new hotfix manifest signer" - # osslsigncode sees only entry 1
check oldonly.dll untrusted "old hotfix manifest signer" fail
# SHA-1 digests: osslsigncode accepts them, hotfix's policy never does
check sha1.dll untrusted "new hotfix manifest signer" -
osslsigncode verify -CAfile pki/new-ca.pem -in sha1.dll > /dev/null 2>&1 ||
    fail "osslsigncode no longer accepts SHA-1: revisit the comparison"

# the policy: codeSigning EKU (osslsigncode takes a signer without any EKU), keys of
# 112-bit security at level 2 (osslsigncode takes RSA-1024)
check noeku.dll untrusted "noeku hotfix signer" -
grep -q "lacks the codeSigning extended key usage" err || { cat err; fail "noeku: reason"; }
check mail.dll untrusted "mail hotfix signer" fail
check rsa1024.dll untrusted "rsa1024 hotfix signer" -
grep -q "1024-bit RSA key (80-bit security); the signature policy" err || { cat err; fail "rsa1024: reason"; }
for n in noeku rsa1024; do
    osslsigncode verify -CAfile pki/new-ca.pem -in "$n.dll" > /dev/null 2>&1 ||
        fail "osslsigncode now refuses $n.dll: revisit the comparison"
done

# every certificate of the trust file is an anchor (X509_V_FLAG_PARTIAL_CHAIN): the
# signer's own certificate is enough; osslsigncode wants a chain to a self-signed root
check s256.dll valid "new hotfix manifest signer" - --trust pki/new-signer.pem
! osslsigncode verify -CAfile pki/new-signer.pem -in s256.dll > /dev/null 2>&1 ||
    fail "osslsigncode now takes any anchor: revisit the comparison"

# both signatures of a nested file are reported, with their own digests and signers
ac -v --pe-trust pki/new-ca.pem nested-untrusted.dll
grep -q "signature 1 (entry 0, nested 0): valid: .*new hotfix manifest signer \[sha256\] issuers .*new hotfix root CA" err ||
    { cat err; fail "nested: the primary signature's report"; }
grep -q "signature 2 (entry 0, nested 1): untrusted: .*old hotfix manifest signer" err ||
    { cat err; fail "nested: the nested signature's report"; }
$WRAP "$AUTHCHECK" -t "$later" pki/short-new.pem stamped.dll > out 2> err
grep -q "signature 1 (entry 0, nested 0): valid: .* timestamp $(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)" err ||
    { cat err; fail "stamped.dll: the timestamp's time"; }
ac -v --pe-trust pki/new-ca.pem two.dll
grep -q "signature 2 (entry 1, nested 0): valid" err || { cat err; fail "two.dll: entry 1"; }

# files osslsigncode refuses outright: unsigned, and a cut table
for f in unsigned.dll cut.dll; do
    ! osslsigncode verify -CAfile pki/new-ca.pem -in "$f" > /dev/null 2>&1 ||
        fail "osslsigncode accepts $f"
done
ac --pe-trust pki/new-ca.pem unsigned.dll
[ "$rc" -eq 1 ] && grep -q "^unsigned.dll	unsigned	-$" out || { cat out err; fail unsigned; }
ac --pe-trust pki/new-ca.pem cut.dll
[ "$rc" -eq 4 ] && grep -q "^cut.dll	invalid	" out && grep -q "ends past the end of the file" err ||
    { cat out err; fail "cut table"; }

# several files at once: one line each, the worst exit
ac --pe-trust pki/new-ca.pem s256.dll unsigned.dll tampered.dll
[ "$rc" -eq 4 ] && [ "$(wc -l < out)" -eq 3 ] || { cat out; fail "three files: exit $rc"; }
printf '%s\t%s\t%s\n' s256.dll valid "$(sed -n 's/^s256.dll\tvalid\t//p' out)" \
    unsigned.dll unsigned - tampered.dll invalid "$(sed -n 's/^tampered.dll\tinvalid\t//p' out)" |
    cmp -s - out || { cat out; fail "three files: the lines, in order"; }
grep -q "^hotfix: unsigned.dll: unsigned" err && grep -q "^hotfix: tampered.dll: invalid: " err ||
    { cat err; fail "three files: the reasons"; }
! grep -q "^hotfix: s256.dll" err || { cat err; fail "three files: a reason for a valid file"; }
ac --pe-trust pki/new-ca.pem s256.dll s384.dll s512.dll overlay.dll
[ "$rc" -eq 0 ] && [ "$(grep -c '	valid	' out)" -eq 4 ] && [ ! -s err ] ||
    { cat out err; fail "four valid files: exit $rc"; }
ac --pe-trust pki/new-ca.pem s256.dll oldonly.dll unsigned.dll expired.dll
[ "$rc" -eq 1 ] || { cat out err; fail "valid, untrusted, unsigned: exit $rc, expected 1"; }
echo "ok several files: exit 0, 1, 4"

# a missing file: an error (named, even with -q), the line says invalid, exit 4; -q
# keeps the results and drops the reasons (and, as for version, the error's line)
ac --pe-trust pki/new-ca.pem s256.dll nosuch.dll oldonly.dll
[ "$rc" -eq 4 ] && grep -q "^nosuch.dll	invalid	-$" out && [ "$(wc -l < out)" -eq 3 ] &&
    grep -q "^hotfix: .*nosuch.dll" err && grep -q "^hotfix: oldonly.dll: untrusted: " err ||
    { cat out err; fail "a missing file: exit $rc"; }
ac -q --pe-trust pki/new-ca.pem s256.dll nosuch.dll oldonly.dll
[ "$rc" -eq 4 ] && [ "$(cut -f 1,2 out | tr '\n\t' ' :')" = "s256.dll:valid oldonly.dll:untrusted " ] &&
    grep -q "^hotfix: .*nosuch.dll" err && ! grep -q "oldonly" err ||
    { cat out err; fail "a missing file with -q: exit $rc"; }
echo "ok a missing file, -q"

# --json: one document, every file and every signature
ac --json --pe-trust pki/new-ca.pem s256.dll nested-untrusted.dll oldonly.dll nosuch.dll \
    unsigned.dll cut.dll
[ "$rc" -eq 4 ] || fail "--json: exit $rc, expected 4"
[ "$(jq -s length out)" = 1 ] || { cat out; fail "--json: not exactly one document"; }
jq -e --arg tr pki/new-ca.pem '
  .schema == "urn:hotfix:authenticode:1" and .pe_trust == $tr and (.files | length) == 6 and
  ([.files[].status] == ["valid", "valid", "untrusted", "invalid", "unsigned", "invalid"]) and
  (.files[0].signer | test("CN=new hotfix manifest signer")) and
  (.files[0].signatures | length) == 1 and .files[0].entries == 1 and
  (.files[0].signatures[0] | .entry == 0 and .nested == 0 and .status == "valid" and
     .digest == "sha256" and .reason == null and .timestamp == null and
     (.issuers | length) >= 1 and (.issuers[-1] | test("new hotfix root CA"))) and
  (.files[1].signatures | length) == 2 and
  (.files[1].signatures[1] | .nested == 1 and .status == "untrusted" and
     (.signer | test("old hotfix manifest signer")) and (.reason | length) > 0) and
  (.files[3] | .path == "nosuch.dll" and .error_code == "io" and (.error | test("nosuch.dll"))
     and .signatures == [] and .signer == null) and
  (.files[4] | .signatures == [] and .signer == null and .error == null) and
  (.files[5].reason | test("ends past the end of the file"))' out > /dev/null ||
    { cat out; fail "--json: the document"; }
ac --json --pe-trust pki/short-new.pem stamped.dll
[ "$rc" -eq 0 ] && jq -e --arg ts "$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)" \
    '.files[0].signatures[0].timestamp == $ts' out > /dev/null ||
    { cat out; fail "--json: the timestamp"; }
echo "ok --json"

# a trust file that cannot be used: exit 4, named; with --json one error document
ac --pe-trust nosuch.pem s256.dll
[ "$rc" -eq 4 ] && [ ! -s out ] && grep -q "trust file nosuch.pem: cannot open" err ||
    { cat out err; fail "a missing trust file"; }
echo "not a certificate" > pki/junk.pem
ac --json --pe-trust pki/junk.pem s256.dll
[ "$rc" -eq 4 ] && [ "$(jq -s length out)" = 1 ] &&
    jq -e '.schema == "urn:hotfix:error:1" and .exit == 4 and .file == "pki/junk.pem"' out \
        > /dev/null || { cat out err; fail "--json: a bad trust file"; }
echo "ok a bad trust file"

# the default trust file: $HOTFIX_PE_TRUST when the system file does not exist
if [ ! -e /etc/hotfix/pe-trust.pem ]; then
    HOTFIX_PE_TRUST=pki/new-ca.pem ac s256.dll
    [ "$rc" -eq 0 ] || { cat out err; fail "\$HOTFIX_PE_TRUST: exit $rc"; }
    HOTFIX_PE_TRUST= ac s256.dll # (tests/lib.sh exports the demo CA's)
    [ "$rc" -eq 4 ] && grep -q "/etc/hotfix/pe-trust.pem: cannot open" err ||
        { cat out err; fail "the default trust file: exit $rc"; }
    echo "ok \$HOTFIX_PE_TRUST, the default trust file"
fi

# root trusts a PE trust file only when it and every directory above it are root's and
# writable by no one else (the rule of --trust)
if [ "$(id -u)" = 0 ]; then
    W="running as root, hotfix trusts the CA certificates in it, so it and every directory above it must be owned by root and writable by no one else"
    cp pki/new-ca.pem pki/open.pem; chmod 666 pki/open.pem
    cp pki/new-ca.pem pki/nobody.pem; chown nobody pki/nobody.pem
    ac --pe-trust pki/open.pem s256.dll
    [ "$rc" -eq 4 ] && [ ! -s out ] && grep -q "PE trust file pki/open.pem: $W" err ||
        { cat out err; fail "a PE trust file writable by others"; }
    ac --json --pe-trust pki/nobody.pem s256.dll
    [ "$rc" -eq 4 ] && [ "$(jq -s length out)" = 1 ] &&
        jq -e '.schema == "urn:hotfix:error:1" and .file == "pki/nobody.pem" and
               (.message | test("owned by nobody"))' out > /dev/null ||
        { cat out err; fail "a PE trust file owned by nobody"; }
    HOTFIX_PE_TRUST=pki/open.pem ac s256.dll
    [ "$rc" -eq 4 ] && grep -q "PE trust file pki/open.pem: $W" err ||
        { cat out err; fail "\$HOTFIX_PE_TRUST writable by others"; }
    echo "ok root's ownership rule for the PE trust file"
fi
echo "authenticode: all cases agree"
