#!/usr/bin/env bash
# Any number of builds share one build cache safely (compiler/build_cache.hpp):
#  - 8 `sluice build` of the same pipe at once, on a cold cache: all succeed, each executable's doc
#    is `sluice run`'s, and no build's generated source changes while it is compiled (before
#    entries were published by rename, 1 to 3 of 8 failed with "undefined reference to `main`":
#    one build rewrote the cached pipeline.cpp while another compiled it);
#  - 8 builds of 8 different pipes at once, the same;
#  - 8 `sluice run --native-module` of one module at once, and 4 `build --native-module` at once;
#  - the cache then holds only complete entries and no work directory;
#  - a work directory left by a killed build is never used, and the next build removes it.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/cache
export SLUICE_CACHE_DIR=$cache
cd "$tmp"
cp "$src/examples/hello_lines.json" same.json
cp -r "$src/examples/native" native

# Starts the commands given one per argument line in the background, waits for all of them, and
# fails naming every one that failed (with its output).
run_all() {
  local cmds=("$@") pids=() i=0 failed=0
  for cmd in "${cmds[@]}"; do
    bash -c "$cmd" >"out.$i" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "FAILED: ${cmds[$i]}"; cat "out.$i"; failed=1
    fi
  done
  return $failed
}

# A C++ compiler that fails when the generated source it was given is changed or removed while it
# compiles (checked across a pause, so that the other builds started with it are at work meanwhile):
# what made builds of the same pipe fail at random, made certain.
cat >watch-cxx <<'WATCH'
#!/usr/bin/env bash
src=
for a in "$@"; do case $a in *pipeline.cpp) src=$a ;; esac; done
[ -n "$src" ] || exec "${REAL_CXX:-c++}" "$@"
before=$(stat -c '%i %y %s' "$src")
sleep 2
"${REAL_CXX:-c++}" "$@" || exit $?
after=$(stat -c '%i %y %s' "$src" 2>/dev/null || echo removed)
[ "$before" = "$after" ] || { echo "watch-cxx: $src changed while it was compiled: $before -> $after" >&2; exit 1; }
WATCH
chmod +x watch-cxx
export REAL_CXX=${CXX:-c++}

# 8 builds of the same pipe at once: through watch-cxx, then with the compiler itself.
"$sluice" run same.json --emit doc >same.doc
cmds=()
# Started 0.3 s apart, so that each build writes its source while the first ones are compiling.
for i in 0 1 2 3 4 5 6 7; do
  cmds+=("sleep $((i * 3 / 10)).$((i * 3 % 10)); '$sluice' build same.json --cxx '$tmp/watch-cxx' -o watched_exe.$i")
done
run_all "${cmds[@]}"
for i in 0 1 2 3 4 5 6 7; do ./watched_exe.$i --emit doc | cmp - same.doc; done
cmds=()
for i in 0 1 2 3 4 5 6 7; do cmds+=("'$sluice' build same.json -o same_exe.$i"); done
run_all "${cmds[@]}"
for i in 0 1 2 3 4 5 6 7; do ./same_exe.$i --emit doc | cmp - same.doc; done

# 8 different pipes at once (each a different text, so a different cache key).
cmds=()
for i in 0 1 2 3 4 5 6 7; do
  sed "s/hello.nstream/hello $i\\\\nstream/" same.json >diff.$i.json
  grep -q "hello $i" diff.$i.json
  cmds+=("'$sluice' build diff.$i.json -o diff_exe.$i")
done
run_all "${cmds[@]}"
for i in 0 1 2 3 4 5 6 7; do
  ./diff_exe.$i --emit doc | cmp - <("$sluice" run diff.$i.json --emit doc)
done

# Native modules: 8 runs compiling the same shared object at once, then 4 builds linking it.
SLUICE_CACHE_DIR=$tmp/reference-cache "$sluice" run native/rot13_pipe.json --native-module native/rot13.cpp \
  --emit doc >rot13.doc
export SLUICE_CACHE_DIR=$tmp/native-cache
cmds=()
for i in 0 1 2 3 4 5 6 7; do
  cmds+=("'$sluice' run native/rot13_pipe.json --native-module native/rot13.cpp --emit doc >rot13.doc.$i")
done
run_all "${cmds[@]}"
for i in 0 1 2 3 4 5 6 7; do cmp rot13.doc rot13.doc.$i; done
cmds=()
for i in 0 1 2 3; do
  cmds+=("'$sluice' build native/rot13_pipe.json --native-module native/rot13.cpp -o rot13_exe.$i")
done
run_all "${cmds[@]}"
for i in 0 1 2 3; do ./rot13_exe.$i --emit doc | cmp - rot13.doc; done

# Only complete entries are left, and no work directory.
for c in "$cache" "$tmp/native-cache"; do
  if ls -A "$c" | grep -q '^\.work-'; then echo "work directory left in $c"; ls -A "$c"; exit 1; fi
  for e in "$c"/*; do
    [ -x "$e/pipeline" ] || [ -f "$e/native_module.so" ] || { echo "incomplete entry $e"; ls -la "$e"; exit 1; }
  done
done
[ "$(ls "$cache" | wc -l)" -eq 10 ]  # the same pipe's two entries (two compilers), 8 different ones

# A killed build's work directory (its pid is gone) holding a broken executable: the next build
# of that pipe neither uses it nor leaves it behind.
export SLUICE_CACHE_DIR=$cache
rm -rf "$cache"
"$sluice" build same.json -o first_exe
entry=$(ls "$cache")
rm -rf "${cache:?}/$entry"
# The pid of a process that has exited. (Not `sleep & kill`: a kill that lands before the child
# has exec'd runs this script's EXIT trap in the child, which removes $tmp.)
dead=$(bash -c 'echo $$')
stale="$cache/.work-$(hostname | tr -- '-/' '__')-$dead-1.0-$entry"
mkdir -p "$stale"
printf 'broken' >"$stale/pipeline"; chmod +x "$stale/pipeline"
"$sluice" build same.json -o again_exe
./again_exe --emit doc | cmp - same.doc
[ ! -e "$stale" ]
echo "concurrent builds: all executables match run"
