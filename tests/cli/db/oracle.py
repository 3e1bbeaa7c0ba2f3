#!/usr/bin/env python3
"""An oracle for the db source, independent of sluice: Python's sqlite3 reads the rows and this
file encodes them as DataModel values by hand (x07-modules §3.1), with REAL laid out as Rust's
ryu does (shortest round-trip digits from Python's repr, placed by ryu's rules), then frames each
row as frame_u32le_v1 does (u32 LE length + bytes).

  oracle.py make-types DB           the typed test table `t` (every SQLite type, NULL, unicode, blobs)
  oracle.py make-spec DB            x07-modules §3.3's example table (id, name, note) = (1, 'a', NULL)
  oracle.py make-big DB N           N rows (id, name) for the memory test
  oracle.py frames DB SQL OUT       the framed DataModel rows of SQL over DB
"""
import sqlite3
import struct
import sys


def u32(n):
    return struct.pack("<I", n)


def ryu(v):
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    sign = "-" if str(v).startswith("-") else ""
    v = abs(v)
    if v == 0:
        return sign + "0.0"
    r = repr(v)  # shortest round trip, e.g. '1.5', '1e-07', '1.2345e+20'
    mant, _, exp = r.partition("e")
    exp = int(exp) if exp else 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    # value = 0.ip fp ... : the decimal point sits len(ip) digits in, shifted by exp
    point = len(ip) + exp - (len(ip + fp) - len((ip + fp).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    length = len(digits)
    kk = point
    k = kk - length
    if 0 <= k and kk <= 16:
        return sign + digits + "0" * k + ".0"
    if 0 < kk <= 16:
        return sign + digits[:kk] + "." + digits[kk:]
    if -5 < kk <= 0:
        return sign + "0." + "0" * (-kk) + digits
    if length == 1:
        return sign + digits + "e" + str(kk - 1)
    return sign + digits[0] + "." + digits[1:] + "e" + str(kk - 1)


def value(x):
    if x is None:
        return b"\x00"
    if isinstance(x, int):
        t = str(x).encode()
        return b"\x02" + u32(len(t)) + t
    if isinstance(x, float):
        t = ryu(x).encode()
        return b"\x02" + u32(len(t)) + t
    if isinstance(x, str):
        t = x.encode("utf-8")
        return b"\x03" + u32(len(t)) + t
    if isinstance(x, bytes):
        return b"\x03" + u32(len(x)) + x
    raise TypeError(type(x))


def row(r):
    return b"\x04" + u32(len(r)) + b"".join(value(c) for c in r)


def main():
    cmd = sys.argv[1]
    if cmd == "make-types":
        db = sqlite3.connect(sys.argv[2])
        db.execute("create table t (id integer primary key, i integer, r real, s text, b blob)")
        rows = [
            (1, 0, 1.5, "a", b""),
            (2, -1, 3.0, "héllo wörld", b"\x00\x01\xff"),
            (3, 9223372036854775807, 1e20, "日本語 ✓ 🚀", bytes(range(256))),
            (4, -9223372036854775808, 1e-7, "", None),
            (5, None, 0.1, None, b"\xfe"),
            (6, 42, -2.5, "tab\tnl\nquote\"", b"x"),
            (7, 7, 1e-5, "a" * 5000, None),
            (8, 8, 123456789.125, "x", None),
            (9, 9, 1.2345678901234567e16, "y", None),
            (10, 10, -0.0, "z", None),
            (11, 11, 2.0 ** 70, "w", None),
        ]
        db.executemany("insert into t values (?, ?, ?, ?, ?)", rows)
        db.commit()
    elif cmd == "make-spec":
        db = sqlite3.connect(sys.argv[2])
        db.execute("create table s (id integer, name text, note text)")
        db.execute("insert into s values (1, 'a', NULL)")
        db.commit()
    elif cmd == "make-big":
        db = sqlite3.connect(sys.argv[2])
        db.execute("create table big (id integer primary key, name text)")
        n = int(sys.argv[3])
        # Generated inside SQLite: a million Python-side inserts would take seconds.
        db.execute("with recursive c(i) as (select 0 union all select i + 1 from c where i + 1 < ?) "
                   "insert into big select i, 'name-' || i from c", (n,))
        db.commit()
    elif cmd == "frames":
        db = sqlite3.connect(sys.argv[2])
        db.text_factory = bytes  # TEXT as stored, never decoded
        out = bytearray()
        for r in db.execute(sys.argv[3]):
            enc = row(r)
            out += u32(len(enc)) + enc
        open(sys.argv[4], "wb").write(out)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
