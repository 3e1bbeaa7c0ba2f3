// The typed tree the checker makes from an x07 body and the interpreter runs: every node has
// its type, locals are frame slots, calls point at their callee. Private to compiler/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/x07/module.hpp"
#include "compiler/x07/types.hpp"
#include "stdlib/user_fn.hpp"

namespace sluice::x07 {

enum class Op : std::uint8_t {
  kConst,      // imm
  kBytesLit,   // lit
  kInput,      // the program input (a bytes_view)
  kLocal,      // frame[slot]: copied (i32, view, result_i32) or moved (owned types)
  kLocalView,  // a view of the bytes/vec_u8 local frame[slot] (a borrow, no move)
  kLocalPeek,  // frame[slot]'s ok flag and code only (result_bytes.is_ok/err_code do not consume)
  kToView,     // kids[0] (bytes) kept alive in frame[slot], seen as a view
  kLet,        // frame[slot] = kids[0]
  kSet,        // frame[slot] = kids[0]; value as let
  kSet0,       // frame[slot] = kids[0]; value i32 0
  kBegin,
  kIf,
  kFor,        // slot = loop variable; kids: start, end, body
  kWhile,
  kReturn,
  kTry,        // kids[0] is a result; err returns err(code) from the function
  kTryDoc,     // kids[0] is a doc envelope (a view); err returns a copy of it from the function
  kBrandCast,  // std.brand.cast_*: frame[slot] = kids[0]; kids[1] calls the validator on it; sub = BrandCast
  kAnd,
  kOr,
  kBinary,     // sub = BinOp
  kBuiltin,    // sub = Builtin
  kCall,       // callee: a user function
  kNative,     // native: a built-in library or host function; sub = UserFnSig
};

enum class BinOp : std::uint8_t {
  kAdd, kSub, kMul, kDivU, kRemU, kEq, kNe, kLt, kLe, kGt, kGe, kLtU, kLeU, kGtU, kGeU,
  kAnd, kOr, kXor, kShl, kShrU,
};

enum class Builtin : std::uint8_t {
  kBytesAlloc, kBytesEmpty, kBytesLen, kGetU8, kBytesSetU8, kBytesView, kBytesSubview, kBytesSlice,
  kBytesConcat, kEq, kCmpRange, kViewLen, kViewSlice, kViewToBytes, kReadU32, kWriteU32,
  kVecWithCap, kVecLen, kVecCap, kVecClear, kVecGet, kVecSet, kVecPush, kVecReserve, kVecExtendZeroes,
  kVecExtend, kVecExtendRange, kVecIntoBytes, kVecAsView,
  kResI32Ok, kResI32Err, kResI32IsOk, kResI32ErrCode, kResI32UnwrapOr,
  kResBytesOk, kResBytesErr, kResBytesIsOk, kResBytesErrCode, kResBytesUnwrapOr,
  kScratchTryWrite, kScratchLen, kScratchCap, kScratchClear,
  kFmtU32Dec, kFmtS32Dec, kParseU32Dec,
  kOptNone, kOptI32Some, kOptIsSome, kOptI32UnwrapOr, kOptBytesSome, kOptBytesUnwrapOr,
  kResViewOk, kResViewErr, kViewUnwrapOr, kOptViewSome,
  // the std.bytes / std.view wrappers (spec §2.5); take, drop and the slices clamp
  kFindU8, kFindSub, kCountU8, kStartsWith, kEndsWith, kStripPrefix, kStripSuffix, kTrimAscii,
  kTake, kDrop, kClampSlice, kClampSliceView,
  kTestPass, kTestFail, kTestAssertI32Eq, kTestAssertBytesEq, kTestAssertTrue,
  kTestCodeTrue, kTestCodeI32Eq, kTestCodeBytesEq,
  // std.db (spec x07-modules §3.4; stdlib/x07/db.hpp). The effectful ones (is_run_time_builtin)
  // make an expression a run-time argument.
  kDbOpen, kDbSqliteOpen, kDbOpenHandle, kDbQuery, kDbExec, kDbClose, kDbQueryRowsDoc, kDbExecRowsAffected, kDbRespIsOk, kDbRespErrCode, kDbRespErrMsg, kDbRespOkPayload, kDbCapsDefault, kDbCapsPack, kDbParamsEmpty, kDbParamsOneNull, kDbParamsOneBool, kDbParamsOneNumberDec, kDbParamsOneString,
  // std.net (spec x07-modules §5; stdlib/x07/net.hpp). The effectful ones open or use a socket.
  kNetAddrIpv4, kNetAddrIpv6, kNetAddrDns, kNetAddrTag, kNetAddrPort, kNetCaps, kNetCapsDefault, kNetErrMakeDoc, kNetErrIsErrDoc, kNetErrCode, kNetConnect, kNetConnectStreamHandle, kNetListen, kNetListenListenerHandle, kNetListenBoundAddr, kNetAccept, kNetAcceptStreamHandle, kNetAcceptPeerAddr, kNetStreamRead, kNetStreamWrite, kNetWriteAll, kNetStreamWait, kNetStreamShutdown, kNetStreamClose, kNetStreamDrop, kNetListenerClose, kNetListenerDrop,
  // ext.data_model (spec x07-modules §3.2; stdlib/x07/data_model.hpp): pure.
  kDmDocIsErr, kDmRootOffset, kDmRootKind, kDmKindAt, kDmMapFind, kDmSeqLen, kDmMapLen, kDmSeqGet, kDmMapKeyAt, kDmMapValueAt, kDmStringGet, kDmNumberGet, kDmBoolGet, kDmSkipValue, kDmValueNull, kDmValueBool, kDmValueNumber, kDmValueString, kDmValueSeqFromElems, kDmValueMapFromEntries, kDmDocOk, kDmDocErrFromCode, kDmDocErrFromMsg, kDmDocErrorCode, kDmDocErrorMsg,
};

// True for builtins that open or use an OS resource of the run (a database connection): an
// expression calling one, directly or through a function, is evaluated when the pipe runs.
bool is_run_time_builtin(Builtin b);

// The std.brand.cast_* forms (spec §2.8): what the validated value becomes.
enum class BrandCast : std::uint8_t {
  kBytes,     // cast_bytes_v1: result_bytes, the bytes moved in (dropped on err)
  kView,      // cast_view_v1: result_bytes_view, the view itself
  kViewCopy,  // cast_view_copy_v1: result_bytes, a copy of the view
};

struct FnIr;

struct Node {
  Op op = Op::kConst;
  Ty ty = Ty::kI32;
  std::uint8_t sub = 0;
  std::int32_t imm = 0;
  std::uint32_t slot = 0;
  std::string lit;
  std::vector<Node> kids;
  const FnIr* callee = nullptr;
  UserFn native;
  const JsonNode* src = nullptr;  // for trap messages (line:column)
};

struct FnIr {
  const FnDecl* decl = nullptr;
  std::string name;
  std::vector<Ty> params;
  Ty result = Ty::kI32;
  std::uint32_t nslots = 0;  // params occupy slots 0..params.size()-1
  Node body;
  bool checked = false;      // the body type-checked
};

}  // namespace sluice::x07
