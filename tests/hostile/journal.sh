# Damaged and torn journals: a journal that fails its checksum is never trusted -- apply,
# rollback and recover refuse (exit 4) and touch nothing, while check and list still
# report the files as they are, with a warning, and audit reports the site unknown (exit
# 7: files between two states are not audited); a journal that was never finished
# (journal.tmp) and staging residue mean nothing was changed: they are cleaned up.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
site "$T/S" JNL central - 3
hf apply "$KB" --site "$T/S" -q
expect_rc 0

# a rollback interrupted mid-swap, then its journal damaged by one byte
[ -x "$FAULT_BIN" ] || fail "no fault-injection build at $FAULT_BIN"
HOTFIX_FAULT_TRACE=1 HOTFIX_FAULT=count "$FAULT_BIN" rollback KB936465 --site "$T/S" -q 2> "$T/trace" > /dev/null
hf apply "$KB" --site "$T/S" -q   # back to installed
expect_rc 0
k=$(sed -n 's/.* op \([0-9]*\) rename Baseutil.dll$/\1/p' "$T/trace" | head -n 1)
[ -n "$k" ] || fail "no swap of Baseutil.dll in the trace"
HOTFIX_FAULT="crash:$((k + 1))" "$FAULT_BIN" rollback KB936465 --site "$T/S" -q 2>/dev/null
[ -f "$T/S/.hotfix/journal" ] || fail "no journal after the crash"
sed -i 's/^id KB936465$/id KB936466/' "$T/S/.hotfix/journal"
before=$(snapshot "$T/S")
for cmd in "apply $KB" "rollback KB936465" "recover"; do
    # shellcheck disable=SC2086
    hf $cmd --site "$T/S"
    expect_rc 4
    expect_err "cannot recover: .*checksum mismatch"
    expect_err "hotfix will not guess"
done
[ "$(snapshot "$T/S")" = "$before" ] || fail "a damaged journal was acted on"
hf audit "$KB" --site "$T/S"
expect_rc 7   # half rolled back: neither compliant nor not -- unknown
expect_err "JNL: not audited, reported unknown: JNL: cannot recover: .*checksum mismatch"
expect_out "^JNL .* KB936465 .* unknown .*cannot recover: .*checksum mismatch"
expect_no_out "outdated"
hf list --site "$T/S"
expect_rc 0
expect_err "WARNING"
[ "$(snapshot "$T/S")" = "$before" ] || fail "a reader changed a site with a damaged journal"
# the operator's way out (documented): restore the journal (here: undo the damage)
sed -i 's/^id KB936466$/id KB936465/' "$T/S/.hotfix/journal"
hf recover --site "$T/S"
expect_rc 0; expect_out "undid the interrupted rollback of KB936465"
no_residue "$T/S"

# a journal.tmp that was never renamed, and staged files: nothing had changed
site "$T/R" RES central - 3
cp -a "$T/R" "$T/R0"
mkdir -p "$T/R/.hotfix/staging"
printf 'hotfix-journal 1\nop apply\nid KB9' > "$T/R/.hotfix/journal.tmp"
head -c 1000 /dev/urandom > "$T/R/.hotfix/staging/0"
hf check "$KB" --site "$T/R" -q
expect_rc 0
expect_err "cleaned up after a transaction interrupted before it changed anything"
no_residue "$T/R"
[ "$(tree "$T/R" mtime)" = "$(tree "$T/R0" mtime)" ] || fail "residue clean-up touched the site"
echo "journal: ok"
