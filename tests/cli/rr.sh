#!/usr/bin/env bash
# sluice rr record|show and --rr: entries recorded from a file and from a real TCP exchange with a
# loopback server (started here on an ephemeral port, killed on exit) replay through `sluice run`
# and a built executable to the same docs; `rr show` lists them as JSON lines; malformed
# cassettes (truncated frame, bad map order, over a policy budget) give their rr codes; a failed
# or stalled exchange appends nothing.
set -euo pipefail
sluice=$(realpath "${1:?sluice binary}"); src=$(realpath "${2:?source dir}"); build=$(realpath "${3:?build dir}")
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"
mkdir root
hex() { od -An -v -tx1 | tr -d ' \n'; }

# A pipe that replays key KEY and collects the response.
pipe() {
  printf '["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 1048576], ["max_out_bytes", 1048576], ["max_items", 10]], ["std.stream.src.rr_send_v1", ["std.stream.expr_v1", ["bytes.lit", "%s"]]], ["std.stream.chain_v1"], ["std.stream.sink.collect_bytes_v1"]]\n' "$1" > "$2"
}
pipe A a.json
pipe B b.json
pipe T t.json

# 1. --from-file: two entries, listed by rr show with their fields.
printf 'alpha' > resp_a.bin
printf '\x00\xffbin' > resp_b.bin
"$sluice" rr record --root root --cassette c/one.rrbin --key A --from-file resp_a.bin 2>/dev/null || fail "record A"
"$sluice" rr record --root root --cassette c/one.rrbin --key B --from-file resp_b.bin --latency-ticks 3 2>/dev/null || fail "record B"
"$sluice" rr show --root root c/one.rrbin > show.jsonl || fail "rr show"
python3 - show.jsonl <<'PY' || fail "rr show lines"
import base64, json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, lines
a, b = lines
assert a["index"] == 0 and a["offset"] == 0 and a["seq"] == 0 and a["key"] == "A" and a["resp"] == "alpha", a
assert a["kind"] == "rr" and a["op"] == "std.stream.src.rr_send_v1" and a["err"] == 0 and a["req"] == "A", a
assert "latency_ticks" not in a
assert b["offset"] == 4 + a["frame_bytes"] and b["seq"] == 1 and b["latency_ticks"] == 3, b
# Not UTF-8: given in base64 under resp_b64, byte for byte.
assert "resp" not in b and base64.b64decode(b["resp_b64"]) == b"\x00\xffbin" and b["resp_bytes"] == 5, b
PY

# 2. Replay through run and a built executable: the same doc bytes, the response as payload.
exe=$tmp/pipe_b
"$sluice" build b.json -o "$exe" --world solve-rr --cache-dir "$build/build-cache" || fail "build"
"$sluice" run b.json --world solve-rr --root root --rr c/one.rrbin --emit doc > run.doc || fail "run B: exit $?"
"$exe" --root root --rr c/one.rrbin --emit doc > exe.doc || fail "exe B: exit $?"
cmp run.doc exe.doc || fail "run and the executable differ"
[ "$(hex < run.doc)" = "01050000000500000001000000010000000500000000ff62696e" ] || fail "doc $(hex < run.doc)"
# A miss is ERR 11 in both; no --rr is a trap (exit 4) in both; a missing cassette is rr code 2002.
set +e
"$sluice" run a.json --world solve-rr --root root --rr c/one.rrbin --rr-match transcript --emit doc > miss.doc; s1=$?
"$sluice" run t.json --world solve-rr --root root --rr c/one.rrbin 2> miss.err; s2=$?
"$exe" --root root > /dev/null 2> nosession.err; s3=$?
"$exe" --root root --rr c/none.rrbin 2> missing.err; s4=$?
"$exe" --root root --rr ../escape.rrbin 2> unsafe.err; s5=$?
"$exe" --root root --rr-mode replay 2> usage.err; s6=$?
set -e
[ "$s1" = 0 ] && [ "$(hex < miss.doc)" = "010500000005000000010000000100000005000000616c706861" ] ||
  fail "transcript takes entry 0 whatever the key: $s1 $(hex < miss.doc)"
[ "$s2" = 3 ] && grep -q 'rr 2009 rr_no_entry' miss.err || fail "miss: $s2 $(cat miss.err)"
[ "$s3" = 4 ] && grep -q 'trap:rr_no_session' nosession.err || fail "no session: $s3 $(cat nosession.err)"
[ "$s4" = 4 ] && grep -q 'trap:rr_open_failed: 2002 rr_cassette_missing' missing.err || fail "missing: $s4 $(cat missing.err)"
[ "$s5" = 4 ] && grep -q 'trap:rr_open_failed: 2000 rr_cfg_invalid' unsafe.err || fail "unsafe: $s5 $(cat unsafe.err)"
[ "$s6" = 2 ] && grep -q 'need --rr CASSETTE' usage.err || fail "usage: $s6 $(cat usage.err)"

# 3. --tcp against a real loopback server: echo-like (prefix + request), one that stalls, and a
#    closed port. Each connection has its own thread; the server lives until the trap kills it.
cat > server.py <<'PY'
import socket, sys, threading, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def serve(c):
    data = b""
    while True:
        b = c.recv(65536)
        if not b: break
        data += b
    if data.startswith(b"STALL"):
        time.sleep(20)  # never answers in time; the client's deadline ends the exchange
    c.sendall(b"echo:" + data * 3)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
python3 server.py port.txt & server_pid=$!
for _ in $(seq 100); do [ -s port.txt ] && break; sleep 0.05; done
[ -s port.txt ] || fail "the test server did not start"
port=$(cat port.txt)
printf 'PING\n' > req.bin
"$sluice" rr record --root root --cassette net.rrbin --key T --tcp "127.0.0.1:$port" --send req.bin 2>/dev/null || fail "record --tcp"
"$sluice" run t.json --world solve-rr --root root --rr net.rrbin --emit payload > tcp.out || fail "replay tcp"
[ "$(cat tcp.out)" = "$(printf 'echo:PING\nPING\nPING\n')" ] || fail "tcp payload: $(cat tcp.out)"
"$sluice" rr show --root root net.rrbin | grep -q '"req":"PING\\n"' || fail "the request is the req"
before=$(hex < root/.x07_rr/net.rrbin)
printf 'STALL' > stall.bin
set +e
start=$(date +%s)
"$sluice" rr record --root root --cassette net.rrbin --key S --tcp "127.0.0.1:$port" --send stall.bin --timeout-ms 300 2> stall.err; s1=$?
end=$(date +%s)
kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=""
"$sluice" rr record --root root --cassette net.rrbin --key R --tcp "127.0.0.1:$port" --send req.bin --timeout-ms 2000 2> refused.err; s2=$?
"$sluice" rr record --root root --cassette net.rrbin --key X --tcp "127.0.0.1" --send req.bin 2> badaddr.err; s3=$?
set -e
[ "$s1" = 1 ] && grep -q 'timed out' stall.err || fail "stall: $s1 $(cat stall.err)"
[ $((end - start)) -le 5 ] || fail "the stalled exchange took $((end - start)) s"
[ "$s2" = 1 ] && grep -q 'cannot connect' refused.err || fail "refused: $s2 $(cat refused.err)"
[ "$s3" = 2 ] || fail "HOST without PORT: $s3"
[ "$(hex < root/.x07_rr/net.rrbin)" = "$before" ] || fail "a failed exchange changed the cassette"

# 4. Malformed cassettes: rr show lists the good entries then the code; run traps with it.
good=root/.x07_rr/c/one.rrbin
head -c $(( $(stat -c %s "$good") - 3 )) "$good" > root/.x07_rr/trunc.rrbin
python3 - "$good" root/.x07_rr/order.rrbin <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack_from("<I", data)[0]
frame = data[4:4 + n]
# Swap the first two members (err, key): the map's keys are then out of order.
pos = 6
def member_end(p):
    klen = struct.unpack_from("<I", frame, p)[0]; p += 4 + klen + 1
    vlen = struct.unpack_from("<I", frame, p)[0]; return p + 4 + vlen
e1 = member_end(pos); e2 = member_end(e1)
bad = frame[:pos] + frame[e1:e2] + frame[pos:e1] + frame[e2:]
open(sys.argv[2], "wb").write(struct.pack("<I", len(bad)) + bad + data[4 + n:])
PY
cat > tiny.policy.json <<'JSON'
{"id": "tiny", "v": 1, "match_mode": "lookup_v1",
 "budgets": {"max_cassette_bytes": 1048576, "max_entries": 1, "max_req_bytes": 1024, "max_resp_bytes": 1024, "max_key_bytes": 16}}
JSON
check_code() {  # CASSETTE CODE [FLAGS...]
  local c=$1 code=$2; shift 2
  set +e
  "$sluice" rr show --root root "$c" "$@" > /dev/null 2> show.err; local s1=$?
  "$sluice" run a.json --world solve-rr --root root --rr "$c" "$@" 2> run.err; local s2=$?
  "$exe" --root root --rr "$c" "$@" 2> exe.err; local s3=$?
  set -e
  [ "$s1" = 1 ] && grep -q "rr show: $code " show.err || fail "$c: rr show $s1 $(cat show.err)"
  [ "$s2" = 4 ] && grep -q "trap:rr_open_failed: $code " run.err || fail "$c: run $s2 $(cat run.err)"
  [ "$s3" = 4 ] && grep -q "trap:rr_open_failed: $code " exe.err || fail "$c: exe $s3 $(cat exe.err)"
}
check_code trunc.rrbin 2014
check_code order.rrbin 2008
check_code c/one.rrbin 2004 --rr-policy tiny.policy.json
# rr record refuses to add to a malformed cassette, and to go past a policy budget.
set +e
"$sluice" rr record --root root --cassette trunc.rrbin --key Z --from-file resp_a.bin 2> rec.err; s1=$?
"$sluice" rr record --root root --cassette c/one.rrbin --key Z --from-file resp_a.bin --rr-policy tiny.policy.json 2> rec2.err; s2=$?
"$sluice" rr record --root root --cassette ../x.rrbin --key Z --from-file resp_a.bin 2> rec3.err; s3=$?
set -e
[ "$s1" = 1 ] && grep -q '2014 rr_frame_truncated' rec.err || fail "record on a truncated cassette: $s1 $(cat rec.err)"
[ "$s2" = 1 ] && grep -q '2004 rr_too_many_entries' rec2.err || fail "record past max_entries: $s2 $(cat rec2.err)"
[ "$s3" = 2 ] && grep -q '2000 rr_cfg_invalid' rec3.err || fail "record to an unsafe path: $s3 $(cat rec3.err)"

# 5. An entry that opens its own session, as X07 writes it: std.rr.with_policy_v1 around the
#    pipe, the policy from arch/rr/ under the entry's directory (the arch root). run and a built
#    executable replay the same entry; --rr beside it is refused; a broken index or policy file
#    is E_PIPE_RR_POLICY at its own file:line:column.
mkdir -p ent/arch/rr/policies
cat > ent/arch/rr/index.x07rr.json <<'JSON'
{"schema_version": "x07.arch.rr.index@0.1.0",
 "policies": [{"id": "p_v1", "policy_path": "arch/rr/policies/p_v1.policy.json"},
              {"id": "bad_v1", "policy_path": "arch/rr/policies/bad_v1.policy.json"}]}
JSON
cat > ent/arch/rr/policies/p_v1.policy.json <<'JSON'
{"schema_version": "x07.arch.rr.policy@0.1.0", "id": "p_v1", "v": 1, "match_mode": "lookup_v1",
 "budgets": {"max_cassette_bytes": 65536, "max_entries": 10, "max_req_bytes": 64, "max_resp_bytes": 64, "max_key_bytes": 8}}
JSON
cat > ent/arch/rr/policies/bad_v1.policy.json <<'JSON'
{"schema_version": "x07.arch.rr.policy@0.0.9", "id": "bad_v1", "v": 1, "match_mode": "lookup_v1",
 "budgets": {"max_cassette_bytes": 65536, "max_entries": 10, "max_req_bytes": 64, "max_resp_bytes": 64, "max_key_bytes": 8}}
JSON
entry() {  # POLICY FILE
  { printf '{"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [],\n'
    printf ' "solve": ["std.rr.with_policy_v1", ["bytes.lit", "%s"], ["bytes.lit", "c/one.rrbin"], ["i32.lit", 2],\n' "$1"
    sed 's/^/  /' b.json | sed '$ s/$/]}/'; } > "$2"
}
entry p_v1 ent/e.json
entry bad_v1 ent/bad.json
"$sluice" run ent/e.json --world solve-rr --root root --emit doc > ent_run.doc || fail "entry run: exit $?"
"$sluice" build ent/e.json -o "$tmp/ent_exe" --world solve-rr --cache-dir "$build/build-cache" || fail "entry build"
(cd / && "$tmp/ent_exe" --root "$tmp/root" --emit doc) > ent_exe.doc || fail "entry exe: exit $?"
cmp ent_run.doc run.doc || fail "the entry's own session replays another doc than --rr: $(hex < ent_run.doc)"
cmp ent_exe.doc run.doc || fail "the entry's executable replays another doc"
set +e
"$sluice" run ent/e.json --world solve-rr --root root --rr c/one.rrbin > /dev/null 2> both.err; s1=$?
"$tmp/ent_exe" --root root --rr-mode replay > /dev/null 2> both2.err; s2=$?
"$sluice" check ent/bad.json --world solve-rr > bad.err 2>&1; s3=$?
printf '{"schema_version": "x07.arch.rr.index@0.1.0",\n "policies": [}\n' > ent/arch/rr/index.x07rr.json
"$sluice" check ent/e.json --world solve-rr > badindex.err 2>&1; s4=$?
rm ent/arch/rr/index.x07rr.json
"$sluice" check ent/e.json --world solve-rr > noindex.err 2>&1; s5=$?
set -e
[ "$s1" = 2 ] && grep -q 'opens its own record/replay session' both.err || fail "--rr beside the entry's session: $s1 $(cat both.err)"
[ "$s2" = 2 ] && grep -q 'opens its own record/replay session' both2.err || fail "--rr-mode beside the executable's session: $s2 $(cat both2.err)"
[ "$s3" = 1 ] && grep -q 'bad_v1.policy.json:1:20: error\[E_PIPE_RR_POLICY\]: schema_version must be' bad.err || fail "bad policy: $s3 $(cat bad.err)"
[ "$s4" = 1 ] && grep -q 'index.x07rr.json:2:15: error\[E_PIPE_RR_POLICY\]: the rr index' badindex.err || fail "bad index: $s4 $(cat badindex.err)"
[ "$s5" = 1 ] && grep -q 'index.x07rr.json: error\[E_PIPE_RR_POLICY\]: cannot read the rr index' noindex.err || fail "no index: $s5 $(cat noindex.err)"
echo "rr OK"
