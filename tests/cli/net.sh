#!/usr/bin/env bash
# std.net and the TCP sources and sinks (docs/net.md) against real loopback servers
# (tests/cli/net/server.py, 127.0.0.1 on ephemeral ports, started here and killed on exit):
#  - a source reading a server's bytes gives the file's bytes, under run and a built executable
#    (which connects on each run; `sluice build` opens no socket), and the same doc as the same
#    bytes read from a file (differential, emit_stats 0: read boundaries are the kernel's);
#  - net_tcp_read_u32frames_v1 equals fs_open_read_v1 + deframe_u32le_v1, the plan shows the
#    inserted deframe at index 0;
#  - the three sinks deliver exactly the bytes (raw, u32 frames) a collecting server receives;
#  - each run-time code from a real socket condition: refused port (61 read / 64 connect), a
#    reset mid-frame (61), a server that accepts slowly (OK within io_timeout, 61 net_timeout past
#    it), a stall (61 net_timeout, stop → OK, stop_if_clean → OK when clean,
#    84 mid-frame), bad caps (60), flush and write budgets (65, 66), a peer that goes away (64),
#    a take_v1 stop (on_eof, OK);
#  - run-os-sandboxed denies connects (NetErrDocV1 code 1) unless --allow-host or a --net-policy
#    file allows them, and listens unless --allow-listen allows (a pipe that listens and accepts
#    a test client).
set -euo pipefail
sluice=$(realpath "${1:?sluice binary}"); src=$(realpath "${2:?source dir}")
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"
server_py=$src/tests/cli/net/server.py

# start NAME MODE [ARG] [extra args]: a server in the background (not waited for: python starts
# slowly on a loaded machine, so every server starts at once); `port NAME` waits for its port.
start() {
  local name=$1; shift
  python3 "$server_py" "$@" --portfile "$name.port" &
  pids+=($!)
}
port() {
  for _ in $(seq 200); do [ -s "$1.port" ] && { cat "$1.port"; return 0; }; sleep 0.05; done
  fail "server $1 did not start"
}
run_json() { timeout 20 "$sluice" run "$@" --emit json || true; }
# NetErrDocV1 payloads as --emit json shows them (base64): code 1 policy_denied, 3 timeout, 6 connect.
DENIED=AAEAAAAAAAAA; TIMEOUT=AAMAAAAAAAAA; CONNECT=AAYAAAAAAAAA
expect() {  # expect JSON CODE MESSAGE [PAYLOAD-BASE64]: no python per check (it starts slowly on a loaded machine)
  case $1 in *"\"code\":$2,\"message\":\"$3\""*) ;; *) fail "expected ERR $2 $3, got $1" ;; esac
  if [ $# -ge 4 ]; then case $1 in *"\"payload\":\"$4\""*) ;; *) fail "expected payload $4, got $1" ;; esac; fi
}

CFG='["std.stream.cfg_v1", ["chunk_max_bytes", 4096], ["bufread_cap_bytes", 4096], ["max_in_bytes", 50000000], ["max_out_bytes", 50000000], ["max_items", 1000000], ["emit_stats", 0]]'
DEFCAPS='["std.net.codec.caps_default_v1"]'
connect() { echo "[\"std.net.tcp.connect_stream_handle_v1\", [\"std.net.tcp.connect_v1\", [\"std.net.codec.addr_ipv4_v1\", 127, 0, 0, 1, $1], [\"std.net.codec.caps_default_v1\"]]]"; }
caps() { echo "[\"std.net.codec.caps_v1\", $1, $2, $3, $4]"; }
# read_pipe FILE PORT [extra source kv] [chain stages] [caps expr]
read_pipe() {
  cat > "$1" <<PIPE
["std.stream.pipe_v1", $CFG,
  ["std.stream.src.net_tcp_read_stream_handle_v1", ["stream_handle", ["std.stream.expr_v1", $(connect "$2")]],
    ["caps", ["std.stream.expr_v1", ${5:-$DEFCAPS}]]${3:+, $3}],
  ["std.stream.chain_v1"${4:+, $4}], ["std.stream.sink.collect_bytes_v1"]]
PIPE
}
frames_pipe() {  # FILE PORT [extra source kv] [caps expr]
  cat > "$1" <<PIPE
["std.stream.pipe_v1", $CFG,
  ["std.stream.src.net_tcp_read_u32frames_v1", ["stream_handle", ["std.stream.expr_v1", $(connect "$2")]],
    ["caps", ["std.stream.expr_v1", ${4:-$DEFCAPS}]], ["max_frame_bytes", 100000]${3:+, $3}],
  ["std.stream.chain_v1", ["std.stream.xf.frame_u32le_v1"]], ["std.stream.sink.collect_bytes_v1"]]
PIPE
}

# ---- data ----
python3 - <<'PY'
import random, struct
r = random.Random(13)
open("data.bin", "wb").write(bytes(r.getrandbits(8) for _ in range(300000)))
frames = b"".join(struct.pack("<I", n) + bytes(r.getrandbits(8) for _ in range(n)) for n in [0, 1, 5000, 70000, 3, 0, 12345])
open("frames.bin", "wb").write(frames)
open("partial.bin", "wb").write(frames + struct.pack("<I", 100) + b"x" * 10)
open("big.bin", "wb").write(b"z" * 30000000)
open("empty.bin", "wb").write(b"")
# Ports nobody listens on: bound, then closed (the kernel does not hand them out again at once).
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
open("free.ports", "w").write(" ".join(str(s.getsockname()[1]) for s in socks) + "\n")
PY
read -r live refused_port refused_port2 listen_port < free.ports

start send send data.bin
start frames send frames.bin
start reset reset frames.bin
start stall stall frames.bin --hold 5
start stallp stall partial.bin --hold 5
start collect collect received.bin
start gone reset empty.bin
start slow1 slow data.bin --delay 1
start slow5 slow data.bin --delay 5

# ---- 1. read: run, build, differential against a file ----
read_pipe r.json "$(port send)"
timeout 20 "$sluice" run r.json --world run-os --emit payload > r.out
cmp r.out data.bin || fail "the socket's bytes differ from the server's file"
timeout 20 "$sluice" run r.json --world run-os --emit doc > r.doc
cat > f.json <<PIPE
["std.stream.pipe_v1", $CFG, ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "data.bin"]]],
  ["std.stream.chain_v1"], ["std.stream.sink.collect_bytes_v1"]]
PIPE
timeout 20 "$sluice" run f.json --world run-os --emit doc > f.doc
cmp r.doc f.doc || fail "the same bytes from a socket and from a file give different docs"
"$sluice" plan r.json --world run-os | grep -q 'stream_handle=(at run time)' || fail "plan does not show the run-time handle"
# build opens no socket: the pipe names a port nobody listens on while it builds; a server starts
# there afterwards and the executable connects on each run.
read_pipe r2.json "$live"
timeout 120 "$sluice" build r2.json --world run-os-sandboxed -o r2.exe --cache-dir "$tmp/cache" > /dev/null
out=$(timeout 20 ./r2.exe --allow-host "127.0.0.1:$live" --emit json || true)
expect "$out" 61 stream:net_read_failed $CONNECT   # nobody listens yet: connect refused
start send2 send data.bin --port "$live"
port send2 > /dev/null  # listening now
out=$(timeout 20 ./r2.exe --emit json || true)
expect "$out" 61 stream:net_read_failed $DENIED   # sandboxed, not allowed: policy_denied
timeout 20 ./r2.exe --allow-host "127.0.0.1:$live" --emit doc > r2.doc
cmp r2.doc f.doc || fail "built executable: socket doc differs from the file doc"
timeout 20 ./r2.exe --allow-host "127.0.0.1:$live" --emit doc > r2b.doc
cmp r2.doc r2b.doc || fail "built executable: a second run (a new connection) differs"

# ---- 3. policy on sluice run: flags, policy file, denied ----
expect "$(run_json r2.json --world run-os-sandboxed)" 61 stream:net_read_failed $DENIED
expect "$(run_json r2.json --world run-os-sandboxed --allow-host "127.0.0.1:1")" 61 stream:net_read_failed $DENIED
timeout 20 "$sluice" run r2.json --world run-os-sandboxed --allow-host "127.0.0.1:$(port send2)" --emit doc > p1.doc
cmp p1.doc f.doc || fail "--allow-host: doc differs"
printf '# test policy\nallow-host 127.0.0.1:%s\n\nallow-listen 127.0.0.1:0\n' "$(port send2)" > net.policy
timeout 20 "$sluice" run r2.json --world run-os-sandboxed --net-policy net.policy --emit doc > p2.doc
cmp p2.doc f.doc || fail "--net-policy: doc differs"
printf 'allow-hots 127.0.0.1:1\n' > bad.policy
set +e; "$sluice" run r2.json --world run-os-sandboxed --net-policy bad.policy 2> bad.err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q 'bad.policy:1' bad.err || fail "a bad policy line is not a usage error naming the line"
set +e; "$sluice" run r2.json --world run-os-sandboxed --allow-host localhost 2> /dev/null; rc=$?; set -e
[ "$rc" = 2 ] || fail "--allow-host without a port is not a usage error"
"$sluice" check r2.json --world solve-pure > /dev/null 2>&1 && fail "a net source passed the check in solve-pure"

# ---- 2. u32 frames: the inserted deframe, differential against a file ----
frames_pipe fr.json "$(port frames)"
"$sluice" plan fr.json --world run-os | grep -q '0: std.stream.xf.deframe_u32le_v1.*(inserted)' || fail "plan does not show the inserted deframe at 0"
timeout 20 "$sluice" run fr.json --world run-os --emit doc > fr.doc
cat > ff.json <<PIPE
["std.stream.pipe_v1", $CFG, ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "frames.bin"]]],
  ["std.stream.chain_v1", ["std.stream.xf.deframe_u32le_v1", ["max_frame_bytes", 100000]], ["std.stream.xf.frame_u32le_v1"]],
  ["std.stream.sink.collect_bytes_v1"]]
PIPE
timeout 20 "$sluice" run ff.json --world run-os --emit doc > ff.doc
cmp fr.doc ff.doc || fail "u32frames from a socket and deframe from a file differ"
# the payload is the framed file itself
timeout 20 "$sluice" run fr.json --world run-os --emit payload | cmp - frames.bin || fail "re-framed frames differ from the file"

# ---- 2. errors from real socket conditions ----
# bad caps → 60
read_pipe c60.json "$(port send2)" "" "" '["bytes.lit", "short"]'
expect "$(run_json c60.json --world run-os)" 60 stream:net_caps_invalid ""
# refused port → the read gets the failed connect's doc (6 connect)
read_pipe ref.json "$refused_port"
expect "$(run_json ref.json --world run-os)" 61 stream:net_read_failed $CONNECT
# a reset in the middle of a frame → 61 net_read_failed, connect code 6
frames_pipe rst.json "$(port reset)"
expect "$(run_json rst.json --world run-os)" 61 stream:net_read_failed $CONNECT
# stalls: the server sends then holds the connection for 5 s; io_timeout 1 s.
CAPS1S=$(caps 30000 1000 0 0)  # 1 s: longer than any pause of a loaded CI machine mid-send
frames_pipe t_err.json "$(port stall)" "" "$CAPS1S"
expect "$(run_json t_err.json --world run-os)" 61 stream:net_timeout $TIMEOUT
frames_pipe t_clean.json "$(port stall)" '["on_timeout", "stop_if_clean"]' "$CAPS1S"
timeout 20 "$sluice" run t_clean.json --world run-os --emit doc > t_clean.doc
cmp t_clean.doc ff.doc || fail "stop_if_clean after whole frames: not the frames' doc"
frames_pipe t_part.json "$(port stallp)" '["on_timeout", "stop_if_clean"]' "$CAPS1S"
expect "$(run_json t_part.json --world run-os)" 84 stream:deframe_truncated_timeout ""
read_pipe t_stop.json "$(port stallp)" '["on_timeout", "stop"], ["on_eof", "close"]' "" "$CAPS1S"
timeout 20 "$sluice" run t_stop.json --world run-os --emit payload | cmp - partial.bin || fail "on_timeout stop: not the bytes sent"

# a server that accepts slowly: the connect completes in the kernel's backlog and the first read
# waits for the server; within io_timeout the bytes arrive whole, past it → 61 net_timeout
read_pipe slow_ok.json "$(port slow1)" "" "" "$(caps 30000 15000 0 0)"
timeout 30 "$sluice" run slow_ok.json --world run-os --emit payload | cmp - data.bin || fail "slow accept: not the bytes sent"
read_pipe slow_to.json "$(port slow5)" "" "" "$(caps 30000 500 0 0)"
expect "$(run_json slow_to.json --world run-os)" 61 stream:net_timeout $TIMEOUT

# take_v1 stops the source after one read: the on_eof action, then OK without a flush
read_pipe take.json "$(port send)" '["on_eof", "close"]' '["std.stream.xf.take_v1", ["std.stream.expr_v1", 1]]'
case $(run_json take.json --world run-os) in *'"ok":true'*) ;; *) fail "take_v1 stop on a net source is not OK" ;; esac

# ---- 1/2. sinks: what a collecting server receives ----
SINKCAPS='["std.net.codec.caps_default_v1"]'
addr="[\"std.net.codec.addr_ipv4_v1\", 127, 0, 0, 1, $(port collect)]"
sink_pipe() {  # FILE SINK
  cat > "$1" <<PIPE
["std.stream.pipe_v1", $CFG, ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "data.bin"]]],
  ["std.stream.chain_v1"], $2]
PIPE
}
wait_size() {  # FILE SIZE: the server has written SIZE bytes (bounded wait)
  for _ in $(seq 100); do [ -f "$1" ] && [ "$(stat -c %s "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  fail "$1 did not reach $2 bytes"
}
sink_pipe cw.json "[\"std.stream.sink.net_tcp_connect_write_v1\", [\"addr\", [\"std.stream.expr_v1\", $addr]], [\"caps\", [\"std.stream.expr_v1\", $SINKCAPS]]]"
timeout 20 "$sluice" run cw.json --world run-os --emit summary 2> /dev/null
wait_size received.bin 300000
cmp received.bin data.bin || fail "connect_write: the server received other bytes"
rm received.bin
sink_pipe sh.json "[\"std.stream.sink.net_tcp_write_u32frames_v1\", [\"stream_handle\", [\"std.stream.expr_v1\", $(connect "$(port collect)")]], [\"caps\", [\"std.stream.expr_v1\", $SINKCAPS]], [\"on_finish\", \"close\"], [\"buf_cap_bytes\", 1000]]"
timeout 20 "$sluice" run sh.json --world run-os --emit summary 2> /dev/null
cat > shf.json <<PIPE
["std.stream.pipe_v1", $CFG, ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "data.bin"]]],
  ["std.stream.chain_v1"], ["std.stream.sink.u32frames_v1", ["std.stream.sink.collect_bytes_v1"]]]
PIPE
timeout 20 "$sluice" run shf.json --world run-os --emit payload > framed.expected
wait_size received.bin "$(stat -c %s framed.expected)"
cmp received.bin framed.expected || fail "write_u32frames: the server received other bytes"
rm received.bin
# budgets: one flush allowed (65); one write call of at most 1000 bytes (66)
sink_pipe m65.json "[\"std.stream.sink.net_tcp_connect_write_v1\", [\"addr\", [\"std.stream.expr_v1\", $addr]], [\"caps\", [\"std.stream.expr_v1\", $SINKCAPS]], [\"max_flushes\", 1]]"
expect "$(run_json m65.json --world run-os)" 65 stream:net_sink_max_flushes ""
sink_pipe m66.json "[\"std.stream.sink.net_tcp_connect_write_v1\", [\"addr\", [\"std.stream.expr_v1\", $addr]], [\"caps\", [\"std.stream.expr_v1\", $(caps 0 0 0 1000)]], [\"max_write_calls\", 1]]"
expect "$(run_json m66.json --world run-os)" 66 stream:net_sink_max_writes ""
# connect refused → 64 net_connect_failed with the connect doc; a peer that resets → 64 write failed
sink_pipe c64.json "[\"std.stream.sink.net_tcp_connect_write_v1\", [\"addr\", [\"std.stream.expr_v1\", [\"std.net.codec.addr_ipv4_v1\", 127, 0, 0, 1, $refused_port2]]], [\"caps\", [\"std.stream.expr_v1\", $SINKCAPS]]]"
expect "$(run_json c64.json --world run-os)" 64 stream:net_connect_failed $CONNECT
cat > w64.json <<PIPE
["std.stream.pipe_v1", $CFG, ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "big.bin"]]],
  ["std.stream.chain_v1"], ["std.stream.sink.net_tcp_connect_write_v1", ["addr", ["std.stream.expr_v1", ["std.net.codec.addr_ipv4_v1", 127, 0, 0, 1, $(port gone)]]], ["caps", ["std.stream.expr_v1", $SINKCAPS]]]]
PIPE
expect "$(run_json w64.json --world run-os)" 64 stream:net_write_failed $CONNECT
# ---- 4. listen and accept: the pipe listens, a client connects and sends data.bin ----
LISTEN_ADDR="[\"std.net.codec.addr_ipv4_v1\", 127, 0, 0, 1, $listen_port]"
accept="[\"std.net.tcp.accept_stream_handle_v1\", [\"std.net.tcp.accept_v1\", [\"std.net.tcp.listen_listener_handle_v1\", [\"std.net.tcp.listen_v1\", $LISTEN_ADDR, $DEFCAPS]], $(caps 0 10000 0 0)]]"
cat > la.json <<PIPE
["std.stream.pipe_v1", $CFG,
  ["std.stream.src.net_tcp_read_stream_handle_v1", ["stream_handle", ["std.stream.expr_v1", $accept]], ["caps", ["std.stream.expr_v1", $DEFCAPS]]],
  ["std.stream.chain_v1"], ["std.stream.sink.collect_bytes_v1"]]
PIPE
expect "$(run_json la.json --world run-os-sandboxed)" 61 stream:net_read_failed $DENIED
timeout 30 "$sluice" run la.json --world run-os-sandboxed --allow-listen "127.0.0.1:$listen_port" --emit doc > la.doc &
pids+=($!)
run_pid=$!
# The client retries until the pipe listens (bounded: 10 s).
python3 - "$listen_port" <<'PY'
import socket, sys, time
end = time.time() + 10
while True:
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        if time.time() > end: raise
        time.sleep(0.05)
c.sendall(open("data.bin", "rb").read())
c.close()
PY
wait "$run_pid" || fail "the listening pipe failed"
cmp la.doc f.doc || fail "accepted stream: doc differs from the file's"
echo "net: ok"
