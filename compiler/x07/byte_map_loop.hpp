// Recognises byte-map loops, which both backends run as a 256-entry table (stdlib/x07/byte_map.hpp):
// the C++ backend (compiler/emit_x07.cpp) and the interpreter's compiled form (interp.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "compiler/x07/ir.hpp"

namespace sluice::x07 {

// The largest pure expression (nodes) either backend tabulates or turns into a select: the C++
// backend prints the condition of a select in both its value and its step count, so nesting
// grows the text.
inline constexpr int kPureMaxNodes = 24;

// The nodes of `n` when it is a pure i32 expression (constants, i32 locals, arithmetic,
// comparisons, &&, ||, if over those: no effect, no trap) of at most `budget` nodes; else -1.
int pure_i32_nodes(const Node& n, int budget);

// The nodes in `n`'s tree, `n` included.
int count_nodes(const Node& n);

// A byte-map loop, the shape of most byte-wise map functions (case conversion, character classes,
// ROT13):
//   (for i a b (begin (let c (view.get_u8 v i)) (set out (vec_u8.push out F)) 0...))
// with F an i32 expression of c and constants that cannot trap: each iteration's pushed byte and
// step count depend on c alone.
struct ByteMapLoop {
  std::uint32_t view_slot;  // v in (view.get_u8 v i)
  std::uint32_t byte_slot;  // c
  std::uint32_t out_slot;   // the vec_u8 local pushed to
  const Node* value;        // F
  int fixed_steps;          // the body's nodes outside F: each evaluated once per iteration
};

// `loop` (an Op::kFor node) as a byte-map loop, when it has the shape above: v a view local, out
// a vec_u8 local pushed to in place, F pure (at most kPureMaxNodes) and reading only c.
std::optional<ByteMapLoop> match_byte_map_loop(const Node& loop);

}  // namespace sluice::x07
