// Tests of compiler/plan_print: the text listing and the JSON document of a Plan.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/front_end.hpp"
#include "compiler/plan_print.hpp"

using namespace sluice;

namespace {

const std::string kPipe = R"(["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64],
   ["max_out_bytes", 64], ["max_items", 10], ["brand_registry_ref_v1", ["bytes.lit", "app.brands"]]],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\nb"]], ["out_item_brand", "app.text"]],
  ["std.stream.chain_v1",
    ["std.stream.xf.take_v1", ["std.stream.expr_v1", 2]],
    ["std.stream.xf.deframe_u32le_v1", ["max_frame_bytes", 10]]],
  ["std.stream.sink.u32frames_v1", ["std.stream.sink.collect_bytes_v1"]]])";

Plan plan_of(const std::string& text) {
  CompileResult r = compile_pipe_text(text, "p.json", CompileOptions{.world = World::kSolvePure});
  REQUIRE(r.plan.has_value());
  return std::move(*r.plan);
}

}  // namespace

TEST_CASE("plan_print: text listing") {
  const std::string text = plan_to_text(plan_of(kPipe));
  CHECK(text ==
        "plan p.json (world solve-pure)\n"
        "cfg: chunk_max_bytes=64 bufread_cap_bytes=64 max_in_bytes=64 max_out_bytes=64 max_items=10 max_steps=9 "
        "(derived) emit_payload=1 emit_stats=1 allow_nondet_v1=0 typecheck_item_brands_v1=1 auto_require_brand_v1=0 "
        "verify_produced_brands_v1=0 brand_registry_ref_v1=\"app.brands\"\n"
        "source: std.stream.src.bytes_v1 value=\"a\\nb\"  [-> app.text]\n"
        "0: std.stream.xf.take_v1 n=2  [any -> app.text]\n"
        "1: std.stream.xf.deframe_u32le_v1 max_frame_bytes=10 max_frames=0 (default) allow_empty=1 (default) "
        "on_truncated=err (default)  [any -> none]\n"
        "sink: std.stream.sink.u32frames_v1 > std.stream.sink.collect_bytes_v1  [any ->]\n");
}

TEST_CASE("plan_print: text marks inserted stages, non-UTF-8 bytes and an always-failing cfg") {
  Plan p = plan_of(kPipe);
  p.chain[0].inserted = true;
  p.source.args[0].value.bytes = std::string("\xFF\x00\x41", 3);
  p.cfg.max_items = 0;
  p.cfg.max_steps_given = true;
  const std::string text = plan_to_text(p);
  CHECK(text.find("0: std.stream.xf.take_v1 n=2 (inserted)  [any -> app.text]\n") != std::string::npos);
  CHECK(text.find("value=hex:ff0041  ") != std::string::npos);
  CHECK(text.find("every run returns ERR 1 stream:cfg_invalid") != std::string::npos);
  CHECK(text.find("(derived)") == std::string::npos);
}

TEST_CASE("plan_print: JSON document") {
  const std::string out = plan_to_json(plan_of(kPipe));
  CHECK(out.back() == '\n');
  const auto j = nlohmann::json::parse(out);
  CHECK(j["file"] == "p.json");
  CHECK(j["world"] == "solve-pure");

  const auto& cfg = j["cfg"];
  CHECK(cfg["chunk_max_bytes"] == 64);
  CHECK(cfg["max_steps"] == 9);
  CHECK(cfg["max_steps_given"] == false);
  CHECK(cfg["emit_payload"] == 1);
  CHECK(cfg["verify_produced_brands_v1"] == 0);
  CHECK(cfg["brand_registry_ref_v1"] == "app.brands");
  CHECK(cfg["runtime_valid"] == true);

  const auto& src = j["source"];
  CHECK(src["id"] == "std.stream.src.bytes_v1");
  CHECK(src["args"]["value"] == nlohmann::json{{"bytes", "a\nb"}});
  CHECK(src["out_brand"] == "app.text");
  CHECK(src["pointer"] == "/2");

  REQUIRE(j["chain"].size() == 2);
  const auto& take = j["chain"][0];
  std::set<std::string> keys;
  for (const auto& [k, v] : take.items()) keys.insert(k);
  CHECK(keys == std::set<std::string>{"index", "id", "args", "in_brand", "out_brand", "inserted", "pointer"});
  CHECK(take["index"] == 0);
  CHECK(take["args"]["n"] == 2);
  CHECK(take["in_brand"] == "any");
  CHECK(take["out_brand"] == "app.text");
  CHECK(take["inserted"] == false);
  const auto& deframe = j["chain"][1];
  CHECK(deframe["index"] == 1);
  CHECK(deframe["args"]["on_truncated"] == "err");
  CHECK(deframe["args"]["allow_empty"] == 1);
  CHECK(deframe["pointer"] == "/3/2");

  const auto& sink = j["sink"];
  CHECK(sink["id"] == "std.stream.sink.collect_bytes_v1");
  CHECK(sink["u32frames"] == true);
  CHECK(sink["in_brand"] == "any");
  CHECK(sink["args"] == nlohmann::json::object());
}

TEST_CASE("plan_print: JSON writes non-UTF-8 bytes as hex and absent values as null") {
  Plan p = plan_of(kPipe);
  p.source.args[0].value.bytes = std::string("\xC3\x28", 2);
  p.cfg.brand_registry_ref_v1.reset();
  p.cfg.max_out_bytes = -1;
  p.chain[1].inserted = true;
  const auto j = nlohmann::json::parse(plan_to_json(p));
  CHECK(j["source"]["args"]["value"] == nlohmann::json{{"hex", "c328"}});
  CHECK(j["cfg"]["brand_registry_ref_v1"].is_null());
  CHECK(j["cfg"]["runtime_valid"] == false);
  CHECK(j["chain"][1]["inserted"] == true);
}
