// The data-driven failure suite: every tests/cases/fail/<name>.json (descriptors rejected, or
// warned about) and tests/cases/lint/<name>.json (descriptors the lints warn about; their modules
// sit in subfolders) is compiled in the world its <name>.expect.json names (default
// run-os-sandboxed) and must give exactly the diagnostics listed there: code, severity, JSON
// pointer, line and column. Add a case by adding the two files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/diagnostics.hpp"
#include "compiler/front_end.hpp"
#include "compiler/json_source.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sluice;

const fs::path kCasesDir = fs::path(SLUICE_SOURCE_DIR) / "tests" / "cases";
const std::vector<fs::path> kFailDirs = {kCasesDir / "fail", kCasesDir / "lint"};
constexpr std::string_view kExpectSuffix = ".expect.json";

bool is_expect_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > kExpectSuffix.size() && name.ends_with(kExpectSuffix);
}

std::vector<fs::path> descriptor_files() {
  std::vector<fs::path> out;
  for (const fs::path& dir : kFailDirs)
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".json" && !is_expect_file(e.path())) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

fs::path expect_file_for(const fs::path& descriptor) {
  return descriptor.parent_path() / (descriptor.stem().string() + std::string(kExpectSuffix));
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Row = std::tuple<std::string, std::string, std::string, int, int>;  // code, severity, pointer, line, col

std::string show(const std::vector<Row>& rows) {
  std::string out;
  for (const auto& [code, severity, pointer, line, col] : rows)
    out += "  " + code + " " + severity + " " + (pointer.empty() ? "\"\"" : pointer) + " " + std::to_string(line) +
           ":" + std::to_string(col) + "\n";
  return out;
}

}  // namespace

TEST_CASE("fail cases: each descriptor gives exactly the diagnostics of its expect file") {
  const auto files = descriptor_files();
  REQUIRE(files.size() >= 40);
  for (const fs::path& file : files) {
    INFO("case: " << file.filename().string());
    const fs::path expect_path = expect_file_for(file);
    REQUIRE(fs::exists(expect_path));
    const auto expect = nlohmann::json::parse(read_file(expect_path));
    const auto world = parse_world(expect.value("world", std::string("run-os-sandboxed")));
    REQUIRE(world.has_value());

    std::vector<Row> expected;
    bool expect_errors = false;
    for (const auto& d : expect.at("diagnostics")) {
      const std::string severity = d.value("severity", std::string("error"));
      expect_errors = expect_errors || severity == "error";
      expected.emplace_back(d.at("code").get<std::string>(), severity, d.at("pointer").get<std::string>(),
                            d.at("line").get<int>(), d.at("column").get<int>());
    }
    REQUIRE_FALSE(expected.empty());

    const CompileResult r = compile_pipe_file(file.string(), CompileOptions{.world = *world});
    std::vector<Row> actual;
    for (const Diagnostic& d : r.diagnostics) {
      actual.emplace_back(d.code, std::string(severity_name(d.severity)), d.pointer, d.line, d.column);
      CHECK(d.file == file.string());
      CHECK_FALSE(d.message.empty());
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    INFO("expected:\n" << show(expected) << "actual:\n" << show(actual));
    CHECK(actual == expected);
    CHECK(r.ok() == !expect_errors);
    CHECK(r.plan.has_value() == r.ok());

    // Independent of the expect file: a diagnostic's line:column is where the node its pointer
    // names starts (JSON syntax errors have no node and no pointer).
    const JsonParseResult parsed = parse_json(read_file(file));
    for (const Diagnostic& d : r.diagnostics) {
      if (!parsed.root) {
        CHECK(d.pointer.empty());
        continue;
      }
      const JsonNode* node = json_pointer_find(*parsed.root, d.pointer);
      REQUIRE_MESSAGE(node != nullptr, d.code << " at " << d.pointer);
      CHECK(node->pos.line == d.line);
      CHECK(node->pos.column == d.column);
    }
  }
}

TEST_CASE("fail cases: every expect file has its descriptor") {
  for (const fs::path& dir : kFailDirs)
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!is_expect_file(e.path())) continue;
      const std::string name = e.path().filename().string();
      const fs::path descriptor = dir / (name.substr(0, name.size() - kExpectSuffix.size()) + ".json");
      INFO(name);
      CHECK(fs::exists(descriptor));
    }
}

TEST_CASE("fail cases: every diagnostic code that a descriptor can trigger has a case") {
  std::set<std::string> covered;
  for (const fs::path& file : descriptor_files()) {
    const auto expect = nlohmann::json::parse(read_file(expect_file_for(file)));
    for (const auto& d : expect.at("diagnostics")) covered.insert(d.at("code").get<std::string>());
  }
  // Not about a descriptor: an unreadable file (check_descriptor_test) and an internal failure
  // (out of memory or a bug; no input can trigger it).
  // The plugin registry's own files and a pipe compiled without a file (no
  // arch root): tests/cli/plugins.sh and tests/unit/resolve_plugins_test.cpp.
  const std::set<std::string> not_from_descriptors{
      "E_PIPE_FILE_UNREADABLE", "E_PIPE_INTERNAL", "E_PIPE_PLUGIN_NEEDS_ARCH_ROOT", "E_PIPE_PLUGIN_SYMBOL_MISSING",
      "E_PIPE_PLUGIN_REGISTRY", "E_PIPE_PLUGIN_INDEX_NOT_SORTED", "E_PIPE_PLUGIN_DUPLICATE", "E_PIPE_PLUGIN_SPEC_MISSING",
      "E_PIPE_PLUGIN_SPEC_MISMATCH", "E_PIPE_PLUGIN_EMBEDDED_CONFLICT",
      // About arch/rr's index and policy files, not the descriptor: tests/cli/rr.sh.
      "E_PIPE_RR_POLICY",
      // Reserved: every X07 stage id is implemented, so nothing emits it any more.
      "E_PIPE_STAGE_UNSUPPORTED"};
  for (const DiagInfo& info : all_diag_infos()) {
    const std::string code(info.code);
    if (not_from_descriptors.count(code)) continue;
    // `sluice arch check` is about the arch layout, not a descriptor: tests/cli/arch_check.sh.
    if (code.starts_with("E_ARCH_") || code.starts_with("W_ARCH_")) continue;
    // A `sluice test` file is not a descriptor either: tests/cli/sluice_test.sh.
    if (code.starts_with("E_TEST_")) continue;
    INFO(code);
    CHECK(covered.count(code) == 1);
  }
}
