# Which trust file: --trust FILE always; else, for root, /etc/hotfix/trust.pem when it
# exists -- a $HOTFIX_TRUST naming another file is ignored with a warning, so that an
# environment variable leaking in (sudo env_keep, cron, a profile) cannot replace root's
# trust anchors -- else $HOTFIX_TRUST, else /etc/hotfix/trust.pem.  The system file is
# put in place in a private mount namespace (a tmpfs over /etc/hotfix, or over /etc with
# the real entries linked back when /etc/hotfix does not exist): the real /etc is never
# written.  The PE trust file of `hotfix authenticode` (/etc/hotfix/pe-trust.pem,
# $HOTFIX_PE_TRUST) follows the same rule.
. tests/hostile/lib.sh
if ! unshare -m --propagation private true 2> /dev/null; then
    echo "trustfile: SKIPPED: no mount namespace here (unshare -m is not allowed), and the" \
        "test must not write the real /etc/hotfix"
    exit 0
fi
[ "$(id -u)" = 0 ] || { echo "trustfile: SKIPPED: needs root (the rule is root's)"; exit 0; }

# An attacker's PKI whose CA is what a leaked $HOTFIX_TRUST names.
"$TOP/scripts/make-pki" "$T/evil" evil 30 > /dev/null || fail "make-pki"
EVIL=$T/evil/evil-ca.pem
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/tf.tar" -C "$T/m" SP3
onefile "$T/m/evil.xml" TF1 tf.tar bin/t.dll SP3/t.dll "$T/new.dll"
"$TOP/scripts/sign-manifest" "$T/m/evil.xml" "$T/evil/evil-signer.pem" \
    "$T/evil/evil-signer.key" > /dev/null || fail "sign as evil"
onefile "$T/m/good.xml" TF2 tf.tar bin/t.dll SP3/t.dll "$T/new.dll"   # the demo PKI

# in_ns SYSFILE CMD...: run CMD where /etc/hotfix holds SYSFILE as trust.pem (none when
# SYSFILE is -) and $PESYS, when set, as pe-trust.pem; stdout/stderr/status as hf()
# leaves them.
in_ns() {
    sys=$1; shift
    T=$T SYS=$sys PESYS=${PESYS:-} unshare -m --propagation private sh -c '
        set -e
        if [ -d /etc/hotfix ]; then
            mount -t tmpfs -o size=1m,mode=755 tmpfs /etc/hotfix
        else
            mkdir -p "$T/realetc"
            mount --rbind /etc "$T/realetc"
            mount -t tmpfs -o size=1m,mode=755 tmpfs /etc
            for e in "$T"/realetc/* "$T"/realetc/.[!.]*; do
                [ -e "$e" ] || [ -L "$e" ] || continue
                ln -s "$e" "/etc/${e##*/}"
            done
            mkdir /etc/hotfix
        fi
        [ "$SYS" = - ] || cp "$SYS" /etc/hotfix/trust.pem
        [ -z "$PESYS" ] || cp "$PESYS" /etc/hotfix/pe-trust.pem
        exec "$@"' sh "$@" > "$T/out" 2> "$T/err"
    RC=$?
    echo "+ [ns, /etc/hotfix/trust.pem: $sys] $*" | sed "s|$T|\$T|g"
}
BINW="$WRAP $BIN"
SITE=$T/s
snap_same() { [ "$(fullsnap "$SITE")" = "$1" ] || fail "$2: the site changed"; }

# 1. root, the system file is the demo CA, $HOTFIX_TRUST names the attacker's CA: the
# attacker's manifest is refused, the warning names both files and --trust.
victim "$SITE"; before=$(fullsnap "$SITE")
HOTFIX_TRUST=$EVIL in_ns "$TRUST" $BINW apply "$T/m/evil.xml" --site "$SITE"
expect_rc 4
expect_err "signature does not verify"
expect_err "warning: \$HOTFIX_TRUST ($EVIL) is ignored: running as root, hotfix trusts the system trust file /etc/hotfix/trust.pem; pass --trust $EVIL to choose another file"
snap_same "$before" "leaked HOTFIX_TRUST"
echo "ok: a leaked \$HOTFIX_TRUST does not replace root's system trust file"
# ... the warning is not silenced by -q, and a manifest the system file vouches for passes
HOTFIX_TRUST=$EVIL in_ns "$TRUST" $BINW check "$T/m/good.xml" --site "$SITE" -q
expect_rc 0
expect_err "is ignored: running as root"
echo "ok: the system trust file verifies; the warning shows even with -q"
# 2. --trust always wins (an explicit act), with no warning
HOTFIX_TRUST=$TRUST in_ns "$TRUST" $BINW check "$T/m/evil.xml" --site "$SITE" --trust "$EVIL"
expect_rc 0
! grep -q "is ignored" "$T/err" || fail "--trust gave a warning"
echo "ok: --trust FILE wins over the system file"
# 3. $HOTFIX_TRUST naming the system file itself: no warning
HOTFIX_TRUST=/etc/hotfix/trust.pem in_ns "$TRUST" $BINW check "$T/m/good.xml" --site "$SITE"
expect_rc 0
! grep -q "is ignored" "$T/err" || fail "a warning for \$HOTFIX_TRUST naming the system file"
echo "ok: \$HOTFIX_TRUST naming the system file: no warning"
# 4. no system file: $HOTFIX_TRUST is used
HOTFIX_TRUST=$EVIL in_ns - $BINW check "$T/m/evil.xml" --site "$SITE"
expect_rc 0
! grep -q "is ignored" "$T/err" || fail "a warning without a system file"
echo "ok: without /etc/hotfix/trust.pem, \$HOTFIX_TRUST is used"
# 5. neither: the system path is named in the error
HOTFIX_TRUST= in_ns - $BINW check "$T/m/good.xml" --site "$SITE"
expect_rc 4
expect_err "trust file /etc/hotfix/trust.pem: cannot open"
snap_same "$before" "no trust file at all"
echo "ok: no trust file at all: refused, naming /etc/hotfix/trust.pem"

# 6. the PE trust file of authenticode, by the same rule: a DLL signed by the demo
# signer; the system file the demo CA, $HOTFIX_PE_TRUST the attacker's CA (ignored, with
# the warning), then no system file ($HOTFIX_PE_TRUST used), then neither
if command -v osslsigncode > /dev/null; then
    osslsigncode sign -certs "$TOP/manifests/demo-pki/demo-signer.pem" \
        -key "$TOP/manifests/demo-pki/demo-signer.key" -h sha256 -time 1700000000 \
        -in "$T/new.dll" -out "$T/signed.dll" > /dev/null 2>&1 || fail "osslsigncode sign"
    HOTFIX_PE_TRUST=$EVIL PESYS=$TRUST in_ns - $BINW authenticode "$T/signed.dll"
    expect_rc 0
    expect_out "	valid	"
    expect_err "warning: \$HOTFIX_PE_TRUST ($EVIL) is ignored: running as root, hotfix trusts the system trust file /etc/hotfix/pe-trust.pem; pass --pe-trust $EVIL to choose another file"
    HOTFIX_PE_TRUST=$TRUST PESYS=$EVIL in_ns - $BINW authenticode "$T/signed.dll" --pe-trust "$TRUST"
    expect_rc 0
    ! grep -q "is ignored" "$T/err" || fail "--pe-trust gave a warning"
    HOTFIX_PE_TRUST=$EVIL in_ns - $BINW authenticode "$T/signed.dll"
    expect_rc 1
    expect_out "	untrusted	"
    HOTFIX_PE_TRUST= in_ns - $BINW authenticode "$T/signed.dll"
    expect_rc 4
    expect_err "trust file /etc/hotfix/pe-trust.pem: cannot open"
    echo "ok: the PE trust file: the system file wins for root over \$HOTFIX_PE_TRUST, --pe-trust over both"
fi
echo "trustfile (hostile): 7 cases"
