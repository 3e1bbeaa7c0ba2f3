// What the C++ emitted for x07 functions (compiler/emit_x07.cpp) runs on besides rt.hpp: the
// per-call context (fuel, scratch buffer, program input, call depth) and the entry that turns a
// stage's UserFnIo into a call and a trap into a status, as the interpreter's entry does.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <forward_list>
#include <initializer_list>
#include <new>

#include "stdlib/x07/byte_map.hpp"
#include "stdlib/x07/rt.hpp"

namespace sluice::x07rt {

struct Ctx {
  std::int64_t fuel = 0;         // steps left in this call of a stage function (< 0: ran out)
  std::uint64_t fuel_total = 0;  // what it started with, for the trap message
  ScratchBuf* scratch = nullptr;
  const std::atomic<bool>* cancel = nullptr;  // a par_map stage's stop flag (UserFnIo::cancel)
  ByteView input;                // the program input (`input`)
  int depth = 0;                 // nested user-function calls
  // Bytes locals of returned functions that a returned view points into (keep_view), alive
  // until the calling function that is not itself returning a view returns (KeptScope).
  std::forward_list<Buf> kept;
};

// `return v` from a function returning a view: if v points into one of the function's bytes
// locals, that local moves to the context (a vector's move keeps its buffer, so v stays valid).
inline ByteView keep_view(Ctx& cx, ByteView v, std::initializer_list<Buf*> locals) {
  for (Buf* b : locals)
    if (!b->empty() && v.data >= b->data() && v.data <= b->data() + b->size()) {
      cx.kept.push_front(std::move(*b));
      break;
    }
  return v;
}

// The same for a returned result_bytes_view or option_bytes_view: its view, when ok.
inline ResView keep_view(Ctx& cx, ResView r, std::initializer_list<Buf*> locals) {
  if (!r.err) keep_view(cx, r.view, locals);
  return r;
}

// Frees what keep_view kept during this function's calls when it returns.
class KeptScope {
 public:
  explicit KeptScope(Ctx& cx) : cx_(cx), mark_(cx.kept.empty() ? nullptr : &cx.kept.front()) {}
  ~KeptScope() {
    while (!cx_.kept.empty() && &cx_.kept.front() != mark_) cx_.kept.pop_front();
  }
  KeptScope(const KeptScope&) = delete;
  KeptScope& operator=(const KeptScope&) = delete;

 private:
  Ctx& cx_;
  const Buf* mark_;
};

// Every expression node evaluated costs one step, as in the interpreter. The emitted code
// charges a straight-line run of nodes at once and looks at what is left only where the run
// could go on without bound or ends: at each loop iteration, at a function's return. A call runs
// out of fuel exactly when the interpreter's would; only the place named in the message can
// differ (docs/build.md).
// A translated function keeps the steps left in a local, `fuel`, stored back into the context
// around calls and at returns.
// A canceled par_map item (UserFnIo::cancel) stops here too, at its next loop iteration.
// `cancel` is cx.cancel, which a translated function copies into a local at its start: the
// context is in memory, and a byte store (a push, a set_u8) may alias anything in memory, so
// reading it from there would reload it at every iteration after such a store.
inline void check_fuel(const Ctx& cx, const std::atomic<bool>* cancel, std::int64_t fuel, Site s) {
  if (fuel < 0) [[unlikely]]
    fuel_out(s, cx.fuel_total);
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) [[unlikely]]
    canceled();
}

// A trap `t` inside a translated function whose count is already past the fuel: the
// interpreter, counting node by node, ran out of fuel first. Rethrows `t` otherwise.
[[noreturn]] inline void fuel_trap_first(const Ctx& cx, std::int64_t fuel, Trap& t, Site s) {
  if (t.status == UserFnStatus::kTrap && fuel < 0) fuel_out(s, cx.fuel_total);
  throw std::move(t);
}

// A vec_u8 local that a loop only pushes to (nothing else in the loop reads or writes it; the
// emitter checks that) is pushed to through a cursor: two raw pointers in registers instead of
// std::vector's members in memory, which a byte store may alias, so push_back reloads and
// stores them around every byte. While the cursor is open the vector's size runs ahead of what
// was pushed (zeroed room, filled by later pushes); push_end gives it back its real size.
// The capacity grows exactly as push_back would grow it (vec_u8.capacity can read it after the
// loop), and a push past the value size limit traps as vec_push does.
struct PushCursor {
  std::uint8_t* p;    // where the next byte goes
  std::uint8_t* end;  // the end of the room: p == end asks for more
};
inline PushCursor push_begin(Buf& b) {
  std::uint8_t* const p = b.data() + b.size();
  return {p, p};
}
// Here b.size() is the number of bytes pushed so far (p == end). The room grows with what was
// pushed (at least 64 bytes), so zeroing it costs at most about one more pass over the bytes.
[[gnu::noinline]] inline PushCursor push_refill(Site s, Buf& b) {
  const std::size_t n = b.size();
  check_len(s, n + 1);
  if (n == b.capacity()) {  // full: grow as push_back does
    b.push_back(0);
    b.pop_back();
  }
  const std::size_t limit = b.capacity() < kMaxValueBytes ? b.capacity() : kMaxValueBytes;
  const std::size_t room = std::min(limit - n, std::max<std::size_t>(n, 64));
  b.resize(n + room);
  return {b.data() + n, b.data() + n + room};
}
inline void cursor_push(Site s, Buf& b, PushCursor& c, std::int32_t v) {
  if (c.p == c.end) [[unlikely]]
    c = push_refill(s, b);
  *c.p++ = static_cast<std::uint8_t>(v & 255);
}
inline void push_end(Buf& b, PushCursor c) { b.resize(static_cast<std::size_t>(c.p - b.data())); }

class DepthScope {
 public:
  explicit DepthScope(Ctx& cx) : cx_(cx) { ++cx_.depth; }
  ~DepthScope() { --cx_.depth; }
  DepthScope(const DepthScope&) = delete;
  DepthScope& operator=(const DepthScope&) = delete;

 private:
  Ctx& cx_;
};

inline void check_depth(const Ctx& cx, Site s, const char* callee) {
  if (cx.depth >= kMaxCallDepth) [[unlikely]]
    call_too_deep(s, callee);
}

inline void store_result(UserFnIo& io, Buf& v) {
  if (io.out) io.out->swap(v);
}
inline void store_result(UserFnIo& io, std::int32_t v) {
  io.value = v;
  io.is_err = false;
}
inline void store_result(UserFnIo& io, const ResI32& r) {
  io.value = r.i;
  io.is_err = r.err;
}
inline void store_result(UserFnIo& io, ResBytes& r) {
  io.is_err = r.err;
  io.value = r.err ? r.i : 0;
  if (!r.err && io.out) io.out->swap(r.buf);
}

// A par_map mapper's `bytes` item: the copy the stage already made, taken over, else a copy.
inline Buf take_item(UserFnIo& io) {
  if (io.owned_item != nullptr) return std::move(*io.owned_item);
  return Buf(io.item.begin(), io.item.end());
}

// Runs body(cx) for one stage call with `fuel` steps.
template <class Body>
UserFnStatus run_entry(UserFnIo& io, std::uint64_t fuel, ByteView input, Body&& body) {
  Ctx cx;
  cx.fuel = static_cast<std::int64_t>(fuel);
  cx.fuel_total = fuel;
  cx.scratch = io.scratch;
  cx.cancel = io.cancel;
  cx.input = input;
  try {
    auto v = body(cx);
    store_result(io, v);
    return UserFnStatus::kOk;
  } catch (Trap& t) {
    io.trap = std::move(t.message);
    return t.status;
  } catch (const std::bad_alloc&) {
    io.trap = "out of memory";
    return UserFnStatus::kTrap;
  }
}

// Calls of library, native-module and host functions from translated bodies, one per signature,
// with the interpreter's trap messages. Every call gets an output vector, as in the interpreter,
// so a function that writes one by mistake does no harm.
inline Buf native_map(const UserFn& fn, const char* name, ByteView v) {
  Buf out;
  call_native(fn, name, v, nullptr, &out);
  return out;
}
inline std::int32_t native_i32(const UserFn& fn, const char* name, ByteView v) {
  Buf unused;
  return call_native(fn, name, v, nullptr, &unused).value;
}
inline ResI32 native_res(const UserFn& fn, const char* name, ByteView v) {
  Buf unused;
  const UserFnIo io = call_native(fn, name, v, nullptr, &unused);
  return ResI32{io.value, io.is_err};
}
inline ResI32 native_in_place(Ctx& cx, Site s, const UserFn& fn, const char* name, ByteView v, std::int32_t handle) {
  ScratchBuf& sb = scratch(s, cx.scratch, handle);
  Buf unused;
  const UserFnIo io = call_native(fn, name, v, &sb, &unused);
  return ResI32{io.value, io.is_err};
}

// `never`: the value of a `return` where an expression is expected; the code after it never runs.
struct Never {
  template <class T>
  operator T() const {  // NOLINT(google-explicit-constructor): converts to whatever was expected
    return T{};
  }
};

}  // namespace sluice::x07rt
