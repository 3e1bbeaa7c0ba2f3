// compiler/resolve_plugins (through the front end): built-in ids resolve without an arch root;
// an unknown id without one asks for it; a host can offer a descriptor by symbol.
#include <doctest/doctest.h>

#include "compiler/front_end.hpp"

using namespace sluice;

namespace {
std::string pipe_with(const std::string& id) {
  return R"(["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64],
    ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
   ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "hi"]]],
   ["std.stream.chain_v1", ["std.stream.xf.plugin_v1", ["id", ["bytes.lit", ")" + id + R"("]],
     ["cfg", ["std.stream.expr_v1", ["bytes.lit", ""]]], ["opts_v1", ["opts_v1", ["strict_brands", 0], ["strict_cfg_canon", 1]]]]],
   ["std.stream.sink.collect_bytes_v1"]])";
}
}  // namespace

TEST_CASE("resolve plugins: built-in ids need no arch root, others do") {
  const CompileResult ok = compile_pipe_text(pipe_with("xf.frame_u32le_v1"), "<text>", CompileOptions{});
  REQUIRE(ok.ok());
  const PlanStage& st = ok.plan->chain.at(0);
  CHECK(st.plugin.id == "xf.frame_u32le_v1");
  CHECK(st.plugin.descriptor != nullptr);
  CHECK(st.plugin.origin == "embedded");
  CHECK(st.int_arg("strict_brands") == 0);
  CHECK(st.int_arg("strict_cfg_canon") == 1);

  const CompileResult missing = compile_pipe_text(pipe_with("acme.x_v1"), "<text>", CompileOptions{});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.diagnostics.at(0).code == "E_PIPE_PLUGIN_NEEDS_ARCH_ROOT");
  CHECK(missing.diagnostics.at(0).pointer == "/3/1");
  CHECK(missing.diagnostics.at(0).line == 4);
}
