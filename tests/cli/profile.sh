#!/usr/bin/env bash
# --profile (run and built executables): the doc never changes; each stage's items and bytes in
# and out are the exact counts (lines split, frames made, what the sink got), stage i's input is
# stage i-1's output, the parts' copied bytes sum to the run's copied_bytes, --emit json carries
# a "profile" member valid against schemas/run-output.schema.json, the table on stderr has one
# row per part; an ERR run and a trap still print it. Times are never asserted.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export SLUICE_CACHE_DIR="$build/build-cache"
cd "$src"

# 20,000 lines of 0..199 bytes, read in 1000-byte chunks: lines span chunks and are copied.
python3 -c '
import random, sys
random.seed(7)
with open(sys.argv[1], "wb") as f:
    for i in range(20000): f.write(b"y" * random.randint(0, 199) + b"\n")' "$tmp/in.txt"
pipe() {  # $1: max_items
  cat <<JSON
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 1000], ["bufread_cap_bytes", 1000], ["max_in_bytes", 100000000],
    ["max_out_bytes", 100000000], ["max_items", $1]],
  ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.txt"]]],
  ["std.stream.chain_v1",
    ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 256]],
    ["std.stream.xf.frame_u32le_v1"]],
  ["std.stream.sink.hash_fnv1a32_v1"]]
JSON
}
pipe 1000000 > "$tmp/pipe.json"
pipe 500 > "$tmp/err.json"
"$sluice" build "$tmp/pipe.json" -o "$tmp/exe" > /dev/null
"$sluice" build "$tmp/err.json" -o "$tmp/err_exe" > /dev/null
read -r lines line_bytes < <(python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
print(data.count(b"\n"), len(data) - data.count(b"\n"))' "$tmp/in.txt")
in_bytes=$(stat -c %s "$tmp/in.txt")

for runner in run exe; do
  cmd=("$sluice" run "$tmp/pipe.json" --root "$tmp"); [ "$runner" = exe ] && cmd=("$tmp/exe" --root "$tmp")
  "${cmd[@]}" --emit doc > "$tmp/doc.plain" 2> "$tmp/err.plain"
  [ ! -s "$tmp/err.plain" ] || fail "$runner: without --profile, stderr: $(cat "$tmp/err.plain")"
  "${cmd[@]}" --emit doc --profile > "$tmp/doc.profiled" 2> "$tmp/table"
  cmp -s "$tmp/doc.plain" "$tmp/doc.profiled" || fail "$runner: --profile changed the doc"
  grep -q '^profile: wall ' "$tmp/table" || fail "$runner: no table: $(cat "$tmp/table")"
  [ "$(grep -Ec '^  (source|[0-9]+|sink) ' "$tmp/table")" -eq 4 ] || fail "$runner: not 4 rows: $(cat "$tmp/table")"
  "${cmd[@]}" --emit json > "$tmp/plain.json"
  grep -q '"profile"' "$tmp/plain.json" && fail "$runner: a profile without --profile"
  "${cmd[@]}" --emit json --profile > "$tmp/$runner.json" 2> /dev/null
  node tools/validate-json.mjs schemas run-output.schema.json "$tmp/$runner.json" || fail "$runner: JSON out of schema"
  node -e '
const [file, lines, lineBytes, inBytes, runner] = process.argv.slice(1);
const d = JSON.parse(require("fs").readFileSync(file, "utf8"));
const p = d.profile.parts;
const fail = (m) => { console.error(`FAIL: ${runner}: ${m}: ${JSON.stringify(p)}`); process.exit(1); };
if (p.map((x) => x.id).join() !== "std.stream.src.fs_open_read_v1,std.stream.xf.split_lines_v1,std.stream.xf.frame_u32le_v1,std.stream.sink.hash_fnv1a32_v1") fail("parts");
if (p[1].pointer !== "/3/1" || p[2].index !== 1) fail("pointer or index");
if (p[0].items_out !== d.counters.items_in || p[0].bytes_out !== Number(inBytes)) fail("source out");
if (p[1].items_out !== Number(lines) || p[1].bytes_out !== Number(lineBytes)) fail("lines split");
if (p[2].items_out !== Number(lines) || p[2].bytes_out !== Number(lineBytes) + 4 * Number(lines)) fail("frames");
for (let i = 1; i < p.length; i++)
  if (p[i].items_in !== p[i - 1].items_out || p[i].bytes_in !== p[i - 1].bytes_out) fail(`part ${i} in != part ${i - 1} out`);
if (p[3].items_in !== d.counters.items_out || p[3].bytes_in !== d.counters.bytes_out) fail("sink in vs counters");
const copied = p.reduce((s, x) => s + x.copied_bytes, 0);
if (copied !== d.copied_bytes) fail(`copied ${copied} != ${d.copied_bytes}`);
if (p[1].copied_bytes === 0) fail("split_lines copied nothing (lines span 1000-byte chunks)");
' "$tmp/$runner.json" "$lines" "$line_bytes" "$in_bytes" "$runner"

  # An ERR doc (max_items 500): exit 3, and the table still comes, up to where it stopped.
  cmd=("$sluice" run "$tmp/err.json" --root "$tmp"); [ "$runner" = exe ] && cmd=("$tmp/err_exe" --root "$tmp")
  status=0; "${cmd[@]}" --emit json --profile > "$tmp/err.out" 2> "$tmp/err.table" || status=$?
  [ "$status" -eq 3 ] || fail "$runner: ERR run exit $status"
  grep -q '^profile: wall ' "$tmp/err.table" || fail "$runner: no table after an ERR doc"
  node tools/validate-json.mjs schemas run-output.schema.json "$tmp/err.out" || fail "$runner: ERR JSON out of schema"
  # A trap (the file is missing): exit 4, the trap message, then the table.
  cmd=("$sluice" run "$tmp/pipe.json" --root "$tmp/nowhere"); [ "$runner" = exe ] && cmd=("$tmp/exe" --root "$tmp/nowhere")
  mkdir -p "$tmp/nowhere"
  status=0; "${cmd[@]}" --profile > /dev/null 2> "$tmp/trap.table" || status=$?
  [ "$status" -eq 4 ] || fail "$runner: trap exit $status"
  grep -q 'trap:' "$tmp/trap.table" && grep -q '^profile: wall ' "$tmp/trap.table" || fail "$runner: trap: $(cat "$tmp/trap.table")"
done
# Both backends count the same (times aside).
strip='const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); for (const p of d.profile.parts) delete p.time_ns; delete d.profile.wall_ns; delete d.profile.init_ns; console.log(JSON.stringify(d));'
cmp <(node -e "$strip" "$tmp/run.json") <(node -e "$strip" "$tmp/exe.json") || fail "run and exe profiles count differently"
echo "profile: OK"
