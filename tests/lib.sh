# tests/lib.sh: helpers for the end-to-end tests (sourced by tests/e2e/*.sh).
# Every test gets a fresh temp dir ($T), removed on exit; fails at the first broken
# assertion with a message saying what was expected and what happened.
set -u
TOP=${HOTFIX_TOP:-$(pwd)}
BIN=${HOTFIX_BIN:-$TOP/build/hotfix}
WRAP=${HOTFIX_WRAP:-}
# Under valgrind each run costs a second or more.  With HOTFIX_WRAP_EVERY=N (make check's
# valgrind pass: 3) hf runs its 1st, (N+1)th, (2N+1)th ... call of a test under
# HOTFIX_WRAP and the others bare, with every assertion unchanged; the ASan+UBSan pass
# runs every call instrumented.  Calls written as $WRAP "$BIN" are not sampled (see
# sample below).
VALGRIND=$WRAP HF_CALLS=0
MKPE=${HOTFIX_MKPE:-$TOP/build/tests/mkpe}
export HOTFIX_DLL_CACHE=${HOTFIX_DLL_CACHE:-$TOP/build/dll-cache}
TRUST=$TOP/manifests/demo-pki/demo-ca.pem
KB=$TOP/manifests/KB936465.xml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
unset HOTFIX_TRUST
# Root trusts a trust file, and runs a site's command, only when it and every directory
# above it are root's and writable by no one else (hotfix(1) SIGNATURES, HOOKS): the
# tests use copies in $T/ca (mktemp's 0700 dir under the sticky /tmp), so that they do
# not depend on where the checkout lies or on the umask it was made with.
install -d -m 0755 "$T/ca"
install -m 0644 "$TRUST" "$T/ca/demo-ca.pem"
TRUST=$T/ca/demo-ca.pem
# KB936465 requires valid Authenticode signatures on its DLLs (the demo code signer's,
# issued by the demo CA): the PE trust file, by default, is the same copy
export HOTFIX_PE_TRUST=$TRUST

fail() {
    echo "FAIL: $*"
    [ -f "$T/out" ] && { echo "--- stdout:"; cat "$T/out"; }
    [ -f "$T/err" ] && { echo "--- stderr:"; cat "$T/err"; }
    exit 1
}

# sample: HF_WRAP is what the next run is wrapped in -- WRAP, or under HOTFIX_WRAP_EVERY a
# bare call, sampled as above (a test may prefix WRAP with timeout or setpriv: a bare call
# drops only valgrind).  hf calls it; so may a test's own runner of a binary.
sample() {
    HF_CALLS=$((HF_CALLS + 1))
    HF_WRAP=$WRAP
    [ $(( (HF_CALLS - 1) % ${HOTFIX_WRAP_EVERY:-1} )) -eq 0 ] || HF_WRAP=${WRAP%"$VALGRIND"}
}

# hf ARGS...: run hotfix; stdout in $T/out, stderr in $T/err, status in $RC.
# hf_wrapped ARGS...: the same, always under WRAP, never sampled (a run timed for the
# runs a test makes itself with $WRAP "$BIN").
hf() { sample; hf_run "$@"; }
hf_wrapped() { HF_WRAP=$WRAP; hf_run "$@"; }
hf_run() {
    # shellcheck disable=SC2086
    $HF_WRAP "$BIN" "$@" > "$T/out" 2> "$T/err"
    RC=$?
    echo "+ hotfix $* -> $RC"
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC"; }
expect_out() { grep -q -- "$1" "$T/out" || fail "stdout lacks '$1'"; }
expect_err() { grep -q -- "$1" "$T/err" || fail "stderr lacks '$1'"; }
expect_no_out() { ! grep -q -- "$1" "$T/out" || fail "stdout has '$1'"; }
expect_out_count() { # PATTERN N
    n=$(grep -c -- "$1" "$T/out")
    [ "$n" -eq "$2" ] || fail "stdout has '$1' $n times, expected $2"
}

# site DIR CODE TYPE PARENT SP: a sample site with the pre-hotfix DLLs.
site() { "$TOP/scripts/make-sample-site" "$@" || fail "make-sample-site $*"; }

# snapshot DIR: every path, type, mode, size, mtime and content hash, sorted.
snapshot() {
    (cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# kbcopy DIR: a private copy of the KB936465 manifest, signature and payload, for tampering.
kbcopy() {
    mkdir -p "$1/manifests" "$1/payloads"
    cp "$KB" "$KB.p7s" "$1/manifests/"
    cp "$TOP/payloads/KB936465.cab" "$1/payloads/"
}

# sign MANIFEST [NAME]: sign with the demo PKI (or $T/pki-NAME made by make-pki).
sign() {
    if [ $# -ge 2 ]; then
        "$TOP/scripts/sign-manifest" "$1" "$T/pki/$2-signer.pem" "$T/pki/$2-signer.key" >/dev/null
    else
        "$TOP/scripts/sign-manifest" "$1" "$TOP/manifests/demo-pki/demo-signer.pem" \
            "$TOP/manifests/demo-pki/demo-signer.key" >/dev/null
    fi || fail "signing $1"
}

mkdll() { "$TOP/scripts/mkdll" "$@" || fail "mkdll $*"; }

# kbfile SOURCE OUT: the KB936465 payload's file SOURCE (SP3/i386/Basesvr.dll, ...), the
# signed DLL the hotfix installs, copied to OUT.
kbfile() {
    [ -d "$T/kbx" ] || { mkdir -p "$T/kbx" && gcab -x -C "$T/kbx" "$TOP/payloads/KB936465.cab" > /dev/null; } ||
        fail "gcab -x KB936465.cab"
    mkdir -p "$(dirname "$2")" && cp "$T/kbx/$1" "$2" || fail "kbfile $1"
}

FAULT_BIN=${HOTFIX_FAULT_BIN:-$TOP/build/hotfix-fault}
HOLDFILE=${HOTFIX_HOLDFILE:-$TOP/build/tests/holdfile}
SVCD=${HOTFIX_SVCD:-$TOP/build/tests/svcd}
if [ -x "$SVCD" ]; then # run as a site's command: a copy in $T/ca (see TRUST above)
    install -m 0755 "$SVCD" "$T/ca/svcd"
    SVCD=$T/ca/svcd
fi

# tree DIR [mtime]: the site's files outside .hotfix -- path, type, mode, owner, link
# count, size (and, with a second argument, the mtime of each non-directory) and each
# file's SHA-256.  The root itself is left out: it gains .hotfix.
tree() {
    fmt='%p %y %m %U:%G %n %s'
    [ $# -ge 2 ] && fmt="$fmt %T@"
    (cd "$1" && find . -mindepth 1 -path ./.hotfix -prune -o ! -type d -printf "$fmt\n" |
        sort && find . -mindepth 1 -path ./.hotfix -prune -o -type d -printf '%p %m %U:%G\n' |
        sort && find . -path ./.hotfix -prune -o -type f -print0 | sort -z |
        xargs -0 -r sha256sum)
}

# no_residue DIR: nothing of a transaction is left (journal, staging, temporaries).
no_residue() {
    for f in journal journal.tmp staging installed.xml.tmp; do
        [ ! -e "$1/.hotfix/$f" ] || fail "$1/.hotfix/$f is left over"
    done
    left=$(find "$1" -name '*.hotfix-tmp' | head -n 1)
    [ -z "$left" ] || fail "temporary $left is left over"
}

# installed DIR ID: 0 if the site's registry lists ID.
installed() { [ -f "$1/.hotfix/installed.xml" ] && grep -q "<hotfix id=\"$2\"" "$1/.hotfix/installed.xml"; }

# site_state DIR ID FILE WHAT: print "before" or "after" -- DIR's tree equals $BEFORE
# (with mtimes) and ID is not installed, or equals $AFTER (content, mode, owner, links)
# with ID installed and FILE backed up -- and nothing of a transaction is left; else fail
# (WHAT says which run this was).
site_state() {
    no_residue "$1"
    if [ "$(tree "$1" mtime)" = "$BEFORE" ] && ! installed "$1" "$2" &&
        [ ! -e "$1/.hotfix/backup/$2" ]; then
        echo before
    elif [ "$(tree "$1")" = "$AFTER" ] && installed "$1" "$2" &&
        [ -f "$1/.hotfix/backup/$2/$3" ]; then
        echo after
    else
        echo "$BEFORE" > "$T/state.before"
        fail "$1 is neither before nor after ($4); against before: $(tree "$1" mtime | diff - "$T/state.before" | head -n 20)"
    fi
}

# hier FILE ROOT...: a hierarchy file listing ROOTs (relative to FILE's directory).
hier() {
    f=$1; shift
    { echo '<hierarchy xmlns="urn:hotfix:hierarchy:1">'
      for r in "$@"; do echo "  <site root=\"$r\"/>"; done
      echo '</hierarchy>'; } > "$f"
}

# sitexml DIR CODE TYPE PARENT SP: (re)write DIR/site.xml; PARENT - for none.
sitexml() {
    mkdir -p "$1"
    if [ "$4" = - ]; then p=""; else p=" parent=\"$4\""; fi
    printf '<site code="%s" type="%s"%s><product name="SMS" version="2003" servicepack="%s"/></site>\n' \
        "$2" "$3" "$p" "$5" > "$1/site.xml"
}

# logtime SITE ID WHAT: the timestamp of the first log line of SITE's ID.log matching WHAT
logtime() { grep -m1 -- "$3" "$1/.hotfix/log/$2.log" | cut -d' ' -f1; }

# onefile M ID PAYLOAD PATH SOURCE DLL: write and sign manifest M for hotfix ID whose
# service-pack-3 file set installs DLL (version 1.0.0.1) at PATH from entry SOURCE of
# PAYLOAD (a path relative to M's directory, as written in the manifest).
onefile() {
    p=$(cd "$(dirname "$1")" && realpath -m "$3")
    cat > "$1" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<hotfix xmlns="urn:hotfix:manifest:1" id="$2" revision="1">
  <title>one small file</title>
  <product name="SMS" version="2003"/>
  <restart required="false"/>
  <payload href="$3" size="$(stat -c %s "$p")" sha256="$(sha256sum "$p" | cut -d' ' -f1)"/>
  <fileset servicepack="3" platform="x86">
    <file path="$4" source="$5" version="1.0.0.1" size="$(stat -c %s "$6")" sha256="$(sha256sum "$6" | cut -d' ' -f1)"/>
  </fileset>
</hotfix>
XML
    sign "$1"
}

# sample_hierarchy DIR FILE: the five sample sites of the demo under DIR -- CEN central
# SP3 -> PRI primary SP3 -> SEC secondary SP2; CEN -> PR2 primary SP3 -> OLD secondary SP1
# -- and the hierarchy file DIR/FILE listing them.
sample_hierarchy() {
    site "$1/CEN" CEN central - 3
    site "$1/PRI" PRI primary CEN 3
    site "$1/SEC" SEC secondary PRI 2
    site "$1/PR2" PR2 primary CEN 3
    site "$1/OLD" OLD secondary PR2 1
    hier "$1/$2" CEN PRI SEC PR2 OLD
}

# regsum FILE: end a hand-written installed.xml with hotfix's checksum line (replacing
# one that is there), as hotfix itself writes the registry.
regsum() {
    tail -n 1 "$1" | grep -q '^<!-- sha256 ' && sed -i '$d' "$1"
    printf '<!-- sha256 %s -->\n' "$(sha256sum "$1" | cut -d' ' -f1)" >> "$1"
}
