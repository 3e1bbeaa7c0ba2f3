#!/usr/bin/env bash
# Layers point one way (DESIGN.md): runtime includes only runtime; stdlib includes runtime and
# stdlib; nothing under runtime/ or stdlib/ includes compiler/; nlohmann and CLI11 stay out of
# runtime and stdlib; xxHash is included by one runtime file only.
set -u
src=${2:?source dir}
cd "$src"
fail=0
bad() { echo "layering: $*"; fail=1; }
while IFS= read -r hit; do bad "runtime includes a higher layer: $hit"; done \
  < <(grep -rnE '#include "(stdlib|compiler)/' runtime/ || true)
while IFS= read -r hit; do bad "stdlib includes the compiler: $hit"; done \
  < <(grep -rnE '#include "compiler/' stdlib/ || true)
while IFS= read -r hit; do bad "a third-party header outside its corner: $hit"; done \
  < <(grep -rnE '#include <(nlohmann|CLI)/' runtime/ stdlib/ || true)
n=$(grep -rlE '#include <xxhash.h>' runtime/ stdlib/ compiler/ | wc -l)
[ "$n" -le 1 ] || bad "xxhash.h is included by $n files (one runtime header only)"
[ $fail -eq 0 ] && echo "layering OK"
exit $fail
