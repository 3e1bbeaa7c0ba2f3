"""The Python baseline of bench/msgpack/run: python3-msgpack's streaming Unpacker over the file,
each value written as JSON text with json.dumps (sorted keys, no spaces: close to, not exactly,
RFC 8785; the JSON goes to a counter, not to a file)."""
import json
import sys

import msgpack

total = values = 0
with open(sys.argv[1], "rb") as f:
    for v in msgpack.Unpacker(f, raw=False, read_size=65536):
        total += len(json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        values += 1
print(values, "values", total, "JSON characters")
