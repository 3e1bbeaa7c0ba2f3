// The interpreter's run-time view guard (compiler/x07/view_guard.hpp), on whatever this tree's
// build type: this executable compiles compiler/x07/interp.cpp once more with
// SLUICE_X07_VIEW_GUARD=1 and runs typed trees made by hand, which no checker has seen, the way
// a hole in the borrow checker would let them through. Each illegal tree must trap with the
// guard's message before the stale view is read; its legal twin must run to its value.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "compiler/x07/interp.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

Node kid_node(Op op, Ty ty, std::vector<Node> kids = {}) {
  Node n;
  n.op = op;
  n.ty = ty;
  n.kids = std::move(kids);
  return n;
}
Node bytes_lit(const std::string& text) {
  Node n = kid_node(Op::kBytesLit, Ty::kBytes);
  n.lit = text;
  return n;
}
Node slot_node(Op op, Ty ty, std::uint32_t slot, std::vector<Node> kids = {}) {
  Node n = kid_node(op, ty, std::move(kids));
  n.slot = slot;
  return n;
}
Node let(std::uint32_t slot, Node value) {
  const Ty t = value.ty;
  return slot_node(Op::kLet, is_owned(t) ? Ty::kI32 : t, slot, {std::move(value)});
}
Node set(std::uint32_t slot, Node value) { return slot_node(Op::kSet, Ty::kI32, slot, {std::move(value)}); }
Node local(std::uint32_t slot, Ty ty) { return slot_node(Op::kLocal, ty, slot); }
Node view_of(std::uint32_t slot) { return slot_node(Op::kLocalView, Ty::kView, slot); }
Node builtin(Builtin b, Ty ty, std::vector<Node> kids) {
  Node n = kid_node(Op::kBuiltin, ty, std::move(kids));
  n.sub = static_cast<std::uint8_t>(b);
  return n;
}
Node begin(std::vector<Node> kids) {
  const Ty t = kids.back().ty;
  return kid_node(Op::kBegin, t, std::move(kids));
}
Node view_len(Node v) { return builtin(Builtin::kViewLen, Ty::kI32, {std::move(v)}); }

EvalResult run(Node body, std::uint32_t nslots) {
  ExprIr ir;
  ir.node = std::move(body);
  ir.nslots = nslots;
  return eval_expr(ir, {}, EvalSettings{});
}

void check_guard_trap(const EvalResult& r) {
  CHECK(r.status == UserFnStatus::kTrap);
  CHECK(r.trap.rfind("view guard: ", 0) == 0);
}

}  // namespace

TEST_CASE("x07 view guard: a view read after its owner was set traps, and not before") {
  // (let b "abc") (let w (bytes.view b)) [(set b "xyz")] (view.len w)
  const auto program = [](bool change) {
    std::vector<Node> k;
    k.push_back(let(0, bytes_lit("abc")));
    k.push_back(let(1, view_of(0)));
    if (change) k.push_back(set(0, bytes_lit("xyz")));
    k.push_back(view_len(local(1, Ty::kView)));
    return begin(std::move(k));
  };
  const EvalResult ok = run(program(false), 2);
  REQUIRE(ok.status == UserFnStatus::kOk);
  CHECK(ok.value.i == 3);
  check_guard_trap(run(program(true), 2));
}

TEST_CASE("x07 view guard: moves and in-place changes make views stale, slices included") {
  // (let v vec) (let w (vec_u8.as_view v)) (let s (view.slice w 0 0)) (set v (vec_u8.push v 7)) (view.len s)
  std::vector<Node> k;
  k.push_back(let(0, builtin(Builtin::kVecWithCap, Ty::kVec, {kid_node(Op::kConst, Ty::kI32)})));
  k.push_back(let(1, view_of(0)));
  Node zero = kid_node(Op::kConst, Ty::kI32);
  k.push_back(let(2, builtin(Builtin::kViewSlice, Ty::kView, {local(1, Ty::kView), zero, zero})));
  Node seven = kid_node(Op::kConst, Ty::kI32);
  seven.imm = 7;
  k.push_back(set(0, builtin(Builtin::kVecPush, Ty::kVec, {local(0, Ty::kVec), seven})));
  k.push_back(view_len(local(2, Ty::kView)));
  check_guard_trap(run(begin(std::move(k)), 3));

  // (let b "abc") (let w (bytes.view b)) (let c b) (view.len w): a move keeps the buffer where
  // it was, so only the guard sees this one.
  std::vector<Node> m;
  m.push_back(let(0, bytes_lit("abc")));
  m.push_back(let(1, view_of(0)));
  m.push_back(let(2, local(0, Ty::kBytes)));
  m.push_back(view_len(local(1, Ty::kView)));
  check_guard_trap(run(begin(std::move(m)), 3));
}

TEST_CASE("x07 view guard: an argument changed by a later argument of the same call traps") {
  // (let b "abc") (bytes.eq (bytes.view b) (begin (set b "q") (bytes.view_lit "abc")))
  Node lit_view = kid_node(Op::kBytesLit, Ty::kView);
  lit_view.lit = "abc";
  std::vector<Node> later;
  later.push_back(set(0, bytes_lit("q")));
  later.push_back(std::move(lit_view));
  std::vector<Node> k;
  k.push_back(let(0, bytes_lit("abc")));
  k.push_back(builtin(Builtin::kEq, Ty::kI32, {view_of(0), begin(std::move(later))}));
  check_guard_trap(run(begin(std::move(k)), 1));
}

TEST_CASE("x07 view guard: a function's view of its argument borrows what the argument does") {
  FnIr id;  // (defn id ((x bytes_view)) bytes_view x)
  id.name = "t.id";
  id.params = {Ty::kView};
  id.result = Ty::kView;
  id.nslots = 1;
  id.body = local(0, Ty::kView);
  id.checked = true;
  const auto program = [&](bool change) {
    Node call = kid_node(Op::kCall, Ty::kView, {view_of(0)});
    call.callee = &id;
    std::vector<Node> k;
    k.push_back(let(0, bytes_lit("abcd")));
    k.push_back(let(1, std::move(call)));
    if (change) k.push_back(set(0, bytes_lit("xyz")));
    k.push_back(view_len(local(1, Ty::kView)));
    return begin(std::move(k));
  };
  const EvalResult ok = run(program(false), 2);
  REQUIRE(ok.status == UserFnStatus::kOk);
  CHECK(ok.value.i == 4);
  check_guard_trap(run(program(true), 2));
}
