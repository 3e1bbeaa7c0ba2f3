// One semantics, two backends: every golden case and every example gives byte-identical docs
// and the same exit status through `sluice run` and through a `sluice build` executable. Also
// the emitted C++ is stable, and build failures leave nothing at the output path.
#include <doctest/doctest.h>
#include <optional>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

// A cache shared by every test run in this build tree, so repeated runs only copy executables.
std::string cache_dir() { return std::string(SLUICE_TEST_BUILD_DIR) + "/build-cache"; }

struct Backends {
  ProcessResult interpreted;  // sluice run --compile never
  ProcessResult compiled;     // the built executable
  // sluice run --compile always (the executable's functions loaded into the interpreter's run),
  // for pipes with x07 functions.
  std::optional<ProcessResult> run_compiled;
};

// `compile` goes to both `sluice build` and `sluice run` (--module, --input); `extra` to both
// runs (the interpreter's and the executable's); `build_only` to `sluice build`.
Backends run_both(const std::string& pipe, const std::string& world, const std::string& root,
                  const std::vector<std::string>& extra = {}, const std::vector<std::string>& compile = {},
                  const std::vector<std::string>& build_only = {}, bool also_run_compiled = false) {
  TempDir exe_dir;
  const std::string exe = exe_dir.file("pipeline");
  std::vector<std::string> build_args{sluice_binary(), "build", pipe, "-o", exe, "--world", world, "--cache-dir", cache_dir()};
  build_args.insert(build_args.end(), compile.begin(), compile.end());
  build_args.insert(build_args.end(), build_only.begin(), build_only.end());
  const ProcessResult built = run_process(build_args);
  INFO(built.err);
  REQUIRE(built.exit_status == 0);
  std::vector<std::string> run_args{sluice_binary(), "run", pipe, "--world", world, "--root", root, "--emit", "doc"};
  std::vector<std::string> exe_args{exe, "--root", root, "--emit", "doc"};
  run_args.insert(run_args.end(), compile.begin(), compile.end());
  run_args.insert(run_args.end(), extra.begin(), extra.end());
  exe_args.insert(exe_args.end(), extra.begin(), extra.end());
  for (std::size_t i = 0; i + 1 < compile.size(); ++i)
    if (compile[i] == "--input") exe_args.insert(exe_args.end(), {"--input", compile[i + 1]});
  std::vector<std::string> interpreted_args = run_args;
  interpreted_args.insert(interpreted_args.end(), {"--compile", "never"});
  Backends b{run_process(interpreted_args), run_process(exe_args), std::nullopt};
  if (also_run_compiled) {
    std::vector<std::string> args = run_args;
    args.insert(args.end(), {"--compile", "always", "--cache-dir", cache_dir(), "-v"});
    b.run_compiled = run_process(args);
  }
  return b;
}

void check_same(const Backends& b) {
  CHECK(b.interpreted.exit_status == b.compiled.exit_status);
  CHECK(to_hex(std::vector<std::uint8_t>(b.interpreted.out.begin(), b.interpreted.out.end())) ==
        to_hex(std::vector<std::uint8_t>(b.compiled.out.begin(), b.compiled.out.end())));
  if (b.run_compiled) {
    INFO(b.run_compiled->err);
    // -v says the functions really ran compiled (compiled now, or found in the cache), not
    // interpreted for lack of a compiler.
    CHECK((b.run_compiled->err.find("compiled: ") != std::string::npos ||
           b.run_compiled->err.find("cached: ") != std::string::npos));
    CHECK(b.run_compiled->exit_status == b.compiled.exit_status);
    CHECK(to_hex(std::vector<std::uint8_t>(b.run_compiled->out.begin(), b.run_compiled->out.end())) ==
          to_hex(std::vector<std::uint8_t>(b.compiled.out.begin(), b.compiled.out.end())));
  }
}

}  // namespace

TEST_CASE("differential: golden cases give the same doc through run and build") {
  const std::string dir = source_dir() + "/tests/cases";
  int n = 0;
  for (const std::string& f : list_dir(dir)) {
    const std::string suffix = ".case.json";
    if (f.size() <= suffix.size() || f.compare(f.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string name = f.substr(0, f.size() - suffix.size());
    CAPTURE(name);
    const auto meta = nlohmann::json::parse(read_file(dir + "/" + f));
    TempDir root;
    if (meta.contains("files"))
      for (const auto& [file, hex] : meta["files"].items()) {
        const auto bytes = from_hex(hex.get<std::string>());
        write_file(root.file(file), std::string(bytes.begin(), bytes.end()));
      }
    std::vector<std::string> compile;
    if (meta.contains("modules"))
      for (const auto& m : meta["modules"]) compile.insert(compile.end(), {"--module", dir + "/" + m.get<std::string>()});
    TempDir input_dir;
    if (meta.contains("input_hex")) {
      const auto bytes = from_hex(meta["input_hex"].get<std::string>());
      write_file(input_dir.file("input.bin"), std::string(bytes.begin(), bytes.end()));
      compile.insert(compile.end(), {"--input", input_dir.file("input.bin")});
    }
    const std::string pipe = meta.contains("pipe") ? meta["pipe"].get<std::string>() : name + ".json";
    // "rr": the run's --rr flags, the same for `sluice run` and the executable.
    RrFlags rr;
    if (meta.contains("rr")) {
      rr.cassette = meta["rr"].at("cassette").get<std::string>();
      if (meta["rr"].contains("mode")) rr.mode = meta["rr"]["mode"].get<std::string>();
      if (meta["rr"].contains("match")) rr.match = meta["rr"]["match"].get<std::string>();
      if (meta["rr"].contains("policy")) rr.policy = dir + "/" + meta["rr"]["policy"].get<std::string>();
    }
    const Backends b = run_both(dir + "/" + pipe, meta.at("world").get<std::string>(), root.path(), rr_flag_args(rr), compile);
    check_same(b);
    // Both agree with the case itself: its doc bytes and its exit status (README: "exit", else 0
    // for an OK doc and 3 for an ERR doc).
    const std::string doc_hex = meta.at("doc_hex").get<std::string>();
    const int exit_status = meta.contains("exit") ? meta["exit"].get<int>() : (doc_hex.substr(0, 2) == "01" ? 0 : 3);
    CHECK(to_hex(std::vector<std::uint8_t>(b.compiled.out.begin(), b.compiled.out.end())) == doc_hex);
    CHECK(b.compiled.exit_status == exit_status);
    ++n;
  }
  CHECK(n >= 26);
}

TEST_CASE("differential: examples give the same doc and files through run and build") {
  const std::string dir = source_dir() + "/examples";
  int n = 0;
  for (const std::string& f : list_dir(dir)) {
    if (f.size() < 6 || f.substr(f.size() - 5) != ".json") continue;
    CAPTURE(f);
    ++n;
    TempDir root_run, root_exe;
    std::filesystem::copy(dir + "/data", root_run.path(), std::filesystem::copy_options::recursive);
    std::filesystem::copy(dir + "/data", root_exe.path(), std::filesystem::copy_options::recursive);
    TempDir exe_dir;
    const std::string exe = exe_dir.file("pipeline");
    const ProcessResult built =
        run_process({sluice_binary(), "build", dir + "/" + f, "-o", exe, "--cache-dir", cache_dir()});
    REQUIRE(built.exit_status == 0);
    const ProcessResult a = run_process({sluice_binary(), "run", dir + "/" + f, "--root", root_run.path(), "--emit", "doc"});
    const ProcessResult b = run_process({exe, "--root", root_exe.path(), "--emit", "doc"});
    check_same({a, b, std::nullopt});
    for (const std::string& out : list_dir(root_run.path() + "/out"))
      CHECK(read_file(root_run.path() + "/out/" + out) == read_file(root_exe.path() + "/out/" + out));
  }
  // No example found (a moved directory, a wrong filter) must fail, not pass having compared nothing:
  // every example has its expected doc in examples/expected/.
  int expected = 0;
  for (const std::string& f : list_dir(dir + "/expected")) expected += f.size() > 8 && f.substr(f.size() - 8) == ".doc.hex";
  CHECK(expected >= 8);
  CHECK(n == expected);
}

TEST_CASE("differential: ERR docs, traps and page sizes agree too") {
  TempDir root;
  write_file(root.file("in.txt"), "alpha\nbeta\ngamma-is-too-long\n");
  write_file(root.file("pipe.json"),
             "[\"std.stream.pipe_v1\", [\"std.stream.cfg_v1\", [\"chunk_max_bytes\", 7], [\"bufread_cap_bytes\", 9],"
             " [\"max_in_bytes\", 100], [\"max_out_bytes\", 100], [\"max_items\", 10]],"
             " [\"std.stream.src.fs_open_read_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", \"in.txt\"]]],"
             " [\"std.stream.chain_v1\", [\"std.stream.xf.split_lines_v1\", [\"std.stream.expr_v1\", 10],"
             " [\"std.stream.expr_v1\", 8]]], [\"std.stream.sink.collect_bytes_v1\"]]");
  for (const char* page : {"1", "3", "65536"}) {
    const Backends b = run_both(root.file("pipe.json"), "solve-fs", root.path(), {"--page-size", page});
    CHECK(b.compiled.exit_status == 3);
    check_same(b);
  }
  write_file(root.file("trap.json"),
             "[\"std.stream.pipe_v1\", [\"std.stream.cfg_v1\", [\"chunk_max_bytes\", 7], [\"bufread_cap_bytes\", 9],"
             " [\"max_in_bytes\", 100], [\"max_out_bytes\", 100], [\"max_items\", 10]],"
             " [\"std.stream.src.fs_open_read_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", \"missing.txt\"]]],"
             " [\"std.stream.chain_v1\"], [\"std.stream.sink.collect_bytes_v1\"]]");
  const Backends t = run_both(root.file("trap.json"), "solve-fs", root.path());
  CHECK(t.compiled.exit_status == 4);
  check_same(t);
  CHECK(t.compiled.err.find("trap:fs_open_failed") != std::string::npos);
}

namespace {

// A pipe over fixed lines (chunked at 7 bytes, so lines cross chunks) through `stage`.
std::string x07_pipe(const std::string& stage) {
  return "[\"std.stream.pipe_v1\", [\"std.stream.cfg_v1\", [\"chunk_max_bytes\", 7], [\"bufread_cap_bytes\", 64],"
         " [\"max_in_bytes\", 100000], [\"max_out_bytes\", 1000000], [\"max_items\", 1000]],"
         " [\"std.stream.src.bytes_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\","
         " \"hello world\\n\\u0000\\u0001\\u00ff digits 12345 x\\n7\\n\\nabc\\n42\\n99999999999\\n\"]]],"
         " [\"std.stream.chain_v1\", [\"std.stream.xf.split_lines_v1\", [\"std.stream.expr_v1\", 10],"
         " [\"std.stream.expr_v1\", 4096]], " + stage + "], [\"std.stream.sink.collect_bytes_v1\"]]";
}

std::string map_stage(const std::string& fn) {
  return "[\"std.stream.xf.map_bytes_v1\", [\"std.stream.fn_v1\", \"" + fn + "\"]]";
}

struct X07Case {
  std::string name;
  std::string stage;
};

// Runs every case through both backends with tests/differential/diff.x07.json and an --input.
// The translated functions are compiled with AddressSanitizer and UBSan: a dangling view, an
// out-of-bounds access or signed overflow in generated code fails the run (the sanitizers'
// reports go to stderr and the exit status, which the tests compare).
std::vector<Backends> run_x07_cases(const std::vector<X07Case>& cases) {
  TempDir dir;
  write_file(dir.file("input.bin"), std::string("in\0put\n", 7));
  const std::vector<std::string> compile{"--module", source_dir() + "/tests/differential/diff.x07.json", "--input",
                                         dir.file("input.bin")};
  std::vector<Backends> out;
  for (const X07Case& c : cases) {
    CAPTURE(c.name);
    write_file(dir.file(c.name + ".json"), x07_pipe(c.stage));
    out.push_back(run_both(dir.file(c.name + ".json"), "solve-pure", dir.path(), {}, compile,
                           {"--cxxflag=-fsanitize=address,undefined", "--cxxflag=-fno-sanitize-recover=undefined"},
                           true));
  }
  return out;
}

}  // namespace

TEST_CASE("differential: x07 functions (every builtin, operator, form and signature) agree through run, run --compile always and build") {
  const std::vector<X07Case> cases{
      {"arith", map_stage("diff.m_arith")},
      {"bytes", map_stage("diff.m_bytes")},
      {"vec", map_stage("diff.m_vec")},
      {"results", map_stage("diff.m_results")},
      {"calls", map_stage("diff.m_calls")},
      {"natives", map_stage("diff.m_natives")},
      {"input", map_stage("diff.m_input")},
      {"views", map_stage("diff.m_views")},
      {"borrows", map_stage("diff.m_borrows")},
      {"resview", map_stage("diff.m_resview")},
      {"codec", map_stage("diff.m_codec")},
      {"stdbytes", map_stage("diff.m_stdbytes")},
      {"stdvec", map_stage("diff.m_stdvec")},
      // Loops that only push to a vector (the compiled code's push cursor), nested, while, one
      // that also reads it, one that returns from inside; the capacities after them.
      {"cursor", map_stage("diff.m_cursor")},
      // Byte-map loops (the compiled code's table, rt::ByteMap): from 0 and from 1, steps that
      // depend on the byte and steps that do not, the capacities they leave.
      {"bytemap", map_stage("diff.m_bytemap")},
      {"filter", "[\"std.stream.xf.filter_v1\", [\"std.stream.fn_v1\", \"diff.f_odd\"]]"},
      {"validator", "[\"std.stream.xf.require_brand_v1\", [\"brand\", \"diff.no_x_v1\"], [\"validator\", \"diff.v_no_x\"]]"},
      {"in_place", "[\"std.stream.xf.map_in_place_buf_v1\", [\"std.stream.fn_v1\", \"diff.mip_twice\"], [\"scratch_cap_bytes\", 30]]"},
      {"library_stage", map_stage("std.codec.hex_encode_v1")},
  };
  // The expected docs were computed from the spec by the independent model in tests/models
  // (pipes_model.py differential, which tests/cli/models.sh reruns), not by either backend: a
  // builtin that both get wrong (stdlib/x07/rt.hpp) shows here.
  const auto expected =
      nlohmann::json::parse(read_file(source_dir() + "/tests/differential/expected.json"));
  REQUIRE(expected.size() == cases.size());
  const std::vector<Backends> results = run_x07_cases(cases);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(cases[i].name);
    INFO(results[i].interpreted.err);
    check_same(results[i]);
    REQUIRE(expected.contains(cases[i].name));
    const std::string want = expected[cases[i].name].get<std::string>();
    CHECK(to_hex(std::vector<std::uint8_t>(results[i].interpreted.out.begin(), results[i].interpreted.out.end())) == want);
    CHECK(to_hex(std::vector<std::uint8_t>(results[i].compiled.out.begin(), results[i].compiled.out.end())) == want);
    // ERR docs are expected for some (the validator and the scratch buffer fail on some lines),
    // with exit 3; a trap (4) never.
    CHECK(results[i].compiled.exit_status == (want.substr(0, 2) == "01" ? 0 : 3));
  }
}

// The lines sluice itself prints for a run ("sluice: ..."): `run` also reports the front end's
// warnings (W_LINT_* for a trap function that ignores its item), which a built executable, whose
// front end ran at build time, does not repeat.
namespace {
std::string sluice_lines(const std::string& err) {
  std::string kept;
  std::size_t at = 0;
  while (at < err.size()) {
    std::size_t end = err.find('\n', at);
    end = end == std::string::npos ? err.size() : end + 1;
    if (err.compare(at, 8, "sluice: ") == 0) kept.append(err, at, end - at);
    at = end;
  }
  return kept;
}
}  // namespace

TEST_CASE("differential: traps in x07 functions agree through run, run --compile always and build, message included") {
  const std::vector<X07Case> cases{
      {"oob", map_stage("diff.t_oob")},       {"slice", map_stage("diff.t_slice")},
      {"alloc", map_stage("diff.t_alloc")},   {"read", map_stage("diff.t_read")},
      {"depth", "[\"std.stream.xf.filter_v1\", [\"std.stream.fn_v1\", \"diff.t_depth\"]]"},
      {"scratch", "[\"std.stream.xf.map_in_place_buf_v1\", [\"std.stream.fn_v1\", \"diff.t_scratch\"], [\"scratch_cap_bytes\", 30]]"},
      {"fuel", "[\"std.stream.xf.filter_v1\", [\"std.stream.fn_v1\", \"diff.t_fuel\"]]"},
  };
  const std::vector<Backends> results = run_x07_cases(cases);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(cases[i].name);
    check_same(results[i]);
    CHECK(results[i].compiled.exit_status == 4);
    // run --compile always runs the executable's translation: the same message, for fuel the
    // same place to the column.
    REQUIRE(results[i].run_compiled);
    CHECK(sluice_lines(results[i].run_compiled->err) == sluice_lines(results[i].compiled.err));
    if (cases[i].name == "fuel") {
      // Charged per straight-line run rather than per node, the compiled code may name another
      // node of the loop as the place fuel ran out (docs/build.md).
      CHECK(results[i].compiled.err.find("trap:user_fn_fuel_exhausted: diff.t_fuel: out of fuel after 50000000 steps") !=
            std::string::npos);
      CHECK(results[i].interpreted.err.find("trap:user_fn_fuel_exhausted: diff.t_fuel: out of fuel after 50000000 steps") !=
            std::string::npos);
    } else {
      CHECK(sluice_lines(results[i].compiled.err) == sluice_lines(results[i].interpreted.err));
      CHECK(sluice_lines(results[i].compiled.err).find("trap:user_fn_trap: diff.t_") != std::string::npos);
    }
  }
}

TEST_CASE("build --input: values computed from input hold only for that input") {
  const std::string dir = source_dir() + "/tests/cases";
  TempDir tmp;
  write_file(tmp.file("in.txt"), "ab\n\n cd\n");
  write_file(tmp.file("other.txt"), "other\n");
  const std::string exe = tmp.file("lab");
  const ProcessResult built =
      run_process({sluice_binary(), "build", dir + "/x07_lab_entry.json", "-o", exe, "--world", "solve-pure", "--module",
                   dir + "/lab/stages.x07.json", "--input", tmp.file("in.txt"), "--cache-dir", cache_dir()});
  INFO(built.err);
  REQUIRE(built.exit_status == 0);
  CHECK(run_process({exe, "--input", tmp.file("in.txt")}).exit_status == 0);
  const ProcessResult plan = run_process({sluice_binary(), "plan", dir + "/x07_lab_entry.json", "--world", "solve-pure",
                                          "--module", dir + "/lab/stages.x07.json", "--input", tmp.file("in.txt")});
  CHECK(plan.out.find("input: values computed from an input of xxh64:") != std::string::npos);
  for (const std::vector<std::string>& argv : {std::vector<std::string>{exe}, {exe, "--input", tmp.file("other.txt")}}) {
    const ProcessResult r = run_process(argv);
    CHECK(r.exit_status == 2);
    CHECK(r.err.find("computed at build time from a different input") != std::string::npos);
  }
  const ProcessResult missing = run_process({exe, "--input", tmp.file("nope.txt")});
  CHECK(missing.exit_status == 2);
  CHECK(missing.err.find("--input: cannot read") != std::string::npos);
}

TEST_CASE("emit-cpp: the same plan gives byte-identical C++, wherever the descriptor lives") {
  const std::string ex = source_dir() + "/examples/lines_frame_hash.json";
  TempDir other;
  write_file(other.file("copy.json"), read_file(ex));
  const ProcessResult a = run_process({sluice_binary(), "emit-cpp", ex});
  const ProcessResult b = run_process({sluice_binary(), "emit-cpp", ex});
  const ProcessResult c = run_process({sluice_binary(), "emit-cpp", other.file("copy.json")});
  REQUIRE(a.exit_status == 0);
  CHECK(a.out == b.out);
  CHECK(a.out == c.out);
  CHECK(a.out.find("// plan-hash: xxh64:") != std::string::npos);
  CHECK(a.out.find("// sluice-version: ") != std::string::npos);
  CHECK(a.out.find("virtual") == std::string::npos);
  const ProcessResult to_file = run_process({sluice_binary(), "emit-cpp", ex, "-o", other.file("p.cpp")});
  CHECK(to_file.exit_status == 0);
  CHECK(read_file(other.file("p.cpp")) == a.out);
}

TEST_CASE("build: failures say why, exit non-zero and leave nothing at the output path") {
  const std::string ex = source_dir() + "/examples/hello_lines.json";
  TempDir dir;
  const ProcessResult no_cxx = run_process({sluice_binary(), "build", ex, "-o", dir.file("x"), "--no-cache",
                                            "--cxx", "/nonexistent/c++", "--cache-dir", dir.file("cache")});
  CHECK(no_cxx.exit_status == 5);
  CHECK(no_cxx.err.find("no C++ compiler") != std::string::npos);
  const ProcessResult bad_flag = run_process({sluice_binary(), "build", ex, "-o", dir.file("x"), "--no-cache",
                                              "--cxxflag", "-fno-such-flag-exists", "--cache-dir", dir.file("cache")});
  CHECK(bad_flag.exit_status == 5);
  CHECK(bad_flag.err.find("the C++ compiler failed") != std::string::npos);
  CHECK(bad_flag.err.find("fno-such-flag-exists") != std::string::npos);  // the compiler's own output
  const ProcessResult unwritable =
      run_process({sluice_binary(), "build", ex, "-o", dir.file("no/such/dir/x"), "--cache-dir", cache_dir()});
  CHECK(unwritable.exit_status == 5);
  CHECK(unwritable.err.find("cannot write") != std::string::npos);
  write_file(dir.file("bad.json"), "[\"std.stream.pipe_v1\"]");
  CHECK(run_process({sluice_binary(), "build", dir.file("bad.json"), "-o", dir.file("x")}).exit_status == 1);
  CHECK_FALSE(std::filesystem::exists(dir.file("x")));
  std::vector<std::string> left = list_dir(dir.path());
  CHECK(left == std::vector<std::string>{"bad.json", "cache"});
}

}  // namespace sluice::test
