#!/usr/bin/env bash
# The msgpack plugins from the command line (docs/msgpack.md), against an independent oracle
# (tests/cli/msgpack/oracle.py: python3-msgpack encodes, the oracle computes RFC 8785 itself):
#  - fs_open_read → xf.msgpack_split_v1 → xf.msgpack_to_json_v1 → frame → collect, under `run`
#    and a `build` executable, at 4093-byte and 7-byte chunks: identical docs, and the frames are
#    the oracle's JSON texts; split's brand claim gets its validator inserted (verify);
#  - json_to_msgpack then split then to_json gives the same texts back;
#  - a stream cut inside a value: ERR 131 with bytes_in (the offset) in the P16 payload.
set -euo pipefail
sluice=${1:?sluice binary}; src=${2:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import msgpack' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || { echo "msgpack: python3-msgpack is needed; run scripts/install-deps"; exit 1; }
here=$src/tests/cli/msgpack
cd "$tmp"
"$py" "$here/oracle.py" gen 11 3000 in.bin expected.bin
cp "$here/split_to_json.json" big.json
sed 's/\["chunk_max_bytes", 4093\], \["bufread_cap_bytes", 4093\]/["chunk_max_bytes", 7], ["bufread_cap_bytes", 7]/' big.json > small.json
grep -q '"chunk_max_bytes", 7' small.json

"$sluice" plan big.json | grep -q 'require_brand_v1 brand=sluice.msgpack_v1 validator=sluice.msgpack.validate_v1 .*(inserted)' \
  || { "$sluice" plan big.json; echo "no inserted validator"; exit 1; }
for pipe in big small; do
  "$sluice" run $pipe.json --emit payload > $pipe.run
  cmp -s $pipe.run expected.bin || { echo "$pipe: run payload differs from the oracle"; diff <("$py" "$here/oracle.py" frames $pipe.run) <("$py" "$here/oracle.py" frames expected.bin) | head -c 2000; exit 1; }
  "$sluice" run $pipe.json --emit doc > $pipe.run.doc
  "$sluice" build $pipe.json -o $pipe.exe --cache-dir "$tmp/cache" > /dev/null
  ./$pipe.exe --emit doc > $pipe.exe.doc
  cmp -s $pipe.run.doc $pipe.exe.doc || { echo "$pipe: run and build docs differ"; exit 1; }
done
echo "msgpack split + to_json: $(wc -c < in.bin) bytes, 3000 values, run and build agree with the oracle at 4093 and 7-byte chunks"

# JSON texts (one per line) → json_to_msgpack → to_json: the same texts.
"$py" "$here/oracle.py" frames expected.bin > all.jsonl
head -n 500 all.jsonl > texts.jsonl
cat > back.json <<'PIPE'
["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 509], ["bufread_cap_bytes", 509], ["max_in_bytes", 67108864],
   ["max_out_bytes", 134217728], ["max_items", 1000000]],
  ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "texts.jsonl"]]],
  ["std.stream.chain_v1",
    ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 1048576]],
    ["std.stream.xf.plugin_v1", ["id", ["bytes.lit", "xf.json_to_msgpack_v1"]], ["cfg", ["std.stream.expr_v1", ["bytes.lit", ""]]]],
    ["std.stream.xf.plugin_v1", ["id", ["bytes.lit", "xf.msgpack_to_json_v1"]], ["cfg", ["std.stream.expr_v1", ["bytes.lit", ""]]]],
    ["std.stream.xf.frame_u32le_v1"]],
  ["std.stream.sink.collect_bytes_v1"]]
PIPE
"$sluice" run back.json --emit payload > back.run
"$py" "$here/oracle.py" frames back.run > back.txt
# Integers beyond 2^53 come back as the double JSON gave them; compare the others as text.
"$py" - texts.jsonl back.txt <<'PY'
import json, sys
a = open(sys.argv[1], encoding="utf-8").read().splitlines()
b = open(sys.argv[2], encoding="utf-8").read().splitlines()
assert len(a) == len(b), (len(a), len(b))
big = lambda s: any(isinstance(x, int) and abs(x) > 2**53 for x in walk(json.loads(s)))
def walk(v):
    yield v
    if isinstance(v, list):
        for x in v: yield from walk(x)
    elif isinstance(v, dict):
        for x in v.values(): yield from walk(x)
same = sum(1 for x, y in zip(a, b) if x == y)
exact = [i for i, x in enumerate(a) if not big(x)]
bad = [i for i in exact if a[i] != b[i]]
assert not bad, (a[bad[0]], b[bad[0]])
assert len(exact) > 100, len(exact)
print("json_to_msgpack round trip: %d of %d texts identical (the rest hold integers beyond 2^53)" % (same, len(a)))
PY

# Cut inside a value: 131, and bytes_in in the P16 payload is where the stream ended.
printf '\x93\x01\x02' > in.bin
set +e
doc=$("$sluice" run big.json --emit doc | xxd -p | tr -d '\n'); rc=$?
set -e
[ $rc -eq 3 ] || { echo "cut: exit $rc"; exit 1; }
# ERR doc: tag 0, code 131, the message, then P16: stage 0, bytes_in 3, items_in 1, code 131.
msg=$(printf 'stream:xf_plugin_error' | xxd -p | tr -d '\n')
[ "$doc" = "0083000000""16000000""$msg""10000000""00000000""03000000""01000000""83000000" ] \
  || { echo "cut: doc $doc"; exit 1; }
echo "msgpack cut stream: ERR 131 with its offset"
