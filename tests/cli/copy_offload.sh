#!/usr/bin/env bash
# Copy offload (docs/architecture.md "Copy offload"): a pipe that copies a file unchanged lets the
# kernel move the bytes, and must give exactly the doc and the file the page path gives.
#  - every refill geometry (chunk below, equal to and above bufread_cap_bytes, cap not a multiple
#    of chunk) and file sizes around the window edges: the doc of the offloaded run equals the doc
#    of --no-copy-offload byte for byte, its counters equal a model of spec §6's fill loop written
#    here, the output equals the input, and offloaded_bytes says the kernel did the copy;
#  - each budget (max_in_bytes, max_out_bytes, max_items, max_steps) at its limit (offloaded, OK)
#    and one past it (page path, the same ERR doc as --no-copy-offload);
#  - mmap read mode, a u32frames sink (never offloaded: it adds headers), an output on another
#    file system (a tmpfs, when the test may mount one), and a built executable.
source "$(dirname "$0")/lib/faults.bash"

# model_counts SIZE CHUNK CAP: "ITEMS STEPS" of spec §6's loop: fill() returns what is left of the
# current window, or refills a window of up to CAP bytes; each item is the first min(len, CHUNK)
# bytes of it; the step whose fill is empty ends the input, and counts as a step.
model_counts() {
  awk -v size="$1" -v chunk="$2" -v cap="$3" 'BEGIN {
    pos = 0; window = 0; items = 0; steps = 0
    while (1) {
      steps++
      if (window == 0) { window = (size - pos < cap) ? size - pos : cap; if (window == 0) break }
      take = (window < chunk) ? window : chunk
      items++; window -= take; pos += take
    }
    print items, steps
  }'
}

# write_pipe FILE CHUNK CAP MAX_IN MAX_OUT MAX_ITEMS MAX_STEPS [frames]: in.bin to out.bin, no stages.
write_pipe() {
  local sink; sink=$(sink_file out.bin)
  [ "${8:-}" = frames ] && sink="[\"std.stream.sink.u32frames_v1\", $sink]"
  printf '["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", %s], ["bufread_cap_bytes", %s], ["max_in_bytes", %s], ["max_out_bytes", %s], ["max_items", %s], ["max_steps", %s]], %s, ["std.stream.chain_v1"], %s]\n' \
    "$2" "$3" "$4" "$5" "$6" "$7" "$(src_file in.bin)" "$sink" > "$1"
}

# json_field FILE KEY: a top-level scalar of a run report; KEY counters gives the four counters.
json_field() {
  if [ "$2" = counters ]; then
    sed -n 's/.*"counters":{"bytes_in":\([0-9]*\),"bytes_out":\([0-9]*\),"items_in":\([0-9]*\),"items_out":\([0-9]*\)}.*/\1 \2 \3 \4/p' "$1"
  else
    sed -n 's/.*"'"$2"'":\([^,}]*\).*/\1/p' "$1"
  fi
}

# run_both PIPE EXTRA...: the doc and the JSON report with and without offload, in a.doc/a.json
# (offload allowed) and b.doc/b.json (--no-copy-offload); a.out/b.out keep each run's output file.
run_both() {
  local p=$1; shift
  rm -f out.bin
  "$sluice" run "$p" --root . --no-fsync --emit json "$@" > a.json || true
  [ -f out.bin ] && mv out.bin a.out || rm -f a.out
  "$sluice" run "$p" --root . --no-fsync --emit doc "$@" > a.doc || true
  rm -f out.bin
  "$sluice" run "$p" --root . --no-fsync --emit json --no-copy-offload "$@" > b.json || true
  [ -f out.bin ] && mv out.bin b.out || rm -f b.out
  "$sluice" run "$p" --root . --no-fsync --emit doc --no-copy-offload "$@" > b.doc || true
  cmp -s a.doc b.doc || fail "$p $*: offloaded doc $(xxd -p a.doc) differs from the page path's $(xxd -p b.doc)"
  expect_eq "$(json_field b.json offloaded_bytes)" 0 "$p $*: --no-copy-offload offloaded"
  no_temp_files .
}

big=2147483647
cases=0
for geom in "65536 65536" "1000 4096" "4096 10000" "3000 7000" "7 16" "1 1"; do
  read -r chunk cap <<<"$geom"
  for size in 1 $((cap - 1)) "$cap" $((cap + 1)) $((3 * cap + 5)) 200003; do
    [ "$size" -ge 1 ] || continue
    head -c "$size" /dev/urandom > in.bin
    read -r items steps < <(model_counts "$size" "$chunk" "$cap")
    write_pipe p.json "$chunk" "$cap" "$big" "$big" "$big" "$big"
    for mode in read mmap; do
      run_both p.json --read-mode "$mode"
      cmp -s in.bin a.out || fail "chunk $chunk cap $cap size $size $mode: output differs from the input"
      expect_eq "$(json_field a.json counters)" "$size $size $items $items" "chunk $chunk cap $cap size $size $mode: counters"
      expect_eq "$(json_field a.json offloaded_bytes)" "$size" "chunk $chunk cap $cap size $size $mode: offloaded"
      cases=$((cases + 1))
    done
  done
done
echo "geometries: $cases runs, docs equal to the page path's"

# Budgets at the limit (offloaded) and one past (the page path's ERR doc).
chunk=1000 cap=4096 size=50000
head -c "$size" /dev/urandom > in.bin
read -r items steps < <(model_counts "$size" "$chunk" "$cap")
budget_case() {  # NAME MAX_IN MAX_OUT MAX_ITEMS MAX_STEPS EXPECT_STATUS EXPECT_OFFLOADED
  write_pipe budget.json "$chunk" "$cap" "$2" "$3" "$4" "$5"
  run_both budget.json
  local ok; ok=$(json_field a.json ok)
  expect_eq "$ok" "$6" "$1: ok"
  expect_eq "$(json_field a.json offloaded_bytes)" "$7" "$1: offloaded"
  if [ "$6" = true ]; then cmp -s in.bin a.out || fail "$1: output differs"; fi
  if [ "$6" = false ] && [ -f a.out ]; then fail "$1: an ERR run left out.bin"; fi
}
budget_case "max_in_bytes at the limit" "$size" "$big" "$big" "$big" true "$size"
budget_case "max_in_bytes one past" $((size - 1)) "$big" "$big" "$big" false 0
expect_eq "$(json_field a.json code)" 2 "max_in_bytes one past: code"
budget_case "max_out_bytes at the limit" "$big" "$size" "$big" "$big" true "$size"
budget_case "max_out_bytes one past" "$big" $((size - 1)) "$big" "$big" false 0
expect_eq "$(json_field a.json code)" 3 "max_out_bytes one past: code"
budget_case "max_items at the limit" "$big" "$big" "$items" "$big" true "$size"
budget_case "max_items one past" "$big" "$big" $((items - 1)) "$big" false 0
expect_eq "$(json_field a.json code)" 4 "max_items one past: code"
budget_case "max_steps at the limit" "$big" "$big" "$big" "$steps" true "$size"
budget_case "max_steps one past" "$big" "$big" "$big" $((steps - 1)) false 0
expect_eq "$(json_field a.json code)" 1 "max_steps one past: code"
echo "budgets: at the limit offloaded, one past the page path's ERR"

# A u32frames sink adds a header per item: never offloaded, same doc.
write_pipe f.json "$chunk" "$cap" "$big" "$big" "$big" "$big" frames
run_both f.json
expect_eq "$(json_field a.json offloaded_bytes)" 0 "u32frames: offloaded"
cmp -s a.out b.out || fail "u32frames: outputs differ"

# An existing target is replaced, never appended to or left half-written.
printf 'an older and much longer file than the input will be, by quite a few bytes\n%.0s' {1..2000} > out.bin
write_pipe p.json 65536 65536 "$big" "$big" "$big" "$big"
"$sluice" run p.json --root . --no-fsync --emit json > a.json
cmp -s in.bin out.bin || fail "replacing a longer target: output differs from the input"
expect_eq "$(json_field a.json offloaded_bytes)" "$size" "replacing a longer target: offloaded"

# Another file system: the kernel may copy across or refuse (EXDEV); either way the same doc.
mkdir mnt
if mount -t tmpfs -o size=8m sluice-offload "$tmp/mnt" 2>/dev/null; then
  cleanup_hooks+=("umount '$tmp/mnt'")
  printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1"], %s]\n' "$CFG" "$(src_file "$tmp/in.bin")" "$(sink_file out.bin)" > x.json
  "$sluice" run x.json --world run-os --root mnt --no-fsync --emit doc > a.doc
  cmp -s in.bin mnt/out.bin || fail "across file systems: output differs from the input"
  rm mnt/out.bin
  "$sluice" run x.json --world run-os --root mnt --no-fsync --emit doc --no-copy-offload > b.doc
  cmp -s a.doc b.doc || fail "across file systems: docs differ"
  echo "across file systems: same doc and bytes"
else
  echo "note: cannot mount a tmpfs here; the cross-file-system case was not run"
fi

# A built executable offloads too, and takes --no-copy-offload.
head -c 300000 /dev/urandom > in.bin
write_pipe p.json 65536 65536 "$big" "$big" "$big" "$big"
"$sluice" build p.json -o copy_exe --cache-dir "$tmp/cache" >/dev/null
rm -f out.bin
./copy_exe --root . --no-fsync --emit json > e.json
cmp -s in.bin out.bin || fail "built executable: output differs from the input"
expect_eq "$(json_field e.json offloaded_bytes)" 300000 "built executable: offloaded"
./copy_exe --root . --no-fsync --emit doc > e.doc
./copy_exe --root . --no-fsync --emit doc --no-copy-offload > f.doc
run_both p.json
cmp -s e.doc a.doc || fail "built executable: doc differs from sluice run's"
cmp -s f.doc a.doc || fail "built executable --no-copy-offload: doc differs"
echo "copy_offload OK"
