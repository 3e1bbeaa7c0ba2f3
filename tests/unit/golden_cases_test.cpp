// The golden cases of tests/cases: each descriptor, run in its world over its files, gives the
// exact doc bytes, for every page size and both read modes, in-process and through the CLI.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runtime/rr_host.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

struct GoldenCase {
  std::string name;
  std::string descriptor;
  World world = World::kSolvePure;
  std::vector<std::pair<std::string, std::string>> files;  // name, bytes
  std::string doc_hex;
  int exit_status = 0;                    // "exit", else 0 for an OK doc and 3 for an ERR doc
  std::string pipe_path;                  // "pipe" (default <name>.json), under tests/cases
  std::vector<std::string> modules;       // "modules": --module files, under tests/cases
  std::string input;                      // "input_hex": an entry module's --input
  bool has_input = false;
  RrFlags rr;                             // "rr": {cassette, mode, match, policy (under tests/cases)}

  // The --rr flags of the case, for `sluice run` and a built executable.
  [[nodiscard]] std::vector<std::string> rr_args() const { return rr_flag_args(rr); }

  [[nodiscard]] CompileOptions options() const {
    CompileOptions o{.world = world};
    o.module_files = modules;
    o.input = input;
    return o;
  }
};

RrFlags rr_flags_of(const nlohmann::json& meta, const std::string& dir) {
  RrFlags f;
  if (!meta.contains("rr")) return f;
  const auto& rr = meta["rr"];
  f.cassette = rr.at("cassette").get<std::string>();
  if (rr.contains("mode")) f.mode = rr["mode"].get<std::string>();
  if (rr.contains("match")) f.match = rr["match"].get<std::string>();
  if (rr.contains("policy")) f.policy = dir + "/" + rr["policy"].get<std::string>();
  return f;
}

std::vector<GoldenCase> load_cases() {
  std::vector<GoldenCase> cases;
  const std::string dir = source_dir() + "/tests/cases";
  for (const std::string& f : list_dir(dir)) {
    const std::string suffix = ".case.json";
    if (f.size() <= suffix.size() || f.compare(f.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    GoldenCase c;
    c.name = f.substr(0, f.size() - suffix.size());
    const auto meta = nlohmann::json::parse(read_file(dir + "/" + f));
    c.pipe_path = dir + "/" + (meta.contains("pipe") ? meta["pipe"].get<std::string>() : c.name + ".json");
    c.descriptor = read_file(c.pipe_path);
    if (meta.contains("modules"))
      for (const auto& m : meta["modules"]) c.modules.push_back(dir + "/" + m.get<std::string>());
    if (meta.contains("input_hex")) {
      const auto bytes = from_hex(meta["input_hex"].get<std::string>());
      c.input.assign(bytes.begin(), bytes.end());
      c.has_input = true;
    }
    c.rr = rr_flags_of(meta, dir);
    c.world = *parse_world(meta.at("world").get<std::string>());
    c.doc_hex = meta.at("doc_hex").get<std::string>();
    const auto doc = from_hex(c.doc_hex);
    c.exit_status = meta.contains("exit") ? meta["exit"].get<int>() : (!doc.empty() && doc[0] == 1 ? 0 : 3);
    if (meta.contains("files"))
      for (const auto& [name, hex] : meta["files"].items()) {
        const auto bytes = from_hex(hex.get<std::string>());
        c.files.emplace_back(name, std::string(bytes.begin(), bytes.end()));
      }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace

TEST_CASE("golden cases: the exit field is read, and a trap case documents exit 4 with no doc") {
  const auto cases = load_cases();
  int traps = 0;
  for (const GoldenCase& c : cases) {
    CAPTURE(c.name);
    CHECK((c.exit_status == 0 || c.exit_status == 3 || c.exit_status == 4));
    if (c.exit_status == 4) {
      CHECK(c.doc_hex.empty());
      ++traps;
    } else {
      REQUIRE(!c.doc_hex.empty());
      CHECK(c.exit_status == (c.doc_hex.substr(0, 2) == "01" ? 0 : 3));  // OK doc: 0, ERR doc: 3
    }
  }
  CHECK(traps >= 1);
}

TEST_CASE("golden cases: exact doc bytes in-process, for every page size and read mode") {
  const auto cases = load_cases();
  REQUIRE(cases.size() >= 17);
  for (const GoldenCase& c : cases) {
    CAPTURE(c.name);
    TempDir root;
    for (const auto& [name, bytes] : c.files) write_file(root.file(name), bytes);
    for (std::uint32_t page : {1u, 2u, 3u, 7u, 64u, 4093u, 65536u}) {
      for (ReadMode mode : {ReadMode::kRead, ReadMode::kMmap}) {
        CAPTURE(page);
        // A fresh rr session per run, as `sluice run` opens one: lookup marks entries used.
        RrSession session;
        RrConfig cfg;
        std::string why;
        REQUIRE(rr_config_from_flags(c.rr, cfg, why));
        if (!c.rr.cassette.empty()) {
          const RrCode code = session.open(FsRoot{root.path(), true}, cfg);
          if (code != RrCode::kOk) {  // the run never starts: a trap, as the CLI reports it
            CHECK(c.exit_status == 4);
            continue;
          }
        }
        const PipeRun r = compile_and_run(c.descriptor, c.pipe_path, c.options(), root.path(), page, mode,
                                          c.rr.cassette.empty() ? nullptr : &session);
        REQUIRE(r.compiled.ok());
        // A case whose documented exit is 4 is a runtime trap: no doc at all.
        CHECK((r.outcome.status == RunStatus::kTrap) == (c.exit_status == 4));
        if (c.exit_status != 4) CHECK(to_hex(r.outcome.doc) == c.doc_hex);
      }
    }
  }
}

TEST_CASE("golden cases: `sluice run --emit doc` writes the same bytes and the documented exit status") {
  for (const GoldenCase& c : load_cases()) {
    CAPTURE(c.name);
    TempDir root;
    for (const auto& [name, bytes] : c.files) write_file(root.file(name), bytes);
    std::vector<std::string> argv{sluice_binary(), "run", c.pipe_path, "--world", std::string(world_name(c.world)),
                                  "--root", root.path(), "--emit", "doc"};
    for (const std::string& m : c.modules) argv.insert(argv.end(), {"--module", m});
    for (const std::string& a : c.rr_args()) argv.push_back(a);
    if (c.has_input) {
      write_file(root.file(".sluice-input"), c.input);
      argv.insert(argv.end(), {"--input", root.file(".sluice-input")});
    }
    const ProcessResult r = run_process(argv);
    CHECK(to_hex(std::vector<std::uint8_t>(r.out.begin(), r.out.end())) == c.doc_hex);
    CHECK(r.exit_status == c.exit_status);
  }
}

}  // namespace sluice::test
