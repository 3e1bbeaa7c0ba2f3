#!/usr/bin/env bash
# Read faults on the fs source, made for real:
#  - short reads and EINTR: an LD_PRELOAD shim built here makes read(2) on the data file return
#    one byte at a time and fail with EINTR every third call; the docs (and a written file) are
#    byte-identical to a normal read's;
#  - a file truncated while it is read (the shim slows each read so the truncation lands
#    mid-way): an OK doc for the bytes that were there, and the output is exactly that prefix;
#  - a directory as the source, and an unreadable file: a trap with the OS's reason (exit 4).
source "$(dirname "$0")/lib/faults.bash"
command -v cc >/dev/null || { echo "SKIP: no C compiler to build the read(2) shim"; exit $SKIP; }
cat > shim.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* Applies to the file whose path contains $SHIM_FILE only. SHIM_DELAY_US: sleep before each
 * read and read whole (the truncation test); otherwise one byte a read, EINTR every third. */
static ssize_t (*real_read)(int, void*, size_t);
static unsigned long calls, shimmed;
static int is_target(int fd) {
  const char* want = getenv("SHIM_FILE");
  char link[64], path[4096];
  if (want == NULL || fd <= 2) return 0;
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t m = readlink(link, path, sizeof path - 1);
  if (m <= 0) return 0;
  path[m] = 0;
  return strstr(path, want) != NULL;
}
ssize_t read(int fd, void* buf, size_t n) {
  if (real_read == NULL) real_read = (ssize_t (*)(int, void*, size_t))dlsym(RTLD_NEXT, "read");
  if (n == 0 || !is_target(fd)) return real_read(fd, buf, n);
  ++shimmed;
  const char* delay = getenv("SHIM_DELAY_US");
  if (delay != NULL) {
    usleep((useconds_t)atoi(delay));
    return real_read(fd, buf, n);
  }
  if (++calls % 3 == 0) { errno = EINTR; return -1; }
  return real_read(fd, buf, 1);
}
__attribute__((destructor)) static void report(void) {
  const char* out = getenv("SHIM_COUNT");
  if (out == NULL) return;
  FILE* f = fopen(out, "w");
  if (f != NULL) { fprintf(f, "%lu\n", shimmed); fclose(f); }
}
C
cc -shared -fPIC -O1 -o shim.so shim.c -ldl

# Short reads and EINTR: every doc identical, through the interpreter and a built executable.
head -c 60000 /dev/urandom > data.bin
printf 'line one\nline two\n\nlast line without newline' >> data.bin
pipe collect.json "$(src_file data.bin)" "$(sink_collect)"
printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 1000000]], ["std.stream.xf.frame_u32le_v1"]], ["std.stream.sink.hash_fnv1a32_v1"]]\n' \
  "$CFG" "$(src_file data.bin)" > lines.json
pipe copy.json "$(src_file data.bin)" "$(sink_stream copy.bin)"
SLUICE_CACHE_DIR="$tmp/cache" "$sluice" build lines.json -o lines_exe 2>build.err || { cat build.err; fail build; }
for p in collect lines copy; do
  "$sluice" run $p.json --emit doc > $p.normal
  [ $p = copy ] && mv copy.bin copy.normal.bin
  SHIM_FILE=data.bin SHIM_COUNT=count LD_PRELOAD=$tmp/shim.so "$sluice" run $p.json --emit doc > $p.shim
  [ "$(cat count)" -gt 60000 ] || fail "$p: the shim did not intercept the reads ($(cat count) calls)"
  cmp $p.normal $p.shim || fail "$p: a different doc under short reads and EINTR"
  [ $p = copy ] && { cmp copy.normal.bin copy.bin || fail "copy: a different file under short reads"; }
done
./lines_exe --emit doc > exe.normal
SHIM_FILE=data.bin LD_PRELOAD=$tmp/shim.so ./lines_exe --emit doc > exe.shim
cmp exe.normal exe.shim || fail "built executable: a different doc under short reads and EINTR"
cmp lines.normal exe.normal || fail "built executable and run differ"

# A file truncated while it is read: 64 reads of 64 KiB, 30 ms each; truncated to 100 KB
# after 0.5 s. The run ends OK with what it read; the output is exactly that prefix. The pages
# path is the one under test (the shim slows read(2)): copy offload would copy the whole file
# before the truncation, which is also right but tests nothing here.
head -c 4194304 /dev/urandom > shrink.bin
cp shrink.bin shrink.orig
pipe shrink.json "$(src_file shrink.bin)" "$(sink_file shrink.out)"
SHIM_FILE=shrink.bin SHIM_DELAY_US=30000 LD_PRELOAD=$tmp/shim.so "$sluice" run shrink.json --no-copy-offload --emit json > shrink.doc &
runner=$!
sleep 0.5
truncate -s 100000 shrink.bin
set +e; wait $runner; st=$?; set -e
expect_eq "$st" 0 "truncated while read: exit"
bytes_in=$(sed -n 's/.*"bytes_in":\([0-9]*\).*/\1/p' shrink.doc)
[ -n "$bytes_in" ] && [ "$bytes_in" -gt 0 ] && [ "$bytes_in" -lt 4194304 ] || fail "truncated while read: bytes_in=$bytes_in"
cmp shrink.out <(head -c "$bytes_in" shrink.orig) || fail "truncated while read: the output is not the prefix read"
no_temp_files .

# A directory as the source: trap fs_read_failed, "Is a directory", in both read modes.
mkdir adir
pipe dirsrc.json "$(src_file adir)" "$(sink_file never.out)"
for mode in read mmap; do
  run_sluice dirsrc.err run dirsrc.json --read-mode $mode
  expect_eq "$status" 4 "a directory as the source ($mode): exit"
  grep -qx "sluice: trap:fs_read_failed: 'adir': Is a directory" dirsrc.err || fail "directory source: $(cat dirsrc.err)"
  [ ! -e never.out ] || fail "a directory source left an output"
  no_temp_files .
done

# An unreadable file. Root reads a 0000 file, so the run drops to nobody (setpriv) when it can.
echo secret > locked.bin
chmod 0000 locked.bin
pipe locked.json "$(src_file locked.bin)" "$(sink_collect)"
chmod 0755 "$tmp"
chmod 0644 locked.json
as_other=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null || { echo "SKIP (unreadable file only): no setpriv to drop root"; exit $SKIP; }
  as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
set +e; "${as_other[@]}" "$sluice" run locked.json 2>locked.err; st=$?; set -e
expect_eq "$st" 4 "an unreadable file: exit"
grep -qx "sluice: trap:fs_open_failed: 'locked.bin': Permission denied" locked.err || fail "unreadable: $(cat locked.err)"
echo "fault_reads OK"
