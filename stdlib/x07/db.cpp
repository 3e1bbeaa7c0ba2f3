#include "stdlib/x07/db.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "runtime/os/postgres_driver.hpp"
#include "runtime/os/sqlite_driver.hpp"

namespace sluice::x07rt {
namespace {

constexpr std::uint8_t kMagicDb[4] = {'X', '7', 'D', 'B'};
constexpr std::uint8_t kMagicDc[4] = {'X', '7', 'D', 'C'};
// DataModel nesting the native skip accepts (x07-modules §3.1).
constexpr int kMaxDepth = 64;

void put_bytes(DbBuf& b, const void* p, std::size_t n) {
  const auto* c = static_cast<const std::uint8_t*>(p);
  b.insert(b.end(), c, c + n);
}

// One open connection in the run's resource table.
struct DbConn final : RunResource {
  std::int32_t driver = kDbDriverSqlite;
  std::unique_ptr<os::SqliteConn> sqlite;
  std::unique_ptr<os::PgConn> pg;
  DbCaps caps;
};

std::int32_t pg_code(os::PgFailure f) {
  switch (f) {
    case os::PgFailure::kTimeout: return kDbPgTimeout;
    case os::PgFailure::kLost: return kDbPgLost;
    case os::PgFailure::kConnect: return kDbPgConnect;
    default: return kDbPgQuery;
  }
}

// A params_doc (or row) seq as libpq text parameters: null, bool as true/false, numbers and
// strings as their text. 0 or kDbBadReq with `error` set.
std::int32_t pg_params(ByteView d, std::uint64_t p, std::vector<std::string>& vals, std::vector<bool>& nulls,
                       std::string& error) {
  if (d.size == 0) return 0;
  if (p + 5 > d.size || d.data[p] != 4) return error = "not a seq of scalars", kDbBadReq;
  const std::uint32_t n = load_u32le(d.data + p + 1);
  p += 5;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (p >= d.size) return error = "params_doc is cut short", kDbBadReq;
    const std::uint8_t kind = d.data[p];
    if (kind == 0) {
      vals.emplace_back();
      nulls.push_back(true);
      p += 1;
    } else if (kind == 1) {
      if (p + 2 > d.size) return error = "params_doc is cut short", kDbBadReq;
      vals.emplace_back(d.data[p + 1] ? "true" : "false");
      nulls.push_back(false);
      p += 2;
    } else if (kind == 2 || kind == 3) {
      if (p + 5 > d.size) return error = "params_doc is cut short", kDbBadReq;
      const std::uint32_t len = load_u32le(d.data + p + 1);
      if (p + 5 + len > d.size) return error = "params_doc is cut short", kDbBadReq;
      vals.emplace_back(reinterpret_cast<const char*>(d.data + p + 5), len);
      nulls.push_back(false);
      p += 5 + len;
    } else {
      return error = "param " + std::to_string(i + 1) + " is not a scalar", kDbBadReq;
    }
  }
  if (p != d.size) return error = "params_doc has trailing bytes", kDbBadReq;
  return 0;
}

// BYTEA in text format is "\x" + hex: the string is the raw bytes (x07-modules §3.3).
void put_bytea(DbBuf& b, std::string_view t) {
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x') {
    dm_put_string(b, ByteView::of(t));
    return;
  }
  const auto digit = [](char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; };
  b.push_back(3);
  dm_put_u32(b, static_cast<std::uint32_t>((t.size() - 2) / 2));
  for (std::size_t i = 2; i + 1 < t.size(); i += 2) b.push_back(static_cast<std::uint8_t>(digit(t[i]) * 16 + digit(t[i + 1])));
}

void encode_pg_row(const os::PgConn& pg, DbBuf& b) {
  const int n = pg.column_count();
  b.push_back(4);
  dm_put_u32(b, static_cast<std::uint32_t>(n));
  for (int i = 0; i < n; ++i) {
    if (pg.is_null(i)) {
      dm_put_null(b);
      continue;
    }
    const std::string_view t = pg.text(i);
    switch (pg.column_kind(i)) {
      case os::PgKind::kBool: dm_put_number(b, t == "t" ? "1" : "0"); break;
      case os::PgKind::kNumber: dm_put_number(b, t); break;
      case os::PgKind::kBytea: put_bytea(b, t); break;
      case os::PgKind::kText: dm_put_string(b, ByteView::of(t)); break;
    }
  }
}

// "postgres://user:pass@host:port/db" → "postgres://host:port" (port 5432 when absent): what
// --allow-db names.
std::string pg_policy_name(const std::string& uri) {
  std::string rest = uri.substr(uri.find(':') + 1);
  if (rest.rfind("//", 0) == 0) rest = rest.substr(2);
  rest = rest.substr(0, rest.find_first_of("/?"));
  if (const std::size_t at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (rest.find(':') == std::string::npos || rest.back() == ']') rest += ":5432";
  return "postgres://" + rest;
}

std::uint32_t min_nonzero(std::uint32_t a, std::uint32_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

DbCaps merge_caps(const DbCaps& a, const DbCaps& b) {
  return {min_nonzero(a.connect_timeout_ms, b.connect_timeout_ms), min_nonzero(a.query_timeout_ms, b.query_timeout_ms),
          min_nonzero(a.max_rows, b.max_rows), min_nonzero(a.max_resp_bytes, b.max_resp_bytes)};
}

DbConn* find_conn(RunResources* res, std::int32_t handle) {
  if (res == nullptr || handle <= 0) return nullptr;
  const std::int32_t driver = handle >> 24;
  auto* c = dynamic_cast<DbConn*>(res->get(handle & 0xFFFFFF));
  return c != nullptr && c->driver == driver ? c : nullptr;
}

struct Resp {
  bool valid = false;
  bool ok = false;
  std::int32_t op = 0;
  ByteView payload;  // ok: the payload; err: the message
  std::int32_t code = 0;
};

Resp parse_resp(ByteView r) {
  Resp out;
  if (r.size < 20 || std::memcmp(r.data, kMagicDb, 4) != 0 || load_u32le(r.data + 4) != 1) return out;
  const std::uint32_t tag = load_u32le(r.data + 8);
  out.op = static_cast<std::int32_t>(load_u32le(r.data + 12));
  if (tag == 1) {
    const std::uint32_t len = load_u32le(r.data + 16);
    if (std::uint64_t{20} + len != r.size) return out;
    out.payload = r.slice(20, len);
    out.ok = true;
  } else if (tag == 0) {
    if (r.size < 24) return out;
    out.code = static_cast<std::int32_t>(load_u32le(r.data + 16));
    const std::uint32_t len = load_u32le(r.data + 20);
    if (std::uint64_t{24} + len != r.size) return out;
    out.payload = r.slice(24, len);
  } else {
    return out;
  }
  out.valid = true;
  return out;
}

// The value of key `key` in the map at `off` of `doc`, or -1.
std::int64_t map_find(ByteView doc, std::uint64_t off, std::string_view key) {
  if (off + 5 > doc.size || doc.data[off] != 5) return -1;
  const std::uint32_t n = load_u32le(doc.data + off + 1);
  std::uint64_t p = off + 5;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (p + 4 > doc.size) return -1;
    const std::uint32_t kl = load_u32le(doc.data + p);
    if (p + 4 + kl > doc.size) return -1;
    const std::string_view k(reinterpret_cast<const char*>(doc.data + p + 4), kl);
    p += 4 + kl;
    if (k == key) return static_cast<std::int64_t>(p);
    if (k > key) return -1;  // keys are sorted (§3.2)
    const std::int64_t e = dm_skip_value(doc, p);
    if (e < 0) return -1;
    p = static_cast<std::uint64_t>(e);
  }
  return -1;
}

void put_i64(DbBuf& b, std::int64_t v) {
  char t[24];
  const auto r = std::to_chars(t, t + sizeof t, v);
  dm_put_number(b, std::string_view(t, static_cast<std::size_t>(r.ptr - t)));
}

// A params_doc bound to a prepared statement (§3.3): empty bytes = no params; else an OK doc
// whose root is a seq of scalars. 0 or the error code with `error` set.
std::int32_t bind_seq(os::SqliteStmt& stmt, ByteView params, std::uint64_t p, std::string& error);

std::int32_t bind_params(os::SqliteStmt& stmt, ByteView params, std::string& error) {
  if (params.size == 0) return 0;
  if (params.size < 6 || params.data[0] != 1 || params.data[1] != 4) {
    error = "params_doc is not an OK doc holding a seq";
    return kDbBadReq;
  }
  return bind_seq(stmt, params, 1, error);
}

// Binds the seq of scalars at `p` (04 count value...), which must end `params`.
std::int32_t bind_seq(os::SqliteStmt& stmt, ByteView params, std::uint64_t p, std::string& error) {
  if (p + 5 > params.size || params.data[p] != 4) {
    error = "not a seq of scalars";
    return kDbBadReq;
  }
  const std::uint32_t n = load_u32le(params.data + p + 1);
  p += 5;
  for (std::uint32_t i = 0; i < n; ++i) {
    const int idx = static_cast<int>(i) + 1;
    if (p >= params.size) {
      error = "params_doc is cut short";
      return kDbBadReq;
    }
    const std::uint8_t kind = params.data[p];
    bool ok = true;
    if (kind == 0) {
      ok = stmt.bind_null(idx);
      p += 1;
    } else if (kind == 1) {
      if (p + 2 > params.size) return error = "params_doc is cut short", kDbBadReq;
      ok = stmt.bind_int64(idx, params.data[p + 1] ? 1 : 0);
      p += 2;
    } else if (kind == 2 || kind == 3) {
      if (p + 5 > params.size) return error = "params_doc is cut short", kDbBadReq;
      const std::uint32_t len = load_u32le(params.data + p + 1);
      if (p + 5 + len > params.size) return error = "params_doc is cut short", kDbBadReq;
      const ByteView v = params.slice(static_cast<std::uint32_t>(p + 5), len);
      if (kind == 3) {
        ok = stmt.bind_text(idx, v);
      } else {
        const std::string_view t = v.as_chars();
        if (t.find_first_of(".eE") != std::string_view::npos) {
          double d = 0;
          const auto r = std::from_chars(t.data(), t.data() + t.size(), d);
          if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return error = "param " + std::to_string(idx) + " is not a number", kDbBadReq;
          ok = stmt.bind_double(idx, d);
        } else {
          std::int64_t x = 0;
          const auto r = std::from_chars(t.data(), t.data() + t.size(), x);
          if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return error = "param " + std::to_string(idx) + " is not an integer", kDbBadReq;
          ok = stmt.bind_int64(idx, x);
        }
      }
      p += 5 + len;
    } else {
      error = "param " + std::to_string(idx) + " is not a scalar";
      return kDbBadReq;
    }
    if (!ok) {
      error = "cannot bind param " + std::to_string(idx) + " (the statement has " + std::to_string(stmt.param_count()) + ")";
      return kDbBadReq;
    }
  }
  if (p != params.size) {
    error = "params_doc has trailing bytes";
    return kDbBadReq;
  }
  return 0;
}

// Appends one row value (04 ncols cell...) of the current step to `b`.
void encode_row(const os::SqliteStmt& stmt, int ncols, DbBuf& b) {
  b.push_back(4);
  dm_put_u32(b, static_cast<std::uint32_t>(ncols));
  for (int i = 0; i < ncols; ++i) {
    switch (stmt.column_type(i)) {
      case os::SqliteType::kNull: dm_put_null(b); break;
      case os::SqliteType::kInteger: put_i64(b, stmt.column_int64(i)); break;
      case os::SqliteType::kReal: dm_put_number(b, dm_format_double(stmt.column_double(i))); break;
      case os::SqliteType::kText:
      case os::SqliteType::kBlob: dm_put_string(b, stmt.column_bytes(i)); break;
    }
  }
}

bool policy_allows(const RunResources& res, std::string_view entry) {
  if (!res.db_policy.sandboxed) return true;
  return std::find(res.db_policy.allow.begin(), res.db_policy.allow.end(), entry) != res.db_policy.allow.end();
}

std::string resolve_path(const RunResources& res, const std::string& path) {
  if (path == ":memory:" || path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(res.root.dir) / path).string();
}

// The open response for a connection the run now owns: its raw id in the run's resource table.
DbBuf registered(RunResources& res, std::unique_ptr<DbConn> conn) {
  const std::int32_t id = res.add(std::move(conn));
  if (id < 0) return x7db_err(kDbOpOpen, kDbTooLarge, "too many open connections in this run");
  std::uint8_t raw[4];
  store_u32le(raw, static_cast<std::uint32_t>(id));
  return x7db_ok(kDbOpOpen, ByteView(raw, 4));
}

DbBuf failed_open(RunResources& res, std::int32_t code, const std::string& message) {
  res.last_open_error = code;
  res.last_open_message = message;
  return x7db_err(kDbOpOpen, code, message);
}

DbBuf open_sqlite(const std::string& path, std::int32_t flags, ByteView caps_bytes) {
  DbCaps caps;
  if (!parse_caps(caps_bytes, caps)) return x7db_err(kDbOpOpen, kDbBadReq, "caps are not an X7DC v1 (24 bytes)");
  RunResources* res = current_run_resources();
  if (res == nullptr) return x7db_err(kDbOpOpen, kDbBadConn, "std.db opens a connection only while a pipe runs");
  if (!policy_allows(*res, "sqlite:" + path))
    return failed_open(*res, kDbPolicyDenied, "sqlite:" + path + " is not allowed in run-os-sandboxed (--allow-db)");
  std::string error;
  auto conn = os::SqliteConn::open(resolve_path(*res, path), flags, error);
  if (!conn) return failed_open(*res, kDbSqliteOpen, error);
  // A lock held elsewhere is waited for up to the query timeout (0: fail at once).
  conn->set_busy_timeout_ms(caps.query_timeout_ms);
  conn->set_query_timeout_ms(caps.query_timeout_ms);
  auto r = std::make_unique<DbConn>();
  r->driver = kDbDriverSqlite;
  r->sqlite = std::move(conn);
  r->caps = caps;
  return registered(*res, std::move(r));
}

DbBuf open_pg(const std::string& uri, ByteView caps_bytes) {
  DbCaps caps;
  if (!parse_caps(caps_bytes, caps)) return x7db_err(kDbOpOpen, kDbBadReq, "caps are not an X7DC v1 (24 bytes)");
  RunResources* res = current_run_resources();
  if (res == nullptr) return x7db_err(kDbOpOpen, kDbBadConn, "std.db opens a connection only while a pipe runs");
  const std::string name = pg_policy_name(uri);
  if (!policy_allows(*res, name))
    return failed_open(*res, kDbPolicyDenied, name + " is not allowed in run-os-sandboxed (--allow-db)");
  std::string error;
  auto conn = os::PgConn::open(uri, caps.connect_timeout_ms, error);
  if (!conn) return failed_open(*res, kDbPgConnect, error);
  if (caps.query_timeout_ms && !conn->set_statement_timeout_ms(caps.query_timeout_ms, error))
    return failed_open(*res, kDbPgConnect, error);
  auto r = std::make_unique<DbConn>();
  r->driver = kDbDriverPg;
  r->pg = std::move(conn);
  r->caps = caps;
  return registered(*res, std::move(r));
}

}  // namespace

// ---- DataModel ----
void dm_put_u32(DbBuf& b, std::uint32_t v) {
  std::uint8_t t[4];
  store_u32le(t, v);
  put_bytes(b, t, 4);
}
void dm_put_null(DbBuf& b) { b.push_back(0); }
void dm_put_number(DbBuf& b, std::string_view digits) {
  b.push_back(2);
  dm_put_u32(b, static_cast<std::uint32_t>(digits.size()));
  put_bytes(b, digits.data(), digits.size());
}
void dm_put_string(DbBuf& b, ByteView s) {
  b.push_back(3);
  dm_put_u32(b, s.size);
  if (s.size) put_bytes(b, s.data, s.size);
}

std::string dm_format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  std::string out = std::signbit(v) ? "-" : "";
  if (v == 0) return out + "0.0";
  char t[64];
  // Shortest round-trip digits in scientific form d[.ddd]e±X; re-laid out as Rust's ryu does.
  const auto r = std::to_chars(t, t + sizeof t, std::fabs(v), std::chars_format::scientific);
  const std::string_view s(t, static_cast<std::size_t>(r.ptr - t));
  const std::size_t e_at = s.find('e');
  std::string digits;
  for (const char c : s.substr(0, e_at))
    if (c != '.') digits += c;
  int exp10 = 0;
  std::from_chars(s.data() + e_at + 1 + (s[e_at + 1] == '+'), s.data() + s.size(), exp10);
  const int len = static_cast<int>(digits.size());
  const int kk = exp10 + 1;  // where the decimal point goes, counted from the first digit
  const int k = kk - len;    // value = digits * 10^k
  if (k >= 0 && kk <= 16) {
    out += digits + std::string(static_cast<std::size_t>(k), '0') + ".0";
  } else if (kk > 0 && kk <= 16) {
    out += digits.substr(0, static_cast<std::size_t>(kk)) + "." + digits.substr(static_cast<std::size_t>(kk));
  } else if (kk > -5 && kk <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-kk), '0') + digits;
  } else if (len == 1) {
    out += digits + "e" + std::to_string(kk - 1);
  } else {
    out += digits.substr(0, 1) + "." + digits.substr(1) + "e" + std::to_string(kk - 1);
  }
  return out;
}

std::int64_t dm_skip_value(ByteView doc, std::uint64_t off, int depth) {
  if (depth > kMaxDepth || off >= doc.size) return -1;
  const std::uint8_t kind = doc.data[off];
  switch (kind) {
    case 0: return static_cast<std::int64_t>(off + 1);
    case 1: return off + 2 <= doc.size ? static_cast<std::int64_t>(off + 2) : -1;
    case 2:
    case 3: {
      if (off + 5 > doc.size) return -1;
      const std::uint64_t end = off + 5 + load_u32le(doc.data + off + 1);
      return end <= doc.size ? static_cast<std::int64_t>(end) : -1;
    }
    case 4:
    case 5: {
      if (off + 5 > doc.size) return -1;
      const std::uint32_t n = load_u32le(doc.data + off + 1);
      std::uint64_t p = off + 5;
      for (std::uint32_t i = 0; i < n; ++i) {
        if (kind == 5) {
          if (p + 4 > doc.size) return -1;
          p += 4 + std::uint64_t{load_u32le(doc.data + p)};
        }
        const std::int64_t e = dm_skip_value(doc, p, depth + 1);
        if (e < 0) return -1;
        p = static_cast<std::uint64_t>(e);
      }
      return static_cast<std::int64_t>(p);
    }
    default: return -1;
  }
}

// ---- X7DB / X7DC ----
DbBuf x7db_ok(std::int32_t op, ByteView payload) {
  DbBuf b;
  b.reserve(20 + payload.size);
  put_bytes(b, kMagicDb, 4);
  dm_put_u32(b, 1);
  dm_put_u32(b, 1);
  dm_put_u32(b, static_cast<std::uint32_t>(op));
  dm_put_u32(b, payload.size);
  if (payload.size) put_bytes(b, payload.data, payload.size);
  return b;
}

DbBuf x7db_err(std::int32_t op, std::int32_t code, std::string_view msg) {
  DbBuf b;
  put_bytes(b, kMagicDb, 4);
  dm_put_u32(b, 1);
  dm_put_u32(b, 0);
  dm_put_u32(b, static_cast<std::uint32_t>(op));
  dm_put_u32(b, static_cast<std::uint32_t>(code));
  dm_put_u32(b, static_cast<std::uint32_t>(msg.size()));
  put_bytes(b, msg.data(), msg.size());
  return b;
}

bool parse_caps(ByteView caps, DbCaps& out) {
  if (caps.size != 24 || std::memcmp(caps.data, kMagicDc, 4) != 0 || load_u32le(caps.data + 4) != 1) return false;
  out.connect_timeout_ms = load_u32le(caps.data + 8);
  out.query_timeout_ms = load_u32le(caps.data + 12);
  out.max_rows = load_u32le(caps.data + 16);
  out.max_resp_bytes = load_u32le(caps.data + 20);
  return true;
}

// ---- the facade ----
DbBuf db_open_v1(ByteView uri_view, ByteView caps) {
  const std::string uri(uri_view.as_chars());
  if (uri.rfind("postgres:", 0) == 0 || uri.rfind("postgresql:", 0) == 0) return open_pg(uri, caps);
  if (uri.rfind("mysql:", 0) == 0)
    return x7db_err(kDbOpOpen, kDbNotImplemented, "this sluice has no driver for " + uri.substr(0, uri.find(':')));
  const std::string path = uri.rfind("sqlite:", 0) == 0 ? uri.substr(7) : uri;
  // The facade opens SQLite read-only (x07-modules §3.4).
  return open_sqlite(path, os::SqliteConn::kReadOnly, caps);
}

DbBuf db_sqlite_open_v1(ByteView path, std::int32_t flags, ByteView caps) {
  return open_sqlite(std::string(path.as_chars()), flags, caps);
}

std::int32_t db_open_handle_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  if (!r.valid || !r.ok || r.op != kDbOpOpen || r.payload.size != 4) return -1;
  const std::uint32_t raw = load_u32le(r.payload.data);
  if (raw == 0 || raw > 0xFFFFFF) return -1;
  std::int32_t driver = kDbDriverSqlite;
  if (RunResources* res = current_run_resources())
    if (auto* c = dynamic_cast<DbConn*>(res->get(static_cast<std::int32_t>(raw)))) driver = c->driver;
  return (driver << 24) + static_cast<std::int32_t>(raw);
}

DbBuf db_query_v1(std::int32_t conn, ByteView sql, ByteView params, ByteView qcaps) {
  RunResources* res = current_run_resources();
  if (res == nullptr) return x7db_err(kDbOpQuery, kDbBadConn, "no connection outside a run");
  DbRowCursor cur;
  if (cur.start(*res, conn, sql, params, qcaps) != 0) return x7db_err(kDbOpQuery, cur.error_code(), cur.error());
  DbBuf doc{1, 5};
  dm_put_u32(doc, 2);
  dm_put_u32(doc, 4);
  put_bytes(doc, "cols", 4);
  doc.push_back(4);
  dm_put_u32(doc, static_cast<std::uint32_t>(cur.columns().size()));
  for (const std::string& c : cur.columns())
    dm_put_string(doc, ByteView(reinterpret_cast<const std::uint8_t*>(c.data()), static_cast<std::uint32_t>(c.size())));
  dm_put_u32(doc, 4);
  put_bytes(doc, "rows", 4);
  doc.push_back(4);
  const std::size_t count_at = doc.size();
  dm_put_u32(doc, 0);  // the row count, filled in at the end
  std::uint32_t n = 0;
  ByteView row;
  for (;;) {
    const DbRowCursor::Step s = cur.next(row);
    if (s == DbRowCursor::Step::kDone) break;
    if (s == DbRowCursor::Step::kError) return x7db_err(kDbOpQuery, cur.error_code(), cur.error());
    put_bytes(doc, row.data, row.size);
    ++n;
  }
  store_u32le(doc.data() + count_at, n);
  return x7db_ok(kDbOpQuery, ByteView(doc.data(), static_cast<std::uint32_t>(doc.size())));
}

DbBuf db_exec_v1(std::int32_t conn, ByteView sql, ByteView params, ByteView qcaps) {
  RunResources* res = current_run_resources();
  DbConn* c = find_conn(res, conn);
  if (c == nullptr) return x7db_err(kDbOpExec, kDbBadConn, "not an open connection: " + std::to_string(conn));
  DbCaps q;
  if (qcaps.size != 0 && !parse_caps(qcaps, q)) return x7db_err(kDbOpExec, kDbBadReq, "qcaps are not an X7DC v1 (24 bytes)");
  if (c->pg) {
    std::vector<std::string> vals;
    std::vector<bool> nulls;
    std::string error;
    if (params.size != 0 && (params.size < 2 || params.data[0] != 1))
      return x7db_err(kDbOpExec, kDbBadReq, "params_doc is not an OK doc holding a seq");
    if (const std::int32_t code = pg_params(params, 1, vals, nulls, error)) return x7db_err(kDbOpExec, code, error);
    os::PgFailure f = os::PgFailure::kNone;
    if (!c->pg->start(sql.as_chars(), vals, nulls, error, f)) return x7db_err(kDbOpExec, pg_code(f), error);
    for (;;) {
      const os::PgConn::Step st = c->pg->next(error, f);
      if (st == os::PgConn::Step::kDone) break;
      if (st == os::PgConn::Step::kError) return x7db_err(kDbOpExec, pg_code(f), error);
    }
    DbBuf doc{1, 5};
    dm_put_u32(doc, 2);
    dm_put_u32(doc, 14);
    put_bytes(doc, "last_insert_id", 14);
    put_i64(doc, 0);  // PostgreSQL has no last insert id (use RETURNING)
    dm_put_u32(doc, 13);
    put_bytes(doc, "rows_affected", 13);
    put_i64(doc, c->pg->rows_affected());
    return x7db_ok(kDbOpExec, ByteView(doc.data(), static_cast<std::uint32_t>(doc.size())));
  }
  os::SqliteStmt stmt;
  std::string error;
  if (!stmt.prepare(*c->sqlite, sql.as_chars(), error)) return x7db_err(kDbOpExec, kDbSqlitePrepare, error);
  if (const std::int32_t code = bind_params(stmt, params, error)) return x7db_err(kDbOpExec, code, error);
  const DbCaps eff = merge_caps(c->caps, q);
  c->sqlite->set_query_timeout_ms(eff.query_timeout_ms);
  stmt.start_clock();
  for (;;) {
    const os::SqliteStep s = stmt.step(error);
    if (s == os::SqliteStep::kDone) break;
    if (s == os::SqliteStep::kError) return x7db_err(kDbOpExec, kDbSqliteStep, error);
  }
  DbBuf doc{1, 5};
  dm_put_u32(doc, 2);
  dm_put_u32(doc, 14);
  put_bytes(doc, "last_insert_id", 14);
  put_i64(doc, c->sqlite->last_insert_rowid());
  dm_put_u32(doc, 13);
  put_bytes(doc, "rows_affected", 13);
  put_i64(doc, c->sqlite->changes());
  return x7db_ok(kDbOpExec, ByteView(doc.data(), static_cast<std::uint32_t>(doc.size())));
}

DbBuf db_close_v1(std::int32_t conn, ByteView) {
  RunResources* res = current_run_resources();
  if (find_conn(res, conn) == nullptr) return x7db_err(kDbOpClose, kDbBadConn, "not an open connection: " + std::to_string(conn));
  res->close(conn & 0xFFFFFF);
  return x7db_ok(kDbOpClose, {});
}

DbBuf db_query_rows_doc_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  if (r.valid && r.ok) return DbBuf(r.payload.begin(), r.payload.end());
  DbBuf d(9, 0);
  store_u32le(d.data() + 1, static_cast<std::uint32_t>(r.valid ? r.code : 0));
  return d;
}

std::int32_t db_exec_rows_affected_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  if (!r.valid || !r.ok || r.payload.size < 2 || r.payload.data[0] != 1) return -1;
  const std::int64_t at = map_find(r.payload, 1, "rows_affected");
  if (at < 0 || r.payload.data[at] != 2 || dm_skip_value(r.payload, static_cast<std::uint64_t>(at)) < 0) return -1;
  const std::uint32_t len = load_u32le(r.payload.data + at + 1);
  const char* p = reinterpret_cast<const char*>(r.payload.data + at + 5);
  std::int64_t v = 0;
  const auto rc = std::from_chars(p, p + len, v);
  if (rc.ec != std::errc() || rc.ptr != p + len || v < 0 || v > 0x7FFFFFFF) return -1;
  return static_cast<std::int32_t>(v);
}

std::int32_t db_resp_is_ok_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  return r.valid && r.ok ? 1 : 0;
}
std::int32_t db_resp_err_code_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  return r.valid && !r.ok ? r.code : 0;
}
DbBuf db_resp_err_msg_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  return r.valid && !r.ok ? DbBuf(r.payload.begin(), r.payload.end()) : DbBuf{};
}
DbBuf db_resp_ok_payload_v1(ByteView resp) {
  const Resp r = parse_resp(resp);
  return r.valid && r.ok ? DbBuf(r.payload.begin(), r.payload.end()) : DbBuf{};
}

DbBuf db_caps_default_v1() { return db_caps_pack_v1(0, 0, 0, 0); }
DbBuf db_caps_pack_v1(std::int32_t ct, std::int32_t qt, std::int32_t rows, std::int32_t bytes) {
  DbBuf b;
  put_bytes(b, kMagicDc, 4);
  dm_put_u32(b, 1);
  for (const std::int32_t v : {ct, qt, rows, bytes}) dm_put_u32(b, v < 0 ? 0u : static_cast<std::uint32_t>(v));
  return b;
}

DbBuf db_params_empty_v1() { return {1, 4, 0, 0, 0, 0}; }
DbBuf db_params_one_null_v1() { return {1, 4, 1, 0, 0, 0, 0}; }
DbBuf db_params_one_bool_v1(std::int32_t v) { return {1, 4, 1, 0, 0, 0, 1, static_cast<std::uint8_t>(v != 0)}; }
DbBuf db_params_one_number_dec_v1(ByteView digits) {
  DbBuf b{1, 4, 1, 0, 0, 0};
  dm_put_number(b, digits.as_chars());
  return b;
}
DbBuf db_params_one_string_v1(ByteView s) {
  DbBuf b{1, 4, 1, 0, 0, 0};
  dm_put_string(b, s);
  return b;
}

// ---- the statement sink ----
struct DbRowWriter::Impl {
  DbConn* conn = nullptr;
  os::SqliteStmt stmt;
  os::PgConn* pg = nullptr;  // set: writing to PostgreSQL (a prepared statement, $1.. params)
  std::vector<std::string> vals;  // reused per row
  std::vector<bool> nulls;
};

DbRowWriter::DbRowWriter() = default;
DbRowWriter::~DbRowWriter() {
  // A run that ends without finish() (an ERR upstream, a trap) leaves no half batch behind.
  if (impl_ && in_batch_) rollback();
}

std::int32_t DbRowWriter::start(RunResources& res, std::int32_t conn, ByteView sql) {
  DbConn* c = find_conn(&res, conn);
  if (c == nullptr) {
    if (conn == -1 && res.last_open_error != 0) {
      error_ = res.last_open_message;
      return res.last_open_error;
    }
    error_ = "not an open connection: " + std::to_string(conn);
    return kDbBadConn;
  }
  impl_ = std::make_unique<Impl>();
  impl_->conn = c;
  if (c->pg) {
    impl_->pg = c->pg.get();
    os::PgFailure f = os::PgFailure::kNone;
    if (!impl_->pg->prepare(sql.as_chars(), error_, f)) return pg_code(f);
    return 0;
  }
  if (!impl_->stmt.prepare(*c->sqlite, sql.as_chars(), error_)) return kDbSqlitePrepare;
  c->sqlite->set_query_timeout_ms(c->caps.query_timeout_ms);
  return 0;
}

std::int32_t DbRowWriter::write(ByteView row) {
  if (impl_->pg) {
    os::PgFailure f = os::PgFailure::kNone;
    if (!in_batch_) {
      if (!impl_->pg->exec_simple("BEGIN", error_, f)) return pg_code(f);
      in_batch_ = true;
    }
    impl_->vals.clear();
    impl_->nulls.clear();
    if (const std::int32_t code = pg_params(row, 0, impl_->vals, impl_->nulls, error_)) return code;
    if (!impl_->pg->exec_prepared(impl_->vals, impl_->nulls, error_, f)) return pg_code(f);
    rows_affected_ += impl_->pg->rows_affected();  // last_insert_id stays 0: PostgreSQL has none
    ++batch_rows_;
    return 0;
  }
  if (!in_batch_) {
    if (!impl_->conn->sqlite->exec_simple("BEGIN", error_)) return kDbSqliteStep;
    in_batch_ = true;
  }
  impl_->stmt.reset();
  if (const std::int32_t code = bind_seq(impl_->stmt, row, 0, error_)) return code;
  impl_->stmt.start_clock();
  for (;;) {
    const os::SqliteStep s = impl_->stmt.step(error_);
    if (s == os::SqliteStep::kDone) break;
    if (s == os::SqliteStep::kError) return kDbSqliteStep;
  }
  rows_affected_ += impl_->conn->sqlite->changes();
  last_insert_id_ = impl_->conn->sqlite->last_insert_rowid();
  ++batch_rows_;
  return 0;
}

std::int32_t DbRowWriter::commit() {
  if (!in_batch_) return 0;
  if (impl_->pg) {
    os::PgFailure f = os::PgFailure::kNone;
    if (!impl_->pg->exec_simple("COMMIT", error_, f)) return pg_code(f);
  } else {
    impl_->stmt.reset();  // a statement still active would keep the transaction open
    if (!impl_->conn->sqlite->exec_simple("COMMIT", error_)) return kDbSqliteStep;
  }
  in_batch_ = false;
  committed_rows_ += batch_rows_;
  committed_affected_ = rows_affected_;
  batch_rows_ = 0;
  return 0;
}

void DbRowWriter::rollback() {
  if (!in_batch_) return;
  std::string ignored;
  if (impl_->pg) {
    os::PgFailure f = os::PgFailure::kNone;
    impl_->pg->exec_simple("ROLLBACK", ignored, f);
  } else {
    impl_->stmt.reset();
    impl_->conn->sqlite->exec_simple("ROLLBACK", ignored);
  }
  in_batch_ = false;
  rows_affected_ = committed_affected_;
  batch_rows_ = 0;
}

DbBuf DbRowWriter::exec_doc() const {
  DbBuf doc{1, 5};
  dm_put_u32(doc, 2);
  dm_put_u32(doc, 14);
  put_bytes(doc, "last_insert_id", 14);
  put_i64(doc, last_insert_id_);
  dm_put_u32(doc, 13);
  put_bytes(doc, "rows_affected", 13);
  put_i64(doc, rows_affected_);
  return doc;
}

// ---- the row cursor ----
struct DbRowCursor::Impl {
  os::SqliteStmt stmt;
  int ncols = 0;
  os::PgConn* pg = nullptr;  // set: the query runs on PostgreSQL
  int pg_pending = -1;       // PostgreSQL: the first step, taken in start() for the column names
};

DbRowCursor::DbRowCursor() = default;
DbRowCursor::~DbRowCursor() = default;

std::int32_t DbRowCursor::start(RunResources& res, std::int32_t conn, ByteView sql, ByteView params, ByteView qcaps) {
  DbConn* c = find_conn(&res, conn);
  if (c == nullptr) {
    if (conn == -1 && res.last_open_error != 0) {  // the handle of a failed open: say why it failed
      error_ = res.last_open_message;
      return code_ = res.last_open_error;
    }
    error_ = "not an open connection: " + std::to_string(conn);
    return code_ = kDbBadConn;
  }
  DbCaps q;
  if (qcaps.size != 0 && !parse_caps(qcaps, q)) {
    error_ = "qcaps are not an X7DC v1 (24 bytes)";
    return code_ = kDbBadReq;
  }
  caps_ = merge_caps(c->caps, q);
  impl_ = std::make_unique<Impl>();
  if (c->pg) {
    impl_->pg = c->pg.get();
    std::vector<std::string> vals;
    std::vector<bool> nulls;
    if (params.size != 0 && (params.size < 2 || params.data[0] != 1)) {
      error_ = "params_doc is not an OK doc holding a seq";
      return code_ = kDbBadReq;
    }
    if (const std::int32_t code = pg_params(params, 1, vals, nulls, error_)) return code_ = code;
    os::PgFailure f = os::PgFailure::kNone;
    if (!impl_->pg->start(sql.as_chars(), vals, nulls, error_, f)) return code_ = pg_code(f);
    // The column names come with the first result: take the first step now.
    const os::PgConn::Step st = impl_->pg->next(error_, f);
    if (st == os::PgConn::Step::kError) return code_ = pg_code(f);
    impl_->pg_pending = static_cast<int>(st);
    for (int i = 0; i < impl_->pg->column_count(); ++i) cols_.emplace_back(impl_->pg->column_name(i));
    return 0;
  }
  if (!impl_->stmt.prepare(*c->sqlite, sql.as_chars(), error_)) return code_ = kDbSqlitePrepare;
  if (const std::int32_t code = bind_params(impl_->stmt, params, error_)) return code_ = code;
  impl_->ncols = impl_->stmt.column_count();
  cols_.clear();
  for (int i = 0; i < impl_->ncols; ++i) cols_.emplace_back(impl_->stmt.column_name(i));
  c->sqlite->set_query_timeout_ms(caps_.query_timeout_ms);
  impl_->stmt.start_clock();
  return 0;
}

DbRowCursor::Step DbRowCursor::next(ByteView& row) {
  if (!impl_ || code_ != 0) return Step::kError;
  if (impl_->pg) {
    os::PgFailure f = os::PgFailure::kNone;
    const os::PgConn::Step st = impl_->pg_pending >= 0 ? static_cast<os::PgConn::Step>(impl_->pg_pending)
                                                       : impl_->pg->next(error_, f);
    impl_->pg_pending = -1;
    if (st == os::PgConn::Step::kDone) return Step::kDone;
    if (st == os::PgConn::Step::kError) {
      code_ = pg_code(f);
      return Step::kError;
    }
  } else {
    switch (impl_->stmt.step(error_)) {
      case os::SqliteStep::kDone: return Step::kDone;
      case os::SqliteStep::kError: code_ = kDbSqliteStep; return Step::kError;
      case os::SqliteStep::kRow: break;
    }
  }
  if (caps_.max_rows != 0 && rows_ >= caps_.max_rows) {
    error_ = "more than max_rows (" + std::to_string(caps_.max_rows) + ") rows";
    code_ = kDbTooLarge;
    return Step::kError;
  }
  ++rows_;
  row_.clear();  // capacity kept: no allocation per row once the widest row was seen
  if (impl_->pg) encode_pg_row(*impl_->pg, row_);
  else encode_row(impl_->stmt, impl_->ncols, row_);
  resp_bytes_ += row_.size();
  if (caps_.max_resp_bytes != 0 && resp_bytes_ > caps_.max_resp_bytes) {
    error_ = "the response is over max_resp_bytes (" + std::to_string(caps_.max_resp_bytes) + ")";
    code_ = kDbTooLarge;
    return Step::kError;
  }
  row = ByteView(row_.data(), static_cast<std::uint32_t>(row_.size()));
  return Step::kRow;
}

}  // namespace sluice::x07rt
