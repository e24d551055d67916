# Trust: a manifest is only used when its detached CMS signature verifies over its exact
# bytes and chains to --trust with a codeSigning signer.  Everything else: exit 4.
. "$HOTFIX_TOP/tests/lib.sh"

site "$T/cen" CEN central - 3
kbcopy "$T/k"
M=$T/k/manifests/KB936465.xml

hf check "$M" --site "$T/cen" --trust "$TRUST"
expect_rc 0

# Trust from $HOTFIX_TRUST when --trust is absent.
HOTFIX_TRUST=$TRUST hf check "$M" --site "$T/cen"
expect_rc 0

# Missing signature.
mv "$M.p7s" "$T/saved.p7s"
hf check "$M" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "no signature"
mv "$T/saved.p7s" "$M.p7s"

# Tampered: one byte of the manifest changed after signing.
cp "$M" "$T/orig.xml"
sed -i 's/revision="1"/revision="2"/' "$M"
hf check "$M" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "signature does not verify"
cp "$T/orig.xml" "$M"

# Garbage signature.
printf 'garbage' > "$T/g.p7s" && cp "$M.p7s" "$T/good.p7s" && cp "$T/g.p7s" "$M.p7s"
hf check "$M" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "not a DER CMS signature"
cp "$T/good.p7s" "$M.p7s"

# Untrusted: signed by another PKI's code-signing key.
"$TOP/scripts/make-pki" "$T/pki" other 30 >/dev/null || fail "make-pki"
sign "$M" other
hf check "$M" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "signature does not verify"
# ...which the other PKI's root does trust.
hf check "$M" --site "$T/cen" --trust "$T/pki/other-ca.pem"
expect_rc 0

# Wrong EKU: a leaf of the trusted CA without codeSigning (emailProtection).
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/mail.key" \
    -out "$T/mail.csr" -subj "/CN=mail signer" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\n' > "$T/mail.ext"
openssl x509 -req -in "$T/mail.csr" -CA "$T/pki/other-ca.pem" -CAkey "$T/pki/other-ca.key" \
    -CAcreateserial -days 30 -extfile "$T/mail.ext" -out "$T/mail.pem" 2>/dev/null
"$TOP/scripts/sign-manifest" "$M" "$T/mail.pem" "$T/mail.key" >/dev/null
hf check "$M" --site "$T/cen" --trust "$T/pki/other-ca.pem"
expect_rc 4
expect_err "lacks the codeSigning extended key usage"

# A CA certificate as signer.
"$TOP/scripts/sign-manifest" "$M" "$T/pki/other-ca.pem" "$T/pki/other-ca.key" >/dev/null
hf check "$M" --site "$T/cen" --trust "$T/pki/other-ca.pem"
expect_rc 4
expect_err "lacks the codeSigning\|is a CA certificate"

# Attached (non-detached) signature.
openssl cms -sign -binary -outform DER -nosmimecap -nodetach -in "$M" \
    -signer "$TOP/manifests/demo-pki/demo-signer.pem" \
    -inkey "$TOP/manifests/demo-pki/demo-signer.key" -out "$M.p7s" || fail "cms"
hf check "$M" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "not detached"

# Missing trust file.
sign "$M"
hf check "$M" --site "$T/cen" --trust "$T/none.pem"
expect_rc 4
expect_err "trust file .*none.pem: cannot open"

# --insecure-skip-signature: works, and says so loudly (even with -q).
rm "$M.p7s"
hf check "$M" --site "$T/cen" --insecure-skip-signature -q
expect_rc 0
expect_err "WARNING: --insecure-skip-signature"
hf check "$M" --site "$T/cen" --insecure-skip-signature
expect_out "signature: NOT CHECKED"

# A signed manifest with a DOCTYPE (entities) is refused before any entity is read.
cat > "$T/k/manifests/evil.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE hotfix [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<hotfix xmlns="urn:hotfix:manifest:1" id="EVIL" revision="1"><title>&b;</title></hotfix>
XML
sign "$T/k/manifests/evil.xml"
hf check "$T/k/manifests/evil.xml" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "DOCTYPE is not allowed"

# A signed manifest that breaks the schema: path escaping the site.
sed 's|path="bin/i386/Basesvr.dll"|path="../../etc/passwd"|' "$KB" > "$T/k/manifests/esc.xml"
sign "$T/k/manifests/esc.xml"
hf check "$T/k/manifests/esc.xml" --site "$T/cen" --trust "$TRUST"
expect_rc 4
expect_err "does not match manifest.xsd"
echo PASS
