// std.stream.xf.json_canon_stream_v1 through the real front end and interpreter: the catalog entry,
// the defaults of spec §7.8, the max_in_bytes reduction of §3, "at most one per pipe", the stage
// index in ERR payloads, and X07's two fixtures (§15).
#include <doctest/doctest.h>

#include <string>

#include "runtime/result_doc.hpp"
#include "tests/support/pipes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

std::string json_canon(const std::string& fields = "") {
  return "[\"std.stream.xf.json_canon_stream_v1\"" + (fields.empty() ? "" : ", " + fields) + "]";
}

const std::string kFixtureFields =
    "[\"max_depth\", 64], [\"max_total_json_bytes\", 64], [\"max_object_members\", 64], "
    "[\"max_object_total_bytes\", 256], [\"emit_chunk_max_bytes\", 64]";

std::string le(std::uint32_t v) {
  std::vector<std::uint8_t> b(4);
  store_u32le(b.data(), v);
  return to_hex(b);
}

std::string err_doc(std::uint32_t code, const std::string& msg, const std::string& payload_hex) {
  return "00" + le(code) + le(static_cast<std::uint32_t>(msg.size())) +
         to_hex(std::vector<std::uint8_t>(msg.begin(), msg.end())) + le(static_cast<std::uint32_t>(payload_hex.size() / 2)) +
         payload_hex;
}

PipeRun run(const std::string& descriptor) { return compile_and_run(descriptor, World::kSolvePure); }

const Plan& plan_of(const PipeRun& r) { return *r.compiled.plan; }

}  // namespace

TEST_CASE("json_canon pipe: X07's fixtures (spec §15)") {
  const PipeRun ok = run(pipe(CfgText{}, bytes_src("{\"b\":1,\"a\":2}"), {json_canon(kFixtureFields)}, collect()));
  REQUIRE(ok.compiled.ok());
  CHECK(to_hex(ok.outcome.doc) == "010d0000000d00000001000000010000000d000000" +
                                      to_hex(std::vector<std::uint8_t>{'{', '"', 'a', '"', ':', '2', ',', '"', 'b', '"', ':', '1', '}'}));
  const PipeRun err = run(pipe(CfgText{}, bytes_src("{\"a\":1}x"), {json_canon(kFixtureFields)}, collect()));
  REQUIRE(err.compiled.ok());
  CHECK(to_hex(err.outcome.doc) == err_doc(24, "stream:json_trailing_data", "0700000000000000"));
}

TEST_CASE("json_canon pipe: defaults are resolved from the cfg (spec §7.8)") {
  CfgText cfg;
  cfg.chunk = 4;
  cfg.bufread = 4;
  cfg.max_in = 100;
  cfg.max_out = 1000;
  const PipeRun r = run(pipe(cfg, bytes_src("{\"b\":1,\"a\":2}"), {json_canon()}, u32frames(collect())));
  REQUIRE(r.compiled.ok());
  const PlanStage& st = plan_of(r).chain.at(0);
  CHECK(st.int_arg("max_depth") == 64);
  CHECK(st.int_arg("max_total_json_bytes") == 100);
  CHECK(st.int_arg("max_object_members") == 4096);
  CHECK(st.int_arg("max_object_total_bytes") == 1000);
  CHECK(st.int_arg("emit_chunk_max_bytes") == 4);
  // emit_chunk_max_bytes = chunk_max_bytes: 13 canonical bytes in items of 4, 4, 4, 1.
  REQUIRE(r.outcome.status == RunStatus::kOk);
  CHECK(r.outcome.counters.items_out == 4);
  CfgText big;
  big.max_out = 100000000;
  const PipeRun capped = run(pipe(big, bytes_src("[]"), {json_canon()}, collect()));
  REQUIRE(capped.compiled.ok());
  CHECK(plan_of(capped).chain.at(0).int_arg("max_object_total_bytes") == 4194304);
}

TEST_CASE("json_canon pipe: an explicit max_total_json_bytes below max_in_bytes lowers it (spec §3)") {
  CfgText cfg;
  cfg.max_in = 64;
  const std::string doc = "{\"b\":1,\"a\":2}";  // 13 bytes
  const PipeRun at = run(pipe(cfg, bytes_src(doc), {json_canon("[\"max_total_json_bytes\", 13]")}, collect()));
  REQUIRE(at.compiled.ok());
  CHECK(plan_of(at).cfg.max_in_bytes == 13);
  CHECK(at.outcome.status == RunStatus::kOk);
  // One past: the source's budget fails first, so the error is budget_in_bytes, not the stage's.
  const PipeRun past = run(pipe(cfg, bytes_src(doc), {json_canon("[\"max_total_json_bytes\", 12]")}, collect()));
  REQUIRE(past.compiled.ok());
  CHECK(to_hex(past.outcome.doc) == err_doc(2, "stream:budget_in_bytes", ""));
  // Not lowered by a larger value, nor by a default.
  const PipeRun larger = run(pipe(cfg, bytes_src(doc), {json_canon("[\"max_total_json_bytes\", 1000]")}, collect()));
  CHECK(plan_of(larger).cfg.max_in_bytes == 64);
}

TEST_CASE("json_canon pipe: a document read in chunks by the fs source") {
  TempDir root;
  write_file(root.file("in.json"), "[1, 2, 3, 4, 5, 6, 7, 8, 9]");  // 27 bytes
  CfgText cfg;
  cfg.chunk = 5;
  cfg.bufread = 5;
  cfg.max_in = 27;
  const std::string d = pipe(cfg, fs_src("in.json"), {json_canon()}, collect());
  const PipeRun r = compile_and_run(d, World::kSolveFs, root.path());
  REQUIRE(r.compiled.ok());
  REQUIRE(r.outcome.status == RunStatus::kOk);
  CHECK(r.outcome.counters.items_in == 6);
  CHECK(r.outcome.counters.bytes_out == 19);
}

TEST_CASE("json_canon pipe: the ERR payload names the stage's index in the chain") {
  const PipeRun r = run(pipe(CfgText{}, bytes_src("[1,\n2,]"), {take(5), json_canon(), take(5)}, collect()));
  REQUIRE(r.compiled.ok());
  CHECK(to_hex(r.outcome.doc) == err_doc(20, "stream:json_syntax", le(6) + le(1)));
  const PipeRun empty = run(pipe(CfgText{}, bytes_src(" "), {json_canon()}, collect()));
  CHECK(to_hex(empty.outcome.doc) == err_doc(20, "stream:json_syntax", le(0) + le(0)));
}

TEST_CASE("json_canon pipe: at most one per pipe, unless the cfg already fails at run time") {
  const std::string two = pipe(CfgText{}, bytes_src("[]"), {json_canon(), json_canon()}, collect());
  const CompileResult c = compile_pipe_text(two, "two.json", CompileOptions{.world = World::kSolvePure});
  REQUIRE_FALSE(c.ok());
  bool found = false;
  for (const Diagnostic& d : c.diagnostics) found = found || d.code == "E_PIPE_JSON_CANON_MULTIPLE";
  CHECK(found);
  CfgText bad;
  bad.max_items = 0;
  const PipeRun r = run(pipe(bad, bytes_src("[]"), {json_canon(), json_canon()}, collect()));
  REQUIRE(r.compiled.ok());
  CHECK(to_hex(r.outcome.doc) == err_doc(1, "stream:cfg_invalid", ""));
}

TEST_CASE("json_canon pipe: a field below 1 is a compile error") {
  const std::string d = pipe(CfgText{}, bytes_src("[]"), {json_canon("[\"max_depth\", 0]")}, collect());
  CHECK_FALSE(compile_pipe_text(d, "zero.json", CompileOptions{.world = World::kSolvePure}).ok());
}

}  // namespace sluice::test
