#!/usr/bin/env bash
# sluice test: the examples' tests pass under run and --build; a wrong expectation of each kind
# fails with a line that says what differed; --update rewrites expectations (file references in
# place) and is idempotent; malformed test files get E_TEST_FILE at line:column; test files are
# valid against schemas/test-file.schema.json and JUnit reports against schemas/junit.xsd.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"
export SLUICE_CACHE_DIR="$build/build-cache"
command -v xmllint >/dev/null || fail "xmllint is needed (libxml2-utils; scripts/install-deps)"

# 1. The examples' tests, both backends, with a valid JUnit report.
"$sluice" test examples/tests/*.json --build --junit "$tmp/j.xml" > "$tmp/out" || { cat "$tmp/out"; fail "examples' tests"; }
n=$(grep -c '^ok ' "$tmp/out")
[ "$n" -ge 20 ] || fail "only $n tests passed"
grep -q '\[build\]$' "$tmp/out" || fail "--build ran no executable"
tail -1 "$tmp/out" | grep -qx "$n passed, 0 failed" || fail "summary: $(tail -1 "$tmp/out")"
xmllint --noout --schema schemas/junit.xsd "$tmp/j.xml" 2> "$tmp/xerr" || fail "JUnit: $(cat "$tmp/xerr")"
grep -q "<testsuites name=\"sluice test\" tests=\"$n\" failures=\"0\" errors=\"0\"" "$tmp/j.xml" || fail "JUnit totals"
if [ -f tools/node_modules/ajv/package.json ]; then
  node tools/validate-json.mjs schemas test-file.schema.json examples/tests/*.json > /dev/null || fail "test-file schema"
fi

# 2. Wrong expectations, one kind at a time, in a copy beside the examples (paths stay right).
work="$tmp/examples"; mkdir -p "$work/tests"
cp -r examples/*.json examples/data examples/brandlab "$work/"
cp examples/tests/examples.test.json "$work/tests/good.test.json"; cp -r examples/tests/expected "$work/tests/"
mutate() {  # NAME PYTHON-EXPRESSION-ON-t (the first test of that name) -> tests/NAME.test.json
  python3 - "$work/tests/good.test.json" "$work/tests/$1.test.json" "$2" "$3" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
t = next(t for t in doc["tests"] if t["name"] == sys.argv[3])
exec(sys.argv[4])
doc["tests"] = [t]
json.dump(doc, open(sys.argv[2], "w"), indent=1)
PY
}
mutate counter "count_lines counts the access log" 't["expect"]["counters"]["items_out"] = 199'
mutate payload "lines_frame_hash" 't["expect"]["payload"] = {"hex": "00000000"}'
mutate okness "lines_frame_hash fails past max_items 10" 't["expect"] = {"ok": True}'
mutate code "lines_frame_hash fails past max_items 10" 't["expect"]["code"] = 3'
mutate outfile "copy_file copies the log" 't["expect"]["files"] = {"out/access.copy.log": {"text": "no"}}'
mutate trap "hello_lines frames three lines" 't["expect"] = {"trap": "x"}'
expect_fail() {  # NAME WANTED-LINE-PATTERN
  set +e; "$sluice" test "$work/tests/$1.test.json" --build --junit "$tmp/$1.xml" > "$tmp/$1.out"; st=$?; set -e
  [ "$st" = 1 ] || fail "$1: exit $st"
  [ "$(grep -c '^FAIL ' "$tmp/$1.out")" = 2 ] || fail "$1: not failed under both backends: $(cat "$tmp/$1.out")"
  grep -q "$2" "$tmp/$1.out" || fail "$1: no line matching '$2': $(cat "$tmp/$1.out")"
  tail -1 "$tmp/$1.out" | grep -qx "0 passed, 2 failed" || fail "$1: summary $(tail -1 "$tmp/$1.out")"
  xmllint --noout --schema schemas/junit.xsd "$tmp/$1.xml" 2>/dev/null || fail "$1: JUnit invalid"
  grep -q '<failure message=' "$tmp/$1.xml" || fail "$1: JUnit has no failure"
}
expect_fail counter 'items_out: expected 199, got 200'
expect_fail payload 'payload: 4 bytes, expected 4; first difference at byte 0'
expect_fail okness 'expected OK, got ERR 4 stream:budget_items'
expect_fail code 'code: expected 3, got 4'
expect_fail outfile 'file out/access.copy.log: 15813 bytes, expected 2'
expect_fail trap 'expected a trap containing "x", got a doc'

# 3. --update: stale expectations are rewritten, then pass; a file reference keeps its file.
cp "$work/tests/counter.test.json" "$work/tests/upd.test.json"
python3 - "$work/tests/upd.test.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["tests"][0]["expect"] = {"ok": True, "payload": {"file": "payload.bin"}}
json.dump(doc, open(sys.argv[1], "w"))
PY
printf 'stale' > "$work/tests/payload.bin"
"$sluice" test --update "$work/tests/upd.test.json" | grep -q "^updated $work/tests/upd.test.json$" || fail "--update did not rewrite"
[ ! -s "$work/tests/payload.bin" ] || fail "--update did not rewrite the payload file (count_lines has an empty payload)"
grep -q '"file": "payload.bin"' "$work/tests/upd.test.json" || fail "--update dropped the file reference"
grep -q '"items_out": 200' "$work/tests/upd.test.json" || fail "--update wrote no counters"
"$sluice" fmt --check "$work/tests/upd.test.json" > /dev/null || fail "--update does not write the fmt layout"
cp "$work/tests/upd.test.json" "$tmp/upd.before"
"$sluice" test --update "$work/tests/upd.test.json" > "$tmp/upd.out"
grep -q '^updated' "$tmp/upd.out" && fail "a second --update rewrote the file"
cmp -s "$tmp/upd.before" "$work/tests/upd.test.json" || fail "--update is not idempotent"
"$sluice" test --build "$work/tests/upd.test.json" > /dev/null || fail "updated expectations do not pass"

# 4. Malformed test files: E_TEST_FILE with line:column and pointer; bad JSON; unsafe file names.
cat > "$tmp/bad.test.json" <<'JSON'
{"tests": [
  {"name": "a", "pipe": "p.json",
   "expect": {"ok": true, "countrs": {}}},
  {"name": "b", "pipe": "p.json", "files": {"../escape": {"text": ""}}, "expect": {"ok": false, "counters": {}}}
]}
JSON
set +e; "$sluice" test "$tmp/bad.test.json" --junit "$tmp/bad.xml" > "$tmp/bad.out" 2> "$tmp/bad.err"; st=$?; set -e
[ "$st" = 1 ] || fail "malformed test file: exit $st"
grep -q 'bad.test.json:3:38: error\[E_TEST_FILE\]: unknown field "countrs" (at /tests/0/expect/countrs)' "$tmp/bad.err" ||
  fail "unknown field: $(cat "$tmp/bad.err")"
grep -q 'error\[E_TEST_FILE\]: a file name is a relative path without . or .. parts (at /tests/1/files/..~1escape)' "$tmp/bad.err" ||
  fail "unsafe file name: $(cat "$tmp/bad.err")"
grep -q 'error\[E_TEST_FILE\]: an ERR doc has no counters (at /tests/1/expect/counters)' "$tmp/bad.err" ||
  fail "ERR counters: $(cat "$tmp/bad.err")"
grep -q '<error message=' "$tmp/bad.xml" || fail "a malformed file is no JUnit error"
xmllint --noout --schema schemas/junit.xsd "$tmp/bad.xml" 2>/dev/null || fail "JUnit of a malformed file invalid"
printf '{"tests": [,]}' > "$tmp/syntax.test.json"
set +e; "$sluice" test "$tmp/syntax.test.json" 2> "$tmp/syntax.err" > /dev/null; st=$?; set -e
[ "$st" = 1 ] && grep -q 'syntax.test.json:1:12: error\[E_PIPE_JSON_SYNTAX\]' "$tmp/syntax.err" || fail "bad JSON: $st $(cat "$tmp/syntax.err")"
# A pipe that is rejected, and a missing pipe: errors of that test, the others still run.
python3 - "$work/tests/good.test.json" "$work/tests/mixed.test.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["tests"] = [{"name": "missing", "pipe": "nope.json", "expect": {"ok": True}},
                {"name": "rejected", "pipe": "../hello_lines.json", "cfg": {"max_items": "x"}, "expect": {"ok": True}},
                doc["tests"][0]]
json.dump(doc, open(sys.argv[2], "w"))
PY
set +e; "$sluice" test "$work/tests/mixed.test.json" > "$tmp/mixed.out"; st=$?; set -e
[ "$st" = 1 ] || fail "mixed: exit $st"
grep -q '^ERROR .*: missing$' "$tmp/mixed.out" && grep -q 'cannot read the pipe' "$tmp/mixed.out" || fail "missing pipe: $(cat "$tmp/mixed.out")"
grep -q '^ERROR .*: rejected$' "$tmp/mixed.out" && grep -q 'the pipe is rejected: .*E_PIPE_' "$tmp/mixed.out" || fail "rejected pipe: $(cat "$tmp/mixed.out")"
tail -1 "$tmp/mixed.out" | grep -qx "1 passed, 2 failed" || fail "mixed summary: $(tail -1 "$tmp/mixed.out")"
echo "sluice test: all checks passed"
