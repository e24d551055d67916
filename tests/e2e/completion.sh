# Bash completion (contrib/bash-completion/hotfix), driven through its completion function
# the way bash calls it: commands, options per command, --format values, directories for
# --site, manifests, PE files and PE trust files for authenticode, and the hotfix ids a
# site has installed for rollback.
. tests/lib.sh
mkdir -p "$T/w/sites/S1/.hotfix" "$T/w/other"
printf '<installed>\n  <hotfix id="KB936465" revision="1">\n  <hotfix id="KB999999" revision="2">\n' \
    > "$T/w/sites/S1/.hotfix/installed.xml"
touch "$T/w/M1.xml" "$T/w/notes.txt" "$T/w/a.dll" "$T/w/pe.pem"
cat > "$T/complete.bash" <<'BASH'
. /usr/share/bash-completion/bash_completion
. "$TOP/contrib/bash-completion/hotfix"
# complete LINE: print the candidates bash would offer at the end of LINE, one per line
complete_line() {
    COMP_LINE=$1
    COMP_POINT=${#COMP_LINE}
    read -r -a COMP_WORDS <<< "$COMP_LINE"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _hotfix hotfix "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
complete -p hotfix
echo "--- commands"; complete_line "hotfix "
echo "--- ap"; complete_line "hotfix ap"
echo "--- format"; complete_line "hotfix audit --format "
echo "--- apply opts"; complete_line "hotfix apply --"
echo "--- list opts"; complete_line "hotfix list --"
echo "--- site"; complete_line "hotfix apply --site "
echo "--- manifest"; complete_line "hotfix check "
echo "--- ids"; complete_line "hotfix rollback --site sites/S1 "
echo "--- ids K"; complete_line "hotfix rollback --site sites/S1 KB99"
echo "--- version"; complete_line "hotfix version "
echo "--- authenticode"; complete_line "hotfix authenticode "
echo "--- pe-trust"; complete_line "hotfix authenticode --pe-trust "
echo "--- after pe-trust"; complete_line "hotfix authenticode --pe-trust pe.pem "
echo "--- inventory format"; complete_line "hotfix inventory --hierarchy h.xml --format "
echo "--- list format"; complete_line "hotfix list --format "
echo "--- global"; complete_line "hotfix -"
echo "--- after trust"; complete_line "hotfix --trust ca.pem ch"
echo "--- help"; complete_line "hotfix help ro"
for c in check apply rollback recover audit list inventory version authenticode; do
    echo "--- opts $c"; complete_line "hotfix $c -"
done
BASH
(cd "$T/w" && TOP=$TOP bash "$T/complete.bash") > "$T/out" 2> "$T/err" || fail "bash failed"
section() { sed -n "/^--- $1\$/,/^---/p" "$T/out" | grep -v '^---'; }
grep -q -- "-F _hotfix hotfix" "$T/out" || fail "complete -p does not show _hotfix"
[ "$(section commands | tr '\n' ' ')" = "--help --version apply audit authenticode check help inventory list recover rollback version " ] ||
    fail "commands: $(section commands | tr '\n' ' ')"
[ "$(section ap)" = apply ] || fail "ap: $(section ap)"
[ "$(section format | tr '\n' ' ')" = "csv dot json text xml " ] || fail "format: $(section format)"
section "apply opts" | grep -qx -- --dry-run || fail "apply lacks --dry-run"
section "apply opts" | grep -qx -- --hierarchy || fail "apply lacks --hierarchy"
section "apply opts" | grep -qx -- --trust || fail "apply lacks --trust"
section "list opts" | grep -qx -- --dry-run && fail "list offers --dry-run"
section "list opts" | grep -qx -- --json || fail "list lacks --json"
section site | grep -qx "sites" || fail "--site does not offer the directory: $(section site)"
section site | grep -q "M1.xml" && fail "--site offers a file"
section manifest | grep -qx "M1.xml" || fail "check does not offer the manifest"
section manifest | grep -q "notes.txt" && fail "check offers a .txt file"
[ "$(section ids | tr '\n' ' ')" = "KB936465 KB999999 " ] || fail "ids: $(section ids)"
[ "$(section 'ids K')" = KB999999 ] || fail "ids K: $(section 'ids K')"
section version | grep -qx "a.dll" || fail "version does not offer the DLL"
section authenticode | grep -qx "a.dll" && ! section authenticode | grep -q "M1.xml" ||
    fail "authenticode: $(section authenticode | tr '\n' ' ')"
section pe-trust | grep -qx "pe.pem" && ! section pe-trust | grep -q "a.dll" ||
    fail "--pe-trust: $(section pe-trust | tr '\n' ' ')"
section 'after pe-trust' | grep -qx "a.dll" && ! section 'after pe-trust' | grep -q "pe.pem" ||
    fail "the argument of --pe-trust taken for a file: $(section 'after pe-trust' | tr '\n' ' ')"
[ "$(section 'inventory format' | tr '\n' ' ')" = "ansible json " ] || fail "inventory --format: $(section 'inventory format')"
[ "$(section 'list format' | tr '\n' ' ')" = "json text " ] || fail "list --format: $(section 'list format')"
[ "$(section global | tr '\n' ' ')" = "--help --json --quiet --trust --verbose --version -q -v " ] ||
    fail "global options: $(section global | tr '\n' ' ')"
[ "$(section 'after trust')" = check ] || fail "the argument of --trust taken for the command"
[ "$(section help)" = rollback ] || fail "help ro: $(section help)"
# the options offered are exactly those of the command's --help (the option table) --
# and its --format values those of its usage line
for c in check apply rollback recover audit list inventory version authenticode; do
    "$BIN" $c --help | sed -n 's/^  \(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\1\2/p' | tr ', ' '\n\n' | grep . |
        sort > "$T/help.$c"
    section "opts $c" > "$T/comp.$c"
    diff "$T/help.$c" "$T/comp.$c" > "$T/d" || fail "completion of $c differs from its --help: $(cat "$T/d")"
    want=$("$BIN" $c --help | head -n 1 | sed 's/.*--format \([a-z|]*\).*/\1/' | tr '|' '\n' | sort | tr '\n' ' ')
    got=$(cd "$T/w" && TOP=$TOP bash -c '. /usr/share/bash-completion/bash_completion; . "$TOP/contrib/bash-completion/hotfix"
        COMP_WORDS=(hotfix '"$c"' --format ""); COMP_CWORD=3; COMP_LINE="hotfix '"$c"' --format "; COMP_POINT=${#COMP_LINE}
        _hotfix hotfix "" --format; printf "%s\n" "${COMPREPLY[@]}"' | sort | tr '\n' ' ')
    [ "$want" = "$got" ] || fail "$c --format: completion offers '$got', the usage line '$want'"
done
echo "completion: ok"
