#!/usr/bin/env bash
# Guards the suite against tests that never run or cannot fail (issue 21):
#  - no doctest test case name contains ';' (doctest_discover_tests would split it into two CTest
#    entries that each match nothing), and the CTest entries of the unit tests are exactly the
#    doctest test cases, one each;
#  - every such entry fails when it runs zero test cases and shows a skipped case as Skipped
#    (exit 77, SKIP_RETURN_CODE)
#    (tests/doctest_properties.cmake), and that property really fails such a run;
#  - no shell test asserts with a negated command (`! grep ...`), which set -e ignores.
set -euo pipefail
src=${2:?source dir}; build=${3:?build dir}
unit="$build/tests/sluice_unit_tests"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "suite_guard: $*" >&2; fail=1; }

"$unit" --list-test-cases --no-version >"$tmp/list.txt"
grep -v -e '^\[doctest\]' -e '^=====' "$tmp/list.txt" | sed '/^$/d' >"$tmp/cases.txt"
n_cases=$(wc -l <"$tmp/cases.txt")
[ "$n_cases" -ge 100 ] || bad "only $n_cases doctest test cases listed"
while IFS= read -r name; do bad "a test case name contains ';' (CTest would split it): $name"; done \
  < <(grep ';' "$tmp/cases.txt" || true)

(cd "$build" && ctest --show-only=json-v1) >"$tmp/ctest.json"
python3 - "$tmp/ctest.json" "$tmp/cases.txt" "$unit" <<'EOF' || fail=1
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
cases = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
unit = sys.argv[3]
entries = {}
bad = False
for t in tests:
    cmd = t.get("command") or []
    if not cmd or not cmd[0].endswith("/sluice_unit_tests"):
        continue
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    entries[t["name"]] = props
    for need in ("FAIL_REGULAR_EXPRESSION", "SKIP_RETURN_CODE"):
        if need not in props:
            print(f"suite_guard: CTest entry without {need}: {t['name']}", file=sys.stderr)
            bad = True
missing = sorted(set(cases) - set(entries))
extra = sorted(set(entries) - set(cases))
for m in missing:
    print(f"suite_guard: doctest case with no CTest entry of its own: {m}", file=sys.stderr)
for e in extra:
    print(f"suite_guard: CTest entry that names no doctest case: {e}", file=sys.stderr)
if len(cases) != len(set(cases)):
    print("suite_guard: two doctest cases share a name (one CTest entry runs both)", file=sys.stderr)
    bad = True
sys.exit(1 if bad or missing or extra else 0)
EOF

# The zero-case property must really fail a run that matches nothing: a scratch CTest project
# with one entry whose filter matches no case, given the same properties file.
mkdir -p "$tmp/proj"
cat >"$tmp/proj/CTestTestfile.cmake" <<EOF
add_test([==[no such case]==] "$unit" [==[--test-case=no such case; really]==])
set(sluice_unit_tests_TESTS [==[no such case]==])
include("$src/tests/doctest_properties.cmake")
EOF
if (cd "$tmp/proj" && ctest >"$tmp/proj/out.txt" 2>&1); then
  bad "a CTest entry that runs zero test cases passed"
fi
grep -q 'Required regular expression\|Failed\|Error regular expression' "$tmp/proj/out.txt" ||
  bad "the zero-case entry did not fail on the regular expression: $(cat "$tmp/proj/out.txt")"

# Negated commands in shell tests: under set -e a `! cmd` line can never fail the script.
while IFS= read -r hit; do bad "a negated command cannot fail under set -e (use if ...; then exit 1; fi): $hit"; done \
  < <(grep -nE '^[[:space:]]*![[:space:]]' "$src"/tests/cli/*.sh || true)

[ $fail -eq 0 ] && echo "suite guard OK ($n_cases test cases, one CTest entry each)"
exit $fail
