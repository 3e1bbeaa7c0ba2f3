// Tests of compiler/x07/program through the front end: modules found by id next to the pipe file
// and given with --module, imports loaded recursively, the import/export rules of calls, and
// diagnostics in module files naming those files.
#include <doctest/doctest.h>

#include <filesystem>

#include "compiler/front_end.hpp"
#include "compiler/x07/program.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;

namespace {

std::string module(const std::string& id, const std::string& imports, const std::string& exports, const std::string& defns) {
  return R"({"schema_version": "x07.x07ast@0.8.0", "kind": "module", "module_id": ")" + id + R"(", "imports": )" + imports +
         R"(, "decls": [{"kind": "export", "names": )" + exports + "}, " + defns + "]}";
}

std::string map_pipe(const std::string& fn) {
  return R"(["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
    ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "ab"]]],
    ["std.stream.chain_v1", ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", ")" + fn + R"("]]],
    ["std.stream.sink.collect_bytes_v1"]])";
}

}  // namespace

TEST_CASE("x07 program: module paths and names") {
  CHECK(x07::module_of("a.b.f") == "a.b");
  CHECK(x07::module_of("f").empty());
  CHECK(x07::module_path("/d", "a.b.c") == "/d/a/b/c.x07.json");
}

TEST_CASE("x07 program: modules by id, imports, visibility, and --module") {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("app"));
  // app.util.twice is exported; app.util.hidden is not. app.main imports app.util.
  test::write_file(dir.file("app/util.x07.json"),
                   module("app.util", "[]", R"(["app.util.twice"])",
                          R"({"kind": "defn", "name": "app.util.twice", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["bytes.concat", "x", "x"]},
                             {"kind": "defn", "name": "app.util.hidden", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["view.to_bytes", "x"]})"));
  test::write_file(dir.file("app/main.x07.json"),
                   module("app.main", R"(["app.util"])", R"(["app.main.quad", "app.main.leak"])",
                          R"({"kind": "defn", "name": "app.main.quad", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["app.util.twice", ["app.util.twice", "x"]]},
                             {"kind": "defn", "name": "app.main.leak", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["app.util.hidden", "x"]})"));
  // app.main's leak calls a function app.util does not export: reported in app/main.x07.json.
  const CompileResult r = compile_pipe_text(map_pipe("app.main.quad"), dir.file("p.json"), CompileOptions{.world = World::kSolvePure});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "E_PIPE_X07_VISIBILITY");
  CHECK(r.diagnostics[0].file == dir.file("app/main.x07.json"));
  CHECK(r.diagnostics[0].pointer == "/decls/2/body/0");
  CHECK(r.diagnostics[0].message == "function \"app.util.hidden\" is not exported by module \"app.util\"");

  // Without the leak the pipe runs, through the import; given with --module from elsewhere too.
  test::TempDir other;
  test::write_file(other.file("m.x07.json"),
                   module("app.main", R"(["app.util"])", R"(["app.main.quad"])",
                          R"({"kind": "defn", "name": "app.main.quad", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["app.util.twice", ["app.util.twice", "x"]]})"));
  CompileOptions opts{.world = World::kSolvePure};
  opts.module_files = {other.file("m.x07.json")};
  const test::PipeRun ok = test::compile_and_run(map_pipe("app.main.quad"), dir.file("p.json"), opts);
  for (const Diagnostic& d : ok.compiled.diagnostics) INFO(format_text(d));
  REQUIRE(ok.compiled.ok());
  CHECK(test::to_hex(ok.outcome.doc) == "010200000008000000010000000100000008000000" "6162616261626162");

  // A call across modules needs the import.
  test::write_file(other.file("n.x07.json"),
                   module("app.other", "[]", R"(["app.other.f"])",
                          R"({"kind": "defn", "name": "app.other.f", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["app.util.twice", "x"]})"));
  opts.module_files = {other.file("n.x07.json"), dir.file("app/util.x07.json")};
  const CompileResult noimp = compile_pipe_text(map_pipe("app.other.f"), dir.file("p.json"), opts);
  REQUIRE_FALSE(noimp.ok());
  bool found = false;
  for (const Diagnostic& d : noimp.diagnostics)
    found = found || (d.code == "E_PIPE_X07_VISIBILITY" && d.message.find("requires (import app.util)") != std::string::npos);
  CHECK(found);
  // The same module twice is an error at the second.
  opts.module_files = {other.file("m.x07.json"), other.file("m.x07.json")};
  CHECK_FALSE(compile_pipe_text(map_pipe("app.main.quad"), dir.file("p.json"), opts).ok());
}

TEST_CASE("x07 program: `sluice run --module` and `--input` on the CLI, and a trap exits 4") {
  test::TempDir dir;
  test::write_file(dir.file("m.x07.json"),
                   module("t.m", "[]", R"(["t.m.bad"])",
                          R"({"kind": "defn", "name": "t.m.bad", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes",
                              "body": ["view.to_bytes", ["view.slice", "x", 1, 9]]})"));
  test::write_file(dir.file("p.json"), map_pipe("t.m.bad"));
  const test::ProcessResult missing = test::run_process({test::sluice_binary(), "run", dir.file("p.json")});
  CHECK(missing.exit_status == 1);
  CHECK(missing.err.find("E_PIPE_MODULE_MISSING") != std::string::npos);
  const test::ProcessResult trap = test::run_process({test::sluice_binary(), "run", dir.file("p.json"), "--module", dir.file("m.x07.json")});
  CHECK(trap.exit_status == 4);
  CHECK(trap.err.find("t.m.bad: out-of-bounds slice") != std::string::npos);

  test::write_file(dir.file("e.json"), R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [],
    "solve": ["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
      ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["view.to_bytes", "input"]]], ["std.stream.chain_v1"], ["std.stream.sink.collect_bytes_v1"]]})");
  test::write_file(dir.file("in.bin"), "xyz");
  const test::ProcessResult in = test::run_process({test::sluice_binary(), "run", dir.file("e.json"), "--input", dir.file("in.bin"), "--emit", "payload"});
  CHECK(in.exit_status == 0);
  CHECK(in.out == "xyz");
  const test::ProcessResult empty = test::run_process({test::sluice_binary(), "run", dir.file("e.json"), "--emit", "payload"});
  CHECK(empty.exit_status == 0);
  CHECK(empty.out.empty());
}
