#!/usr/bin/env bash
# Resource limits: with `ulimit -n 16` a copy runs as usual; with too few descriptors for the
# source the run traps with "Too many open files"; with a small `ulimit -v` a run whose payload
# cannot fit traps with out_of_memory. Never a crash or a hang (each run has a time bound), never
# a partial output or a temporary file.
source "$(dirname "$0")/lib/faults.bash"
head -c 4000000 /dev/urandom > big.bin
pipe copy.json "$(src_file big.bin)" "$(sink_file copy.bin)"
bounded() { timeout 60 "$@"; }
# Descriptors the test runner may have passed down would count against the limit: close them.
close_inherited() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

(close_inherited; ulimit -n 16; bounded "$sluice" run copy.json 2>n16.err) || fail "ulimit -n 16: $(cat n16.err)"
cmp big.bin copy.bin
rm copy.bin

# 0, 1, 2, the interpreter's own files, and nothing left for the source.
set +e; (close_inherited; ulimit -n 6; bounded "$sluice" run copy.json 2>n6.err); st=$?; set -e
expect_eq "$st" 4 "ulimit -n 6: exit"
grep -qx "sluice: trap:fs_open_failed: 'big.bin': Too many open files" n6.err || fail "ulimit -n 6: $(cat n6.err)"
[ ! -e copy.bin ] || fail "ulimit -n 6 left an output"
no_temp_files .

# The same copy in 30 MB of address space: streaming needs flat memory, so it still runs.
(ulimit -v 30000; bounded "$sluice" run copy.json 2>v30.err) || fail "ulimit -v 30000, copy: $(cat v30.err)"
cmp big.bin copy.bin
# Collecting 50 MB in 30 MB cannot fit: a trap, exit 4.
head -c 50000000 /dev/zero > zeros.bin
pipe collect.json "$(src_file zeros.bin)" "$(sink_collect)"
set +e; (ulimit -v 30000; bounded "$sluice" run collect.json --emit payload >/dev/null 2>v30c.err); st=$?; set -e
expect_eq "$st" 4 "ulimit -v 30000, collect 50 MB: exit"
grep -q "out of memory\|out_of_memory" v30c.err || fail "ulimit -v, collect: $(cat v30c.err)"
echo "fault_limits OK"
