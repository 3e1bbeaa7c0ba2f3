// The command-line contract of DESIGN.md, through the real binary: subcommands, exit statuses,
// the --emit formats, --help texts, and bad invocations.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/pipes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

ProcessResult sluice(std::vector<std::string> args) {
  args.insert(args.begin(), sluice_binary());
  return run_process(args);
}

}  // namespace

TEST_CASE("cli: run exit statuses: 0 OK, 3 ERR doc, 1 rejected, 2 usage, 4 trap") {
  TempDir dir;
  write_file(dir.file("ok.json"), pipe(CfgText{}, bytes_src("abc"), {}, collect()));
  CfgText tight;
  tight.max_items = 1;
  write_file(dir.file("err.json"), pipe(tight, bytes_src("a\nb\n"), {split(10, 64)}, collect()));
  write_file(dir.file("bad.json"), "[\"std.stream.pipe_v1\", 1, 2]");
  write_file(dir.file("trap.json"), pipe(CfgText{}, fs_src("missing.bin"), {}, collect()));

  CHECK(sluice({"run", dir.file("ok.json")}).exit_status == 0);
  const ProcessResult err = sluice({"run", dir.file("err.json")});
  CHECK(err.exit_status == 3);
  CHECK(err.err.find("ERR 4 stream:budget_items") != std::string::npos);
  const ProcessResult bad = sluice({"run", dir.file("bad.json")});
  CHECK(bad.exit_status == 1);
  CHECK(bad.err.find("E_PIPE_") != std::string::npos);
  const ProcessResult trap = sluice({"run", dir.file("trap.json"), "--root", dir.path()});
  CHECK(trap.exit_status == 4);
  CHECK(trap.err.find("sluice: trap:fs_open_failed") != std::string::npos);
  CHECK(sluice({"run"}).exit_status == 2);
  CHECK(sluice({"run", dir.file("ok.json"), "--emit", "xml"}).exit_status == 2);
  CHECK(sluice({"run", dir.file("ok.json"), "--world", "mars"}).exit_status == 2);
  CHECK(sluice({"run", dir.file("ok.json"), "--root", dir.file("nope")}).exit_status == 2);
  CHECK(sluice({"frobnicate"}).exit_status == 2);
  CHECK(sluice({}).exit_status == 2);
  const ProcessResult missing = sluice({"run", dir.file("absent.json")});
  CHECK(missing.exit_status == 1);
  CHECK(missing.err.find("E_PIPE_FILE_UNREADABLE") != std::string::npos);
}

TEST_CASE("cli: --emit doc, payload, json and summary") {
  TempDir dir;
  write_file(dir.file("p.json"), pipe(CfgText{}, bytes_src("abc"), {}, hash_sink()));
  const ProcessResult doc = sluice({"run", dir.file("p.json"), "--emit", "doc"});
  CHECK(to_hex(std::vector<std::uint8_t>(doc.out.begin(), doc.out.end())) ==
        "0103000000030000000100000001000000040000000be9471a");
  CHECK(doc.err.empty());
  const ProcessResult payload = sluice({"run", dir.file("p.json"), "--emit", "payload"});
  CHECK(to_hex(std::vector<std::uint8_t>(payload.out.begin(), payload.out.end())) == "0be9471a");
  const ProcessResult json = sluice({"run", dir.file("p.json"), "--emit", "json"});
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["ok"] == true);
  CHECK(j["counters"]["bytes_in"] == 3);
  CHECK(j["counters"]["items_out"] == 1);
  CHECK(j["payload"] == "C+lHGg==");
  CHECK(j["copied_bytes"] == 0);
  const ProcessResult summary = sluice({"run", dir.file("p.json")});
  CHECK(summary.out.empty());
  CHECK(summary.err.find("OK bytes_in=3 bytes_out=3 items_in=1 items_out=1") != std::string::npos);

  CfgText tight;
  tight.max_out = 2;
  write_file(dir.file("e.json"), pipe(tight, bytes_src("abc"), {}, collect()));
  const ProcessResult ej = sluice({"run", dir.file("e.json"), "--emit", "json"});
  CHECK(ej.exit_status == 3);
  const auto e = nlohmann::json::parse(ej.out);
  CHECK(e["ok"] == false);
  CHECK(e["code"] == 3);
  CHECK(e["message"] == "stream:budget_out_bytes");
  CHECK(e["counters"].is_null());
}

TEST_CASE("cli: check reports every file's diagnostics, text and json") {
  TempDir dir;
  write_file(dir.file("good.json"), pipe(CfgText{}, bytes_src("abc"), {}, collect()));
  write_file(dir.file("bad.json"),
             "[\"std.stream.pipe_v1\",\n [\"std.stream.cfg_v1\"],\n [\"std.stream.src.nope_v1\"],\n"
             " [\"std.stream.chain_v1\"],\n [\"std.stream.sink.null_v1\"]]\n");
  const ProcessResult good = sluice({"check", dir.file("good.json")});
  CHECK(good.exit_status == 0);
  const ProcessResult text = sluice({"check", dir.file("good.json"), dir.file("bad.json")});
  CHECK(text.exit_status == 1);
  CHECK(text.out.find(dir.file("bad.json") + ":3:3: error[E_PIPE_UNKNOWN_STAGE]") != std::string::npos);
  const ProcessResult json = sluice({"check", "--format", "json", dir.file("bad.json")});
  CHECK(json.exit_status == 1);
  const auto j = nlohmann::json::parse(json.out);
  REQUIRE(j.is_array());
  REQUIRE(j.size() >= 2);  // the missing cfg keys and the unknown source
  for (const auto& d : j)
    for (const char* key : {"code", "severity", "file", "line", "column", "pointer", "message"}) CHECK(d.contains(key));
  CHECK(sluice({"check", dir.file("nope.json")}).exit_status == 2);
}

TEST_CASE("cli: plan prints the elaborated chain, --help on every command is useful") {
  const std::string ex = source_dir() + "/examples/lines_frame_hash.json";
  const ProcessResult text = sluice({"plan", ex});
  CHECK(text.exit_status == 0);
  CHECK(text.out.find("std.stream.xf.split_lines_v1") != std::string::npos);
  const auto j = nlohmann::json::parse(sluice({"plan", ex, "--format", "json"}).out);
  REQUIRE(j["chain"].size() == 2);
  CHECK(j["chain"][0]["id"] == "std.stream.xf.split_lines_v1");
  CHECK(j["chain"][0]["args"]["max_line_bytes"] == 65536);
  CHECK(j["chain"][1]["index"] == 1);
  for (const char* cmd : {"check", "run", "plan"}) {
    CAPTURE(cmd);
    const ProcessResult help = sluice({cmd, "--help"});
    CHECK(help.exit_status == 0);
    CHECK(help.out.find("--world") != std::string::npos);
  }
  const ProcessResult top = sluice({"--help"});
  CHECK(top.out.find("Exit statuses") != std::string::npos);
  CHECK(sluice({"--version"}).out.find("sluice ") == 0);
}

}  // namespace sluice::test
