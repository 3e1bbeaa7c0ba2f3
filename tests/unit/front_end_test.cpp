// Tests of compiler/front_end: the public API's contract (file reading, parse errors as
// diagnostics, diagnostics in file order, a plan only without errors).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/front_end.hpp"

using namespace sluice;

namespace {

const std::string kPipe =
    R"(["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64],)"
    R"( ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],)"
    R"( ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "abc"]]],)"
    R"( ["std.stream.chain_v1"], ["std.stream.sink.collect_bytes_v1"]])";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("front_end: compile_pipe_file reads the file, and reports an unreadable one at line 0") {
  const auto dir = std::filesystem::temp_directory_path();
  const auto path = dir / "sluice_front_end_test.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBF" << kPipe << "\n";
  }
  const CompileResult ok = compile_pipe_file(path.string(), CompileOptions{.world = World::kSolvePure});
  CHECK(ok.diagnostics.empty());
  REQUIRE(ok.plan.has_value());
  CHECK(ok.plan->file == path.string());
  CHECK(ok.plan->world == World::kSolvePure);
  std::filesystem::remove(path);

  const CompileResult missing = compile_pipe_file("/nonexistent/dir/pipe.json", CompileOptions{});
  REQUIRE(missing.diagnostics.size() == 1);
  const Diagnostic& d = missing.diagnostics[0];
  CHECK(d.code == "E_PIPE_FILE_UNREADABLE");
  CHECK(d.line == 0);
  CHECK(d.column == 0);
  CHECK(d.pointer.empty());
  CHECK(d.file == "/nonexistent/dir/pipe.json");
  CHECK(has(d.message, "No such file"));
  CHECK_FALSE(missing.ok());
  CHECK_FALSE(missing.plan.has_value());

  const CompileResult directory = compile_pipe_file(dir.string(), CompileOptions{});
  REQUIRE(directory.diagnostics.size() == 1);
  CHECK(directory.diagnostics[0].code == "E_PIPE_FILE_UNREADABLE");
  CHECK(has(directory.diagnostics[0].message, "directory"));
}

TEST_CASE("front_end: JSON errors become one diagnostic with line:column and no pointer") {
  const CompileResult r = compile_pipe_text("[\"std.stream.pipe_v1\",\n  1,]", "x.json", CompileOptions{});
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics[0];
  CHECK(d.code == "E_PIPE_JSON_SYNTAX");
  CHECK(d.file == "x.json");
  CHECK(d.line == 2);
  CHECK(d.column == 5);
  CHECK(d.pointer.empty());
  CHECK(d.message == "expected a value after ',' (JSON does not allow trailing commas), found ']'");

  CHECK(compile_pipe_text("[\"\xFF\"]", "x.json", {}).diagnostics[0].code == "E_PIPE_JSON_ENCODING");
  CHECK(compile_pipe_text(std::string(10000, '['), "x.json", {}).diagnostics[0].code == "E_PIPE_JSON_TOO_DEEP");
  CHECK(compile_pipe_text("", "x.json", {}).diagnostics[0].code == "E_PIPE_JSON_SYNTAX");
}

TEST_CASE("front_end: diagnostics come in file order") {
  // The check walks the cfg first and reports "cfg missing" at the cfg's start after its entries.
  const std::string text = "[\"std.stream.pipe_v1\",\n"
                           " [\"std.stream.cfg_v1\", [\"chunk_max_bytes\", \"x\"]],\n"
                           " [\"std.stream.src.bytes_v1\", [\"std.stream.expr_v1\", 1]],\n"
                           " [\"std.stream.chain_v1\"], [\"std.stream.sink.null_v1\"]]";
  const CompileResult r = compile_pipe_text(text, "x.json", {});
  REQUIRE(r.diagnostics.size() == 6);
  CHECK(r.diagnostics[0].code == "E_PIPE_CFG_MISSING_KEY");
  CHECK(r.diagnostics[0].line == 2);
  CHECK(r.diagnostics[0].column == 2);
  CHECK(r.diagnostics[4].code == "E_PIPE_VALUE_TYPE");
  CHECK(r.diagnostics[5].code == "E_PIPE_EXPR_TYPE");
  CHECK(r.diagnostics[5].line == 3);
  for (std::size_t i = 1; i < r.diagnostics.size(); ++i) {
    const Diagnostic& a = r.diagnostics[i - 1];
    const Diagnostic& b = r.diagnostics[i];
    CHECK((a.line < b.line || (a.line == b.line && a.column <= b.column)));
  }
}

TEST_CASE("front_end: the default world is run-os-sandboxed") {
  CHECK(CompileOptions{}.world == World::kRunOsSandboxed);
  const CompileResult r = compile_pipe_text(kPipe, "x.json", CompileOptions{});
  REQUIRE(r.plan.has_value());
  CHECK(r.plan->world == World::kRunOsSandboxed);
}
