# The command line an administrator can guess (issue 18): usage lines made from the option
# table and equal to hotfix(1) SYNOPSIS; git-like dispatch (help CMD, global options before
# the command, "did you mean"); one output switch (--json = --format json) in every
# command; every failure under --json one JSON document on stdout; -q: nothing on stdout.
. "$HOTFIX_TOP/tests/lib.sh"
export HOTFIX_TRUST=$TRUST
cmds="check apply rollback recover audit list inventory version authenticode"
# one JSON document on stdout, whole (two documents, or text around one, fail)
onedoc() { [ "$(jq -s 'length' "$T/out" 2>/dev/null)" = 1 ] ||
    fail "$1: stdout is not exactly one JSON document"; }
jqt() { jq -e "$1" "$T/out" > /dev/null || fail "$2: $(cat "$T/out")"; }

# --- 1. usage = SYNOPSIS: every line of hotfix(1) SYNOPSIS, rendered, is a usage line of
# 'hotfix --help', and each command's is the first line of 'hotfix CMD --help'
groff -man -Tascii -P-cbou -rLL=400n "$TOP/doc/hotfix.1" 2>/dev/null |
    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | sed 's/^ *//' | grep . > "$T/synopsis"
[ "$(wc -l < "$T/synopsis")" -ge 10 ] || fail "SYNOPSIS not found: $(cat "$T/synopsis")"
hf --help
expect_rc 0
sed -n 's/^usage: //p; s/^  \(hotfix .*\)/\1/p' "$T/out" > "$T/usage"
diff "$T/synopsis" "$T/usage" > "$T/diff" || fail "hotfix --help and SYNOPSIS differ: $(cat "$T/diff")"
for c in $cmds; do
    hf $c --help
    expect_rc 0
    line=$(head -n 1 "$T/out" | sed 's/^usage: //')
    grep -qxF -- "$line" "$T/synopsis" || fail "$c --help: '$line' is not in SYNOPSIS"
    [ "$(grep -c "^hotfix $c " "$T/synopsis")" = 1 ] || fail "$c: not once in SYNOPSIS"
    # the usage after a usage error is the same line
    hf $c --no-such-option
    expect_rc 2
    grep -qxF -- "usage: $line" "$T/err" || fail "$c: usage error shows another usage line"
    # every option the usage line names is one the parser takes (no "unknown option")
    for opt in $(echo "$line" | grep -o -- '--[a-z-]*' | sort -u); do
        hf $c $opt
        grep -q "unknown option" "$T/err" && fail "$c: usage names $opt, the parser refuses it"
    done
done
echo "usage = SYNOPSIS: ok"

# --- 2. dispatch
hf help
expect_rc 0
"$BIN" --help > "$T/want"
cmp -s "$T/out" "$T/want" || fail "'hotfix help' is not 'hotfix --help'"
for c in $cmds; do
    hf help $c
    expect_rc 0
    "$BIN" $c --help > "$T/want"
    cmp -s "$T/out" "$T/want" || fail "'hotfix help $c' is not 'hotfix $c --help'"
done
hf aply "$KB" --site "$T"
expect_rc 2
expect_err "hotfix: unknown command 'aply'; did you mean 'apply'?"
hf frobnicate
expect_rc 2
expect_err "unknown command 'frobnicate'"
grep -q "did you mean" "$T/err" && fail "a far word got a suggestion"
hf help aply
expect_rc 2
expect_err "did you mean 'apply'"
hf check "$KB" --site "$T" --jsn
expect_rc 2
expect_err "unknown option '--jsn'; did you mean '--json'?"
hf audit "$KB" --site "$T" --verify-hahses
expect_rc 2
expect_err "did you mean '--verify-hashes'"
hf check "$KB" --hierarchy "$T/h.xml" --jobs 0
expect_rc 2
expect_err "--jobs takes 1 to 256"
hf check "$KB" --site "$T" --jobs 4
expect_rc 2
expect_err "--jobs is for --hierarchy"
hf audit "$KB" --site "$T" --jobs 2
expect_rc 2
expect_err "unknown option '--jobs'"
hf --frob check
expect_rc 2
expect_err "unknown option '--frob'"
# global options before the command mean the same as after it
H=$T/h
sample_hierarchy "$H" h.xml
for g in "-q" "-v" "--json" "--trust $TRUST"; do
    # shellcheck disable=SC2086
    "$BIN" audit "$KB" --site "$H/CEN" $g > "$T/after" 2> "$T/after.err"; a=$?
    # shellcheck disable=SC2086
    hf $g audit "$KB" --site "$H/CEN"
    [ "$RC" = "$a" ] || fail "'hotfix $g audit': exit $RC, after the command $a"
    cmp -s "$T/out" "$T/after" || fail "'hotfix $g audit' prints otherwise than after the command"
done
hf --json audit "$KB" --site "$H/CEN"
onedoc "hotfix --json audit"
hf --trust "$T/none.pem" audit "$KB" --site "$H/CEN"
expect_rc 4
expect_err "none.pem"
echo "dispatch: ok"

# --- 3. one output switch: --json is --format json, in every command
mkdll "$T/a.dll" 1.2.3.4 8192
same() { # SCHEMA ARGS...: --json and --format json print the same document, of SCHEMA,
    # with the same exit
    want=$1; shift
    "$BIN" "$@" --json > "$T/j1" 2> /dev/null; a=$?
    hf "$@" --format json
    [ "$RC" = "$a" ] || fail "$*: --json exits $a, --format json $RC"
    onedoc "$*"
    jq -S 'del(.. | .seconds?, .time?, .free_bytes?)' "$T/j1" > "$T/j1.s"
    jq -S 'del(.. | .seconds?, .time?, .free_bytes?)' "$T/out" > "$T/j2.s"
    cmp -s "$T/j1.s" "$T/j2.s" || fail "$*: --json and --format json differ"
    [ "$(jq -r .schema "$T/out")" = "$want" ] || fail "$*: not a $want document"
}
same urn:hotfix:check:1 check "$KB" --site "$H/CEN"
same urn:hotfix:check:1 apply "$KB" --site "$H/CEN" --dry-run
same urn:hotfix:rollback:1 rollback KB936465 --site "$H/CEN"
same urn:hotfix:recover:1 recover --site "$H/CEN"
same urn:hotfix:audit:1 audit "$KB" --site "$H/CEN"
same urn:hotfix:list:1 list --site "$H/CEN"
same urn:hotfix:inventory:1 inventory --hierarchy "$H/h.xml"
same urn:hotfix:version:1 version "$T/a.dll"
same urn:hotfix:authenticode:1 authenticode --pe-trust "$TRUST" "$T/a.dll"
hf version "$T/a.dll" --json
jqt '.files[0].file_version == "1.2.3.4" and .files[0].error == null' "version JSON"
hf recover --site "$H/CEN" --json
jqt '.sites[0].site == "CEN" and .sites[0].result == "nothing" and .sites[0].pending == false' "recover JSON"
hf audit "$KB" --site "$H/CEN" --format yaml
expect_rc 2
expect_err "--format: 'yaml' is not one of text, json, csv, xml, dot"
hf list --site "$H/CEN" --format csv
expect_rc 2
expect_err "--format: 'csv' is not one of text, json"
hf audit "$KB" --site "$H/CEN" --json --format csv
expect_rc 2
expect_err "disagree"
# list and recover take --hierarchy: one report per site in tree order, one JSON document
hf apply "$KB" --site "$H/PRI" -q
expect_rc 0
hf list --hierarchy "$H/h.xml" --jobs 3
expect_rc 0
[ "$(grep -o '^[A-Z0-9]*: ' "$T/out" | tr -d ': ' | uniq | tr '\n' ' ')" = "CEN PRI PR2 SEC OLD " ] ||
    fail "list --hierarchy: not one report per site in tree order: $(cat "$T/out")"
expect_out "^PRI: KB936465 revision"
expect_out "list summary (5 sites)"
hf list --hierarchy "$H/h.xml" --json
expect_rc 0
onedoc "list --hierarchy --json"
jqt '.schema == "urn:hotfix:list:1" and ([.sites[].site] == ["CEN","PRI","PR2","SEC","OLD"]) and
     (.sites[1].installed[0].hotfix == "KB936465") and (.sites[0].installed == []) and .exit == 0' \
    "list --hierarchy JSON"
hf recover --hierarchy "$H/h.xml" --json
expect_rc 0
onedoc "recover --hierarchy --json"
jqt '.schema == "urn:hotfix:recover:1" and (.sites | length) == 5 and
     ([.sites[].result] | unique) == ["nothing"]' "recover --hierarchy JSON"
echo "output switch: ok"

# --- 4. errors a script can read: each command, a bad option and a missing file
missing() { # the command's arguments naming something that is not there
    case $1 in
    check | apply | audit) echo "$T/no-such.xml --site $H/CEN" ;;
    rollback) echo "KB936465 --site $T/no-such-site" ;;
    recover | list) echo "--site $T/no-such-site" ;;
    inventory) echo "--hierarchy $T/no-such-h.xml" ;;
    version) echo "$T/no-such.dll" ;;
    authenticode) echo "--pe-trust $TRUST $T/no-such.dll" ;;
    esac
}
for c in $cmds; do
    # shellcheck disable=SC2046
    for run in "--bogus-option $(missing $c)" "--jobs x $(missing $c)" "$(missing $c)"; do
        for json in "--json" "--format json"; do
            # shellcheck disable=SC2086
            hf $c $run $json
            [ "$RC" -ne 0 ] || fail "$c $run: exit 0"
            onedoc "$c $run $json"
            schema=$(jq -r .schema "$T/out")
            if [ "$schema" = urn:hotfix:error:1 ]; then
                jqt ".exit == $RC and (.error | type) == \"string\" and (.message | length) > 0
                     and has(\"hint\") and has(\"site\") and has(\"file\")" "$c $run: error document"
            else # a report that carries the error itself is the document
                case $c in version | authenticode | recover | rollback | list) ;; *) fail "$c $run: $schema" ;; esac
                grep -q '"error' "$T/out" || fail "$c $run: the report does not carry the error"
            fi
            [ -s "$T/err" ] || fail "$c $run: no message on stderr"
        done
        # shellcheck disable=SC2086
        hf $c $run -q
        [ "$RC" -ne 0 ] || fail "$c $run -q: exit 0"
        [ ! -s "$T/out" ] || fail "$c $run -q: stdout is not empty"
    done
done
hf check "$T/no-such.xml" --site "$H/CEN" --json
jqt '.error == "io" and .exit == 4 and .file == "'"$T/no-such.xml"'"' "missing manifest: file"
hf list --site "$T/no-such-site" --json
expect_rc 4
jqt '.schema == "urn:hotfix:error:1" and .site == "'"$T/no-such-site"'"' "missing site: site"
hf check "$KB" --site "$H/CEN" --bogus --json
expect_rc 2
jqt '.error == "usage" and (.message | test("unknown option")) and (.hint | test("usage: hotfix check"))' \
    "usage error document"
hf --json
expect_rc 2
onedoc "--json and no command"
jqt '.error == "usage" and .exit == 2' "no command document"
hf -q --trust
expect_rc 2
expect_err "--trust needs an argument"
hf --json aply
expect_rc 2
onedoc "--json aply"
jqt '.error == "usage" and (.message | test("did you mean"))' "unknown command document"
printf 'not a certificate\n' > "$T/bad.pem"
hf check "$KB" --site "$H/CEN" --trust "$T/bad.pem" --json
expect_rc 4
onedoc "bad trust file"
jqt '.schema == "urn:hotfix:error:1" and .exit == 4' "bad trust file"
# a failure after the report: the report is the one document
hf apply "$KB" --hierarchy "$H/h.xml" --json --jobs 2
onedoc "apply --hierarchy --json"
# a hierarchy failure before any site: the error document
hf apply "$T/no-such.xml" --hierarchy "$H/h.xml" --json
expect_rc 4
onedoc "apply --hierarchy, no manifest"
jqt '.schema == "urn:hotfix:error:1"' "apply --hierarchy, no manifest"
# -q: nothing informational on stdout -- no "exit status N" line after a hierarchy run
hf list --hierarchy "$H/h.xml" -q
expect_rc 0
expect_no_out "exit status"
echo PASS
