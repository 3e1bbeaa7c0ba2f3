#!/usr/bin/env bash
# `sluice arch check` (x07-pipes §9.5, docs/cli.md):
#  - the built-in registry (plugins/registry) and the worked example (plugins/examples/upper_ascii,
#    with its pipe scanned) are clean, their committed contracts locks fresh; --format json prints
#    a check-output.schema.json array;
#  - every broken arch root of tests/cases/arch/<case>/ (expect.txt: code, file[:line:column], exit
#    status, then the extra arguments) fails, or warns, with that code at that place;
#  - --write-lock writes a lock (valid against contracts-lock.schema.json, hashes equal to an
#    independent RFC 8785 + SHA-256 computed here), after which the check is clean; reformatting a
#    contract keeps the lock fresh, a changed value, a new or a removed contract makes it stale
#    (E_ARCH_CONTRACTS_LOCK_MISMATCH at the lock's line); a broken lock gets X07's lock codes;
#  - the lock is written atomically: no temporary file is left, nothing is written when there are
#    errors, and a target that cannot be replaced is a diagnostic.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$src/tools/node_modules/ajv/package.json" ] || ! command -v node >/dev/null; then
  echo "arch_check: node and tools/node_modules/ajv are needed; run scripts/install-deps"
  exit 1
fi
validate() { node "$src/tools/validate-json.mjs" "$src/schemas" "$@"; }

# Runs `sluice arch check "$@"`, leaving the output in $out and the exit status in $rc.
arch_check() {
  set +e
  out=$("$sluice" arch check "$@" 2>&1); rc=$?
  set -e
}
fail() { echo "arch_check: $*"; echo "$out"; exit 1; }

# 1. The committed arch roots are clean and pinned.
arch_check --arch-root "$src/plugins/registry"
[ $rc -eq 0 ] || fail "built-in registry: exit $rc"
# As many plugins as the built-in index lists.
n_builtin=$(grep -c "\"plugin_id\"" "$src/plugins/registry/arch/stream/plugins/index.x07sp.json")
grep -q "^arch check: $n_builtin plugins, 0 errors, 0 warnings: OK\$" <<<"$out" || fail "built-in registry: summary"
ex=$src/plugins/examples/upper_ascii
arch_check --arch-root "$ex" "$ex/shout_lines.json"
[ $rc -eq 0 ] || fail "example: exit $rc"
grep -q '^arch check: 1 plugin, 0 errors, 0 warnings: OK$' <<<"$out" || fail "example: summary"
grep -q "^note: $ex/arch/manifest.x07arch.json: stream_plugins" <<<"$out" || fail "example: the manifest is not named"
"$sluice" arch check --arch-root "$ex" --format json "$ex/shout_lines.json" > "$tmp/clean.json"
[ "$(tr -d ' \n' < "$tmp/clean.json")" = "[]" ] || { cat "$tmp/clean.json"; exit 1; }
validate check-output.schema.json "$tmp/clean.json"
validate contracts-lock.schema.json "$src/plugins/registry/arch/contracts.lock.json" "$ex/arch/contracts.lock.json"
echo "built-in registry and example: clean, locks fresh"

# 2. One broken arch root per code.
n=0
for dir in "$src"/tests/cases/arch/*/; do
  name=$(basename "$dir")
  { read -r code; read -r where; read -r status; read -r extra || true; } < "$dir/expect.txt"
  read -ra args <<<"${extra:-}"
  (cd "$dir" && set +e && "$sluice" arch check --arch-root . "${args[@]}" > "$tmp/out.txt" 2>&1; echo $? > "$tmp/rc.txt")
  out=$(cat "$tmp/out.txt"); rc=$(cat "$tmp/rc.txt")
  [ "$rc" = "$status" ] || fail "$name: exit $rc, expected $status"
  grep -qE "^$(sed 's/[.[\*^$]/\\&/g' <<<"$where"): (error|warning)\[$code\]" <<<"$out" || fail "$name: no $code at $where"
  # The same diagnostics as JSON, in the shape `check --format json` prints.
  (cd "$dir" && set +e && "$sluice" arch check --arch-root . --format json "${args[@]}" > "$tmp/case.json" 2>/dev/null || true)
  validate check-output.schema.json "$tmp/case.json" >/dev/null
  grep -q "\"code\": *\"$code\"" "$tmp/case.json" || fail "$name: $code missing from --format json"
  n=$((n + 1))
done
[ $n -ge 42 ] || { echo "arch_check: only $n cases"; exit 1; }
echo "$n arch roots of tests/cases/arch: each with its code at its line:column"

# 3. --write-lock, then a clean check; what makes the lock stale and what does not.
root=$tmp/root
cp -r "$src/tests/cases/arch/lock_missing" "$root"
rm "$root/expect.txt"
arch_check --arch-root "$root" --write-lock
[ $rc -eq 0 ] || fail "--write-lock: exit $rc"
grep -q "^wrote $root/arch/contracts.lock.json$" <<<"$out" || fail "--write-lock: not written"
[ "$(ls -A "$root/arch")" = "$(printf 'budgets\ncontracts.lock.json\nstream')" ] || { ls -A "$root/arch"; exit 1; }
validate contracts-lock.schema.json "$root/arch/contracts.lock.json"
arch_check --arch-root "$root"
[ $rc -eq 0 ] || fail "after --write-lock: exit $rc"
grep -q '^arch check: 2 plugins, 0 errors, 0 warnings: OK$' <<<"$out" || fail "after --write-lock: not clean"
# The pins, computed independently: RFC 8785 of these files (ASCII strings, integers) is Python's
# sorted compact dump; SHA-256 from hashlib.
python3 - "$root" <<'PY'
import hashlib, json, sys
root = sys.argv[1]
lock = json.load(open(f"{root}/arch/contracts.lock.json"))
def pin(rel):
    doc = json.load(open(f"{root}/{rel}"))
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
want_indexes = ["arch/budgets/index.x07budgets.json", "arch/stream/plugins/index.x07sp.json"]
want_files = ["arch/budgets/profiles/p_small_v1.budget.json",
              "arch/stream/plugins/specs/acme.a_v1.x07sp-plugin.json", "arch/stream/plugins/specs/acme.b_v1.x07sp-plugin.json"]
assert sorted(lock["indexes"]) == want_indexes, lock["indexes"]
assert sorted(lock["files"]) == want_files, lock["files"]
for table, paths in (("indexes", want_indexes), ("files", want_files)):
    for p in paths:
        assert lock[table][p]["jcs_sha256_hex"] == pin(p), p
PY
echo "--write-lock: pins match an independent RFC 8785 + SHA-256"

# Reformatted and reordered, the same contract: still fresh.
spec_a=$root/arch/stream/plugins/specs/acme.a_v1.x07sp-plugin.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(dict(reversed(list(d.items()))), open(sys.argv[1],"w"), indent=7)' "$spec_a"
arch_check --arch-root "$root"
[ $rc -eq 0 ] || fail "a reformatted spec made the lock stale"
# A changed value: stale, at the line of that file's pin in the lock.
sed -i 's/"v": 1/"v": 2/' "$spec_a"
arch_check --arch-root "$root"
[ $rc -eq 1 ] || fail "edited spec: exit $rc"
line=$(grep -n '"arch/stream/plugins/specs/acme.a_v1.x07sp-plugin.json"' "$root/arch/contracts.lock.json" | cut -d: -f1)
grep -qE "^$root/arch/contracts.lock.json:$((line + 1)):[0-9]+: error\[E_ARCH_CONTRACTS_LOCK_MISMATCH\]: .*acme.a_v1.x07sp-plugin.json changed" <<<"$out" \
  || fail "edited spec: no mismatch at line $((line + 1))"
# --write-lock again pins the edit.
arch_check --arch-root "$root" --write-lock
[ $rc -eq 0 ] || fail "re-lock: exit $rc"
arch_check --arch-root "$root"
[ $rc -eq 0 ] || fail "after re-lock: exit $rc"
# A removed contract (the budgets index is gone): its pin is stale, the budget refs unchecked.
mv "$root/arch/budgets/index.x07budgets.json" "$tmp/budgets.json"
arch_check --arch-root "$root"
[ $rc -eq 1 ] || fail "removed budgets index: exit $rc"
grep -q 'error\[E_ARCH_CONTRACTS_LOCK_MISMATCH\]: .*the lock pins .*index.x07budgets.json, which is no longer' <<<"$out" || fail "removed contract"
mv "$tmp/budgets.json" "$root/arch/budgets/index.x07budgets.json"
echo "the lock: stale on a changed value or a removed contract, fresh after reformatting"

# 4. Broken locks get X07's lock codes.
lock=$root/arch/contracts.lock.json
cp "$lock" "$tmp/good.lock"
expect_lock() {  # code, then line of the lock it must be reported at
  arch_check --arch-root "$root"
  [ $rc -eq 1 ] || fail "$1: exit $rc"
  grep -qE "^$lock:$2:[0-9]+: error\[$1\]" <<<"$out" || fail "$1 not at line $2"
  cp "$tmp/good.lock" "$lock"
}
# The lock is written sorted: "files" on line 2, its first path on line 3, that pin on line 4.
sed -i '2s/{/{,/' "$lock"; expect_lock E_ARCH_CONTRACTS_LOCK_JSON_PARSE 2
sv=$(grep -n '"schema_version"' "$lock" | cut -d: -f1)
sed -i "${sv}s/@0.1.0/@0.2.0/" "$lock"; expect_lock E_ARCH_CONTRACTS_LOCK_SCHEMA_VERSION "$sv"
sed -i '4s/"[0-9a-f]\{64\}"/"NOT-HEX"/' "$lock"; expect_lock E_ARCH_CONTRACTS_LOCK_SCHEMA_INVALID 3
echo "broken locks: JSON, schema_version, schema"

# 5. Atomic writes: an edit with errors is not pinned; a target that cannot be replaced is reported.
sed -i 's/"state_bytes": 16/"state_bytes": 17/' "$spec_a"
arch_check --arch-root "$root" --write-lock
[ $rc -eq 1 ] || fail "--write-lock with errors: exit $rc"
grep -q 'error\[E_ARCH_STREAM_PLUGIN_SPEC_BUDGETS_MISMATCH\]' <<<"$out" || fail "--write-lock with errors: no diagnostic"
grep -q "not written: the contracts have errors" <<<"$out" || fail "--write-lock with errors: no note"
cmp -s "$lock" "$tmp/good.lock" || fail "--write-lock with errors changed the lock"
sed -i 's/"state_bytes": 17/"state_bytes": 16/' "$spec_a"
rm "$lock"; mkdir "$lock"
arch_check --arch-root "$root" --write-lock
[ $rc -eq 1 ] || fail "unwritable lock: exit $rc"
grep -q "^$lock: error\[E_ARCH_CONTRACTS_LOCK_WRITE\]" <<<"$out" || fail "unwritable lock: no diagnostic"
[ -z "$(ls -A "$lock")" ] && [ "$(ls -A "$root/arch" | grep -c '\.tmp$' || true)" = 0 ] || { ls -la "$root/arch"; exit 1; }
echo "--write-lock: all or nothing"

# 6. Usage errors.
arch_check --arch-root "$root" --world solve-nothing
[ $rc -eq 2 ] || fail "unknown world: exit $rc"
arch_check --arch-root "$tmp/no-such-dir"
[ $rc -eq 2 ] || fail "missing arch root: exit $rc"
echo "arch_check: OK"
