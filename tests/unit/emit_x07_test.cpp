// The x07 part of the C++ backend (compiler/emit_x07.cpp) seen from emit_cpp: what it refuses,
// what the emitted file holds, and when a plan records the input its values came from. That the
// translated functions behave like the interpreter is differential_test.cpp's job.
#include <doctest/doctest.h>
#include <cstdlib>
#include <fstream>

#include "compiler/build_driver.hpp"
#include "compiler/emit_cpp.hpp"
#include "compiler/interpret.hpp"
#include "compiler/front_end.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;

namespace {

// An entry module whose pipe maps its input lines through main.f, with `lets` before the pipe.
std::string entry(const std::string& body, const std::string& lets = "") {
  return R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [
      {"kind": "defn", "name": "main.f", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes", "body": )" +
         body + R"(}], "solve": ["begin", )" + lets + R"(["std.stream.pipe_v1",
        ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
        ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\nb\n"]]],
        ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", ["+", 60, 4]]],
                                ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.f"]]],
        ["std.stream.sink.collect_bytes_v1"]]]})";
}

Plan compile(const std::string& text, CompileOptions opts = {}) {
  opts.world = World::kSolvePure;
  const CompileResult c = compile_pipe_text(text, "<test>", opts);
  for (const Diagnostic& d : c.diagnostics) INFO(format_text(d));
  REQUIRE(c.ok());
  return *c.plan;
}

std::string emit(const Plan& plan, std::size_t native_modules = 0) {
  std::string error;
  const auto cpp = emit_cpp(plan, EmitOptions{native_modules}, error);
  INFO(error);
  REQUIRE(cpp.has_value());
  return *cpp;
}

// The emitted file with the sluice version replaced by @SLUICE_VERSION@, so a release does not
// change the pinned file; any other change to the emitter's output does, on purpose.
std::string pinned_form(std::string cpp) {
  const std::string version = SLUICE_VERSION;
  for (std::size_t at = cpp.find(version); at != std::string::npos; at = cpp.find(version, at))
    cpp.replace(at, version.size(), "@SLUICE_VERSION@");
  return cpp;
}

// The least fuel with which the interpreter runs the pipe `plan_with(fuel)` gives, at most `hi`.
template <class PlanWith>
std::uint64_t least_fuel(const PlanWith& plan_with, std::uint64_t hi) {
  std::uint64_t lo = 1;
  REQUIRE(run_plan(plan_with(hi), RunOptions{}).status == RunStatus::kOk);
  while (lo < hi) {
    const std::uint64_t mid = (lo + hi) / 2;
    if (run_plan(plan_with(mid), RunOptions{}).status == RunStatus::kOk)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

}  // namespace

TEST_CASE("emit_x07: x07 functions become C++ functions with fuel, depth and the shared builtins") {
  const Plan plan = compile(entry(R"(["view.to_bytes", "x"])"));
  const std::string cpp = emit(plan);
  CHECK(cpp.find("#include \"stdlib/x07/compiled.hpp\"") != std::string::npos);
  CHECK(cpp.find("// main.f\nstatic rt::Buf x07_f0(rt::Ctx& cx, sluice::ByteView l0)") != std::string::npos);
  CHECK(cpp.find("rt::DepthScope depth_scope(cx);") != std::string::npos);
  CHECK(cpp.find("rt::check_fuel(cx, cancel, fuel, ") != std::string::npos);
  CHECK(cpp.find("constexpr std::uint64_t kFuel = 50000000u;") != std::string::npos);
  CHECK(cpp.find("p.chain[1].fn = sluice::UserFn{nullptr, &entry1};") != std::string::npos);
  CHECK(cpp.find("virtual") == std::string::npos);
  // Stable: byte for byte the file pinned when this test was written (the version normalized),
  // not only equal to a second emission in the same process. A deliberate change to the emitter
  // updates tests/data/emit_x07/view_to_bytes.cpp.expected in the same commit.
  // SLUICE_UPDATE_PINNED=1 rewrites the pinned file instead (then review the diff before committing).
  const std::string pinned_path = sluice::test::source_dir() + "/tests/data/emit_x07/view_to_bytes.cpp.expected";
  if (const char* update = std::getenv("SLUICE_UPDATE_PINNED"); update != nullptr && std::string(update) == "1")
    std::ofstream(pinned_path, std::ios::binary) << pinned_form(cpp);
  CHECK(pinned_form(cpp) == sluice::test::read_file(pinned_path));
  // The functions are part of the hash: another body, another hash.
  const std::string other = emit(compile(entry(R"(["bytes.concat", "x", "x"])")));
  const auto hash_line = [](const std::string& s) { return s.substr(s.find("// plan-hash:"), 40); };
  CHECK(hash_line(other) != hash_line(cpp));
}

TEST_CASE("emit_x07: the fuel a plan was compiled with is the fuel its executable meters") {
  CompileOptions opts;
  opts.fuel = 1234;
  CHECK(emit(compile(entry(R"(["view.to_bytes", "x"])"), opts)).find("kFuel = 1234u;") != std::string::npos);
}

TEST_CASE("emit_x07: library functions are looked up by name, native-module functions in the linked tables") {
  const std::string lib = emit(compile(entry(R"(["std.bytes.reverse", "x"])")));
  CHECK(lib.find("sluice::x07::find_library_fn(\"std.bytes.reverse\")->entry") != std::string::npos);

  CompileOptions opts;
  opts.register_native_fn("host.copy", UserFnSig::kMap, UserFn{nullptr, [](const void*, UserFnIo& io) {
                                                           io.out->assign(io.item.begin(), io.item.end());
                                                           return UserFnStatus::kOk;
                                                         }});
  const Plan host = compile(entry(R"(["host.copy", "x"])"), opts);
  // A function the host registered at run time is in no file: nothing can compile it in.
  std::string error;
  CHECK_FALSE(emit_cpp(host, EmitOptions{}, error).has_value());
  CHECK(error.find("function host.copy is a native function registered by the host program") != std::string::npos);
  // Given as a native module, it is found by name at startup.
  const std::string native = emit(host, 2);
  CHECK(native.find("extern \"C\" sluice::NativeModuleTable sluice_native_module_v1_1();") != std::string::npos);
  CHECK(native.find("native_module_fn(\"host.copy\")") != std::string::npos);
}

TEST_CASE("plan input_digest: set only when a let or expr_v1 reads input") {
  CompileOptions opts;
  opts.input = "abc";
  const Plan plain = compile(entry(R"(["view.to_bytes", "x"])"), opts);
  CHECK(plain.input_digest.empty());
  // A function reading input at run time does not make the plan's values depend on it.
  CHECK(compile(entry(R"(["bytes.concat", "input", "x"])"), opts).input_digest.empty());
  const Plan reads = compile(entry(R"(["view.to_bytes", "x"])", R"(["let", "n", ["view.len", "input"]],)"), opts);
  CHECK(reads.input_digest == "44bc2cf5ad770999");  // xxh64("abc"), as xxhsum -H64 prints it
  CHECK(emit(reads).find("\"44bc2cf5ad770999\", ") != std::string::npos);  // the program's input_digest field
}

// Fuel counted per straight-line run must still fail the same calls the same way: here a
// recursion with 100 steps of fuel runs out (interpreter: at depth ~50) long before the call
// depth limit (200), and the executable, which compares the count only at loops and returns,
// must report the fuel trap too, not the depth trap it reaches first.
TEST_CASE("emit_x07: a trap reached after the fuel ran out is the fuel trap, as in the interpreter") {
  CompileOptions opts;
  opts.fuel = 100;
  opts.world = World::kSolvePure;
  const std::string text = R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [
      {"kind": "defn", "name": "main.deep", "params": [{"name": "n", "ty": "i32"}], "result": "i32", "body": ["main.deep", ["+", "n", 1]]},
      {"kind": "defn", "name": "main.f", "params": [{"name": "x", "ty": "bytes_view"}], "result": "i32", "body": ["main.deep", 0]}],
      "solve": ["std.stream.pipe_v1",
        ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
        ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "a\n"]]],
        ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]],
                                ["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.f"]]],
        ["std.stream.sink.collect_bytes_v1"]]})";
  const CompileResult c = compile_pipe_text(text, "<test>", opts);
  REQUIRE(c.ok());
  const RunOutcome interpreted = run_plan(*c.plan, RunOptions{});
  CHECK(interpreted.trap.find("trap:user_fn_fuel_exhausted") == 0);
  test::TempDir dir;
  BuildOptions b;
  b.output = dir.file("deep");
  b.cache_dir = std::string(SLUICE_TEST_BUILD_DIR) + "/build-cache";
  const BuildResult built = build_executable(*c.plan, b);
  INFO(built.message);
  REQUIRE(built.ok);
  const test::ProcessResult r = test::run_process({b.output});
  CHECK(r.exit_status == 4);
  CHECK(r.err.find("trap:user_fn_fuel_exhausted: main.f: out of fuel after 100 steps") != std::string::npos);
}

// Conditionals over pure i32 operands (if, &&, ||) are translated to selects, and the steps
// they cost to a select of the counts of the branches the interpreter would take. That must
// charge exactly what the interpreter charges: with the least fuel the interpreter needs the
// executable succeeds with the same doc, and with one step less both run out.
TEST_CASE("emit_x07: selects for pure conditionals charge the interpreter's steps exactly") {
  const std::string text = R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [
      {"kind": "defn", "name": "main.f", "params": [{"name": "x", "ty": "bytes_view"}], "result": "i32", "body": ["begin",
        ["let", "acc", 0],
        ["for", "i", 0, ["view.len", "x"], ["begin",
          ["let", "c", ["view.get_u8", "x", "i"]],
          ["set", "acc", ["+", "acc", ["if", ["&&", [">=u", "c", 97], ["<=u", "c", 122]], ["-", "c", 32],
                                         ["if", ["||", ["=", "c", 32], [">u", "c", 126]], ["*", "c", 3], ["&", "c", 7]]]]],
          ["set", "acc", ["+", "acc", ["||", ["&&", ["<u", "c", 48], "acc"], ["=", "c", 90]]]]]],
        ["&", "acc", 1]]}],
      "solve": ["std.stream.pipe_v1",
        ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 64], ["max_items", 10]],
        ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "aZ9 ~q,xY.Z!b\nzz A0\n"]]],
        ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]],
                                ["std.stream.xf.filter_v1", ["std.stream.fn_v1", "main.f"]]],
        ["std.stream.sink.collect_bytes_v1"]]})";
  const auto plan_with = [&](std::uint64_t fuel) {
    CompileOptions opts;
    opts.fuel = fuel;
    opts.world = World::kSolvePure;
    const CompileResult c = compile_pipe_text(text, "<test>", opts);
    REQUIRE(c.ok());
    return *c.plan;
  };
  CHECK(emit(plan_with(1000)).find("rt::sel(") != std::string::npos);
  // The least fuel the interpreter needs for every call (each line is one call with full fuel).
  const std::uint64_t need = least_fuel(plan_with, 4096);
  CHECK(need > 50);
  const RunOutcome enough = run_plan(plan_with(need), RunOptions{});
  REQUIRE(enough.status == RunStatus::kOk);
  CHECK(run_plan(plan_with(need - 1), RunOptions{}).trap.find("trap:user_fn_fuel_exhausted") == 0);
  test::TempDir dir;
  for (const std::uint64_t fuel : {need, need - 1}) {
    CAPTURE(fuel);
    BuildOptions b;
    b.output = dir.file("sel" + std::to_string(fuel));
    b.cache_dir = std::string(SLUICE_TEST_BUILD_DIR) + "/build-cache";
    const BuildResult built = build_executable(plan_with(fuel), b);
    INFO(built.message);
    REQUIRE(built.ok);
    const test::ProcessResult r = test::run_process({b.output, "--emit", "doc"});
    if (fuel == need) {
      CHECK(r.exit_status == 0);
      CHECK(r.out == std::string(enough.doc.begin(), enough.doc.end()));
    } else {
      CHECK(r.exit_status == 4);
      CHECK(r.err.find("trap:user_fn_fuel_exhausted: main.f: out of fuel after " + std::to_string(fuel) + " steps") !=
            std::string::npos);
    }
  }
}

TEST_CASE("emit_x07: a loop that only pushes to a vector pushes through a cursor, one that also reads it does not") {
  const std::string cpp = emit(compile(entry(R"(["begin",
      ["let", "a", ["vec_u8.with_capacity", 0]],
      ["for", "k", 0, 2, ["for", "i", 0, ["view.len", "x"], ["set", "a", ["vec_u8.push", "a", ["view.get_u8", "x", "i"]]]]],
      ["let", "b", ["vec_u8.with_capacity", 0]],
      ["for", "j", 0, ["view.len", "x"], ["begin", ["let", "n", ["vec_u8.len", ["vec_u8.as_view", "b"]]],
                                                   ["set", "b", ["vec_u8.push", "b", "n"]]]],
      ["set", "a", ["vec_u8.extend_bytes", "a", ["vec_u8.as_view", "b"]]],
      ["vec_u8.into_bytes", "a"]])")));
  const auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t at = cpp.find(s); at != std::string::npos; at = cpp.find(s, at + 1)) ++n;
    return n;
  };
  // One cursor for `a`, opened by the outer loop (the inner one pushes through it), closed after it.
  CHECK(count("rt::push_begin(") == 1);
  CHECK(count("rt::cursor_push(") == 1);
  CHECK(count("rt::push_end(") == 1);
  // `b` is read in its loop: pushed to as before.
  CHECK(count("rt::vec_push(") == 1);
}

// A byte-map loop runs as a table lookup (rt::ByteMap) when its fuel suffices; the steps it
// charges must be the interpreter's to the step. A loop after it spends what is left, so the
// least fuel the calls need is exact only if the table charged exactly: at that fuel the
// executable succeeds, at one less it runs out, as the interpreter does (and in both cases the
// table path runs, since the second loop needs far more than the first).
TEST_CASE("emit_x07: a byte-map loop run as a table charges the interpreter's steps exactly") {
  const std::string text = R"({"schema_version": "x07.x07ast@0.8.0", "kind": "entry", "module_id": "main", "imports": [], "decls": [
      {"kind": "defn", "name": "main.f", "params": [{"name": "x", "ty": "bytes_view"}], "result": "bytes", "body": ["begin",
        ["let", "out", ["vec_u8.with_capacity", 0]],
        ["for", "i", 0, ["view.len", "x"], ["begin",
          ["let", "c", ["view.get_u8", "x", "i"]],
          ["set", "out", ["vec_u8.push", "out", ["if", ["&&", [">=u", "c", 97], ["<=u", "c", 122]], ["-", "c", 32], ["^", "c", 1]]]],
          0]],
        ["let", "acc", 0],
        ["for", "j", 0, 400, ["set", "acc", ["+", "acc", "j"]]],
        ["let", "w", ["vec_u8.with_capacity", 0]],
        ["set", "w", ["vec_u8.extend_bytes", "w", ["vec_u8.as_view", "out"]]],
        ["set", "w", ["vec_u8.push", "w", ["&", "acc", 127]]],
        ["set", "w", ["vec_u8.push", "w", ["vec_u8.cap", "out"]]],
        ["vec_u8.into_bytes", "w"]]}],
      "solve": ["std.stream.pipe_v1",
        ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64], ["max_in_bytes", 64], ["max_out_bytes", 640], ["max_items", 10]],
        ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "aZ9 ~q,xY.Z!b\nzz A0 mixed Case line\n"]]],
        ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]],
                                ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "main.f"]]],
        ["std.stream.sink.collect_bytes_v1"]]})";
  const auto plan_with = [&](std::uint64_t fuel) {
    CompileOptions opts;
    opts.fuel = fuel;
    opts.world = World::kSolvePure;
    const CompileResult c = compile_pipe_text(text, "<test>", opts);
    REQUIRE(c.ok());
    return *c.plan;
  };
  CHECK(emit(plan_with(1000)).find("rt::ByteMap kByteMap") != std::string::npos);
  const std::uint64_t need = least_fuel(plan_with, 100000);
  CHECK(need > 1600);
  const RunOutcome enough = run_plan(plan_with(need), RunOptions{});
  REQUIRE(enough.status == RunStatus::kOk);
  test::TempDir dir;
  for (const std::uint64_t fuel : {need, need - 1}) {
    CAPTURE(fuel);
    BuildOptions b;
    b.output = dir.file("bytemap" + std::to_string(fuel));
    b.cache_dir = std::string(SLUICE_TEST_BUILD_DIR) + "/build-cache";
    const BuildResult built = build_executable(plan_with(fuel), b);
    INFO(built.message);
    REQUIRE(built.ok);
    const test::ProcessResult r = test::run_process({b.output, "--emit", "doc"});
    if (fuel == need) {
      CHECK(r.exit_status == 0);
      CHECK(r.out == std::string(enough.doc.begin(), enough.doc.end()));
    } else {
      CHECK(r.exit_status == 4);
      CHECK(r.err.find("trap:user_fn_fuel_exhausted: main.f: out of fuel after " + std::to_string(fuel) + " steps") !=
            std::string::npos);
    }
  }
}
