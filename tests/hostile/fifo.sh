# A FIFO (or a device) put where hotfix expects a file -- site.xml, .hotfix/lock,
# .hotfix/journal, .hotfix/installed.xml, .hotfix/txlog, .hotfix/hook, a target DLL, the
# manifest, its .p7s, the payload, the hierarchy file, the trust file -- never blocks a
# command: each file is opened non-blocking and refused unless it is a regular file
# ("... is not a regular file (a FIFO)"), with the exit code of an unreadable file, and the
# site unchanged.  Before, the blocking open(2) hung for good, SIGTERM included (restarted
# after the handler), and one such site stalled a whole hierarchy audit.  Each run is under
# `timeout -s KILL 20`, so a regression fails (exit 137) instead of hanging the suite.
. tests/hostile/lib.sh
WRAP="timeout -s KILL 20 $WRAP"
mkdir -p "$T/m/SP3"; cp "$T/new.dll" "$T/m/SP3/t.dll"
tar -cf "$T/m/x.tar" -C "$T/m" SP3
onefile "$T/m/good.xml" FIFO1 x.tar bin/t.dll SP3/t.dll "$T/new.dll"
G=$T/m/good.xml
SITE=$T/s
NOTREG="is not a regular file (a FIFO)"

# fifo FILE: a fresh victim site with a FIFO in place of FILE (relative to the site)
fifo() { victim "$SITE"; rm -rf "${SITE:?}/$1"; mkfifo "$SITE/$1"; }

# site.xml: every command, reader or writer, refuses it at once
for cmd in audit list check apply recover; do
    fifo site.xml
    case $cmd in
    audit) refused 7 "site.xml $NOTREG" "site.xml a FIFO: audit (unknown)" -- audit "$G" --site "$SITE" ;;
    list|recover) refused 4 "site.xml $NOTREG" "site.xml a FIFO: $cmd" -- $cmd --site "$SITE" ;;
    *) refused 4 "site.xml $NOTREG" "site.xml a FIFO: $cmd" -- $cmd "$G" --site "$SITE" ;;
    esac
done

# .hotfix/lock: readers (which open it read-only) and writers
fifo .hotfix/lock
refused 4 ".hotfix/lock $NOTREG" "lock a FIFO: list" -- list --site "$SITE"
refused 4 ".hotfix/lock $NOTREG" "lock a FIFO: apply" -- apply "$G" --site "$SITE"
[ -p "$SITE/.hotfix/lock" ] || fail "the FIFO lock was replaced"

# .hotfix/journal: a damaged journal, refused (recovery says what to do)
fifo .hotfix/journal
kept 1 "journal $NOTREG" "journal a FIFO: list" -- list --site "$SITE"
kept 1 "journal $NOTREG" "journal a FIFO: apply" -- apply "$G" --site "$SITE"

# .hotfix/installed.xml
fifo .hotfix/installed.xml
refused 4 "installed.xml $NOTREG" "installed.xml a FIFO: list" -- list --site "$SITE"
refused 4 "installed.xml $NOTREG" "installed.xml a FIFO: apply" -- apply "$G" --site "$SITE"

# .hotfix/txlog: verify-log says NOT VERIFIED and why; apply is refused before it commits
fifo .hotfix/txlog
kept 1 - "txlog a FIFO: audit --verify-log" -- audit "$G" --site "$SITE" --verify-log
expect_out "transaction log: NOT VERIFIED: .*txlog $NOTREG"
refused 1 "txlog $NOTREG" "txlog a FIFO: apply" -- apply "$G" --site "$SITE"
cmp -s "$SITE/bin/t.dll" "$T/old.dll" || fail "txlog a FIFO: apply changed bin/t.dll"

# .hotfix/hook, with staging present: a reader leaves a hook record to recover (it never
# signals); recover reads it without hanging while the exclusive lock is held, and
# ignores it as damaged, signalling nothing
fifo .hotfix/hook; mkdir "$SITE/.hotfix/staging"
hf list --site "$SITE"
expect_rc 0
expect_err "left a record of a site's command (.hotfix/hook); run .hotfix recover --site"
[ -p "$SITE/.hotfix/hook" ] || fail "hook record a FIFO: list touched it"
echo "ok: hook record a FIFO: list leaves it to recover"
hf recover --site "$SITE"
expect_rc 0
expect_out "ignored a damaged record of a running command (.*hook $NOTREG); no process was signalled"
no_residue "$SITE"
echo "ok: hook record a FIFO: recover"

# a target DLL: a conflict, never read
fifo bin/t.dll
kept 1 - "target a FIFO: audit" -- audit "$G" --site "$SITE"
expect_out "FIFO1 .*bin/t.dll"  # its verdict is red-team finding 7, not this test's
refused 1 "conflict" "target a FIFO: check" -- check "$G" --site "$SITE"
refused 1 "bin/t.dll (missing): not a regular file (a FIFO)" "target a FIFO: apply" -- apply "$G" --site "$SITE"

# the manifest, its signature, the payload, the hierarchy file, the trust file
victim "$SITE"
mkdir "$T/f"; mkfifo "$T/f/m.xml"
refused 4 "m.xml $NOTREG" "manifest a FIFO: apply" -- apply "$T/f/m.xml" --site "$SITE"
refused 4 "m.xml $NOTREG" "manifest a FIFO: audit" -- audit "$T/f/m.xml" --site "$SITE"
cp -a "$T/m" "$T/p7s"; rm "$T/p7s/good.xml.p7s"; mkfifo "$T/p7s/good.xml.p7s"
refused 4 "good.xml.p7s $NOTREG" "signature a FIFO: apply" -- apply "$T/p7s/good.xml" --site "$SITE"
cp -a "$T/m" "$T/pay"; rm "$T/pay/x.tar"; mkfifo "$T/pay/x.tar"
refused 4 "x.tar $NOTREG" "payload a FIFO: apply" -- apply "$T/pay/good.xml" --site "$SITE"
mkfifo "$T/f/trust.pem"
refused 4 "trust.pem $NOTREG" "trust file a FIFO: apply" -- apply "$G" --site "$SITE" --trust "$T/f/trust.pem"
mkfifo "$T/f/h.xml"
refused 4 "h.xml $NOTREG" "hierarchy file a FIFO: audit" -- audit "$G" --hierarchy "$T/f/h.xml"

# a hierarchy of three tiers where one site's site.xml is a FIFO: the others are still
# reported, that one is unknown, the audit is incomplete
H=$T/h
sample_hierarchy "$H" h.xml # CEN -> PRI -> SEC; CEN -> PR2 -> OLD
rm "$H/SEC/site.xml"; mkfifo "$H/SEC/site.xml"
SITE=$H/CEN
refused 7 "SEC/site.xml $NOTREG" "one site.xml a FIFO: audit --hierarchy" -- audit "$KB" --hierarchy "$H/h.xml"
expect_out "^site CEN: not compliant$"
expect_out "^site PRI: not compliant$"
expect_out "^site PR2: not compliant$"
expect_out "^site OLD: not applicable$"
expect_out "^INCOMPLETE"
expect_out "^site ? (.*SEC): unknown$"
expect_out "^totals: 0 installed, 3 required, 1 not applicable, 1 unknown$"
# inventory loads the whole hierarchy first: refused at once, naming the file (as for an
# unreadable site.xml), never hung
refused 4 "SEC/site.xml $NOTREG" "one site.xml a FIFO: inventory --hierarchy" -- inventory --hierarchy "$H/h.xml"
[ -p "$H/SEC/site.xml" ] || fail "the FIFO site.xml was replaced"
echo "fifo: $CASES cases"
