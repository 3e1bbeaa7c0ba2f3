// Tests of compiler/elaborate: the Plan a checked descriptor becomes (cfg derivations, argument
// order and defaults, the fs stream sinks' derived defaults, brands on edges, u32frames).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "compiler/front_end.hpp"

using namespace sluice;

namespace {

std::string cfg(const std::string& chunk, const std::string& max_in, const std::string& max_out = "64",
                const std::string& extra = "") {
  return R"(["std.stream.cfg_v1", ["chunk_max_bytes", )" + chunk + R"(], ["bufread_cap_bytes", 64], ["max_in_bytes", )" +
         max_in + R"(], ["max_out_bytes", )" + max_out + R"(], ["max_items", 10])" + extra + "]";
}
const std::string kCfg = cfg("64", "64");
const std::string kSrc = R"(["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "abc"]]])";
const std::string kSink = R"(["std.stream.sink.collect_bytes_v1"])";

std::string pipe(const std::string& c, const std::string& src, const std::string& chain, const std::string& sink) {
  return R"(["std.stream.pipe_v1", )" + c + ", " + src + R"(, ["std.stream.chain_v1")" + (chain.empty() ? "" : ", ") +
         chain + "], " + sink + "]";
}

Plan plan_of(const std::string& text, World world = World::kRunOsSandboxed) {
  CompileResult r = compile_pipe_text(text, "e.json", CompileOptions{.world = world});
  std::string diags;
  for (const Diagnostic& d : r.diagnostics) diags += format_text(d) + "\n";
  INFO(text);
  INFO(diags);
  REQUIRE(r.plan.has_value());
  return std::move(*r.plan);
}

const PlanArg& arg(const PlanStage& st, const std::string& name) {
  for (const PlanArg& a : st.args)
    if (a.name == name) return a;
  FAIL("no argument " << name);
  return st.args.front();
}

std::vector<std::string> arg_names(const PlanStage& st) {
  std::vector<std::string> out;
  for (const PlanArg& a : st.args) out.push_back(a.name);
  return out;
}

constexpr std::int32_t kI32Max = std::numeric_limits<std::int32_t>::max();

}  // namespace

TEST_CASE("elaborate: file, world, and stage pointers") {
  const Plan p = plan_of(pipe(kCfg, kSrc, R"(["std.stream.xf.frame_u32le_v1"], ["std.stream.xf.take_v1", ["std.stream.expr_v1", 1]])", kSink),
                         World::kSolveFull);
  CHECK(p.file == "e.json");
  CHECK(p.world == World::kSolveFull);
  CHECK(p.source.spec->id == "std.stream.src.bytes_v1");
  CHECK(p.source.pointer == "/2");
  REQUIRE(p.chain.size() == 2);
  CHECK(p.chain[0].pointer == "/3/1");
  CHECK(p.chain[1].pointer == "/3/2");
  CHECK(p.chain[1].spec->id == "std.stream.xf.take_v1");
  CHECK(p.sink.pointer == "/4");
  CHECK_FALSE(p.sink_u32frames);
  CHECK_FALSE(p.chain[0].inserted);
}

TEST_CASE("elaborate: cfg values, defaults and the derived max_steps") {
  const Plan p = plan_of(pipe(kCfg, kSrc, "", kSink));
  CHECK(p.cfg.chunk_max_bytes == 64);
  CHECK(p.cfg.max_items == 10);
  CHECK(p.cfg.emit_payload == 1);
  CHECK(p.cfg.emit_stats == 1);
  CHECK(p.cfg.allow_nondet_v1 == 0);
  CHECK(p.cfg.typecheck_item_brands_v1 == 1);
  CHECK(p.cfg.auto_require_brand_v1 == 0);
  CHECK(p.cfg.verify_produced_brands_v1 == 0);
  CHECK_FALSE(p.cfg.brand_registry_ref_v1.has_value());
  CHECK(p.cfg.runtime_valid());
  // ceil(64 / 64) + 8
  CHECK(p.cfg.max_steps == 9);
  CHECK_FALSE(p.cfg.max_steps_given);

  CHECK(plan_of(pipe(cfg("64", "65"), kSrc, "", kSink)).cfg.max_steps == 10);
  CHECK(plan_of(pipe(cfg("7", "100"), kSrc, "", kSink)).cfg.max_steps == 15 + 8);

  const Plan given = plan_of(pipe(cfg("64", "64", "64", R"(, ["max_steps", 3])"), kSrc, "", kSink));
  CHECK(given.cfg.max_steps == 3);
  CHECK(given.cfg.max_steps_given);
  for (const std::string v : {"0", "-3"}) {
    const Plan derived = plan_of(pipe(cfg("64", "640", "64", R"(, ["max_steps", )" + v + "]"), kSrc, "", kSink));
    CHECK(derived.cfg.max_steps == 18);
    CHECK_FALSE(derived.cfg.max_steps_given);
  }
  // 2147483647 / 1 + 8 does not fit: clamped.
  CHECK(plan_of(pipe(cfg("1", "2147483647"), kSrc, "", kSink)).cfg.max_steps == kI32Max);
  // chunk_max_bytes <= 0: the cfg fails its run-time check; nothing is derived.
  const Plan invalid = plan_of(pipe(cfg("0", "64"), kSrc, "", kSink));
  CHECK_FALSE(invalid.cfg.runtime_valid());
  CHECK(invalid.cfg.max_steps == 0);

  const Plan flags = plan_of(pipe(cfg("64", "64", "64", R"(, ["emit_payload", 0], ["emit_stats", 5], ["auto_require_brand_v1", 1])"),
                                  kSrc, "", kSink));
  CHECK(flags.cfg.emit_payload == 0);
  CHECK(flags.cfg.emit_stats == 5);
  CHECK(flags.cfg.auto_require_brand_v1 == 1);
}

TEST_CASE("elaborate: positional arguments first, then every field in catalog order with defaults") {
  const Plan p = plan_of(pipe(kCfg, kSrc,
                              R"(["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]],)"
                              R"(["std.stream.xf.deframe_u32le_v1", ["in_item_brand", "any"], ["allow_empty", 0], ["max_frame_bytes", 10]])",
                              kSink));
  const PlanStage& src = p.source;
  REQUIRE(src.args.size() == 1);
  CHECK(src.args[0].name == "value");
  CHECK(src.args[0].value.kind == ArgValue::Kind::kBytes);
  CHECK(src.args[0].value.bytes == "abc");
  CHECK_FALSE(src.args[0].defaulted);

  const PlanStage& split = p.chain[0];
  CHECK(arg_names(split) == std::vector<std::string>{"delim", "max_line_bytes"});
  CHECK(split.int_arg("delim") == 10);
  CHECK(split.int_arg("max_line_bytes") == 64);

  // Brand fields live on the edges, not among the arguments.
  const PlanStage& deframe = p.chain[1];
  CHECK(arg_names(deframe) == std::vector<std::string>{"max_frame_bytes", "max_frames", "allow_empty", "on_truncated"});
  CHECK(arg(deframe, "max_frame_bytes").value.i == 10);
  CHECK_FALSE(arg(deframe, "max_frame_bytes").defaulted);
  CHECK(arg(deframe, "max_frames").value.i == 0);
  CHECK(arg(deframe, "max_frames").defaulted);
  CHECK(arg(deframe, "allow_empty").value.i == 0);
  CHECK_FALSE(arg(deframe, "allow_empty").defaulted);
  const PlanArg& on_truncated = arg(deframe, "on_truncated");
  CHECK(on_truncated.value.kind == ArgValue::Kind::kWord);
  CHECK(on_truncated.value.i == 0);
  CHECK(on_truncated.value.bytes == "err");
  CHECK(on_truncated.defaulted);

  const Plan drop = plan_of(pipe(kCfg, kSrc, R"(["std.stream.xf.deframe_u32le_v1", ["max_frame_bytes", 1], ["on_truncated", "drop"]])", kSink));
  CHECK(arg(drop.chain[0], "on_truncated").value.i == 1);
  CHECK(arg(drop.chain[0], "on_truncated").value.bytes == "drop");

  // bytes.lit is the UTF-8 of the JSON string, escapes decoded.
  const Plan esc = plan_of(pipe(kCfg, R"(["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\n\u00e9\u0000"]]])", "", kSink));
  CHECK(esc.source.args[0].value.bytes == std::string("a\n\xC3\xA9\0", 5));
}

TEST_CASE("elaborate: fs stream sinks get their derived defaults") {
  const std::string head =
      R"(["std.stream.sink.world_fs_write_stream_v1", ["std.stream.expr_v1", ["bytes.lit", "out.bin"]], ["std.stream.expr_v1", ["bytes.lit", "caps"]])";
  const auto sink_of = [&](const std::string& c, const std::string& fields) {
    return plan_of(pipe(c, kSrc, "", head + fields + "]")).sink;
  };
  const PlanStage d = sink_of(cfg("16", "64", "100"), "");
  CHECK(arg_names(d) == std::vector<std::string>{"path", "caps", "buf_cap_bytes", "flush_min_bytes", "max_flushes"});
  CHECK(d.bytes_arg("path").as_chars() == "out.bin");
  CHECK(d.bytes_arg("caps").as_chars() == "caps");
  CHECK(d.int_arg("buf_cap_bytes") == 16);    // chunk_max_bytes
  CHECK(d.int_arg("flush_min_bytes") == 16);  // buf_cap_bytes
  CHECK(d.int_arg("max_flushes") == 7 + 4);   // ceil(100 / 16) + 4
  CHECK(arg(d, "buf_cap_bytes").defaulted);
  CHECK(arg(d, "max_flushes").defaulted);

  const PlanStage cap = sink_of(cfg("16", "64", "100"), R"(, ["buf_cap_bytes", 50])");
  CHECK(cap.int_arg("buf_cap_bytes") == 50);
  CHECK(cap.int_arg("flush_min_bytes") == 50);
  CHECK(cap.int_arg("max_flushes") == 2 + 4);

  const PlanStage explicit_flushes = sink_of(cfg("16", "64", "100"), R"(, ["flush_min_bytes", 10], ["max_flushes", 3])");
  CHECK(explicit_flushes.int_arg("buf_cap_bytes") == 16);
  CHECK(explicit_flushes.int_arg("flush_min_bytes") == 10);
  CHECK(explicit_flushes.int_arg("max_flushes") == 3);

  // A written 0 means derived too (spec §8), but it was written.
  const PlanStage zero = sink_of(cfg("16", "64", "100"), R"(, ["max_flushes", 0], ["flush_min_bytes", 30])");
  CHECK(zero.int_arg("max_flushes") == 4 + 4);
  CHECK_FALSE(arg(zero, "max_flushes").defaulted);

  // 64-bit arithmetic, clamped to i32.
  const PlanStage big = sink_of(cfg("64", "64", "2147483647"), R"(, ["flush_min_bytes", 1], ["buf_cap_bytes", 1])");
  CHECK(big.int_arg("max_flushes") == kI32Max);

  const Plan hash = plan_of(pipe(kCfg, kSrc, "",
                                 R"(["std.stream.sink.u32frames_v1", ["std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1", )"
                                 R"(["std.stream.expr_v1", ["bytes.lit", "o"]], ["std.stream.expr_v1", ["bytes.lit", ""]]]])"));
  CHECK(hash.sink_u32frames);
  CHECK(hash.sink.int_arg("buf_cap_bytes") == 64);
  CHECK(hash.sink.int_arg("max_flushes") == 1 + 4);
}

TEST_CASE("elaborate: brands on the edges") {
  const Plan p = plan_of(pipe(kCfg,
                              R"(["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a"]], ["out_item_brand", "app.text_v1"]])",
                              R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5], ["in_item_brand", "same"]],)"
                              R"(["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 9]],)"
                              R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 5]],)"
                              R"(["std.stream.xf.frame_u32le_v1", ["out_item_brand", "app.frames_v1"]])",
                              R"(["std.stream.sink.collect_bytes_v1", ["in_item_brand", "app.frames_v1"]])"));
  CHECK(p.source.in_brand == "any");
  CHECK(p.source.out_brand == "app.text_v1");
  // take: `same` in resolves to the incoming brand; default out `same` keeps it.
  CHECK(p.chain[0].in_brand == "app.text_v1");
  CHECK(p.chain[0].out_brand == "app.text_v1");
  // split_lines: default in any, out none.
  CHECK(p.chain[1].in_brand == "any");
  CHECK(p.chain[1].out_brand == "none");
  // take after an unbranded edge: in any, out same (= none). (`same` in there is
  // E_PIPE_BRAND_REQUIRED: brands_test.cpp.)
  CHECK(p.chain[2].in_brand == "any");
  CHECK(p.chain[2].out_brand == "none");
  CHECK(p.chain[3].out_brand == "app.frames_v1");
  CHECK(p.sink.in_brand == "app.frames_v1");

  const Plan plain = plan_of(pipe(kCfg, kSrc, "", kSink));
  CHECK(plain.source.out_brand == "none");
  CHECK(plain.sink.in_brand == "any");
}

TEST_CASE("elaborate: u32frames_v1 puts the inner sink in Plan.sink") {
  // Sources branded as the sinks require, so the brand pass accepts the chain.
  const auto branded_src = [](const std::string& b) {
    return R"(["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a"]], ["out_item_brand", ")" + b + "\"]]";
  };
  const Plan p = plan_of(pipe(kCfg, branded_src("b.c"), "",
                              R"(["std.stream.sink.u32frames_v1", ["std.stream.sink.hash_fnv1a32_v1"], ["in_item_brand", "b.c"]])"));
  CHECK(p.sink_u32frames);
  CHECK(p.sink.spec->id == "std.stream.sink.hash_fnv1a32_v1");
  CHECK(p.sink.pointer == "/4/1");
  CHECK(p.sink.in_brand == "b.c");  // the wrapper's requirement, when written

  const Plan inner = plan_of(pipe(kCfg, branded_src("x.y"), "",
                                  R"(["std.stream.sink.u32frames_v1", ["std.stream.sink.null_v1", ["in_item_brand", "x.y"]]])"));
  CHECK(inner.sink.spec->id == "std.stream.sink.null_v1");
  CHECK(inner.sink.in_brand == "x.y");
}

TEST_CASE("elaborate: a plan exists only without errors, and warnings keep it") {
  const CompileResult err = compile_pipe_text(pipe(kCfg, kSrc, R"(["std.stream.xf.take_v1"])", kSink), "e.json", {});
  CHECK_FALSE(err.ok());
  CHECK_FALSE(err.plan.has_value());
  const CompileResult warn = compile_pipe_text(pipe(cfg("64", "0"), kSrc, "", kSink), "e.json", {});
  CHECK(warn.ok());
  REQUIRE(warn.plan.has_value());
  CHECK_FALSE(warn.plan->cfg.runtime_valid());
  CHECK(warn.diagnostics.size() == 1);
}
