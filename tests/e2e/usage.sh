# The command line: help for every command, version, usage errors (exit 2).
. "$HOTFIX_TOP/tests/lib.sh"

hf
expect_rc 2
expect_err "usage: hotfix .*COMMAND"
hf --help
expect_rc 0
expect_out "hotfix check MANIFEST"
hf --version
expect_rc 0
expect_out "^hotfix [0-9]"
expect_out "libxml2 2"
expect_out "libarchive 3"
expect_out "OpenSSL 3"
hf frobnicate
expect_rc 2
expect_err "unknown command 'frobnicate'"
for c in check audit list version; do
    hf $c --help
    expect_rc 0
    expect_out "usage: hotfix $c"
    expect_out "Exit status"
done
hf check "$KB"
expect_rc 2
expect_err "--site DIR or --hierarchy FILE is required"
hf check --site "$T"
expect_rc 2
expect_err "at least one MANIFEST is needed"
hf check "$KB" --site "$T" --bogus
expect_rc 2
expect_err "unknown option"
hf audit --site "$T"
expect_rc 2
hf check "$KB" "$KB" --hierarchy "$T/h.xml"
expect_rc 2
expect_err "several manifests are checked against one --site"
hf list --site "$T" extra
expect_rc 2
hf version
expect_rc 2
echo PASS
