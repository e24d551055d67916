# Bash completion (contrib/bash-completion/hotfix), driven through its completion function
# the way bash calls it: commands, options per command, --format values, directories for
# --site, manifests, and the hotfix ids a site has installed for rollback.
. tests/lib.sh
mkdir -p "$T/w/sites/S1/.hotfix" "$T/w/other"
printf '<installed>\n  <hotfix id="KB936465" revision="1">\n  <hotfix id="KB999999" revision="2">\n' \
    > "$T/w/sites/S1/.hotfix/installed.xml"
touch "$T/w/M1.xml" "$T/w/notes.txt" "$T/w/a.dll"
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
echo "--- inventory format"; complete_line "hotfix inventory --hierarchy h.xml --format "
BASH
(cd "$T/w" && TOP=$TOP bash "$T/complete.bash") > "$T/out" 2> "$T/err" || fail "bash failed"
section() { sed -n "/^--- $1\$/,/^---/p" "$T/out" | grep -v '^---'; }
grep -q -- "-F _hotfix hotfix" "$T/out" || fail "complete -p does not show _hotfix"
[ "$(section commands | tr '\n' ' ')" = "--help --version apply audit check inventory list recover rollback version " ] ||
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
[ "$(section 'inventory format')" = ansible ] || fail "inventory --format: $(section 'inventory format')"
echo "completion: ok"
