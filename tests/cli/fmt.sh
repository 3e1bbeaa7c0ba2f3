#!/usr/bin/env bash
# sluice fmt: the layout keeps every value (an independent JSON reader compares before and after,
# member order and duplicates included), is idempotent, keeps runs' docs, and rewrites files the
# way file sinks do (whole or not at all, mode kept, symlinks kept); --check changes nothing.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$src"

# Every JSON file the repository holds as a pipe, a module, a registry or a golden case.
mapfile -t files < <(find examples plugins tests/cases tests/differential schemas -name '*.json' -size -2M | sort)
[ "${#files[@]}" -ge 150 ] || fail "only ${#files[@]} JSON files found"

# 1. Same values (one independent reader for all files) and idempotent.
mkdir "$tmp/once" "$tmp/twice"
checked=0 rejected=0
: > "$tmp/pairs"
for f in "${files[@]}"; do
  out="$tmp/once/$checked.json"
  if ! "$sluice" fmt --stdout "$f" > "$out" 2> "$tmp/err"; then
    # Only the golden cases of bad JSON (descriptors, arch roots) may be refused, with the
    # parser's diagnostic.
    case $f in tests/cases/fail/* | tests/cases/arch/*) ;; *) fail "fmt --stdout $f: $(cat "$tmp/err")" ;; esac
    grep -q 'error\[E_PIPE_JSON_' "$tmp/err" || fail "fmt --stdout $f: $(cat "$tmp/err")"
    rejected=$((rejected + 1))
    continue
  fi
  "$sluice" fmt --stdout "$out" > "$tmp/twice/$checked.json"
  cmp -s "$out" "$tmp/twice/$checked.json" || fail "$f: fmt is not idempotent"
  printf '%s\t%s\n' "$f" "$out" >> "$tmp/pairs"
  checked=$((checked + 1))
done
[ "$checked" -ge 150 ] || fail "only $checked files formatted"
[ "$rejected" -le 24 ] || fail "$rejected files refused"
python3 - "$tmp/pairs" <<'PY' || fail "fmt changed a value"
import json, sys
def load(p):
    # Members as ordered pairs (order and duplicates count), numbers as their text.
    with open(p, encoding="utf-8-sig") as f:
        return json.load(f, object_pairs_hook=lambda pairs: ("obj", pairs),
                         parse_float=lambda t: ("num", t), parse_int=lambda t: ("num", t))
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    original, formatted = line.rstrip("\n").split("\t")
    if load(original) != load(formatted):
        print(f"{original}: a value changed"); bad += 1
sys.exit(1 if bad else 0)
PY
echo "fmt: $checked files keep their values and are idempotent ($rejected bad-JSON cases refused)"

# 2. The repository's examples are formatted, and formatting does not change what a pipe does.
"$sluice" fmt --check examples/*.json examples/brandlab/events.x07.json examples/native/rot13_pipe.json examples/sqlite/*.json \
  plugins/examples/upper_ascii/shout_lines.json > "$tmp/check.out" || { cat "$tmp/check.out"; fail "examples not formatted"; }
grep -q '^14 files formatted$' "$tmp/check.out" || fail "fmt --check summary: $(cat "$tmp/check.out")"
# Golden pipes and their modules, formatted in place in a copy, give the same docs.
cp -r tests/cases "$tmp/cases"
mapfile -t copies < <(find "$tmp/cases" -maxdepth 2 \( -name 'stream_pipe_*.json' -o -name '*.x07.json' \) ! -name '*.case.json' | sort)
"$sluice" fmt "${copies[@]}" > /dev/null
"$sluice" fmt --check "${copies[@]}" > /dev/null || fail "fmt in place left a file unformatted"
compared=0
for f in tests/cases/stream_pipe_*.json; do
  case $f in *.case.json) continue ;; esac
  a=$("$sluice" run "$f" --emit doc 2>/dev/null | od -An -tx1 | tr -d ' \n'; echo ":${PIPESTATUS[0]}")
  b=$("$sluice" run "$tmp/cases/${f#tests/cases/}" --emit doc 2>/dev/null | od -An -tx1 | tr -d ' \n'; echo ":${PIPESTATUS[0]}")
  [ "$a" = "$b" ] || fail "$f: the formatted pipe gives another doc"
  compared=$((compared + 1))
done
[ "$compared" -ge 20 ] || fail "only $compared golden pipes compared"

# 3. In place: --check changes nothing and exits 1; fmt rewrites keeping mode and symlink.
printf '["std.stream.pipe_v1",["std.stream.cfg_v1",["chunk_max_bytes",64]],\n["std.stream.src.bytes_v1",["std.stream.expr_v1",["bytes.lit","a\\u0001\\/\\u00e9"]]],["std.stream.chain_v1"],["std.stream.sink.collect_bytes_v1"]]' > "$tmp/p.json"
chmod 640 "$tmp/p.json"
ln -s p.json "$tmp/link.json"
before=$(md5sum < "$tmp/p.json")
set +e; "$sluice" fmt --check "$tmp/link.json" > "$tmp/out"; st=$?; set -e
[ "$st" = 1 ] || fail "fmt --check on an unformatted file: exit $st"
grep -q 'link.json: not formatted' "$tmp/out" || fail "fmt --check does not name the file"
[ "$(md5sum < "$tmp/p.json")" = "$before" ] || fail "fmt --check changed the file"
"$sluice" fmt "$tmp/link.json" > "$tmp/out"
[ -L "$tmp/link.json" ] || fail "fmt replaced the symlink"
[ "$(stat -c %a "$tmp/p.json")" = 640 ] || fail "fmt lost the file's mode"
cat > "$tmp/want.json" <<'JSON'
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 64]],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\u0001/é"]]],
  ["std.stream.chain_v1"],
  ["std.stream.sink.collect_bytes_v1"]]
JSON
cmp "$tmp/p.json" "$tmp/want.json" || { diff "$tmp/p.json" "$tmp/want.json"; fail "fmt layout"; }
ls -a "$tmp" | grep -q '\.sluice-' && fail "a temporary file was left"
"$sluice" fmt --check "$tmp/p.json" | grep -q '^1 file formatted$' || fail "fmt --check after fmt"

# 4. Not JSON: the parser's diagnostic with line:column, exit 1, the file untouched.
printf '["std.stream.pipe_v1",\n  ["std.stream.cfg_v1",],\n' > "$tmp/bad.json"
before=$(md5sum < "$tmp/bad.json")
set +e; "$sluice" fmt "$tmp/bad.json" 2> "$tmp/err"; st=$?; set -e
[ "$st" = 1 ] || fail "fmt on bad JSON: exit $st"
grep -q "bad.json:2:24: error\[E_PIPE_JSON_SYNTAX\]" "$tmp/err" || fail "bad JSON diagnostic: $(cat "$tmp/err")"
[ "$(md5sum < "$tmp/bad.json")" = "$before" ] || fail "fmt changed a file it could not parse"
# A file that cannot be written: exit 2, the file unchanged.
mkdir "$tmp/ro" && cp "$tmp/link.json" "$tmp/ro/q.json" && printf '[1,\n2]' > "$tmp/ro/q.json" && chmod 555 "$tmp/ro"
if [ "$(id -u)" != 0 ]; then
  set +e; "$sluice" fmt "$tmp/ro/q.json" 2> "$tmp/err"; st=$?; set -e
  [ "$st" = 2 ] || fail "fmt into a read-only directory: exit $st"
  grep -q "cannot write" "$tmp/err" || fail "unwritable message: $(cat "$tmp/err")"
fi
chmod 755 "$tmp/ro"
echo "fmt: all checks passed"
