"""An independent model of the x07AST expression language (spec/x07-modules.md §2), written from
the spec text in plain Python (standard library only) and sharing no code with sluice's two
backends. It evaluates the functions of a module file over an item, so tests can compare what the
interpreter and a built executable print with values computed a third way.

Values: i32 as its u32 bit pattern (0..2^32-1); bytes and bytes_view as Python bytes (value
semantics give the same results as X07's moves and borrows for programs its checker accepts,
§2.9); vec_u8 as a Vec (bytes and a capacity); result_* and option_* as Res(err, value).

Where the spec leaves a value open, the model takes sluice's documented choice and says so:
  - vec_u8.cap: the spec gives no growth rule; sluice documents std::vector's (libstdc++): reserve
    sets the capacity to what is asked when it is larger, and growth to len + max(len, added).
  - parse.u32_dec (the builtin): leading digits, stop at the first non-digit, wrap mod 2^32
    (docs/compat.md).
"""

import json

MASK = 0xFFFFFFFF


class Trap(Exception):
    """A runtime trap (§2.10): the run has no doc."""


def u32(x):
    return x & MASK


def s32(x):
    x &= MASK
    return x - (1 << 32) if x & 0x80000000 else x


class Vec:
    def __init__(self, cap=0):
        self.data = bytearray()
        self.cap = cap

    def grow_for(self, added):
        # libstdc++ _M_check_len: new capacity = len + max(len, added), when it does not fit.
        if added and len(self.data) + added > self.cap:
            self.cap = len(self.data) + max(len(self.data), added)

    def copy(self):
        v = Vec(self.cap)
        v.data = bytearray(self.data)
        return v


class Res:
    """result_* (err=True: value is the code) and option_* (none is err)."""

    def __init__(self, err, value):
        self.err = err
        self.value = value


class Scratch:
    """scratch_u8_fixed_v1 of a map_in_place stage (§2.7), reached by its handle."""

    HANDLE = 1

    def __init__(self, cap):
        self.cap = cap
        self.data = bytearray()


class Return(Exception):
    def __init__(self, value):
        self.value = value


def utf8_is_valid(b):
    """Strict UTF-8 (§7.3): no overlongs, no surrogates, at most U+10FFFF."""
    try:
        b.decode("utf-8", errors="strict")  # Python's decoder is strict in exactly these ways
        return 1
    except UnicodeDecodeError:
        return 0


def fnv1a32(b):
    h = 0x811C9DC5
    for c in b:
        h = ((h ^ c) * 16777619) & MASK
    return h


def std_parse_u32_dec(b):
    """§7.3: ok(value) after trimming spaces/tabs; err 1 empty, 2 non-digit, 3 overflow."""
    t = bytes(b).strip(b" \t")
    if not t:
        return Res(True, 1)
    if any(c < 0x30 or c > 0x39 for c in t):
        return Res(True, 2)
    v = int(t.decode())
    if v > MASK:
        return Res(True, 3)
    return Res(False, v)


def std_parse_i32_dec(b):
    """§7.3 as u32_dec, signed: one optional leading '-' or '+' (a sign alone is err 2), err 3
    outside [-2^31, 2^31-1]."""
    t = bytes(b).strip(b" \t")
    if not t:
        return Res(True, 1)
    digits = t[1:] if t[:1] in (b"-", b"+") else t
    if not digits or any(c < 0x30 or c > 0x39 for c in digits):
        return Res(True, 2)
    v = -int(digits.decode()) if t[:1] == b"-" else int(digits.decode())
    if v < -(1 << 31) or v >= 1 << 31:
        return Res(True, 3)
    return Res(False, u32(v))


def builtin_parse_u32_dec(b):
    v = 0
    for c in b:
        if c < 0x30 or c > 0x39:
            break
        v = (v * 10 + c - 0x30) & MASK
    return v


def check_range(start, length, size):
    if start > size or length > size - start:
        raise Trap("range")


BINOPS = {
    "+": lambda a, b: u32(a + b),
    "-": lambda a, b: u32(a - b),
    "*": lambda a, b: u32(a * b),
    "/": lambda a, b: 0 if b == 0 else a // b,  # unsigned, x/0 = 0
    "%": lambda a, b: a if b == 0 else a % b,  # unsigned, x%0 = x
    "=": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(s32(a) < s32(b)),
    "<=": lambda a, b: int(s32(a) <= s32(b)),
    ">": lambda a, b: int(s32(a) > s32(b)),
    ">=": lambda a, b: int(s32(a) >= s32(b)),
    "<u": lambda a, b: int(a < b),
    "<=u": lambda a, b: int(a <= b),
    ">u": lambda a, b: int(a > b),
    ">=u": lambda a, b: int(a >= b),
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
    "<<u": lambda a, b: u32(a << (b & 31)),
    ">>u": lambda a, b: a >> (b & 31),
}


def dec(v):
    return str(v).encode()


class Module:
    """The defns of one or more module files, by name."""

    def __init__(self, paths=()):
        self.fns = {}
        self.meta = {}
        for p in paths:
            self.load(p)

    def load(self, path):
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
        self.meta[m["module_id"]] = m.get("meta", {})
        for d in m["decls"]:
            if d["kind"] == "defn":
                self.fns[d["name"]] = d
        return m


class Machine:
    def __init__(self, module, program_input=b"", scratch=None):
        self.module = module
        self.input = bytes(program_input)
        self.scratch = scratch

    # ---- calls ----
    def call(self, name, args):
        if name in LIBRARY:
            return LIBRARY[name](*args)
        d = self.module.fns.get(name)
        if d is None:
            raise KeyError("no function " + name)
        env = [{p["name"]: a for p, a in zip(d["params"], args)}]
        try:
            return self.eval(d["body"], env)
        except Return as r:
            return r.value

    # ---- environment ----
    @staticmethod
    def lookup(env, name):
        for scope in reversed(env):
            if name in scope:
                return scope
        return None

    def eval(self, e, env):
        if isinstance(e, bool):
            raise ValueError("bool literal")
        if isinstance(e, int):
            return u32(e)
        if isinstance(e, str):
            if e == "input":
                return self.input
            scope = self.lookup(env, e)
            if scope is None:
                raise KeyError("unbound " + e)
            return scope[e]
        head, args = e[0], e[1:]
        ev = lambda x: self.eval(x, env)
        if head == "begin":
            env.append({})
            try:
                v = 0
                for x in args:
                    v = ev(x)
                return v
            finally:
                env.pop()
        if head == "let":
            v = ev(args[1])
            env[-1][args[0]] = v
            return v
        if head in ("set", "set0"):
            v = ev(args[1])
            self.lookup(env, args[0])[args[0]] = v
            return v if head == "set" else 0
        if head == "if":
            return ev(args[1]) if ev(args[0]) != 0 else ev(args[2])
        if head == "for":
            name = args[0]
            scope = self.lookup(env, name)
            if scope is None:
                scope = env[-1]
            scope[name] = ev(args[1])
            end = ev(args[2])  # evaluated once
            while scope[name] < end:  # unsigned compare
                ev(args[3])
                scope[name] = u32(scope[name] + 1)
            return 0
        if head == "while":
            while ev(args[0]) != 0:
                ev(args[1])
            return 0
        if head == "return":
            raise Return(ev(args[0]))
        if head == "try":
            r = ev(args[0])
            if r.err:
                raise Return(Res(True, r.value))
            return r.value
        if head == "try_doc":
            # A doc envelope: tag 1 and the payload, anything else is returned as it is.
            d = as_bytes(ev(args[0]))
            if d[:1] == b"\x01":
                return d[1:]
            raise Return(d)
        if head in ("std.brand.cast_bytes_v1", "std.brand.cast_view_v1", "std.brand.cast_view_copy_v1"):
            # Brands are static (§2.8): the cast is its validator's verdict on the value.
            v = ev(args[2])
            r = self.call(args[1], [as_bytes(v)])
            return Res(True, r.value) if r.err else Res(False, as_bytes(v))
        if head == "std.brand.assume_bytes_v1":
            return ev(args[1])
        if head in ("std.brand.erase_bytes_v1", "std.brand.erase_view_v1", "std.brand.to_bytes_preserve_if_full_v1"):
            return as_bytes(ev(args[0]))
        if head == "&&":
            return 1 if ev(args[0]) != 0 and ev(args[1]) != 0 else 0
        if head == "||":
            return 1 if ev(args[0]) != 0 or ev(args[1]) != 0 else 0
        if head in ("bytes.lit", "bytes.view_lit"):
            return args[0].encode("utf-8")
        if head in BINOPS:
            return BINOPS[head](ev(args[0]), ev(args[1]))
        if head in ("vec_u8.as_view", "bytes.view", "std.brand.view_v1"):
            v = ev(args[0])
            return bytes(v.data) if isinstance(v, Vec) else bytes(v)
        vals = [ev(a) for a in args]
        if head in BUILTINS:
            return BUILTINS[head](self, *vals)
        return self.call(head, vals)


def as_bytes(v):
    return bytes(v.data) if isinstance(v, Vec) else bytes(v)


def get_u8(b, i):
    b = as_bytes(b)
    if i >= len(b):
        raise Trap("get_u8 out of bounds")
    return b[i]


def set_u8(b, i, x):
    b = bytearray(b)
    if i >= len(b):
        raise Trap("set_u8 out of bounds")
    b[i] = x & 255
    return bytes(b)


def subview(b, start, length):
    b = as_bytes(b)
    check_range(start, length, len(b))
    return b[start : start + length]


def cmp_range(a, ao, al, b, bo, bl):
    x = subview(a, ao, al)
    y = subview(b, bo, bl)
    return u32(-1) if x < y else (1 if x > y else 0)  # memcmp, then length: Python's order


def read_u32_le(b, off):
    b = as_bytes(b)
    if off + 4 > len(b):
        raise Trap("read_u32_le out of bounds")
    return int.from_bytes(b[off : off + 4], "little")


def write_u32_le(x):
    return u32(x).to_bytes(4, "little")


def vec_with_capacity(m, n):
    return Vec(n)


def vec_push(m, v, x):
    v = v.copy()
    v.grow_for(1)
    v.data.append(x & 255)
    return v


def vec_extend(m, v, b):
    v = v.copy()
    b = as_bytes(b)
    v.grow_for(len(b))
    v.data += b
    return v


def vec_extend_range(m, v, b, start, length):
    return vec_extend(m, v, subview(b, start, length))


def vec_extend_zeroes(m, v, n):
    return vec_extend(m, v, bytes(n))


def vec_reserve_exact(m, v, n):
    v = v.copy()
    v.cap = max(v.cap, len(v.data) + n)
    return v


def vec_get(m, v, i):
    return get_u8(v, i)


def vec_set(m, v, i, x):
    if i >= len(v.data):
        raise Trap("vec set out of bounds")
    v = v.copy()
    v.data[i] = x & 255
    return v


def vec_clear(m, v):
    v = v.copy()
    v.data = bytearray()
    return v


def bytes_alloc(m, n):
    if n >= 1 << 31:
        raise Trap("alloc")
    return bytes(n)


def scratch_of(m, h):
    if m.scratch is None or h != Scratch.HANDLE:
        raise Trap("invalid scratch handle")
    return m.scratch


def scratch_try_write(m, h, b):
    s = scratch_of(m, h)
    b = as_bytes(b)
    if len(s.data) + len(b) > s.cap:
        return Res(True, 8)  # unchanged
    s.data += b
    return Res(False, len(b))


def scratch_clear(m, h):
    scratch_of(m, h).data = bytearray()
    return 0


def clamp(n, limit):
    """§2.5: a negative count is 0, one past the limit is the limit."""
    return min(max(s32(n), 0), limit)


def clamped_slice(b, start, length):
    b = as_bytes(b)
    st = clamp(start, len(b))
    return b[st : st + clamp(length, len(b) - st)]


def find(hay, needle):
    i = as_bytes(hay).find(as_bytes(needle))
    return u32(i)  # -1 when absent


def trim_ascii(b):
    # X07's std follows Rust's u8::is_ascii_whitespace: space, tab, LF, form feed, CR.
    return as_bytes(b).strip(b" \t\n\x0c\r")


def test_result(ok, code):
    return Res(False, 0) if ok else Res(True, code)


def s32_dec(x):
    return dec(s32(x))


BUILTINS = {
    "bytes.alloc": bytes_alloc,
    "bytes.empty": lambda m: b"",
    "bytes.len": lambda m, b: len(as_bytes(b)),
    "view.len": lambda m, b: len(as_bytes(b)),
    "bytes.get_u8": lambda m, b, i: get_u8(b, i),
    "view.get_u8": lambda m, b, i: get_u8(b, i),
    "bytes.set_u8": lambda m, b, i, x: set_u8(b, i, x),
    "bytes.subview": lambda m, b, s, n: subview(b, s, n),
    "bytes.slice": lambda m, b, s, n: subview(b, s, n),
    "view.slice": lambda m, b, s, n: subview(b, s, n),
    "view.to_bytes": lambda m, b: as_bytes(b),
    "bytes.concat": lambda m, a, b: as_bytes(a) + as_bytes(b),
    "bytes.eq": lambda m, a, b: int(as_bytes(a) == as_bytes(b)),
    "view.eq": lambda m, a, b: int(as_bytes(a) == as_bytes(b)),
    "bytes.cmp_range": lambda m, *a: cmp_range(*a),
    "view.cmp_range": lambda m, *a: cmp_range(*a),
    "codec.read_u32_le": lambda m, b, o: read_u32_le(b, o),
    "codec.write_u32_le": lambda m, x: write_u32_le(x),
    "std.codec.write_u32_le": lambda m, x: write_u32_le(x),
    "std.codec.read_u32_le": lambda m, b, o: read_u32_le(b, o),
    "vec_u8.with_capacity": vec_with_capacity,
    "vec_u8.len": lambda m, v: len(as_bytes(v)),
    "vec_u8.cap": lambda m, v: v.cap,
    "vec_u8.clear": vec_clear,
    "vec_u8.get": vec_get,
    "vec_u8.set": vec_set,
    "vec_u8.push": vec_push,
    "vec_u8.reserve_exact": vec_reserve_exact,
    "vec_u8.extend_zeroes": vec_extend_zeroes,
    "vec_u8.extend_bytes": vec_extend,
    "vec_u8.extend_bytes_range": vec_extend_range,
    "vec_u8.into_bytes": lambda m, v: bytes(v.data),
    "fmt.u32_to_dec": lambda m, x: dec(x),
    "fmt.s32_to_dec": lambda m, x: s32_dec(x),
    "parse.u32_dec": lambda m, b: builtin_parse_u32_dec(as_bytes(b)),
    "result_i32.ok": lambda m, x: Res(False, x),
    "result_i32.err": lambda m, c: Res(True, c),
    "result_bytes.ok": lambda m, x: Res(False, x),
    "result_bytes.err": lambda m, c: Res(True, c),
    "result_i32.is_ok": lambda m, r: int(not r.err),
    "result_bytes.is_ok": lambda m, r: int(not r.err),
    "result_i32.err_code": lambda m, r: r.value if r.err else 0,
    "result_bytes.err_code": lambda m, r: r.value if r.err else 0,
    "result_i32.unwrap_or": lambda m, r, d: d if r.err else r.value,
    "result_bytes.unwrap_or": lambda m, r, d: d if r.err else r.value,
    "option_i32.some": lambda m, x: Res(False, x),
    "option_i32.none": lambda m: Res(True, 0),
    "option_i32.is_some": lambda m, o: int(not o.err),
    "option_i32.unwrap_or": lambda m, o, d: d if o.err else o.value,
    "option_bytes.some": lambda m, x: Res(False, x),
    "option_bytes.none": lambda m: Res(True, 0),
    "option_bytes.is_some": lambda m, o: int(not o.err),
    "option_bytes.unwrap_or": lambda m, o, d: d if o.err else o.value,
    "result_bytes_view.ok": lambda m, x: Res(False, x),
    "result_bytes_view.err": lambda m, c: Res(True, c),
    "result_bytes_view.is_ok": lambda m, r: int(not r.err),
    "result_bytes_view.err_code": lambda m, r: r.value if r.err else 0,
    "result_bytes_view.unwrap_or": lambda m, r, d: d if r.err else r.value,
    "option_bytes_view.some": lambda m, x: Res(False, x),
    "option_bytes_view.none": lambda m: Res(True, 0),
    "option_bytes_view.is_some": lambda m, o: int(not o.err),
    "option_bytes_view.unwrap_or": lambda m, o, d: d if o.err else o.value,
    "std.bytes.get_u8": lambda m, b, i: get_u8(b, i),
    "std.bytes.set_u8": lambda m, b, i, x: set_u8(b, i, x),
    "std.bytes.alloc": bytes_alloc,
    "std.bytes.eq": lambda m, a, b: int(as_bytes(a) == as_bytes(b)),
    "std.bytes.cmp_range": lambda m, *a: cmp_range(*a),
    "std.bytes.find_u8": lambda m, b, c: find(b, bytes([c & 255])),
    "std.bytes.find_sub": lambda m, b, n: find(b, n),
    "std.bytes.count_u8": lambda m, b, c: as_bytes(b).count(bytes([c & 255])),
    "std.bytes.starts_with": lambda m, b, p: int(as_bytes(b).startswith(as_bytes(p))),
    "std.bytes.ends_with": lambda m, b, p: int(as_bytes(b).endswith(as_bytes(p))),
    "std.bytes.strip_prefix_view": lambda m, b, p: as_bytes(b).removeprefix(as_bytes(p)),
    "std.bytes.strip_suffix_view": lambda m, b, p: as_bytes(b).removesuffix(as_bytes(p)),
    "std.bytes.trim_ascii_view": lambda m, b: trim_ascii(b),
    "std.bytes.concat": lambda m, a, b: as_bytes(a) + as_bytes(b),
    "std.bytes.take": lambda m, b, n: as_bytes(b)[: clamp(n, len(as_bytes(b)))],
    "std.bytes.drop": lambda m, b, n: as_bytes(b)[clamp(n, len(as_bytes(b))) :],
    "std.bytes.slice": lambda m, b, st, n: clamped_slice(b, st, n),
    "std.view.slice_v1": lambda m, b, st, n: clamped_slice(b, st, n),
    "std.vec.with_capacity": vec_with_capacity,
    "std.vec.len": lambda m, v: len(as_bytes(v)),
    "std.vec.get": vec_get,
    "std.vec.push": vec_push,
    "std.vec.reserve_exact": vec_reserve_exact,
    "std.vec.extend_bytes": vec_extend,
    "std.vec.as_bytes": lambda m, v: bytes(v.data),
    "std.test.pass": lambda m: Res(False, 0),
    "std.test.fail": lambda m, c: Res(True, c),
    "std.test.assert_i32_eq": lambda m, a, b, c: test_result(a == b, c),
    "std.test.assert_bytes_eq": lambda m, a, b, c: test_result(as_bytes(a) == as_bytes(b), c),
    "std.test.assert_true": lambda m, x, c: test_result(x != 0, c),
    "std.test.code_assert_true": lambda m: 1001,
    "std.test.code_assert_i32_eq": lambda m: 1002,
    "std.test.code_assert_bytes_eq": lambda m: 1003,
    "scratch_u8_fixed_v1.try_write": scratch_try_write,
    "scratch_u8_fixed_v1.clear": scratch_clear,
    "scratch_u8_fixed_v1.len": lambda m, h: len(scratch_of(m, h).data),
    "scratch_u8_fixed_v1.cap": lambda m, h: scratch_of(m, h).cap,
}

def err_doc(code):
    """A doc envelope's error: tag 0, the code and an empty message (u32 LE each)."""
    return b"\x00" + u32(code).to_bytes(4, "little") + bytes(4)


def hex_decode(b):
    # sluice's error codes (docs/compat.md): 1 odd length, 2 a non-hex byte.
    b = as_bytes(b)
    if len(b) % 2:
        return err_doc(1)
    digits = b"0123456789abcdef"
    out = bytearray(b"\x01")
    for i in range(0, len(b), 2):
        hi, lo = digits.find(b[i : i + 1].lower()), digits.find(b[i + 1 : i + 2].lower())
        if hi < 0 or lo < 0:
            return err_doc(2)
        out.append(hi * 16 + lo)
    return bytes(out)


B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def base64_encode(b):
    b = as_bytes(b)
    out = bytearray()
    for i in range(0, len(b), 3):
        group = b[i : i + 3]
        bits = int.from_bytes(group + bytes(3 - len(group)), "big")
        chars = [B64[(bits >> sh) & 63] for sh in (18, 12, 6, 0)]
        out += bytes(chars[: len(group) + 1]) + b"=" * (3 - len(group))
    return bytes(out)


def base64_decode(b):
    # Strict and padded; 1 a length not a multiple of 4, 2 a byte outside the alphabet or '='
    # anywhere but the last one or two places.
    b = as_bytes(b)
    if len(b) % 4:
        return err_doc(1)
    body = b.rstrip(b"=") if b.endswith(b"=") else b
    pad = len(b) - len(body)
    if pad > 2 or any(B64.find(bytes([c])) < 0 for c in body):
        return err_doc(2)
    bits = 0
    for c in body:
        bits = (bits << 6) | B64.find(bytes([c]))
    bits <<= 6 * pad
    data = bits.to_bytes(len(b) // 4 * 3, "big") if b else b""
    return b"\x01" + data[: len(data) - pad]


# The built-in library functions a stage may name (§7.3), as one-argument callables.
LIBRARY = {
    "std.bytes.len": lambda b: len(as_bytes(b)),
    "std.bytes.reverse": lambda b: as_bytes(b)[::-1],
    "std.bytes.copy": lambda b: as_bytes(b),
    "std.codec.hex_encode_v1": lambda b: as_bytes(b).hex().encode(),
    "std.codec.hex_decode_v1": hex_decode,
    "std.codec.base64_encode_v1": base64_encode,
    "std.codec.base64_decode_v1": base64_decode,
    "std.bytes.max_u8": lambda b: max(as_bytes(b), default=0),
    "std.bytes.sum_u8": lambda b: u32(sum(as_bytes(b))),
    "std.str.validate_v1": lambda b: Res(False, 0) if utf8_is_valid(as_bytes(b)) else Res(True, 1431193656),
    "std.hash.fnv1a32_view": lambda b: fnv1a32(as_bytes(b)),
    "std.text.utf8.is_valid": lambda b: utf8_is_valid(as_bytes(b)),
    "std.parse.u32_dec": lambda b: std_parse_u32_dec(as_bytes(b)),
    "std.parse.i32_dec": lambda b: std_parse_i32_dec(as_bytes(b)),
}


def signature(module, name):
    """(param brands, result type, result brand) of a user function or a library one."""
    d = module.fns.get(name)
    if d is None:
        return [None], None, None
    return [p.get("brand") for p in d["params"]], d["result"], d.get("result_brand")
