// compiler/plugin_registry: the embedded registry holds the built-in ids with the pinned
// values of spec §9.4; a missing index file is a diagnostic.
#include <doctest/doctest.h>

#include "compiler/plugin_registry.hpp"

using namespace sluice;

TEST_CASE("plugin registry: the embedded registry pins the built-in plugins") {
  std::vector<Diagnostic> diags;
  const PluginRegistry reg = load_plugin_registry(std::nullopt, diags);
  CHECK(diags.empty());
  REQUIRE(reg.entries.size() == 8);
  const PluginEntry* split = reg.find("xf.split_lines_v1");
  REQUIRE(split);
  CHECK(split->export_symbol == "x07_xf_split_lines_v1");
  CHECK(split->limits.state_bytes == 32);
  CHECK(split->limits.scratch_bytes == 1048576);
  CHECK(split->limits.cfg_max_bytes == 32);
  CHECK(split->limits.max_out_bytes_per_step == 33554432);
  CHECK(split->limits.max_out_items_per_step == 1048576);
  CHECK(split->limits.max_out_buf_bytes == 16777216);
  CHECK(split->worlds_allowed.size() == 7);
  const PluginEntry* test = reg.find("xf.test_emit_limits_v1");
  REQUIRE(test);
  CHECK(test->limits.max_out_bytes_per_step == 12);
  CHECK(test->limits.max_out_items_per_step == 2);
  CHECK(test->limits.max_out_buf_bytes == 8);
  CHECK(test->allows(World::kSolvePure));
  CHECK_FALSE(test->allows(World::kSolveFs));
  CHECK(reg.find("xf.deframe_u32le_v1")->limits.state_bytes == 64);
  CHECK(reg.find("xf.frame_u32le_v1")->limits.cfg_max_bytes == 0);
}

TEST_CASE("plugin registry: an unreadable index is a diagnostic") {
  std::vector<Diagnostic> diags;
  CHECK(read_plugin_index("/nonexistent/index.x07sp.json", diags).empty());
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E_PIPE_PLUGIN_REGISTRY");
}
