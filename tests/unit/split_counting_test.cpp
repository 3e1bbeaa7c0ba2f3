// split_lines → null hands the lines inside an item to the sink as counts (SplitLines::
// push_counting, Stage::push_counts) instead of views. The docs must not change: over random
// files, chunk sizes, line limits and budgets that fail mid-item, the doc equals the doc of the
// same run with the profile taps in place, which never take counts and so push every line as a
// view (the path the golden cases pin). Plus the byte counter against a plain loop.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "runtime/profile.hpp"
#include "stdlib/xf/byte_count.hpp"
#include "tests/support/test_support.hpp"

using namespace sluice;

namespace {

std::string pipe(std::uint32_t chunk, std::uint32_t max_line, std::uint32_t max_items, std::uint32_t max_out) {
  return R"(["std.stream.pipe_v1",
    ["std.stream.cfg_v1", ["chunk_max_bytes", )" + std::to_string(chunk) + R"(], ["bufread_cap_bytes", )" +
         std::to_string(chunk) + R"(], ["max_in_bytes", 10000000], ["max_out_bytes", )" + std::to_string(max_out) +
         R"(], ["max_items", )" + std::to_string(max_items) + R"(], ["max_steps", 100000000]],
    ["std.stream.src.fs_open_read_v1", ["std.stream.expr_v1", ["bytes.lit", "in.txt"]]],
    ["std.stream.chain_v1", ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", )" +
         std::to_string(max_line) + R"(]]],
    ["std.stream.sink.null_v1"]])";
}

}  // namespace

TEST_CASE("split_lines → null: counted lines give the docs of lines pushed one by one") {
  std::mt19937 rng(20261205);
  const auto pick = [&rng](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
  const sluice::test::TempDir dir;
  int err_docs = 0, ok_docs = 0;
  for (int round = 0; round < 60; ++round) {
    std::string text;
    const int lines = static_cast<int>(pick(400));
    for (int i = 0; i < lines; ++i) {
      // Mostly short lines, some long, some empty; now and then no final newline.
      const std::uint32_t len = pick(8) == 0 ? pick(600) : pick(40);
      text.append(len, static_cast<char>('a' + pick(26)));
      if (i + 1 < lines || pick(3) != 0) text.push_back('\n');
    }
    sluice::test::write_file(dir.file("in.txt"), text);
    const std::uint32_t chunks[] = {1, 3, 7, 64, 500, 4096, 65536};
    const std::uint32_t chunk = chunks[pick(7)];
    const std::uint32_t max_lines[] = {1, 30, 100, 700, 70000};
    const std::uint32_t max_line = max_lines[pick(5)];
    // Budgets that often end the run in the middle of an item's lines.
    const std::uint32_t max_items = pick(2) ? 1000000 : pick(450);
    const std::uint32_t max_out = pick(2) ? 10000000 : pick(30000);
    CAPTURE(round);
    CAPTURE(chunk);
    CAPTURE(max_line);
    CAPTURE(max_items);
    CAPTURE(max_out);
    const CompileResult r =
        compile_pipe_text(pipe(chunk, max_line, max_items, max_out), "p.json", CompileOptions{.world = World::kSolveFs});
    for (const Diagnostic& d : r.diagnostics) INFO(format_text(d));
    REQUIRE(r.plan);
    RunOptions counted;
    counted.env.fs_root.dir = dir.path();
    RunOptions one_by_one = counted;
    RunProfile profile;
    one_by_one.env.profile = &profile;
    const RunOutcome a = run_plan(*r.plan, counted);
    const RunOutcome b = run_plan(*r.plan, one_by_one);
    CHECK(a.status == b.status);
    CHECK(sluice::test::to_hex(a.doc) == sluice::test::to_hex(b.doc));
    CHECK(a.trap == b.trap);
    CHECK(a.copied_bytes == b.copied_bytes);
    (a.status == RunStatus::kOk ? ok_docs : err_docs) += 1;
  }
  // Both outcomes were exercised.
  CHECK(ok_docs >= 10);
  CHECK(err_docs >= 10);
}

TEST_CASE("count_byte: every length and alignment, against a plain loop") {
  std::mt19937 rng(7);
  std::vector<std::uint8_t> buf(9000);
  for (auto& b : buf) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? '\n' : 'a' + rng() % 3);
  // All bytes the needle: the 8-bit lane counters fold before they wrap (255 steps).
  std::vector<std::uint8_t> all(8200, '\n');
  CHECK(count_byte(all.data(), all.data() + all.size(), '\n') == all.size());
  for (std::size_t start = 0; start < 70; ++start) {
    for (const std::size_t len : {0u, 1u, 15u, 16u, 17u, 31u, 32u, 33u, 255u, 4096u, 8191u}) {
      if (start + len > buf.size()) continue;
      std::size_t want = 0;
      for (std::size_t i = start; i < start + len; ++i) want += buf[i] == '\n';
      CHECK(count_byte(buf.data() + start, buf.data() + start + len, '\n') == want);
    }
  }
}
