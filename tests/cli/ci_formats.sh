#!/usr/bin/env bash
# What CI reads (docs/ci.md):
#  - `check --format sarif` over every fail and lint case is valid against the OASIS SARIF 2.1.0
#    schema (tools/validate-sarif.mjs), and says what `--format json` says: one result per
#    diagnostic with the code as rule id, the level, the file as artifact URI, line and column,
#    the pointer as logical location; a clean pipe gives a valid log with no results; a file name
#    with a space is percent-encoded;
#  - `check --format github` prints one workflow command per diagnostic, exactly as documented;
#  - lints: none fires on an example or a golden case; `--deny-warnings` turns a warning into a
#    rejection (exit 1) for check, run and build, and leaves a clean pipe alone.
set -euo pipefail
sluice=$(realpath "${1:?sluice binary}"); src=$(realpath "${2:?source dir}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
if [ ! -f tools/node_modules/ajv-draft-04/package.json ] || ! command -v node >/dev/null; then
  echo "ci_formats: node and tools/node_modules are needed; run scripts/install-deps"
  exit 1
fi

mapfile -t cases < <(ls tests/cases/fail/*.json tests/cases/lint/*.json | grep -v '\.expect\.json$')
[ "${#cases[@]}" -ge 60 ] || fail "only ${#cases[@]} cases"

# 1. SARIF: valid, and the same diagnostics as --format json.
set +e
"$sluice" check --format sarif "${cases[@]}" > "$tmp/all.sarif"; st_sarif=$?
"$sluice" check --format json "${cases[@]}" > "$tmp/all.json"; st_json=$?
set -e
[ "$st_sarif" = 1 ] || fail "check --format sarif over failing cases: exit $st_sarif"
[ "$st_json" = 1 ] || fail "check --format json over failing cases: exit $st_json"
node tools/validate-sarif.mjs "$tmp/all.sarif"
python3 - "$tmp/all.sarif" "$tmp/all.json" <<'EOF'
import json, sys, urllib.parse
log = json.load(open(sys.argv[1]))
diags = json.load(open(sys.argv[2]))
assert log["version"] == "2.1.0"
run, = log["runs"]
assert run["tool"]["driver"]["name"] == "sluice"
assert run["columnKind"] == "unicodeCodePoints"
rules = run["tool"]["driver"]["rules"]
assert len({r["id"] for r in rules}) == len(rules), "a rule listed twice"
results = run["results"]
assert len(results) == len(diags) >= 60, (len(results), len(diags))
for r, d in zip(results, diags):
    assert r["ruleId"] == d["code"] == rules[r["ruleIndex"]]["id"], (r, d)
    assert r["level"] == d["severity"], (r, d)
    assert r["message"]["text"] == d["message"]
    loc, = r["locations"]
    phys = loc["physicalLocation"]
    assert urllib.parse.unquote(phys["artifactLocation"]["uri"]) == d["file"]
    if d["line"] > 0:
        assert (phys["region"]["startLine"], phys["region"]["startColumn"]) == (d["line"], d["column"]), (r, d)
    else:
        assert "region" not in phys
    if d["pointer"]:
        assert loc["logicalLocations"][0]["fullyQualifiedName"] == d["pointer"]
    assert r.get("properties", {}).get("hint", "") == d.get("hint", "")
print(f"sarif: {len(results)} results match --format json")
EOF

# A clean pipe: a valid log with no results, exit 0.
"$sluice" check --format sarif examples/hello_lines.json > "$tmp/clean.sarif"
node tools/validate-sarif.mjs "$tmp/clean.sarif"
grep -q '"results": \[\]' "$tmp/clean.sarif" || fail "a clean pipe's SARIF log has results"
# A file name with a space: percent-encoded in the URI, still valid.
cp tests/cases/lint/payload_discarded.json "$tmp/with space.json"
"$sluice" check --format sarif "$tmp/with space.json" > "$tmp/space.sarif"
node tools/validate-sarif.mjs "$tmp/space.sarif"
grep -q "\"uri\": \"file://${tmp}/with%20space.json\"" "$tmp/space.sarif" || fail "space not encoded: $(grep uri "$tmp/space.sarif")"

# 2. GitHub workflow commands: one per diagnostic, in the documented form.
set +e
"$sluice" check --format github "${cases[@]}" > "$tmp/all.github"
set -e
[ "$(wc -l < "$tmp/all.github")" = "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/all.json")" ] ||
  fail "github: not one line per diagnostic"
if grep -v -E '^::(error|warning) file=[^,]+(,line=[0-9]+,col=[0-9]+)?,title=[EW]_[A-Z0-9_]+::' "$tmp/all.github"; then
  fail "github: lines not in the workflow command form"
fi
"$sluice" check --format github tests/cases/lint/payload_discarded.json > "$tmp/one.github"
expected='::warning file=tests/cases/lint/payload_discarded.json,line=3,col=45,title=W_LINT_PAYLOAD_DISCARDED::emit_payload is 0, so the bytes collect_bytes_v1 gathers never reach the doc (at /1/6)%0Ahint: use std.stream.sink.null_v1 to count items only, or drop ["emit_payload", 0]'
[ "$(cat "$tmp/one.github")" = "$expected" ] || fail "github: got $(cat "$tmp/one.github")"
echo "github: $(wc -l < "$tmp/all.github") annotations"

# 3. Lints stay quiet on the examples and the golden cases.
mapfile -t good < <(ls examples/*.json tests/cases/*.json | grep -v -e '\.case\.json$' -e '\.x07\.json$')
"$sluice" check --format json "${good[@]}" > "$tmp/good.json" || true
if grep -q '"W_LINT_' "$tmp/good.json"; then fail "a lint fires on an example or golden case: $(grep -B1 -A6 W_LINT "$tmp/good.json")"; fi

# 4. --deny-warnings.
lint=tests/cases/lint/sink_is_source.json
"$sluice" check "$lint" > /dev/null || fail "a warning alone must not fail check"
set +e
"$sluice" check --deny-warnings "$lint" > "$tmp/deny.out"; st=$?
set -e
[ "$st" = 1 ] || fail "check --deny-warnings on a warning: exit $st"
grep -q 'treated as errors (--deny-warnings)' "$tmp/deny.out" || fail "check --deny-warnings: no explanation"
mkdir -p "$tmp/root/data" && printf 'x\n' > "$tmp/root/data/in.txt"
set +e
"$sluice" run --deny-warnings --root "$tmp/root" "$lint" 2> "$tmp/run.err"; st=$?
"$sluice" build --deny-warnings "$lint" -o "$tmp/exe" --cache-dir "$tmp/cache" 2> "$tmp/build.err"; st_build=$?
set -e
[ "$st" = 1 ] || fail "run --deny-warnings: exit $st ($(cat "$tmp/run.err"))"
[ "$st_build" = 1 ] || fail "build --deny-warnings: exit $st_build"
[ ! -e "$tmp/exe" ] || fail "build --deny-warnings left an executable"
[ "$(cat "$tmp/root/data/in.txt")" = x ] || fail "run --deny-warnings touched the file"
"$sluice" check --deny-warnings examples/hello_lines.json > /dev/null || fail "--deny-warnings on a clean pipe"
echo "ci_formats OK"
