// The PostgreSQL adapter (libpq): connect with a timeout, run a query with text parameters in
// single-row mode (rows arrive one at a time, so a query streams), read typed text columns. The
// only file that includes libpq-fe.h is postgres_driver.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/bytes.hpp"

namespace sluice::os {

// What a failure was, for the DataModel code the caller maps it to.
enum class PgFailure : std::uint8_t { kNone, kConnect, kQuery, kTimeout, kLost };

// The column kinds the DataModel mapping distinguishes (x07-modules §3.3).
enum class PgKind : std::uint8_t { kBool, kNumber, kBytea, kText };

class PgConn {
 public:
  // `uri`: postgres://user:pass@host:port/db. connect_timeout_ms 0: libpq's default (none).
  static std::unique_ptr<PgConn> open(const std::string& uri, std::uint32_t connect_timeout_ms, std::string& error);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // statement_timeout for this session (0: none); false with `error` set.
  bool set_statement_timeout_ms(std::uint32_t ms, std::string& error);

  // Starts `sql` with text parameters (nullopt-like: is_null[i]) in single-row mode.
  bool start(std::string_view sql, const std::vector<std::string>& params, const std::vector<bool>& is_null,
             std::string& error, PgFailure& failure);
  enum class Step : std::uint8_t { kRow, kDone, kError };
  // kRow: the current row's columns are readable until the next call.
  Step next(std::string& error, PgFailure& failure);
  [[nodiscard]] int column_count() const;
  [[nodiscard]] std::string_view column_name(int i) const;
  [[nodiscard]] PgKind column_kind(int i) const;
  [[nodiscard]] bool is_null(int i) const;
  [[nodiscard]] std::string_view text(int i) const;
  // The statement sink: `sql` prepared once under a name unique in the process, then run per
  // row with text parameters (no per-row parse or plan). exec_simple runs BEGIN/COMMIT/ROLLBACK.
  // All synchronous; false with `error` and `failure` set.
  bool prepare(std::string_view sql, std::string& error, PgFailure& failure);
  bool exec_prepared(const std::vector<std::string>& params, const std::vector<bool>& is_null, std::string& error,
                     PgFailure& failure);
  bool exec_simple(const char* sql, std::string& error, PgFailure& failure);
  // Rows the last finished command changed (INSERT/UPDATE/DELETE), from its command tag.
  [[nodiscard]] std::int64_t rows_affected() const { return rows_affected_; }

 private:
  PgConn() = default;
  void clear_result();
  void* conn_ = nullptr;    // PGconn*
  void* result_ = nullptr;  // PGresult* of the current row (or the first of the query, for its shape)
  std::int64_t rows_affected_ = 0;
  std::string prepared_;  // the name of the statement prepare() made
};

}  // namespace sluice::os
