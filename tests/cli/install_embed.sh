#!/usr/bin/env bash
# Installs sluice into a temporary prefix, then, with no source tree in sight:
#  - builds the embedding examples (C++ and C) against the installed CMake package, runs them;
#  - runs the stream API examples (a) framed messages from a pipe, (b) delayed length prefixes;
#  - builds the C host again with pkg-config;
#  - runs PREFIX/bin/sluice build and the executable it makes;
#  - runs and builds with a native module (examples/native) from the prefix.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
cp -r "$src/examples/embed" "$tmp/embed"
cmake -S "$tmp/embed" -B "$tmp/embed-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/embed-build" -j2 >/dev/null

out=$("$tmp/embed-build/embed_cpp")
echo "$out"
grep -q '^line: first line$' <<<"$out"
grep -q '^line: third line$' <<<"$out"
# take_v1 3 stops before the fourth line. (`! grep` would not do: set -e ignores a negated
# command, so it could never fail the script.)
if grep -q 'fourth' <<<"$out"; then echo "install_embed: take_v1 3 let the fourth line through" >&2; exit 1; fi
grep -q 'OK bytes_in=46 bytes_out=31 items_in=3 items_out=3' <<<"$out"
grep -q 'bad descriptor: rejected' <<<"$out"

out=$("$tmp/embed-build/embed_c")
echo "$out"
# 3 lines framed: 4+5 + 4+4 + 4+5 = 26 bytes
grep -q 'status=0 ok=1 bytes_in=17 bytes_out=26 items_in=3 items_out=3 hash=' <<<"$out"
grep -q 'callback: status=0 delivered=26 bytes' <<<"$out"

# The stream API examples (docs/stream_api.md), against sluice::runtime alone.
# (a) framed messages from a self-fed pipe: every message seen, copies == spanning frames only.
out=$("$tmp/embed-build/stream_frames" --count 3000 --page 4096)
echo "$out"
grep -q '^frames: messages=3000 ' <<<"$out"
grep -qx 'frames: copy rule holds' <<<"$out"
copied=$(sed -nE 's/.* copied=([0-9]+) .*/\1/p' <<<"$out" | head -1)
[ "$copied" -gt 0 ] || { echo "install_embed: no frame crossed a page: the copy rule was not exercised" >&2; exit 1; }
# (b) records with delayed length prefixes, in C, to a file; then an unfilled hole at close.
"$tmp/embed-build/delayed_write" "$tmp/records.bin" >"$tmp/dw.out"
cat "$tmp/dw.out"
grep -qx 'delayed_write: records=3 bytes=66' "$tmp/dw.out"
grep -qx 'delayed_write: unfilled hole at close: closed with a hole never filled' "$tmp/dw.out"
grep -qx 'delayed_write: written before the hole: kept' "$tmp/dw.out"
# (b)'s file, byte for byte: each record behind its u32le length.
printf '\x15\x00\x00\x00delayed length prefix\x06\x00\x00\x00second\x1b\x00\x00\x00a third record of six words' \
  | cmp - "$tmp/records.bin"
# (a) again over (b)'s file on stdin, with 16-byte pages (every record crosses one), and truncated.
out=$("$tmp/embed-build/stream_frames" --stdin --page 16 <"$tmp/records.bin")
echo "$out"
grep -q '^frames: messages=3 payload=54 consumed=66 copied=' <<<"$out"
grep -qx 'frames: copy rule holds' <<<"$out"
if head -c 30 "$tmp/records.bin" | "$tmp/embed-build/stream_frames" --stdin --page 16 >"$tmp/trunc.out"; then
  echo "install_embed: a truncated input was accepted" >&2; exit 1
fi
grep -qx 'frames: the input ended inside a message' "$tmp/trunc.out"

PKG_CONFIG_PATH="$prefix/lib/pkgconfig" cc -o "$tmp/embed_c_pc" "$tmp/embed/host.c" \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs sluice)
"$tmp/embed_c_pc" | grep -q 'status=0 ok=1'
# The C stream example with pkg-config too: a plain C compiler, the installed .pc file.
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" cc -o "$tmp/delayed_write_pc" "$tmp/embed/delayed_write.c" \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs sluice)
"$tmp/delayed_write_pc" "$tmp/records_pc.bin" | grep -qx 'delayed_write: records=3 bytes=66'
cmp "$tmp/records.bin" "$tmp/records_pc.bin"

# The installed sluice builds executables from its own headers and libraries.
cp "$src/examples/hello_lines.json" "$tmp/pipe.json"
(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" build pipe.json -o "$tmp/pipe_exe" -v 2>&1 | grep -q "$prefix/include/sluice")
"$tmp/pipe_exe" --emit doc | cmp - <("$sluice" run "$tmp/pipe.json" --emit doc)
# Native modules compile against the installed headers (stdlib/native_module.hpp and what it
# includes), for run (a shared object) and for build (an object linked into the executable).
cp -r "$src/examples/native" "$tmp/native"
out=$(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" run native/rot13_pipe.json \
  --native-module native/rot13.cpp --emit doc | od -An -c | tr -d ' \n')
grep -q 'ebbz101' <<<"$out"
out=$(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" build pipe.json -o "$tmp/pipe_native_exe" \
  --native-module native/rot13.cpp -v 2>&1)
grep -q -- "-DSLUICE_NATIVE_MODULE_SYMBOL=sluice_native_module_v1_0 -I$prefix/include/sluice" <<<"$out"
"$tmp/pipe_native_exe" --emit doc | cmp - <("$sluice" run "$tmp/pipe.json" --emit doc)
# A pipe whose stage calls the native function, built from the prefix, gives run's doc.
(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" build native/rot13_pipe.json -o "$tmp/rot13_exe" \
  --native-module native/rot13.cpp)
"$tmp/rot13_exe" --emit doc | cmp - <(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" run \
  native/rot13_pipe.json --native-module native/rot13.cpp --emit doc)
# x07 functions (a module found by id next to the pipe) compile against the installed
# stdlib/x07 headers and library.
mkdir -p "$tmp/x07"
cp -r "$src/examples/branded_events.json" "$src/examples/brandlab" "$tmp/x07/"
cp "$src/examples/data/messages.u32" "$tmp/x07/"
(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" build x07/branded_events.json -o "$tmp/branded_exe")
"$tmp/branded_exe" --root "$tmp/x07" --emit doc | cmp - <("$sluice" run "$tmp/x07/branded_events.json" --root "$tmp/x07" --emit doc)
# A user stream plugin (plugins/examples/upper_ascii, a C file against the installed ABI header)
# runs and builds from the prefix with the same doc; a built-in plugin id builds too.
cp -r "$src/plugins/examples/upper_ascii" "$tmp/upper"
(cd "$tmp/upper" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" build shout_lines.json -o "$tmp/shout_exe" \
  --plugin upper_ascii.c)
"$tmp/shout_exe" --emit doc | cmp - <(cd "$tmp/upper" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" run \
  shout_lines.json --plugin upper_ascii.c --emit doc)
test -f "$prefix/include/sluice/x07_stream_xf_plugin_abi_v1.h"
(cd "$tmp" && SLUICE_CACHE_DIR="$tmp/cache" "$prefix/bin/sluice" build "$src/tests/cases/stream_plugins_emit_view_v1.json" \
  --world solve-pure -o "$tmp/view_exe")
"$tmp/view_exe" --emit doc | cmp - <("$sluice" run "$src/tests/cases/stream_plugins_emit_view_v1.json" --world solve-pure --emit doc)
echo "install + embed OK"
