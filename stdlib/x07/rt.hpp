// The meaning of x07 operators and builtins (spec x07-modules §2), written once for both
// backends: the interpreter (compiler/x07/interp.cpp) calls these on its generic values, and the
// C++ the backend emits for x07 functions (compiler/emit_x07.cpp) calls them on typed ones. Traps
// are thrown as x07rt::Trap with the interpreter's messages and caught where a user function is
// entered, so both backends trap alike.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "runtime/bytes.hpp"
#include "stdlib/user_fn.hpp"
#include "stdlib/x07/data_model.hpp"  // ext.data_model (data_model.cpp)
#include "stdlib/x07/db.hpp"  // std.db: declared there, defined in db.cpp (libsluice_stdlib)
#include "stdlib/x07/net.hpp"  // std.net: declared there, defined in net.cpp (libsluice_stdlib)

namespace sluice::x07rt {

using Buf = std::vector<std::uint8_t>;  // bytes and vec_u8 values

// result_i32 and option_i32 (none is err); result_bytes and option_bytes.
struct ResI32 {
  std::int32_t i = 0;  // the ok value or the err code
  bool err = false;
};
struct ResBytes {
  Buf buf;             // the ok value
  std::int32_t i = 0;  // the err code
  bool err = false;
};
// result_bytes_view and option_bytes_view: a view (it borrows like one), or the err code.
struct ResView {
  ByteView view;       // the ok value
  std::int32_t i = 0;  // the err code
  bool err = false;
};

// Where an expression sits in its module file: trap messages end in " (at line:column)".
struct Site {
  int line = 0;
  int column = 0;
};

// How a trap leaves a user function. Never thrown past the function's entry.
struct Trap {
  UserFnStatus status = UserFnStatus::kTrap;
  std::string message;
};

// Largest bytes/vec_u8 a function may build: X07 lengths are u32, and a value over 1 GiB is a
// runaway, better trapped than an out-of-memory abort.
inline constexpr std::uint64_t kMaxValueBytes = std::uint64_t{1} << 30;
// Nested user-function calls (each interpreter level costs a few hundred bytes of stack).
inline constexpr int kMaxCallDepth = 200;

inline std::string at(Site s) {
  return s.line > 0 ? " (at " + std::to_string(s.line) + ":" + std::to_string(s.column) + ")" : std::string();
}

[[noreturn]] inline void trap(Site s, const std::string& what) { throw Trap{UserFnStatus::kTrap, what + at(s)}; }

// A par_map stage canceled its in-flight items (UserFnIo::cancel): the call ends without a result.
// Both backends look at the flag when the steps left are a multiple of kCancelPollMask + 1 (the
// interpreter) or at each loop iteration (compiled code), so a canceled item stops promptly.
inline constexpr std::uint64_t kCancelPollMask = 0xFFF;
[[noreturn]] inline void canceled() { throw Trap{UserFnStatus::kCanceled, "canceled"}; }

[[noreturn]] inline void fuel_out(Site s, std::uint64_t fuel) {
  throw Trap{UserFnStatus::kFuel, "out of fuel after " + std::to_string(fuel) + " steps" + at(s)};
}

[[noreturn]] inline void call_too_deep(Site s, const char* callee) {
  trap(s, "call depth over " + std::to_string(kMaxCallDepth) + " (runaway recursion in " + callee + ")");
}

inline std::uint32_t u(std::int32_t v) { return static_cast<std::uint32_t>(v); }
// The i32 bit pattern of an unsigned value (lengths are u32 in X07).
template <class U>
std::int32_t s32(U v) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
}

inline ByteView view_of(const Buf& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }
inline Buf bytes_of(ByteView v) { return Buf(v.begin(), v.end()); }
inline ByteView literal(const char* text, std::uint32_t len) {
  return {reinterpret_cast<const std::uint8_t*>(text), len};
}

inline void check_len(Site s, std::uint64_t len) {
  if (len > kMaxValueBytes)
    trap(s, "length overflow: " + std::to_string(len) + " bytes is more than the " + std::to_string(kMaxValueBytes) +
                "-byte limit");
}

inline void check_range(Site s, const char* what, std::uint32_t start, std::uint32_t len, std::uint32_t size) {
  if (start > size || len > size - start)
    trap(s, "out-of-bounds " + std::string(what) + ": start " + std::to_string(start) + ", len " + std::to_string(len) +
                " on " + std::to_string(size) + " bytes");
}

// ---- i32 operators: operands and results are u32 bit patterns ----
// c ? x : y as mask arithmetic: the translation of a conditional over pure i32 operands
// (compiler/emit_x07.cpp), where the compiler would otherwise branch on data, e.g. per byte.
inline std::int32_t sel(bool c, std::int32_t x, std::int32_t y) {
  const std::uint32_t m = 0u - static_cast<std::uint32_t>(c);
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(x) & m) | (static_cast<std::uint32_t>(y) & ~m));
}
// The steps of such a conditional: y + (x - y) * c, which with constant step counts (the usual
// case) folds into one multiply-add the compiler merges with the others of the expression.
inline std::int64_t sel_steps(bool c, std::int64_t x, std::int64_t y) { return y + (x - y) * static_cast<std::int64_t>(c); }
inline std::int32_t add(std::int32_t a, std::int32_t b) { return s32(u(a) + u(b)); }
inline std::int32_t sub(std::int32_t a, std::int32_t b) { return s32(u(a) - u(b)); }
inline std::int32_t mul(std::int32_t a, std::int32_t b) { return s32(u(a) * u(b)); }
inline std::int32_t div_u(std::int32_t a, std::int32_t b) { return b == 0 ? 0 : s32(u(a) / u(b)); }  // x/0 = 0
inline std::int32_t rem_u(std::int32_t a, std::int32_t b) { return b == 0 ? a : s32(u(a) % u(b)); }  // x%0 = x
inline std::int32_t eq(std::int32_t a, std::int32_t b) { return a == b; }
inline std::int32_t ne(std::int32_t a, std::int32_t b) { return a != b; }
inline std::int32_t lt(std::int32_t a, std::int32_t b) { return a < b; }
inline std::int32_t le(std::int32_t a, std::int32_t b) { return a <= b; }
inline std::int32_t gt(std::int32_t a, std::int32_t b) { return a > b; }
inline std::int32_t ge(std::int32_t a, std::int32_t b) { return a >= b; }
inline std::int32_t lt_u(std::int32_t a, std::int32_t b) { return u(a) < u(b); }
inline std::int32_t le_u(std::int32_t a, std::int32_t b) { return u(a) <= u(b); }
inline std::int32_t gt_u(std::int32_t a, std::int32_t b) { return u(a) > u(b); }
inline std::int32_t ge_u(std::int32_t a, std::int32_t b) { return u(a) >= u(b); }
inline std::int32_t bit_and(std::int32_t a, std::int32_t b) { return s32(u(a) & u(b)); }
inline std::int32_t bit_or(std::int32_t a, std::int32_t b) { return s32(u(a) | u(b)); }
inline std::int32_t bit_xor(std::int32_t a, std::int32_t b) { return s32(u(a) ^ u(b)); }
inline std::int32_t shl(std::int32_t a, std::int32_t b) { return s32(u(a) << (u(b) & 31u)); }  // count masked
inline std::int32_t shr_u(std::int32_t a, std::int32_t b) { return s32(u(a) >> (u(b) & 31u)); }

// ---- bytes and views ----
inline Buf bytes_alloc(Site s, std::int32_t n) {
  check_len(s, u(n));
  return Buf(u(n), 0);
}

inline std::int32_t get_u8(Site s, ByteView v, std::int32_t i) {
  if (u(i) >= v.size)
    trap(s, "out-of-bounds read: index " + std::to_string(u(i)) + " on " + std::to_string(v.size) + " bytes");
  return v.data[u(i)];
}

inline void set_u8(Site s, Buf& b, std::int32_t i, std::int32_t value) {
  if (u(i) >= b.size())
    trap(s, "out-of-bounds write: index " + std::to_string(u(i)) + " on " + std::to_string(b.size()) + " bytes");
  b[u(i)] = static_cast<std::uint8_t>(value & 255);
}

inline ByteView subview(Site s, ByteView v, std::int32_t start, std::int32_t len) {
  check_range(s, "slice", u(start), u(len), v.size);
  return v.slice(u(start), u(len));
}

inline Buf slice(Site s, ByteView v, std::int32_t start, std::int32_t len) { return bytes_of(subview(s, v, start, len)); }

inline Buf concat(Site s, ByteView a, ByteView b) {
  check_len(s, std::uint64_t{a.size} + b.size);
  Buf r;
  r.reserve(std::size_t{a.size} + b.size);
  r.insert(r.end(), a.begin(), a.end());
  r.insert(r.end(), b.begin(), b.end());
  return r;
}

inline std::int32_t bytes_eq(ByteView a, ByteView b) {
  return a.size == b.size && (a.size == 0 || std::memcmp(a.data, b.data, a.size) == 0);
}

inline std::int32_t cmp_range(Site s, ByteView a, std::int32_t as, std::int32_t al, ByteView b, std::int32_t bs,
                              std::int32_t bl) {
  check_range(s, "cmp_range", u(as), u(al), a.size);
  check_range(s, "cmp_range", u(bs), u(bl), b.size);
  const std::uint32_t la = u(al), lb = u(bl);
  const int c = std::min(la, lb) == 0 ? 0 : std::memcmp(a.data + u(as), b.data + u(bs), std::min(la, lb));
  if (c != 0) return c < 0 ? -1 : 1;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

inline std::int32_t read_u32_le(Site s, ByteView v, std::int32_t at_index) {
  if (std::uint64_t{u(at_index)} + 4 > v.size)
    trap(s, "out-of-bounds read: codec.read_u32_le at " + std::to_string(u(at_index)) + " on " + std::to_string(v.size) +
                " bytes");
  return s32(load_u32le(v.data + u(at_index)));
}

inline Buf write_u32_le(std::int32_t value) {
  Buf r(4);
  store_u32le(r.data(), u(value));
  return r;
}

// ---- vec_u8: the operations grow the vector the same way in both backends, so vec_u8.cap
// (std::vector's capacity) agrees too ----
inline Buf vec_with_capacity(Site s, std::int32_t n) {
  check_len(s, u(n));
  Buf r;
  r.reserve(u(n));
  return r;
}
inline std::int32_t vec_cap(const Buf& b) { return s32(static_cast<std::uint32_t>(b.capacity())); }
inline void vec_push(Site s, Buf& b, std::int32_t value) {
  check_len(s, b.size() + 1);
  b.push_back(static_cast<std::uint8_t>(value & 255));
}
inline void vec_reserve_exact(Site s, Buf& b, std::int32_t n) {
  check_len(s, b.size() + u(n));
  b.reserve(b.size() + u(n));
}
inline void vec_extend_zeroes(Site s, Buf& b, std::int32_t n) {
  check_len(s, b.size() + u(n));
  b.resize(b.size() + u(n), 0);
}
inline void vec_extend(Site s, Buf& b, ByteView v) {
  check_len(s, b.size() + v.size);
  b.insert(b.end(), v.begin(), v.end());
}
inline void vec_extend_range(Site s, Buf& b, ByteView v, std::int32_t start, std::int32_t len) {
  check_range(s, "extend_bytes_range", u(start), u(len), v.size);
  check_len(s, b.size() + u(len));
  const ByteView part = v.slice(u(start), u(len));
  b.insert(b.end(), part.begin(), part.end());
}

// ---- results and options (none is represented as err) ----
template <class R>
std::int32_t is_ok(const R& r) {
  return !r.err;
}
template <class R>
std::int32_t err_code(const R& r) {
  return r.err ? r.i : 0;
}

// ---- scratch_u8_fixed_v1 (spec §2.7): the map_in_place stage's buffer, reached by handle ----
inline ScratchBuf& scratch(Site s, ScratchBuf* sb, std::int32_t handle) {
  if (handle != ScratchBuf::kHandle || sb == nullptr) trap(s, "invalid scratch handle " + std::to_string(handle));
  return *sb;
}
inline ResI32 scratch_try_write(Site s, ScratchBuf* sb, std::int32_t handle, ByteView v) {
  ScratchBuf& b = scratch(s, sb, handle);
  if (std::uint64_t{b.data.size()} + v.size > b.cap) return ResI32{8, true};  // the buffer is left unchanged
  b.data.insert(b.data.end(), v.begin(), v.end());
  return ResI32{s32(v.size), false};
}

// ---- text ----
inline Buf decimal(std::uint64_t v, bool negative) {
  std::string t = std::to_string(v);
  if (negative) t.insert(t.begin(), '-');
  return Buf(t.begin(), t.end());
}
inline Buf fmt_u32_dec(std::int32_t v) { return decimal(u(v), false); }
inline Buf fmt_s32_dec(std::int32_t v) {
  const std::int64_t w = v;
  return decimal(static_cast<std::uint64_t>(w < 0 ? -w : w), w < 0);
}
// parse.u32_dec: the leading digits, wrapping; 0 when there are none.
inline std::int32_t parse_u32_dec(ByteView v) {
  std::uint32_t r = 0;
  for (const std::uint8_t c : v) {
    if (c < '0' || c > '9') break;
    r = r * 10u + (c - '0');
  }
  return s32(r);
}

// ---- the clamping std.bytes / std.view wrappers (spec §2.5): never trap. A count is an i32:
// negative means 0, past the end means up to the end ----
inline std::uint32_t clamp_count(std::int32_t n, std::uint32_t limit) {
  return n < 0 ? 0u : std::min(static_cast<std::uint32_t>(n), limit);
}
inline ByteView clamp_slice(ByteView v, std::int32_t start, std::int32_t len) {
  const std::uint32_t s = clamp_count(start, v.size);
  return v.slice(s, clamp_count(len, v.size - s));
}
inline ByteView take(ByteView v, std::int32_t n) { return v.slice(0, clamp_count(n, v.size)); }
inline ByteView drop(ByteView v, std::int32_t n) {
  const std::uint32_t s = clamp_count(n, v.size);
  return v.slice(s, v.size - s);
}

// std.bytes.find_u8: the first index of byte c&255, or -1.
inline std::int32_t find_u8(ByteView v, std::int32_t c) {
  for (std::uint32_t i = 0; i < v.size; ++i)
    if (v.data[i] == static_cast<std::uint8_t>(c & 255)) return s32(i);
  return -1;
}
// std.bytes.find_sub: the first index where `needle` occurs, or -1 (an empty needle is at 0).
inline std::int32_t find_sub(ByteView v, ByteView needle) {
  if (needle.size == 0) return 0;
  for (std::uint32_t i = 0; needle.size <= v.size && i <= v.size - needle.size; ++i)
    if (std::memcmp(v.data + i, needle.data, needle.size) == 0) return s32(i);
  return -1;
}
inline std::int32_t count_u8(ByteView v, std::int32_t c) {
  std::uint32_t n = 0;
  for (const std::uint8_t x : v) n += x == static_cast<std::uint8_t>(c & 255);
  return s32(n);
}
inline std::int32_t max_u8(ByteView v) {
  std::uint8_t m = 0;
  for (const std::uint8_t c : v) m = c > m ? c : m;
  return m;
}
inline std::int32_t sum_u8(ByteView v) {
  std::uint32_t sum = 0;  // wraps, as u32 arithmetic does
  for (const std::uint8_t c : v) sum += c;
  return s32(sum);
}
inline std::int32_t starts_with(ByteView v, ByteView p) {
  return p.size <= v.size && (p.size == 0 || std::memcmp(v.data, p.data, p.size) == 0);
}
inline std::int32_t ends_with(ByteView v, ByteView p) {
  return p.size <= v.size && (p.size == 0 || std::memcmp(v.data + (v.size - p.size), p.data, p.size) == 0);
}
// The view without the prefix (suffix) when it has it, else the view unchanged.
inline ByteView strip_prefix(ByteView v, ByteView p) { return starts_with(v, p) ? v.slice(p.size, v.size - p.size) : v; }
inline ByteView strip_suffix(ByteView v, ByteView p) { return ends_with(v, p) ? v.slice(0, v.size - p.size) : v; }
// ASCII whitespace as X07's std (Rust's u8::is_ascii_whitespace): space, \t, \n, \f, \r.
inline bool ascii_space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
inline ByteView trim_ascii(ByteView v) {
  std::uint32_t b = 0, e = v.size;
  while (b < e && ascii_space(v.data[b])) ++b;
  while (e > b && ascii_space(v.data[e - 1])) --e;
  return v.slice(b, e - b);
}
inline Buf reverse(ByteView v) { return Buf(std::make_reverse_iterator(v.end()), std::make_reverse_iterator(v.begin())); }

// ---- doc envelopes (tag byte 1 + payload, or 0 + code u32 LE + message length u32 LE + message):
// what std.codec's decoders return and try_doc takes apart ----
inline Buf doc_err(std::int32_t code) {
  Buf r(9, 0);
  store_u32le(r.data() + 1, u(code));
  return r;
}
inline bool doc_is_ok(ByteView d) { return d.size > 0 && d.data[0] == 1; }
inline Buf doc_payload(ByteView d) { return bytes_of(d.slice(1, d.size - 1)); }

// ---- std.codec: hex (lowercase out, either case in) and base64 (standard alphabet, padded) ----
// Decode errors: 1 = length not a multiple of 2 (hex) or 4 (base64), 2 = a byte outside the
// alphabet or misplaced padding.
inline constexpr std::int32_t kCodecErrLength = 1;
inline constexpr std::int32_t kCodecErrDigit = 2;

inline Buf hex_encode(ByteView v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  Buf r;
  r.reserve(std::size_t{v.size} * 2);
  for (const std::uint8_t c : v) {
    r.push_back(static_cast<std::uint8_t>(kDigits[c >> 4]));
    r.push_back(static_cast<std::uint8_t>(kDigits[c & 15]));
  }
  return r;
}
inline int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
inline Buf hex_decode(ByteView v) {
  if (v.size % 2 != 0) return doc_err(kCodecErrLength);
  Buf r;
  r.reserve(1 + v.size / 2);
  r.push_back(1);
  for (std::uint32_t i = 0; i < v.size; i += 2) {
    const int hi = hex_digit(v.data[i]), lo = hex_digit(v.data[i + 1]);
    if (hi < 0 || lo < 0) return doc_err(kCodecErrDigit);
    r.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return r;
}
inline constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline Buf base64_encode(ByteView v) {
  Buf r;
  r.reserve((std::size_t{v.size} + 2) / 3 * 4);
  for (std::uint32_t i = 0; i < v.size; i += 3) {
    const std::uint32_t n = v.size - i;
    const std::uint32_t w = (std::uint32_t{v.data[i]} << 16) | (n > 1 ? std::uint32_t{v.data[i + 1]} << 8 : 0u) |
                            (n > 2 ? std::uint32_t{v.data[i + 2]} : 0u);
    r.push_back(static_cast<std::uint8_t>(kBase64[(w >> 18) & 63]));
    r.push_back(static_cast<std::uint8_t>(kBase64[(w >> 12) & 63]));
    r.push_back(n > 1 ? static_cast<std::uint8_t>(kBase64[(w >> 6) & 63]) : std::uint8_t{'='});
    r.push_back(n > 2 ? static_cast<std::uint8_t>(kBase64[w & 63]) : std::uint8_t{'='});
  }
  return r;
}
inline int base64_digit(std::uint8_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
// Strict: padded to a multiple of 4, '=' only as the last one or two bytes.
inline Buf base64_decode(ByteView v) {
  if (v.size % 4 != 0) return doc_err(kCodecErrLength);
  Buf r;
  r.reserve(1 + v.size / 4 * 3);
  r.push_back(1);
  for (std::uint32_t i = 0; i < v.size; i += 4) {
    const bool last = i + 4 == v.size;
    const std::uint32_t pad = last ? (v.data[i + 3] == '=') + (v.data[i + 3] == '=' && v.data[i + 2] == '=') : 0;
    std::uint32_t w = 0;
    for (std::uint32_t k = 0; k < 4; ++k) {
      const int d = k >= 4 - pad ? 0 : base64_digit(v.data[i + k]);
      if (d < 0) return doc_err(kCodecErrDigit);
      w = (w << 6) | static_cast<std::uint32_t>(d);
    }
    r.push_back(static_cast<std::uint8_t>(w >> 16));
    if (pad < 2) r.push_back(static_cast<std::uint8_t>(w >> 8));
    if (pad < 1) r.push_back(static_cast<std::uint8_t>(w));
  }
  return r;
}

// ---- std.test (spec §2.5): results for test functions ----
inline constexpr std::int32_t kCodeAssertTrue = 1001;
inline constexpr std::int32_t kCodeAssertI32Eq = 1002;
inline constexpr std::int32_t kCodeAssertBytesEq = 1003;
inline ResI32 test_check(bool ok, std::int32_t code) { return ok ? ResI32{0, false} : ResI32{code, true}; }

// ---- calls of library, native-module and host functions (a UserFn) from x07 code ----
inline UserFnIo call_native(const UserFn& fn, const char* name, ByteView item, ScratchBuf* scratch_buf, Buf* out) {
  UserFnIo io;
  io.item = item;
  io.scratch = scratch_buf;
  io.out = out;
  const UserFnStatus status = fn(io);
  if (status != UserFnStatus::kOk) throw Trap{status, std::string(name) + ": " + io.trap};
  return io;
}

}  // namespace sluice::x07rt
