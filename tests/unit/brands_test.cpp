// Tests of compiler/brands (spec x07-pipes §12): the brand lab (auto + verify inserts two
// validators around the map: five stages in order), same/none/any, claims, the sink, the
// registry from the pipe's module or brand_registry_ref_v1, and each brand diagnostic with its
// pointer and both brands in the message.
#include <doctest/doctest.h>

#include "compiler/front_end.hpp"
#include "compiler/plan_print.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;

namespace {

// An entry module with the brand lab's stages and registry; `cfg_extra`, `chain` vary.
std::string lab(const std::string& cfg_extra, const std::string& chain, const std::string& sink = R"(["std.stream.sink.collect_bytes_v1"])",
                const std::string& src_extra = "") {
  return R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [],
 "meta": {"brands_v1": {"main.frame_payload_v1": {"validate": "main.check_payload"},
                        "main.event_line_v1": {"validate": "main.check_line"}}},
 "decls": [
  {"kind": "defn", "name": "main.check_payload", "params": [{"name": "x", "ty": "bytes_view"}], "result": "result_i32",
   "body": ["if", ["=", ["view.len", "x"], 0], ["result_i32.err", 1], ["result_i32.ok", 0]]},
  {"kind": "defn", "name": "main.check_line", "params": [{"name": "x", "ty": "bytes_view"}], "result": "result_i32",
   "body": ["result_i32.ok", 0]},
  {"kind": "defn", "name": "main.to_line",
   "params": [{"name": "x", "ty": "bytes_view", "brand": "main.frame_payload_v1"}], "result": "bytes", "result_brand": "main.event_line_v1",
   "body": ["bytes.concat", ["view.to_bytes", "x"], ["bytes.lit", "\n"]]}],
 "solve": ["std.stream.pipe_v1",
   ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10])" +
         cfg_extra + R"(],
   ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.concat", ["codec.write_u32_le", 2], ["bytes.lit", "hi"]]])" + src_extra + R"(],
   ["std.stream.chain_v1", )" + chain + R"(],
   )" + sink + "]}";
}

const std::string kLabChain = R"(["std.stream.xf.deframe_u32le_v1", ["max_frame_bytes", 16]],
     ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.to_line"]],
     ["std.stream.xf.frame_u32le_v1"])";
const std::string kAutoVerify = R"(, ["auto_require_brand_v1", 1], ["verify_produced_brands_v1", 1])";

CompileResult compile(const std::string& text) { return compile_pipe_text(text, "lab.json", CompileOptions{.world = World::kSolvePure}); }

Diagnostic only(const CompileResult& r, const std::string& code) {
  for (const Diagnostic& d : r.diagnostics) INFO(format_text(d));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == code);
  return r.diagnostics[0];
}

}  // namespace

TEST_CASE("brands: the brand lab elaborates to deframe, require, map, require, frame") {
  const CompileResult r = compile(lab(kAutoVerify, kLabChain));
  for (const Diagnostic& d : r.diagnostics) INFO(format_text(d));
  REQUIRE(r.plan);
  const Plan& p = *r.plan;
  REQUIRE(p.chain.size() == 5);
  CHECK(p.chain[0].spec->id == "std.stream.xf.deframe_u32le_v1");
  CHECK(p.chain[1].spec->id == "std.stream.xf.require_brand_v1");
  CHECK(p.chain[1].inserted);
  CHECK(p.chain[1].bytes_arg("brand").as_chars() == "main.frame_payload_v1");
  CHECK(p.chain[1].bytes_arg("validator").as_chars() == "main.check_payload");
  CHECK(p.chain[2].spec->id == "std.stream.xf.map_bytes_v1");
  CHECK(p.chain[2].in_brand == "main.frame_payload_v1");
  CHECK(p.chain[2].out_brand == "main.event_line_v1");
  CHECK(p.chain[3].spec->id == "std.stream.xf.require_brand_v1");
  CHECK(p.chain[3].inserted);
  CHECK(p.chain[3].bytes_arg("brand").as_chars() == "main.event_line_v1");
  CHECK(p.chain[4].spec->id == "std.stream.xf.frame_u32le_v1");
  CHECK_FALSE(p.chain[4].inserted);
  CHECK(p.chain[4].out_brand == "none");
  // Pointers of an entry module's pipe are inside solve; inserted stages point at their cause.
  CHECK(p.chain[0].pointer == "/solve/3/1");
  CHECK(p.chain[1].pointer == "/solve/3/2");

  const std::string text = plan_to_text(p);
  CHECK(text.find("1: std.stream.xf.require_brand_v1 brand=main.frame_payload_v1 validator=main.check_payload "
                  "max_item_bytes=0 (default) (inserted)  [any -> main.frame_payload_v1]") != std::string::npos);
  CHECK(text.find("2: std.stream.xf.map_bytes_v1 fn=main.to_line  [main.frame_payload_v1 -> main.event_line_v1]") != std::string::npos);
  const std::string json = plan_to_json(p);
  CHECK(json.find("\"inserted\": true") != std::string::npos);

  // And it runs: the frame "hi" becomes the framed line "hi\n".
  const RunOutcome out = run_plan(p, RunOptions{});
  CHECK(test::to_hex(out.doc) == "01060000000700000001000000010000000700000003000000" "68690a");
}

TEST_CASE("brands: without auto, a branded map param on unbranded items is E_PIPE_BRAND_REQUIRED") {
  const Diagnostic d = only(compile(lab("", kLabChain)), "E_PIPE_BRAND_REQUIRED");
  CHECK(d.pointer == "/solve/3/2");
  CHECK(d.message.find("expected bytes_view@main.frame_payload_v1, got unbranded bytes_view") != std::string::npos);
  // An explicit validator before the map satisfies it; without verify nothing is added after.
  const CompileResult ok = compile(lab("", R"(["std.stream.xf.deframe_u32le_v1", ["max_frame_bytes", 16]],
     ["std.stream.xf.require_brand_v1", ["brand", "main.frame_payload_v1"]],
     ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.to_line"]])"));
  REQUIRE(ok.plan);
  CHECK(ok.plan->chain.size() == 3);
  CHECK(ok.plan->chain[1].bytes_arg("validator").as_chars() == "main.check_payload");  // from the registry
}

TEST_CASE("brands: mismatch names both brands at the stage") {
  const Diagnostic d = only(compile(lab("", R"(["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.to_line"]])", R"(["std.stream.sink.collect_bytes_v1"])",
                                        R"(, ["out_item_brand", "main.event_line_v1"])")),
                            "E_PIPE_BRAND_MISMATCH");
  CHECK(d.pointer == "/solve/3/1");
  CHECK(d.message.find("expected bytes_view@main.frame_payload_v1, got bytes_view@main.event_line_v1") != std::string::npos);
}

TEST_CASE("brands: same, none, any and the sink") {
  // filter keeps the brand (out same); take with in same needs one.
  const CompileResult kept = compile(lab("", R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5], ["in_item_brand", "same"]])",
                                         R"(["std.stream.sink.collect_bytes_v1", ["in_item_brand", "main.event_line_v1"]])",
                                         R"(, ["out_item_brand", "main.event_line_v1"])"));
  REQUIRE(kept.plan);
  CHECK(kept.plan->chain[0].in_brand == "main.event_line_v1");
  CHECK(kept.plan->chain[0].out_brand == "main.event_line_v1");
  // out none clears it, and the sink's requirement then fails.
  const Diagnostic d = only(compile(lab("", R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5], ["out_item_brand", "none"]])",
                                        R"(["std.stream.sink.collect_bytes_v1", ["in_item_brand", "main.event_line_v1"]])",
                                        R"(, ["out_item_brand", "main.event_line_v1"])")),
                            "E_PIPE_BRAND_REQUIRED");
  CHECK(d.pointer == "/solve/4");
  // With auto, the sink's brand appends a validator at the end of the chain.
  const CompileResult appended = compile(lab(R"(, ["auto_require_brand_v1", 1])", R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5]])",
                                             R"(["std.stream.sink.collect_bytes_v1", ["in_item_brand", "main.event_line_v1"]])"));
  REQUIRE(appended.plan);
  REQUIRE(appended.plan->chain.size() == 2);
  CHECK(appended.plan->chain[1].inserted);
  // typecheck_item_brands_v1 0 turns the typing off.
  CHECK(compile(lab(R"(, ["typecheck_item_brands_v1", 0])", kLabChain)).ok());
}

TEST_CASE("brands: verify on a branded source inserts a validator first, and missing registry entries") {
  const CompileResult r = compile(lab(R"(, ["verify_produced_brands_v1", 1])", R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5]])",
                                      R"(["std.stream.sink.collect_bytes_v1"])", R"(, ["out_item_brand", "main.frame_payload_v1"])"));
  REQUIRE(r.plan);
  REQUIRE(r.plan->chain.size() == 2);
  CHECK(r.plan->chain[0].inserted);
  CHECK(r.plan->chain[0].pointer == "/solve/2");
  const Diagnostic d = only(compile(lab(R"(, ["verify_produced_brands_v1", 1])", R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5]])",
                                        R"(["std.stream.sink.collect_bytes_v1"])", R"(, ["out_item_brand", "main.unknown_v1"])")),
                            "E_PIPE_BRAND_REGISTRY_MISSING");
  CHECK(d.pointer == "/solve/2");
  const Diagnostic sig = only(compile(lab("", R"(["std.stream.xf.require_brand_v1", ["brand", "main.x"], ["validator", "main.to_line"]])")),
                              "E_PIPE_BRAND_VALIDATOR_SIG");
  CHECK(sig.message.find("(bytes_view@main.frame_payload_v1) -> bytes@main.event_line_v1") != std::string::npos);
}

TEST_CASE("brands: the built-in X7SL registry through brand_registry_ref_v1") {
  const std::string pipe = R"(["std.stream.pipe_v1",
   ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10],
    ["auto_require_brand_v1", 1], ["brand_registry_ref_v1", ["bytes.lit", "std.text.slices"]]],
   ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "X7SL"]]],
   ["std.stream.chain_v1", ["std.stream.xf.take_v1", ["std.stream.expr_v1", 5], ["in_item_brand", "std.text.slices.x7sl_v1"]]],
   ["std.stream.sink.collect_bytes_v1"]])";
  const CompileResult r = compile(pipe);
  REQUIRE(r.plan);
  CHECK(r.plan->chain[0].bytes_arg("validator").as_chars() == "std.text.slices.validate_v1");
  const RunOutcome out = run_plan(*r.plan, RunOptions{});
  REQUIRE(out.status == RunStatus::kErr);
  // err 0x7E510001: shorter than 12 bytes.
  CHECK(test::to_hex(std::vector<std::uint8_t>(out.doc.end() - 8, out.doc.end())) == "0100517e00000000");
}
