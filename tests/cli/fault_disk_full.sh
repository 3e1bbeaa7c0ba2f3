#!/usr/bin/env bash
# Disk full, for real: a 1 MiB tmpfs mounted by the test, and outputs of 4 MB, so writes hit
# ENOSPC part-way. Each fs sink gives the spec's ERR 41 with ec 28, the old target is untouched
# and no temporary file is left. Needs the right to mount (root): skips otherwise.
source "$(dirname "$0")/lib/faults.bash"
mkdir mnt
if ! mount -t tmpfs -o size=1m sluice-full "$tmp/mnt" 2>mount.err; then
  echo "SKIP: cannot mount a tmpfs ($(cat mount.err)); run as root to test a full disk"
  exit $SKIP
fi
cleanup_hooks+=("umount '$tmp/mnt'")
head -c 4000000 /dev/urandom > big.bin
for s in "${FS_SINKS[@]}"; do
  echo "old contents" > mnt/out.bin
  pipe full.json "$(src_file "$tmp/big.bin")" "$($s out.bin)"
  run_sluice full.err run --world run-os --root mnt full.json
  expect_eq "$status" 3 "$s on a full disk: exit"
  case $s in
    sink_file) grep -qx 'ERR 41 stream:fs_write_failed payload=1c000000' full.err ;;
    *) grep -q '^ERR 41 stream:fs_write_failed payload=1c000000' full.err ;;  # then flushes, bytes_out
  esac || fail "$s on a full disk: $(cat full.err)"
  expect_eq "$(cat mnt/out.bin)" "old contents" "$s on a full disk: target"
  no_temp_files mnt
  # The space is free again: the same sink with a small output succeeds.
  pipe small.json "$(src_bytes fits)" "$($s out.bin)"
  run_sluice small.err run --world run-os --root mnt small.json
  expect_eq "$status" 0 "$s after the disk-full run: exit"
  expect_eq "$(cat mnt/out.bin)" fits "$s after the disk-full run: target"
done
echo "fault_disk_full OK"
