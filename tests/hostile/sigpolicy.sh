# Hostile signatures under the signature policy (hotfix(1) SIGNATURES): weak keys, weak
# digests, weakly signed certificates and a keyUsage that forbids signing, all made here
# with the openssl CLI.  Each refusal: exit 4, the rule that failed, the site as it was;
# a good signature from the same PKI passes.  Also --security-level: stricter works,
# weaker is a usage error.
. tests/hostile/lib.sh
pki=$T/ppki
mkdir -p "$pki"

# key NAME SPEC: a private key (SPEC: rsa:BITS or ec:CURVE)
key() {
    case $2 in
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" \
        -out "$pki/$1.key" 2>/dev/null ;;
    ec:*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" \
        -out "$pki/$1.key" 2>/dev/null ;;
    esac || fail "key $1 $2"
}
# root NAME SPEC MD: a self-signed root CA
root() {
    key "$1" "$2"
    openssl req -x509 -new -key "$pki/$1.key" -"$3" -days 3650 -subj "/CN=policy $1" \
        -config tests/hostile/x509.cnf -extensions root -out "$pki/$1.pem" 2>"$pki/$1.log" ||
        fail "root $1: $(cat "$pki/$1.log")"
}
# leaf NAME SPEC ISSUER MD [EXT]: a signer certificate issued by ISSUER, signed with MD
leaf() {
    key "$1" "$2"
    openssl req -new -key "$pki/$1.key" -subj "/CN=policy $1" -out "$pki/$1.csr" \
        2>/dev/null || fail "req $1"
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$3.pem" -CAkey "$pki/$3.key" \
        -set_serial "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')" -days 3650 -"$4" \
        -extfile tests/hostile/x509.cnf -extensions "${5:-leaf}" -out "$pki/$1.pem" \
        2>"$pki/$1.log" || fail "x509 $1: $(cat "$pki/$1.log")"
}
root root ec:P-256 sha256
root rsaroot rsa:2048 sha256
root weakroot rsa:1024 sha256
leaf good ec:P-256 root sha256
leaf rsa2048 rsa:2048 root sha256
leaf rsa1024 rsa:1024 root sha256
leaf sha1cert ec:P-256 rsaroot sha1
leaf md5cert rsa:2048 rsaroot md5
leaf encipher rsa:2048 root sha256 encipher
leaf underweak ec:P-256 weakroot sha256
# 512-bit RSA only if this OpenSSL still makes one
if openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out "$T/k512" 2>/dev/null; then
    leaf rsa512 rsa:512 root sha256
    have512=1
else
    echo "note: this OpenSSL refuses to make a 512-bit RSA key; that case is left out"
    have512=0
fi
cat "$pki/root.pem" "$pki/rsaroot.pem" "$pki/weakroot.pem" > "$pki/trust.pem"
TR=$pki/trust.pem

mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/pol.tar" -C "$T/m" SP3
M=$T/m/pol.xml
onefile "$M" POL1 pol.tar bin/t.dll SP3/t.dll "$T/new.dll"

# sigwith NAME [cms options...]: sign $M as NAME
sigwith() {
    n=$1; shift
    openssl cms -sign -binary -outform DER -nosmimecap -in "$M" -signer "$pki/$n.pem" \
        -inkey "$pki/$n.key" -out "$M.p7s" "$@" 2>"$T/cms.log" ||
        fail "cms -sign as $n: $(cat "$T/cms.log")"
}

# The controls: good EC and RSA-2048 signers pass check and apply.
for n in good rsa2048; do
    sigwith "$n"
    SITE=$T/ok-$n; victim "$SITE"
    hf check "$M" --site "$SITE" --trust "$TR"
    expect_rc 0
    hf apply "$M" --site "$SITE" --trust "$TR" -q
    expect_rc 0
    cmp "$T/new.dll" "$SITE/bin/t.dll" || fail "the control $n was not applied"
done

SITE=$T/s; victim "$SITE"
# both: check and apply refuse, exit 4, the rule in the message, the site unchanged
both() {
    refused 4 "$1" "check: $2" -- check "$M" --site "$SITE" --trust "$TR"
    refused 4 "$1" "apply: $2" -- apply "$M" --site "$SITE" --trust "$TR"
    expect_err "hint:"
}
sigwith rsa1024
both "signer certificate /CN=policy rsa1024 has a 1024-bit RSA key (80-bit security); the signature policy (security level 2" \
    "RSA-1024 signer"
if [ "$have512" = 1 ]; then
    sigwith rsa512
    both "signer certificate /CN=policy rsa512 has a 512-bit RSA key" "RSA-512 signer"
fi
sigwith good -md sha1
both "the CMS digest algorithm is SHA1 (63-bit security)" "CMS digest SHA-1"
sigwith rsa2048 -md md5
both "the CMS digest algorithm is MD5 (39-bit security)" "CMS digest MD5"
sigwith sha1cert
both "certificate /CN=policy sha1cert is signed with sha1WithRSAEncryption (63-bit security)" \
    "signer certificate signed with SHA-1"
sigwith md5cert
both "certificate /CN=policy md5cert is signed with md5WithRSAEncryption" \
    "signer certificate signed with MD5"
sigwith underweak
both "CA certificate /CN=policy weakroot has a 1024-bit RSA key" "chain up to an RSA-1024 root"
sigwith encipher
both "signer /CN=policy encipher has a keyUsage extension without digitalSignature" \
    "signer whose keyUsage is keyEncipherment only"

# A stricter level: RSA-2048 (112-bit) passes level 2 but not 3; P-256 passes 3.
sigwith rsa2048
refused 4 "has a 2048-bit RSA key (112-bit security); the signature policy (security level 3" \
    "RSA-2048 signer at --security-level 3" -- \
    check "$M" --site "$SITE" --trust "$TR" --security-level 3
sigwith good -md sha224
hf check "$M" --site "$SITE" --trust "$TR"
expect_rc 0
refused 4 "the CMS digest algorithm is SHA224 (112-bit security); the signature policy (security level 3" \
    "SHA-224 digest at --security-level 3" -- \
    check "$M" --site "$SITE" --trust "$TR" --security-level 3
sigwith good
hf check "$M" --site "$SITE" --trust "$TR" --security-level 3
expect_rc 0
# never weaker, and a bad value is a usage error
for lv in 0 1 6 x; do
    refused 2 "security-level" "--security-level $lv" -- \
        check "$M" --site "$SITE" --trust "$TR" --security-level "$lv"
done
refused 2 "2 is the floor" "--security-level 1 names the floor" -- \
    check "$M" --site "$SITE" --trust "$TR" --security-level 1

# Receipts: a weak receipt key is refused before anything changes.
openssl req -x509 -new -key "$pki/rsa1024.key" -days 30 -subj "/CN=weak receipt" \
    -out "$pki/rr.pem" 2>/dev/null || fail "receipt cert"
sigwith good
refused 4 "1024-bit RSA key (80-bit security) is below the signature policy" \
    "apply with an RSA-1024 receipt key" -- \
    apply "$M" --site "$SITE" --trust "$TR" --receipt-key "$pki/rsa1024.key" \
    --receipt-cert "$pki/rr.pem"
echo "sigpolicy (hostile): $CASES cases refused"
