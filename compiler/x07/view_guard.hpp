// The interpreter's run-time view guard (issue 20): a second line behind the borrow checker
// (borrow_check.cpp). Every frame slot that may own bytes carries a generation, bumped whenever
// its value is moved out or replaced (a move, `set`, a `let` or temporary made again, and so
// every in-place change, which moves the value out and back). A view remembers the generation
// of the slot it was taken of; using a view (the checker's "use": passing it to a builtin or
// function, returning it) whose slot's generation has moved on is a trap naming the guard.
// Copying a stale view into a local is not a use, for the checker or the guard. So a program the checker wrongly accepts fails loudly in the differential
// and fuzz suites even where the bytes happen to still be there (a vector's move keeps its
// buffer, so AddressSanitizer alone would not see it).
//
// Compiled in with SLUICE_X07_VIEW_GUARD (compiler/CMakeLists.txt: on in Debug and sanitizer
// builds, or -DSLUICE_X07_VIEW_GUARD=ON); Release builds have none of it, so the hot path and
// Value's size are unchanged there. Private to compiler/.
#pragma once

#include <cstdint>

#ifndef SLUICE_X07_VIEW_GUARD
#define SLUICE_X07_VIEW_GUARD 0
#endif

namespace sluice::x07 {

// The generation of where a value lives, not of the value: copying or moving a Value neither
// carries it nor resets it, so `slot = std::move(v)` keeps the slot's count, and the code that
// changes a slot bumps it explicitly.
class SlotGen {
 public:
  SlotGen() = default;
  SlotGen(const SlotGen&) noexcept {}
  SlotGen& operator=(const SlotGen&) noexcept { return *this; }
  ~SlotGen() = default;
  void bump() { ++n_; }
  [[nodiscard]] const std::uint32_t* where() const { return &n_; }
  [[nodiscard]] std::uint32_t now() const { return n_; }

 private:
  std::uint32_t n_ = 0;
};

// What a view was taken of: the owner slot's generation counter and its value then. `gen` is
// null for views that borrow nothing a function can change (input, literals, parameters of the
// stage call, bytes kept alive for a returned view).
struct GuardTag {
  const std::uint32_t* gen = nullptr;
  std::uint32_t at = 0;

  [[nodiscard]] bool stale() const { return gen != nullptr && *gen != at; }
  static GuardTag of(const SlotGen& g) { return GuardTag{g.where(), g.now()}; }
};

// The message of the guard's trap: tests and the fuzz harness look for its start.
inline constexpr const char* kViewGuardTrap =
    "view guard: a view is used after the value it borrows was moved or changed (a hole in the borrow checker)";

}  // namespace sluice::x07
