#include "compiler/x07/borrow_check.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "compiler/x07/types.hpp"

namespace sluice::x07 {
namespace {

// An abstract interpretation of the body over "which owners may this view borrow". Owners are
// frame slots holding bytes or vec_u8 (named locals, params, and the hidden slots that keep a
// temporary alive while a view of it is used). A change to an owner does not fail at once: it
// poisons every view that may borrow it, and the error is reported when a poisoned view is
// used (passed to a builtin or function, returned, or the function's result). So a view that is
// dead by the time its owner changes is fine, as in X07. Branches join (a view poisoned on
// either path is poisoned), loops run to a fixpoint, so a change on one iteration poisons the
// views the next iteration still holds.

enum class Change : std::uint8_t { kMove, kSet, kInPlace, kLetAgain, kTempAgain, kScope };

struct Loan {
  std::uint32_t owner;
  const JsonNode* at;  // where the view was taken
};

struct Poison {
  Change kind;
  std::uint32_t owner;
  const JsonNode* at;      // the change
  const JsonNode* borrow;  // where the view of the owner was taken
  std::string what;        // the builtin, for kInPlace
};

struct Val {
  std::vector<Loan> loans;
  std::optional<Poison> poison;

  [[nodiscard]] bool borrows(std::uint32_t owner) const {
    return std::any_of(loans.begin(), loans.end(), [&](const Loan& l) { return l.owner == owner; });
  }
  void add(const Loan& l) {
    if (!borrows(l.owner)) loans.push_back(l);
  }
  void join(const Val& o) {
    for (const Loan& l : o.loans) add(l);
    if (!poison && o.poison) poison = o.poison;
  }
  [[nodiscard]] bool same(const Val& o) const {
    if (loans.size() != o.loans.size() || poison.has_value() != o.poison.has_value()) return false;
    return std::all_of(loans.begin(), loans.end(), [&](const Loan& l) { return o.borrows(l.owner); });
  }
};

struct State {
  std::vector<Val> slots;    // what each view local may borrow
  std::vector<Val> pending;  // argument values evaluated and not yet consumed by their call
  bool dead = false;         // after a return: no path reaches here

  void join(const State& o) {
    if (o.dead) return;
    if (dead) {
      *this = o;
      return;
    }
    for (std::size_t i = 0; i < slots.size(); ++i) slots[i].join(o.slots[i]);
    for (std::size_t i = 0; i < pending.size() && i < o.pending.size(); ++i) pending[i].join(o.pending[i]);
  }
  [[nodiscard]] bool same(const State& o) const {
    if (dead != o.dead || pending.size() != o.pending.size()) return false;
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (!slots[i].same(o.slots[i])) return false;
    for (std::size_t i = 0; i < pending.size(); ++i)
      if (!pending[i].same(o.pending[i])) return false;
    return true;
  }
};

bool is_in_place(Builtin b) {
  switch (b) {
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

std::string at_text(const JsonNode* n) {
  return n ? std::to_string(n->pos.line) + ":" + std::to_string(n->pos.column) : std::string("?");
}

bool before(const JsonNode* a, const JsonNode* b) {
  if (!a || !b) return false;
  return a->pos.offset < b->pos.offset;
}

bool find_pointer(const JsonNode& n, const JsonNode* target, std::string& p) {
  if (&n == target) return true;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const std::size_t keep = p.size();
    p = json_pointer_append(p, i);
    if (find_pointer(n.items[i], target, p)) return true;
    p.resize(keep);
  }
  return false;
}

class BorrowChecker {
 public:
  BorrowChecker(const BorrowInput& in, std::vector<Diagnostic>* out) : in_(in), out_(out) {
    names_.resize(in.nslots);
    decl_.resize(in.nslots, nullptr);
    owned_.resize(in.nslots, false);
    for (std::size_t i = 0; i < in.bound_names.size() && i < names_.size(); ++i) names_[i] = in.bound_names[i];
    scan(*in.body);
    mark_tail(*in.body);
    st_.slots.resize(in.nslots);
  }

  bool run() {
    Val v = eval(*in_.body);
    if (!st_.dead) use(v, in_.body->src);
    return !failed_;
  }

 private:
  const BorrowInput& in_;
  std::vector<Diagnostic>* out_;
  std::vector<std::string> names_;      // per slot; "" for a hidden temporary
  std::vector<const JsonNode*> decl_;   // per slot: the let (or the temporary) that binds it
  std::vector<bool> owned_;             // per slot: holds bytes or vec_u8
  std::set<const Node*> tail_;          // begins whose value is the result: their locals live on
  State st_;
  int quiet_ = 0;  // > 0 while a loop runs to its fixpoint: report on the last pass only
  int loops_ = 0;  // loops around the node being checked
  bool failed_ = false;
  std::set<std::pair<const JsonNode*, std::uint32_t>> reported_;

  void scan(const Node& n) {
    if ((n.op == Op::kLet || n.op == Op::kToView || n.op == Op::kBrandCast) && n.slot < names_.size()) {
      if (n.op == Op::kLet && n.src && n.src->items.size() > 1) names_[n.slot] = n.src->items[1].text;
      decl_[n.slot] = n.src;
      owned_[n.slot] = n.op == Op::kToView || (!n.kids.empty() && is_owned(n.kids[0].ty));
    }
    for (const Node& k : n.kids) scan(k);
  }

  // The locals of a begin whose value is the function's (or expression's) result stay in the
  // frame until it returns, and a view the function returns of them is kept alive by both
  // backends (interp.cpp Op::kCall, rt::keep_view): their scope ending is not a change.
  void mark_tail(const Node& n) {
    if (n.op == Op::kBegin && !n.kids.empty()) {
      tail_.insert(&n);
      mark_tail(n.kids.back());
    } else if (n.op == Op::kIf && n.kids.size() == 3) {
      mark_tail(n.kids[1]);
      mark_tail(n.kids[2]);
    }
  }

  // The owners declared directly in a scope: the lets under `n` not inside a nested scope.
  static void declared(const Node& n, bool root, std::vector<std::uint32_t>& out) {
    if (!root && n.op == Op::kBegin) return;
    if (n.op == Op::kLet) out.push_back(n.slot);
    if (n.op == Op::kIf) {
      declared(n.kids[0], false, out);
      return;
    }
    if (n.op == Op::kFor) {
      declared(n.kids[0], false, out);
      declared(n.kids[1], false, out);
      return;
    }
    if (n.op == Op::kWhile) return;
    for (const Node& k : n.kids) declared(k, false, out);
  }

  void poison_if_borrows(Val& v, std::uint32_t owner, Change kind, const JsonNode* at, const std::string& what) {
    if (v.poison) return;
    for (const Loan& l : v.loans)
      if (l.owner == owner) {
        v.poison = Poison{kind, owner, at, l.at, what};
        return;
      }
  }

  // The owner changes: every view that may borrow it must not be used from here on.
  void invalidate(std::uint32_t owner, Change kind, const JsonNode* at, const std::string& what = {}) {
    if (st_.dead) return;
    for (Val& v : st_.slots) poison_if_borrows(v, owner, kind, at, what);
    for (Val& v : st_.pending) poison_if_borrows(v, owner, kind, at, what);
  }

  std::string owner_name(std::uint32_t owner) const {
    if (owner < names_.size() && !names_[owner].empty()) return json_quote(names_[owner]);
    return "the temporary at " + at_text(owner < decl_.size() ? decl_[owner] : nullptr);
  }

  std::string pointer_of(const JsonNode* n) const {
    std::string p = in_.root_pointer;
    if (n && in_.root && find_pointer(*in_.root, n, p)) return p;
    return in_.root_pointer;
  }

  // A view is used here: fine unless an owner it borrows changed since it was taken.
  void use(const Val& v, const JsonNode* at, bool argument = false) {
    if (!v.poison || st_.dead) return;
    const Poison& p = *v.poison;
    if (quiet_ > 0) return;
    failed_ = true;
    if (!reported_.insert({p.at, p.owner}).second || !out_) return;
    const std::string name = owner_name(p.owner);
    std::string msg, hint;
    switch (p.kind) {
      case Change::kMove:
        msg = name + " is moved here while a view of it may still be used";
        hint = "lend it where a bytes_view is expected instead of moving it, or take the view again from where the value went";
        break;
      case Change::kSet:
        msg = name + " is set here while a view of it may still be used";
        hint = "use the view before the set (view.to_bytes copies it), or take the view again after the set";
        break;
      case Change::kInPlace:
        msg = name + " is changed by " + p.what + " here while a view of it may still be used";
        hint = "a vec_u8 or bytes may move its bytes when it changes: take the view again after the change, or copy the view first with view.to_bytes";
        break;
      case Change::kLetAgain:
        msg = name + " is bound again by this let on the next loop iteration while a view of it may still be used";
        hint = "declare it before the loop, or take the view again after this let before using it";
        break;
      case Change::kTempAgain:
        msg = "the temporary this view is taken of is made again on the next loop iteration while the view may still be used";
        hint = "bind the bytes to a local declared before the loop and take the view of that local";
        break;
      case Change::kScope:
        msg = name + " goes out of scope at the end of its begin while a view of it may still be used";
        hint = "declare it in the scope where the view is used, or copy the bytes out with view.to_bytes";
        break;
    }
    msg += " (the view of it is taken at " + at_text(p.borrow) + " and used at " + at_text(at);
    // Used before the change in the text: only a later iteration of a loop gets there.
    if (!argument && loops_ > 0 && before(at, p.at)) msg += ", on a later loop iteration";
    msg += ")";
    const JsonNode* where = p.at;
    out_->push_back(make_diagnostic(DiagId::kX07Borrow, in_.file, where ? where->pos.line : 0, where ? where->pos.column : 0,
                                    pointer_of(where), std::move(msg), std::move(hint)));
  }

  Val eval(const Node& n) {
    switch (n.op) {
      case Op::kConst:
      case Op::kBytesLit:  // a bytes_view literal is static
      case Op::kInput:     // the input outlives every call
      case Op::kLocalPeek: return {};
      case Op::kLocal:
        if (is_owned(n.ty)) {
          invalidate(n.slot, Change::kMove, n.src);
          return {};
        }
        if (holds_view(n.ty)) return st_.slots[n.slot];
        return {};
      case Op::kLocalView: {
        Val v;
        v.loans.push_back({n.slot, n.src});
        return v;
      }
      case Op::kToView: {
        eval(n.kids[0]);
        invalidate(n.slot, Change::kTempAgain, n.src);
        Val v;
        v.loans.push_back({n.slot, n.src});
        return v;
      }
      case Op::kLet:
      case Op::kSet:
      case Op::kSet0: {
        Val v = eval(n.kids[0]);
        if (holds_view(n.kids[0].ty)) {
          if (!st_.dead) st_.slots[n.slot] = v;
        } else if (n.slot < owned_.size() && owned_[n.slot]) {
          invalidate(n.slot, n.op == Op::kLet ? Change::kLetAgain : Change::kSet, n.src);
        } else if (n.op != Op::kLet) {
          invalidate(n.slot, Change::kSet, n.src);  // a param or an outer owner
        }
        if (holds_view(n.ty)) return v;
        return {};
      }
      case Op::kBegin: {
        Val last;
        for (const Node& k : n.kids) last = eval(k);
        if (!tail_.count(&n)) {
          std::vector<std::uint32_t> owners;
          declared(n, true, owners);
          for (const std::uint32_t o : owners) {
            if (o >= owned_.size() || !owned_[o]) continue;
            const JsonNode* at = decl_[o];
            invalidate(o, Change::kScope, at);
            if (!st_.dead) poison_if_borrows(last, o, Change::kScope, at, {});
          }
        }
        return last;
      }
      case Op::kIf: {
        eval(n.kids[0]);
        const State before_branches = st_;
        Val a = eval(n.kids[1]);
        const bool a_dead = st_.dead;
        State after_then = std::move(st_);
        st_ = before_branches;
        Val b = eval(n.kids[2]);
        const bool b_dead = st_.dead;
        st_.join(after_then);
        if (a_dead) return b;
        if (!b_dead) a.join(b);
        return a;
      }
      case Op::kFor:
        eval(n.kids[0]);
        eval(n.kids[1]);
        loop(nullptr, n.kids[2]);
        return {};
      case Op::kWhile:
        loop(&n.kids[0], n.kids[1]);
        return {};
      case Op::kReturn: {
        const Val v = eval(n.kids[0]);
        use(v, n.kids[0].src);
        st_.dead = true;
        return {};
      }
      case Op::kTry: {
        // The ok view of a result_bytes_view borrows what the result does.
        Val v = eval(n.kids[0]);
        if (holds_view(n.ty)) return v;
        return {};
      }
      case Op::kTryDoc: {
        const Val v = eval(n.kids[0]);
        use(v, n.kids[0].src);  // read here, and copied out
        return {};
      }
      case Op::kBrandCast: {
        // The value goes to the hidden slot; the validator call borrows it (bytes) or is passed
        // it (a view); cast_view_v1's result is that view.
        Val v = eval(n.kids[0]);
        const auto kind = static_cast<BrandCast>(n.sub);
        if (kind == BrandCast::kBytes) invalidate(n.slot, Change::kTempAgain, n.src);
        else if (!st_.dead) st_.slots[n.slot] = v;
        eval(n.kids[1]);
        if (kind == BrandCast::kView) return v;
        return {};
      }
      case Op::kAnd:
      case Op::kOr: {
        eval(n.kids[0]);
        const State skipped = st_;
        eval(n.kids[1]);
        st_.join(skipped);
        return {};
      }
      case Op::kBinary:
        eval(n.kids[0]);
        eval(n.kids[1]);
        return {};
      case Op::kBuiltin:
      case Op::kCall:
      case Op::kNative: return call(n);
    }
    return {};
  }

  // Arguments are evaluated in order and held until the call: a later argument that changes
  // an owner poisons the views earlier arguments took of it.
  Val call(const Node& n) {
    const bool in_place = n.op == Op::kBuiltin && is_in_place(static_cast<Builtin>(n.sub));
    const std::size_t base = st_.pending.size();
    std::vector<bool> poisoned_before;  // per argument: poisoned when evaluated, not while pending
    for (std::size_t i = 0; i < n.kids.size(); ++i) {
      const Node& k = n.kids[i];
      if (i == 0 && in_place && k.op == Op::kLocal) {
        // (vec_u8.push v x): v is moved out and changed; the change is what the user wrote.
        const std::string what = n.src && !n.src->items.empty() ? n.src->items[0].text : std::string("a change");
        invalidate(k.slot, Change::kInPlace, n.src, what);
        st_.pending.emplace_back();
        poisoned_before.push_back(false);
        continue;
      }
      Val v = eval(k);
      poisoned_before.push_back(v.poison.has_value());
      st_.pending.push_back(std::move(v));
    }
    std::vector<Val> args;
    if (st_.pending.size() >= base) {
      args.assign(std::make_move_iterator(st_.pending.begin() + static_cast<std::ptrdiff_t>(base)),
                  std::make_move_iterator(st_.pending.end()));
      st_.pending.resize(base);
    }
    Val r;
    for (std::size_t i = 0; i < args.size() && i < n.kids.size(); ++i) {
      use(args[i], n.kids[i].src, i >= poisoned_before.size() || !poisoned_before[i]);
      if (!holds_view(n.ty)) continue;
      // A view result borrows what its view arguments borrow (a function returning a view of
      // its own bytes hands them to the runtime, which keeps them alive). A builtin's view is of
      // its first argument, except unwrap_or's, which may be its default.
      if (n.op == Op::kBuiltin && i > 0 && static_cast<Builtin>(n.sub) != Builtin::kViewUnwrapOr) continue;
      for (const Loan& l : args[i].loans) r.add(l);
    }
    return r;
  }

  // A loop: runs the body on the joined state until nothing changes (quietly), then once more
  // reporting. The state after the loop is the fixpoint (a for) or the fixpoint after the
  // condition (a while).
  void loop(const Node* cond, const Node& body) {
    State head = st_;
    ++quiet_;
    for (int guard = 0; guard < 1000; ++guard) {
      st_ = head;
      if (cond) eval(*cond);
      eval(body);
      State next = head;
      next.join(st_);
      if (next.same(head)) break;
      head = std::move(next);
    }
    --quiet_;
    st_ = head;
    ++loops_;
    if (cond) eval(*cond);
    const State exit = st_;
    eval(body);
    --loops_;
    st_ = exit;
  }
};

}  // namespace

bool borrow_check(const BorrowInput& in, std::vector<Diagnostic>* out) {
  if (!in.body) return true;
  BorrowChecker c(in, out);
  return c.run();
}

}  // namespace sluice::x07
