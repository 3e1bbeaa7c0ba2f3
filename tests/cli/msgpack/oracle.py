#!/usr/bin/env python3
"""The independent side of tests/cli/msgpack.sh: python3-msgpack encodes random records, and this
file computes their RFC 8785 text itself (UTF-16 key order, ECMAScript number form, JCS string
escapes), so the pipeline is checked against code that shares nothing with plugins/msgpack.

  oracle.py gen SEED COUNT OUT.bin OUT.expected   write the stream and the expected u32le frames
  oracle.py frames DOC_OR_PAYLOAD                  print the frames of a payload, one per line
"""
import random
import struct
import sys

import msgpack


def es_number(f):
    if f == 0:
        return "0"
    r = repr(f)
    sign = "-" if r.startswith("-") else ""
    r = r.lstrip("-")
    mant, _, exp = r.partition("e")
    e = int(exp) if exp else 0
    ip, _, fp = mant.partition(".")
    # value = 0.DIGITS x 10^point, DIGITS without leading or trailing zeros (repr is shortest).
    digits = (ip + fp).lstrip("0")
    point = len(ip) + e - (len(ip + fp) - len(digits))
    digits = digits.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        x = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if x > 0 else "-") + str(abs(x))
    return sign + s


def jcs_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)  # exact, as the plugin prints msgpack integers
    if isinstance(v, float):
        return es_number(v)
    if isinstance(v, str):
        return jcs_string(v)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
    return "{" + ",".join(jcs_string(k) + ":" + jcs(v[k]) for k in keys) + "}"


CHARS = "abcXYZ019 _-\"\\\n\t\x01\x1f\x7f/éü€Ａ中😀𝄞\U0010fffd"


def rand_str(rng):
    n = rng.choice([0, 1, 3, 8, 20, 40, 300])
    return "".join(rng.choice(CHARS) for _ in range(n))


def rand_value(rng, depth):
    kinds = ["nil", "bool", "int", "bigint", "float", "str"] + (["list", "map"] * 2 if depth > 0 else [])
    k = rng.choice(kinds)
    if k == "nil":
        return None
    if k == "bool":
        return rng.random() < 0.5
    if k == "int":
        return rng.choice([rng.randint(-40, 200), rng.randint(-2**31, 2**32), rng.randint(-2**53, 2**53)])
    if k == "bigint":
        return rng.choice([rng.randint(2**53, 2**64 - 1), rng.randint(-2**63, -2**53)])
    if k == "float":
        return rng.choice([rng.uniform(-1e6, 1e6), rng.random() * 10 ** rng.randint(-30, 30), 0.1, -2.5, 1e21, 1e-7, 5e-324])
    if k == "str":
        return rand_str(rng)
    if k == "list":
        return [rand_value(rng, depth - 1) for _ in range(rng.randint(0, 6))]
    return {rand_str(rng): rand_value(rng, depth - 1) for _ in range(rng.randint(0, 6))}


def main():
    if sys.argv[1] == "gen":
        seed, count, out_bin, out_exp = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
        rng = random.Random(seed)
        with open(out_bin, "wb") as b, open(out_exp, "wb") as e:
            for _ in range(count):
                v = rand_value(rng, 4)
                # use_single_float at random: float32 encodings too (the value is then the float32).
                single = rng.random() < 0.3
                data = msgpack.packb(v, use_bin_type=True, use_single_float=single)
                back = msgpack.unpackb(data, raw=False, strict_map_key=False)
                b.write(data)
                text = jcs(back).encode("utf-8")
                e.write(struct.pack("<I", len(text)) + text)
    elif sys.argv[1] == "frames":
        data = open(sys.argv[2], "rb").read()
        i = 0
        while i < len(data):
            (n,) = struct.unpack_from("<I", data, i)
            print(data[i + 4:i + 4 + n].decode("utf-8"))
            i += 4 + n


main()
