#include "compiler/x07/interp.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>

#include "compiler/json_source.hpp"

namespace sluice::x07 {
namespace {

// Internal to this file: how a trap leaves a deep evaluation. Caught by the entry points below,
// never thrown past them.
struct TrapSignal {
  UserFnStatus status;
  std::string message;
};

using Frame = std::vector<Value>;

struct EvalState {
  std::uint64_t fuel = 0;
  bool returning = false;
  Value ret;
  ScratchBuf* scratch = nullptr;
  int depth = 0;
  const EvalSettings* settings = nullptr;
};

std::string at(const Node& n) {
  return n.src ? " (at " + std::to_string(n.src->pos.line) + ":" + std::to_string(n.src->pos.column) + ")" : std::string();
}

[[noreturn]] void trap(const Node& n, std::string what) {
  throw TrapSignal{UserFnStatus::kTrap, std::move(what) + at(n)};
}

Value of_i32(std::int32_t v) {
  Value r;
  r.i = v;
  return r;
}

std::uint32_t u(std::int32_t v) { return static_cast<std::uint32_t>(v); }
std::int32_t s(std::uint32_t v) { return static_cast<std::int32_t>(v); }

ByteView view_of_buf(const std::vector<std::uint8_t>& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }

Value of_bytes(ByteView v) {
  Value r;
  r.buf.assign(v.begin(), v.end());
  return r;
}

void check_len(const Node& n, std::uint64_t len) {
  if (len > kMaxValueBytes)
    trap(n, "length overflow: " + std::to_string(len) + " bytes is more than the " + std::to_string(kMaxValueBytes) + "-byte limit");
}

void check_range(const Node& n, std::string_view what, std::uint32_t start, std::uint32_t len, std::uint32_t size) {
  if (start > size || len > size - start)
    trap(n, "out-of-bounds " + std::string(what) + ": start " + std::to_string(start) + ", len " + std::to_string(len) +
                " on " + std::to_string(size) + " bytes");
}

std::int32_t bin(BinOp op, std::uint32_t a, std::uint32_t b) {
  const std::int32_t sa = s(a), sb = s(b);
  switch (op) {
    case BinOp::kAdd: return s(a + b);
    case BinOp::kSub: return s(a - b);
    case BinOp::kMul: return s(a * b);
    case BinOp::kDivU: return b == 0 ? 0 : s(a / b);  // x/0 = 0, no trap
    case BinOp::kRemU: return b == 0 ? sa : s(a % b);  // x%0 = x
    case BinOp::kEq: return a == b;
    case BinOp::kNe: return a != b;
    case BinOp::kLt: return sa < sb;
    case BinOp::kLe: return sa <= sb;
    case BinOp::kGt: return sa > sb;
    case BinOp::kGe: return sa >= sb;
    case BinOp::kLtU: return a < b;
    case BinOp::kLeU: return a <= b;
    case BinOp::kGtU: return a > b;
    case BinOp::kGeU: return a >= b;
    case BinOp::kAnd: return s(a & b);
    case BinOp::kOr: return s(a | b);
    case BinOp::kXor: return s(a ^ b);
    case BinOp::kShl: return s(a << (b & 31u));  // the count is masked with 31
    case BinOp::kShrU: return s(a >> (b & 31u));
  }
  return 0;
}

std::vector<std::uint8_t> dec(std::uint64_t v, bool neg) {
  std::string t = std::to_string(v);
  if (neg) t.insert(t.begin(), '-');
  return {t.begin(), t.end()};
}

// Frames are reused per thread and nesting level: no allocation per call once warm, and plans
// may run on several threads at once (handles are shared, read-only).
class FrameLease {
 public:
  explicit FrameLease(std::uint32_t nslots) {
    if (frames().size() <= depth()) frames().push_back(std::make_unique<Frame>());
    frame_ = frames()[depth()].get();
    ++depth();
    if (frame_->size() < nslots) frame_->resize(nslots);
  }
  ~FrameLease() { --depth(); }
  FrameLease(const FrameLease&) = delete;
  FrameLease& operator=(const FrameLease&) = delete;
  Frame& frame() { return *frame_; }

 private:
  static std::vector<std::unique_ptr<Frame>>& frames() {
    thread_local std::vector<std::unique_ptr<Frame>> f;
    return f;
  }
  static std::size_t& depth() {
    thread_local std::size_t d = 0;
    return d;
  }
  Frame* frame_;
};

Value eval(const Node& n, Frame& f, EvalState& st);
Value call_fn(const FnIr& fn, Frame& frame, EvalState& st);

#define SLUICE_X07_RET \
  if (st.returning) return {}

Value builtin(const Node& n, Frame& f, EvalState& st) {
  std::array<Value, 6> a;
  for (std::size_t i = 0; i < n.kids.size(); ++i) {
    a[i] = eval(n.kids[i], f, st);
    SLUICE_X07_RET;
  }
  const auto scratch = [&]() -> ScratchBuf& {
    if (a[0].i != ScratchBuf::kHandle || st.scratch == nullptr)
      trap(n, "invalid scratch handle " + std::to_string(a[0].i));
    return *st.scratch;
  };
  switch (static_cast<Builtin>(n.sub)) {
    case Builtin::kBytesAlloc: {
      check_len(n, u(a[0].i));
      Value r;
      r.buf.assign(u(a[0].i), 0);
      return r;
    }
    case Builtin::kBytesEmpty: return {};
    case Builtin::kBytesLen:
    case Builtin::kViewLen:
    case Builtin::kVecLen: return of_i32(s(a[0].view.size));
    case Builtin::kGetU8:
    case Builtin::kVecGet:
      if (u(a[1].i) >= a[0].view.size)
        trap(n, "out-of-bounds read: index " + std::to_string(u(a[1].i)) + " on " + std::to_string(a[0].view.size) + " bytes");
      return of_i32(a[0].view.data[u(a[1].i)]);
    case Builtin::kBytesSetU8:
    case Builtin::kVecSet:
      if (u(a[1].i) >= a[0].buf.size())
        trap(n, "out-of-bounds write: index " + std::to_string(u(a[1].i)) + " on " + std::to_string(a[0].buf.size()) + " bytes");
      a[0].buf[u(a[1].i)] = static_cast<std::uint8_t>(a[2].i & 255);
      return std::move(a[0]);
    case Builtin::kBytesView:
    case Builtin::kVecAsView: return std::move(a[0]);
    case Builtin::kBytesSubview:
    case Builtin::kViewSlice: {
      check_range(n, "slice", u(a[1].i), u(a[2].i), a[0].view.size);
      Value r;
      r.view = a[0].view.slice(u(a[1].i), u(a[2].i));
      return r;
    }
    case Builtin::kBytesSlice:
      check_range(n, "slice", u(a[1].i), u(a[2].i), a[0].view.size);
      return of_bytes(a[0].view.slice(u(a[1].i), u(a[2].i)));
    case Builtin::kBytesConcat: {
      check_len(n, std::uint64_t{a[0].view.size} + a[1].view.size);
      Value r;
      r.buf.reserve(std::size_t{a[0].view.size} + a[1].view.size);
      r.buf.insert(r.buf.end(), a[0].view.begin(), a[0].view.end());
      r.buf.insert(r.buf.end(), a[1].view.begin(), a[1].view.end());
      return r;
    }
    case Builtin::kEq:
      return of_i32(a[0].view.size == a[1].view.size &&
                    (a[0].view.size == 0 || std::memcmp(a[0].view.data, a[1].view.data, a[0].view.size) == 0));
    case Builtin::kCmpRange: {
      check_range(n, "cmp_range", u(a[1].i), u(a[2].i), a[0].view.size);
      check_range(n, "cmp_range", u(a[4].i), u(a[5].i), a[3].view.size);
      const std::uint32_t la = u(a[2].i), lb = u(a[5].i);
      const int c = std::min(la, lb) == 0 ? 0 : std::memcmp(a[0].view.data + u(a[1].i), a[3].view.data + u(a[4].i), std::min(la, lb));
      if (c != 0) return of_i32(c < 0 ? -1 : 1);
      return of_i32(la < lb ? -1 : la > lb ? 1 : 0);
    }
    case Builtin::kViewToBytes: return of_bytes(a[0].view);
    case Builtin::kReadU32:
      if (std::uint64_t{u(a[1].i)} + 4 > a[0].view.size)
        trap(n, "out-of-bounds read: codec.read_u32_le at " + std::to_string(u(a[1].i)) + " on " + std::to_string(a[0].view.size) + " bytes");
      return of_i32(s(load_u32le(a[0].view.data + u(a[1].i))));
    case Builtin::kWriteU32: {
      Value r;
      r.buf.resize(4);
      store_u32le(r.buf.data(), u(a[0].i));
      return r;
    }
    case Builtin::kVecWithCap: {
      check_len(n, u(a[0].i));
      Value r;
      r.buf.reserve(u(a[0].i));
      return r;
    }
    case Builtin::kVecCap: return of_i32(s(static_cast<std::uint32_t>(a[0].buf.capacity())));
    case Builtin::kVecClear: a[0].buf.clear(); return std::move(a[0]);
    case Builtin::kVecPush:
      check_len(n, a[0].buf.size() + 1);
      a[0].buf.push_back(static_cast<std::uint8_t>(a[1].i & 255));
      return std::move(a[0]);
    case Builtin::kVecReserve:
      check_len(n, a[0].buf.size() + u(a[1].i));
      a[0].buf.reserve(a[0].buf.size() + u(a[1].i));
      return std::move(a[0]);
    case Builtin::kVecExtendZeroes:
      check_len(n, a[0].buf.size() + u(a[1].i));
      a[0].buf.resize(a[0].buf.size() + u(a[1].i), 0);
      return std::move(a[0]);
    case Builtin::kVecExtend:
      check_len(n, a[0].buf.size() + a[1].view.size);
      a[0].buf.insert(a[0].buf.end(), a[1].view.begin(), a[1].view.end());
      return std::move(a[0]);
    case Builtin::kVecExtendRange: {
      check_range(n, "extend_bytes_range", u(a[2].i), u(a[3].i), a[1].view.size);
      check_len(n, a[0].buf.size() + u(a[3].i));
      const ByteView part = a[1].view.slice(u(a[2].i), u(a[3].i));
      a[0].buf.insert(a[0].buf.end(), part.begin(), part.end());
      return std::move(a[0]);
    }
    case Builtin::kVecIntoBytes: return std::move(a[0]);
    case Builtin::kResI32Ok:
    case Builtin::kResBytesErr:
    case Builtin::kResI32Err: {
      Value r;
      r.i = a[0].i;
      r.err = static_cast<Builtin>(n.sub) != Builtin::kResI32Ok;
      return r;
    }
    case Builtin::kResBytesOk: return std::move(a[0]);
    case Builtin::kResI32IsOk:
    case Builtin::kResBytesIsOk: return of_i32(!a[0].err);
    case Builtin::kResI32ErrCode:
    case Builtin::kResBytesErrCode: return of_i32(a[0].err ? a[0].i : 0);
    case Builtin::kResI32UnwrapOr: return of_i32(a[0].err ? a[1].i : a[0].i);
    case Builtin::kResBytesUnwrapOr: return a[0].err ? std::move(a[1]) : std::move(a[0]);
    case Builtin::kScratchTryWrite: {
      ScratchBuf& sb = scratch();
      Value r;
      if (std::uint64_t{sb.data.size()} + a[1].view.size > sb.cap) {
        r.err = true;
        r.i = 8;  // spec §2.7: the buffer is left unchanged
        return r;
      }
      sb.data.insert(sb.data.end(), a[1].view.begin(), a[1].view.end());
      r.i = s(a[1].view.size);
      return r;
    }
    case Builtin::kScratchLen: return of_i32(s(static_cast<std::uint32_t>(scratch().data.size())));
    case Builtin::kScratchCap: return of_i32(s(scratch().cap));
    case Builtin::kScratchClear: scratch().data.clear(); return of_i32(0);
    case Builtin::kFmtU32Dec: {
      Value r;
      r.buf = dec(u(a[0].i), false);
      return r;
    }
    case Builtin::kFmtS32Dec: {
      Value r;
      const std::int64_t v = a[0].i;
      r.buf = dec(static_cast<std::uint64_t>(v < 0 ? -v : v), v < 0);
      return r;
    }
    case Builtin::kOptNone: {
      Value r;
      r.err = true;
      return r;
    }
    case Builtin::kOptI32Some: return of_i32(a[0].i);
    case Builtin::kOptBytesSome: return std::move(a[0]);
    case Builtin::kOptIsSome: return of_i32(!a[0].err);
    case Builtin::kOptI32UnwrapOr: return of_i32(a[0].err ? a[1].i : a[0].i);
    case Builtin::kOptBytesUnwrapOr: return a[0].err ? std::move(a[1]) : std::move(a[0]);
    case Builtin::kParseU32Dec: {
      std::uint32_t v = 0;
      for (const std::uint8_t c : a[0].view) {
        if (c < '0' || c > '9') break;
        v = v * 10u + (c - '0');
      }
      return of_i32(s(v));
    }
  }
  return {};
}

Value native(const Node& n, Frame& f, EvalState& st) {
  std::array<Value, 2> a;
  for (std::size_t i = 0; i < n.kids.size(); ++i) {
    a[i] = eval(n.kids[i], f, st);
    SLUICE_X07_RET;
  }
  const auto sig = static_cast<UserFnSig>(n.sub);
  UserFnIo io;
  io.item = a[0].view;
  std::vector<std::uint8_t> out;
  io.out = &out;
  if (sig == UserFnSig::kMapInPlace) {
    if (a[1].i != ScratchBuf::kHandle || st.scratch == nullptr) trap(n, "invalid scratch handle " + std::to_string(a[1].i));
    io.scratch = st.scratch;
  }
  const UserFnStatus status = n.native(io);
  if (status != UserFnStatus::kOk) throw TrapSignal{status, n.lit + ": " + io.trap};
  Value r;
  if (sig == UserFnSig::kMap) {
    r.buf = std::move(out);
  } else {
    r.i = io.value;
    r.err = io.is_err;
  }
  return r;
}

Value eval(const Node& n, Frame& f, EvalState& st) {
  if (st.fuel == 0) throw TrapSignal{UserFnStatus::kFuel, "out of fuel after " + std::to_string(st.settings->fuel) + " steps" + at(n)};
  --st.fuel;
  switch (n.op) {
    case Op::kConst: return of_i32(n.imm);
    case Op::kBytesLit: {
      if (n.ty == Ty::kBytes) return of_bytes(ByteView::of(n.lit));
      Value r;
      r.view = ByteView::of(n.lit);
      return r;
    }
    case Op::kInput: {
      Value r;
      r.view = st.settings->input;
      return r;
    }
    case Op::kLocal:
      if (is_owned(n.ty)) return std::move(f[n.slot]);
      return f[n.slot];
    case Op::kLocalView: {
      Value r;
      r.view = view_of_buf(f[n.slot].buf);
      return r;
    }
    case Op::kLocalPeek: {
      Value r;
      r.i = f[n.slot].i;
      r.err = f[n.slot].err;
      return r;
    }
    case Op::kToView: {
      f[n.slot] = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      Value r;
      r.view = view_of_buf(f[n.slot].buf);
      return r;
    }
    case Op::kLet:
    case Op::kSet:
    case Op::kSet0: {
      Value v = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      f[n.slot] = std::move(v);
      if (n.op == Op::kSet0 || is_owned(n.kids[0].ty)) return of_i32(0);
      return f[n.slot];
    }
    case Op::kBegin: {
      Value last;
      for (const Node& k : n.kids) {
        last = eval(k, f, st);
        SLUICE_X07_RET;
      }
      return last;
    }
    case Op::kIf: {
      const Value c = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      return eval(n.kids[c.i != 0 ? 1 : 2], f, st);
    }
    case Op::kFor: {
      const Value start = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      f[n.slot] = of_i32(start.i);
      const Value end = eval(n.kids[1], f, st);  // evaluated once (spec §2.2)
      SLUICE_X07_RET;
      while (u(f[n.slot].i) < u(end.i)) {  // unsigned bound
        eval(n.kids[2], f, st);
        SLUICE_X07_RET;
        f[n.slot].i = s(u(f[n.slot].i) + 1u);
      }
      return of_i32(0);
    }
    case Op::kWhile:
      for (;;) {
        const Value c = eval(n.kids[0], f, st);
        SLUICE_X07_RET;
        if (c.i == 0) return of_i32(0);
        eval(n.kids[1], f, st);
        SLUICE_X07_RET;
      }
    case Op::kReturn: {
      Value v = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      st.ret = std::move(v);
      st.returning = true;
      return {};
    }
    case Op::kTry: {
      Value r = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      if (r.err) {
        st.ret = Value{};
        st.ret.err = true;
        st.ret.i = r.i;
        st.returning = true;
        return {};
      }
      if (n.ty == Ty::kI32) return of_i32(r.i);
      return r;
    }
    case Op::kAnd:
    case Op::kOr: {
      const Value a = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      if ((a.i != 0) == (n.op == Op::kOr)) return of_i32(n.op == Op::kOr ? 1 : 0);
      const Value b = eval(n.kids[1], f, st);
      SLUICE_X07_RET;
      return of_i32(b.i != 0);
    }
    case Op::kBinary: {
      const Value a = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      const Value b = eval(n.kids[1], f, st);
      SLUICE_X07_RET;
      return of_i32(bin(static_cast<BinOp>(n.sub), u(a.i), u(b.i)));
    }
    case Op::kBuiltin: return builtin(n, f, st);
    case Op::kNative: return native(n, f, st);
    case Op::kCall: {
      if (st.depth >= kMaxCallDepth)
        trap(n, "call depth over " + std::to_string(kMaxCallDepth) + " (runaway recursion in " + n.callee->name + ")");
      FrameLease lease(n.callee->nslots);
      Frame& nf = lease.frame();
      for (std::size_t i = 0; i < n.kids.size(); ++i) {
        Value v = eval(n.kids[i], f, st);
        SLUICE_X07_RET;
        nf[i] = std::move(v);
      }
      return call_fn(*n.callee, nf, st);
    }
  }
  return {};
}

Value call_fn(const FnIr& fn, Frame& frame, EvalState& st) {
  ++st.depth;
  Value v = eval(fn.body, frame, st);
  --st.depth;
  if (st.returning) {
    st.returning = false;
    v = std::move(st.ret);
    st.ret = Value{};
  }
  return v;
}

UserFnStatus entry(const void* ctx, UserFnIo& io) {
  const FnHandle& h = *static_cast<const FnHandle*>(ctx);
  FrameLease lease(h.fn->nslots);
  Frame& frame = lease.frame();
  frame[0].view = io.item;
  if (h.fn->params.size() > 1) frame[1].i = ScratchBuf::kHandle;
  EvalState st;
  st.fuel = h.settings->fuel;
  st.settings = h.settings;
  st.scratch = io.scratch;
  UserFnStatus status = UserFnStatus::kOk;
  try {
    Value v = call_fn(*h.fn, frame, st);
    switch (h.fn->result) {
      case Ty::kBytes:
      case Ty::kVec:
        if (io.out) io.out->swap(v.buf);
        break;
      default:
        io.value = v.i;
        io.is_err = v.err;
        break;
    }
  } catch (TrapSignal& t) {
    status = t.status;
    io.trap = std::move(t.message);
  } catch (const std::bad_alloc&) {
    status = UserFnStatus::kTrap;
    io.trap = "out of memory";
  }
  return status;
}

}  // namespace

UserFn make_user_fn(const FnHandle& h) { return UserFn{&h, &entry}; }

EvalResult eval_expr(const ExprIr& ir, std::vector<Value> locals, const EvalSettings& settings) {
  EvalResult r;
  Frame frame = std::move(locals);
  if (frame.size() < ir.nslots) frame.resize(ir.nslots);
  EvalState st;
  st.fuel = settings.fuel;
  st.settings = &settings;
  try {
    r.value = eval(ir.node, frame, st);
    // A view into a local of this evaluation would dangle once it returns: keep the bytes.
    if (ir.node.ty == Ty::kView) {
      r.value.buf.assign(r.value.view.begin(), r.value.view.end());
      r.value.view = view_of_buf(r.value.buf);
    }
  } catch (TrapSignal& t) {
    r.status = t.status;
    r.trap = std::move(t.message);
  } catch (const std::bad_alloc&) {
    r.status = UserFnStatus::kTrap;
    r.trap = "out of memory";
  }
  return r;
}

}  // namespace sluice::x07
