# Hostile signatures: a PKI generated here (root, intermediate, good and bad leaves) and
# every way a signature may be wrong.  Each refusal: exit 4, the reason, the site as it was.
. tests/hostile/lib.sh
pki=$T/hpki
mkdir -p "$pki/newcerts"
: > "$pki/index.txt"
echo 1000 > "$pki/serial"
cat > "$pki/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
dir = $pki
database = $pki/index.txt
new_certs_dir = $pki/newcerts
serial = $pki/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
commonName = supplied
CNF
cat tests/hostile/x509.cnf >> "$pki/ca.cnf"

# cert NAME ISSUER EXTENSIONS START END: a P-256 key and certificate NAME issued by ISSUER
# (or "self"), valid from START to END (YYYYMMDDhhmmssZ).
cert() {
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=hostile $1" 2>/dev/null ||
        fail "req $1"
    if [ "$2" = self ]; then
        set -- "$1" "$2" "$3" "$4" "$5" -selfsign -keyfile "$pki/$1.key"
    else
        set -- "$1" "$2" "$3" "$4" "$5" -cert "$pki/$2.pem" -keyfile "$pki/$2.key"
    fi
    n=$1 ext=$3 start=$4 end=$5
    shift 5
    openssl ca -batch -notext -config "$pki/ca.cnf" -extensions "$ext" -startdate "$start" \
        -enddate "$end" -in "$pki/$n.csr" -out "$pki/$n.pem" "$@" 2>"$pki/$n.log" ||
        fail "ca $n: $(cat "$pki/$n.log")"
}
NOW=20200101000000Z LATER=20991231000000Z
cert root self root $NOW $LATER
cert other-root self root $NOW $LATER
cert inter root inter $NOW $LATER
cert old-inter root inter 20200101000000Z 20210101000000Z
cert good inter leaf $NOW $LATER
cert expired inter leaf 20200101000000Z 20210101000000Z
cert future inter leaf 20980101000000Z $LATER
cert noeku inter noeku $NOW $LATER
cert mail inter mail $NOW $LATER
cert casigner inter casigner $NOW $LATER
cert under-old old-inter leaf $NOW $LATER
cert stranger other-root leaf $NOW $LATER
cat "$pki/inter.pem" "$pki/old-inter.pem" > "$pki/chain.pem"
ROOT=$pki/root.pem

# The manifest under attack: SIG1 installs bin/t.dll from a tar.
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/sig.tar" -C "$T/m" SP3
M=$T/m/sig.xml
onefile "$M" SIG1 sig.tar bin/t.dll SP3/t.dll "$T/new.dll"
cp "$M" "$T/m/orig.xml"

# sigwith NAME [cms options...]: sign $M as NAME with the chain included.
sigwith() {
    n=$1; shift
    openssl cms -sign -binary -outform DER -nosmimecap -in "$M" -signer "$pki/$n.pem" \
        -inkey "$pki/$n.key" -certfile "$pki/chain.pem" -out "$M.p7s" "$@" ||
        fail "cms -sign as $n"
}

# The control: a good leaf under the intermediate, root trusted -> applied.
sigwith good
SITE=$T/ok; victim "$SITE"
hf apply "$M" --site "$SITE" --trust "$ROOT" -q
expect_rc 0
cmp "$T/new.dll" "$SITE/bin/t.dll" || fail "the control was not applied"

SITE=$T/s; victim "$SITE"
run() { refused 4 "$1" "$2" -- apply "$M" --site "$SITE" --trust "$ROOT"; }

sigwith expired;  run "certificate has expired" "signer's certificate expired"
sigwith future;   run "certificate is not yet valid" "signer's certificate not yet valid"
sigwith under-old; run "certificate has expired" "intermediate certificate expired"
sigwith noeku;    run "lacks the codeSigning extended key usage" "signer without any EKU"
sigwith mail;     run "lacks the codeSigning extended key usage" "signer with emailProtection only"
sigwith casigner; run "is a CA certificate" "a CA certificate (with codeSigning) as signer"
sigwith stranger; run "signature does not verify" "signer under an untrusted root"
# the intermediate left out of the signature: no chain to the root
openssl cms -sign -binary -outform DER -nosmimecap -in "$M" -signer "$pki/good.pem" \
    -inkey "$pki/good.key" -out "$M.p7s" || fail "cms"
run "signature does not verify" "chain incomplete (intermediate missing)"
# two signers, both good
openssl cms -sign -binary -outform DER -nosmimecap -in "$M" -signer "$pki/good.pem" \
    -inkey "$pki/good.key" -signer "$pki/casigner.pem" -inkey "$pki/casigner.key" \
    -certfile "$pki/chain.pem" -out "$M.p7s" || fail "cms two signers"
run "2 signers; exactly one is accepted" "two signers"
sigwith good -nodetach;  run "signature is not detached" "attached (non-detached) signature"
sigwith good -econtent_type 1.3.6.1.4.1.311.2.1.4
run "signed content type is not id-data" "wrong encapsulated content type"
# a good signature by the trusted key, over other content
sed 's/one small file/another file/' "$T/m/orig.xml" > "$T/m/other.xml"
openssl cms -sign -binary -outform DER -nosmimecap -in "$T/m/other.xml" \
    -signer "$pki/good.pem" -inkey "$pki/good.key" -certfile "$pki/chain.pem" -out "$M.p7s" ||
    fail "cms other"
run "signature does not verify" "trusted key, signature over other content"
# the manifest changed after signing: one byte, and a trailing newline
sigwith good
printf '\n' >> "$M"
run "signature does not verify" "manifest with a byte appended after signing"
cp "$T/m/orig.xml" "$M"
sed -i 's/revision="1"/revision="9"/' "$M"
run "signature does not verify" "manifest revision raised after signing"
cp "$T/m/orig.xml" "$M"
# not SignedData: the manifest encrypted to the signer instead
openssl cms -encrypt -binary -outform DER -in "$M" -out "$M.p7s" "$pki/good.pem" || fail "cms -encrypt"
run "CMS content is not SignedData" "EnvelopedData instead of SignedData"
# PEM instead of DER, empty, truncated, oversized
sigwith good -outform PEM; run "not a DER CMS signature" "PEM signature"
: > "$M.p7s"; run "the signature file is empty" "empty signature file"
sigwith good; head -c 300 "$M.p7s" > "$T/trunc"; cp "$T/trunc" "$M.p7s"
run "not a DER CMS signature" "truncated signature"
head -c 70000 /dev/zero > "$M.p7s"; run "more than the limit of 65536" "signature file over 64 KiB"
rm -f "$M.p7s"; run "no signature" "signature missing"
# a symlink as the signature file is read like any file, but a directory is refused
mkdir "$M.p7s"; run "p7s" "signature path is a directory"; rmdir "$M.p7s"
# trust file that is not PEM
sigwith good
echo "not a certificate" > "$T/bad-trust.pem"
refused 4 "cannot load CA certificates\|trust file" "trust file without certificates" -- \
    apply "$M" --site "$SITE" --trust "$T/bad-trust.pem"
# the trust file decides what root installs: running as root, it and every directory
# above it must be owned by root and writable by no one else (hotfix(1) SIGNATURES),
# however it is named (--trust, $HOTFIX_TRUST), for every command that verifies
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$T/tm/SP3"; cp "$T/new.dll" "$T/tm/SP3/t.dll"
    tar -cf "$T/tm/t.tar" -C "$T/tm" SP3
    onefile "$T/tm/t.xml" TRF1 t.tar bin/t.dll SP3/t.dll "$T/new.dll"   # the demo PKI
    TM=$T/tm/t.xml
    mkdir "$T/tr"; cp "$TRUST" "$T/tr/nobody.pem"; chown nobody "$T/tr/nobody.pem"
    cp "$TRUST" "$T/tr/open.pem"; chmod 666 "$T/tr/open.pem"
    mkdir "$T/tnd"; chown nobody "$T/tnd"; cp "$TRUST" "$T/tnd/trust.pem"
    ln -s nobody.pem "$T/tr/to-nobody.pem"
    SITE=$T/ts; victim "$SITE"
    W="running as root, hotfix trusts the CA certificates in it, so it and every directory above it must be owned by root"
    refused 4 "trust file $T/tr/nobody.pem: $W.*$T/tr/nobody.pem: owned by nobody (uid 65534), mode 0644" \
        "a trust file owned by nobody" -- apply "$TM" --site "$SITE" --trust "$T/tr/nobody.pem"
    expect_err "hint: chown root:root $T/tr/nobody.pem; chmod go-w $T/tr/nobody.pem"
    refused 4 "$T/tr/open.pem: owned by root (uid 0), mode 0666: writable by group and others" \
        "a trust file of mode 0666" -- check "$TM" --site "$SITE" --trust "$T/tr/open.pem"
    refused 4 "trust file $T/tnd/trust.pem: $W.*$T/tnd: owned by nobody (uid 65534), mode 0755" \
        "a trust file in nobody's directory" -- apply "$TM" --site "$SITE" --trust "$T/tnd/trust.pem"
    refused 4 "$T/tr/nobody.pem: owned by nobody" "a root link to nobody's trust file" -- \
        check "$TM" --site "$SITE" --trust "$T/tr/to-nobody.pem"
    HOTFIX_TRUST=$T/tr/nobody.pem refused 4 "trust file $T/tr/nobody.pem: $W" \
        "a trust file named by \$HOTFIX_TRUST, owned by nobody" -- audit "$TM" --site "$SITE"
    hf apply "$TM" --site "$SITE" --receipt-key "$TOP/manifests/demo-pki/demo-signer.key" --receipt-cert "$TOP/manifests/demo-pki/demo-signer.pem" -q
    expect_rc 0
    refused 4 "trust file $T/tr/open.pem: $W" "audit --verify-log with a trust file of mode 0666" -- \
        audit --verify-log --site "$SITE" --trust "$T/tr/open.pem"
    # the same file, root's and not writable by others, verifies
    chown root "$T/tr/nobody.pem"; SITE=$T/ts2; victim "$SITE"
    hf check "$TM" --site "$SITE" --trust "$T/tr/to-nobody.pem"; expect_rc 0
    hf audit --verify-log --site "$T/ts" --trust "$T/tr/to-nobody.pem"; expect_rc 0
    CASES=$((CASES + 1)); echo "ok: a trust file owned by root and writable by root only verifies"
fi
echo "signature (hostile): $CASES cases refused"
