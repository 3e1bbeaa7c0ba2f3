#include "compiler/emit_x07.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "compiler/json_source.hpp"
#include "compiler/x07/byte_map_loop.hpp"
#include "compiler/x07/interp.hpp"
#include "compiler/x07/ir.hpp"
#include "stdlib/x07/library.hpp"

namespace sluice {
namespace {

using x07::BinOp;
using x07::Builtin;
using x07::ByteMapLoop;
using x07::FnIr;
using x07::Node;
using x07::Op;
using x07::Ty;

std::string cpp_type(Ty t) {
  switch (t) {
    case Ty::kI32: return "std::int32_t";
    case Ty::kBytes:
    case Ty::kVec: return "rt::Buf";
    case Ty::kView: return "sluice::ByteView";
    case Ty::kResI32:
    case Ty::kOptI32: return "rt::ResI32";
    case Ty::kResBytes:
    case Ty::kOptBytes: return "rt::ResBytes";
    case Ty::kResView:
    case Ty::kOptView: return "rt::ResView";
    case Ty::kNever: break;
  }
  return "rt::Never";
}

std::string_view bin_fn(BinOp op) {
  switch (op) {
    case BinOp::kAdd: return "add";
    case BinOp::kSub: return "sub";
    case BinOp::kMul: return "mul";
    case BinOp::kDivU: return "div_u";
    case BinOp::kRemU: return "rem_u";
    case BinOp::kEq: return "eq";
    case BinOp::kNe: return "ne";
    case BinOp::kLt: return "lt";
    case BinOp::kLe: return "le";
    case BinOp::kGt: return "gt";
    case BinOp::kGe: return "ge";
    case BinOp::kLtU: return "lt_u";
    case BinOp::kLeU: return "le_u";
    case BinOp::kGtU: return "gt_u";
    case BinOp::kGeU: return "ge_u";
    case BinOp::kAnd: return "bit_and";
    case BinOp::kOr: return "bit_or";
    case BinOp::kXor: return "bit_xor";
    case BinOp::kShl: return "shl";
    case BinOp::kShrU: return "shr_u";
  }
  return "add";
}

std::string int_literal(std::int32_t v) {
  // -2147483648 is not a literal in C++ (it is the negation of a long).
  return v == INT32_MIN ? std::string("std::int32_t{-2147483647 - 1}") : "std::int32_t{" + std::to_string(v) + "}";
}

constexpr const char* kNever = "rt::Never{}";

// What the functions of one translation share: their C++ names and the native functions called.
class Registry {
 public:
  Registry(std::size_t native_modules, std::string& error) : native_modules_(native_modules), error_(error) {}

  // The C++ name of x07 function `fn`, queued for translation on first sight.
  std::string fn_name(const FnIr* fn) {
    const auto it = fn_index_.find(fn);
    if (it != fn_index_.end()) return "x07_f" + std::to_string(it->second);
    const std::size_t k = fns_.size();
    fn_index_[fn] = k;
    fns_.push_back(fn);
    return "x07_f" + std::to_string(k);
  }

  // The name of a namespace-scope sluice::UserFn for a library or native-module function.
  std::string native(const std::string& name) {
    const auto it = native_index_.find(name);
    if (it != native_index_.end()) return it->second;
    std::string init;
    if (x07::find_library_fn(name)) {
      init = "sluice::UserFn{nullptr, sluice::x07::find_library_fn(" + cpp_literal(name) + ")->entry}";
    } else if (native_modules_ > 0) {
      init = "native_module_fn(" + cpp_literal(name) + ")";
    } else {
      if (error_.empty())
        error_ = "function " + name +
                 " is a native function registered by the host program; the C++ backend compiles native "
                 "functions given as --native-module FILE.cpp only";
      init = "sluice::UserFn{}";
    }
    const std::string var = "kNative" + std::to_string(native_index_.size());
    native_index_[name] = var;
    natives_ += "const sluice::UserFn " + var + " = " + init + ";  // " + sanitize_comment(name) + "\n";
    return var;
  }

  [[nodiscard]] std::size_t fn_count() const { return fns_.size(); }
  [[nodiscard]] const FnIr* fn_at(std::size_t k) const { return fns_[k]; }
  [[nodiscard]] const std::string& natives() const { return natives_; }

  static std::string sanitize_comment(std::string_view s) {
    std::string out;
    for (const char c : s) out.push_back(c == '\n' || c == '\r' || c == '\\' ? ' ' : c);
    return out;
  }

 private:
  std::size_t native_modules_;
  std::string& error_;
  std::map<const FnIr*, std::size_t> fn_index_;
  std::vector<const FnIr*> fns_;
  std::map<std::string, std::string> native_index_;
  std::string natives_;
};

// One function's body, lowered to statements: every node's value is computed into a fresh local
// in evaluation order (the interpreter's), so side effects, traps and moves happen in the same
// order. Fuel: each node costs one step, as in the interpreter; the steps of a straight-line run
// of nodes are charged together, before control can branch, loop, return or call.
class FnLowering {
 public:
  FnLowering(const FnIr& fn, Registry& reg) : fn_(fn), reg_(reg) {}

  std::string translate(const std::string& name) {
    slot_types_.assign(fn_.nslots, Ty::kI32);
    for (std::size_t i = 0; i < fn_.params.size(); ++i) slot_types_[i] = fn_.params[i];
    scan_slots(fn_.body);
    std::string head = "static " + cpp_type(fn_.result) + " " + name + "(rt::Ctx& cx";
    for (std::size_t i = 0; i < fn_.params.size(); ++i) head += ", " + cpp_type(fn_.params[i]) + " l" + std::to_string(i);
    head += ")";
    decl_ = head + ";\n";
    indent_ = 1;
    line("rt::DepthScope depth_scope(cx);");
    // Bytes a called function returned a view of live until this function returns, unless it
    // returns a view itself (its caller decides then).
    if (!x07::holds_view(fn_.result) && calls_view_fn(fn_.body)) line("rt::KeptScope kept_scope(cx);");
    line("std::int64_t fuel = cx.fuel;");
    line("const auto* const cancel = cx.cancel;");
    for (std::size_t i = fn_.params.size(); i < fn_.nslots; ++i)
      line(cpp_type(slot_types_[i]) + " l" + std::to_string(i) + "{};");
    // A function returning a view may return a view of its own bytes: at each return, the local
    // the view points into (if any) moves to the context, so the view does not dangle.
    if (x07::holds_view(fn_.result))
      for (std::size_t i = 0; i < fn_.nslots; ++i)
        if (slot_types_[i] == Ty::kBytes || slot_types_[i] == Ty::kVec)
          own_bufs_ += std::string(own_bufs_.empty() ? "" : ", ") + "&l" + std::to_string(i);
    // Steps are charged before anything that can trap, so when a trap comes with the count
    // already past the fuel, the interpreter would have run out of fuel at or before that node:
    // the trap becomes a fuel trap, and both backends fail the same calls the same way.
    line("try {");
    ++indent_;
    const std::string v = lower(fn_.body);
    flush();
    if (fn_.body.ty != Ty::kNever) {
      check_fuel();
      store_fuel();
      line("return " + returned(v, fn_.body.ty) + ";");
    }
    --indent_;
    line("} catch (rt::Trap& t) {");
    line("  rt::fuel_trap_first(cx, fuel, t, " + site(fn_.body) + ");");
    line("}");
    line("return rt::Never{};");
    return head + " {\n" + body_ + "}\n";
  }

  [[nodiscard]] const std::string& declaration() const { return decl_; }

 private:
  const FnIr& fn_;
  Registry& reg_;
  std::vector<Ty> slot_types_;
  std::string body_;
  std::string decl_;
  int indent_ = 0;
  int temps_ = 0;
  std::uint64_t pending_ = 0;  // steps not charged yet
  std::string pending_site_;   // the first node of those
  std::string last_site_ = "rt::Site{}";
  std::string own_bufs_;  // "&l2, &l5": the bytes locals of a function returning a view
  std::map<std::uint32_t, std::string> cursors_;  // vec_u8 locals pushed through a cursor: its name

  // How a value leaves the function by `return`.
  std::string returned(const std::string& v, Ty t) const {
    if (x07::holds_view(fn_.result) && !own_bufs_.empty()) return "rt::keep_view(cx, " + v + ", {" + own_bufs_ + "})";
    return moved(v, t);
  }

  static bool calls_view_fn(const Node& n) {
    if (n.op == Op::kCall && n.callee && x07::holds_view(n.callee->result)) return true;
    for (const Node& k : n.kids)
      if (calls_view_fn(k)) return true;
    return false;
  }

  // The types of the frame slots, from the nodes that bind them.
  void scan_slots(const Node& n) {
    if ((n.op == Op::kLet || n.op == Op::kToView || n.op == Op::kBrandCast) && n.slot < slot_types_.size() && !n.kids.empty() &&
        n.kids[0].ty != Ty::kNever)
      slot_types_[n.slot] = n.kids[0].ty;
    for (const Node& k : n.kids) scan_slots(k);
  }

  static std::string site(const Node& n) {
    return n.src ? "rt::Site{" + std::to_string(n.src->pos.line) + ", " + std::to_string(n.src->pos.column) + "}"
                 : std::string("rt::Site{}");
  }

  void line(const std::string& text) {
    body_.append(static_cast<std::size_t>(indent_) * 2, ' ');
    body_ += text;
    body_ += '\n';
  }

  std::string temp(Ty t, const std::string& init) {
    const std::string name = "t" + std::to_string(temps_++);
    line(cpp_type(t) + " " + name + " = " + init + ";");
    return name;
  }

  static std::string local(std::uint32_t slot) { return "l" + std::to_string(slot); }
  static std::string moved(const std::string& e, Ty t) { return x07::is_owned(t) ? "std::move(" + e + ")" : e; }

  void step(const Node& n) {
    if (pending_ == 0) pending_site_ = site(n);
    ++pending_;
  }
  void flush() {
    if (pending_ == 0) return;
    line("fuel -= " + std::to_string(pending_) + ";");
    last_site_ = pending_site_;
    pending_ = 0;
  }
  // Where a loop iteration starts or the function returns: fail if the steps charged so far
  // are more than the call's fuel, naming the last node charged.
  void check_fuel() { line("rt::check_fuel(cx, cancel, fuel, " + last_site_ + ");"); }
  // The steps left live in a local (a register) and go back to the context around calls.
  void store_fuel() { line("cx.fuel = fuel;"); }

  // Lowers the kids in order; false when one of them never completes (a return), which makes the
  // rest of the node dead code.
  bool lower_kids(const Node& n, std::vector<std::string>& out) {
    for (const Node& k : n.kids) {
      out.push_back(lower(k));
      if (k.ty == Ty::kNever) return false;
    }
    return true;
  }

  // An i32 expression without effects or traps (constants, i32 locals, arithmetic, comparisons,
  // &&, ||, if over those), as one C++ expression and the steps the interpreter charges for it,
  // which depend on the branches taken: also an expression.
  struct Pure {
    std::string value;
    std::string steps;
  };
  static Pure pure(const Node& n) {
    switch (n.op) {
      case Op::kConst: return {int_literal(n.imm), "1"};
      case Op::kLocal: return {local(n.slot), "1"};
      case Op::kBinary: {
        const Pure a = pure(n.kids[0]);
        const Pure b = pure(n.kids[1]);
        return {"rt::" + std::string(bin_fn(static_cast<BinOp>(n.sub))) + "(" + a.value + ", " + b.value + ")",
                "(1 + " + a.steps + " + " + b.steps + ")"};
      }
      case Op::kAnd:
      case Op::kOr: {
        // Both sides are computed (neither can trap); the right one is charged only when the
        // interpreter evaluates it. `&`/`|` instead of `&&`/`||`: no branch to mispredict.
        const bool is_or = n.op == Op::kOr;
        const Pure a = pure(n.kids[0]);
        const Pure b = pure(n.kids[1]);
        const std::string ca = "(" + a.value + " != 0)";
        return {"static_cast<std::int32_t>(" + ca + (is_or ? " | " : " & ") + "(" + b.value + " != 0))",
                "(1 + " + a.steps + " + rt::sel_steps(" + ca + ", " + (is_or ? "0, " + b.steps : b.steps + ", 0") + "))"};
      }
      default: {  // Op::kIf
        const Pure c = pure(n.kids[0]);
        const Pure x = pure(n.kids[1]);
        const Pure y = pure(n.kids[2]);
        const std::string cc = "(" + c.value + " != 0)";
        return {"rt::sel(" + cc + ", " + x.value + ", " + y.value + ")",
                "(1 + " + c.steps + " + rt::sel_steps(" + cc + ", " + x.steps + ", " + y.steps + "))"};
      }
    }
  }

  std::string lower(const Node& n) {
    if ((n.op == Op::kIf || n.op == Op::kAnd || n.op == Op::kOr) && x07::pure_i32_nodes(n, x07::kPureMaxNodes) > 0) {
      // A conditional of pure i32 operands becomes a select, charged as it goes: a data-dependent
      // branch per byte (as in a case conversion) was most of a byte loop's time, mispredicted.
      const Pure p = pure(n);
      line("fuel -= " + p.steps + ";");
      return temp(Ty::kI32, p.value);
    }
    step(n);
    switch (n.op) {
      case Op::kConst: return int_literal(n.imm);
      case Op::kBytesLit: {
        const std::string lit = "rt::literal(" + cpp_literal(n.lit) + ", " + std::to_string(n.lit.size()) + "u)";
        return n.ty == Ty::kBytes ? temp(Ty::kBytes, "rt::bytes_of(" + lit + ")") : lit;
      }
      case Op::kInput: return "cx.input";
      case Op::kLocal: return temp(n.ty, moved(local(n.slot), n.ty));
      case Op::kLocalView: return temp(Ty::kView, "rt::view_of(" + local(n.slot) + ")");
      case Op::kLocalPeek: return temp(Ty::kResI32, "rt::ResI32{" + local(n.slot) + ".i, " + local(n.slot) + ".err}");
      case Op::kToView: {
        const std::string v = lower(n.kids[0]);
        if (n.kids[0].ty == Ty::kNever) return kNever;
        line(local(n.slot) + " = " + moved(v, n.kids[0].ty) + ";");
        return temp(Ty::kView, "rt::view_of(" + local(n.slot) + ")");
      }
      case Op::kLet:
      case Op::kSet:
      case Op::kSet0: {
        if (n.op != Op::kLet && updates_in_place(n)) return lower_set_in_place(n);
        const Ty kt = n.kids[0].ty;
        const std::string v = lower(n.kids[0]);
        if (kt == Ty::kNever) return kNever;
        line(local(n.slot) + " = " + moved(v, kt) + ";");
        if (n.op == Op::kSet0 || x07::is_owned(kt)) return int_literal(0);
        return temp(n.ty, local(n.slot));
      }
      case Op::kBegin: {
        std::string last;
        for (const Node& k : n.kids) {
          last = lower(k);
          if (k.ty == Ty::kNever) return kNever;
        }
        return last;
      }
      case Op::kIf: return lower_if(n);
      case Op::kFor: return lower_for(n);
      case Op::kWhile: {
        flush();
        const std::vector<std::uint32_t> cursors = open_cursors({&n.kids[0], &n.kids[1]});
        line("for (;;) {");
        ++indent_;
        const std::string c = lower(n.kids[0]);
        flush();
        check_fuel();
        if (n.kids[0].ty != Ty::kNever) line("if (" + c + " == 0) break;");
        lower(n.kids[1]);
        flush();
        --indent_;
        line("}");
        close_cursors(cursors);
        return int_literal(0);
      }
      case Op::kReturn: {
        const std::string v = lower(n.kids[0]);
        flush();
        if (n.kids[0].ty != Ty::kNever) {
          check_fuel();
          store_fuel();
          line("return " + returned(v, n.kids[0].ty) + ";");
        }
        return kNever;
      }
      case Op::kTry: {
        const std::string r = lower(n.kids[0]);
        if (n.kids[0].ty == Ty::kNever) return kNever;
        flush();
        const std::string err = "rt::" + std::string(fn_.result == Ty::kResBytes ? "ResBytes" : fn_.result == Ty::kResView ? "ResView" : "ResI32") +
                                (fn_.result == Ty::kResI32 ? "{" : "{{}, ") + r + ".i, true}";
        line("if (" + r + ".err) {");
        ++indent_;
        check_fuel();
        store_fuel();
        line("return " + err + ";");
        --indent_;
        line("}");
        if (n.ty == Ty::kI32) return temp(Ty::kI32, r + ".i");
        if (n.ty == Ty::kView) return temp(Ty::kView, r + ".view");
        return temp(Ty::kBytes, "std::move(" + r + ".buf)");
      }
      case Op::kTryDoc: {
        const std::string d = lower(n.kids[0]);
        if (n.kids[0].ty == Ty::kNever) return kNever;
        flush();
        line("if (!rt::doc_is_ok(" + d + ")) {");
        ++indent_;
        check_fuel();
        store_fuel();
        line("return rt::bytes_of(" + d + ");");
        --indent_;
        line("}");
        return temp(Ty::kBytes, "rt::doc_payload(" + d + ")");
      }
      case Op::kBrandCast: {
        const std::string v = lower(n.kids[0]);
        if (n.kids[0].ty == Ty::kNever) return kNever;
        line(local(n.slot) + " = " + moved(v, n.kids[0].ty) + ";");
        const std::string check = lower(n.kids[1]);
        if (n.kids[1].ty == Ty::kNever) return kNever;
        flush();
        const std::string r = "t" + std::to_string(temps_++);
        line(cpp_type(n.ty) + " " + r + "{};");
        line("if (" + check + ".err) {");
        line("  " + r + ".err = true;");
        line("  " + r + ".i = " + check + ".i;");
        if (n.kids[0].ty == Ty::kBytes) line("  " + local(n.slot) + " = rt::Buf{};  // cast_bytes_v1 drops the bytes on err");
        line("} else {");
        switch (static_cast<x07::BrandCast>(n.sub)) {
          case x07::BrandCast::kBytes: line("  " + r + ".buf = std::move(" + local(n.slot) + ");"); break;
          case x07::BrandCast::kView: line("  " + r + ".view = " + local(n.slot) + ";"); break;
          case x07::BrandCast::kViewCopy: line("  " + r + ".buf = rt::bytes_of(" + local(n.slot) + ");"); break;
        }
        line("}");
        return r;
      }
      case Op::kAnd:
      case Op::kOr: {
        const bool is_or = n.op == Op::kOr;
        const std::string a = lower(n.kids[0]);
        if (n.kids[0].ty == Ty::kNever) return kNever;
        flush();
        const std::string r = "t" + std::to_string(temps_++);
        line("std::int32_t " + r + " = 0;");
        line(std::string("if ((") + a + " != 0) == " + (is_or ? "true" : "false") + ") {");
        line(std::string("  ") + r + " = " + (is_or ? "1" : "0") + ";");
        line("} else {");
        ++indent_;
        const std::string b = lower(n.kids[1]);
        flush();
        if (n.kids[1].ty != Ty::kNever) line(r + " = " + b + " != 0;");
        --indent_;
        line("}");
        return r;
      }
      case Op::kBinary: {
        std::vector<std::string> a;
        if (!lower_kids(n, a)) return kNever;
        return temp(Ty::kI32, "rt::" + std::string(bin_fn(static_cast<BinOp>(n.sub))) + "(" + a[0] + ", " + a[1] + ")");
      }
      case Op::kBuiltin: return lower_builtin(n);
      case Op::kCall: {
        const std::string callee = reg_.fn_name(n.callee);
        flush();
        line("rt::check_depth(cx, " + site(n) + ", " + cpp_literal(n.callee->name) + ");");
        std::vector<std::string> a;
        if (!lower_kids(n, a)) return kNever;
        flush();
        std::string call = callee + "(cx";
        for (std::size_t i = 0; i < a.size(); ++i) call += ", " + moved(a[i], n.kids[i].ty);
        store_fuel();
        const std::string r = temp(n.ty, call + ")");
        line("fuel = cx.fuel;");
        return r;
      }
      case Op::kNative: {
        std::vector<std::string> a;
        if (!lower_kids(n, a)) return kNever;
        flush();
        const std::string fn = reg_.native(n.lit);
        const std::string name = cpp_literal(n.lit);
        switch (static_cast<UserFnSig>(n.sub)) {
          case UserFnSig::kMap: return temp(Ty::kBytes, "rt::native_map(" + fn + ", " + name + ", " + a[0] + ")");
          case UserFnSig::kFilter: return temp(Ty::kI32, "rt::native_i32(" + fn + ", " + name + ", " + a[0] + ")");
          case UserFnSig::kValidator: return temp(Ty::kResI32, "rt::native_res(" + fn + ", " + name + ", " + a[0] + ")");
          case UserFnSig::kMapInPlace:
            return temp(Ty::kResI32, "rt::native_in_place(cx, " + site(n) + ", " + fn + ", " + name + ", " + a[0] + ", " + a[1] + ")");
          // Mapper signatures belong to x07 functions only: neither the library, native modules
          // (valid_sig) nor the embedding API (NativeFnSig) can register a native with one.
          case UserFnSig::kParMap:
          case UserFnSig::kParMapResult: break;
        }
        return kNever;
      }
    }
    return kNever;
  }

  static bool is_in_place_builtin(const Node& n) {
    if (n.op != Op::kBuiltin) return false;
    switch (static_cast<Builtin>(n.sub)) {
      case Builtin::kBytesSetU8:
      case Builtin::kVecSet:
      case Builtin::kVecClear:
      case Builtin::kVecPush:
      case Builtin::kVecReserve:
      case Builtin::kVecExtendZeroes:
      case Builtin::kVecExtend:
      case Builtin::kVecExtendRange: return true;
      default: return false;
    }
  }

  static bool assigns(const Node& n, std::uint32_t slot) {
    if ((n.op == Op::kSet || n.op == Op::kSet0 || n.op == Op::kLet || n.op == Op::kToView || n.op == Op::kFor) &&
        n.slot == slot)
      return true;
    for (const Node& k : n.kids)
      if (assigns(k, slot)) return true;
    return false;
  }

  // (set v (vec_u8.push v x)) and the like: the interpreter moves v out, changes it and moves it
  // back. Changing the local where it is gives the same result (a trap abandons the call either
  // way, and the checker forbids reading v in between), unless the other arguments assign v.
  bool updates_in_place(const Node& set) const {
    const Node& b = set.kids[0];
    if (!is_in_place_builtin(b) || b.kids.empty() || b.kids[0].op != Op::kLocal || b.kids[0].slot != set.slot) return false;
    for (std::size_t i = 1; i < b.kids.size(); ++i)
      if (assigns(b.kids[i], set.slot)) return false;
    return true;
  }

  std::string lower_set_in_place(const Node& set) {
    const Node& b = set.kids[0];
    step(b);
    step(b.kids[0]);  // the read of the local
    std::vector<std::string> a{local(set.slot)};
    for (std::size_t i = 1; i < b.kids.size(); ++i) {
      a.push_back(lower(b.kids[i]));
      if (b.kids[i].ty == Ty::kNever) return kNever;
    }
    flush();
    if (const auto c = cursors_.find(set.slot); c != cursors_.end() && static_cast<Builtin>(b.sub) == Builtin::kVecPush)
      line("rt::cursor_push(" + site(b) + ", " + a[0] + ", " + c->second + ", " + a[1] + ");");
    else
      line(in_place_statement(b, a) + ";");
    return int_literal(0);
  }

  // ---- push cursors (rt::PushCursor) ----
  // Whether `n` names frame slot `slot` (reads, binds or assigns it).
  static bool names_slot(const Node& n, std::uint32_t slot) {
    switch (n.op) {
      case Op::kLocal:
      case Op::kLocalView:
      case Op::kLocalPeek:
      case Op::kToView:
      case Op::kLet:
      case Op::kSet:
      case Op::kSet0:
      case Op::kFor:
      case Op::kBrandCast: return n.slot == slot;
      default: return false;
    }
  }
  // Counts the in-place pushes `(set v (vec_u8.push v x))` to `slot` in `n`; -1 when `n` names
  // the slot anywhere else (then a cursor would hide the pushes from that use).
  int only_pushes(const Node& n, std::uint32_t slot) const {
    if ((n.op == Op::kSet || n.op == Op::kSet0) && n.slot == slot) {
      const Node& b = n.kids[0];
      if (!updates_in_place(n) || static_cast<Builtin>(b.sub) != Builtin::kVecPush) return -1;
      const int in_value = only_pushes(b.kids[1], slot);
      return in_value == 0 ? 1 : -1;
    }
    if (names_slot(n, slot)) return -1;
    int count = 0;
    for (const Node& k : n.kids) {
      const int m = only_pushes(k, slot);
      if (m < 0) return -1;
      count += m;
    }
    return count;
  }
  // Before a loop whose `parts` (its condition and body) only push to some vec_u8 locals: a cursor
  // for each of them that no enclosing loop opened already. Not in a function returning a view
  // (keep_view looks at the locals' sizes when such a function returns from inside the loop).
  std::vector<std::uint32_t> open_cursors(std::initializer_list<const Node*> parts) {
    std::vector<std::uint32_t> opened;
    if (x07::holds_view(fn_.result)) return opened;
    for (std::uint32_t slot = 0; slot < fn_.nslots; ++slot) {
      if (slot_types_[slot] != Ty::kVec || cursors_.count(slot) != 0) continue;
      int pushes = 0;
      for (const Node* part : parts) {
        const int m = only_pushes(*part, slot);
        pushes = m < 0 || pushes < 0 ? -1 : pushes + m;
      }
      if (pushes <= 0) continue;
      const std::string name = "pc" + std::to_string(temps_++);
      line("rt::PushCursor " + name + " = rt::push_begin(" + local(slot) + ");");
      cursors_[slot] = name;
      opened.push_back(slot);
    }
    return opened;
  }
  // After the loop (a return or a trap from inside leaves the local dead, so only here).
  void close_cursors(const std::vector<std::uint32_t>& opened) {
    for (const std::uint32_t slot : opened) {
      line("rt::push_end(" + local(slot) + ", " + cursors_[slot] + ");");
      cursors_.erase(slot);
    }
  }

  static std::string in_place_statement(const Node& n, const std::vector<std::string>& a) {
    const std::string s = site(n);
    switch (static_cast<Builtin>(n.sub)) {
      case Builtin::kBytesSetU8:
      case Builtin::kVecSet: return "rt::set_u8(" + s + ", " + a[0] + ", " + a[1] + ", " + a[2] + ")";
      case Builtin::kVecClear: return a[0] + ".clear()";
      case Builtin::kVecPush: return "rt::vec_push(" + s + ", " + a[0] + ", " + a[1] + ")";
      case Builtin::kVecReserve: return "rt::vec_reserve_exact(" + s + ", " + a[0] + ", " + a[1] + ")";
      case Builtin::kVecExtendZeroes: return "rt::vec_extend_zeroes(" + s + ", " + a[0] + ", " + a[1] + ")";
      case Builtin::kVecExtend: return "rt::vec_extend(" + s + ", " + a[0] + ", " + a[1] + ")";
      case Builtin::kVecExtendRange:
        return "rt::vec_extend_range(" + s + ", " + a[0] + ", " + a[1] + ", " + a[2] + ", " + a[3] + ")";
      default: return "";
    }
  }

  std::string lower_if(const Node& n) {
    const std::string c = lower(n.kids[0]);
    if (n.kids[0].ty == Ty::kNever) return kNever;
    flush();
    std::string r;
    if (n.ty != Ty::kNever) {
      r = "t" + std::to_string(temps_++);
      line(cpp_type(n.ty) + " " + r + "{};");
    }
    for (int branch = 1; branch <= 2; ++branch) {
      line(branch == 1 ? "if (" + c + " != 0) {" : std::string("} else {"));
      ++indent_;
      const Node& k = n.kids[static_cast<std::size_t>(branch)];
      const std::string v = lower(k);
      flush();
      if (!r.empty() && k.ty != Ty::kNever) line(r + " = " + moved(v, k.ty) + ";");
      --indent_;
    }
    line("}");
    return r.empty() ? kNever : r;
  }

  // ---- byte-map loops (compiler/x07/byte_map_loop.hpp, rt::ByteMap) ----
  // A byte-map loop whose vector no enclosing loop holds in a cursor.
  std::optional<ByteMapLoop> byte_map_loop(const Node& loop) const {
    std::optional<ByteMapLoop> m = x07::match_byte_map_loop(loop);
    if (!m || slot_types_[m->out_slot] != Ty::kVec || cursors_.count(m->out_slot) != 0) return std::nullopt;
    return m;
  }
  // Before the loop: the table, made once (a function-local static), and the loop run through
  // it when it can be; the loop below then has nothing left to do.
  void lower_byte_map(const ByteMapLoop& m, const std::string& i, const std::string& bound) {
    const Pure p = pure(*m.value);
    const std::string table = "kByteMap" + std::to_string(temps_++);
    line("static const rt::ByteMap " + table + "([](std::int32_t c) {");
    line("  const std::int32_t " + local(m.byte_slot) + " = c;");
    line("  return rt::ByteMapEntry{" + p.value + ", " + std::to_string(m.fixed_steps) + " + " + p.steps + "};");
    line("});");
    line(table + ".run(cancel, " + local(m.view_slot) + ", " + i + ", " + bound + ", " + local(m.byte_slot) + ", " +
         local(m.out_slot) + ", fuel);");
  }

  std::string lower_for(const Node& n) {
    const std::string i = local(n.slot);
    const std::string start = lower(n.kids[0]);
    if (n.kids[0].ty == Ty::kNever) return kNever;
    line(i + " = " + start + ";");
    const std::string end = lower(n.kids[1]);  // evaluated once (spec §2.2)
    if (n.kids[1].ty == Ty::kNever) return kNever;
    const std::string bound = temp(Ty::kI32, end);
    flush();
    if (const std::optional<ByteMapLoop> m = byte_map_loop(n)) lower_byte_map(*m, i, bound);
    const std::vector<std::uint32_t> cursors = open_cursors({&n.kids[2]});
    line("while (rt::u(" + i + ") < rt::u(" + bound + ")) {");  // an unsigned bound
    ++indent_;
    check_fuel();
    lower(n.kids[2]);
    flush();
    line(i + " = rt::add(" + i + ", 1);");
    --indent_;
    line("}");
    close_cursors(cursors);
    return int_literal(0);
  }

  std::string lower_builtin(const Node& n) {
    std::vector<std::string> a;
    if (!lower_kids(n, a)) return kNever;
    flush();  // a builtin may trap: the steps up to it must be counted (see translate)
    const std::string s = site(n);
    const auto call = [&](Ty t, const std::string& fn, std::initializer_list<std::string> args) {
      std::string e = "rt::" + fn + "(";
      bool first = true;
      for (const std::string& x : args) {
        e += (first ? "" : ", ") + x;
        first = false;
      }
      return temp(t, e + ")");
    };
    // In place on the owned value in a[0], which is then the node's value.
    const auto change = [&](const std::string& stmt) {
      line(stmt + ";");
      return a[0];
    };
    switch (static_cast<Builtin>(n.sub)) {
      case Builtin::kBytesAlloc: return call(Ty::kBytes, "bytes_alloc", {s, a[0]});
      case Builtin::kBytesEmpty: return temp(Ty::kBytes, "rt::Buf{}");
      case Builtin::kBytesLen:
      case Builtin::kViewLen:
      case Builtin::kVecLen: return temp(Ty::kI32, "rt::s32(" + a[0] + ".size)");
      case Builtin::kGetU8:
      case Builtin::kVecGet: return call(Ty::kI32, "get_u8", {s, a[0], a[1]});
      case Builtin::kBytesSetU8:
      case Builtin::kVecSet:
      case Builtin::kVecClear:
      case Builtin::kVecPush:
      case Builtin::kVecReserve:
      case Builtin::kVecExtendZeroes:
      case Builtin::kVecExtend:
      case Builtin::kVecExtendRange: return change(in_place_statement(n, a));
      case Builtin::kBytesView:
      case Builtin::kVecAsView:
      case Builtin::kVecIntoBytes: return a[0];
      case Builtin::kBytesSubview:
      case Builtin::kViewSlice: return call(Ty::kView, "subview", {s, a[0], a[1], a[2]});
      case Builtin::kBytesSlice: return call(Ty::kBytes, "slice", {s, a[0], a[1], a[2]});
      case Builtin::kBytesConcat: return call(Ty::kBytes, "concat", {s, a[0], a[1]});
      case Builtin::kEq: return call(Ty::kI32, "bytes_eq", {a[0], a[1]});
      case Builtin::kCmpRange: return call(Ty::kI32, "cmp_range", {s, a[0], a[1], a[2], a[3], a[4], a[5]});
      case Builtin::kViewToBytes: return call(Ty::kBytes, "bytes_of", {a[0]});
      case Builtin::kReadU32: return call(Ty::kI32, "read_u32_le", {s, a[0], a[1]});
      case Builtin::kWriteU32: return call(Ty::kBytes, "write_u32_le", {a[0]});
      case Builtin::kVecWithCap: return call(Ty::kVec, "vec_with_capacity", {s, a[0]});
      case Builtin::kVecCap: return call(Ty::kI32, "vec_cap", {a[0]});
      case Builtin::kResI32Ok:
      case Builtin::kOptI32Some: return temp(Ty::kResI32, "rt::ResI32{" + a[0] + ", false}");
      case Builtin::kResI32Err: return temp(Ty::kResI32, "rt::ResI32{" + a[0] + ", true}");
      case Builtin::kResBytesErr: return temp(Ty::kResBytes, "rt::ResBytes{{}, " + a[0] + ", true}");
      case Builtin::kResBytesOk:
      case Builtin::kOptBytesSome: return temp(Ty::kResBytes, "rt::ResBytes{std::move(" + a[0] + "), 0, false}");
      case Builtin::kResI32IsOk:
      case Builtin::kResBytesIsOk:
      case Builtin::kOptIsSome: return call(Ty::kI32, "is_ok", {a[0]});
      case Builtin::kResI32ErrCode:
      case Builtin::kResBytesErrCode: return call(Ty::kI32, "err_code", {a[0]});
      case Builtin::kResI32UnwrapOr:
      case Builtin::kOptI32UnwrapOr: return temp(Ty::kI32, a[0] + ".err ? " + a[1] + " : " + a[0] + ".i");
      case Builtin::kResBytesUnwrapOr:
      case Builtin::kOptBytesUnwrapOr:
        return temp(Ty::kBytes, a[0] + ".err ? std::move(" + a[1] + ") : std::move(" + a[0] + ".buf)");
      case Builtin::kScratchTryWrite: return call(Ty::kResI32, "scratch_try_write", {s, "cx.scratch", a[0], a[1]});
      case Builtin::kScratchLen:
        return temp(Ty::kI32, "rt::s32(rt::scratch(" + s + ", cx.scratch, " + a[0] + ").data.size())");
      case Builtin::kScratchCap: return temp(Ty::kI32, "rt::s32(rt::scratch(" + s + ", cx.scratch, " + a[0] + ").cap)");
      case Builtin::kScratchClear:
        line("rt::scratch(" + s + ", cx.scratch, " + a[0] + ").data.clear();");
        return int_literal(0);
      case Builtin::kFmtU32Dec: return call(Ty::kBytes, "fmt_u32_dec", {a[0]});
      case Builtin::kNetAddrIpv4: return call(Ty::kBytes, "net_addr_ipv4_v1", {a[0], a[1], a[2], a[3], a[4]});
      case Builtin::kNetAddrIpv6: return call(Ty::kBytes, "net_addr_ipv6_v1", {a[0], a[1]});
      case Builtin::kNetAddrDns: return call(Ty::kBytes, "net_addr_dns_v1", {a[0], a[1]});
      case Builtin::kNetAddrTag: return call(Ty::kI32, "net_addr_tag_v1", {a[0]});
      case Builtin::kNetAddrPort: return call(Ty::kI32, "net_addr_port_v1", {a[0]});
      case Builtin::kNetCaps: return call(Ty::kBytes, "net_caps_v1", {a[0], a[1], a[2], a[3]});
      case Builtin::kNetCapsDefault: return call(Ty::kBytes, "net_caps_default_v1", {});
      case Builtin::kNetErrMakeDoc: return call(Ty::kBytes, "net_err_make_doc_v1", {a[0]});
      case Builtin::kNetErrIsErrDoc: return call(Ty::kI32, "net_err_is_err_doc_v1", {a[0]});
      case Builtin::kNetErrCode: return call(Ty::kI32, "net_err_code_v1", {a[0]});
      case Builtin::kNetConnect: return call(Ty::kBytes, "net_tcp_connect_v1", {a[0], a[1]});
      case Builtin::kNetConnectStreamHandle: return call(Ty::kI32, "net_tcp_connect_stream_handle_v1", {a[0]});
      case Builtin::kNetListen: return call(Ty::kBytes, "net_tcp_listen_v1", {a[0], a[1]});
      case Builtin::kNetListenListenerHandle: return call(Ty::kI32, "net_tcp_listen_listener_handle_v1", {a[0]});
      case Builtin::kNetListenBoundAddr: return call(Ty::kBytes, "net_tcp_listen_bound_addr_v1", {a[0]});
      case Builtin::kNetAccept: return call(Ty::kBytes, "net_tcp_accept_v1", {a[0], a[1]});
      case Builtin::kNetAcceptStreamHandle: return call(Ty::kI32, "net_tcp_accept_stream_handle_v1", {a[0]});
      case Builtin::kNetAcceptPeerAddr: return call(Ty::kBytes, "net_tcp_accept_peer_addr_v1", {a[0]});
      case Builtin::kNetStreamRead: return call(Ty::kBytes, "net_tcp_stream_read_v1", {a[0], a[1], a[2]});
      case Builtin::kNetStreamWrite: return call(Ty::kBytes, "net_tcp_stream_write_v1", {a[0], a[1], a[2]});
      case Builtin::kNetWriteAll: return call(Ty::kBytes, "net_io_write_all_v1", {a[0], a[1], a[2]});
      case Builtin::kNetStreamWait: return call(Ty::kBytes, "net_tcp_stream_wait_v1", {a[0], a[1], a[2]});
      case Builtin::kNetStreamShutdown: return call(Ty::kI32, "net_tcp_stream_shutdown_v1", {a[0], a[1]});
      case Builtin::kNetStreamClose: return call(Ty::kI32, "net_tcp_stream_close_v1", {a[0]});
      case Builtin::kNetStreamDrop: return call(Ty::kI32, "net_tcp_stream_drop_v1", {a[0]});
      case Builtin::kNetListenerClose: return call(Ty::kI32, "net_tcp_listener_close_v1", {a[0]});
      case Builtin::kNetListenerDrop: return call(Ty::kI32, "net_tcp_listener_drop_v1", {a[0]});
      case Builtin::kDbOpen: return call(Ty::kBytes, "db_open_v1", {a[0], a[1]});
      case Builtin::kDbSqliteOpen: return call(Ty::kBytes, "db_sqlite_open_v1", {a[0], a[1], a[2]});
      case Builtin::kDbOpenHandle: return call(Ty::kI32, "db_open_handle_v1", {a[0]});
      case Builtin::kDbQuery: return call(Ty::kBytes, "db_query_v1", {a[0], a[1], a[2], a[3]});
      case Builtin::kDbExec: return call(Ty::kBytes, "db_exec_v1", {a[0], a[1], a[2], a[3]});
      case Builtin::kDbClose: return call(Ty::kBytes, "db_close_v1", {a[0], a[1]});
      case Builtin::kDbQueryRowsDoc: return call(Ty::kBytes, "db_query_rows_doc_v1", {a[0]});
      case Builtin::kDbExecRowsAffected: return call(Ty::kI32, "db_exec_rows_affected_v1", {a[0]});
      case Builtin::kDbRespIsOk: return call(Ty::kI32, "db_resp_is_ok_v1", {a[0]});
      case Builtin::kDbRespErrCode: return call(Ty::kI32, "db_resp_err_code_v1", {a[0]});
      case Builtin::kDbRespErrMsg: return call(Ty::kBytes, "db_resp_err_msg_v1", {a[0]});
      case Builtin::kDbRespOkPayload: return call(Ty::kBytes, "db_resp_ok_payload_v1", {a[0]});
      case Builtin::kDbCapsDefault: return call(Ty::kBytes, "db_caps_default_v1", {});
      case Builtin::kDbCapsPack: return call(Ty::kBytes, "db_caps_pack_v1", {a[0], a[1], a[2], a[3]});
      case Builtin::kDbParamsEmpty: return call(Ty::kBytes, "db_params_empty_v1", {});
      case Builtin::kDbParamsOneNull: return call(Ty::kBytes, "db_params_one_null_v1", {});
      case Builtin::kDbParamsOneBool: return call(Ty::kBytes, "db_params_one_bool_v1", {a[0]});
      case Builtin::kDbParamsOneNumberDec: return call(Ty::kBytes, "db_params_one_number_dec_v1", {a[0]});
      case Builtin::kDbParamsOneString: return call(Ty::kBytes, "db_params_one_string_v1", {a[0]});
      case Builtin::kDmDocIsErr: return call(Ty::kI32, "dm_doc_is_err", {a[0]});
      case Builtin::kDmRootOffset: return call(Ty::kI32, "dm_root_offset", {a[0]});
      case Builtin::kDmRootKind: return call(Ty::kI32, "dm_root_kind", {a[0]});
      case Builtin::kDmKindAt: return call(Ty::kI32, "dm_kind_at", {a[0], a[1]});
      case Builtin::kDmMapFind: return call(Ty::kI32, "dm_map_find", {a[0], a[1], a[2]});
      case Builtin::kDmSeqLen: return call(Ty::kI32, "dm_seq_len", {a[0], a[1]});
      case Builtin::kDmMapLen: return call(Ty::kI32, "dm_map_len", {a[0], a[1]});
      case Builtin::kDmSeqGet: return call(Ty::kI32, "dm_seq_get", {a[0], a[1], a[2]});
      case Builtin::kDmMapKeyAt: return call(Ty::kBytes, "dm_map_key_at", {a[0], a[1], a[2]});
      case Builtin::kDmMapValueAt: return call(Ty::kI32, "dm_map_value_at", {a[0], a[1], a[2]});
      case Builtin::kDmStringGet: return call(Ty::kBytes, "dm_string_get", {a[0], a[1]});
      case Builtin::kDmNumberGet: return call(Ty::kBytes, "dm_number_get", {a[0], a[1]});
      case Builtin::kDmBoolGet: return call(Ty::kI32, "dm_bool_get", {a[0], a[1]});
      case Builtin::kDmSkipValue: return call(Ty::kI32, "dm_skip_value_x", {a[0], a[1]});
      case Builtin::kDmValueNull: return call(Ty::kBytes, "dm_value_null", {});
      case Builtin::kDmValueBool: return call(Ty::kBytes, "dm_value_bool", {a[0]});
      case Builtin::kDmValueNumber: return call(Ty::kBytes, "dm_value_number", {a[0]});
      case Builtin::kDmValueString: return call(Ty::kBytes, "dm_value_string", {a[0]});
      case Builtin::kDmValueSeqFromElems: return call(Ty::kBytes, "dm_value_seq_from_elems", {a[0]});
      case Builtin::kDmValueMapFromEntries: return call(Ty::kBytes, "dm_value_map_from_entries", {a[0]});
      case Builtin::kDmDocOk: return call(Ty::kBytes, "dm_doc_ok", {a[0]});
      case Builtin::kDmDocErrFromCode: return call(Ty::kBytes, "dm_doc_err_from_code", {a[0]});
      case Builtin::kDmDocErrFromMsg: return call(Ty::kBytes, "dm_doc_err_from_msg", {a[0]});
      case Builtin::kDmDocErrorCode: return call(Ty::kI32, "dm_doc_error_code", {a[0]});
      case Builtin::kDmDocErrorMsg: return call(Ty::kBytes, "dm_doc_error_msg", {a[0]});
      case Builtin::kFmtS32Dec: return call(Ty::kBytes, "fmt_s32_dec", {a[0]});
      case Builtin::kOptNone:
        if (n.ty == Ty::kOptView) return temp(Ty::kResView, "rt::ResView{{}, 0, true}");
        return n.ty == Ty::kOptBytes ? temp(Ty::kResBytes, "rt::ResBytes{{}, 0, true}") : temp(Ty::kResI32, "rt::ResI32{0, true}");
      case Builtin::kParseU32Dec: return call(Ty::kI32, "parse_u32_dec", {a[0]});
      case Builtin::kResViewOk:
      case Builtin::kOptViewSome: return temp(Ty::kResView, "rt::ResView{" + a[0] + ", 0, false}");
      case Builtin::kResViewErr: return temp(Ty::kResView, "rt::ResView{{}, " + a[0] + ", true}");
      case Builtin::kViewUnwrapOr: return temp(Ty::kView, a[0] + ".err ? " + a[1] + " : " + a[0] + ".view");
      case Builtin::kFindU8: return call(Ty::kI32, "find_u8", {a[0], a[1]});
      case Builtin::kFindSub: return call(Ty::kI32, "find_sub", {a[0], a[1]});
      case Builtin::kCountU8: return call(Ty::kI32, "count_u8", {a[0], a[1]});
      case Builtin::kStartsWith: return call(Ty::kI32, "starts_with", {a[0], a[1]});
      case Builtin::kEndsWith: return call(Ty::kI32, "ends_with", {a[0], a[1]});
      case Builtin::kStripPrefix: return call(Ty::kView, "strip_prefix", {a[0], a[1]});
      case Builtin::kStripSuffix: return call(Ty::kView, "strip_suffix", {a[0], a[1]});
      case Builtin::kTrimAscii: return call(Ty::kView, "trim_ascii", {a[0]});
      case Builtin::kTake: return temp(Ty::kBytes, "rt::bytes_of(rt::take(" + a[0] + ", " + a[1] + "))");
      case Builtin::kDrop: return temp(Ty::kBytes, "rt::bytes_of(rt::drop(" + a[0] + ", " + a[1] + "))");
      case Builtin::kClampSlice:
        return temp(Ty::kBytes, "rt::bytes_of(rt::clamp_slice(" + a[0] + ", " + a[1] + ", " + a[2] + "))");
      case Builtin::kClampSliceView: return call(Ty::kView, "clamp_slice", {a[0], a[1], a[2]});
      case Builtin::kTestPass: return call(Ty::kResI32, "test_check", {"true", "0"});
      case Builtin::kTestFail: return call(Ty::kResI32, "test_check", {"false", a[0]});
      case Builtin::kTestAssertI32Eq: return call(Ty::kResI32, "test_check", {a[0] + " == " + a[1], a[2]});
      case Builtin::kTestAssertBytesEq:
        return call(Ty::kResI32, "test_check", {"rt::bytes_eq(" + a[0] + ", " + a[1] + ") != 0", a[2]});
      case Builtin::kTestAssertTrue: return call(Ty::kResI32, "test_check", {a[0] + " != 0", a[1]});
      case Builtin::kTestCodeTrue: return "rt::kCodeAssertTrue";
      case Builtin::kTestCodeI32Eq: return "rt::kCodeAssertI32Eq";
      case Builtin::kTestCodeBytesEq: return "rt::kCodeAssertBytesEq";
    }
    return kNever;
  }
};

// The name a stage's function was given by (fn, or a require_brand validator).
std::string stage_fn_name(const PlanStage& st) {
  if (const ArgValue* v = st.arg("fn")) return v->bytes;
  if (const ArgValue* v = st.arg("validator")) return v->bytes;
  if (const ArgValue* v = st.arg("mapper_defasync")) return v->bytes;
  return {};
}

}  // namespace

std::string cpp_literal(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\' || c == '?') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + ((c >> 6) & 7)));
      out.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
      out.push_back(static_cast<char>('0' + (c & 7)));
    }
  }
  return out + "\"";
}

std::optional<X07Translation> translate_x07(const Plan& plan, std::size_t native_modules, std::string& error) {
  X07Translation t;
  t.stage_fns.resize(plan.chain.size());
  if (!plan.uses_user_functions) return t;
  Registry reg(native_modules, error);
  std::string entries;
  std::uint64_t fuel = 0;
  for (std::size_t i = 0; i < plan.chain.size(); ++i) {
    const PlanStage& st = plan.chain[i];
    if (!st.fn) continue;
    const std::string name = stage_fn_name(st);
    const x07::FnHandle* h = x07::x07_handle_of(st.fn);
    if (h == nullptr) {
      t.stage_fns[i] = reg.native(name);
      continue;
    }
    fuel = h->settings->fuel;
    const std::string callee = reg.fn_name(h->fn);
    const std::string entry = "entry" + std::to_string(i);
    entries += "// stage " + std::to_string(i) + ": " + Registry::sanitize_comment(name) + "\n";
    entries += "sluice::UserFnStatus " + entry + "(const void*, sluice::UserFnIo& io) {\n";
    // (bytes_view) or (bytes_view, i32 scratch handle); a par_map mapper is (bytes_view ctx, bytes item).
    const bool mapper = h->fn->params.size() > 1 && h->fn->params[1] == Ty::kBytes;
    const std::string args = mapper ? "io.mapper_ctx, rt::take_item(io)"
                                    : std::string("io.item") + (h->fn->params.size() > 1 ? ", sluice::ScratchBuf::kHandle" : "");
    entries += "  return rt::run_entry(io, kFuel, g_input, [&](rt::Ctx& cx) { return " + callee + "(cx, " + args + "); });\n}\n";
    t.stage_fns[i] = "sluice::UserFn{nullptr, &" + entry + "}";
  }
  // Run-time arguments (docs/expressions.md): each one a function called once when the run starts.
  std::size_t n_run_time = 0;
  for (const PlanStage* st : {&plan.source, &plan.sink}) {
    for (const PlanArg& a : st->args) {
      if (a.value.kind != ArgValue::Kind::kRunTime) continue;
      const x07::FnHandle* h = x07::x07_handle_of(a.value.fn);
      if (h == nullptr) continue;
      fuel = h->settings->fuel;
      const std::string callee = reg.fn_name(h->fn);
      const std::string entry = "run_time_arg" + std::to_string(n_run_time++);
      entries += "// " + Registry::sanitize_comment(std::string(st->spec->id) + " " + a.name) + ", evaluated when the run starts\n";
      entries += "sluice::UserFnStatus " + entry + "(const void*, sluice::UserFnIo& io) {\n";
      entries += "  return rt::run_entry(io, kFuel, g_input, [&](rt::Ctx& cx) { return " + callee + "(cx, io.item); });\n}\n";
      t.run_time_fns[h] = "sluice::UserFn{nullptr, &" + entry + "}";
    }
  }
  // Translating a function may name more functions (its callees): the registry grows as we go.
  std::string decls, defs;
  for (std::size_t k = 0; k < reg.fn_count(); ++k) {
    const FnIr* fn = reg.fn_at(k);
    FnLowering lowering(*fn, reg);
    const std::string def = lowering.translate("x07_f" + std::to_string(k));
    decls += "// " + Registry::sanitize_comment(fn->name) + "\n" + lowering.declaration();
    defs += "\n// " + Registry::sanitize_comment(fn->name) + "\n" + def;
  }
  if (!error.empty()) return std::nullopt;
  t.headers = {"stdlib/x07/compiled.hpp", "stdlib/x07/library.hpp"};
  if (native_modules > 0) t.headers.push_back("stdlib/native_module.hpp");
  std::string& c = t.code;
  c += "// ---- x07 functions, translated (stdlib/x07/rt.hpp has the builtins both backends share) ----\n";
  c += "namespace rt = sluice::x07rt;\n";
  c += "// Steps per stage-function call, as the interpreter meters them.\n";
  c += "constexpr std::uint64_t kFuel = " + std::to_string(fuel) + "u;\n";
  c += "// The program input (`input`): the executable's --input.\n";
  c += "sluice::ByteView g_input;\n";
  if (native_modules > 0) {
    c += "\n// The native modules linked in (sluice build --native-module).\n";
    std::string list;
    for (std::size_t m = 0; m < native_modules; ++m) {
      c += "extern \"C\" sluice::NativeModuleTable sluice_native_module_v1_" + std::to_string(m) + "();\n";
      list += (m ? ", " : "") + std::string("&sluice_native_module_v1_") + std::to_string(m);
    }
    // Static initialisation: a name the front end resolved is in one of the tables; if the
    // module changed since, fail at startup rather than call a null function later.
    c += "sluice::UserFn native_module_fn(const char* name) {\n";
    c += "  const sluice::UserFn fn = sluice::find_native_module_fn({" + list + "}, name);\n";
    c += "  if (!fn) {\n    std::fprintf(stderr, \"sluice: native function %s is in none of the linked native modules\\n\", name);\n"
         "    std::exit(2);\n  }\n  return fn;\n}\n";
    t.headers.push_back("<cstdio>");
    t.headers.push_back("<cstdlib>");
  }
  c += "\n" + reg.natives();
  c += "\n" + decls + defs + "\n" + entries;
  return t;
}

}  // namespace sluice
