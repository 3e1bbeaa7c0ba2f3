#include "compiler/x07/byte_map_loop.hpp"

#include <cstddef>

namespace sluice::x07 {
namespace {

bool only_reads(const Node& n, std::uint32_t slot) {
  if (n.op == Op::kLocal) return n.slot == slot;
  for (const Node& k : n.kids)
    if (!only_reads(k, slot)) return false;
  return true;
}

}  // namespace

int pure_i32_nodes(const Node& n, int budget) {
  if (budget <= 0 || n.ty != Ty::kI32) return -1;
  switch (n.op) {
    case Op::kConst:
    case Op::kLocal: return 1;
    case Op::kBinary:
    case Op::kAnd:
    case Op::kOr:
    case Op::kIf: {
      int used = 1;
      for (const Node& k : n.kids) {
        const int m = pure_i32_nodes(k, budget - used);
        if (m < 0) return -1;
        used += m;
      }
      return used;
    }
    default: return -1;
  }
}

int count_nodes(const Node& n) {
  int k = 1;
  for (const Node& c : n.kids) k += count_nodes(c);
  return k;
}

std::optional<ByteMapLoop> match_byte_map_loop(const Node& loop) {
  if (loop.op != Op::kFor || loop.kids.size() != 3) return std::nullopt;
  const Node& body = loop.kids[2];
  if (body.op != Op::kBegin || body.kids.size() < 2) return std::nullopt;
  const Node& let = body.kids[0];
  const Node& set = body.kids[1];
  for (std::size_t k = 2; k < body.kids.size(); ++k)
    if (body.kids[k].op != Op::kConst) return std::nullopt;
  if (let.op != Op::kLet || let.kids.size() != 1 || let.kids[0].ty != Ty::kI32) return std::nullopt;
  const Node& get = let.kids[0];
  if (get.op != Op::kBuiltin || static_cast<Builtin>(get.sub) != Builtin::kGetU8 || get.kids.size() != 2 ||
      get.kids[0].op != Op::kLocal || get.kids[0].ty != Ty::kView || get.kids[1].op != Op::kLocal ||
      get.kids[1].slot != loop.slot)
    return std::nullopt;
  if ((set.op != Op::kSet && set.op != Op::kSet0) || set.kids.size() != 1) return std::nullopt;
  const Node& push = set.kids[0];
  // (vec_u8.push out F) on the local it assigns: F is pure, so nothing in between assigns out
  // and the push can change the local where it is.
  if (push.op != Op::kBuiltin || static_cast<Builtin>(push.sub) != Builtin::kVecPush || push.kids.size() != 2 ||
      push.kids[0].op != Op::kLocal || push.kids[0].slot != set.slot || push.kids[0].ty != Ty::kVec)
    return std::nullopt;
  const Node& value = push.kids[1];
  if (pure_i32_nodes(value, kPureMaxNodes) <= 0 || !only_reads(value, let.slot)) return std::nullopt;
  return ByteMapLoop{get.kids[0].slot, let.slot, set.slot, &value, count_nodes(body) - count_nodes(value)};
}

}  // namespace sluice::x07
