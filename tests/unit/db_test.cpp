// Tests of stdlib/x07/db: exact X7DB/X7DC/DataModel bytes of x07-modules §3 (the spec's own hex),
// REAL printed as ryu, the response accessors, and the facade over a real temporary SQLite
// database with the run's resource table: open, exec, query doc, close, policy, failed opens.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "stdlib/x07/db.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;
using namespace sluice::x07rt;
using sluice::test::TempDir;

namespace {

using test::to_hex;
ByteView view(const DbBuf& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }
ByteView lit(const char* s) { return ByteView::of(s); }

}  // namespace

TEST_CASE("db: caps, params and envelopes are the spec's bytes") {
  CHECK(to_hex(db_caps_default_v1()) == "583744430100000000000000000000000000000000000000");
  CHECK(to_hex(db_caps_pack_v1(-5, 1000, 3, 0)) == "583744430100000000000000e80300000300000000000000");
  CHECK(to_hex(db_params_empty_v1()) == "010400000000");
  CHECK(to_hex(db_params_one_string_v1(lit("x"))) == "01040100000003010000007" "8");
  CHECK(to_hex(db_params_one_null_v1()) == "01040100000000");
  CHECK(to_hex(db_params_one_bool_v1(7)) == "0104010000000101");
  CHECK(to_hex(db_params_one_number_dec_v1(lit("42"))) == "0104010000000202000000" "3432");
  const std::uint8_t raw[4] = {5, 0, 0, 0};
  const DbBuf ok = x7db_ok(kDbOpOpen, ByteView(raw, 4));
  CHECK(to_hex(ok) == "58374442" "01000000" "01000000" "01000000" "04000000" "05000000");
  CHECK(db_resp_is_ok_v1(view(ok)) == 1);
  CHECK(db_resp_err_code_v1(view(ok)) == 0);
  CHECK(db_open_handle_v1(view(ok)) == (1 << 24) + 5);  // no run: sqlite
  const DbBuf err = x7db_err(kDbOpQuery, kDbSqlitePrepare, "no such table: t");
  CHECK(db_resp_is_ok_v1(view(err)) == 0);
  CHECK(db_resp_err_code_v1(view(err)) == 53505);
  const DbBuf msg = db_resp_err_msg_v1(view(err));
  CHECK(std::string(msg.begin(), msg.end()) == "no such table: t");
  CHECK(to_hex(db_query_rows_doc_v1(view(err))) == "00" "01d10000" "00000000");
  CHECK(db_open_handle_v1(view(err)) == -1);
  // Malformed X7DB: err code 0, not ok, handle -1.
  CHECK(db_resp_err_code_v1(lit("X7DB")) == 0);
  CHECK(db_resp_is_ok_v1(lit("")) == 0);
  CHECK(db_open_handle_v1(lit("nope")) == -1);
}

TEST_CASE("db: REAL is printed as Rust's ryu does") {
  CHECK(dm_format_double(1.5) == "1.5");
  CHECK(dm_format_double(3.0) == "3.0");
  CHECK(dm_format_double(1e20) == "1e20");
  CHECK(dm_format_double(1e-7) == "1e-7");
  CHECK(dm_format_double(1e-5) == "0.00001");
  CHECK(dm_format_double(1e15) == "1000000000000000.0");
  CHECK(dm_format_double(1e16) == "1e16");
  CHECK(dm_format_double(0.1) == "0.1");
  CHECK(dm_format_double(-2.5) == "-2.5");
  CHECK(dm_format_double(-0.0) == "-0.0");
  CHECK(dm_format_double(1.2345678901234567e16) == "1.2345678901234568e16");
  CHECK(dm_format_double(5e-324) == "5e-324");
}

TEST_CASE("db: the facade over a real SQLite file, with the run's resources") {
  TempDir dir;
  RunResources res;
  res.root.dir = dir.path();
  RunResourcesScope scope(&res);
  const DbBuf caps = db_caps_default_v1();
  // Create (flags 2), write, then read back through the read-only facade: §3.3's example doc.
  const std::int32_t rw = db_open_handle_v1(view(db_sqlite_open_v1(lit("t.db"), 2, view(caps))));
  REQUIRE(rw == (1 << 24) + 1);
  CHECK(db_exec_rows_affected_v1(view(db_exec_v1(rw, lit("create table s (id integer, name text, note text)"), {}, {}))) == 0);
  const DbBuf ins = db_exec_v1(rw, lit("insert into s values (?, 'a', NULL)"), view(db_params_one_number_dec_v1(lit("1"))), {});
  CHECK(db_exec_rows_affected_v1(view(ins)) == 1);
  CHECK(to_hex(db_resp_ok_payload_v1(view(ins))) ==
        "0105020000000e0000006c6173745f696e736572745f6964020100000031"
        "0d000000726f77735f616666656374656402010000003" "1");
  CHECK(std::filesystem::exists(dir.file("t.db")));  // relative to the root
  const std::int32_t ro = db_open_handle_v1(view(db_open_v1(lit("sqlite:t.db"), view(caps))));
  CHECK(ro == (1 << 24) + 2);
  const DbBuf doc = db_query_rows_doc_v1(view(db_query_v1(ro, lit("select id, name, note from s"), {}, view(caps))));
  CHECK(doc.size() == 75);
  CHECK(to_hex(doc) ==
        "01050200000004000000636f6c73040300000003020000006964030400000" "06e616d6503040000006e6f7465"
        "04000000726f7773040100000004030000000201000000310301000000610" "0");
  CHECK(dm_skip_value(view(doc), 1) == 75);
  // The facade is read-only.
  CHECK(db_resp_err_code_v1(view(db_exec_v1(ro, lit("delete from s"), {}, {}))) == kDbSqliteStep);
  CHECK(db_resp_err_code_v1(view(db_query_v1(ro, lit("selec"), {}, {}))) == kDbSqlitePrepare);
  CHECK(db_resp_err_code_v1(view(db_query_v1(ro, lit("select 1"), {}, lit("X7DC")))) == kDbBadReq);
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("t.db"), lit("short")))) == kDbBadReq);
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("missing.db"), view(caps)))) == kDbSqliteOpen);
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("mysql://h:1/db"), view(caps)))) == kDbNotImplemented);
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("postgres://u:p@127.0.0.1:1/db"), view(caps)))) == kDbPgConnect);
  // Close: the handle is gone, a second close is a bad connection.
  CHECK(to_hex(db_close_v1(ro, view(caps))) == "58374442" "01000000" "01000000" "04000000" "00000000");
  CHECK(db_resp_err_code_v1(view(db_close_v1(ro, view(caps)))) == kDbBadConn);
  CHECK(res.open_count() == 1);
  // Sandboxed: denied unless allowed, the path as written.
  res.db_policy.sandboxed = true;
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("t.db"), view(caps)))) == kDbPolicyDenied);
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("postgresql://u:p@127.0.0.1:1/db"), view(caps)))) == kDbPolicyDenied);
  res.db_policy.allow = {"sqlite:t.db", "postgres://127.0.0.1:1"};
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit("postgresql://u:p@127.0.0.1:1/db"), view(caps)))) == kDbPgConnect);
  CHECK(db_resp_is_ok_v1(view(db_open_v1(lit("t.db"), view(caps)))) == 1);
  res.close_all();
  CHECK(res.open_count() == 0);
}

TEST_CASE("db: no std.db connection outside a run") {
  CHECK(current_run_resources() == nullptr);
  CHECK(db_resp_err_code_v1(view(db_open_v1(lit(":memory:"), view(db_caps_default_v1())))) == kDbBadConn);
}
