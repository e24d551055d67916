# The Authenticode policy of a manifest (<authenticode required="true"/>, hotfix-manifest(5)):
# a site and a payload of two DLLs signed with osslsigncode by a CA made here.  check and
# apply (--site and --hierarchy) pass with that CA as --pe-trust; a signer of another CA
# (or the CA missing from the trust file), an unsigned DLL, a signed DLL with a byte
# changed (the manifest's hash updated and re-signed), a signer that expired (no
# timestamp), and no usable PE trust file each make check and apply exit 4 naming the
# file and its status, the site unchanged (check: byte for byte, .hotfix too); a manifest
# without the policy applies unsigned DLLs with no PE trust file at all.
# audit --verify-signatures: compliant when valid; the same files against another CA, and
# the unsigned DLLs of a manifest without the policy, are not compliant (exit 1), named,
# with their status in text, JSON, CSV and XML.
. tests/lib.sh
command -v osslsigncode >/dev/null || fail "osslsigncode is missing (scripts/install-deps)"
unset HOTFIX_PE_TRUST
cd "$T" || fail "cd $T"
"$TOP/scripts/make-pki" pki good > /dev/null || fail "make-pki good"
"$TOP/scripts/make-pki" pki evil > /dev/null || fail "make-pki evil"
PE=$T/pki/good-ca.pem
mkdll old-a.dll 1.0.0.0 8192; mkdll old-b.dll 1.0.0.0 8192
mkdll new-a.dll 1.0.0.1 8192; mkdll new-b.dll 1.0.0.1 8192

# signpe IN OUT PKI
signpe() {
    osslsigncode sign -certs "pki/$3-signer.pem" -key "pki/$3-signer.key" -time 1700000000 \
        -h sha256 -in "$1" -out "$2" > /dev/null 2>&1 || fail "osslsigncode sign $2"
}
# a signer of the good CA that expired (2023) long before now, signing while valid, no
# timestamp: expired
cat > ca.cnf <<'CNF'
[ca]
default_ca = exp
[exp]
dir = .
database = ./index.txt
new_certs_dir = .
serial = ./serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
: > index.txt; echo 01 > serial
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout pki/exp-signer.key \
    -out exp.csr -subj "/CN=expired hotfix signer" 2>/dev/null &&
openssl ca -batch -config ca.cnf -cert pki/good-ca.pem -keyfile pki/good-ca.key -in exp.csr \
    -out pki/exp-signer.pem -startdate 20230101000000Z -enddate 20240101000000Z \
    -extensions leaf -notext > /dev/null 2>&1 || fail "the expired signer's certificate"
signpe new-a.dll good-a.dll good; signpe new-b.dll good-b.dll good
signpe new-a.dll exp-a.dll exp
signpe new-b.dll evil-b.dll evil
cp good-a.dll bad-a.dll # a byte of a section changed after signing
printf 'X' | dd of=bad-a.dll bs=1 seek=1100 conv=notrunc 2>/dev/null

# pkg NAME A.dll B.dll POLICY: pkg-NAME/m.xml (signed) whose payload x.tar holds A as
# SP3/a.dll and B as SP3/b.dll; POLICY true, false or - (no element)
pkg() {
    d=pkg-$1
    mkdir -p "$d/SP3"
    cp "$2" "$d/SP3/a.dll"; cp "$3" "$d/SP3/b.dll"
    tar -cf "$d/x.tar" -C "$d" SP3
    pol=""
    [ "$4" = - ] || pol="<authenticode required=\"$4\"/>"
    cat > "$d/m.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<hotfix xmlns="urn:hotfix:manifest:1" id="AC$1" revision="1">
  <title>signed DLLs</title>
  <product name="SMS" version="2003"/>
  <restart required="false"/>
  $pol
  <payload href="x.tar" size="$(stat -c %s "$d/x.tar")" sha256="$(sha256sum "$d/x.tar" | cut -d' ' -f1)"/>
  <fileset servicepack="3" platform="x86">
    <file path="bin/i386/a.dll" source="SP3/a.dll" version="1.0.0.1" size="$(stat -c %s "$2")" sha256="$(sha256sum "$2" | cut -d' ' -f1)"/>
    <file path="bin/i386/b.dll" source="SP3/b.dll" version="1.0.0.1" size="$(stat -c %s "$3")" sha256="$(sha256sum "$3" | cut -d' ' -f1)"/>
  </fileset>
</hotfix>
XML
    sign "$d/m.xml"
}
pkg good good-a.dll good-b.dll true
pkg evil good-a.dll evil-b.dll true
pkg unsigned good-a.dll new-b.dll true
pkg tampered bad-a.dll good-b.dll true
pkg expired exp-a.dll good-b.dll true
pkg off new-a.dll new-b.dll false
pkg none new-a.dll new-b.dll -

# mksite DIR CODE [PARENT]: a central site, or a primary one under PARENT
mksite() {
    if [ $# -ge 3 ]; then sitexml "$1" "$2" primary "$3" 3; else sitexml "$1" "$2" central - 3; fi
    mkdir -p "$1/bin/i386"
    cp old-a.dll "$1/bin/i386/a.dll"; cp old-b.dll "$1/bin/i386/b.dll"
}
mksite s1 S01

# refused NAME SOURCE PATH STATUS [hotfix options]: check and apply of pkg-NAME exit 4
# naming the file and its status, the site unchanged
refused() {
    n=$1 src=$2 path=$3 st=$4; shift 4
    before=$(tree s1 mtime) snap=$(snapshot s1)
    for cmd in check apply; do
        hf $cmd "pkg-$n/m.xml" --site s1 --trust "$TRUST" "$@"
        expect_rc 4
        expect_err "staged $src ($path): Authenticode $st"
        expect_err "the manifest requires a valid signature"
        expect_err "hint: .*--pe-trust"
        [ "$(tree s1 mtime)" = "$before" ] || fail "$cmd $n changed the site"
        # check writes nothing at all, not even in .hotfix
        [ $cmd = apply ] || [ "$(snapshot s1)" = "$snap" ] || fail "check $n wrote"
    done
    ! installed s1 "AC$n" || fail "AC$n is recorded as installed"
    no_residue s1
    echo "ok: $n: check and apply refused ($src: $st), the site unchanged"
}
refused evil SP3/b.dll bin/i386/b.dll untrusted --pe-trust "$PE"
refused unsigned SP3/b.dll bin/i386/b.dll unsigned --pe-trust "$PE"
refused tampered SP3/a.dll bin/i386/a.dll invalid --pe-trust "$PE"
refused expired SP3/a.dll bin/i386/a.dll expired --pe-trust "$PE"
# the signer's CA not in the trust file (only the other CA's): untrusted
refused good SP3/a.dll bin/i386/a.dll untrusted --pe-trust "$T/pki/evil-ca.pem"
# the apply's failure is in its JSON report and the site's log, as any stage failure
hf apply pkg-evil/m.xml --site s1 --trust "$TRUST" --pe-trust "$PE" --json
expect_rc 4
/usr/bin/python3 - "$T/out" <<'PY' || fail "apply --json lacks the stage failure"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "urn:hotfix:apply:1", d
s = d["sites"][0]
assert s["failed_step"] == "stage" and s["failed_file"] == "bin/i386/b.dll", s
assert s["error_code"] == "signature" and s["changed"] == 0, s
assert s["error"].startswith("staged SP3/b.dll (bin/i386/b.dll): Authenticode untrusted"), s
PY
hf check pkg-evil/m.xml --site s1 --trust "$TRUST" --pe-trust "$PE" --json
expect_rc 4
expect_out '"error_code": *"signature"'
grep -q "failed at stage: staged SP3/a.dll (bin/i386/a.dll): Authenticode untrusted" \
    s1/.hotfix/log/ACgood.log || fail "the log lacks the stage failure"

# no usable PE trust file: exit 4 naming --pe-trust, nothing read on the site
before=$(snapshot s1)
for cmd in check apply; do
    hf $cmd pkg-good/m.xml --site s1 --trust "$TRUST" --pe-trust "$T/none.pem"
    expect_rc 4
    expect_err "ACgood requires a valid Authenticode signature"
    expect_err "pe-trust"
done
hf apply pkg-good/m.xml --site s1 --trust "$TRUST" --json --pe-trust "$T/none.pem"
expect_rc 4
expect_out '"schema": *"urn:hotfix:error:1"'
[ "$(snapshot s1)" = "$before" ] || fail "a missing PE trust file changed the site"
echo "ok: no usable PE trust file: exit 4"

# a PE trust file others can write: root refuses it where it is needed (a required
# manifest; hotfix authenticode), and a manifest without the policy never reads it
install -m 0666 "$PE" "$T/ca/open.pem"
hf check pkg-good/m.xml --site s1 --trust "$TRUST" --pe-trust "$T/ca/open.pem"
expect_rc 4
expect_err "PE trust file $T/ca/open.pem: running as root"
hf authenticode --pe-trust "$T/ca/open.pem" new-b.dll
expect_rc 4
expect_err "PE trust file $T/ca/open.pem: running as root"
hf check pkg-none/m.xml --site s1 --trust "$TRUST" --pe-trust "$T/ca/open.pem"
expect_rc 0
[ "$(snapshot s1)" = "$before" ] || fail "a refused PE trust file changed the site"
echo "ok: root refuses a PE trust file others can write only where one is needed"

# the policy off, or no element: unsigned DLLs, no PE trust file needed
mksite s2 S02
mksite s3 S03
hf apply pkg-off/m.xml --site s2 --trust "$TRUST" --pe-trust "$T/none.pem" -q
expect_rc 0
hf apply pkg-none/m.xml --site s3 --trust "$TRUST" -q
expect_rc 0
cmp -s s3/bin/i386/b.dll new-b.dll || fail "pkg-none not applied"
echo "ok: a manifest without the policy applies unsigned DLLs without a PE trust file"

# valid: check and apply pass
hf check pkg-good/m.xml --site s1 --trust "$TRUST" --pe-trust "$PE"
expect_rc 0
hf apply pkg-good/m.xml --site s1 --trust "$TRUST" --pe-trust "$PE" --dry-run
expect_rc 0
hf apply pkg-good/m.xml --site s1 --trust "$TRUST" --pe-trust "$PE"
expect_rc 0
cmp -s s1/bin/i386/a.dll good-a.dll && cmp -s s1/bin/i386/b.dll good-b.dll ||
    fail "the signed DLLs were not installed"
echo "ok: signed by the trusted CA: check and apply pass"

# audit --verify-signatures
hf audit pkg-good/m.xml --site s1 --trust "$TRUST" --verify-signatures --pe-trust "$PE"
expect_rc 0
expect_out "AUTHENTICODE"
expect_out "bin/i386/a.dll .* ok .* valid"
hf audit pkg-good/m.xml --site s1 --trust "$TRUST"
expect_rc 0
expect_no_out "AUTHENTICODE"
# the same files against the other CA: untrusted, not compliant
hf audit pkg-good/m.xml --site s1 --trust "$TRUST" --verify-signatures --pe-trust "$T/pki/evil-ca.pem"
expect_rc 1
expect_out "signature: S01 bin/i386/a.dll: Authenticode untrusted"
expect_out "NOT compliant"
# s3 runs the unsigned DLLs of the manifest without the policy: compliant by version,
# not with --verify-signatures
hf audit pkg-none/m.xml --site s3 --trust "$TRUST"
expect_rc 0
hf audit pkg-none/m.xml --site s3 --trust "$TRUST" --verify-signatures --pe-trust "$PE"
expect_rc 1
expect_out "signature: S03 bin/i386/b.dll: Authenticode unsigned"
hf audit pkg-none/m.xml pkg-good/m.xml --site s3 --trust "$TRUST" --verify-signatures --pe-trust "$PE" --json
expect_rc 1
/usr/bin/python3 - "$T/out" <<'PY' || fail "audit --json lacks the statuses"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verify_signatures"] is True and d["compliant"] is False, d
got = {(r["hotfix"], r["path"]): (r["verdict"], r["authenticode"]) for r in d["records"]}
assert got == {("ACnone", "bin/i386/a.dll"): ("signature", "unsigned"),
               ("ACnone", "bin/i386/b.dll"): ("signature", "unsigned"),
               ("ACgood", "bin/i386/a.dll"): ("modified", None),
               ("ACgood", "bin/i386/b.dll"): ("modified", None)}, got
PY
hf audit pkg-none/m.xml --site s3 --trust "$TRUST" --verify-signatures --pe-trust "$PE" --format csv
expect_rc 1
head -n 1 "$T/out" | grep -q ',root,authenticode' || fail "CSV lacks the authenticode column"
expect_out "bin/i386/a.dll,.*,unsigned"
hf audit pkg-none/m.xml --site s3 --trust "$TRUST" --verify-signatures --pe-trust "$PE" --format xml
expect_rc 1
xmllint --noout --schema "$TOP/manifests/audit.xsd" "$T/out" 2>/dev/null ||
    fail "the XML does not match audit.xsd"
expect_out 'authenticode="unsigned"'
hf audit pkg-good/m.xml --site s1 --trust "$TRUST" --verify-signatures --pe-trust "$T/none.pem"
expect_rc 4
echo "ok: audit --verify-signatures: valid is compliant; untrusted, unsigned are not"

# --hierarchy: two sites, check and apply with --pe-trust
mksite h/C1 HC1; mksite h/C2 HC2 HC1
hier h/h.xml C1 C2
hf check pkg-evil/m.xml --hierarchy h/h.xml --trust "$TRUST" --pe-trust "$PE" --keep-going
expect_rc 4
expect_out_count "error: staged SP3/b.dll (bin/i386/b.dll): Authenticode untrusted" 2
expect_err "staged SP3/b.dll (bin/i386/b.dll): Authenticode untrusted"
hf check pkg-good/m.xml --hierarchy h/h.xml --trust "$TRUST" --pe-trust "$PE"
expect_rc 0
hf apply pkg-good/m.xml --hierarchy h/h.xml --trust "$TRUST" --pe-trust "$PE" --jobs 2
expect_rc 0
cmp -s h/C2/bin/i386/b.dll good-b.dll || fail "the hierarchy apply did not install"
echo "ok: --hierarchy check and apply with --pe-trust"
