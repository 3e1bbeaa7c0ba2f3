// Native modules (--native-module FILE.cpp): stage functions in plain C++ compiled into a shared
// object for check/run/plan and into the executable for build. The rot13 example end to end, a
// native function called from an x07 body, every way a module can be bad, the build cache, and
// linking module objects into `sluice build` executables.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "compiler/build_driver.hpp"
#include "compiler/native_modules.hpp"
#include "runtime/bytes.hpp"
#include "runtime/result_doc.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {
namespace fs = std::filesystem;

// Points $SLUICE_CACHE_DIR (what check/run/plan compile modules into) at `dir` while alive, so
// the tests never touch the user's cache; the sluice processes they start inherit it.
class CacheDirEnv {
 public:
  explicit CacheDirEnv(const std::string& dir) {
    if (const char* old = std::getenv("SLUICE_CACHE_DIR")) old_ = old;
    ::setenv("SLUICE_CACHE_DIR", dir.c_str(), 1);
  }
  ~CacheDirEnv() {
    if (old_) {
      ::setenv("SLUICE_CACHE_DIR", old_->c_str(), 1);
    } else {
      ::unsetenv("SLUICE_CACHE_DIR");
    }
  }
  CacheDirEnv(const CacheDirEnv&) = delete;
  CacheDirEnv& operator=(const CacheDirEnv&) = delete;

 private:
  std::optional<std::string> old_;
};

// Shared by the tests of this build tree whose modules compile, so reruns reuse the objects.
std::string shared_cache() { return std::string(SLUICE_TEST_BUILD_DIR) + "/build-cache"; }

std::string example(const std::string& name) { return source_dir() + "/examples/native/" + name; }

// Written independently of the example module: a table lookup rather than arithmetic.
std::string rot13(const std::string& s) {
  const std::string from = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const std::string to = "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM";
  std::string out;
  for (const char c : s) {
    const std::size_t i = from.find(c);
    out += i == std::string::npos ? c : to[i];
  }
  return out;
}

std::string u32frames(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    std::uint8_t h[4];
    store_u32le(h, static_cast<std::uint32_t>(item.size()));
    out.append(reinterpret_cast<const char*>(h), 4);
    out += item;
  }
  return out;
}

ResultDoc decoded(const ProcessResult& r) {
  INFO(r.err);
  const auto doc = decode_doc(ByteView::of(r.out));
  REQUIRE(doc.has_value());
  return *doc;
}

std::string payload_of(const ResultDoc& d) { return std::string(d.payload.begin(), d.payload.end()); }

// Every regular file under `dir`, for "nothing was left behind" checks.
std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path().string());
  return files;
}

const char* const kMapFn =
    "#include \"stdlib/native_module.hpp\"\n"
    "static sluice::UserFnStatus same(const void*, sluice::UserFnIo& io) {\n"
    "  io.out->assign(io.item.begin(), io.item.end());\n"
    "  return sluice::UserFnStatus::kOk;\n"
    "}\n";

}  // namespace

TEST_CASE("native modules: run, check and plan the rot13 example") {
  CacheDirEnv env(shared_cache());
  const std::string pipe = example("rot13_pipe.json");
  const std::string module = example("rot13.cpp");
  const ProcessResult r = run_process({sluice_binary(), "run", pipe, "--native-module", module, "--emit", "doc"});
  CHECK(r.exit_status == 0);
  const ResultDoc doc = decoded(r);
  CHECK(doc.ok);
  // The input lines that hold a digit, rot13'd, framed by the u32frames sink.
  CHECK(payload_of(doc) == u32frames({rot13("room 101"), rot13("Call 555-0100 now")}));
  CHECK(payload_of(doc) == u32frames({"ebbz 101", "Pnyy 555-0100 abj"}));

  const ProcessResult checked = run_process({sluice_binary(), "check", pipe, "--native-module", module});
  INFO(checked.err);
  CHECK(checked.exit_status == 0);
  CHECK(checked.out.find("1 pipe OK") != std::string::npos);
  const ProcessResult planned = run_process({sluice_binary(), "plan", pipe, "--native-module", module});
  CHECK(planned.exit_status == 0);
  CHECK(planned.out.find("app.text.rot13") != std::string::npos);

  // Without the module the names are unknown: the descriptor is rejected.
  const ProcessResult without = run_process({sluice_binary(), "check", pipe});
  CHECK(without.exit_status == 1);
  CHECK(without.out.find("app.text.has_digit") != std::string::npos);
}

TEST_CASE("native modules: an x07 module function calls a native function") {
  CacheDirEnv env(shared_cache());
  TempDir dir;
  fs::create_directories(dir.file("app"));
  write_file(dir.file("app/wrap.x07.json"), R"({"schema_version": "x07.x07ast@0.8.0", "kind": "module", "module_id": "app.wrap", "imports": [],
 "decls": [
  {"kind": "export", "names": ["app.wrap.shout"]},
  {"kind": "defn", "name": "app.wrap.shout", "params": [{"name": "item", "ty": "bytes_view"}], "result": "bytes",
   "body": ["begin",
     ["let", "r", ["app.text.rot13", "item"]],
     ["bytes.concat", ["bytes.view", "r"], ["bytes.view_lit", "!"]]]}]})");
  write_file(dir.file("pipe.json"), R"(["std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 64], ["bufread_cap_bytes", 64],
                        ["max_in_bytes", 1024], ["max_out_bytes", 1024], ["max_items", 16]],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "Hello\nnative World\n"]]],
  ["std.stream.chain_v1",
    ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 256]],
    ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "app.wrap.shout"]]],
  ["std.stream.sink.u32frames_v1", ["std.stream.sink.collect_bytes_v1"]]])");
  const ProcessResult r = run_process(
      {sluice_binary(), "run", dir.file("pipe.json"), "--native-module", example("rot13.cpp"), "--emit", "doc"});
  CHECK(r.exit_status == 0);
  const ResultDoc doc = decoded(r);
  CHECK(doc.ok);
  CHECK(payload_of(doc) == u32frames({rot13("Hello") + "!", rot13("native World") + "!"}));
}

TEST_CASE("native modules: bad modules are rejected with a message, leaving nothing behind") {
  TempDir cache;
  CacheDirEnv env(cache.path());
  TempDir dir;
  const std::string pipe = example("rot13_pipe.json");
  const auto run_with = [&](const std::vector<std::string>& modules) {
    std::vector<std::string> argv{sluice_binary(), "run", pipe, "--emit", "doc"};
    for (const std::string& m : modules) {
      argv.push_back("--native-module");
      argv.push_back(m);
    }
    return run_process(argv);
  };
  const auto expect_rejected = [&](const ProcessResult& r, const std::string& message) {
    INFO(r.err);
    CHECK(r.exit_status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(message) != std::string::npos);
  };

  SUBCASE("a missing file") {
    expect_rejected(run_with({dir.file("nope.cpp")}), "native module " + dir.file("nope.cpp") + ": no such file");
  }
  SUBCASE("a compiler error, with the compiler's own output") {
    write_file(dir.file("broken.cpp"), "#include \"stdlib/native_module.hpp\"\nint broken( {\n");
    const ProcessResult r = run_with({dir.file("broken.cpp")});
    expect_rejected(r, "native module " + dir.file("broken.cpp") + ": the C++ compiler failed");
    CHECK(r.err.find("broken.cpp:2") != std::string::npos);  // the compiler's diagnostic, with its line
    CHECK(r.err.find("error") != std::string::npos);
    CHECK(files_under(cache.path()).empty());  // no partial shared object in the cache
  }
  SUBCASE("no SLUICE_NATIVE_MODULE table") {
    write_file(dir.file("no_table.cpp"), "int no_table_here() { return 1; }\n");
    expect_rejected(run_with({dir.file("no_table.cpp")}), "no native module table");
  }
  SUBCASE("a table entry with an empty name") {
    write_file(dir.file("empty_name.cpp"),
               std::string(kMapFn) + "SLUICE_NATIVE_MODULE({\"\", sluice::UserFnSig::kMap, same})\n");
    expect_rejected(run_with({dir.file("empty_name.cpp")}), "table entry 1 has an empty name");
  }
  SUBCASE("a name listed twice in one table") {
    write_file(dir.file("twice.cpp"), std::string(kMapFn) +
                                          "SLUICE_NATIVE_MODULE({\"app.x.same\", sluice::UserFnSig::kMap, same},\n"
                                          "                     {\"app.x.same\", sluice::UserFnSig::kMap, same})\n");
    expect_rejected(run_with({dir.file("twice.cpp")}), "table entry 2: the name \"app.x.same\" is listed twice");
  }
  SUBCASE("an invalid signature") {
    write_file(dir.file("bad_sig.cpp"),
               std::string(kMapFn) +
                   "SLUICE_NATIVE_MODULE({\"app.x.same\", static_cast<sluice::UserFnSig>(9), same})\n");
    expect_rejected(run_with({dir.file("bad_sig.cpp")}), "(\"app.x.same\") has an invalid signature (9)");
  }
  SUBCASE("two modules defining the same name") {
    write_file(dir.file("again.cpp"),
               std::string(kMapFn) + "SLUICE_NATIVE_MODULE({\"app.text.rot13\", sluice::UserFnSig::kMap, same})\n");
    expect_rejected(run_with({example("rot13.cpp"), dir.file("again.cpp")}),
                    "native module " + dir.file("again.cpp") + ": \"app.text.rot13\" is already defined by native module " +
                        example("rot13.cpp"));
  }
  SUBCASE("check and plan reject the same way, and build fails with 5 and writes nothing") {
    write_file(dir.file("broken.cpp"), "int broken( {\n");
    for (const char* cmd : {"check", "plan", "emit-cpp"}) {
      CAPTURE(cmd);
      expect_rejected(run_process({sluice_binary(), cmd, pipe, "--native-module", dir.file("broken.cpp")}),
                      "the C++ compiler failed");
    }
    const ProcessResult b = run_process({sluice_binary(), "build", pipe, "-o", dir.file("exe"), "--cache-dir",
                                         cache.path(), "--native-module", dir.file("broken.cpp")});
    INFO(b.err);
    CHECK(b.exit_status == 5);
    CHECK(b.err.find("broken.cpp:1") != std::string::npos);
    CHECK(!fs::exists(dir.file("exe")));
    const ProcessResult missing = run_process({sluice_binary(), "build", pipe, "-o", dir.file("exe"), "--cache-dir",
                                               cache.path(), "--native-module", dir.file("nope.cpp")});
    CHECK(missing.exit_status == 5);
    CHECK(missing.err.find("no such file") != std::string::npos);
    CHECK(!fs::exists(dir.file("exe")));
    CHECK(files_under(cache.path()).empty());
  }
}

TEST_CASE("native modules: a second load reuses the cached shared object") {
  TempDir cache, dir;
  write_file(dir.file("m.cpp"), std::string(kMapFn) + "SLUICE_NATIVE_MODULE({\"app.m.same\", sluice::UserFnSig::kMap, same})\n");
  const NativeModuleOptions options{.cxx = "", .cache_dir = cache.path()};
  const NativeModulesLoad first = load_native_modules({dir.file("m.cpp")}, options);
  INFO(first.message);
  REQUIRE(first.ok);
  REQUIRE(first.modules.size() == 1);
  CHECK(first.modules[0].compiled);
  REQUIRE(first.fns.size() == 1);
  CHECK(first.fns[0].name == "app.m.same");
  CHECK(first.fns[0].sig == UserFnSig::kMap);
  const auto mtime = fs::last_write_time(first.modules[0].shared_object);

  // The loaded function is callable in-process.
  std::vector<std::uint8_t> out;
  UserFnIo io;
  io.item = ByteView::of("abc");
  io.out = &out;
  CHECK(first.fns[0].fn(io) == UserFnStatus::kOk);
  CHECK(std::string(out.begin(), out.end()) == "abc");

  const NativeModulesLoad second = load_native_modules({dir.file("m.cpp")}, options);
  REQUIRE(second.ok);
  CHECK(!second.modules[0].compiled);
  CHECK(second.modules[0].shared_object == first.modules[0].shared_object);
  CHECK(fs::last_write_time(second.modules[0].shared_object) == mtime);
  CHECK(files_under(cache.path()).size() == 1);

  // Other contents, another object.
  write_file(dir.file("m.cpp"), std::string(kMapFn) + "SLUICE_NATIVE_MODULE({\"app.m.other\", sluice::UserFnSig::kMap, same})\n");
  const NativeModulesLoad edited = load_native_modules({dir.file("m.cpp")}, options);
  REQUIRE(edited.ok);
  CHECK(edited.modules[0].compiled);
  CHECK(edited.modules[0].shared_object != first.modules[0].shared_object);
  CHECK(edited.fns[0].name == "app.m.other");
}

TEST_CASE("native modules: build compiles each module to its own object and links it") {
  TempDir dir, cache;
  // No user functions in this pipe: the module's object is linked but not called, which tests
  // the compile and link path whatever the generated code does with it.
  const std::string pipe = source_dir() + "/examples/hello_lines.json";
  write_file(dir.file("second.cpp"),
             std::string(kMapFn) + "SLUICE_NATIVE_MODULE({\"app.second.same\", sluice::UserFnSig::kMap, same})\n");
  const ProcessResult b = run_process({sluice_binary(), "build", pipe, "-o", dir.file("exe"), "--cache-dir",
                                       cache.path(), "-v", "--native-module", example("rot13.cpp"),
                                       "--native-module", dir.file("second.cpp")});
  INFO(b.err);
  REQUIRE(b.exit_status == 0);
  CHECK(b.err.find("-DSLUICE_NATIVE_MODULE_SYMBOL=sluice_native_module_v1_0") != std::string::npos);
  CHECK(b.err.find("-DSLUICE_NATIVE_MODULE_SYMBOL=sluice_native_module_v1_1") != std::string::npos);
  CHECK(b.err.find("native_module_1.o") != std::string::npos);
  const ProcessResult exe = run_process({dir.file("exe"), "--emit", "doc"});
  const ProcessResult interpreted = run_process({sluice_binary(), "run", pipe, "--emit", "doc"});
  CHECK(exe.exit_status == 0);
  CHECK(exe.out == interpreted.out);

  // The build cache key holds each module's contents: an edited module is a new build.
  const ProcessResult again = run_process({sluice_binary(), "build", pipe, "-o", dir.file("exe"), "--cache-dir",
                                           cache.path(), "-v", "--native-module", example("rot13.cpp"),
                                           "--native-module", dir.file("second.cpp")});
  REQUIRE(again.exit_status == 0);
  CHECK(again.err.find("\ncached: ") != std::string::npos);
  write_file(dir.file("second.cpp"),
             std::string(kMapFn) + "SLUICE_NATIVE_MODULE({\"app.second.other\", sluice::UserFnSig::kMap, same})\n");
  const ProcessResult edited = run_process({sluice_binary(), "build", pipe, "-o", dir.file("exe"), "--cache-dir",
                                            cache.path(), "-v", "--native-module", example("rot13.cpp"),
                                            "--native-module", dir.file("second.cpp")});
  INFO(edited.err);
  REQUIRE(edited.exit_status == 0);
  CHECK(edited.err.find("\ncompiled: ") != std::string::npos);
}

TEST_CASE("native modules: build's own module compile failing is exit 5 with the compiler output") {
  // Through the library: the CLI loads modules before building, so a module that does not
  // compile never gets this far there; a compiler that accepts it for the shared object but not
  // with build's flags can (here: a #error only the renamed table symbol reaches).
  TempDir cache, dir;
  write_file(dir.file("only_in_build.cpp"),
             std::string(kMapFn) +
                 "#ifdef SLUICE_NATIVE_MODULE_SYMBOL\n#error built into an executable\n#endif\n");
  const CompileResult compiled = compile_pipe_file(source_dir() + "/examples/hello_lines.json", CompileOptions{});
  REQUIRE(compiled.plan);
  BuildOptions options;
  options.output = dir.file("exe");
  options.cache_dir = cache.path();
  options.native_modules = {dir.file("only_in_build.cpp")};
  const BuildResult r = build_executable(*compiled.plan, options);
  CHECK(!r.ok);
  CHECK(r.message.find("native module " + dir.file("only_in_build.cpp") + ": the C++ compiler failed") !=
        std::string::npos);
  CHECK(r.message.find("built into an executable") != std::string::npos);
  CHECK(!fs::exists(dir.file("exe")));
  for (const std::string& f : files_under(cache.path())) CHECK(f.find(".tmp") == std::string::npos);
}

TEST_CASE("native modules: build runs the rot13 example like run does") {
  // Needs the C++ backend to call native functions (emit_cpp's native module lookup).
  CacheDirEnv env(shared_cache());
  TempDir dir;
  const std::string pipe = example("rot13_pipe.json");
  const std::string module = example("rot13.cpp");
  const ProcessResult b = run_process({sluice_binary(), "build", pipe, "-o", dir.file("exe"), "--cache-dir",
                                       shared_cache(), "--native-module", module});
  INFO(b.err);
  REQUIRE(b.exit_status == 0);
  const ProcessResult exe = run_process({dir.file("exe"), "--emit", "doc"});
  const ProcessResult interpreted =
      run_process({sluice_binary(), "run", pipe, "--native-module", module, "--emit", "doc"});
  CHECK(exe.exit_status == 0);
  CHECK(exe.out == interpreted.out);
  CHECK(payload_of(decoded(exe)) == u32frames({rot13("room 101"), rot13("Call 555-0100 now")}));
}

}  // namespace sluice::test
