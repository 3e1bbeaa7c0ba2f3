// The x07 interpreter: runs the checked tree of a function or expression with a fuel limit, and
// makes the UserFn handles stage kernels call. Traps (spec x07-modules §2.10) end the call with a
// message; they never unwind past this file. Private to compiler/.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/x07/ir.hpp"
#include "compiler/x07/typecheck.hpp"
#include "compiler/x07/view_guard.hpp"
#include "runtime/bytes.hpp"
#include "stdlib/user_fn.hpp"

namespace sluice::x07 {

// Fuel: every node evaluated costs 1. X07's test runner gives a solve
// 50,000,000 (x07-modules §1.4); sluice gives each call of a user function (and each expr_v1
// evaluation) that much, so a runaway loop ends in well under a second with its own trap.
inline constexpr std::uint64_t kDefaultFuel = 50'000'000;
// The call depth and value size limits are in stdlib/x07/rt.hpp, shared with compiled code.

// One value of any type. i32: i; result_i32: i (ok value or err code) and err; bytes/vec_u8: buf;
// result_bytes: buf (ok) or i (err code) and err; bytes_view: view.
struct Value {
  std::int32_t i = 0;
  bool err = false;
  ByteView view;
  std::vector<std::uint8_t> buf;
#if SLUICE_X07_VIEW_GUARD
  SlotGen gen;   // as a frame slot: bumped when its value is moved out or replaced
  GuardTag tag;  // as a view: the slot it borrows (view_guard.hpp)
#endif
};

struct EvalSettings {
  std::uint64_t fuel = kDefaultFuel;
  ByteView input;  // the program input seen as `input`
};

// A function compiled for the interpreter (interp.cpp): made on the handle's first call, once,
// and shared by every thread that calls it. Copying a handle copies none of it.
struct CompiledFn;
class CompiledCache {
 public:
  CompiledCache() = default;
  CompiledCache(const CompiledCache&) noexcept {}
  CompiledCache& operator=(const CompiledCache&) noexcept { return *this; }
  ~CompiledCache();
  const CompiledFn* get(const FnIr& fn) const;

 private:
  mutable std::atomic<const CompiledFn*> p_{nullptr};
  mutable std::mutex m_;
};

// A UserFn handle's context: the function and the settings. Read-only once made, so one plan
// may run on several threads; calls reuse per-thread frames, so a call that only reads views
// allocates nothing.
struct FnHandle {
  const FnIr* fn = nullptr;
  const EvalSettings* settings = nullptr;
  CompiledCache compiled{};
};

// The handle for `h` (which must outlive it). The function's params must be (bytes_view) or
// (bytes_view, i32).
UserFn make_user_fn(const FnHandle& h);
// The handle behind `fn` when make_user_fn made it (an x07 function), else nullptr: how the C++
// backend finds the function a stage calls.
const FnHandle* x07_handle_of(const UserFn& fn);

struct EvalResult {
  UserFnStatus status = UserFnStatus::kOk;
  Value value;
  std::string trap;  // when status is not kOk
};

// Evaluates a free expression with `locals` in slots 0..n-1.
EvalResult eval_expr(const ExprIr& ir, std::vector<Value> locals, const EvalSettings& settings);

}  // namespace sluice::x07
