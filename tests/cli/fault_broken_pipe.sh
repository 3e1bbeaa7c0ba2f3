#!/usr/bin/env bash
# A reader that goes away must not kill sluice or a built executable with SIGPIPE:
#  - `--emit payload|doc | head -c1`: exit 6 and "cannot write the result to stdout: Broken pipe"
#    (and stdout on /dev/full: exit 6, "No space left on device");
#  - a FIFO sink whose reader exits after one byte: ERR 41 with the errno EPIPE (32 = 0x20).
source "$(dirname "$0")/lib/faults.bash"
head -c 4000000 /dev/urandom > big.bin
pipe collect.json "$(src_file big.bin)" "$(sink_collect)"
SLUICE_CACHE_DIR="$tmp/cache" "$sluice" build collect.json -o collect_exe 2>build.err || { cat build.err; fail "build"; }

check_head() {  # LABEL CMD...: CMD's stdout into `head -c1`
  local label=$1; shift
  set +e
  "$@" 2>head.err | head -c1 >/dev/null
  local st=${PIPESTATUS[0]}
  set -e
  expect_eq "$st" 6 "$label | head -c1: exit"
  grep -qx 'sluice: cannot write the result to stdout: Broken pipe' head.err || fail "$label: $(cat head.err)"
}
for mode in payload doc; do
  check_head "run --emit $mode" "$sluice" run collect.json --emit $mode
  check_head "built --emit $mode" ./collect_exe --emit $mode
done

# stdout on a full device: the same status, with the device's error.
set +e; "$sluice" run collect.json --emit doc >/dev/full 2>full.err; st=$?; set -e
expect_eq "$st" 6 "--emit doc > /dev/full: exit"
grep -qx 'sluice: cannot write the result to stdout: No space left on device' full.err || fail "/dev/full stdout: $(cat full.err)"

# A FIFO sink whose reader reads one byte and exits.
mkfifo f
for s in "${FS_SINKS[@]}"; do
  pipe fifo.json "$(src_file big.bin)" "$($s f)"
  SLUICE_CACHE_DIR="$tmp/cache" "$sluice" build fifo.json -o fifo_exe 2>build.err || { cat build.err; fail "build"; }
  for who in run built; do
    head -c1 f >/dev/null &
    reader=$!
    set +e
    if [ $who = run ]; then "$sluice" run fifo.json 2>fifo.err; else ./fifo_exe 2>fifo.err; fi
    st=$?
    set -e
    wait "$reader"
    expect_eq "$st" 3 "$s, $who, FIFO reader gone: exit"
    case $s in
      sink_file) grep -qx 'ERR 41 stream:fs_write_failed payload=20000000' fifo.err ;;
      *) grep -q '^ERR 41 stream:fs_write_failed payload=20000000' fifo.err ;;
    esac || fail "$s, $who, FIFO reader gone: $(cat fifo.err)"
    grep -q "Broken pipe" fifo.err || fail "$s, $who: no detail: $(cat fifo.err)"
    [ -p f ] || fail "$s replaced the FIFO"
  done
done

# --no-fsync: same doc, same file, on run and on a built executable.
pipe copy.json "$(src_file big.bin)" "$(sink_file copy.bin)"
SLUICE_CACHE_DIR="$tmp/cache" "$sluice" build copy.json -o copy_exe 2>build.err || { cat build.err; fail "build"; }
"$sluice" run copy.json --emit doc > doc.fsync
cmp big.bin copy.bin
rm copy.bin
"$sluice" run copy.json --emit doc --no-fsync > doc.nofsync
cmp big.bin copy.bin && cmp doc.fsync doc.nofsync
rm copy.bin
./copy_exe --no-fsync --emit doc > doc.exe
cmp big.bin copy.bin && cmp doc.fsync doc.exe
echo "fault_broken_pipe OK"
