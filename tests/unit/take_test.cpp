// Tests for stdlib/xf/take.hpp: the kernel forwards n items then asks for the stop (spec §7.3),
// and in a pipeline the source is not pulled after the source item that carried the surplus
// item: bytes_in and items_in show where it stopped (spec §5), for every backend-independent
// detail the doc carries.
#include "stdlib/xf/take.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/page_pool.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/run_context.hpp"
#include "tests/support/pipes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

struct Items {
  std::vector<std::string>* out;
  Flow push(ByteView v) {
    out->emplace_back(reinterpret_cast<const char*>(v.begin()), v.size);
    return Flow::kContinue;
  }
};

std::vector<std::string> push_all(std::int32_t n, const std::vector<std::string>& in, bool& stopped_early,
                                  std::size_t& stop_at) {
  PagePool pool(64);
  RunContext ctx(Budgets{1000, 1000, 1000}, pool);
  std::vector<std::string> out;
  Take<Items> t(ctx, Items{&out}, TakeConfig{n});
  REQUIRE(t.init() == Flow::kContinue);
  stop_at = in.size();
  for (std::size_t i = 0; i < in.size(); ++i) {
    CHECK(t.push(ByteView::of(in[i])) == Flow::kContinue);
    if (ctx.stop_requested() && stop_at == in.size()) stop_at = i;
  }
  stopped_early = ctx.stop_requested();
  CHECK(ctx.status() == RunStatus::kOk);  // a stop is not a failure
  return out;
}

ResultDoc decoded(const PipeRun& r) {
  REQUIRE(r.compiled.ok());
  REQUIRE(r.outcome.status != RunStatus::kTrap);
  auto d = decode_doc(ByteView(r.outcome.doc.data(), static_cast<std::uint32_t>(r.outcome.doc.size())));
  REQUIRE(d.has_value());
  return *d;
}

}  // namespace

TEST_CASE("take: forwards the first n items and asks for the stop at the first surplus item") {
  const std::vector<std::string> in{"a", "b", "c", "d"};
  bool stopped = false;
  std::size_t at = 0;
  CHECK(push_all(2, in, stopped, at) == std::vector<std::string>{"a", "b"});
  CHECK(stopped);
  CHECK(at == 2);  // not before the surplus item arrives
  CHECK(push_all(4, in, stopped, at) == in);
  CHECK_FALSE(stopped);  // exactly n items: no stop, the stream ends normally
  CHECK(push_all(0, in, stopped, at).empty());
  CHECK(at == 0);
  CHECK(push_all(-5, in, stopped, at).empty());  // negative behaves as 0
  CHECK(at == 0);
}

TEST_CASE("take: the source is not pulled after the source item that met the surplus line") {
  TempDir root;
  std::string input;
  for (int i = 0; i < 100; ++i) input += "line" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "\n";  // 7 bytes each
  REQUIRE(input.size() == 700);
  write_file(root.file("in.txt"), input);
  CfgText c;
  c.chunk = c.bufread = 16;
  c.max_in = c.max_out = 100000;
  c.max_items = 1000;
  // take 3: the 4th line ends at byte 27, in the second 16-byte chunk; the source stops after it.
  const PipeRun r = compile_and_run(pipe(c, fs_src("in.txt"), {split(10, 100), take(3)}, collect()), World::kSolveFs,
                                    root.path());
  const ResultDoc d = decoded(r);
  REQUIRE(d.ok);
  CHECK(d.counters.items_in == 2);
  CHECK(d.counters.bytes_in == 32);
  CHECK(d.counters.items_out == 3);
  CHECK(std::string(d.payload.begin(), d.payload.end()) == "line00line01line02");
  // The doc bytes, written out (spec §4): 01, bytes_in 32, bytes_out 18, items_in 2, items_out 3.
  CHECK(to_hex(r.outcome.doc) ==
        "01" "20000000" "12000000" "02000000" "03000000" "12000000" "6c696e6530306c696e6530316c696e653032");

  // The surplus line in the same chunk as the n-th: the source still stops after that chunk.
  c.chunk = c.bufread = 64;  // lines 0..8 and part of 9 in the first chunk
  const PipeRun same = compile_and_run(pipe(c, fs_src("in.txt"), {split(10, 100), take(3)}, collect()),
                                       World::kSolveFs, root.path());
  const ResultDoc s = decoded(same);
  REQUIRE(s.ok);
  CHECK(s.counters.items_in == 1);
  CHECK(s.counters.bytes_in == 64);

  // Without the surplus item (take 100 of 100 lines) the whole file is read and the stream ends.
  const PipeRun all = compile_and_run(pipe(c, fs_src("in.txt"), {split(10, 100), take(100)}, collect()),
                                      World::kSolveFs, root.path());
  const ResultDoc a = decoded(all);
  REQUIRE(a.ok);
  CHECK(a.counters.bytes_in == 700);
  CHECK(a.counters.items_in == 11);  // ceil(700 / 64)
  CHECK(a.counters.items_out == 100);
}

}  // namespace sluice::test
