# audit reports over a hierarchy, each read back by a real parser: XML against
# manifests/audit.xsd (xmllint), JSON (jq), CSV (Python's csv module, RFC 4180), DOT
# (Graphviz renders it to SVG).  Per-site and hierarchy verdicts, and drift.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
PY=/usr/bin/python3
H=$T/h
sample_hierarchy "$H" h.xml
hf apply "$KB" --hierarchy "$H/h.xml" -q
expect_rc 0
# SEC rolled back (not compliant); PR2 gets a hand-modified Distmgr.dll (drift from CEN)
hf rollback KB936465 --site "$H/SEC" -q
expect_rc 0
printf 'x' >> "$H/PR2/bin/i386/Distmgr.dll"

hf audit "$KB" --hierarchy "$H/h.xml" --verify-hashes
expect_rc 1
expect_out "^site CEN: compliant$"
expect_out "^site SEC: not compliant$"
expect_out "^site OLD: not applicable$"
expect_out "^site PR2: not compliant, drift from its parent$"
expect_out "^drift: PR2 bin/i386/Distmgr.dll: parent CEN: same version, other SHA-256$"
expect_out "^NOT compliant (with drift)$"

# XML, validated against the published schema
hf audit "$KB" --hierarchy "$H/h.xml" --verify-hashes --format xml
expect_rc 1
xmllint --noout --schema "$TOP/manifests/audit.xsd" "$T/out" || fail "audit XML does not validate"
[ "$(xmllint --xpath 'count(//*[local-name()="site"])' "$T/out")" = 5 ] || fail "XML: not 5 sites"
[ "$(xmllint --xpath 'string(//*[local-name()="site"][@code="SEC"]/@verdict)' "$T/out")" = "not compliant" ] || fail "XML: SEC verdict"
[ "$(xmllint --xpath 'string(/*/@compliant)' "$T/out")" = false ] || fail "XML: hierarchy verdict"

# JSON
hf audit "$KB" --hierarchy "$H/h.xml" --verify-hashes --format json
expect_rc 1
jq -e '.schema == "urn:hotfix:audit:1" and .compliant == false and .drift == true and (.sites | length) == 5 and (.records | length) == 13' "$T/out" >/dev/null || fail "JSON: shape"
jq -e '[.sites[] | select(.site == "PRI")][0] | .parent == "CEN" and .verdict == "compliant"' "$T/out" >/dev/null || fail "JSON: PRI"
jq -e '[.records[] | select(.drift != null)] | length == 1' "$T/out" >/dev/null || fail "JSON: drift"

# CSV (RFC 4180: CRLF, quoted fields) read back with a CSV reader
hf audit "$KB" --hierarchy "$H/h.xml" --verify-hashes --format csv
expect_rc 1
$PY - "$T/out" <<'PY' || fail "CSV does not read back"
import csv, sys
with open(sys.argv[1], newline="") as f:
    raw = f.read()
assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", ""), "lines must end in CRLF"
rows = list(csv.DictReader(raw.splitlines(keepends=True)))
assert len(rows) == 13, len(rows)
assert {r["site"] for r in rows} == {"CEN", "PRI", "SEC", "PR2", "OLD"}
sec = [r for r in rows if r["site"] == "SEC"]
assert all(r["verdict"] == "outdated" and r["site_verdict"] == "not compliant" for r in sec)
old = [r for r in rows if r["site"] == "OLD"]
assert old[0]["verdict"] == "not-applicable" and "," in old[0]["note"], old  # a quoted field
assert [r for r in rows if r["drift"]][0]["path"] == "bin/i386/Distmgr.dll"
assert all(len(r["sha256"]) == 64 for r in rows if r["verdict"] != "not-applicable")
PY

# DOT, rendered by Graphviz
hf audit "$KB" --hierarchy "$H/h.xml" --format dot
expect_rc 1
dot -Tsvg "$T/out" > "$T/h.svg" || fail "dot -Tsvg failed"
grep -q '<svg' "$T/h.svg" || fail "no SVG"
for s in CEN PRI SEC PR2 OLD; do grep -q "<title>$s</title>" "$T/h.svg" || fail "SVG lacks $s"; done
grep -q '<title>PRI&#45;&gt;SEC</title>' "$T/h.svg" || fail "SVG lacks the edge PRI->SEC"
grep -q '"SEC" .*fillcolor="salmon"' "$T/out" || fail "SEC is not drawn as not compliant"
grep -q '"CEN" .*fillcolor="palegreen"' "$T/out" || fail "CEN is not drawn as compliant"

# check/apply/rollback --json over the hierarchy: one document, per-site results
hf check "$KB" --hierarchy "$H/h.xml" --json
jq -e '.schema == "urn:hotfix:check:1" and (.sites | length) == 5 and (.summary | length) == 5' "$T/out" >/dev/null || fail "check --json"
hf rollback KB936465 --hierarchy "$H/h.xml" --json --keep-going
jq -e '.schema == "urn:hotfix:rollback:1" and (.sites | length) == 5' "$T/out" >/dev/null || fail "rollback --json"
echo "reports: ok"
