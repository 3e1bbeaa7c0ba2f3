#!/usr/bin/env bash
# --progress (run and built executables): the line says bytes read of the file's size, rate, items
# out and ETA; auto draws on a terminal only and never under CI=...; the doc never changes; a short
# run draws nothing. SLUICE_PROGRESS_DELAY_MS=0 makes a short run
# draw (the delay is a second otherwise); timing is never asserted.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export SLUICE_CACHE_DIR="$build/build-cache"
unset CI || true

# 32 MB of 100-byte lines, read in 4 KiB items: thousands of ticks.
python3 -c '
import sys
line = b"x" * 99 + b"\n"
with open(sys.argv[1], "wb") as f:
    for _ in range(320): f.write(line * 1000)' "$tmp/in.txt"
cat > "$tmp/pipe.json" <<'JSON'
["std.stream.pipe_v1",
  ["std.stream.cfg_v1",
    ["chunk_max_bytes", 4096],
    ["bufread_cap_bytes", 65536],
    ["max_in_bytes", 100000000],
    ["max_out_bytes", 100000000],
    ["max_items", 1000000]],
  ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.txt"]]],
  ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 256]]],
  ["std.stream.sink.hash_fnv1a32_v1"]]
JSON
"$sluice" build "$tmp/pipe.json" -o "$tmp/exe" > /dev/null
line_re='^sluice: [0-9.]+ (B|kB|MB) of 32\.0 MB \([0-9]+%\), [0-9.]+ (B|kB|MB|GB)/s, [0-9]+ items out, [0-9]+:[0-9]{2}(, ETA [0-9]+:[0-9]{2})?$'

for runner in run exe; do
  cmd=("$sluice" run "$tmp/pipe.json" --root "$tmp"); [ "$runner" = exe ] && cmd=("$tmp/exe" --root "$tmp")
  "${cmd[@]}" --emit doc --progress never > "$tmp/doc.never" 2> "$tmp/err.never"
  [ ! -s "$tmp/err.never" ] || fail "$runner: --progress never printed: $(cat "$tmp/err.never")"
  # always, into a file: plain lines, one per redraw, and the same doc.
  SLUICE_PROGRESS_DELAY_MS=0 "${cmd[@]}" --emit doc --progress always > "$tmp/doc.always" 2> "$tmp/err.always"
  cmp -s "$tmp/doc.never" "$tmp/doc.always" || fail "$runner: --progress changed the doc"
  [ -s "$tmp/err.always" ] || fail "$runner: --progress always drew nothing"
  grep -Evq "$line_re" "$tmp/err.always" && fail "$runner: a progress line out of shape: $(grep -Ev "$line_re" "$tmp/err.always" | head -1)"
  grep -q $'\r\|\x1b' "$tmp/err.always" && fail "$runner: terminal codes in a file"
  # auto into a file: nothing. On a terminal: redrawn in place, cleared at the end.
  SLUICE_PROGRESS_DELAY_MS=0 "${cmd[@]}" --progress auto 2> "$tmp/err.auto" || fail "$runner: run failed"
  grep -q '^sluice: [0-9.]* [kMG]*B of' "$tmp/err.auto" && fail "$runner: --progress auto drew into a file"
  if command -v script > /dev/null; then
    printf '%q ' "${cmd[@]}" > "$tmp/cmd"
    SLUICE_PROGRESS_DELAY_MS=0 script -qec "$(cat "$tmp/cmd") --emit summary" /dev/null > "$tmp/tty.out" < /dev/null
    grep -q $'\rsluice: [0-9.]* [kMG]*B of 32.0 MB' "$tmp/tty.out" || fail "$runner: no progress on a terminal: $(head -c 300 "$tmp/tty.out" | od -c | head)"
    grep -q $'\r\x1b\[K'"OK bytes_in=32000000" "$tmp/tty.out" || fail "$runner: the line is not cleared before the report"
    CI=true SLUICE_PROGRESS_DELAY_MS=0 script -qec "$(cat "$tmp/cmd")" /dev/null > "$tmp/tty.ci" < /dev/null
    grep -q 'MB of 32' "$tmp/tty.ci" && fail "$runner: progress under CI=true"
    SLUICE_PROGRESS_DELAY_MS=0 script -qec "$(cat "$tmp/cmd") --progress never" /dev/null > "$tmp/tty.never" < /dev/null
    grep -q 'MB of 32' "$tmp/tty.never" && fail "$runner: progress with --progress never"
  else
    echo "progress: no script(1) here: the terminal cases are not tested"
  fi
  set +e; "${cmd[@]}" --progress sometimes > /dev/null 2> "$tmp/err.bad"; st=$?; set -e
  [ "$st" = 2 ] || fail "$runner: --progress sometimes: exit $st"
done
# A short run draws nothing, even with always and no delay.
"$sluice" run "$src/examples/hello_lines.json" --progress always 2> "$tmp/err.short"
grep -q 'items out' "$tmp/err.short" && fail "a short run drew a progress line"
echo "progress: all checks passed"
