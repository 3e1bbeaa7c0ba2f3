# Shared by the fault-injection scripts (tests/cli/fault_*.sh): descriptor builders, a scratch
# directory removed on exit, and checks that fail the script with a message. Sourced, not run.
set -euo pipefail
sluice=$(realpath "${1:?sluice binary}"); src=$(realpath "${2:?source dir}"); build=$(realpath "${3:?build dir}")
SKIP=77  # CTest's SKIP_RETURN_CODE for these scripts (tests/CMakeLists.txt)
tmp=$(mktemp -d)
cleanup_hooks=()
cleanup() {
  local h
  for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

CFG='["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 2147483647], ["max_out_bytes", 2147483647], ["max_items", 2147483647]]'
lit() { printf '["std.stream.expr_v1", ["bytes.lit", "%s"]]' "$1"; }
src_bytes() { printf '["std.stream.src.bytes_v1", %s]' "$(lit "$1")"; }
src_file() { printf '["std.stream.src.fs_open_read_v1", %s]' "$(lit "$1")"; }
sink_file() { printf '["std.stream.sink.world_fs_write_file_v1", %s]' "$(lit "$1")"; }
sink_stream() { printf '["std.stream.sink.world_fs_write_stream_v1", %s, %s]' "$(lit "$1")" "$(lit "")"; }
sink_stream_hash() { printf '["std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1", %s, %s]' "$(lit "$1")" "$(lit "")"; }
sink_collect() { printf '["std.stream.sink.collect_bytes_v1"]'; }
# pipe FILE SOURCE SINK: writes a descriptor with an empty chain.
pipe() { printf '["std.stream.pipe_v1", %s, %s, ["std.stream.chain_v1"], %s]\n' "$CFG" "$2" "$3" > "$1"; }
# The three fs sinks, by name, for loops.
FS_SINKS=(sink_file sink_stream sink_stream_hash)

# run_summary OUT STATUS_VAR ARGS...: runs sluice, keeping stderr (the summary) in OUT.
# A status of 128 or more is a signal death: never acceptable here.
run_sluice() {
  local out=$1; shift
  set +e
  "$sluice" "$@" 2>"$out"
  status=$?
  set -e
  [ "$status" -lt 128 ] || { cat "$out" >&2; fail "sluice $* died by signal $((status - 128))"; }
}
no_temp_files() {  # DIR: no .sluice-*.tmp left
  local left
  left=$(find "$1" -maxdepth 1 -name '.sluice-*.tmp' | head -5)
  [ -z "$left" ] || fail "temporary files left in $1: $left"
}
