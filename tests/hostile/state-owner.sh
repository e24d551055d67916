# Hostile state directory: SITE/.hotfix decides what root does (its journal, its hook
# record, its registry), so every command that opens it -- readers and writers -- trusts
# it only if it is a directory of root (or of the user hotfix runs as) that group and
# others cannot write; otherwise exit 4, naming it, its owner and mode.  The red team's
# attack: on a site its owner (nobody) can write, nobody plants a .hotfix with staging/
# and a hook record naming a root process group (pgid, start time, session and boot id
# are world-readable); no command may signal it.  A .hotfix hotfix makes passes the check
# whatever the umask.
. tests/hostile/lib.sh
chmod 755 "$T" # nobody must reach the site
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" OWN1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml

# the victim: a root process in a session and group of its own, killed on exit
setsid sleep 300 &
VPID=$!
trap 'kill "$VPID" 2> /dev/null; rm -rf "$T"' EXIT INT TERM
i=0; while [ "$(readlink "/proc/$VPID/exe" 2> /dev/null)" != "$(command -v sleep | xargs realpath)" ] &&
    [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
read -r _ _ _ _ PGRP SID _ < "/proc/$VPID/stat"
[ "$PGRP" = "$VPID" ] && [ "$SID" = "$VPID" ] || fail "victim $VPID: pgrp $PGRP sid $SID"
START=$(cut -d' ' -f22 "/proc/$VPID/stat")
BOOT=$(cat /proc/sys/kernel/random/boot_id)
alive() { kill -0 "$VPID" 2> /dev/null || fail "$1: the victim (pid $VPID) was killed"; }

# 1. the red team's reproduction: a site whose root nobody owns (site.xml root's); nobody
#    moves root's .hotfix away and plants one with staging/ and a forged hook record
SITE=$T/s
victim "$SITE"
chown 65534:65534 "$SITE"
$AS_NOBODY sh -c "cd '$SITE' && mv .hotfix .hotfix.old && mkdir -p .hotfix/staging &&
printf 'hotfix-hook 1\nboot %s\npgid %s\nstart %s\nsid %s\nby %s\nop apply\nid PRE1\nphase stop\ncmd systemctl stop sms\n' \
    '$BOOT' '$VPID' '$START' '$VPID' '$$' > .hotfix/hook" || fail "nobody could not plant .hotfix"
SNAP=$(fullsnap "$SITE")
MSG="$SITE/.hotfix: owned by nobody (uid 65534), mode 0755: owned by neither root nor the user hotfix runs as; refused"
HINT="chown root:root $SITE/.hotfix; chmod go-w $SITE/.hotfix"
# forged WHAT RC -- ARGS: hotfix ARGS exits RC saying why, the victim lives, the site as before
forged() {
    what=$1 rc=$2
    shift 3
    hf "$@"
    expect_rc "$rc"
    expect_err "$MSG"
    alive "$what"
    [ "$(fullsnap "$SITE")" = "$SNAP" ] || fail "$what changed the site"
    [ ! -e "$SITE/.hotfix/lock" ] || fail "$what created a lock in the forged .hotfix"
    CASES=$((CASES + 1))
    echo "ok: forged .hotfix: $what"
}
forged list 4 -- list --site "$SITE"
expect_err "$HINT"
forged check 4 -- check "$G" --site "$SITE"
forged audit 7 -- audit "$G" --site "$SITE"
expect_err "not audited, reported unknown"
expect_out "unknown"
forged recover 4 -- recover --site "$SITE"
forged apply 4 -- apply "$G" --site "$SITE"
forged rollback 4 -- rollback PRE1 --site "$SITE"

# 2. root's own .hotfix, but writable by others (0777) or by its group (0775): refused
for mode in 0777 0775; do
    SITE=$T/w$mode
    victim "$SITE"
    chmod "$mode" "$SITE/.hotfix"
    MSG="$SITE/.hotfix: owned by root (uid 0), mode $mode: writable by group or others; refused"
    refused 4 "$MSG" ".hotfix $mode: list" -- list --site "$SITE"
    refused 4 "$MSG" ".hotfix $mode: apply" -- apply "$G" --site "$SITE"
    refused 7 "$MSG" ".hotfix $mode: audit" -- audit "$G" --site "$SITE"
done

# 3. a site hotfix sets up itself, under a umask that lets group or others write: works
for um in 002 000; do
    SITE=$T/u$um
    sitexml "$SITE" HOS central - 3
    mkdir -p "$SITE/bin"; cp "$T/old.dll" "$SITE/bin/t.dll"
    RC=0; (umask "$um" && "$BIN" apply "$G" --site "$SITE" > "$T/out" 2> "$T/err") || RC=$?
    expect_rc 0
    [ "$(stat -c '%a %u' "$SITE/.hotfix")" = "755 0" ] ||
        fail "umask $um: .hotfix is $(stat -c '%a %u' "$SITE/.hotfix")"
    RC=0; (umask "$um" && "$BIN" list --site "$SITE" > "$T/out" 2> "$T/err") || RC=$?
    expect_rc 0
    expect_out OWN1
    CASES=$((CASES + 1))
    echo "ok: umask $um: apply, then list"
done
# 4. readers never signal: root's own .hotfix holds staging/ and the record of a command a
#    dead run left running (here a root `setsid sleep`, in its recorded session).  list,
#    check and audit leave it running and say to run recover; recover ends it.
setsid sleep 300 &
OPID=$!
trap 'kill "$VPID" "$OPID" 2> /dev/null; rm -rf "$T"' EXIT INT TERM
i=0; while [ "$(cut -d' ' -f6 "/proc/$OPID/stat" 2> /dev/null)" != "$OPID" ] && [ $i -lt 100 ]; do
    sleep 0.02; i=$((i + 1)); done
SITE=$T/o
victim "$SITE"
mkdir "$SITE/.hotfix/staging"
printf 'hotfix-hook 1
boot %s
pgid %s
start %s
sid %s
by %s
op apply
id OWN1
phase stop
cmd sleep 300
' \
    "$BOOT" "$OPID" "$(cut -d' ' -f22 "/proc/$OPID/stat")" "$OPID" "$$" > "$SITE/.hotfix/hook"
SNAP=$(fullsnap "$SITE")
SAYS="HOS: an interrupted transaction left a record of a site's command (.hotfix/hook); run \`hotfix recover --site $SITE\` (it ends a command a dead run left running)"
for cmd in list check audit; do
    case $cmd in list) hf list --site "$SITE" ;; *) hf "$cmd" "$G" --site "$SITE" ;; esac
    if [ "$cmd" = audit ]; then expect_rc 7; else expect_rc 0; fi
    kill -0 "$OPID" 2> /dev/null || fail "$cmd ended the orphaned command"
    [ "$(fullsnap "$SITE")" = "$SNAP" ] || fail "$cmd changed the site"
    expect_err "$SAYS"
    CASES=$((CASES + 1))
    echo "ok: orphaned hook: $cmd leaves it to recover"
done
hf recover --site "$SITE"
expect_rc 0
i=0; while kill -0 "$OPID" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$OPID" 2> /dev/null && fail "recover did not end the orphaned command"
[ ! -e "$SITE/.hotfix/hook" ] && [ ! -e "$SITE/.hotfix/staging" ] || fail "recover left residue"
CASES=$((CASES + 1))
echo "ok: orphaned hook: recover ends it"
alive "the end"
echo "state-owner: $CASES cases"
