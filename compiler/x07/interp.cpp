#include "compiler/x07/interp.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <forward_list>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <memory>
#include <new>
#include <optional>

#include "compiler/json_source.hpp"
#include "compiler/x07/byte_map_loop.hpp"
#include "stdlib/x07/byte_map.hpp"
#include "stdlib/x07/rt.hpp"

namespace sluice::x07 {
namespace {

namespace rt = sluice::x07rt;
using rt::Trap;

using Frame = std::vector<Value>;

struct EvalState {
  std::uint64_t fuel = 0;
  bool returning = false;
  Value ret;
  ScratchBuf* scratch = nullptr;
  int depth = 0;
  const EvalSettings* settings = nullptr;
  const std::atomic<bool>* cancel = nullptr;  // a par_map stage's stop flag (UserFnIo::cancel)
  std::forward_list<std::vector<std::uint8_t>> kept;  // see Op::kCall
};

rt::Site site(const Node& n) { return n.src ? rt::Site{n.src->pos.line, n.src->pos.column} : rt::Site{}; }

Value of_i32(std::int32_t v) {
  Value r;
  r.i = v;
  return r;
}

Value of_buf(rt::Buf b) {
  Value r;
  r.buf = std::move(b);
  return r;
}

Value of_view(ByteView v) {
  Value r;
  r.view = v;
  return r;
}

Value of_res(rt::ResI32 x) {
  Value r;
  r.i = x.i;
  r.err = x.err;
  return r;
}

inline std::int32_t bin(BinOp op, std::int32_t a, std::int32_t b) {
  switch (op) {
    case BinOp::kAdd: return rt::add(a, b);
    case BinOp::kSub: return rt::sub(a, b);
    case BinOp::kMul: return rt::mul(a, b);
    case BinOp::kDivU: return rt::div_u(a, b);
    case BinOp::kRemU: return rt::rem_u(a, b);
    case BinOp::kEq: return rt::eq(a, b);
    case BinOp::kNe: return rt::ne(a, b);
    case BinOp::kLt: return rt::lt(a, b);
    case BinOp::kLe: return rt::le(a, b);
    case BinOp::kGt: return rt::gt(a, b);
    case BinOp::kGe: return rt::ge(a, b);
    case BinOp::kLtU: return rt::lt_u(a, b);
    case BinOp::kLeU: return rt::le_u(a, b);
    case BinOp::kGtU: return rt::gt_u(a, b);
    case BinOp::kGeU: return rt::ge_u(a, b);
    case BinOp::kAnd: return rt::bit_and(a, b);
    case BinOp::kOr: return rt::bit_or(a, b);
    case BinOp::kXor: return rt::bit_xor(a, b);
    case BinOp::kShl: return rt::shl(a, b);
    case BinOp::kShrU: return rt::shr_u(a, b);
  }
  return 0;
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
std::int32_t eval_int(const Node& n, Frame& f, EvalState& st);
Value call_fn(const FnIr& fn, Frame& frame, EvalState& st);

// ---- the view guard (view_guard.hpp): these compile to nothing without SLUICE_X07_VIEW_GUARD ----
// The value in frame slot `slot` is moved out or replaced: views of it go stale.
void changed([[maybe_unused]] Value& slot) {
#if SLUICE_X07_VIEW_GUARD
  slot.gen.bump();
#endif
}
// `view` is taken of the bytes in frame slot `slot`.
void borrows_slot([[maybe_unused]] Value& view, [[maybe_unused]] const Value& slot) {
#if SLUICE_X07_VIEW_GUARD
  view.tag = GuardTag::of(slot.gen);
#endif
}
// `view` is derived from `from` (a slice, an unwrap, a view result): it borrows what `from` does.
void borrows_as([[maybe_unused]] Value& view, [[maybe_unused]] const Value& from) {
#if SLUICE_X07_VIEW_GUARD
  view.tag = from.tag;
#endif
}
void borrows_nothing([[maybe_unused]] Value& view) {
#if SLUICE_X07_VIEW_GUARD
  view.tag = GuardTag{};
#endif
}
// A view is used (the borrow checker's "use": passed to a builtin or function, returned, the
// result): its owner must not have changed since it was taken. Copying it into a local is not a
// use, so neither is reading a local.
void check_view([[maybe_unused]] const Value& v, [[maybe_unused]] const Node& at) {
#if SLUICE_X07_VIEW_GUARD
  if (v.tag.stale()) [[unlikely]]
    rt::trap(site(at), kViewGuardTrap);
#endif
}

#define SLUICE_X07_RET \
  if (st.returning) return {}

Value apply_builtin(const Node& n, std::array<Value, 6>& a, EvalState& st) {
  const rt::Site at = site(n);
  // Builtins that change an owned value do it in place and hand it on.
  const auto in_place = [&](auto&& change) {
    change(a[0].buf);
    return std::move(a[0]);
  };
  switch (static_cast<Builtin>(n.sub)) {
    case Builtin::kBytesAlloc: return of_buf(rt::bytes_alloc(at, a[0].i));
    case Builtin::kBytesEmpty: return {};
    case Builtin::kBytesLen:
    case Builtin::kViewLen:
    case Builtin::kVecLen: return of_i32(rt::s32(a[0].view.size));
    case Builtin::kGetU8:
    case Builtin::kVecGet: return of_i32(rt::get_u8(at, a[0].view, a[1].i));
    case Builtin::kBytesSetU8:
    case Builtin::kVecSet: return in_place([&](rt::Buf& b) { rt::set_u8(at, b, a[1].i, a[2].i); });
    case Builtin::kBytesView:
    case Builtin::kVecAsView: return std::move(a[0]);
    case Builtin::kBytesSubview:
    case Builtin::kViewSlice: return of_view(rt::subview(at, a[0].view, a[1].i, a[2].i));
    case Builtin::kBytesSlice: return of_buf(rt::slice(at, a[0].view, a[1].i, a[2].i));
    case Builtin::kBytesConcat: return of_buf(rt::concat(at, a[0].view, a[1].view));
    case Builtin::kEq: return of_i32(rt::bytes_eq(a[0].view, a[1].view));
    case Builtin::kCmpRange: return of_i32(rt::cmp_range(at, a[0].view, a[1].i, a[2].i, a[3].view, a[4].i, a[5].i));
    case Builtin::kViewToBytes: return of_buf(rt::bytes_of(a[0].view));
    case Builtin::kReadU32: return of_i32(rt::read_u32_le(at, a[0].view, a[1].i));
    case Builtin::kWriteU32: return of_buf(rt::write_u32_le(a[0].i));
    case Builtin::kVecWithCap: return of_buf(rt::vec_with_capacity(at, a[0].i));
    case Builtin::kVecCap: return of_i32(rt::vec_cap(a[0].buf));
    case Builtin::kVecClear: return in_place([](rt::Buf& b) { b.clear(); });
    case Builtin::kVecPush: return in_place([&](rt::Buf& b) { rt::vec_push(at, b, a[1].i); });
    case Builtin::kVecReserve: return in_place([&](rt::Buf& b) { rt::vec_reserve_exact(at, b, a[1].i); });
    case Builtin::kVecExtendZeroes: return in_place([&](rt::Buf& b) { rt::vec_extend_zeroes(at, b, a[1].i); });
    case Builtin::kVecExtend: return in_place([&](rt::Buf& b) { rt::vec_extend(at, b, a[1].view); });
    case Builtin::kVecExtendRange:
      return in_place([&](rt::Buf& b) { rt::vec_extend_range(at, b, a[1].view, a[2].i, a[3].i); });
    case Builtin::kVecIntoBytes: return std::move(a[0]);
    case Builtin::kResI32Ok: return of_res({a[0].i, false});
    case Builtin::kResBytesErr:
    case Builtin::kResI32Err: return of_res({a[0].i, true});
    case Builtin::kResBytesOk: return std::move(a[0]);
    case Builtin::kResI32IsOk:
    case Builtin::kResBytesIsOk:
    case Builtin::kOptIsSome: return of_i32(rt::is_ok(a[0]));
    case Builtin::kResI32ErrCode:
    case Builtin::kResBytesErrCode: return of_i32(rt::err_code(a[0]));
    case Builtin::kResI32UnwrapOr:
    case Builtin::kOptI32UnwrapOr: return of_i32(a[0].err ? a[1].i : a[0].i);
    case Builtin::kResBytesUnwrapOr:
    case Builtin::kOptBytesUnwrapOr: return a[0].err ? std::move(a[1]) : std::move(a[0]);
    case Builtin::kScratchTryWrite: return of_res(rt::scratch_try_write(at, st.scratch, a[0].i, a[1].view));
    case Builtin::kScratchLen:
      return of_i32(rt::s32(static_cast<std::uint32_t>(rt::scratch(at, st.scratch, a[0].i).data.size())));
    case Builtin::kScratchCap: return of_i32(rt::s32(rt::scratch(at, st.scratch, a[0].i).cap));
    case Builtin::kScratchClear: rt::scratch(at, st.scratch, a[0].i).data.clear(); return of_i32(0);
    case Builtin::kFmtU32Dec: return of_buf(rt::fmt_u32_dec(a[0].i));
    case Builtin::kFmtS32Dec: return of_buf(rt::fmt_s32_dec(a[0].i));
    case Builtin::kOptNone: return of_res({0, true});
    case Builtin::kOptI32Some: return of_i32(a[0].i);
    case Builtin::kOptBytesSome: return std::move(a[0]);
    case Builtin::kParseU32Dec: return of_i32(rt::parse_u32_dec(a[0].view));
    case Builtin::kResViewOk:
    case Builtin::kOptViewSome: return of_view(a[0].view);
    case Builtin::kResViewErr: return of_res({a[0].i, true});
    case Builtin::kViewUnwrapOr: return of_view(a[0].err ? a[1].view : a[0].view);
    case Builtin::kFindU8: return of_i32(rt::find_u8(a[0].view, a[1].i));
    case Builtin::kFindSub: return of_i32(rt::find_sub(a[0].view, a[1].view));
    case Builtin::kCountU8: return of_i32(rt::count_u8(a[0].view, a[1].i));
    case Builtin::kStartsWith: return of_i32(rt::starts_with(a[0].view, a[1].view));
    case Builtin::kEndsWith: return of_i32(rt::ends_with(a[0].view, a[1].view));
    case Builtin::kStripPrefix: return of_view(rt::strip_prefix(a[0].view, a[1].view));
    case Builtin::kStripSuffix: return of_view(rt::strip_suffix(a[0].view, a[1].view));
    case Builtin::kTrimAscii: return of_view(rt::trim_ascii(a[0].view));
    case Builtin::kTake: return of_buf(rt::bytes_of(rt::take(a[0].view, a[1].i)));
    case Builtin::kDrop: return of_buf(rt::bytes_of(rt::drop(a[0].view, a[1].i)));
    case Builtin::kClampSlice: return of_buf(rt::bytes_of(rt::clamp_slice(a[0].view, a[1].i, a[2].i)));
    case Builtin::kClampSliceView: return of_view(rt::clamp_slice(a[0].view, a[1].i, a[2].i));
    case Builtin::kTestPass: return of_res(rt::test_check(true, 0));
    case Builtin::kTestFail: return of_res(rt::test_check(false, a[0].i));
    case Builtin::kTestAssertI32Eq: return of_res(rt::test_check(a[0].i == a[1].i, a[2].i));
    case Builtin::kTestAssertBytesEq: return of_res(rt::test_check(rt::bytes_eq(a[0].view, a[1].view) != 0, a[2].i));
    case Builtin::kTestAssertTrue: return of_res(rt::test_check(a[0].i != 0, a[1].i));
    case Builtin::kTestCodeTrue: return of_i32(rt::kCodeAssertTrue);
    case Builtin::kTestCodeI32Eq: return of_i32(rt::kCodeAssertI32Eq);
    case Builtin::kTestCodeBytesEq: return of_i32(rt::kCodeAssertBytesEq);
    case Builtin::kNetAddrIpv4: return of_buf(rt::net_addr_ipv4_v1(a[0].i, a[1].i, a[2].i, a[3].i, a[4].i));
    case Builtin::kNetAddrIpv6: return of_buf(rt::net_addr_ipv6_v1(a[0].view, a[1].i));
    case Builtin::kNetAddrDns: return of_buf(rt::net_addr_dns_v1(a[0].view, a[1].i));
    case Builtin::kNetAddrTag: return of_i32(rt::net_addr_tag_v1(a[0].view));
    case Builtin::kNetAddrPort: return of_i32(rt::net_addr_port_v1(a[0].view));
    case Builtin::kNetCaps: return of_buf(rt::net_caps_v1(a[0].i, a[1].i, a[2].i, a[3].i));
    case Builtin::kNetCapsDefault: return of_buf(rt::net_caps_default_v1());
    case Builtin::kNetErrMakeDoc: return of_buf(rt::net_err_make_doc_v1(a[0].i));
    case Builtin::kNetErrIsErrDoc: return of_i32(rt::net_err_is_err_doc_v1(a[0].view));
    case Builtin::kNetErrCode: return of_i32(rt::net_err_code_v1(a[0].view));
    case Builtin::kNetConnect: return of_buf(rt::net_tcp_connect_v1(a[0].view, a[1].view));
    case Builtin::kNetConnectStreamHandle: return of_i32(rt::net_tcp_connect_stream_handle_v1(a[0].view));
    case Builtin::kNetListen: return of_buf(rt::net_tcp_listen_v1(a[0].view, a[1].view));
    case Builtin::kNetListenListenerHandle: return of_i32(rt::net_tcp_listen_listener_handle_v1(a[0].view));
    case Builtin::kNetListenBoundAddr: return of_buf(rt::net_tcp_listen_bound_addr_v1(a[0].view));
    case Builtin::kNetAccept: return of_buf(rt::net_tcp_accept_v1(a[0].i, a[1].view));
    case Builtin::kNetAcceptStreamHandle: return of_i32(rt::net_tcp_accept_stream_handle_v1(a[0].view));
    case Builtin::kNetAcceptPeerAddr: return of_buf(rt::net_tcp_accept_peer_addr_v1(a[0].view));
    case Builtin::kNetStreamRead: return of_buf(rt::net_tcp_stream_read_v1(a[0].i, a[1].i, a[2].view));
    case Builtin::kNetStreamWrite: return of_buf(rt::net_tcp_stream_write_v1(a[0].i, a[1].view, a[2].view));
    case Builtin::kNetWriteAll: return of_buf(rt::net_io_write_all_v1(a[0].i, a[1].view, a[2].view));
    case Builtin::kNetStreamWait: return of_buf(rt::net_tcp_stream_wait_v1(a[0].i, a[1].i, a[2].i));
    case Builtin::kNetStreamShutdown: return of_i32(rt::net_tcp_stream_shutdown_v1(a[0].i, a[1].i));
    case Builtin::kNetStreamClose: return of_i32(rt::net_tcp_stream_close_v1(a[0].i));
    case Builtin::kNetStreamDrop: return of_i32(rt::net_tcp_stream_drop_v1(a[0].i));
    case Builtin::kNetListenerClose: return of_i32(rt::net_tcp_listener_close_v1(a[0].i));
    case Builtin::kNetListenerDrop: return of_i32(rt::net_tcp_listener_drop_v1(a[0].i));
    case Builtin::kDbOpen: return of_buf(rt::db_open_v1(a[0].view, a[1].view));
    case Builtin::kDbSqliteOpen: return of_buf(rt::db_sqlite_open_v1(a[0].view, a[1].i, a[2].view));
    case Builtin::kDbOpenHandle: return of_i32(rt::db_open_handle_v1(a[0].view));
    case Builtin::kDbQuery: return of_buf(rt::db_query_v1(a[0].i, a[1].view, a[2].view, a[3].view));
    case Builtin::kDbExec: return of_buf(rt::db_exec_v1(a[0].i, a[1].view, a[2].view, a[3].view));
    case Builtin::kDbClose: return of_buf(rt::db_close_v1(a[0].i, a[1].view));
    case Builtin::kDbQueryRowsDoc: return of_buf(rt::db_query_rows_doc_v1(a[0].view));
    case Builtin::kDbExecRowsAffected: return of_i32(rt::db_exec_rows_affected_v1(a[0].view));
    case Builtin::kDbRespIsOk: return of_i32(rt::db_resp_is_ok_v1(a[0].view));
    case Builtin::kDbRespErrCode: return of_i32(rt::db_resp_err_code_v1(a[0].view));
    case Builtin::kDbRespErrMsg: return of_buf(rt::db_resp_err_msg_v1(a[0].view));
    case Builtin::kDbRespOkPayload: return of_buf(rt::db_resp_ok_payload_v1(a[0].view));
    case Builtin::kDbCapsDefault: return of_buf(rt::db_caps_default_v1());
    case Builtin::kDbCapsPack: return of_buf(rt::db_caps_pack_v1(a[0].i, a[1].i, a[2].i, a[3].i));
    case Builtin::kDbParamsEmpty: return of_buf(rt::db_params_empty_v1());
    case Builtin::kDbParamsOneNull: return of_buf(rt::db_params_one_null_v1());
    case Builtin::kDbParamsOneBool: return of_buf(rt::db_params_one_bool_v1(a[0].i));
    case Builtin::kDbParamsOneNumberDec: return of_buf(rt::db_params_one_number_dec_v1(a[0].view));
    case Builtin::kDbParamsOneString: return of_buf(rt::db_params_one_string_v1(a[0].view));
    case Builtin::kDmDocIsErr: return of_i32(rt::dm_doc_is_err(a[0].view));
    case Builtin::kDmRootOffset: return of_i32(rt::dm_root_offset(a[0].view));
    case Builtin::kDmRootKind: return of_i32(rt::dm_root_kind(a[0].view));
    case Builtin::kDmKindAt: return of_i32(rt::dm_kind_at(a[0].view, a[1].i));
    case Builtin::kDmMapFind: return of_i32(rt::dm_map_find(a[0].view, a[1].i, a[2].view));
    case Builtin::kDmSeqLen: return of_i32(rt::dm_seq_len(a[0].view, a[1].i));
    case Builtin::kDmMapLen: return of_i32(rt::dm_map_len(a[0].view, a[1].i));
    case Builtin::kDmSeqGet: return of_i32(rt::dm_seq_get(a[0].view, a[1].i, a[2].i));
    case Builtin::kDmMapKeyAt: return of_buf(rt::dm_map_key_at(a[0].view, a[1].i, a[2].i));
    case Builtin::kDmMapValueAt: return of_i32(rt::dm_map_value_at(a[0].view, a[1].i, a[2].i));
    case Builtin::kDmStringGet: return of_buf(rt::dm_string_get(a[0].view, a[1].i));
    case Builtin::kDmNumberGet: return of_buf(rt::dm_number_get(a[0].view, a[1].i));
    case Builtin::kDmBoolGet: return of_i32(rt::dm_bool_get(a[0].view, a[1].i));
    case Builtin::kDmSkipValue: return of_i32(rt::dm_skip_value_x(a[0].view, a[1].i));
    case Builtin::kDmValueNull: return of_buf(rt::dm_value_null());
    case Builtin::kDmValueBool: return of_buf(rt::dm_value_bool(a[0].i));
    case Builtin::kDmValueNumber: return of_buf(rt::dm_value_number(a[0].view));
    case Builtin::kDmValueString: return of_buf(rt::dm_value_string(a[0].view));
    case Builtin::kDmValueSeqFromElems: return of_buf(rt::dm_value_seq_from_elems(a[0].view));
    case Builtin::kDmValueMapFromEntries: return of_buf(rt::dm_value_map_from_entries(a[0].view));
    case Builtin::kDmDocOk: return of_buf(rt::dm_doc_ok(a[0].view));
    case Builtin::kDmDocErrFromCode: return of_buf(rt::dm_doc_err_from_code(a[0].i));
    case Builtin::kDmDocErrFromMsg: return of_buf(rt::dm_doc_err_from_msg(a[0].view));
    case Builtin::kDmDocErrorCode: return of_i32(rt::dm_doc_error_code(a[0].view));
    case Builtin::kDmDocErrorMsg: return of_buf(rt::dm_doc_error_msg(a[0].view));
  }
  return {};
}

Value builtin(const Node& n, Frame& f, EvalState& st) {
  if (static_cast<Builtin>(n.sub) == Builtin::kVecPush) {
    // A byte loop's push, without the six-slot argument array: same order, steps and traps.
    Value v = eval(n.kids[0], f, st);
    SLUICE_X07_RET;
    const std::int32_t x = eval_int(n.kids[1], f, st);
    SLUICE_X07_RET;
    rt::vec_push(site(n), v.buf, x);
    return v;
  }
  std::array<Value, 6> a;
  for (std::size_t i = 0; i < n.kids.size(); ++i) {
    a[i] = eval(n.kids[i], f, st);
    SLUICE_X07_RET;
  }
  // Checked once all are evaluated: a later argument may change what an earlier one borrows.
  for (std::size_t i = 0; i < n.kids.size(); ++i)
    if (holds_view(n.kids[i].ty)) check_view(a[i], n);
  Value r = apply_builtin(n, a, st);
  // A builtin's view is of its first argument (unwrap_or's may be its default).
  if (holds_view(n.ty))
    borrows_as(r, static_cast<Builtin>(n.sub) == Builtin::kViewUnwrapOr && a[0].err ? a[1] : a[0]);
  return r;
}

Value native(const Node& n, Frame& f, EvalState& st) {
  std::array<Value, 2> a;
  for (std::size_t i = 0; i < n.kids.size(); ++i) {
    a[i] = eval(n.kids[i], f, st);
    SLUICE_X07_RET;
  }
  for (std::size_t i = 0; i < n.kids.size(); ++i)
    if (holds_view(n.kids[i].ty)) check_view(a[i], n);
  const auto sig = static_cast<UserFnSig>(n.sub);
  ScratchBuf* scratch = sig == UserFnSig::kMapInPlace ? &rt::scratch(site(n), st.scratch, a[1].i) : nullptr;
  Value r;
  const UserFnIo io = rt::call_native(n.native, n.lit.c_str(), a[0].view, scratch, &r.buf);
  if (sig != UserFnSig::kMap) {
    r.i = io.value;
    r.err = io.is_err;
  }
  return r;
}

// Every node evaluated costs one step of fuel, charged before the node does anything.
inline void charge_step(const Node& n, EvalState& st) {
  if (st.fuel == 0) rt::fuel_out(site(n), st.settings->fuel);
  --st.fuel;
  // A canceled par_map item stops within a few thousand steps, not at the end of its fuel.
  if ((st.fuel & rt::kCancelPollMask) == 0 && st.cancel != nullptr && st.cancel->load(std::memory_order_relaxed))
    rt::canceled();
}

Value eval_node(const Node& n, Frame& f, EvalState& st);

Value eval(const Node& n, Frame& f, EvalState& st) {
  charge_step(n, st);
  return eval_node(n, f, st);
}

// The view a builtin reads from operand `n`: a view local is read without copying its whole
// Value (the same one step of fuel); anything else, and every operand when the view guard needs
// the Value's tag, through eval. Taken before the other operands are evaluated, as eval does.
ByteView eval_view_arg(const Node& n, const Node& at, Frame& f, EvalState& st) {
#if !SLUICE_X07_VIEW_GUARD
  if (n.op == Op::kLocal && !is_owned(n.ty)) {
    charge_step(n, st);
    return f[n.slot].view;
  }
#endif
  const Value v = eval(n, f, st);
  if (holds_view(n.ty)) check_view(v, at);
  return v.view;
}

// Assigns v to i32 local `slot` for the let/set/set0 node `set`; the node's value: v, or 0 for set0.
inline std::int32_t assign_i32(const Node& set, Frame& f, std::uint32_t slot, std::int32_t v) {
  f[slot] = of_i32(v);
  changed(f[slot]);
  return set.op == Op::kSet0 ? 0 : v;
}

// The value of an i32 node without making a Value. Most nodes of a byte loop are i32 (locals,
// constants, arithmetic, comparisons, conditions, lengths, bytes read), and making and dropping a
// Value (a vector among its members) for each was most of the interpreter's time. Same steps
// in the same order as eval_node, so the same fuel, traps and results; what it does not know
// goes to eval_node.
std::int32_t eval_i32(const Node& n, Frame& f, EvalState& st) {
  charge_step(n, st);
  switch (n.op) {
    case Op::kConst: return n.imm;
    case Op::kLocal:  // an i32 local is never owned: reading it moves nothing
    case Op::kLocalPeek: return f[n.slot].i;
    case Op::kBinary: {
      const std::int32_t a = eval_int(n.kids[0], f, st);
      if (st.returning) return 0;
      const std::int32_t b = eval_int(n.kids[1], f, st);
      if (st.returning) return 0;
      return bin(static_cast<BinOp>(n.sub), a, b);
    }
    case Op::kAnd:
    case Op::kOr: {
      const std::int32_t a = eval_int(n.kids[0], f, st);
      if (st.returning) return 0;
      if ((a != 0) == (n.op == Op::kOr)) return n.op == Op::kOr ? 1 : 0;
      const std::int32_t b = eval_int(n.kids[1], f, st);
      if (st.returning) return 0;
      return b != 0;
    }
    case Op::kIf: {
      const std::int32_t c = eval_int(n.kids[0], f, st);
      if (st.returning) return 0;
      return eval_int(n.kids[c != 0 ? 1 : 2], f, st);
    }
    case Op::kBegin: {
      std::int32_t last = 0;
      for (const Node& k : n.kids) {
        last = eval_int(k, f, st);
        if (st.returning) return 0;
      }
      return last;
    }
    case Op::kLet:
    case Op::kSet:
    case Op::kSet0: {
      if (n.kids[0].ty != Ty::kI32) break;
      const std::int32_t v = eval_i32(n.kids[0], f, st);
      if (st.returning) return 0;
      return assign_i32(n, f, n.slot, v);
    }
    case Op::kBuiltin:
      switch (static_cast<Builtin>(n.sub)) {
        case Builtin::kBytesLen:
        case Builtin::kViewLen:
        case Builtin::kVecLen: {
          const ByteView v = eval_view_arg(n.kids[0], n, f, st);
          if (st.returning) return 0;
          return rt::s32(v.size);
        }
        case Builtin::kGetU8:
        case Builtin::kVecGet: {
#if SLUICE_X07_VIEW_GUARD
          break;  // the guard checks the view after the index is evaluated: the general path
#else
          const ByteView v = eval_view_arg(n.kids[0], n, f, st);
          if (st.returning) return 0;
          const std::int32_t i = eval_int(n.kids[1], f, st);
          if (st.returning) return 0;
          return rt::get_u8(site(n), v, i);
#endif
        }
        default: break;
      }
      break;
    default: break;
  }
  return eval_node(n, f, st).i;
}

// An i32 operand, a condition or a statement whose value is dropped: through eval_i32 when the
// node is i32, else through eval.
std::int32_t eval_int(const Node& n, Frame& f, EvalState& st) {
  if (n.ty == Ty::kI32) return eval_i32(n, f, st);
  return eval(n, f, st).i;
}

Value eval_node(const Node& n, Frame& f, EvalState& st) {
  switch (n.op) {
    case Op::kConst: return of_i32(n.imm);
    case Op::kBytesLit:
      if (n.ty == Ty::kBytes) return of_buf(rt::bytes_of(ByteView::of(n.lit)));
      return of_view(ByteView::of(n.lit));
    case Op::kInput: {
      Value r;
      r.view = st.settings->input;
      return r;
    }
    case Op::kLocal:
      if (is_owned(n.ty)) {
        Value r = std::move(f[n.slot]);
        changed(f[n.slot]);
        return r;
      }
      return f[n.slot];  // a stale view may be copied, as the checker allows: only uses are checked
    case Op::kLocalView: {
      Value r = of_view(rt::view_of(f[n.slot].buf));
      borrows_slot(r, f[n.slot]);
      return r;
    }
    case Op::kLocalPeek: {
      Value r;
      r.i = f[n.slot].i;
      r.err = f[n.slot].err;
      return r;
    }
    case Op::kToView: {
      Value v = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      f[n.slot] = std::move(v);
      changed(f[n.slot]);
      Value r = of_view(rt::view_of(f[n.slot].buf));
      borrows_slot(r, f[n.slot]);
      return r;
    }
    case Op::kLet:
    case Op::kSet:
    case Op::kSet0: {
      Value v = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      f[n.slot] = std::move(v);
      changed(f[n.slot]);
      if (n.op == Op::kSet0 || is_owned(n.kids[0].ty)) return of_i32(0);
      return f[n.slot];
    }
    case Op::kBegin: {
      // Only the last value is kept; the statements before it may go the i32 way.
      for (std::size_t i = 0; i + 1 < n.kids.size(); ++i) {
        eval_int(n.kids[i], f, st);
        SLUICE_X07_RET;
      }
      if (n.kids.empty()) return {};
      return eval(n.kids.back(), f, st);
    }
    case Op::kIf: {
      const std::int32_t c = eval_int(n.kids[0], f, st);
      SLUICE_X07_RET;
      return eval(n.kids[c != 0 ? 1 : 2], f, st);
    }
    case Op::kFor: {
      const std::int32_t start = eval_int(n.kids[0], f, st);
      SLUICE_X07_RET;
      f[n.slot] = of_i32(start);
      const std::int32_t end = eval_int(n.kids[1], f, st);  // evaluated once (spec §2.2)
      SLUICE_X07_RET;
      while (rt::u(f[n.slot].i) < rt::u(end)) {  // unsigned bound
        eval_int(n.kids[2], f, st);
        SLUICE_X07_RET;
        f[n.slot].i = rt::add(f[n.slot].i, 1);
      }
      return of_i32(0);
    }
    case Op::kWhile:
      for (;;) {
        const std::int32_t c = eval_int(n.kids[0], f, st);
        SLUICE_X07_RET;
        if (c == 0) return of_i32(0);
        eval_int(n.kids[1], f, st);
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
    case Op::kTryDoc: {
      const Value d = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      check_view(d, n);
      if (rt::doc_is_ok(d.view)) return of_buf(rt::doc_payload(d.view));
      st.ret = of_buf(rt::bytes_of(d.view));
      st.returning = true;
      return {};
    }
    case Op::kBrandCast: {
      Value v = eval(n.kids[0], f, st);
      SLUICE_X07_RET;
      f[n.slot] = std::move(v);
      changed(f[n.slot]);
      const Value check = eval(n.kids[1], f, st);
      SLUICE_X07_RET;
      if (check.err) {
        f[n.slot] = Value{};  // cast_bytes_v1 drops the bytes on err
        changed(f[n.slot]);
        return of_res({check.i, true});
      }
      switch (static_cast<BrandCast>(n.sub)) {
        case BrandCast::kBytes: {
          Value r = std::move(f[n.slot]);
          changed(f[n.slot]);
          return r;
        }
        case BrandCast::kView: {
          Value r = of_view(f[n.slot].view);
          borrows_as(r, f[n.slot]);
          return r;
        }
        case BrandCast::kViewCopy: return of_buf(rt::bytes_of(f[n.slot].view));
      }
      return {};
    }
    case Op::kAnd:
    case Op::kOr: {
      const std::int32_t a = eval_int(n.kids[0], f, st);
      SLUICE_X07_RET;
      if ((a != 0) == (n.op == Op::kOr)) return of_i32(n.op == Op::kOr ? 1 : 0);
      const std::int32_t b = eval_int(n.kids[1], f, st);
      SLUICE_X07_RET;
      return of_i32(b != 0);
    }
    case Op::kBinary: {
      const std::int32_t a = eval_int(n.kids[0], f, st);
      SLUICE_X07_RET;
      const std::int32_t b = eval_int(n.kids[1], f, st);
      SLUICE_X07_RET;
      return of_i32(bin(static_cast<BinOp>(n.sub), a, b));
    }
    case Op::kBuiltin: return builtin(n, f, st);
    case Op::kNative: return native(n, f, st);
    case Op::kCall: {
      if (st.depth >= rt::kMaxCallDepth) rt::call_too_deep(site(n), n.callee->name.c_str());
      FrameLease lease(n.callee->nslots);
      Frame& nf = lease.frame();
      for (std::size_t i = 0; i < n.kids.size(); ++i) {
        Value v = eval(n.kids[i], f, st);
        SLUICE_X07_RET;
        nf[i] = std::move(v);
      }
#if SLUICE_X07_VIEW_GUARD
      // What the view arguments borrow, before the callee may set its params.
      std::vector<Value> lent;
      for (std::size_t i = 0; i < n.kids.size(); ++i)
        if (holds_view(n.kids[i].ty)) {
          check_view(nf[i], n);
          lent.push_back(nf[i]);
        }
#endif
      Value r = call_fn(*n.callee, nf, st);
      // A view the callee returned into one of its own bytes locals: that frame slot is reused
      // by the next call at this depth, so the bytes move out of it (a vector's move keeps its
      // buffer) and live until this stage call ends.
      if (holds_view(n.callee->result) && r.view.size != 0)
        for (Value& slot : nf)
          if (!slot.buf.empty() && r.view.data >= slot.buf.data() && r.view.data < slot.buf.data() + slot.buf.size()) {
            st.kept.push_front(std::move(slot.buf));
            break;
          }
      if (holds_view(n.callee->result)) {
        // A view of an argument's bytes borrows what the argument does; any other (of the
        // callee's own bytes, now kept until the stage call ends; of input; of a literal) nothing.
        borrows_nothing(r);
#if SLUICE_X07_VIEW_GUARD
        for (const Value& a : lent)
          if (r.view.size != 0 && r.view.data >= a.view.data && r.view.data < a.view.data + a.view.size) {
            borrows_as(r, a);
            break;
          }
#endif
      }
      return r;
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
  if (holds_view(fn.result)) check_view(v, fn.body);  // returning a view uses it
  return v;
}

// ---- the compiled form (SLUICE_X07_VIEW_GUARD builds keep the tree walk) ----
// A checked function is compiled once (on its handle's first call) into a tree of CNodes, one
// per node it covers, each with a function pointer chosen for the node's op and operand kinds:
// i32 nodes return int32 directly, a node whose subtree holds no return/try skips the
// `returning` checks, and the byte loop's forms are fused (a binary op on locals and constants,
// get_u8 of a view local, view.len of a local, a let/set of a leaf op or of get_u8, && and || of
// two leaf ops, `(set v (vec_u8.push v x))` in place), and a byte-map loop (byte_map_loop.hpp)
// runs as a lookup in a 256-entry table, as compiled code does, when nothing in it can trap or
// run out. Every other node compiles to a call of eval/eval_int on its subtree, so every program
// still runs.
//
// Fuel: a fused node stands for k nodes and charges the k steps at once only when none of the k
// single steps could run out or poll the cancel flag ((fuel & kCancelPollMask) > k): then each
// step would have done nothing but decrement. Otherwise it runs its subtree through eval_int,
// which charges step by step: the same steps, traps (sites and messages) and cancel polls.
struct CNode;
using CFn = std::int32_t (*)(const CNode&, Frame&, EvalState&);
using CValFn = Value (*)(const CNode&, Frame&, EvalState&);

// A `for` that is a byte-map loop (byte_map_loop.hpp): its table and the slots it works on.
struct ByteMapFor {
  ByteMapLoop loop;
  rt::ByteMap table;
};

// A binary op on two i32 leaves (locals or constants), resolved: what c_andor_leaves reads
// instead of walking the Nodes.
struct LeafBin {
  BinOp op = BinOp::kAdd;
  bool a_local = false, b_local = false;
  std::uint32_t a_slot = 0, b_slot = 0;
  std::int32_t a_imm = 0, b_imm = 0;
};

struct CNode {
  CFn run = nullptr;      // as eval_int would: an i32 operand or a statement
  CValFn runv = nullptr;  // as eval would (value-typed nodes of the body's spine)
  const Node* n = nullptr;
  std::int32_t imm0 = 0, imm1 = 0;
  std::uint32_t s0 = 0, s1 = 0;
  std::uint32_t set_slot = 0;  // the local a fused let/set assigns
  LeafBin lb[2];               // c_andor_leaves's two sides
  std::vector<const CNode*> kids;
  std::unique_ptr<const ByteMapFor> byte_map;  // a for loop run as a table when it can be
};

}  // namespace

struct CompiledFn {
  std::deque<CNode> nodes;
  const CNode* body = nullptr;
};

namespace {

inline bool take(EvalState& st, std::uint64_t k) {
  if ((st.fuel & rt::kCancelPollMask) > k) [[likely]] {
    st.fuel -= k;
    return true;
  }
  return false;
}
// One step, exactly charge_step.
inline void step(const CNode& c, EvalState& st) {
  if (!take(st, 1)) [[unlikely]]
    charge_step(*c.n, st);
}

bool can_return(const Node& n) {
  if (n.op == Op::kReturn || n.op == Op::kTry || n.op == Op::kTryDoc) return true;
  for (const Node& k : n.kids)
    if (can_return(k)) return true;
  return false;
}
bool uses_slot(const Node& n, std::uint32_t slot) {
  const bool slot_op = n.op == Op::kLocal || n.op == Op::kLocalView || n.op == Op::kLocalPeek || n.op == Op::kToView ||
                       n.op == Op::kLet || n.op == Op::kSet || n.op == Op::kSet0 || n.op == Op::kFor ||
                       n.op == Op::kBrandCast;
  if (slot_op && n.slot == slot) return true;
  for (const Node& k : n.kids)
    if (uses_slot(k, slot)) return true;
  return false;
}
bool is_i32_leaf(const Node& n) { return n.ty == Ty::kI32 && (n.op == Op::kConst || n.op == Op::kLocal); }
bool is_view_local(const Node& n) { return n.op == Op::kLocal && !is_owned(n.ty); }
// The value of a LeafBin, without its steps.
inline std::int32_t leaf_bin(const LeafBin& x, const Frame& f) {
  return bin(x.op, x.a_local ? f[x.a_slot].i : x.a_imm, x.b_local ? f[x.b_slot].i : x.b_imm);
}

#define SLUICE_X07_CRET() \
  if (R && st.returning) return 0

std::int32_t c_fallback(const CNode& c, Frame& f, EvalState& st) { return eval_int(*c.n, f, st); }
Value c_fallback_v(const CNode& c, Frame& f, EvalState& st) { return eval(*c.n, f, st); }

std::int32_t c_const(const CNode& c, Frame&, EvalState& st) {
  step(c, st);
  return c.imm0;
}
std::int32_t c_local(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  return f[c.s0].i;
}

// Binary ops on a local or constant each side: three steps at once. SET: the op is the value
// of a let/set/set0 of an i32 local (CNode::set_slot), one step more.
template <BinOp OP, bool AL, bool BL, bool SET>
std::int32_t c_bin_leaf(const CNode& c, Frame& f, EvalState& st) {
  if (!take(st, SET ? 4 : 3)) [[unlikely]]
    return eval_int(*c.n, f, st);
  const std::int32_t a = AL ? f[c.s0].i : c.imm0;
  const std::int32_t b = BL ? f[c.s1].i : c.imm1;
  const std::int32_t v = bin(OP, a, b);
  if constexpr (SET) return assign_i32(*c.n, f, c.set_slot, v);
  return v;
}
// && / || of two binary ops on leaves (a condition such as `c >= 'a' && c <= 'z'`): 4 steps, 7
// when the right side is evaluated.
template <bool OR>
std::int32_t c_andor_leaves(const CNode& c, Frame& f, EvalState& st) {
  if (!take(st, 7)) [[unlikely]]
    return eval_int(*c.n, f, st);
  if ((leaf_bin(c.lb[0], f) != 0) == OR) {
    st.fuel += 3;  // the right side is not evaluated
    return OR ? 1 : 0;
  }
  return leaf_bin(c.lb[1], f) != 0;
}
template <bool R>
std::int32_t c_bin(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  const std::int32_t a = c.kids[0]->run(*c.kids[0], f, st);
  SLUICE_X07_CRET();
  const std::int32_t b = c.kids[1]->run(*c.kids[1], f, st);
  SLUICE_X07_CRET();
  return bin(static_cast<BinOp>(c.n->sub), a, b);
}
template <bool OR, bool R>
std::int32_t c_andor(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  const std::int32_t a = c.kids[0]->run(*c.kids[0], f, st);
  SLUICE_X07_CRET();
  if ((a != 0) == OR) return OR ? 1 : 0;
  const std::int32_t b = c.kids[1]->run(*c.kids[1], f, st);
  SLUICE_X07_CRET();
  return b != 0;
}
template <bool R>
std::int32_t c_if(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  const std::int32_t x = c.kids[0]->run(*c.kids[0], f, st);
  SLUICE_X07_CRET();
  const CNode& k = *c.kids[x != 0 ? 1 : 2];
  return k.run(k, f, st);
}
template <bool R>
std::int32_t c_begin(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  std::int32_t last = 0;
  for (const CNode* k : c.kids) {
    last = k->run(*k, f, st);
    SLUICE_X07_CRET();
  }
  return last;
}
// let/set/set0 of an i32 value.
template <bool R>
std::int32_t c_set_i32(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  const std::int32_t v = c.kids[0]->run(*c.kids[0], f, st);
  SLUICE_X07_CRET();
  return assign_i32(*c.n, f, c.s0, v);
}
// (set v (vec_u8.push v x)) where x neither reads nor writes v nor returns: the push, in place.
// Steps: set, push, the local v (3 at once), then x's.
std::int32_t c_push_in_place(const CNode& c, Frame& f, EvalState& st) {
  if (!take(st, 3)) [[unlikely]]
    return eval_int(*c.n, f, st);
  const std::int32_t x = c.kids[0]->run(*c.kids[0], f, st);
  rt::vec_push(site(c.n->kids[0]), f[c.s0].buf, x);
  return 0;
}
// view.len / bytes.len / vec_u8.len of a local: 2 steps.
std::int32_t c_len_local(const CNode& c, Frame& f, EvalState& st) {
  if (!take(st, 2)) [[unlikely]]
    return eval_int(*c.n, f, st);
  return rt::s32(f[c.s0].view.size);
}
// get_u8 of a view local at an i32 local or constant: 3 steps.
// SET: the value of a let/set/set0 of an i32 local, as c_bin_leaf's.
template <bool IL, bool SET>
std::int32_t c_get_u8_leaf(const CNode& c, Frame& f, EvalState& st) {
  if (!take(st, SET ? 4 : 3)) [[unlikely]]
    return eval_int(*c.n, f, st);
  const Node& get = SET ? c.n->kids[0] : *c.n;
  const std::int32_t v = rt::get_u8(site(get), f[c.s0].view, IL ? f[c.s1].i : c.imm1);
  if constexpr (SET) return assign_i32(*c.n, f, c.set_slot, v);
  return v;
}
// get_u8 of a view local at any index: 2 steps, the view read before the index is evaluated.
template <bool R>
std::int32_t c_get_u8_local(const CNode& c, Frame& f, EvalState& st) {
  if (!take(st, 2)) [[unlikely]]
    return eval_int(*c.n, f, st);
  const ByteView v = f[c.s0].view;
  const std::int32_t i = c.kids[0]->run(*c.kids[0], f, st);
  SLUICE_X07_CRET();
  return rt::get_u8(site(*c.n), v, i);
}
// The whole byte-map loop through its table, when nothing in it can trap or run out (then the
// loop below finds i at the end); the fuel is charged exactly as the iterations would be.
void run_byte_map(const ByteMapFor& m, std::uint32_t i_slot, std::int32_t end, Frame& f, EvalState& st) {
  std::int64_t fuel = static_cast<std::int64_t>(std::min<std::uint64_t>(st.fuel, std::numeric_limits<std::int64_t>::max()));
  const std::int64_t before = fuel;
  std::int32_t c = 0;
  if (!m.table.run(st.cancel, f[m.loop.view_slot].view, f[i_slot].i, end, c, f[m.loop.out_slot].buf, fuel)) return;
  st.fuel -= static_cast<std::uint64_t>(before - fuel);
  f[m.loop.byte_slot] = of_i32(c);
}
template <bool R>
std::int32_t c_for(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  const std::int32_t start = c.kids[0]->run(*c.kids[0], f, st);
  SLUICE_X07_CRET();
  f[c.s0] = of_i32(start);
  const std::int32_t end = c.kids[1]->run(*c.kids[1], f, st);  // evaluated once (spec §2.2)
  SLUICE_X07_CRET();
  if (c.byte_map) run_byte_map(*c.byte_map, c.s0, end, f, st);
  const CNode& body = *c.kids[2];
  const CFn run = body.run;
  while (rt::u(f[c.s0].i) < rt::u(end)) {  // unsigned bound
    run(body, f, st);
    SLUICE_X07_CRET();
    f[c.s0].i = rt::add(f[c.s0].i, 1);
  }
  return 0;
}
template <bool R>
std::int32_t c_while(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  for (;;) {
    const std::int32_t x = c.kids[0]->run(*c.kids[0], f, st);
    SLUICE_X07_CRET();
    if (x == 0) return 0;
    c.kids[1]->run(*c.kids[1], f, st);
    SLUICE_X07_CRET();
  }
}
// A value-typed begin: the statements before the last as eval_int, the last as eval.
template <bool R>
Value c_begin_v(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  for (std::size_t i = 0; i + 1 < c.kids.size(); ++i) {
    c.kids[i]->run(*c.kids[i], f, st);
    if (R && st.returning) return {};
  }
  if (c.kids.empty()) return {};
  return c.kids.back()->runv(*c.kids.back(), f, st);
}
template <bool R>
Value c_if_v(const CNode& c, Frame& f, EvalState& st) {
  step(c, st);
  const std::int32_t x = c.kids[0]->run(*c.kids[0], f, st);
  if (R && st.returning) return {};
  const CNode& k = *c.kids[x != 0 ? 1 : 2];
  return k.runv(k, f, st);
}

template <BinOp OP, bool SET>
CFn bin_leaf_fn(bool al, bool bl) {
  if (al) return bl ? &c_bin_leaf<OP, true, true, SET> : &c_bin_leaf<OP, true, false, SET>;
  return bl ? &c_bin_leaf<OP, false, true, SET> : &c_bin_leaf<OP, false, false, SET>;
}
CFn bin_leaf(BinOp op, bool al, bool bl, bool set) {
  switch (op) {
#define SLUICE_X07_BIN(X) \
  case BinOp::X: return set ? bin_leaf_fn<BinOp::X, true>(al, bl) : bin_leaf_fn<BinOp::X, false>(al, bl);
    SLUICE_X07_BIN(kAdd) SLUICE_X07_BIN(kSub) SLUICE_X07_BIN(kMul) SLUICE_X07_BIN(kDivU) SLUICE_X07_BIN(kRemU)
    SLUICE_X07_BIN(kEq) SLUICE_X07_BIN(kNe) SLUICE_X07_BIN(kLt) SLUICE_X07_BIN(kLe) SLUICE_X07_BIN(kGt)
    SLUICE_X07_BIN(kGe) SLUICE_X07_BIN(kLtU) SLUICE_X07_BIN(kLeU) SLUICE_X07_BIN(kGtU) SLUICE_X07_BIN(kGeU)
    SLUICE_X07_BIN(kAnd) SLUICE_X07_BIN(kOr) SLUICE_X07_BIN(kXor) SLUICE_X07_BIN(kShl) SLUICE_X07_BIN(kShrU)
#undef SLUICE_X07_BIN
  }
  return nullptr;
}

class Compiler {
 public:
  explicit Compiler(CompiledFn& out) : out_(out) {}

  // The node as eval_int runs it.
  const CNode* i32(const Node& n) {
    CNode& c = make(n);
    c.run = &c_fallback;
    const bool r = can_return(n);
    if (n.op == Op::kFor && n.kids.size() == 3) {
      c.s0 = n.slot;
      c.kids = {i32(n.kids[0]), i32(n.kids[1]), i32(n.kids[2])};
      c.run = r ? &c_for<true> : &c_for<false>;
      if (const std::optional<ByteMapLoop> m = match_byte_map_loop(n)) c.byte_map = tabulate(*m);
      return &c;
    }
    if (n.op == Op::kWhile && n.kids.size() == 2) {
      c.kids = {i32(n.kids[0]), i32(n.kids[1])};
      c.run = r ? &c_while<true> : &c_while<false>;
      return &c;
    }
    // (set v (vec_u8.push v x)), whatever the set's own type: eval_int gives 0 for it either way.
    if ((n.op == Op::kSet || n.op == Op::kSet0 || n.op == Op::kLet) && n.kids.size() == 1) {
      const Node& p = n.kids[0];
      if (p.op == Op::kBuiltin && static_cast<Builtin>(p.sub) == Builtin::kVecPush && p.kids.size() == 2 &&
          p.kids[0].op == Op::kLocal && p.kids[0].slot == n.slot && is_owned(p.kids[0].ty) &&
          p.kids[1].ty == Ty::kI32 && !uses_slot(p.kids[1], n.slot) && !can_return(p.kids[1])) {
        c.s0 = n.slot;
        c.kids = {i32(p.kids[1])};
        c.run = &c_push_in_place;
        return &c;
      }
    }
    if (n.ty != Ty::kI32) return &c;  // eval(n).i
    switch (n.op) {
      case Op::kConst:
        c.imm0 = n.imm;
        c.run = &c_const;
        break;
      case Op::kLocal:
      case Op::kLocalPeek:
        c.s0 = n.slot;
        c.run = &c_local;
        break;
      case Op::kBinary: {
        const Node& a = n.kids[0];
        const Node& b = n.kids[1];
        if (is_i32_leaf(a) && is_i32_leaf(b)) {
          c.s0 = a.slot;
          c.imm0 = a.imm;
          c.s1 = b.slot;
          c.imm1 = b.imm;
          c.run = bin_leaf(static_cast<BinOp>(n.sub), a.op == Op::kLocal, b.op == Op::kLocal, false);
        } else {
          c.kids = {i32(a), i32(b)};
          c.run = r ? &c_bin<true> : &c_bin<false>;
        }
        break;
      }
      case Op::kAnd:
      case Op::kOr:
        if (is_leaf_binary(n.kids[0]) && is_leaf_binary(n.kids[1])) {
          for (int k = 0; k < 2; ++k) {
            const Node& b = n.kids[static_cast<std::size_t>(k)];
            c.lb[k] = LeafBin{static_cast<BinOp>(b.sub), b.kids[0].op == Op::kLocal, b.kids[1].op == Op::kLocal,
                              b.kids[0].slot, b.kids[1].slot, b.kids[0].imm, b.kids[1].imm};
          }
          c.run = n.op == Op::kOr ? &c_andor_leaves<true> : &c_andor_leaves<false>;
          break;
        }
        c.kids = {i32(n.kids[0]), i32(n.kids[1])};
        if (n.op == Op::kOr) c.run = r ? &c_andor<true, true> : &c_andor<true, false>;
        else c.run = r ? &c_andor<false, true> : &c_andor<false, false>;
        break;
      case Op::kIf:
        c.kids = {i32(n.kids[0]), i32(n.kids[1]), i32(n.kids[2])};
        c.run = r ? &c_if<true> : &c_if<false>;
        break;
      case Op::kBegin:
        for (const Node& k : n.kids) c.kids.push_back(i32(k));
        c.run = r ? &c_begin<true> : &c_begin<false>;
        break;
      case Op::kLet:
      case Op::kSet:
      case Op::kSet0:
        if (n.kids[0].ty == Ty::kI32) {
          if (set_of_leaves(n, c)) break;
          c.s0 = n.slot;
          c.kids = {i32(n.kids[0])};
          c.run = r ? &c_set_i32<true> : &c_set_i32<false>;
        }
        break;
      case Op::kBuiltin:
        switch (static_cast<Builtin>(n.sub)) {
          case Builtin::kBytesLen:
          case Builtin::kViewLen:
          case Builtin::kVecLen:
            if (is_view_local(n.kids[0])) {
              c.s0 = n.kids[0].slot;
              c.run = &c_len_local;
            }
            break;
          case Builtin::kGetU8:
          case Builtin::kVecGet:
            if (is_view_local(n.kids[0])) {
              const Node& i = n.kids[1];
              c.s0 = n.kids[0].slot;
              if (is_i32_leaf(i)) {
                c.s1 = i.slot;
                c.imm1 = i.imm;
                c.run = i.op == Op::kLocal ? &c_get_u8_leaf<true, false> : &c_get_u8_leaf<false, false>;
              } else {
                c.kids = {i32(i)};
                c.run = r ? &c_get_u8_local<true> : &c_get_u8_local<false>;
              }
            }
            break;
          default: break;
        }
        break;
      default: break;
    }
    return &c;
  }

  // The node as eval runs it.
  const CNode* value(const Node& n) {
    CNode& c = make(n);
    c.runv = &c_fallback_v;
    const bool r = can_return(n);
    if (n.op == Op::kBegin) {
      for (std::size_t i = 0; i < n.kids.size(); ++i)
        c.kids.push_back(i + 1 < n.kids.size() ? i32(n.kids[i]) : value(n.kids[i]));
      c.runv = r ? &c_begin_v<true> : &c_begin_v<false>;
    } else if (n.op == Op::kIf) {
      c.kids = {i32(n.kids[0]), value(n.kids[1]), value(n.kids[2])};
      c.runv = r ? &c_if_v<true> : &c_if_v<false>;
    }
    return &c;
  }

 private:
  static bool is_leaf_binary(const Node& n) {
    return n.op == Op::kBinary && n.ty == Ty::kI32 && is_i32_leaf(n.kids[0]) && is_i32_leaf(n.kids[1]);
  }
  // (let/set/set0 x V) with V a binary op on leaves or get_u8 of a view local at a leaf: one node.
  static bool set_of_leaves(const Node& n, CNode& c) {
    const Node& v = n.kids[0];
    c.set_slot = n.slot;
    if (is_leaf_binary(v)) {
      c.s0 = v.kids[0].slot;
      c.imm0 = v.kids[0].imm;
      c.s1 = v.kids[1].slot;
      c.imm1 = v.kids[1].imm;
      c.run = bin_leaf(static_cast<BinOp>(v.sub), v.kids[0].op == Op::kLocal, v.kids[1].op == Op::kLocal, true);
      return true;
    }
    if (v.op == Op::kBuiltin && (static_cast<Builtin>(v.sub) == Builtin::kGetU8 || static_cast<Builtin>(v.sub) == Builtin::kVecGet) &&
        is_view_local(v.kids[0]) && is_i32_leaf(v.kids[1])) {
      c.s0 = v.kids[0].slot;
      c.s1 = v.kids[1].slot;
      c.imm1 = v.kids[1].imm;
      c.run = v.kids[1].op == Op::kLocal ? &c_get_u8_leaf<true, true> : &c_get_u8_leaf<false, true>;
      return true;
    }
    return false;
  }

  // The table of a byte-map loop: F run by the tree walk for each value of c, its steps counted
  // (F is pure: it reads only c and cannot trap).
  static std::unique_ptr<const ByteMapFor> tabulate(const ByteMapLoop& m) {
    static const EvalSettings settings{};
    Frame frame(m.byte_slot + 1);
    EvalState st;
    st.settings = &settings;
    const rt::ByteMap table([&](std::int32_t c) {
      frame[m.byte_slot] = of_i32(c);
      st.fuel = kDefaultFuel;
      const std::int32_t v = eval_int(*m.value, frame, st);
      return rt::ByteMapEntry{v, m.fixed_steps + static_cast<std::int64_t>(kDefaultFuel - st.fuel)};
    });
    return std::make_unique<const ByteMapFor>(ByteMapFor{m, table});
  }

  CNode& make(const Node& n) {
    CNode& c = out_.nodes.emplace_back();
    c.n = &n;
    return c;
  }
  CompiledFn& out_;
};

#undef SLUICE_X07_CRET

[[maybe_unused]] Value call_compiled(const FnIr& fn, const CompiledFn& cf, Frame& frame, EvalState& st) {
  ++st.depth;
  Value v = cf.body->runv(*cf.body, frame, st);
  --st.depth;
  if (st.returning) {
    st.returning = false;
    v = std::move(st.ret);
    st.ret = Value{};
  }
  if (holds_view(fn.result)) check_view(v, fn.body);  // returning a view uses it
  return v;
}

}  // namespace

CompiledCache::~CompiledCache() { delete p_.load(std::memory_order_relaxed); }

const CompiledFn* CompiledCache::get(const FnIr& fn) const {
  if (const CompiledFn* p = p_.load(std::memory_order_acquire)) return p;
  const std::lock_guard<std::mutex> lock(m_);
  if (const CompiledFn* p = p_.load(std::memory_order_relaxed)) return p;
  auto cf = std::make_unique<CompiledFn>();
  cf->body = Compiler(*cf).value(fn.body);
  const CompiledFn* p = cf.release();
  p_.store(p, std::memory_order_release);
  return p;
}

namespace {

UserFnStatus entry(const void* ctx, UserFnIo& io) {
  const FnHandle& h = *static_cast<const FnHandle*>(ctx);
  FrameLease lease(h.fn->nslots);
  Frame& frame = lease.frame();
  if (h.fn->params.size() > 1 && h.fn->params[1] == Ty::kBytes) {
    // A par_map mapper (ctx: bytes_view, item: bytes): the item arrives as owned bytes.
    frame[0].view = io.mapper_ctx;
    if (io.owned_item != nullptr) frame[1].buf.swap(*io.owned_item);
    else frame[1].buf.assign(io.item.begin(), io.item.end());
  } else {
    frame[0].view = io.item;
    if (h.fn->params.size() > 1) frame[1].i = ScratchBuf::kHandle;
  }
  // The stage's arguments borrow nothing of this call (the frame may hold an earlier call's).
  borrows_nothing(frame[0]);
  if (h.fn->params.size() > 1) borrows_nothing(frame[1]);
  EvalState st;
  st.fuel = h.settings->fuel;
  st.settings = h.settings;
  st.scratch = io.scratch;
  st.cancel = io.cancel;
  UserFnStatus status = UserFnStatus::kOk;
  try {
#if SLUICE_X07_VIEW_GUARD
    Value v = call_fn(*h.fn, frame, st);
#else
    Value v = call_compiled(*h.fn, *h.compiled.get(*h.fn), frame, st);
#endif
    switch (h.fn->result) {
      case Ty::kBytes:
      case Ty::kVec:
        if (io.out) io.out->swap(v.buf);
        break;
      case Ty::kResBytes:
        io.is_err = v.err;
        io.value = v.err ? v.i : 0;
        if (!v.err && io.out) io.out->swap(v.buf);
        break;
      default:
        io.value = v.i;
        io.is_err = v.err;
        break;
    }
  } catch (Trap& t) {
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

const FnHandle* x07_handle_of(const UserFn& fn) {
  return fn.entry == &entry ? static_cast<const FnHandle*>(fn.ctx) : nullptr;
}

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
    if (holds_view(ir.node.ty)) {
      check_view(r.value, ir.node);
      borrows_nothing(r.value);
      r.value.buf.assign(r.value.view.begin(), r.value.view.end());
      r.value.view = rt::view_of(r.value.buf);
    }
  } catch (Trap& t) {
    r.status = t.status;
    r.trap = std::move(t.message);
  } catch (const std::bad_alloc&) {
    r.status = UserFnStatus::kTrap;
    r.trap = "out of memory";
  }
  return r;
}

}  // namespace sluice::x07
