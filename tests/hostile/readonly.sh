# Read-only commands execute nothing: after an apply killed while its health command ran
# (services stopped, files half-way), list, check, apply --dry-run, audit, inventory and
# version -- on the site and over a hierarchy -- never run the site's stop, start or
# health command, not even through the automatic recovery a reader performs: they leave
# the site byte-identical and say to run `hotfix recover --site`, which then runs stop
# and start and puts the site back as before.
. tests/hostile/lib.sh
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" RO1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml
M=$T/marker
mark_command
SITE=$T/s
victim "$SITE"
cat > "$SITE/site.xml" <<XML
<site code="HOS" type="central"><product name="SMS" version="2003" servicepack="3"/>
  <services>
    <stop timeout="10"><arg>$T/bin/mark</arg><arg>stop</arg><arg>$M</arg></stop>
    <start timeout="10"><arg>$T/bin/mark</arg><arg>start</arg><arg>$M</arg></start>
    <health timeout="60" retries="0"><shell>echo health >> $M; echo \$\$ > $T/health.pid; exec sleep 60</shell></health>
  </services>
</site>
XML
hier "$T/h.xml" s
BEFORE=$(fullsnap "$SITE")

# apply, killed -9 during the health check (as tests/e2e/services.sh does)
"$BIN" apply "$G" --site "$SITE" > "$T/out" 2> "$T/err" &
pid=$!
i=0; while [ ! -s "$T/health.pid" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/health.pid" ] || fail "the health command never ran"
kill -9 $pid; wait $pid 2> /dev/null
kill "$(cat "$T/health.pid")" 2> /dev/null
[ -e "$SITE/.hotfix/services" ] || fail "no services marker after the kill"
[ "$(tr '\n' ' ' < "$M")" = "stop start health " ] || fail "the apply ran: $(cat "$M")"
MARKS=$(cat "$M")
SNAP=$(fullsnap "$SITE")
cp -a "$SITE" "$T/s2"

# reader WHAT SAYS -- ARGS: hotfix ARGS runs no command and changes nothing; SAYS=1: it
# says to run hotfix recover
reader() {
    what=$1 says=$2
    shift 3
    hf "$@"
    [ "$(cat "$M")" = "$MARKS" ] || fail "$what ran a site's command: $(cat "$M")"
    [ "$(fullsnap "$SITE")" = "$SNAP" ] || fail "$what changed the site"
    [ -e "$SITE/.hotfix/services" ] || fail "$what recovered"
    if [ "$says" = 1 ]; then
        expect_err "HOS: an interrupted apply of RO1 stopped the site's services; run \`hotfix recover --site $SITE\` (it runs the site's stop and start commands)"
    fi
    CASES=$((CASES + 1))
    echo "ok: $what"
}
reader "list" 1 -- list --site "$SITE"
expect_rc 0
reader "list --json" 1 -- list --site "$SITE" --json
reader "check" 1 -- check "$G" --site "$SITE"
reader "apply --dry-run" 1 -- apply --dry-run "$G" --site "$SITE"
reader "audit" 1 -- audit "$G" --site "$SITE"
reader "audit --verify-log" 1 -- audit --verify-log --site "$SITE"
reader "check --hierarchy" 1 -- check "$G" --hierarchy "$T/h.xml"
reader "audit --hierarchy" 1 -- audit "$G" --hierarchy "$T/h.xml"
# these two never open a site's state, so they have nothing to say about it
reader "inventory" 0 -- inventory --hierarchy "$T/h.xml"
expect_rc 0
reader "version" 0 -- version "$SITE/bin/t.dll"
expect_rc 0

# recover runs stop and start, and the site is as before the apply
hf recover --site "$SITE"
expect_rc 0
expect_out "undid the interrupted apply of RO1"
[ "$(tr '\n' ' ' < "$M")" = "stop start health stop start " ] ||
    fail "recover did not run stop and start: $(cat "$M")"
[ ! -e "$SITE/.hotfix/services" ] || fail "the services marker is left"
no_residue "$SITE"
now=$(fullsnap "$SITE")
if [ "$now" != "$BEFORE" ]; then
    echo "$BEFORE" > "$T/snap.before"
    fail "the site is not as before the apply: $(echo "$now" | diff "$T/snap.before" - | head -n 20)"
fi
# a recovery that needs no command stays automatic: the same interrupted apply on a site
# that names no stop and start commands (any more) is undone by a reader
# -- but the record of the health command the kill left (.hotfix/hook) is recover's to
# settle: a reader never signals a process, so it defers to recover while it is there
sitexml "$T/s2" HOS central - 3
S2SNAP=$(fullsnap "$T/s2")
hf list --site "$T/s2"
expect_rc 0
expect_err "HOS: an interrupted apply of RO1 left a record of a site's command (.hotfix/hook); run \`hotfix recover --site $T/s2\` (it ends a command a dead run left running)"
[ "$(fullsnap "$T/s2")" = "$S2SNAP" ] || fail "list changed the site with a hook record"
CASES=$((CASES + 1)); echo "ok: a reader leaves a hook record to recover"
rm "$T/s2/.hotfix/hook"
hf list --site "$T/s2"
expect_rc 0
expect_err "undid the interrupted apply of RO1"
[ ! -e "$T/s2/.hotfix/services" ] || fail "the reader left the services marker"
no_residue "$T/s2"
[ "$(tr '\n' ' ' < "$M")" = "stop start health stop start " ] || fail "list ran a command"
CASES=$((CASES + 1)); echo "ok: a reader still undoes what needs no command"
echo "readonly: $CASES cases"
