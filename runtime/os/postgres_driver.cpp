#include "runtime/os/postgres_driver.hpp"

#include "runtime/os/libpq_api.hpp"

#include <atomic>
#include <cstring>

namespace sluice::os {
namespace {

// Loaded by PgConn::open before the first connection exists; every other call here is made
// with a connection, so it is loaded then.
const LibPq& pq() {
  std::string unused;
  return *load_libpq(unused);
}

PGconn* pc(void* p) { return static_cast<PGconn*>(p); }
PGresult* pr(void* p) { return static_cast<PGresult*>(p); }

// Built-in type OIDs (pg_type.dat): the ones mapped to DataModel numbers and booleans.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

std::string trimmed(const char* m) {
  std::string s = m ? m : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

PgFailure classify(PGconn* c, PGresult* r) {
  if (pq().PQstatus(c) == CONNECTION_BAD) return PgFailure::kLost;
  const char* state = r ? pq().PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (state && std::strcmp(state, "57014") == 0) return PgFailure::kTimeout;  // query_canceled
  if (state && (std::strncmp(state, "57P", 3) == 0 || std::strncmp(state, "08", 2) == 0)) return PgFailure::kLost;
  return PgFailure::kQuery;
}

}  // namespace

std::unique_ptr<PgConn> PgConn::open(const std::string& uri, std::uint32_t connect_timeout_ms, std::string& error) {
  // Whole seconds, at least 2 (libpq's minimum that is honoured); "0" would mean wait forever.
  const std::string timeout = std::to_string(connect_timeout_ms ? (connect_timeout_ms + 999) / 1000 : 10);
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {uri.c_str(), timeout.c_str(), nullptr};
  if (load_libpq(error) == nullptr) return nullptr;
  PGconn* c = pq().PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr || pq().PQstatus(c) != CONNECTION_OK) {
    error = c ? trimmed(pq().PQerrorMessage(c)) : "out of memory";
    pq().PQfinish(c);
    return nullptr;
  }
  // Server notices (e.g. "terminating connection") would go to stderr mid-run; the failure they
  // announce reaches the caller as an error result anyway.
  pq().PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConn> p(new PgConn());
  p->conn_ = c;
  return p;
}

PgConn::~PgConn() {
  clear_result();
  // A query still streaming is abandoned: drain nothing, just close (the server cancels it).
  if (conn_) pq().PQfinish(pc(conn_));
}

void PgConn::clear_result() {
  if (result_) pq().PQclear(pr(result_));
  result_ = nullptr;
}

bool PgConn::set_statement_timeout_ms(std::uint32_t ms, std::string& error) {
  const std::string sql = "SET statement_timeout = " + std::to_string(ms);
  PGresult* r = pq().PQexec(pc(conn_), sql.c_str());
  const bool ok = pq().PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) error = trimmed(pq().PQerrorMessage(pc(conn_)));
  pq().PQclear(r);
  return ok;
}

bool PgConn::start(std::string_view sql, const std::vector<std::string>& params, const std::vector<bool>& is_null,
                   std::string& error, PgFailure& failure) {
  clear_result();
  rows_affected_ = 0;
  const std::string text(sql);
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = is_null[i] ? nullptr : params[i].c_str();
    lengths[i] = static_cast<int>(params[i].size());
  }
  if (!pq().PQsendQueryParams(pc(conn_), text.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                         nullptr, 0) ||
      !pq().PQsetSingleRowMode(pc(conn_))) {
    error = trimmed(pq().PQerrorMessage(pc(conn_)));
    failure = pq().PQstatus(pc(conn_)) == CONNECTION_BAD ? PgFailure::kLost : PgFailure::kQuery;
    return false;
  }
  return true;
}

PgConn::Step PgConn::next(std::string& error, PgFailure& failure) {
  clear_result();
  PGresult* r = pq().PQgetResult(pc(conn_));
  if (r == nullptr) return Step::kDone;
  const ExecStatusType st = pq().PQresultStatus(r);
  if (st == PGRES_SINGLE_TUPLE) {
    result_ = r;
    return Step::kRow;
  }
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
    // The end of the rows (or a command): drain to the final null so the connection is ready again.
    const char* n = pq().PQcmdTuples(r);
    rows_affected_ = n && *n ? std::strtoll(n, nullptr, 10) : 0;
    result_ = r;  // kept for the column shape of an empty result
    while (PGresult* more = pq().PQgetResult(pc(conn_))) pq().PQclear(more);
    return Step::kDone;
  }
  error = trimmed(pq().PQresultErrorMessage(r));
  if (error.empty()) error = trimmed(pq().PQerrorMessage(pc(conn_)));
  failure = classify(pc(conn_), r);
  pq().PQclear(r);
  while (PGresult* more = pq().PQgetResult(pc(conn_))) pq().PQclear(more);
  return Step::kError;
}

namespace {
// A synchronous result: ok for COMMAND_OK/TUPLES_OK (rows_affected from the command tag).
bool finish_sync(PGconn* c, PGresult* r, std::int64_t& rows_affected, std::string& error, PgFailure& failure) {
  const ExecStatusType st = r ? pq().PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    const char* n = pq().PQcmdTuples(r);
    rows_affected = n && *n ? std::strtoll(n, nullptr, 10) : 0;
    pq().PQclear(r);
    return true;
  }
  error = r ? trimmed(pq().PQresultErrorMessage(r)) : std::string();
  if (error.empty()) error = trimmed(pq().PQerrorMessage(c));
  failure = r ? classify(c, r) : PgFailure::kLost;
  pq().PQclear(r);
  return false;
}
}  // namespace

bool PgConn::prepare(std::string_view sql, std::string& error, PgFailure& failure) {
  clear_result();
  // Named, not the unnamed statement: BEGIN/COMMIT (simple queries) would discard an unnamed one.
  static std::atomic<std::uint64_t> counter{0};
  prepared_ = "sluice_exec_" + std::to_string(counter.fetch_add(1));
  const std::string text(sql);
  std::int64_t ignored = 0;
  return finish_sync(pc(conn_), pq().PQprepare(pc(conn_), prepared_.c_str(), text.c_str(), 0, nullptr), ignored, error, failure);
}

bool PgConn::exec_prepared(const std::vector<std::string>& params, const std::vector<bool>& is_null, std::string& error,
                           PgFailure& failure) {
  clear_result();
  // Reused across rows: the per-row cost is the parameter pointers, not new buffers.
  thread_local std::vector<const char*> values;
  thread_local std::vector<int> lengths;
  values.resize(params.size());
  lengths.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    values[i] = is_null[i] ? nullptr : params[i].c_str();
    lengths[i] = static_cast<int>(params[i].size());
  }
  PGresult* r = pq().PQexecPrepared(pc(conn_), prepared_.c_str(), static_cast<int>(params.size()), values.data(),
                               lengths.data(), nullptr, 0);
  return finish_sync(pc(conn_), r, rows_affected_, error, failure);
}

bool PgConn::exec_simple(const char* sql, std::string& error, PgFailure& failure) {
  clear_result();
  std::int64_t ignored = 0;
  return finish_sync(pc(conn_), pq().PQexec(pc(conn_), sql), ignored, error, failure);
}

int PgConn::column_count() const { return result_ ? pq().PQnfields(pr(result_)) : 0; }
std::string_view PgConn::column_name(int i) const { return pq().PQfname(pr(result_), i); }
PgKind PgConn::column_kind(int i) const {
  switch (pq().PQftype(pr(result_), i)) {
    case kBool: return PgKind::kBool;
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
    case kFloat4:
    case kFloat8:
    case kNumeric: return PgKind::kNumber;
    case kBytea: return PgKind::kBytea;
    default: return PgKind::kText;
  }
}
bool PgConn::is_null(int i) const { return pq().PQgetisnull(pr(result_), 0, i) != 0; }
std::string_view PgConn::text(int i) const {
  return {pq().PQgetvalue(pr(result_), 0, i), static_cast<std::size_t>(pq().PQgetlength(pr(result_), 0, i))};
}

}  // namespace sluice::os
