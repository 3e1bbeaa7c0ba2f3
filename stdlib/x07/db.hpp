// The std.db module of the x07 library (spec x07-modules §3): X7DB responses, X7DC caps,
// DataModel docs, the facade (open, query, exec, close) over the OS drivers in runtime/os/, and
// the streaming row cursor the db source uses. Functions that open or use a connection
// (kDbEffectful in the compiler) only run while a pipe runs: they find the run's resource table
// through current_run_resources(). Both backends call these same functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/run_resources.hpp"

namespace sluice::x07rt {

using DbBuf = std::vector<std::uint8_t>;

// ---- error codes (x07-modules §3.3) ----
inline constexpr std::int32_t kDbPolicyDenied = 53249;
inline constexpr std::int32_t kDbBadReq = 53250;
inline constexpr std::int32_t kDbBadConn = 53251;
inline constexpr std::int32_t kDbTooLarge = 53760;
inline constexpr std::int32_t kDbSqliteOpen = 53504;
inline constexpr std::int32_t kDbSqlitePrepare = 53505;
inline constexpr std::int32_t kDbSqliteStep = 53506;
inline constexpr std::int32_t kDbNotImplemented = 30001;
// PostgreSQL (53520-53523; which failure gets which code is sluice's choice, docs/databases.md).
inline constexpr std::int32_t kDbPgConnect = 53520;  // refused, unreachable, authentication failed
inline constexpr std::int32_t kDbPgQuery = 53521;    // the server rejected the statement
inline constexpr std::int32_t kDbPgTimeout = 53522;  // statement_timeout (query_timeout_ms) fired
inline constexpr std::int32_t kDbPgLost = 53523;     // the connection was lost during the query

// X7DB ops.
inline constexpr std::int32_t kDbOpOpen = 1;
inline constexpr std::int32_t kDbOpExec = 2;
inline constexpr std::int32_t kDbOpQuery = 3;
inline constexpr std::int32_t kDbOpClose = 4;

// Drivers in the packed handle (driver << 24) + raw_id.
inline constexpr std::int32_t kDbDriverSqlite = 1;
inline constexpr std::int32_t kDbDriverPg = 2;

// ---- DataModel encoding (§3.1) ----
void dm_put_u32(DbBuf& b, std::uint32_t v);
void dm_put_null(DbBuf& b);
void dm_put_number(DbBuf& b, std::string_view digits);
void dm_put_string(DbBuf& b, ByteView s);
// REAL as Rust's ryu prints it (shortest round trip: 1.5, 3.0, 1e20, 1e-7).
std::string dm_format_double(double v);
// The end offset of the value at `off`, or -1 (truncated, unknown kind, deeper than 64).
std::int64_t dm_skip_value(ByteView doc, std::uint64_t off, int depth = 0);

// ---- X7DB responses and X7DC caps ----
DbBuf x7db_ok(std::int32_t op, ByteView payload);
DbBuf x7db_err(std::int32_t op, std::int32_t code, std::string_view msg);
struct DbCaps {
  std::uint32_t connect_timeout_ms = 0, query_timeout_ms = 0, max_rows = 0, max_resp_bytes = 0;
};
// False when `caps` is not a valid X7DC (24 bytes, magic, version 1).
bool parse_caps(ByteView caps, DbCaps& out);

// ---- the std.db functions (x07 signatures in compiler/x07/typecheck.cpp) ----
DbBuf db_open_v1(ByteView uri, ByteView caps);                              // effectful
DbBuf db_sqlite_open_v1(ByteView path, std::int32_t flags, ByteView caps);  // effectful
std::int32_t db_open_handle_v1(ByteView resp);
DbBuf db_query_v1(std::int32_t conn, ByteView sql, ByteView params, ByteView qcaps);  // effectful
DbBuf db_exec_v1(std::int32_t conn, ByteView sql, ByteView params, ByteView qcaps);   // effectful
DbBuf db_close_v1(std::int32_t conn, ByteView caps);                                  // effectful
DbBuf db_query_rows_doc_v1(ByteView resp);
std::int32_t db_exec_rows_affected_v1(ByteView resp);
std::int32_t db_resp_is_ok_v1(ByteView resp);
std::int32_t db_resp_err_code_v1(ByteView resp);
DbBuf db_resp_err_msg_v1(ByteView resp);
DbBuf db_resp_ok_payload_v1(ByteView resp);
DbBuf db_caps_default_v1();
DbBuf db_caps_pack_v1(std::int32_t ct, std::int32_t qt, std::int32_t rows, std::int32_t bytes);
DbBuf db_params_empty_v1();
DbBuf db_params_one_null_v1();
DbBuf db_params_one_bool_v1(std::int32_t b);
DbBuf db_params_one_number_dec_v1(ByteView digits);
DbBuf db_params_one_string_v1(ByteView s);

// ---- streaming: the db source's rows, one DataModel row value at a time ----
class DbRowCursor {
 public:
  DbRowCursor();
  ~DbRowCursor();
  DbRowCursor(const DbRowCursor&) = delete;
  DbRowCursor& operator=(const DbRowCursor&) = delete;

  // Prepares and binds; 0, or the DataModel error code (message in error()).
  std::int32_t start(RunResources& res, std::int32_t conn, ByteView sql, ByteView params, ByteView qcaps);
  enum class Step : std::uint8_t { kRow, kDone, kError };
  // kRow: `row` holds the row value (04 ncols cell...), valid until the next call.
  Step next(ByteView& row);
  [[nodiscard]] std::int32_t error_code() const { return code_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  // The column names (after start), for the whole doc builders.
  [[nodiscard]] const std::vector<std::string>& columns() const { return cols_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DbBuf row_;
  std::vector<std::string> cols_;
  std::int32_t code_ = 0;
  std::string error_;
  std::uint64_t rows_ = 0;
  std::uint64_t resp_bytes_ = 0;
  DbCaps caps_;
};

// ---- the db_exec sink: one statement run per row, in transactions of a batch of rows ----
class DbRowWriter {
 public:
  DbRowWriter();
  ~DbRowWriter();  // rolls back an open batch
  DbRowWriter(const DbRowWriter&) = delete;
  DbRowWriter& operator=(const DbRowWriter&) = delete;

  // Prepares `sql` on `conn`; 0 or the DataModel error code (message in error()).
  std::int32_t start(RunResources& res, std::int32_t conn, ByteView sql);
  // Binds `row` (a DataModel seq of scalars, as the db source yields) and runs the statement,
  // opening a transaction first if none is open. 0 or the error code; the caller rolls back.
  std::int32_t write(ByteView row);
  std::int32_t commit();
  void rollback();
  [[nodiscard]] std::uint32_t batch_rows() const { return batch_rows_; }
  [[nodiscard]] std::uint64_t committed_rows() const { return committed_rows_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  // The exec doc over every committed row: {last_insert_id, rows_affected}.
  [[nodiscard]] DbBuf exec_doc() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool in_batch_ = false;
  std::uint32_t batch_rows_ = 0;
  std::uint64_t committed_rows_ = 0;
  std::int64_t rows_affected_ = 0, committed_affected_ = 0, last_insert_id_ = 0;
  std::string error_;
};

}  // namespace sluice::x07rt
