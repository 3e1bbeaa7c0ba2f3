#!/usr/bin/env bash
# sluice run --compile never|auto|always: x07 functions compiled into the build cache and called
# in place of the interpreter. auto uses them only when the cache has them and never compiles;
# always compiles them when missing; never interprets. Every mode gives the same doc
# (and the same doc as a built executable); `input` is the run's own --input even when the
# compiled functions come from the cache; a par_map mapper runs compiled on worker threads; a
# plan with a native-module function stays interpreted under auto and is refused under always;
# a failing compiler is exit 5 under always and invisible under auto. Times are never asserted.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export SLUICE_CACHE_DIR="$tmp/cache"
cd "$src"
module=tests/differential/diff.x07.json
printf 'alpha\nbeta 12\n\ngamma\n' > "$tmp/in.txt"
printf 'IN:' > "$tmp/input1"; printf 'other input|' > "$tmp/input2"
pipe() {  # $1: the stage
  cat <<JSON
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 4], ["bufread_cap_bytes", 64], ["max_in_bytes", 100000],
    ["max_out_bytes", 100000], ["max_items", 1000]],
  ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.txt"]]],
  ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]], $1],
  ["std.stream.sink.collect_bytes_v1"]]
JSON
}
pipe '["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "diff.m_input"]]' > "$tmp/input.json"
pipe '["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "diff.m_bytes"]]' > "$tmp/bytes.json"
run() { "$sluice" run "$@" --module "$module" --world solve-fs --root "$tmp" --emit doc; }

# The modes, in cache order: auto before anything is cached interprets; always compiles; auto
# and always then find the object; never interprets. One doc.
run "$tmp/bytes.json" --compile never -v > "$tmp/never.doc" 2> "$tmp/err"
grep -q '^interpreted: --compile never$' "$tmp/err" || fail "never: $(cat "$tmp/err")"
run "$tmp/bytes.json" -v > "$tmp/auto0.doc" 2> "$tmp/err"
grep -q '^interpreted: not in the cache' "$tmp/err" || fail "auto, empty cache: $(cat "$tmp/err")"
[ ! -d "$tmp/cache" ] || [ -z "$(ls -A "$tmp/cache")" ] || fail "auto ran the compiler: $(ls "$tmp/cache")"
run "$tmp/bytes.json" --compile always -v > "$tmp/always.doc" 2> "$tmp/err"
grep -Eq "^compiled: $tmp/cache/[0-9a-f]+/x07_functions.so$" "$tmp/err" || fail "always: $(cat "$tmp/err")"
run "$tmp/bytes.json" -v > "$tmp/auto1.doc" 2> "$tmp/err"
grep -q '^cached: ' "$tmp/err" || fail "auto, cached: $(cat "$tmp/err")"
run "$tmp/bytes.json" --compile always -v > "$tmp/always2.doc" 2> "$tmp/err"
grep -q '^cached: ' "$tmp/err" || fail "always, cached: $(cat "$tmp/err")"
for d in auto0 always auto1 always2; do
  cmp -s "$tmp/never.doc" "$tmp/$d.doc" || fail "--compile $d gave another doc"
done
"$sluice" build "$tmp/bytes.json" --module "$module" --world solve-fs -o "$tmp/bytes_exe" > /dev/null
"$tmp/bytes_exe" --root "$tmp" --emit doc > "$tmp/exe.doc"
cmp -s "$tmp/never.doc" "$tmp/exe.doc" || fail "the executable gave another doc"

# `input` is this run's, also when the object was compiled for another run's input.
for input in input1 input2; do
  run "$tmp/input.json" --input "$tmp/$input" --compile never > "$tmp/$input.never"
  run "$tmp/input.json" --input "$tmp/$input" --compile always -v > "$tmp/$input.always" 2> "$tmp/err"
  grep -Eq '^(compiled|cached): ' "$tmp/err" || fail "$input: $(cat "$tmp/err")"
  cmp -s "$tmp/$input.never" "$tmp/$input.always" || fail "$input: the compiled functions read another input"
done
cmp -s "$tmp/input1.never" "$tmp/input2.never" && fail "the input makes no difference (the test proves nothing)"
grep -q 'other input|beta 12' "$tmp/input2.always" || fail "input2: $(xxd "$tmp/input2.always" | head)"

# A par_map mapper, compiled, on two worker threads: the doc of the interpreter.
head -c 300000 /dev/urandom > "$tmp/par_map_in.bin"
cp bench/par_map/par.json "$tmp/par.json"
par() { "$sluice" run "$tmp/par.json" --module bench/par_map/bench.x07.json --root "$tmp" --par-threads 2 --emit doc "$@"; }
par --compile never > "$tmp/par.never"
par --compile always -v > "$tmp/par.always" 2> "$tmp/err"
grep -q '^compiled: ' "$tmp/err" || fail "par_map: $(cat "$tmp/err")"
cmp -s "$tmp/par.never" "$tmp/par.always" || fail "par_map: the compiled mapper gave another doc"

# A native-module function cannot be compiled in: auto interprets (and says why under -v),
# always refuses with exit 2 and the reason.
native=(run examples/native/rot13_pipe.json --native-module examples/native/rot13.cpp --world solve-pure --emit doc)
"$sluice" "${native[@]}" --compile never > "$tmp/native.never"
"$sluice" "${native[@]}" -v > "$tmp/native.auto" 2> "$tmp/err"
cmp -s "$tmp/native.never" "$tmp/native.auto" || fail "native module: auto changed the doc"
grep -q '^interpreted: the x07 functions cannot be compiled' "$tmp/err" || fail "native, auto: $(cat "$tmp/err")"
status=0; "$sluice" "${native[@]}" --compile always > /dev/null 2> "$tmp/err" || status=$?
[ "$status" -eq 2 ] || fail "native, always: exit $status: $(cat "$tmp/err")"
grep -q '^sluice: --compile always: the x07 functions cannot be compiled' "$tmp/err" || fail "native, always: $(cat "$tmp/err")"

# A compiler that fails, or none: always is a failed build (5, with the compiler's words), auto
# never compiles.
export SLUICE_CACHE_DIR="$tmp/cache2"
printf '#!/bin/sh\n[ "$1" = --version ] && { echo "fake c++ 1.0"; exit 0; }\necho "fake c++: internal error" >&2\nexit 1\n' > "$tmp/bad_cxx"
chmod +x "$tmp/bad_cxx"
status=0; CXX=$tmp/bad_cxx run "$tmp/bytes.json" --compile always > /dev/null 2> "$tmp/err" || status=$?
[ "$status" -eq 5 ] || fail "failing compiler: exit $status: $(cat "$tmp/err")"
grep -q 'the C++ compiler failed' "$tmp/err" && grep -q 'fake c++: internal error' "$tmp/err" || fail "failing compiler: $(cat "$tmp/err")"
status=0; CXX=/nonexistent/c++ run "$tmp/bytes.json" --compile always > /dev/null 2> "$tmp/err" || status=$?
[ "$status" -eq 5 ] || fail "no compiler: exit $status: $(cat "$tmp/err")"
grep -q 'no C++ compiler' "$tmp/err" || fail "no compiler: $(cat "$tmp/err")"
CXX=$tmp/bad_cxx run "$tmp/bytes.json" > "$tmp/auto2.doc"
cmp -s "$tmp/never.doc" "$tmp/auto2.doc" || fail "auto with a failing compiler changed the doc"
[ -z "$(ls -A "$tmp/cache2" 2>/dev/null | grep -v '^\.work-')" ] || fail "a failed compile left an entry: $(ls -A "$tmp/cache2")"
status=0; run "$tmp/bytes.json" --compile sometimes > /dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "--compile sometimes: exit $status"
echo "compile_fns: OK"
