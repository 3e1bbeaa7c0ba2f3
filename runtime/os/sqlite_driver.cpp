#include "runtime/os/sqlite_driver.hpp"

#include <sqlite3.h>

namespace sluice::os {
namespace {

sqlite3* db(void* p) { return static_cast<sqlite3*>(p); }
sqlite3_stmt* st(void* p) { return static_cast<sqlite3_stmt*>(p); }

// SQLite calls this every kProgressSteps VM instructions; non-zero interrupts the statement.
int on_progress(void* arg) {
  const auto* c = static_cast<const SqliteConn*>(arg);
  return c->deadline_set && std::chrono::steady_clock::now() > c->deadline ? 1 : 0;
}
// Cheap enough per row (a clock read per ~10k VM steps) and fine-grained enough for ms timeouts.
constexpr int kProgressSteps = 10000;

}  // namespace

std::unique_ptr<SqliteConn> SqliteConn::open(const std::string& path, std::int32_t flags, std::string& error) {
  int f = (flags & kReadOnly) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if ((flags & kCreate) && !(flags & kReadOnly)) f |= SQLITE_OPEN_CREATE;
  // One connection per thread of use; no URI filenames, so a path is only ever a path.
  f |= SQLITE_OPEN_NOMUTEX;
  sqlite3* h = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &h, f, nullptr);
  if (rc != SQLITE_OK) {
    error = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    sqlite3_close(h);
    return nullptr;
  }
  sqlite3_extended_result_codes(h, 1);
  std::unique_ptr<SqliteConn> c(new SqliteConn());
  c->db_ = h;
  return c;
}

SqliteConn::~SqliteConn() {
  // close_v2: statements still open (never, by construction) would keep it alive until finalized.
  if (db_) sqlite3_close_v2(db(db_));
}

void SqliteConn::set_busy_timeout_ms(std::uint32_t ms) {
  sqlite3_busy_timeout(db(db_), static_cast<int>(ms > 0x7FFFFFFFu ? 0x7FFFFFFFu : ms));
}

void SqliteConn::set_query_timeout_ms(std::uint32_t ms) {
  query_timeout_ms = ms;
  sqlite3_progress_handler(db(db_), ms ? kProgressSteps : 0, ms ? &on_progress : nullptr, this);
}

std::int64_t SqliteConn::changes() const { return sqlite3_changes64(db(db_)); }
std::int64_t SqliteConn::last_insert_rowid() const { return sqlite3_last_insert_rowid(db(db_)); }
std::string SqliteConn::last_error() const { return sqlite3_errmsg(db(db_)); }

bool SqliteConn::exec_simple(const char* sql, std::string& error) {
  char* msg = nullptr;
  if (sqlite3_exec(db(db_), sql, nullptr, nullptr, &msg) == SQLITE_OK) return true;
  error = msg ? msg : sqlite3_errmsg(db(db_));
  sqlite3_free(msg);
  return false;
}

SqliteStmt::~SqliteStmt() { finalize(); }

void SqliteStmt::reset() {
  sqlite3_reset(st(stmt_));
  sqlite3_clear_bindings(st(stmt_));
}

void SqliteStmt::finalize() {
  if (stmt_) sqlite3_finalize(st(stmt_));
  stmt_ = nullptr;
}

bool SqliteStmt::prepare(SqliteConn& conn, std::string_view sql, std::string& error) {
  finalize();
  conn_ = &conn;
  sqlite3_stmt* s = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db(conn.raw()), sql.data(), static_cast<int>(sql.size()), &s, &tail);
  if (rc != SQLITE_OK) {
    error = sqlite3_errmsg(db(conn.raw()));
    sqlite3_finalize(s);
    return false;
  }
  if (s == nullptr) {  // empty SQL or only a comment: nothing to run
    error = "no SQL statement";
    return false;
  }
  stmt_ = s;
  return true;
}

int SqliteStmt::param_count() const { return sqlite3_bind_parameter_count(st(stmt_)); }
bool SqliteStmt::bind_null(int i) { return sqlite3_bind_null(st(stmt_), i) == SQLITE_OK; }
bool SqliteStmt::bind_int64(int i, std::int64_t v) { return sqlite3_bind_int64(st(stmt_), i, v) == SQLITE_OK; }
bool SqliteStmt::bind_double(int i, double v) { return sqlite3_bind_double(st(stmt_), i, v) == SQLITE_OK; }
bool SqliteStmt::bind_text(int i, ByteView v) {
  // TRANSIENT: SQLite copies, so the caller's buffer may change before the step.
  return sqlite3_bind_text64(st(stmt_), i, reinterpret_cast<const char*>(v.data ? v.data : reinterpret_cast<const std::uint8_t*>("")),
                             v.size, SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK;
}

void SqliteStmt::start_clock() {
  if (conn_ && conn_->query_timeout_ms) {
    conn_->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(conn_->query_timeout_ms);
    conn_->deadline_set = true;
  } else if (conn_) {
    conn_->deadline_set = false;
  }
}

SqliteStep SqliteStmt::step(std::string& error) {
  const int rc = sqlite3_step(st(stmt_));
  if (rc == SQLITE_ROW) return SqliteStep::kRow;
  if (rc == SQLITE_DONE) return SqliteStep::kDone;
  error = sqlite3_errmsg(db(conn_->raw()));
  if ((rc & 0xFF) == SQLITE_INTERRUPT) error = "query timeout (" + std::to_string(conn_->query_timeout_ms) + " ms): " + error;
  return SqliteStep::kError;
}

int SqliteStmt::column_count() const { return sqlite3_column_count(st(stmt_)); }
std::string_view SqliteStmt::column_name(int i) const {
  const char* n = sqlite3_column_name(st(stmt_), i);
  return n ? std::string_view(n) : std::string_view();
}
SqliteType SqliteStmt::column_type(int i) const {
  switch (sqlite3_column_type(st(stmt_), i)) {
    case SQLITE_INTEGER: return SqliteType::kInteger;
    case SQLITE_FLOAT: return SqliteType::kReal;
    case SQLITE_TEXT: return SqliteType::kText;
    case SQLITE_BLOB: return SqliteType::kBlob;
    default: return SqliteType::kNull;
  }
}
std::int64_t SqliteStmt::column_int64(int i) const { return sqlite3_column_int64(st(stmt_), i); }
double SqliteStmt::column_double(int i) const { return sqlite3_column_double(st(stmt_), i); }
ByteView SqliteStmt::column_bytes(int i) const {
  // blob first, then bytes: the documented order that avoids a type conversion.
  const void* p = sqlite3_column_blob(st(stmt_), i);
  const int n = sqlite3_column_bytes(st(stmt_), i);
  return {static_cast<const std::uint8_t*>(p), static_cast<std::uint32_t>(n)};
}

}  // namespace sluice::os
