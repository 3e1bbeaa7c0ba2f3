// Tests of runtime/profile (--profile): the sampled time estimate, the tap's switch from timing
// every call to timing one in 64, each row's own figures (a stage's calls less its downstream's),
// and a whole interpreted run whose rows agree with its counters and its copied bytes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "runtime/profile.hpp"
#include "runtime/run_report.hpp"
#include "stdlib/stage_configs.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;

namespace {

// A link target that only counts what reaches it.
struct CountingTarget {
  std::uint64_t items = 0;
  Flow push(ByteView) {
    ++items;
    return Flow::kContinue;
  }
  Flow push_framed(ByteView) { return push({}); }
  Flow push_batch(const ByteView*, std::uint32_t n) {
    items += n;
    return Flow::kContinue;
  }
};

std::vector<ProfilePart> parts(std::size_t stages) {
  std::vector<ProfilePart> p;
  p.push_back({ProfilePart::Role::kSource, "std.stream.src.bytes_v1", "/2"});
  for (std::size_t i = 0; i < stages; ++i)
    p.push_back({ProfilePart::Role::kStage, "std.stream.xf.stage" + std::to_string(i), "/3/" + std::to_string(i + 1)});
  p.push_back({ProfilePart::Role::kSink, "std.stream.sink.collect_bytes_v1", "/4"});
  return p;
}

}  // namespace

TEST_CASE("profile: time is exact while every call is timed, then scaled from the sampled calls") {
  LinkTally t;
  t.calls = 100;
  t.timed_calls = 100;
  t.timed_ns = 12345;
  CHECK(t.push_ns() == 12345);
  // Calibrated as short after 256 calls; 640 more calls of which 10 were timed at 100 ns each.
  LinkTally s;
  s.mask = LinkTally::kSampleMask;
  s.exact_calls = 256;
  s.exact_ns = 256 * 100;
  s.calls = 256 + 640;
  s.timed_calls = 256 + 10;
  s.timed_ns = s.exact_ns + 10 * 100;
  CHECK(s.push_ns() == 256 * 100 + 640 * 100);
  CHECK(LinkTally{}.push_ns() == 0);
  // The clock's own cost, per timed call, comes off (never below zero).
  LinkTally c = t;
  c.clock_ns = 20;
  CHECK(c.push_ns() == 12345 - 100 * 20);
  c.clock_ns = 1000;
  CHECK(c.push_ns() == 0);
}

TEST_CASE("profile: a tap times every call until 256, then one call in 64 when calls are short") {
  PagePool pool(kDefaultPageSize);
  RunContext ctx(Budgets{}, pool);
  CountingTarget target;
  LinkTally tally;
  ProfileTap<StaticNext<CountingTarget>> tap(ctx, StaticNext<CountingTarget>(ctx, target), tally);
  const std::uint8_t byte = 'x';
  for (int i = 0; i < 256; ++i) CHECK(tap.push(ByteView(&byte, 1)) == Flow::kContinue);
  CHECK(tally.timed_calls == 256);
  CHECK(tally.mask == LinkTally::kSampleMask);  // a counting call takes far less than 2 µs
  for (int i = 0; i < 64 * 10; ++i) tap.push(ByteView(&byte, 1));
  CHECK(tally.timed_calls == 256 + 10);
  const ByteView batch[3] = {ByteView(&byte, 1), ByteView(&byte, 1), {}};
  tap.push_batch(batch, 3);
  tap.push_framed(ByteView(&byte, 1));
  CHECK(target.items == 256 + 640 + 3 + 1);
  CHECK(tally.items == target.items);
  CHECK(tally.bytes == 256 + 640 + 2 + (4 + 1));  // a framed item counts its 4-byte prefix
  CHECK(tally.calls == 256 + 640 + 2);
}

TEST_CASE("profile: each stage's row is its own calls and flush less its downstream's") {
  RunProfile p;
  p.begin(parts(2));
  p.start();
  // The clock's measured cost is taken out of every timed call; here the figures are given net.
  for (std::size_t i = 0; i < 3; ++i) p.link(i).clock_ns = 0;
  LinkTally& into0 = p.link(0);
  into0.items = 10, into0.bytes = 1000, into0.calls = 10, into0.timed_calls = 10, into0.timed_ns = 9000;
  into0.copied = 300, into0.flush_ns = 500, into0.flush_copied = 20;
  LinkTally& into1 = p.link(1);
  into1.items = 40, into1.bytes = 900, into1.calls = 40, into1.timed_calls = 40, into1.timed_ns = 6000, into1.copied = 100;
  LinkTally& into_sink = p.link(2);
  into_sink.items = 40, into_sink.bytes = 1060, into_sink.calls = 40, into_sink.timed_calls = 40,
  into_sink.timed_ns = 2500;
  p.add_sink_call(100, 0);
  p.stop(400);
  const std::vector<ProfileRow> rows = p.rows();
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].items_out == 10);
  CHECK(rows[0].bytes_out == 1000);
  CHECK(rows[0].copied_bytes == 400 - (300 + 20));  // what the chain and the sink did not copy
  CHECK(rows[1].items_in == 10);
  CHECK(rows[1].items_out == 40);
  CHECK(rows[1].bytes_out == 900);
  CHECK(rows[1].copied_bytes == 300 + 20 - 100);
  CHECK(rows[1].time_ns == 9000 + 500 - 6000);
  CHECK(rows[2].items_in == 40);
  CHECK(rows[2].bytes_out == 1060);
  CHECK(rows[2].copied_bytes == 100);
  CHECK(rows[2].time_ns == 6000 - 2500);
  CHECK(rows[3].items_in == 40);
  CHECK(rows[3].time_ns == 2500 + 100);
  std::uint64_t copied = 0;
  for (const ProfileRow& r : rows) copied += r.copied_bytes;
  CHECK(copied == 400);
}

TEST_CASE("profile: an interpreted run's rows agree with its counters, its copied bytes and the JSON") {
  // Lines cut across 4-byte chunks of a file: split_lines copies the lines that span a chunk.
  const sluice::test::TempDir dir;
  sluice::test::write_file(dir.file("in.txt"), "a\nbbbbbb\ncc\nddddddddd\n");
  const std::string pipe = R"(["std.stream.pipe_v1",
    ["std.stream.cfg_v1", ["chunk_max_bytes", 4], ["bufread_cap_bytes", 4], ["max_in_bytes", 4096],
     ["max_out_bytes", 4096], ["max_items", 100]],
    ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.txt"]]],
    ["std.stream.chain_v1",
      ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]],
      ["std.stream.xf.take_v1", ["std.stream.expr_v1", 3]],
      ["std.stream.xf.frame_u32le_v1"]],
    ["std.stream.sink.collect_bytes_v1"]])";
  const CompileResult r = compile_pipe_text(pipe, "p.json", CompileOptions{.world = World::kSolveFs});
  for (const Diagnostic& d : r.diagnostics) INFO(format_text(d));
  REQUIRE(r.plan);
  for (const std::uint32_t page_size : {64u, 4096u}) {
    CAPTURE(page_size);
    RunProfile profile;
    RunOptions opts;
    opts.env.profile = &profile;
    opts.env.fs_root.dir = dir.path();
    opts.page_size = page_size;
    const RunOutcome out = run_plan(*r.plan, opts);
    REQUIRE(out.status == RunStatus::kOk);
    REQUIRE(profile.complete());
    const std::vector<ProfileRow> rows = profile.rows();
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].part.id == "std.stream.src.fs_open_read_v1");
    CHECK(rows[1].part.id == "std.stream.xf.split_lines_v1");
    CHECK(rows[1].part.pointer == "/3/1");
    CHECK(rows[4].part.id == "std.stream.sink.collect_bytes_v1");
    CHECK(rows[0].items_out == out.counters.items_in);
    CHECK(rows[0].bytes_out == out.counters.bytes_in);
    for (std::size_t i = 1; i + 1 < rows.size(); ++i) {
      CHECK(rows[i].items_in == rows[i - 1].items_out);
      CHECK(rows[i].bytes_in == rows[i - 1].bytes_out);
    }
    CHECK(rows[1].items_out >= 3);  // take stops split_lines once it has 3
    CHECK(rows[2].items_out == 3);
    CHECK(rows[3].bytes_out == 3 * 4 + 1 + 6 + 2);
    CHECK(rows[4].items_in == out.counters.items_out);
    std::uint64_t copied = 0;
    for (const ProfileRow& row : rows) copied += row.copied_bytes;
    CHECK(copied == out.copied_bytes);
    CHECK(rows[1].copied_bytes > 0);
    const nlohmann::json j = nlohmann::json::parse(outcome_json(out, &profile));
    REQUIRE(j.contains("profile"));
    const nlohmann::json& parts_json = j["profile"]["parts"];
    REQUIRE(parts_json.size() == 5);
    CHECK(parts_json[0]["part"] == "source");
    CHECK_FALSE(parts_json[0].contains("items_in"));
    CHECK(parts_json[2]["index"] == 1);
    CHECK(parts_json[2]["items_out"] == 3);
    CHECK_FALSE(parts_json[4].contains("items_out"));
    CHECK(parts_json[4]["items_in"] == out.counters.items_out);
    CHECK_FALSE(nlohmann::json::parse(outcome_json(out)).contains("profile"));
  }
}
