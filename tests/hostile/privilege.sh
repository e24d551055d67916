# Hostile ownership: the commands of site.xml <services> run (as root) only when
# site.xml, the executable and every directory above each are owned by root and writable
# by no one else (a root-owned sticky directory such as /tmp excepted).  Otherwise apply,
# check, rollback and recover refuse (exit 4) naming the file, its owner and its mode,
# the site is byte-identical and no command ran; audit and list, which run nothing, are
# not refused.  A site owned by a service account runs its commands as that account.
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" PRIV1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml
M=$T/marker
# mark PHASE FILE: what every command below runs -- it appends PHASE to FILE
mark_command
EXE=$T/bin/mark

# services SITE EXE: SITE's site.xml names stop, start and health commands running
# `EXE PHASE $M`
services() {
    cat > "$1/site.xml" <<XML
<site code="HOS" type="central"><product name="SMS" version="2003" servicepack="3"/>
  <services>
    <stop timeout="10"><arg>$2</arg><arg>stop</arg><arg>$M</arg></stop>
    <start timeout="10"><arg>$2</arg><arg>start</arg><arg>$M</arg></start>
    <health timeout="10" retries="0" interval="0"><arg>$2</arg><arg>health</arg><arg>$M</arg></health>
  </services>
</site>
XML
}
nothing_ran() { [ ! -e "$M" ] || fail "$1: a command ran: $(cat "$M")"; }
# unsafe SITE WHAT MESSAGE [all]: apply and check of SITE (with all: apply --dry-run,
# rollback and recover too) are refused with MESSAGE, SITE byte-identical, no command run.
# Under valgrind (WRAP), where each run costs a second or two, check is left to the cases
# marked all: the refusal is the same code for every command (the other builds run all).
unsafe() {
    SITE=$1
    refused 4 "$3" "$2: apply" -- apply "$G" --site "$SITE"
    nothing_ran "$2"
    [ -n "$WRAP" ] && [ "${4:-}" != all ] && return
    refused 4 "$3" "$2: check" -- check "$G" --site "$SITE"
    if [ "${4:-}" = all ]; then
        refused 4 "$3" "$2: apply --dry-run" -- apply --dry-run "$G" --site "$SITE"
        refused 4 "$3" "$2: rollback" -- rollback PRE1 --site "$SITE"
        refused 4 "$3" "$2: recover" -- recover --site "$SITE"
    fi
    nothing_ran "$2"
}
# runs SITE WHAT: apply of G on SITE runs stop, start, health in that order
runs() {
    rm -f "$M"
    hf apply "$G" --site "$1"
    expect_rc 0
    [ "$(cat "$M" 2> /dev/null | tr '\n' ' ')" = "stop start health " ] ||
        fail "$2: the commands did not run in order: $(cat "$M" 2> /dev/null)"
    installed "$1" PRIV1 || fail "$2: PRIV1 not installed"
    rm -f "$M"
    CASES=$((CASES + 1))
    echo "ok: $2"
}

# 1. site.xml owned by nobody and group-writable
victim "$T/s1"; services "$T/s1" "$EXE"
chown nobody "$T/s1/site.xml"; chmod 664 "$T/s1/site.xml"
unsafe "$T/s1" "site.xml nobody's, mode 0664" \
    "site.xml names commands that hotfix runs.*$T/s1/site.xml: owned by nobody (uid 65534), mode 0664: owned neither by root nor by the user running hotfix" all
expect_err "hint: chown root:root $T/s1/site.xml; chmod go-w $T/s1/site.xml"
# a reader runs nothing, so it is not refused
hf list --site "$T/s1"; expect_rc 0
hf audit "$G" --site "$T/s1"
[ "$RC" -ne 4 ] || fail "audit refused an untrusted site: $(cat "$T/err")"
nothing_ran "readers"
# nobody's site.xml in root's site root: not a service account's site, refused
victim "$T/s1a"; services "$T/s1a" "$EXE"; chown nobody "$T/s1a/site.xml"
unsafe "$T/s1a" "site.xml nobody's, mode 0644" "$T/s1a/site.xml: owned by nobody (uid 65534), mode 0644: owned neither by root nor"
# the same, root's but writable by others
victim "$T/s1b"; services "$T/s1b" "$EXE"; chmod 646 "$T/s1b/site.xml"
unsafe "$T/s1b" "site.xml root's, mode 0646" "$T/s1b/site.xml: owned by root (uid 0), mode 0646: writable by others"

# 2. site.xml root's, but the site root (its directory) group-writable
victim "$T/s2"; services "$T/s2" "$EXE"; chmod 775 "$T/s2"
unsafe "$T/s2" "the site root group-writable" "$T/s2: owned by root (uid 0), mode 0775: writable by group"

# 3. a directory above the site world-writable without the sticky bit; with it (and
# owned by root, like /tmp) it is the one exception; owned by nobody it is not
mkdir "$T/ww"; chmod 777 "$T/ww"
victim "$T/ww/s"; services "$T/ww/s" "$EXE"
unsafe "$T/ww/s" "a directory above world-writable" "$T/ww: owned by root (uid 0), mode 0777: writable by group and others"
chmod 1777 "$T/ww"
runs "$T/ww/s" "under a root-owned sticky directory the commands run"
mkdir "$T/nw"; chown nobody "$T/nw"; chmod 1777 "$T/nw"
victim "$T/nw/s"; services "$T/nw/s" "$EXE"
unsafe "$T/nw/s" "a sticky directory above owned by nobody" "$T/nw: owned by nobody (uid 65534), mode 1777"

# 4. the executable owned by nobody, or in a directory nobody owns
cp "$EXE" "$T/bin/nmark"; chown nobody "$T/bin/nmark"
victim "$T/s4"; services "$T/s4" "$T/bin/nmark"
unsafe "$T/s4" "an executable owned by nobody" \
    "the stop command runs $T/bin/nmark, so it and every directory above it must be owned by root.*$T/bin/nmark: owned by nobody (uid 65534), mode 0755" all
mkdir "$T/nbin"; cp "$EXE" "$T/nbin/mark"; chown nobody "$T/nbin"
victim "$T/s4b"; services "$T/s4b" "$T/nbin/mark"
unsafe "$T/s4b" "an executable in nobody's directory" "$T/nbin: owned by nobody (uid 65534), mode 0755"
cp "$EXE" "$T/bin/gmark"; chmod 775 "$T/bin/gmark"
victim "$T/s4c"; services "$T/s4c" "$T/bin/gmark"
unsafe "$T/s4c" "a group-writable executable" "$T/bin/gmark: owned by root (uid 0), mode 0775: writable by group"

# 5. symbolic links to the executable: the link and what it points to are checked, and
# the file run is the one checked
ln -s nmark "$T/bin/to-nobody"
victim "$T/s5"; services "$T/s5" "$T/bin/to-nobody"
unsafe "$T/s5" "a root link to nobody's executable" "$T/bin/nmark: owned by nobody (uid 65534)"
mkdir "$T/sticky"; chmod 1777 "$T/sticky"
ln -s "$EXE" "$T/sticky/planted"; chown -h nobody "$T/sticky/planted"
victim "$T/s5b"; services "$T/s5b" "$T/sticky/planted"
unsafe "$T/s5b" "a link planted by nobody in a sticky directory" \
    "$T/sticky/planted: a symbolic link owned by nobody (uid 65534)"
ln -s mark "$T/bin/good-link"
victim "$T/s5c"; services "$T/s5c" "$T/bin/good-link"
runs "$T/s5c" "a root link to root's executable runs"
grep -q "stop command (attempt 1 of 1.*: $T/bin/good-link stop" "$T/s5c/.hotfix/log/PRIV1.log" ||
    fail "no stop command in the log"

# 6. a properly owned site runs its commands, in order; a bare name is found on the
# clean PATH and checked there, and a <shell> command runs /bin/sh
victim "$T/s6"; services "$T/s6" "$EXE"
runs "$T/s6" "a root-owned site runs its commands"
victim "$T/s6b"
cat > "$T/s6b/site.xml" <<XML
<site code="HOS" type="central"><product name="SMS" version="2003" servicepack="3"/>
  <services>
    <stop><arg>sh</arg><arg>-c</arg><arg>echo stop >> $M</arg></stop>
    <start><shell>echo start >> $M</shell></start>
    <health><shell>echo health >> $M</shell></health>
  </services>
</site>
XML
runs "$T/s6b" "commands by name (PATH) and by shell run"

# 7. a site owned by a service account (nobody): its commands run as nobody, never root
chmod 755 "$T"                               # nobody may walk to the site
mkdir "$T/nout"; chown nobody "$T/nout"        # and write only here
victim "$T/s7"
cat > "$T/s7/site.xml" <<XML
<site code="HOS" type="central"><product name="SMS" version="2003" servicepack="3"/>
  <services>
    <stop><shell>touch $T/as-root 2> /dev/null; echo "\$(id -u):\$(id -g) stop" >> $T/nout/marker</shell></stop>
    <start><shell>echo "\$(id -u) start" >> $T/nout/marker</shell></start>
    <health><arg>$EXE</arg><arg>health</arg><arg>$T/nout/marker</arg></health>
  </services>
</site>
XML
chown nobody "$T/s7" "$T/s7/site.xml"
hf apply "$G" --site "$T/s7"
expect_rc 0
[ "$(tr '\n' ' ' < "$T/nout/marker")" = "65534:65534 stop 65534 start health " ] ||
    fail "the commands did not run as nobody: $(cat "$T/nout/marker")"
[ ! -e "$T/as-root" ] || fail "a command of nobody's site could write as root"
installed "$T/s7" PRIV1 || fail "PRIV1 not installed on nobody's site"
CASES=$((CASES + 1)); echo "ok: a site owned by nobody runs its commands as nobody"
# its executables may be nobody's too (they run as nobody); its site.xml must still be
# writable by nobody alone
mkdir "$T/nbin2"; cp "$EXE" "$T/nbin2/mark"; chown -R nobody "$T/nbin2"
victim "$T/s7b"; sed "s|$EXE|$T/nbin2/mark|" "$T/s7/site.xml" > "$T/s7b/site.xml"
chown nobody "$T/s7b" "$T/s7b/site.xml"; rm -f "$T/nout/marker"
hf apply "$G" --site "$T/s7b"
expect_rc 0
[ "$(tr '\n' ' ' < "$T/nout/marker")" = "65534:65534 stop 65534 start health " ] ||
    fail "nobody's executable did not run as nobody: $(cat "$T/nout/marker")"
CASES=$((CASES + 1)); echo "ok: nobody's site may run nobody's executable, as nobody"
victim "$T/s7c"; services "$T/s7c" "$EXE"; chown nobody "$T/s7c" "$T/s7c/site.xml"
chmod 664 "$T/s7c/site.xml"
unsafe "$T/s7c" "nobody's site.xml group-writable" "$T/s7c/site.xml: owned by nobody (uid 65534), mode 0664: writable by group"
# ... but only when the directories above it are trusted without it
mkdir "$T/nh"; chown nobody "$T/nh"; chmod 755 "$T/nh"
victim "$T/nh/s"; services "$T/nh/s" "$EXE"; chown nobody "$T/nh/s" "$T/nh/s/site.xml"
unsafe "$T/nh/s" "nobody's site in nobody's directory" "$T/nh: owned by nobody (uid 65534), mode 0755" all
# 8. a script's #! interpreters run it, so they are checked like the program: a root-owned
# 0755 script whose #! names an interpreter in nobody's directory is refused
chmod 700 "$T"
mkdir "$T/u"; cp /bin/sh "$T/u/interp"; chown nobody "$T/u"
printf '#!%s\necho "$1" >> "$2"\n' "$T/u/interp" > "$T/bin/viau"; chmod 755 "$T/bin/viau"
victim "$T/s8"; services "$T/s8" "$T/bin/viau"
unsafe "$T/s8" "a #! interpreter in nobody's directory" \
    "the stop command runs $T/bin/viau, .*$T/bin/viau: its #! line \"#!$T/u/interp\" names the interpreter $T/u/interp, .*$T/u: owned by nobody (uid 65534), mode 0755" all
expect_err "hint: chown root:root $T/u; chmod go-w $T/u"
# ... an interpreter that is a link (like /usr/bin/env) is resolved and checked
ln -s "$T/u/interp" "$T/bin/to-interp"
printf '#!%s\necho "$1" >> "$2"\n' "$T/bin/to-interp" > "$T/bin/vialink"; chmod 755 "$T/bin/vialink"
victim "$T/s8b"; services "$T/s8b" "$T/bin/vialink"
unsafe "$T/s8b" "a #! interpreter linked to nobody's directory" "names the interpreter $T/bin/to-interp, .*$T/u: owned by nobody"
# ... a #! line with no end of line in its first 256 bytes, or a relative interpreter
{ printf '#!/bin/sh'; printf '%0300d' 0; } > "$T/bin/longline"; chmod 755 "$T/bin/longline"
victim "$T/s8c"; services "$T/s8c" "$T/bin/longline"
unsafe "$T/s8c" "a #! line with no end of line in 256 bytes" "$T/bin/longline: its #! line \"#!/bin/sh0000.*\" has no end of line within its first 256 bytes"
printf '#! sh\n' > "$T/bin/relative"; chmod 755 "$T/bin/relative"
victim "$T/s8d"; services "$T/s8d" "$T/bin/relative"
unsafe "$T/s8d" "a relative #! interpreter" "$T/bin/relative: its #! line \"#! sh\" names an interpreter that is not an absolute path"
# ... a root-owned interpreter (spaces, an argument) runs; so does a chain of scripts
# (each a #! interpreter of the next) of 4 #! lines, and 5 are refused
cp /bin/sh "$T/bin/rsh"
printf '#! \t%s -e \necho "$1" >> "$2"\n' "$T/bin/rsh" > "$T/bin/viarsh"; chmod 755 "$T/bin/viarsh"
victim "$T/s8e"; services "$T/s8e" "$T/bin/viarsh"
runs "$T/s8e" "a #! naming a root-owned interpreter runs"
printf '#!/bin/sh\nexec /bin/sh "$@"\n' > "$T/bin/l1"
for i in 2 3 4; do printf '#!%s\nexec /bin/sh "$@"\n' "$T/bin/l$((i - 1))" > "$T/bin/l$i"; done
printf '#!%s\necho "$1" >> "$2"\n' "$T/bin/l1" > "$T/bin/x2"
printf '#!%s\necho "$1" >> "$2"\n' "$T/bin/l3" > "$T/bin/x4"
printf '#!%s\necho "$1" >> "$2"\n' "$T/bin/l4" > "$T/bin/x5"
chmod 755 "$T"/bin/l? "$T"/bin/x?
victim "$T/s8f"; services "$T/s8f" "$T/bin/x2"
runs "$T/s8f" "a chain script -> script -> /bin/sh runs"
victim "$T/s8g"; services "$T/s8g" "$T/bin/x4"
runs "$T/s8g" "a chain of 4 #! lines runs"
victim "$T/s8h"; services "$T/s8h" "$T/bin/x5"
unsafe "$T/s8h" "a chain of 5 #! lines" "$T/bin/l1: a #! interpreter that is a script too (#! line \"#!/bin/sh\"): more than 4 #! lines on the way from $T/bin/x5"

# 9. a service account with no passwd entry: no group to run its commands with but
# site.xml's (root's here) -- refused, never run with group root
chmod 755 "$T"
! getent passwd 4242 > /dev/null || fail "uid 4242 has a passwd entry here"
victim "$T/s9"; services "$T/s9" "$EXE"; chown 4242:0 "$T/s9" "$T/s9/site.xml"
unsafe "$T/s9" "a site owned by a uid with no passwd entry" \
    "HOS: the site is owned by uid 4242, which has no user account (no passwd entry)" all
expect_err "hint: create the account (useradd -r) for uid 4242, or chown the site to root"
echo "privilege: $CASES cases"
