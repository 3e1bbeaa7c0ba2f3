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
        if head == "&&":
            return 1 if ev(args[0]) != 0 and ev(args[1]) != 0 else 0
        if head == "||":
            return 1 if ev(args[0]) != 0 or ev(args[1]) != 0 else 0
        if head in ("bytes.lit", "bytes.view_lit"):
            return args[0].encode("utf-8")
        if head in BINOPS:
            return BINOPS[head](ev(args[0]), ev(args[1]))
        if head in ("vec_u8.as_view", "bytes.view"):
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
    "scratch_u8_fixed_v1.try_write": scratch_try_write,
    "scratch_u8_fixed_v1.clear": scratch_clear,
    "scratch_u8_fixed_v1.len": lambda m, h: len(scratch_of(m, h).data),
    "scratch_u8_fixed_v1.cap": lambda m, h: scratch_of(m, h).cap,
}

# The built-in library functions a stage may name (§7.3), as one-argument callables.
LIBRARY = {
    "std.bytes.len": lambda b: len(as_bytes(b)),
    "std.bytes.reverse": lambda b: as_bytes(b)[::-1],
    "std.bytes.copy": lambda b: as_bytes(b),
    "std.codec.hex_encode_v1": lambda b: as_bytes(b).hex().encode(),
    "std.hash.fnv1a32_view": lambda b: fnv1a32(as_bytes(b)),
    "std.text.utf8.is_valid": lambda b: utf8_is_valid(as_bytes(b)),
    "std.parse.u32_dec": lambda b: std_parse_u32_dec(as_bytes(b)),
}


def signature(module, name):
    """(param brands, result type, result brand) of a user function or a library one."""
    d = module.fns.get(name)
    if d is None:
        return [None], None, None
    return [p.get("brand") for p in d["params"]], d["result"], d.get("result_brand")
