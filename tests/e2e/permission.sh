# A user who is neither root nor the site's owner: every command that needs the site's lock
# says so once ("SITE: cannot take the site's lock: permission denied") with the hint of
# whom to run as, and exits 4 (nothing changed) -- check too, as it predicts apply, and
# not through the rehearsal's every directory.  A reader that can read (list, audit of a
# site whose lock is readable) goes on; one that cannot is told the same.  A directory
# holding several targets is named once by the rehearsal.
. tests/lib.sh
command -v setpriv >/dev/null || { echo "permission: skipped (no setpriv)"; exit 0; }
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
chmod 0755 "$T"
P=$T/pub
mkdir -p "$P"
kbcopy "$P"
M=$P/manifests/KB936465.xml
chmod -R a+rX "$P" "$T/ca"
# nobody runs a copy: the checkout may lie below a directory only root can enter (a CI
# clone in mktemp -d), and valgrind, unlike the kernel's exec, must read the binary itself
install -m 0755 "$BIN" "$P/hotfix"
BIN=$P/hotfix
export HOTFIX_TRUST=$TRUST

# as HF ARGS but as nobody, from a directory nobody can read
nb() {
    # shellcheck disable=SC2086
    (cd / && $NOBODY $WRAP "$BIN" "$@") > "$T/out" 2> "$T/err"
    RC=$?
    echo "+ (nobody) hotfix $* -> $RC"
}
# told CODE OWNER-UID OWNER-NAME: the last command was told once, with the hint
told() {
    n=$(grep -c "$1: cannot take the site's lock: permission denied" "$T/err")
    [ "$n" -eq 1 ] || fail "the lock message $n times on stderr, expected once"
    expect_err "hotfix: hint: run as root or as the site's owner (uid $2, user $3)"
    ! grep -q "Permission denied\|step 'lock'\|is not writable" "$T/err" || fail "a bare EACCES, or the rehearsal's lines"
}
every() { # CODE DIR UID NAME: the writers and check, as nobody
    for cmd in "check $M" "apply $M" "rollback KB936465" "recover"; do
        # shellcheck disable=SC2086
        nb $cmd --site "$2"
        expect_rc 4
        told "$1" "$3" "$4"
    done
}

# --- a root-owned site without .hotfix: nothing created, nothing changed
site "$P/CEN" CEN central - 3
chmod -R a+rX "$P/CEN"
before=$(snapshot "$P/CEN")
every CEN "$P/CEN" 0 root
[ "$(snapshot "$P/CEN")" = "$before" ] || fail "a refused command changed the site"
nb list --site "$P/CEN"
expect_rc 0
nb audit "$M" --site "$P/CEN"
expect_rc 1 # required, as root would see it: the files are readable
expect_out "required"

# --- the same site once root applied: .hotfix 0755, its lock 0644
hf apply "$M" --site "$P/CEN"
expect_rc 0
before=$(snapshot "$P/CEN")
every CEN "$P/CEN" 0 root
nb check "$M" --site "$P/CEN" --json
expect_rc 4
jq -e '.sites[0].error_code == "access"' "$T/out" > /dev/null || fail "check --json: the error code is not 'access'"
nb list --site "$P/CEN"
expect_rc 0
expect_out "KB936465"
nb audit "$M" --site "$P/CEN"
expect_rc 0
[ "$(snapshot "$P/CEN")" = "$before" ] || fail "a refused command changed the site"

# --- readers that cannot read the lock: told the same, once
chmod 0700 "$P/CEN/.hotfix"
nb list --site "$P/CEN"
expect_rc 4
told CEN 0 root
nb audit "$M" --site "$P/CEN"
expect_rc 7 # audit: the site is unknown
expect_out "unknown"
told CEN 0 root
chmod 0755 "$P/CEN/.hotfix"

# --- a site owned by another user (daemon, uid 1): the hint names that user
site "$P/OWN" OWN central - 3
chown -R 1:1 "$P/OWN"
chmod -R a+rX "$P/OWN"
every OWN "$P/OWN" 1 "$(getent passwd 1 | cut -d: -f1)"
[ ! -e "$P/OWN/.hotfix" ] || fail "a refused command created .hotfix"
mkdir -m 0755 "$P/OWN/.hotfix"
chown 1:1 "$P/OWN/.hotfix"
every OWN "$P/OWN" 1 "$(getent passwd 1 | cut -d: -f1)"
nb list --site "$P/OWN"
expect_rc 4
told OWN 1 "$(getent passwd 1 | cut -d: -f1)"

# --- the rehearsal names a directory once, however many targets it holds (root, on a
# read-only bind mount: no write access even for root)
site "$T/RO" ROS central - 3
unshare -m sh -c "mount --bind '$T/RO/bin/i386' '$T/RO/bin/i386' &&
    mount -o remount,bind,ro '$T/RO/bin/i386' &&
    exec $WRAP '$BIN' check '$M' --site '$T/RO'" > "$T/out" 2> "$T/err"
RC=$?
echo "+ hotfix check (read-only bin/i386) -> $RC"
expect_rc 1
expect_err "hotfix: ROS: rollback rehearsal failed: bin/i386 is not writable$"
echo "permission: ok"
