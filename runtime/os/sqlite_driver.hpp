// The SQLite adapter: open a database file, prepare a statement, bind parameters, step rows one
// at a time (so a query streams), read typed columns. The only file that includes sqlite3.h is
// sqlite_driver.cpp; everything above it (stdlib/x07/db.cpp) sees these small types.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/bytes.hpp"

namespace sluice::os {

class SqliteConn {
 public:
  // flags: bit0 read-only, bit1 create (x07-modules §3.4); 0 = read-write, must exist.
  static constexpr std::int32_t kReadOnly = 1;
  static constexpr std::int32_t kCreate = 2;
  // nullptr and `error` set (SQLite's message) when the database cannot be opened.
  static std::unique_ptr<SqliteConn> open(const std::string& path, std::int32_t flags, std::string& error);
  ~SqliteConn();
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  // How long a statement waits for a lock another connection holds, in ms (0: fail at once).
  void set_busy_timeout_ms(std::uint32_t ms);
  // A statement running longer than this is interrupted (its step fails); 0: no limit. Checked
  // by SQLite's progress handler every few thousand VM steps, so it also stops a long sort.
  void set_query_timeout_ms(std::uint32_t ms);
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  [[nodiscard]] std::string last_error() const;
  // Runs SQL with no parameters and no rows (BEGIN, COMMIT, ROLLBACK); false with `error` set.
  bool exec_simple(const char* sql, std::string& error);

  void* raw() const { return db_; }
  // The query deadline of the statement being stepped (the progress handler reads it).
  std::chrono::steady_clock::time_point deadline{};
  bool deadline_set = false;
  std::uint32_t query_timeout_ms = 0;

 private:
  SqliteConn() = default;
  void* db_ = nullptr;  // sqlite3*
};

enum class SqliteType : std::uint8_t { kNull, kInteger, kReal, kText, kBlob };
enum class SqliteStep : std::uint8_t { kRow, kDone, kError };

class SqliteStmt {
 public:
  SqliteStmt() = default;
  ~SqliteStmt();
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;

  // False with `error` set on bad SQL, a missing table, ...
  bool prepare(SqliteConn& conn, std::string_view sql, std::string& error);
  [[nodiscard]] int param_count() const;
  // Parameter indexes are 1-based, as in SQLite. False on a bind error (index out of range).
  bool bind_null(int i);
  bool bind_int64(int i, std::int64_t v);
  bool bind_double(int i, double v);
  bool bind_text(int i, ByteView v);
  // Starts the query deadline; call before the first step.
  void start_clock();
  SqliteStep step(std::string& error);
  [[nodiscard]] int column_count() const;
  [[nodiscard]] std::string_view column_name(int i) const;
  [[nodiscard]] SqliteType column_type(int i) const;
  [[nodiscard]] std::int64_t column_int64(int i) const;
  [[nodiscard]] double column_double(int i) const;
  // Text or blob bytes, valid until the next step.
  [[nodiscard]] ByteView column_bytes(int i) const;
  // Ready to run again with new bindings (the sink runs one statement per row).
  void reset();
  void finalize();

 private:
  void* stmt_ = nullptr;  // sqlite3_stmt*
  SqliteConn* conn_ = nullptr;
};

}  // namespace sluice::os
