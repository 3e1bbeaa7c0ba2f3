#!/usr/bin/env bash
# File sinks against targets that are not plain files, with real devices, FIFOs and processes
# (docs/reliability.md): /dev/full gives the spec's write ERR and stays a device; a FIFO is
# written in place; a symlink is followed and kept; a directory is the open-failure ERR; a
# replaced 0640 file keeps its mode and owner; a killed run's temporary file is removed by the
# next run; two runs writing one target leave one whole output.
source "$(dirname "$0")/lib/faults.bash"

# /dev/full, every fs sink, run-os: ERR 41 with the errno ENOSPC (28 = 0x1c); for the stream sinks
# the payload also has flushes (1) and bytes_out (5). The device node is untouched.
for s in "${FS_SINKS[@]}"; do
  pipe full.json "$(src_bytes hello)" "$($s /dev/full)"
  run_sluice full.err run --world run-os full.json
  expect_eq "$status" 3 "$s to /dev/full: exit"
  case $s in
    sink_file) want='ERR 41 stream:fs_write_failed payload=1c000000' ;;
    *) want='ERR 41 stream:fs_write_failed payload=1c0000000100000005000000' ;;
  esac
  expect_eq "$(head -1 full.err)" "$want" "$s to /dev/full"
  [ -c /dev/full ] || fail "$s replaced /dev/full"
done
no_temp_files /dev

# A FIFO with a reader: the bytes arrive, no temporary file, the FIFO is still a FIFO.
mkdir fifo_dir
mkfifo fifo_dir/f
for s in "${FS_SINKS[@]}"; do
  pipe fifo.json "$(src_bytes "through the fifo")" "$($s fifo_dir/f)"
  cat fifo_dir/f > fifo.out &
  reader=$!
  run_sluice fifo.err run fifo.json
  wait "$reader"
  expect_eq "$status" 0 "$s to a FIFO: exit"
  expect_eq "$(cat fifo.out)" "through the fifo" "$s to a FIFO: bytes"
  [ -p fifo_dir/f ] || fail "$s replaced the FIFO"
  expect_eq "$(ls -A fifo_dir)" f "$s to a FIFO: directory"
done

# A symlink: its target is replaced, the link stays. Sandboxed, a link out of the root is refused.
mkdir -p root/data outside
echo old > root/data/real.txt
ln -s data/real.txt root/link
echo keep > outside/victim
ln -s ../outside/victim root/escape
for s in "${FS_SINKS[@]}"; do
  pipe root/link.json "$(src_bytes "$s")" "$($s link)"
  run_sluice link.err run --root root root/link.json
  expect_eq "$status" 0 "$s to a symlink: exit"
  [ -L root/link ] || fail "$s replaced the symlink"
  expect_eq "$(cat root/data/real.txt)" "$s" "$s to a symlink: target bytes"
  pipe root/esc.json "$(src_bytes x)" "$($s escape)"
  run_sluice esc.err run --root root root/esc.json
  expect_eq "$status" 3 "$s to a symlink out of the root: exit"
  grep -q "path resolves outside the fs root" esc.err || fail "$s escape: $(cat esc.err)"
  expect_eq "$(cat outside/victim)" keep "$s escape: victim"
done
no_temp_files root
no_temp_files root/data

# A directory as the target: the sink's open-failure ERR with EISDIR (21 = 0x15): ERR 41 for
# write_file (its only code), ERR 40 for the stream sinks (not 42, the close failure).
mkdir taken
for s in "${FS_SINKS[@]}"; do
  pipe dir.json "$(src_bytes x)" "$($s taken)"
  run_sluice dir.err run dir.json
  expect_eq "$status" 3 "$s to a directory: exit"
  case $s in
    sink_file) want='ERR 41 stream:fs_write_failed payload=15000000' ;;
    *) want='ERR 40 stream:fs_open_failed payload=150000000000000000000000' ;;
  esac
  expect_eq "$(head -1 dir.err)" "$want" "$s to a directory"
  [ -d taken ] && [ -z "$(ls -A taken)" ] || fail "$s changed the directory"
done
no_temp_files .

# A replaced 0640 file keeps its mode and its owner (root may give files away).
for s in "${FS_SINKS[@]}"; do
  echo old > secret.txt
  chmod 0640 secret.txt
  chown 65534:65534 secret.txt 2>/dev/null && owner=65534:65534 || owner=$(stat -c %u:%g secret.txt)
  pipe secret.json "$(src_bytes new)" "$($s secret.txt)"
  run_sluice secret.err run secret.json
  expect_eq "$status" 0 "$s over a 0640 file: exit"
  expect_eq "$(stat -c %a secret.txt)" 640 "$s over a 0640 file: mode"
  expect_eq "$(stat -c %u:%g secret.txt)" "$owner" "$s over a 0640 file: owner"
  expect_eq "$(cat secret.txt)" new "$s over a 0640 file: bytes"
done

# A run killed with SIGKILL while writing leaves its temporary file (and the old target); the
# next run of the same sink removes it. The source is a FIFO held open and never written, so the
# run is certainly in the middle of writing when it is killed.
mkdir killed
echo old > killed/out.txt
mkfifo killed/in
exec 3<>killed/in
pipe killed/p.json "$(src_file in)" "$(sink_file out.txt)"
"$sluice" run --root killed killed/p.json 2>/dev/null &
victim=$!
for _ in $(seq 100); do
  compgen -G 'killed/.sluice-out.txt.*.tmp' >/dev/null && break
  sleep 0.05
done
compgen -G 'killed/.sluice-out.txt.*.tmp' >/dev/null || fail "the run never created its temporary file"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
exec 3>&-
expect_eq "$(cat killed/out.txt)" old "a killed run: target"
compgen -G 'killed/.sluice-out.txt.*.tmp' >/dev/null || fail "the killed run left no temporary file to clean"
touch killed/.sluice-other.txt.1.0.tmp  # another sink's, with a live pid: not ours to remove
pipe killed/q.json "$(src_bytes fresh)" "$(sink_file out.txt)"
run_sluice killed.err run --root killed killed/q.json
expect_eq "$status" 0 "the next run: exit"
expect_eq "$(cat killed/out.txt)" fresh "the next run: target"
expect_eq "$(ls -A killed | grep -c '^\.sluice-out')" 0 "the next run removed the stale temporary file"
[ -e killed/.sluice-other.txt.1.0.tmp ] || fail "another target's temporary file was removed"

# Two runs writing the same target at once end with one whole output, never a mix.
head -c 8000000 /dev/zero | tr '\0' A > a.bin
head -c 6000000 /dev/zero | tr '\0' B > b.bin
mkdir race
for round in 1 2 3 4 5; do
  for s in sink_file sink_stream; do
    pipe race/a.json "$(src_file ../a.bin)" "$($s out.bin)"
    pipe race/b.json "$(src_file ../b.bin)" "$($s out.bin)"
    "$sluice" run --world run-os --root race race/a.json 2>/dev/null & pa=$!
    "$sluice" run --world run-os --root race race/b.json 2>/dev/null & pb=$!
    wait "$pa"; wait "$pb"
    if ! cmp -s race/out.bin a.bin && ! cmp -s race/out.bin b.bin; then fail "round $round $s: a mixed output"; fi
    no_temp_files race
  done
done
echo "fault_targets OK"
