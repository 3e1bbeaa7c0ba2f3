#!/usr/bin/env bash
# Loopback TCP throughput (bench/results/net.md): a local sender pushes MB megabytes of u32 frames
# (4 KiB payloads) with sendfile; A = a built sluice executable, net_tcp_read_u32frames_v1 ->
# hash_fnv1a32_v1; B = a plain C read loop computing the same FNV (fnv_read.c). Both runs in the
# same loop, alternating, REPS times each; prints the best wall time of each and the ratio B/A.
# Usage: bench/net/run.sh SLUICE [MB=256] [REPS=3]
set -euo pipefail
sluice=$(realpath "${1:?sluice binary}"); mb=${2:-256}; reps=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"
python3 - "$mb" <<'PY'
import os, struct, sys
frame = struct.pack("<I", 4096) + os.urandom(4096)
n = int(sys.argv[1]) * 1024 * 1024 // len(frame)
with open("frames.bin", "wb") as f:
    for _ in range(n): f.write(frame)
PY
bytes=$(stat -c %s frames.bin)
python3 "$here/sender.py" frames.bin port & pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
port=$(cat port)
cc -O2 -o fnv_read "$here/fnv_read.c"
cat > pipe.json <<PIPE
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 2147483647],
   ["max_out_bytes", 2147483647], ["max_items", 2147483647]],
  ["std.stream.src.net_tcp_read_u32frames_v1",
    ["stream_handle", ["std.stream.expr_v1", ["std.net.tcp.connect_stream_handle_v1",
      ["std.net.tcp.connect_v1", ["std.net.codec.addr_ipv4_v1", 127, 0, 0, 1, $port], ["std.net.codec.caps_default_v1"]]]]],
    ["caps", ["std.stream.expr_v1", ["std.net.codec.caps_v1", 5000, 30000, 0, 0]]], ["max_frame_bytes", 65536]],
  ["std.stream.chain_v1"],
  ["std.stream.sink.hash_fnv1a32_v1"]]
PIPE
"$sluice" build pipe.json --world run-os -o pipe.exe > /dev/null
c_hash=$(./fnv_read "$port")
s_hash=$(./pipe.exe --emit payload | od -An -tx4 | tr -d ' ')
[ "$c_hash" = "$s_hash" ] || { echo "hash mismatch: C $c_hash, sluice $s_hash"; exit 1; }
best() { sort -n | head -1; }
: > a.times; : > b.times
for _ in $(seq "$reps"); do
  s=$(date +%s.%N); ./pipe.exe --emit payload > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc >> a.times
  s=$(date +%s.%N); ./fnv_read "$port" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc >> b.times
done
a=$(best < a.times); b=$(best < b.times)
echo "bytes=$bytes reps=$reps hash=$c_hash"
echo "A sluice (net_tcp_read_u32frames_v1 -> hash_fnv1a32, built): best ${a}s, $(echo "scale=1; $bytes / $a / 1048576" | bc) MiB/s"
echo "B C read loop + FNV:                                         best ${b}s, $(echo "scale=1; $bytes / $b / 1048576" | bc) MiB/s"
echo "throughput ratio A/B = $(echo "scale=2; $b / $a" | bc)"
