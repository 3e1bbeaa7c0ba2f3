#include "compiler/x07/typecheck.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "compiler/x07/borrow_check.hpp"

namespace sluice::x07 {
namespace {

struct BuiltinSpec {
  std::string_view name;
  Builtin id;
  Ty result;
  std::initializer_list<Ty> params;
  bool ident_first = false;  // the first argument must be an identifier (a borrow of a local)
};

// Spec x07-modules §2.4–§2.8. Views are taken where X07 borrows, so a bytes or vec_u8
// identifier passed there is not moved. The std wrappers of §2.5 that only rename a builtin
// share its id; the ones with a stage signature (std.bytes.len, std.codec.hex_encode_v1, ...)
// are library functions (stdlib/x07/library.cpp) instead, callable from a stage too.
const BuiltinSpec kBuiltins[] = {
    {"bytes.alloc", Builtin::kBytesAlloc, Ty::kBytes, {Ty::kI32}},
    {"bytes.empty", Builtin::kBytesEmpty, Ty::kBytes, {}},
    {"bytes.len", Builtin::kBytesLen, Ty::kI32, {Ty::kView}},
    {"bytes.get_u8", Builtin::kGetU8, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"view.get_u8", Builtin::kGetU8, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"bytes.set_u8", Builtin::kBytesSetU8, Ty::kBytes, {Ty::kBytes, Ty::kI32, Ty::kI32}},
    {"bytes.view", Builtin::kBytesView, Ty::kView, {Ty::kView}, true},
    {"bytes.subview", Builtin::kBytesSubview, Ty::kView, {Ty::kView, Ty::kI32, Ty::kI32}, true},
    {"bytes.slice", Builtin::kBytesSlice, Ty::kBytes, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"bytes.concat", Builtin::kBytesConcat, Ty::kBytes, {Ty::kView, Ty::kView}},
    {"bytes.eq", Builtin::kEq, Ty::kI32, {Ty::kView, Ty::kView}},
    {"view.eq", Builtin::kEq, Ty::kI32, {Ty::kView, Ty::kView}},
    {"bytes.cmp_range", Builtin::kCmpRange, Ty::kI32, {Ty::kView, Ty::kI32, Ty::kI32, Ty::kView, Ty::kI32, Ty::kI32}},
    {"view.cmp_range", Builtin::kCmpRange, Ty::kI32, {Ty::kView, Ty::kI32, Ty::kI32, Ty::kView, Ty::kI32, Ty::kI32}},
    {"view.len", Builtin::kViewLen, Ty::kI32, {Ty::kView}},
    {"view.slice", Builtin::kViewSlice, Ty::kView, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"view.to_bytes", Builtin::kViewToBytes, Ty::kBytes, {Ty::kView}},
    {"codec.read_u32_le", Builtin::kReadU32, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"codec.write_u32_le", Builtin::kWriteU32, Ty::kBytes, {Ty::kI32}},
    {"vec_u8.with_capacity", Builtin::kVecWithCap, Ty::kVec, {Ty::kI32}},
    {"vec_u8.len", Builtin::kVecLen, Ty::kI32, {Ty::kView}},
    {"vec_u8.cap", Builtin::kVecCap, Ty::kI32, {Ty::kVec}},
    {"vec_u8.clear", Builtin::kVecClear, Ty::kVec, {Ty::kVec}},
    {"vec_u8.get", Builtin::kVecGet, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"vec_u8.set", Builtin::kVecSet, Ty::kVec, {Ty::kVec, Ty::kI32, Ty::kI32}},
    {"vec_u8.push", Builtin::kVecPush, Ty::kVec, {Ty::kVec, Ty::kI32}},
    {"vec_u8.reserve_exact", Builtin::kVecReserve, Ty::kVec, {Ty::kVec, Ty::kI32}},
    {"vec_u8.extend_zeroes", Builtin::kVecExtendZeroes, Ty::kVec, {Ty::kVec, Ty::kI32}},
    {"vec_u8.extend_bytes", Builtin::kVecExtend, Ty::kVec, {Ty::kVec, Ty::kView}},
    {"vec_u8.extend_bytes_range", Builtin::kVecExtendRange, Ty::kVec, {Ty::kVec, Ty::kView, Ty::kI32, Ty::kI32}},
    {"vec_u8.into_bytes", Builtin::kVecIntoBytes, Ty::kBytes, {Ty::kVec}},
    {"vec_u8.as_view", Builtin::kVecAsView, Ty::kView, {Ty::kView}, true},
    {"result_i32.ok", Builtin::kResI32Ok, Ty::kResI32, {Ty::kI32}},
    {"result_i32.err", Builtin::kResI32Err, Ty::kResI32, {Ty::kI32}},
    {"result_i32.is_ok", Builtin::kResI32IsOk, Ty::kI32, {Ty::kResI32}},
    {"result_i32.err_code", Builtin::kResI32ErrCode, Ty::kI32, {Ty::kResI32}},
    {"result_i32.unwrap_or", Builtin::kResI32UnwrapOr, Ty::kI32, {Ty::kResI32, Ty::kI32}},
    {"result_bytes.ok", Builtin::kResBytesOk, Ty::kResBytes, {Ty::kBytes}},
    {"result_bytes.err", Builtin::kResBytesErr, Ty::kResBytes, {Ty::kI32}},
    {"result_bytes.is_ok", Builtin::kResBytesIsOk, Ty::kI32, {Ty::kResBytes}},
    {"result_bytes.err_code", Builtin::kResBytesErrCode, Ty::kI32, {Ty::kResBytes}},
    {"result_bytes.unwrap_or", Builtin::kResBytesUnwrapOr, Ty::kBytes, {Ty::kResBytes, Ty::kBytes}},
    {"scratch_u8_fixed_v1.try_write", Builtin::kScratchTryWrite, Ty::kResI32, {Ty::kI32, Ty::kView}},
    {"scratch_u8_fixed_v1.len", Builtin::kScratchLen, Ty::kI32, {Ty::kI32}},
    {"scratch_u8_fixed_v1.cap", Builtin::kScratchCap, Ty::kI32, {Ty::kI32}},
    {"scratch_u8_fixed_v1.clear", Builtin::kScratchClear, Ty::kI32, {Ty::kI32}},
    {"fmt.u32_to_dec", Builtin::kFmtU32Dec, Ty::kBytes, {Ty::kI32}},
    {"fmt.s32_to_dec", Builtin::kFmtS32Dec, Ty::kBytes, {Ty::kI32}},
    {"std.fmt.s32_to_dec", Builtin::kFmtS32Dec, Ty::kBytes, {Ty::kI32}},
    {"std.fmt.u32_to_dec", Builtin::kFmtU32Dec, Ty::kBytes, {Ty::kI32}},
    {"parse.u32_dec", Builtin::kParseU32Dec, Ty::kI32, {Ty::kView}},
    {"std.codec.write_u32_le", Builtin::kWriteU32, Ty::kBytes, {Ty::kI32}},
    // Options: none is represented like an err (Value::err).
    {"option_i32.none", Builtin::kOptNone, Ty::kOptI32, {}},
    {"option_i32.some", Builtin::kOptI32Some, Ty::kOptI32, {Ty::kI32}},
    {"option_i32.is_some", Builtin::kOptIsSome, Ty::kI32, {Ty::kOptI32}},
    {"option_i32.unwrap_or", Builtin::kOptI32UnwrapOr, Ty::kI32, {Ty::kOptI32, Ty::kI32}},
    {"option_bytes.none", Builtin::kOptNone, Ty::kOptBytes, {}},
    {"option_bytes.some", Builtin::kOptBytesSome, Ty::kOptBytes, {Ty::kBytes}},
    {"option_bytes.is_some", Builtin::kOptIsSome, Ty::kI32, {Ty::kOptBytes}},
    {"option_bytes.unwrap_or", Builtin::kOptBytesUnwrapOr, Ty::kBytes, {Ty::kOptBytes, Ty::kBytes}},
    // The view-holding result and option: copied like a view, borrowing what the view borrows.
    {"result_bytes_view.ok", Builtin::kResViewOk, Ty::kResView, {Ty::kView}},
    {"result_bytes_view.err", Builtin::kResViewErr, Ty::kResView, {Ty::kI32}},
    {"result_bytes_view.is_ok", Builtin::kResI32IsOk, Ty::kI32, {Ty::kResView}},
    {"result_bytes_view.err_code", Builtin::kResI32ErrCode, Ty::kI32, {Ty::kResView}},
    {"result_bytes_view.unwrap_or", Builtin::kViewUnwrapOr, Ty::kView, {Ty::kResView, Ty::kView}},
    {"option_bytes_view.none", Builtin::kOptNone, Ty::kOptView, {}},
    {"option_bytes_view.some", Builtin::kOptViewSome, Ty::kOptView, {Ty::kView}},
    {"option_bytes_view.is_some", Builtin::kOptIsSome, Ty::kI32, {Ty::kOptView}},
    {"option_bytes_view.unwrap_or", Builtin::kViewUnwrapOr, Ty::kView, {Ty::kOptView, Ty::kView}},
    // std.brand (§2.8) forms without a validator: brands are static, so at run time these are
    // a borrow and a copy.
    {"std.brand.view_v1", Builtin::kBytesView, Ty::kView, {Ty::kView}, true},
    {"std.brand.to_bytes_preserve_if_full_v1", Builtin::kViewToBytes, Ty::kBytes, {Ty::kView}},
    // std.bytes (§2.5): take, drop and slice clamp instead of trapping.
    {"std.bytes.get_u8", Builtin::kGetU8, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"std.bytes.set_u8", Builtin::kBytesSetU8, Ty::kBytes, {Ty::kBytes, Ty::kI32, Ty::kI32}},
    {"std.bytes.alloc", Builtin::kBytesAlloc, Ty::kBytes, {Ty::kI32}},
    {"std.bytes.eq", Builtin::kEq, Ty::kI32, {Ty::kView, Ty::kView}},
    {"std.bytes.cmp_range", Builtin::kCmpRange, Ty::kI32, {Ty::kView, Ty::kI32, Ty::kI32, Ty::kView, Ty::kI32, Ty::kI32}},
    {"std.bytes.find_u8", Builtin::kFindU8, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"std.bytes.find_sub", Builtin::kFindSub, Ty::kI32, {Ty::kView, Ty::kView}},
    {"std.bytes.count_u8", Builtin::kCountU8, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"std.bytes.starts_with", Builtin::kStartsWith, Ty::kI32, {Ty::kView, Ty::kView}},
    {"std.bytes.ends_with", Builtin::kEndsWith, Ty::kI32, {Ty::kView, Ty::kView}},
    {"std.bytes.strip_prefix_view", Builtin::kStripPrefix, Ty::kView, {Ty::kView, Ty::kView}},
    {"std.bytes.strip_suffix_view", Builtin::kStripSuffix, Ty::kView, {Ty::kView, Ty::kView}},
    {"std.bytes.trim_ascii_view", Builtin::kTrimAscii, Ty::kView, {Ty::kView}},
    {"std.bytes.concat", Builtin::kBytesConcat, Ty::kBytes, {Ty::kView, Ty::kView}},
    {"std.bytes.take", Builtin::kTake, Ty::kBytes, {Ty::kView, Ty::kI32}},
    {"std.bytes.drop", Builtin::kDrop, Ty::kBytes, {Ty::kView, Ty::kI32}},
    {"std.bytes.slice", Builtin::kClampSlice, Ty::kBytes, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"std.view.slice_v1", Builtin::kClampSliceView, Ty::kView, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"std.codec.read_u32_le", Builtin::kReadU32, Ty::kI32, {Ty::kView, Ty::kI32}},
    // std.vec: the vec_u8 builtins under their std names; as_bytes finalizes (into_bytes).
    {"std.vec.with_capacity", Builtin::kVecWithCap, Ty::kVec, {Ty::kI32}},
    {"std.vec.len", Builtin::kVecLen, Ty::kI32, {Ty::kView}},
    {"std.vec.get", Builtin::kVecGet, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"std.vec.push", Builtin::kVecPush, Ty::kVec, {Ty::kVec, Ty::kI32}},
    {"std.vec.reserve_exact", Builtin::kVecReserve, Ty::kVec, {Ty::kVec, Ty::kI32}},
    {"std.vec.extend_bytes", Builtin::kVecExtend, Ty::kVec, {Ty::kVec, Ty::kView}},
    {"std.vec.as_bytes", Builtin::kVecIntoBytes, Ty::kBytes, {Ty::kVec}},
    // std.test: results for test functions, and the codes the asserts fail with.
    {"std.test.pass", Builtin::kTestPass, Ty::kResI32, {}},
    {"std.test.fail", Builtin::kTestFail, Ty::kResI32, {Ty::kI32}},
    {"std.test.assert_i32_eq", Builtin::kTestAssertI32Eq, Ty::kResI32, {Ty::kI32, Ty::kI32, Ty::kI32}},
    {"std.test.assert_bytes_eq", Builtin::kTestAssertBytesEq, Ty::kResI32, {Ty::kView, Ty::kView, Ty::kI32}},
    {"std.test.assert_true", Builtin::kTestAssertTrue, Ty::kResI32, {Ty::kI32, Ty::kI32}},
    {"std.test.code_assert_true", Builtin::kTestCodeTrue, Ty::kI32, {}},
    {"std.test.code_assert_i32_eq", Builtin::kTestCodeI32Eq, Ty::kI32, {}},
    {"std.test.code_assert_bytes_eq", Builtin::kTestCodeBytesEq, Ty::kI32, {}},
    // std.db (x07-modules §3.4): no import needed, OS worlds only at run time.
    {"std.db.open_v1", Builtin::kDbOpen, Ty::kBytes, {Ty::kView, Ty::kView}},
    {"std.db.sqlite.open_v1", Builtin::kDbSqliteOpen, Ty::kBytes, {Ty::kView, Ty::kI32, Ty::kView}},
    {"std.db.open_handle_v1", Builtin::kDbOpenHandle, Ty::kI32, {Ty::kView}},
    {"std.db.query_v1", Builtin::kDbQuery, Ty::kBytes, {Ty::kI32, Ty::kView, Ty::kView, Ty::kView}},
    {"std.db.exec_v1", Builtin::kDbExec, Ty::kBytes, {Ty::kI32, Ty::kView, Ty::kView, Ty::kView}},
    {"std.db.close_v1", Builtin::kDbClose, Ty::kBytes, {Ty::kI32, Ty::kView}},
    {"std.db.query_rows_doc_v1", Builtin::kDbQueryRowsDoc, Ty::kBytes, {Ty::kView}},
    {"std.db.exec_rows_affected_v1", Builtin::kDbExecRowsAffected, Ty::kI32, {Ty::kView}},
    {"std.db.spec.resp_is_ok_v1", Builtin::kDbRespIsOk, Ty::kI32, {Ty::kView}},
    {"std.db.spec.resp_err_code_v1", Builtin::kDbRespErrCode, Ty::kI32, {Ty::kView}},
    {"std.db.spec.resp_err_msg_v1", Builtin::kDbRespErrMsg, Ty::kBytes, {Ty::kView}},
    {"std.db.spec.resp_ok_payload_v1", Builtin::kDbRespOkPayload, Ty::kBytes, {Ty::kView}},
    {"std.db.sqlite.caps_default_v1", Builtin::kDbCapsDefault, Ty::kBytes, {}},
    {"std.db.spec.caps_pack_v1", Builtin::kDbCapsPack, Ty::kBytes, {Ty::kI32, Ty::kI32, Ty::kI32, Ty::kI32}},
    {"std.db.params.empty_v1", Builtin::kDbParamsEmpty, Ty::kBytes, {}},
    {"std.db.params.one_null_v1", Builtin::kDbParamsOneNull, Ty::kBytes, {}},
    {"std.db.params.one_bool_v1", Builtin::kDbParamsOneBool, Ty::kBytes, {Ty::kI32}},
    {"std.db.params.one_number_dec_v1", Builtin::kDbParamsOneNumberDec, Ty::kBytes, {Ty::kView}},
    {"std.db.params.one_string_v1", Builtin::kDbParamsOneString, Ty::kBytes, {Ty::kView}},
    // std.net (x07-modules §5): no import needed, OS worlds only at run time.
    {"std.net.codec.addr_ipv4_v1", Builtin::kNetAddrIpv4, Ty::kBytes, {Ty::kI32, Ty::kI32, Ty::kI32, Ty::kI32, Ty::kI32}},
    {"std.net.codec.addr_ipv6_v1", Builtin::kNetAddrIpv6, Ty::kBytes, {Ty::kView, Ty::kI32}},
    {"std.net.codec.addr_dns_v1", Builtin::kNetAddrDns, Ty::kBytes, {Ty::kView, Ty::kI32}},
    {"std.net.codec.addr_tag_v1", Builtin::kNetAddrTag, Ty::kI32, {Ty::kView}},
    {"std.net.codec.addr_port_v1", Builtin::kNetAddrPort, Ty::kI32, {Ty::kView}},
    {"std.net.codec.caps_v1", Builtin::kNetCaps, Ty::kBytes, {Ty::kI32, Ty::kI32, Ty::kI32, Ty::kI32}},
    {"std.net.codec.caps_default_v1", Builtin::kNetCapsDefault, Ty::kBytes, {}},
    {"std.net.err.make_doc_v1", Builtin::kNetErrMakeDoc, Ty::kBytes, {Ty::kI32}},
    {"std.net.err.is_err_doc_v1", Builtin::kNetErrIsErrDoc, Ty::kI32, {Ty::kView}},
    {"std.net.err.err_code_v1", Builtin::kNetErrCode, Ty::kI32, {Ty::kView}},
    {"std.net.tcp.connect_v1", Builtin::kNetConnect, Ty::kBytes, {Ty::kView, Ty::kView}},
    {"std.net.tcp.connect_stream_handle_v1", Builtin::kNetConnectStreamHandle, Ty::kI32, {Ty::kView}},
    {"std.net.tcp.listen_v1", Builtin::kNetListen, Ty::kBytes, {Ty::kView, Ty::kView}},
    {"std.net.tcp.listen_listener_handle_v1", Builtin::kNetListenListenerHandle, Ty::kI32, {Ty::kView}},
    {"std.net.tcp.listen_bound_addr_v1", Builtin::kNetListenBoundAddr, Ty::kBytes, {Ty::kView}},
    {"std.net.tcp.accept_v1", Builtin::kNetAccept, Ty::kBytes, {Ty::kI32, Ty::kView}},
    {"std.net.tcp.accept_stream_handle_v1", Builtin::kNetAcceptStreamHandle, Ty::kI32, {Ty::kView}},
    {"std.net.tcp.accept_peer_addr_v1", Builtin::kNetAcceptPeerAddr, Ty::kBytes, {Ty::kView}},
    {"std.net.tcp.stream_read_v1", Builtin::kNetStreamRead, Ty::kBytes, {Ty::kI32, Ty::kI32, Ty::kView}},
    {"std.net.tcp.stream_write_v1", Builtin::kNetStreamWrite, Ty::kBytes, {Ty::kI32, Ty::kView, Ty::kView}},
    {"std.net.io.write_all_v1", Builtin::kNetWriteAll, Ty::kBytes, {Ty::kI32, Ty::kView, Ty::kView}},
    {"std.net.tcp.stream_wait_v1", Builtin::kNetStreamWait, Ty::kBytes, {Ty::kI32, Ty::kI32, Ty::kI32}},
    {"std.net.tcp.stream_shutdown_v1", Builtin::kNetStreamShutdown, Ty::kI32, {Ty::kI32, Ty::kI32}},
    {"std.net.tcp.stream_close_v1", Builtin::kNetStreamClose, Ty::kI32, {Ty::kI32}},
    {"std.net.tcp.stream_drop_v1", Builtin::kNetStreamDrop, Ty::kI32, {Ty::kI32}},
    {"std.net.tcp.listener_close_v1", Builtin::kNetListenerClose, Ty::kI32, {Ty::kI32}},
    {"std.net.tcp.listener_drop_v1", Builtin::kNetListenerDrop, Ty::kI32, {Ty::kI32}},
    // ext.data_model (x07-modules §3.2): DataModel readers and builders; pure, import optional.
    {"ext.data_model.doc_is_err", Builtin::kDmDocIsErr, Ty::kI32, {Ty::kView}},
    {"ext.data_model.root_offset", Builtin::kDmRootOffset, Ty::kI32, {Ty::kView}},
    {"ext.data_model.root_kind", Builtin::kDmRootKind, Ty::kI32, {Ty::kView}},
    {"ext.data_model.kind_at", Builtin::kDmKindAt, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"ext.data_model.map_find", Builtin::kDmMapFind, Ty::kI32, {Ty::kView, Ty::kI32, Ty::kView}},
    {"ext.data_model.seq_len", Builtin::kDmSeqLen, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"ext.data_model.map_len", Builtin::kDmMapLen, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"ext.data_model.seq_get", Builtin::kDmSeqGet, Ty::kI32, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"ext.data_model.map_key_at", Builtin::kDmMapKeyAt, Ty::kBytes, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"ext.data_model.map_value_at", Builtin::kDmMapValueAt, Ty::kI32, {Ty::kView, Ty::kI32, Ty::kI32}},
    {"ext.data_model.string_get", Builtin::kDmStringGet, Ty::kBytes, {Ty::kView, Ty::kI32}},
    {"ext.data_model.number_get", Builtin::kDmNumberGet, Ty::kBytes, {Ty::kView, Ty::kI32}},
    {"ext.data_model.bool_get", Builtin::kDmBoolGet, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"ext.data_model.skip_value", Builtin::kDmSkipValue, Ty::kI32, {Ty::kView, Ty::kI32}},
    {"ext.data_model.value_null", Builtin::kDmValueNull, Ty::kBytes, {}},
    {"ext.data_model.value_bool", Builtin::kDmValueBool, Ty::kBytes, {Ty::kI32}},
    {"ext.data_model.value_number", Builtin::kDmValueNumber, Ty::kBytes, {Ty::kView}},
    {"ext.data_model.value_string", Builtin::kDmValueString, Ty::kBytes, {Ty::kView}},
    {"ext.data_model.value_seq_from_elems", Builtin::kDmValueSeqFromElems, Ty::kBytes, {Ty::kView}},
    {"ext.data_model.value_map_from_entries", Builtin::kDmValueMapFromEntries, Ty::kBytes, {Ty::kView}},
    {"ext.data_model.doc_ok", Builtin::kDmDocOk, Ty::kBytes, {Ty::kView}},
    {"ext.data_model.doc_err_from_code", Builtin::kDmDocErrFromCode, Ty::kBytes, {Ty::kI32}},
    {"ext.data_model.doc_err_from_msg", Builtin::kDmDocErrFromMsg, Ty::kBytes, {Ty::kView}},
    {"ext.data_model.doc_error_code", Builtin::kDmDocErrorCode, Ty::kI32, {Ty::kView}},
    {"ext.data_model.doc_error_msg", Builtin::kDmDocErrorMsg, Ty::kBytes, {Ty::kView}},
};

}  // namespace

bool is_run_time_builtin(Builtin b) {
  switch (b) {
    case Builtin::kDbOpen:
    case Builtin::kDbSqliteOpen:
    case Builtin::kDbQuery:
    case Builtin::kDbExec:
    case Builtin::kDbClose:
    case Builtin::kNetConnect:
    case Builtin::kNetListen:
    case Builtin::kNetAccept:
    case Builtin::kNetStreamRead:
    case Builtin::kNetStreamWrite:
    case Builtin::kNetWriteAll:
    case Builtin::kNetStreamWait:
    case Builtin::kNetStreamShutdown:
    case Builtin::kNetStreamClose:
    case Builtin::kNetStreamDrop:
    case Builtin::kNetListenerClose:
    case Builtin::kNetListenerDrop:
      return true;
    default: return false;
  }
}

namespace {

const BuiltinSpec* find_builtin(std::string_view name) {
  for (const BuiltinSpec& b : kBuiltins)
    if (b.name == name) return &b;
  return nullptr;
}

struct BinSpec {
  std::string_view name;
  BinOp op;
};
constexpr std::array<BinSpec, 20> kBinOps{{
    {"+", BinOp::kAdd},   {"-", BinOp::kSub},    {"*", BinOp::kMul},   {"/", BinOp::kDivU},
    {"%", BinOp::kRemU},  {"=", BinOp::kEq},     {"!=", BinOp::kNe},   {"<", BinOp::kLt},
    {"<=", BinOp::kLe},   {">", BinOp::kGt},     {">=", BinOp::kGe},   {"<u", BinOp::kLtU},
    {"<=u", BinOp::kLeU}, {">u", BinOp::kGtU},   {">=u", BinOp::kGeU}, {"&", BinOp::kAnd},
    {"|", BinOp::kOr},    {"^", BinOp::kXor},    {"<<u", BinOp::kShl}, {">>u", BinOp::kShrU},
}};

class Checker {
 public:
  Checker(const CheckEnv& env, bool in_fn, Ty result) : env_(env), in_fn_(in_fn), result_(result) {}

  void add_local(const std::string& name, Ty ty) {
    if (scopes_.empty()) scopes_.emplace_back();
    scopes_.back().push_back({name, Local{nslots_++, ty}});
    moved_.resize(nslots_, false);
  }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] std::uint32_t nslots() const { return nslots_; }

  Node want(const JsonNode& x, const std::string& p, Ty t) { return coerce(expr(x, p), t, x, p); }

  Node expr(const JsonNode& x, const std::string& p) {
    Node n;
    n.src = &x;
    switch (x.kind) {
      case JsonKind::kInteger:
        if (!x.fits_i64 || x.i64 < INT32_MIN || x.i64 > INT32_MAX) {
          err(DiagId::kX07Type, x, p, "integer literal " + x.text + " does not fit in i32");
          return poison(x);
        }
        n.op = Op::kConst;
        n.imm = static_cast<std::int32_t>(x.i64);
        return n;
      case JsonKind::kString: return ident(x, p);
      case JsonKind::kArray: break;
      default:
        err(DiagId::kX07Type, x, p, "an x07 expression is an integer, an identifier or a list, found " + describe_json(x));
        return poison(x);
    }
    if (x.items.empty() || !x.items[0].is_string()) {
      err(DiagId::kX07Type, x, p, "a form starts with its head identifier, found " +
                                      (x.items.empty() ? std::string("an empty list") : describe_json(x.items[0])));
      return poison(x);
    }
    const std::string& h = x.items[0].text;
    const std::size_t argc = x.items.size() - 1;
    const auto arg_p = [&](std::size_t i) { return json_pointer_append(p, i + 1); };
    const auto arity = [&](std::size_t want_n, std::string_view shape) {
      if (argc == want_n) return true;
      err(DiagId::kX07Arity, x, p, h + " takes " + std::to_string(want_n) + " argument" + (want_n == 1 ? "" : "s") +
                                       " (" + std::string(shape) + "), found " + std::to_string(argc));
      return false;
    };
    if (h == "begin") {
      if (argc == 0) {
        err(DiagId::kX07Arity, x, p, "begin takes at least one expression");
        return poison(x);
      }
      n.op = Op::kBegin;
      scopes_.emplace_back();
      for (std::size_t i = 0; i < argc; ++i) n.kids.push_back(expr(x.items[i + 1], arg_p(i)));
      scopes_.pop_back();
      n.ty = n.kids.back().ty;
      return n;
    }
    if (h == "let" || h == "set" || h == "set0") {
      if (!arity(2, "name, value")) return poison(x);
      const JsonNode& name = x.items[1];
      if (!name.is_string()) {
        err(DiagId::kX07Type, name, arg_p(0), h + " names a local with an identifier, found " + describe_json(name));
        return poison(x);
      }
      if (h == "let") {
        if (name.text == "input") {
          err(DiagId::kX07Type, name, arg_p(0), "input is reserved and cannot be rebound");
          return poison(x);
        }
        for (const auto& [nm, l] : scopes_.empty() ? Scope{} : scopes_.back())
          if (nm == name.text) {
            err(DiagId::kX07Type, name, arg_p(0), "let rebinds " + json_quote(name.text) + " in the same scope; use set, or a new begin scope");
            return poison(x);
          }
        Node v = expr(x.items[2], arg_p(1));
        const Ty ty = v.ty == Ty::kNever ? Ty::kI32 : v.ty;
        n.op = Op::kLet;
        n.kids.push_back(std::move(v));
        add_local(name.text, ty);
        n.slot = nslots_ - 1;
        n.ty = is_owned(ty) ? Ty::kI32 : ty;
        return n;
      }
      const auto l = lookup(name.text);
      if (!l) {
        err(DiagId::kX07UnknownName, name, arg_p(0), h + " of an unknown local " + json_quote(name.text));
        return poison(x);
      }
      n.op = h == "set" ? Op::kSet : Op::kSet0;
      n.slot = l->slot;
      n.kids.push_back(want(x.items[2], arg_p(1), l->ty));
      moved_[l->slot] = false;  // assigned again
      n.ty = h == "set0" || is_owned(l->ty) ? Ty::kI32 : l->ty;
      return n;
    }
    if (h == "if") {
      if (!arity(3, "condition, then, else")) return poison(x);
      n.op = Op::kIf;
      n.kids.push_back(want(x.items[1], arg_p(0), Ty::kI32));
      const std::vector<bool> before = moved_;
      scopes_.emplace_back();
      n.kids.push_back(expr(x.items[2], arg_p(1)));
      std::vector<bool> after_then = moved_;
      moved_ = before;
      moved_.resize(after_then.size(), false);
      scopes_.back().clear();
      n.kids.push_back(expr(x.items[3], arg_p(2)));
      scopes_.pop_back();
      // A value moved on either path is moved after the if; a branch that returns does not count.
      after_then.resize(moved_.size(), false);
      for (std::size_t i = 0; i < moved_.size(); ++i) {
        if (n.kids[1].ty == Ty::kNever) break;
        moved_[i] = n.kids[2].ty == Ty::kNever ? after_then[i] : (moved_[i] || after_then[i]);
      }
      const Ty a = n.kids[1].ty, b = n.kids[2].ty;
      if (a == Ty::kNever) n.ty = b;
      else if (b == Ty::kNever || a == b) n.ty = a;
      else {
        err(DiagId::kX07Type, x, p, "the branches of if have different types: " + std::string(ty_name(a)) + " and " + std::string(ty_name(b)));
        return poison(x);
      }
      return n;
    }
    if (h == "for") {
      if (!arity(4, "var, start, end, body")) return poison(x);
      const JsonNode& var = x.items[1];
      if (!var.is_string()) {
        err(DiagId::kX07Type, var, arg_p(0), "for names its loop variable with an identifier, found " + describe_json(var));
        return poison(x);
      }
      n.op = Op::kFor;
      n.kids.push_back(want(x.items[2], arg_p(1), Ty::kI32));
      // An existing i32 binding of that name is reused (spec §2.2); otherwise it is declared here.
      const auto l = lookup(var.text);
      if (l && l->ty == Ty::kI32) {
        n.slot = l->slot;
      } else {
        add_local(var.text, Ty::kI32);
        n.slot = nslots_ - 1;
      }
      n.kids.push_back(want(x.items[3], arg_p(2), Ty::kI32));
      const std::uint32_t outer = nslots_;
      const std::vector<bool> moved_before = moved_;
      scopes_.emplace_back();
      n.kids.push_back(expr(x.items[4], arg_p(3)));
      scopes_.pop_back();
      check_loop_moves(outer, moved_before, x.items[4], arg_p(3));
      n.ty = Ty::kI32;
      return n;
    }
    if (h == "while") {
      if (!arity(2, "condition, body")) return poison(x);
      n.op = Op::kWhile;
      n.kids.push_back(want(x.items[1], arg_p(0), Ty::kI32));
      const std::uint32_t outer = nslots_;
      const std::vector<bool> moved_before = moved_;
      scopes_.emplace_back();
      n.kids.push_back(expr(x.items[2], arg_p(1)));
      scopes_.pop_back();
      check_loop_moves(outer, moved_before, x.items[2], arg_p(1));
      n.ty = Ty::kI32;
      return n;
    }
    if (h == "return") {
      if (!arity(1, "value")) return poison(x);
      if (!in_fn_) {
        err(DiagId::kX07Type, x, p, "return is only allowed in a function body");
        return poison(x);
      }
      n.op = Op::kReturn;
      n.kids.push_back(want(x.items[1], arg_p(0), result_));
      n.ty = Ty::kNever;
      return n;
    }
    if (h == "try") {
      if (!arity(1, "result")) return poison(x);
      Node r = expr(x.items[1], arg_p(0));
      if (r.ty != Ty::kResI32 && r.ty != Ty::kResBytes && r.ty != Ty::kResView) {
        if (r.ty != Ty::kNever)
          err(DiagId::kX07Type, x.items[1], arg_p(0),
              "try takes a result_i32, result_bytes or result_bytes_view, found " + std::string(ty_name(r.ty)));
        return poison(x);
      }
      if (!in_fn_ || (result_ != Ty::kResI32 && result_ != Ty::kResBytes && result_ != Ty::kResView)) {
        err(DiagId::kX07Type, x, p, "try is only allowed in a function returning result_i32, result_bytes or result_bytes_view");
        return poison(x);
      }
      n.op = Op::kTry;
      n.ty = r.ty == Ty::kResI32 ? Ty::kI32 : r.ty == Ty::kResBytes ? Ty::kBytes : Ty::kView;
      n.kids.push_back(std::move(r));
      return n;
    }
    if (h == "try_doc") {
      // A doc envelope (tag 1 + payload, else an error doc): the payload, or the doc returned.
      if (!arity(1, "doc")) return poison(x);
      if (!in_fn_ || result_ != Ty::kBytes) {
        err(DiagId::kX07Type, x, p, "try_doc is only allowed in a function returning bytes (a doc envelope)");
        return poison(x);
      }
      n.op = Op::kTryDoc;
      n.ty = Ty::kBytes;
      n.kids.push_back(want(x.items[1], arg_p(0), Ty::kView));
      return n;
    }
    if (h == "std.brand.cast_bytes_v1" || h == "std.brand.cast_view_v1" || h == "std.brand.cast_view_copy_v1")
      return brand_cast(x, p, h);
    if (h == "std.brand.assume_bytes_v1" || h == "std.brand.erase_bytes_v1" || h == "std.brand.erase_view_v1") {
      // Brands have no run-time representation: the value itself.
      const bool assume = h == "std.brand.assume_bytes_v1";
      if (!arity(assume ? 2 : 1, assume ? "brand, bytes" : "value")) return poison(x);
      if (assume && !brand_atom(x.items[1], arg_p(0), h)) return poison(x);
      return want(x.items[assume ? 2 : 1], arg_p(assume ? 1 : 0), h == "std.brand.erase_view_v1" ? Ty::kView : Ty::kBytes);
    }
    if (h == "&&" || h == "||") {
      if (!arity(2, "i32, i32")) return poison(x);
      n.op = h == "&&" ? Op::kAnd : Op::kOr;
      n.kids.push_back(want(x.items[1], arg_p(0), Ty::kI32));
      n.kids.push_back(want(x.items[2], arg_p(1), Ty::kI32));
      return n;
    }
    for (const BinSpec& b : kBinOps) {
      if (b.name != h) continue;
      if (!arity(2, "i32, i32")) return poison(x);
      if ((b.op == BinOp::kLtU || b.op == BinOp::kGeU) && x.items[2].is_integer() && x.items[2].i64 == 0) {
        err(DiagId::kX07Type, x, p, "(" + h + " x 0) is always " + (b.op == BinOp::kLtU ? "false" : "true") +
                                        "; X07 rejects it as a likely mistake");
        return poison(x);
      }
      n.op = Op::kBinary;
      n.sub = static_cast<std::uint8_t>(b.op);
      n.kids.push_back(want(x.items[1], arg_p(0), Ty::kI32));
      n.kids.push_back(want(x.items[2], arg_p(1), Ty::kI32));
      return n;
    }
    if (h == "bytes.lit" || h == "bytes.view_lit") {
      if (!arity(1, "text")) return poison(x);
      if (!x.items[1].is_string()) {
        err(DiagId::kX07Type, x.items[1], arg_p(0), h + " takes a string, found " + describe_json(x.items[1]));
        return poison(x);
      }
      n.op = Op::kBytesLit;
      n.lit = x.items[1].text;
      n.ty = h == "bytes.lit" ? Ty::kBytes : Ty::kView;
      return n;
    }
    if (h == "i32.lit") {
      if (!arity(1, "integer")) return poison(x);
      if (!x.items[1].is_integer()) {
        err(DiagId::kX07Type, x.items[1], arg_p(0), "i32.lit takes an integer literal, found " + describe_json(x.items[1]));
        return poison(x);
      }
      return expr(x.items[1], arg_p(0));
    }
    if (const BuiltinSpec* b = find_builtin(h)) {
      if (!arity(b->params.size(), "see docs/expressions.md")) return poison(x);
      n.op = Op::kBuiltin;
      n.sub = static_cast<std::uint8_t>(b->id);
      n.ty = b->result;
      std::size_t i = 0;
      for (const Ty t : b->params) {
        const JsonNode& a = x.items[i + 1];
        if (i == 0 && b->ident_first) {
          const auto l = a.is_string() ? lookup(a.text) : std::nullopt;
          if (!l || (l->ty != Ty::kBytes && l->ty != Ty::kVec)) {
            err(DiagId::kX07Type, a, arg_p(i), h + " takes the name of a bytes or vec_u8 local (a borrow; temporaries are rejected), found " + describe_json(a));
            return poison(x);
          }
        }
        Node k = want(a, arg_p(i), t);
        // The inspecting builtins only read a local's flag and code: no move, and no use of the
        // view a result_bytes_view or option_bytes_view holds.
        const bool inspects = b->id == Builtin::kResBytesIsOk || b->id == Builtin::kResBytesErrCode ||
                              b->id == Builtin::kOptIsSome ||
                              ((b->id == Builtin::kResI32IsOk || b->id == Builtin::kResI32ErrCode) && k.ty == Ty::kResView);
        if (inspects && k.op == Op::kLocal) {
          k.op = Op::kLocalPeek;
          moved_[k.slot] = false;
        }
        n.kids.push_back(std::move(k));
        ++i;
      }
      return n;
    }
    if (!env_.resolve) {
      err(DiagId::kX07UnknownName, x.items[0], json_pointer_append(p, 0), "unknown function " + json_quote(h));
      return poison(x);
    }
    const auto callee = env_.resolve(h, x.items[0], json_pointer_append(p, 0));
    if (!callee) {
      failed_ = true;
      return poison(x);
    }
    std::vector<Ty> params;
    if (callee->fn) {
      params = callee->fn->params;
      n.op = Op::kCall;
      n.callee = callee->fn;
      n.ty = callee->fn->result;
    } else {
      params = sig_params(callee->sig);
      n.op = Op::kNative;
      n.native = callee->native;
      n.sub = static_cast<std::uint8_t>(callee->sig);
      n.ty = sig_result(callee->sig);
      n.lit = callee->native_name;
    }
    if (!arity(params.size(), "the function's params")) return poison(x);
    for (std::size_t i = 0; i < params.size(); ++i) n.kids.push_back(want(x.items[i + 1], arg_p(i), params[i]));
    return n;
  }

 private:
  bool brand_atom(const JsonNode& a, const std::string& p, const std::string& h) {
    if (a.is_string() && !a.text.empty()) return true;
    err(DiagId::kX07Type, a, p, h + " names its brand with a bare symbol, found " + describe_json(a));
    return false;
  }

  // ["std.brand.cast_*", B, V, value]: V (a (bytes_view) -> result_i32 function) runs on the
  // value, kept in a hidden slot; ok gives the value (a copy for cast_view_copy_v1), err V's code.
  Node brand_cast(const JsonNode& x, const std::string& p, const std::string& h) {
    const auto arg_p = [&](std::size_t i) { return json_pointer_append(p, i + 1); };
    if (x.items.size() != 4) {
      err(DiagId::kX07Arity, x, p, h + " takes 3 arguments (brand, validator, value), found " + std::to_string(x.items.size() - 1));
      return poison(x);
    }
    if (!brand_atom(x.items[1], arg_p(0), h)) return poison(x);
    const JsonNode& v = x.items[2];
    if (!v.is_string()) {
      err(DiagId::kX07Type, v, arg_p(1), h + " names its validator with a bare symbol, found " + describe_json(v));
      return poison(x);
    }
    if (!env_.resolve) {
      err(DiagId::kX07UnknownName, v, arg_p(1), "unknown function " + json_quote(v.text));
      return poison(x);
    }
    const auto callee = env_.resolve(v.text, v, arg_p(1));
    if (!callee) {
      failed_ = true;
      return poison(x);
    }
    const bool fits = callee->fn ? callee->fn->params == std::vector<Ty>{Ty::kView} && callee->fn->result == Ty::kResI32
                                 : callee->sig == UserFnSig::kValidator;
    if (!fits) {
      err(DiagId::kX07Type, v, arg_p(1), "the validator of " + h + " must be (bytes_view) -> result_i32: " + json_quote(v.text) + " is not");
      return poison(x);
    }
    const BrandCast kind = h == "std.brand.cast_bytes_v1" ? BrandCast::kBytes
                           : h == "std.brand.cast_view_v1" ? BrandCast::kView
                                                           : BrandCast::kViewCopy;
    Node n;
    n.src = &x;
    n.op = Op::kBrandCast;
    n.sub = static_cast<std::uint8_t>(kind);
    n.ty = kind == BrandCast::kView ? Ty::kResView : Ty::kResBytes;
    n.slot = nslots_++;
    n.kids.push_back(want(x.items[3], arg_p(2), kind == BrandCast::kBytes ? Ty::kBytes : Ty::kView));
    // The validator's argument: a view of the hidden slot (a borrow of it when it owns the bytes).
    Node arg;
    arg.src = &x.items[3];
    arg.op = kind == BrandCast::kBytes ? Op::kLocalView : Op::kLocal;
    arg.ty = Ty::kView;
    arg.slot = n.slot;
    Node call;
    call.src = &v;
    if (callee->fn) {
      call.op = Op::kCall;
      call.callee = callee->fn;
      call.ty = callee->fn->result;
    } else {
      call.op = Op::kNative;
      call.native = callee->native;
      call.sub = static_cast<std::uint8_t>(callee->sig);
      call.ty = Ty::kResI32;
      call.lit = callee->native_name;
    }
    call.kids.push_back(std::move(arg));
    n.kids.push_back(std::move(call));
    return n;
  }

  struct Local {
    std::uint32_t slot;
    Ty ty;
  };
  using Scope = std::vector<std::pair<std::string, Local>>;

  const CheckEnv& env_;
  bool in_fn_;
  Ty result_;
  std::vector<Scope> scopes_;
  std::uint32_t nslots_ = 0;
  bool failed_ = false;
  std::vector<bool> moved_;  // per slot: an owned local whose value has been moved away

  // A loop body that moves a value declared outside it without setting it again would move it
  // twice on the next iteration. A value moved before the loop is not the body's doing (reading
  // it in the body is reported as a use after move).
  void check_loop_moves(std::uint32_t outer, const std::vector<bool>& moved_before, const JsonNode& body,
                        const std::string& p) {
    for (const Scope& sc : scopes_)
      for (const auto& [name, l] : sc)
        if (l.slot < outer && moved_[l.slot] && !(l.slot < moved_before.size() && moved_before[l.slot])) {
          err(DiagId::kX07Moved, body, p, "the loop body moves " + json_quote(name) + " and does not set it again");
          moved_[l.slot] = false;  // reported once
        }
  }

  void err(DiagId id, const JsonNode& at, const std::string& p, std::string msg) {
    failed_ = true;
    if (env_.out) env_.out->push_back(make_diagnostic(id, env_.file, at.pos.line, at.pos.column, p, std::move(msg)));
  }

  // An expression that failed to check: `never` fits every position, so one mistake is reported once.
  static Node poison(const JsonNode& x) {
    Node n;
    n.ty = Ty::kNever;
    n.src = &x;
    return n;
  }

  std::optional<Local> lookup(const std::string& name) const {
    for (auto s = scopes_.rbegin(); s != scopes_.rend(); ++s)
      for (auto l = s->rbegin(); l != s->rend(); ++l)
        if (l->first == name) return l->second;
    return std::nullopt;
  }

  Node ident(const JsonNode& x, const std::string& p) {
    Node n;
    n.src = &x;
    if (const auto l = lookup(x.text)) {
      n.op = Op::kLocal;
      n.slot = l->slot;
      n.ty = l->ty;
      if (moved_[l->slot]) {
        err(DiagId::kX07Moved, x, p, "use of " + json_quote(x.text) + " after it was moved (" + std::string(ty_name(l->ty)) +
                                         " values are moved when passed on; set it again or use a view)");
        return poison(x);
      }
      // Moved when it stays a read of the whole value; coerce() and the inspecting builtins
      // turn it back into a borrow.
      if (is_owned(l->ty)) moved_[l->slot] = true;
      return n;
    }
    if (x.text == "input" && env_.has_input) {
      n.op = Op::kInput;
      n.ty = Ty::kView;
      return n;
    }
    err(DiagId::kX07UnknownName, x, p, "unknown name " + json_quote(x.text));
    return poison(x);
  }

  Node coerce(Node n, Ty want_ty, const JsonNode& x, const std::string& p) {
    if (n.ty == want_ty || n.ty == Ty::kNever) return n;
    if (want_ty == Ty::kView && (n.ty == Ty::kBytes || n.ty == Ty::kVec)) {
      if (n.op == Op::kLocal) {
        moved_[n.slot] = false;  // a borrow, not a move
        n.op = Op::kLocalView;
        n.ty = Ty::kView;
        return n;
      }
      // A temporary is kept in a hidden slot for as long as the view may be used.
      Node v;
      v.op = Op::kToView;
      v.ty = Ty::kView;
      v.src = n.src;
      v.slot = nslots_++;
      v.kids.push_back(std::move(n));
      return v;
    }
    err(DiagId::kX07Type, x, p, "expected " + std::string(ty_name(want_ty)) + ", found " + std::string(ty_name(n.ty)));
    return poison(x);
  }
};

}  // namespace

std::vector<Ty> sig_params(UserFnSig s) {
  if (s == UserFnSig::kMapInPlace) return {Ty::kView, Ty::kI32};
  if (s == UserFnSig::kParMap || s == UserFnSig::kParMapResult) return {Ty::kView, Ty::kBytes};
  return {Ty::kView};
}

Ty sig_result(UserFnSig s) {
  switch (s) {
    case UserFnSig::kMap: return Ty::kBytes;
    case UserFnSig::kFilter: return Ty::kI32;
    case UserFnSig::kValidator:
    case UserFnSig::kMapInPlace: return Ty::kResI32;
    case UserFnSig::kParMap: return Ty::kBytes;
    case UserFnSig::kParMapResult: return Ty::kResBytes;
  }
  return Ty::kI32;
}

bool check_fn(FnIr& fn, const CheckEnv& env) {
  Checker c(env, true, fn.result);
  for (const Param& prm : fn.decl->params) c.add_local(prm.name, prm.ty);
  fn.body = c.want(*fn.decl->body, fn.decl->pointer + "/body", fn.result);
  fn.nslots = c.nslots();
  fn.checked = !c.failed();
  if (fn.checked) {
    BorrowInput b;
    b.body = &fn.body;
    b.nslots = fn.nslots;
    for (const Param& prm : fn.decl->params) b.bound_names.push_back(prm.name);
    b.root = fn.decl->body;
    b.root_pointer = fn.decl->pointer + "/body";
    b.file = env.file;
    fn.checked = borrow_check(b, env.out);
  }
  return fn.checked;
}

std::optional<ExprIr> check_expr_ir(const JsonNode& x, const std::string& pointer,
                                    const std::vector<std::pair<std::string, Ty>>& locals, Ty want,
                                    const CheckEnv& env) {
  Checker c(env, false, Ty::kBytes);
  for (const auto& [name, ty] : locals) c.add_local(name, ty);
  ExprIr ir;
  Node n = c.expr(x, pointer);
  // bytes_view parameters accept bytes (X07 borrows the argument at the call).
  if (want == Ty::kView && n.ty == Ty::kBytes) want = Ty::kBytes;
  if (want == Ty::kNever) want = n.ty;  // any type
  if (n.ty != want && n.ty != Ty::kNever) {
    if (env.out)
      env.out->push_back(make_diagnostic(DiagId::kExprType, env.file, x.pos.line, x.pos.column, pointer,
                                         "expected " + std::string(ty_name(want)) + ", found " + std::string(ty_name(n.ty))));
    return std::nullopt;
  }
  if (c.failed()) return std::nullopt;
  ir.node = std::move(n);
  ir.nslots = c.nslots();
  BorrowInput b;
  b.body = &ir.node;
  b.nslots = ir.nslots;
  for (const auto& [name, ty] : locals) b.bound_names.push_back(name);
  b.root = &x;
  b.root_pointer = pointer;
  b.file = env.file;
  if (!borrow_check(b, env.out)) return std::nullopt;
  return ir;
}

namespace {

bool reads_input(const Node& n, std::vector<const FnIr*>& seen) {
  if (n.op == Op::kInput) return true;
  if (n.op == Op::kCall && n.callee && std::find(seen.begin(), seen.end(), n.callee) == seen.end()) {
    seen.push_back(n.callee);
    if (reads_input(n.callee->body, seen)) return true;
  }
  for (const Node& k : n.kids)
    if (reads_input(k, seen)) return true;
  return false;
}

bool needs_run_time(const Node& n, std::vector<const FnIr*>& seen) {
  if (n.op == Op::kBuiltin && is_run_time_builtin(static_cast<Builtin>(n.sub))) return true;
  if (n.op == Op::kCall && n.callee && std::find(seen.begin(), seen.end(), n.callee) == seen.end()) {
    seen.push_back(n.callee);
    if (needs_run_time(n.callee->body, seen)) return true;
  }
  for (const Node& k : n.kids)
    if (needs_run_time(k, seen)) return true;
  return false;
}

}  // namespace

bool needs_run_time(const Node& n) {
  std::vector<const FnIr*> seen;
  return needs_run_time(n, seen);
}

bool reads_input(const Node& n) {
  std::vector<const FnIr*> seen;
  return reads_input(n, seen);
}

}  // namespace sluice::x07
