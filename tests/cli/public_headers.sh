#!/usr/bin/env bash
# The installed public headers stand alone (issue 10, item 9):
#  - every header directly under PREFIX/include/sluice/ includes only standard headers and other
#    public <sluice/NAME> headers (never <sluice/runtime/...>, quotes, or third-party headers);
#  - each one compiles on its own from a folder holding nothing but the public headers;
#  - a C++ host (tests/hosts/public_api_host.cpp) compiles with only -I PREFIX/include, links the
#    installed libraries, runs, and gets the results `sluice run` would;
#  - a stream API host compiles the same way and links the runtime library alone.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}; build=${3:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
cxx=${CXX:-c++}
cc=${CC:-cc}

mapfile -t public < <(find "$prefix/include/sluice" -maxdepth 1 -type f \( -name '*.hpp' -o -name '*.h' \) -printf '%f\n' | sort)
[ "${#public[@]}" -ge 2 ] || { echo "no public headers installed"; exit 1; }
for h in sluice.hpp sluice.h x07_stream_xf_plugin_abi_v1.h; do
  printf '%s\n' "${public[@]}" | grep -qx "$h" || { echo "missing public header $h"; exit 1; }
done

# 1. What each public header includes.
fail=0
for h in "${public[@]}"; do
  while IFS= read -r line; do
    inc=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*//' <<<"$line")
    if [[ $inc =~ ^\<sluice/([A-Za-z0-9_.]+)\>$ ]]; then
      printf '%s\n' "${public[@]}" | grep -qx "${BASH_REMATCH[1]}" && continue
    elif [[ $inc =~ ^\<[a-z_]+\>$ || $inc =~ ^\<(stddef|stdint|stdbool|stdio|stdlib|string|limits)\.h\>$ ]]; then
      continue
    fi
    echo "$h: not a standard or public header: $line"
    fail=1
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$prefix/include/sluice/$h")
done
[ $fail -eq 0 ]

# 2. Each compiles alone, next to nothing but the other public headers.
mkdir -p "$tmp/only/sluice"
for h in "${public[@]}"; do cp "$prefix/include/sluice/$h" "$tmp/only/sluice/"; done
for h in "${public[@]}"; do
  printf '#include <sluice/%s>\n' "$h" | "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I "$tmp/only" -x c++ -
  if [[ $h == *.h ]]; then
    printf '#include <sluice/%s>\n' "$h" | "$cc" -std=c11 -fsyntax-only -Wall -Wextra -Werror -I "$tmp/only" -x c -
  fi
done

# 3. A host with only -I PREFIX/include, linked against the installed libraries.
libs=("$prefix"/lib*/libsluice_compiler.a "$prefix"/lib*/libsluice_plugins.a "$prefix"/lib*/libsluice_stdlib.a "$prefix"/lib*/libsluice_runtime.a)
"$cxx" -std=c++20 -Wall -Wextra -Werror -O1 -I "$prefix/include" "$src/tests/hosts/public_api_host.cpp" \
  -o "$tmp/host" "${libs[@]}" -lxxhash -lsqlite3 -ldl
out=$("$tmp/host")
echo "$out"
grep -qx 'world: solve-pure' <<<"$out"
grep -qx 'run: ok-doc exit=0 items_out=2 seen=ab!|cd!| calls=2 doc=21' <<<"$out"
grep -qx 'own: ok-doc payload=from the descriptor!' <<<"$out"
grep -qx 'err: err-doc exit=3 code=4 message=stream:budget_items' <<<"$out"
grep -q '^trap: trap exit=4 doc=0 text=trap:user_fn_trap.*no shouting' <<<"$out"
grep -qx 'bad: rejected n=1 first=E_PIPE_UNKNOWN_FIELD line=4 json=has the code' <<<"$out"
grep -qx 'plan: has map_bytes' <<<"$out"
grep -qx "version: $("$sluice" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)" <<<"$out"
# 4. A host of the stream API (<sluice/stream.hpp>; examples/embed/stream_frames.cpp) with only
#    -I PREFIX/include, linked against the installed runtime library alone.
mkdir -p "$tmp/ex"
cp "$src/examples/embed/stream_frames.cpp" "$src/examples/embed/frame_reader.hpp" "$tmp/ex/"
"$cxx" -std=c++20 -Wall -Wextra -Werror -O1 -I "$prefix/include" "$tmp/ex/stream_frames.cpp" -o "$tmp/frames" \
  "$prefix"/lib*/libsluice_runtime.a -pthread
"$tmp/frames" --count 300 --page 1024 | grep -qx 'frames: copy rule holds'
echo "public headers OK"
