#!/bin/sh
# The Debian package that `make deb` built: install it with dpkg --root into a throw-away
# root, run the installed hotfix, check what it put where, and remove it again.
# Usage: tests/package/deb.sh DEB
set -eu
deb=$1
fail() { echo "FAIL: deb: $*"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
root=$T/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: > "$root/var/lib/dpkg/status"
# the root has no libc or libraries of its own: the dependencies are the host's
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" > "$T/out" 2>&1 ||
    { cat "$T/out"; fail "dpkg -i"; }
grep -q "Setting up hotfix" "$T/out" || fail "dpkg did not set the package up"
"$root/usr/bin/hotfix" --version > "$T/v" 2>&1 || fail "the installed hotfix --version failed"
grep -q "^hotfix $(dpkg-deb -f "$deb" Version | cut -d- -f1)\$" "$T/v" ||
    fail "--version does not match the package: $(head -n 1 "$T/v")"
for w in libxml2 libarchive OpenSSL; do grep -q "$w" "$T/v" || fail "--version lacks $w"; done
for f in usr/share/man/man1/hotfix.1.gz usr/share/man/man5/hotfix-manifest.5.gz \
    usr/share/bash-completion/completions/hotfix usr/share/hotfix/manifest.xsd \
    usr/share/doc/hotfix/copyright; do
    [ -f "$root/$f" ] || fail "no /$f"
done
[ -d "$root/etc/hotfix" ] || fail "no /etc/hotfix for the trust file"
dpkg --root="$root" --status hotfix | grep -q "^Status: install ok installed" ||
    fail "dpkg does not list hotfix as installed"
dpkg --root="$root" --force-script-chrootless -r hotfix > "$T/out" 2>&1 || { cat "$T/out"; fail "dpkg -r"; }
[ ! -e "$root/usr/bin/hotfix" ] || fail "dpkg -r left /usr/bin/hotfix"
echo "deb: ok ($(basename "$deb"), installed, ran, removed)"
