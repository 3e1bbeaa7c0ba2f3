// The meaning of x07 operators and builtins (spec x07-modules §2), written once for both
// backends: the interpreter (compiler/x07/interp.cpp) calls these on its generic values, and the
// C++ the backend emits for x07 functions (compiler/emit_x07.cpp) calls them on typed ones. Traps
// are thrown as x07rt::Trap with the interpreter's messages and caught where a user function is
// entered, so both backends trap alike.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "runtime/bytes.hpp"
#include "stdlib/user_fn.hpp"

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
