// Property and error tests of the par_map stages (spec §11, stdlib/xf/par_map.hpp): an ordered
// par_map gives the doc of the same pipe with a sequential map_bytes_v1, over random inputs,
// max_inflight, byte caps, thread counts, chunk and page sizes; an unordered one (with a mapper
// that spins a different amount per item, so items finish out of order) gives the same counters
// and the same multiset of items; an error at item 500 of 1,000 cancels the rest. Run under
// ThreadSanitizer by scripts/tsan-par-map.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "runtime/bytes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

const std::string& mappers() {
  static const std::string path = source_dir() + "/tests/cases/par_map/mappers.x07.json";
  return path;
}

std::string cfg(std::uint32_t chunk, bool nondet) {
  return "[\"std.stream.cfg_v1\", [\"chunk_max_bytes\", " + std::to_string(chunk) + "], [\"bufread_cap_bytes\", " +
         std::to_string(chunk) +
         "], [\"max_in_bytes\", 100000000], [\"max_out_bytes\", 100000000], [\"max_items\", 10000000],"
         " [\"max_steps\", 100000000]" +
         (nondet ? ", [\"allow_nondet_v1\", 1]" : "") + "]";
}

std::string pipe(std::uint32_t chunk, bool nondet, const std::string& stage) {
  return "[\"std.stream.pipe_v1\", " + cfg(chunk, nondet) +
         ", [\"std.stream.src.fs_open_read_v1\", [\"std.stream.expr_v1\", [\"bytes.lit\", \"in.bin\"]]], "
         "[\"std.stream.chain_v1\", [\"std.stream.xf.split_lines_v1\", [\"std.stream.expr_v1\", 10], "
         "[\"std.stream.expr_v1\", 100000]], " +
         stage + "], [\"std.stream.sink.u32frames_v1\", [\"std.stream.sink.collect_bytes_v1\"]]]";
}

std::string par_map(const std::string& id, const std::string& mapper, std::uint32_t inflight, std::uint32_t byte_cap,
                    std::uint32_t max_item = 100000) {
  return "[\"std.stream.xf." + id + "\", [\"max_inflight\", " + std::to_string(inflight) + "], [\"max_item_bytes\", " +
         std::to_string(max_item) + "], [\"max_inflight_in_bytes\", " + std::to_string(byte_cap) +
         "], [\"ctx\", [\"std.stream.expr_v1\", [\"bytes.lit\", \"<\"]]], [\"mapper_defasync\", \"par_map.mappers." +
         mapper + "\"]]";
}

const std::string kSequential = "[\"std.stream.xf.map_bytes_v1\", [\"std.stream.fn_v1\", \"par_map.mappers.tag_seq\"]]";

RunOutcome run(const std::string& descriptor, const TempDir& root, std::uint32_t page, unsigned threads) {
  CompileOptions o{.world = World::kSolveFs};
  o.module_files = {mappers()};
  const CompileResult c = compile_pipe_text(descriptor, "<par_map>", o);
  REQUIRE(c.ok());
  RunOptions opts;
  opts.env.fs_root.dir = root.path();
  opts.env.par_threads = threads;
  opts.page_size = page;
  return run_plan(*c.plan, opts);
}

std::string random_lines(std::mt19937& rng, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t len = rng() % 7;  // 0..6 bytes: spin_tag spins (7 - len) * 20000 steps
    for (std::size_t k = 0; k < len; ++k) s.push_back(static_cast<char>('a' + rng() % 26));
    s.push_back('\n');
  }
  return s;
}

// The OK doc's 4 counters and its u32frames items.
struct Parsed {
  std::array<std::uint32_t, 4> counters{};
  std::vector<std::string> items;
};

Parsed parse(const std::vector<std::uint8_t>& doc) {
  Parsed p;
  REQUIRE(doc.size() >= 21);
  REQUIRE(doc[0] == 1);
  for (std::size_t i = 0; i < 4; ++i) p.counters[i] = load_u32le(doc.data() + 1 + 4 * i);
  std::size_t at = 21;
  while (at < doc.size()) {
    const std::uint32_t len = load_u32le(doc.data() + at);
    p.items.emplace_back(reinterpret_cast<const char*>(doc.data() + at + 4), len);
    at += 4 + len;
  }
  return p;
}

}  // namespace

TEST_CASE("par_map: an ordered run gives the doc of the same pipe with map_bytes_v1, for any settings") {
  std::mt19937 rng(20261205);
  for (int round = 0; round < 24; ++round) {
    TempDir root;
    write_file(root.file("in.bin"), random_lines(rng, 1 + rng() % 300));
    const auto chunk = static_cast<std::uint32_t>(1 + rng() % 200);
    const std::uint32_t page = std::array<std::uint32_t, 4>{1, 7, 64, 65536}[rng() % 4];
    const auto inflight = static_cast<std::uint32_t>(1 + rng() % 8);
    const auto cap = static_cast<std::uint32_t>(rng() % 2 ? 0 : 7 + rng() % 30);  // items are at most 6 bytes
    const auto threads = static_cast<unsigned>(1 + rng() % 4);
    const bool result = rng() % 2;
    CAPTURE(round);
    CAPTURE(chunk);
    CAPTURE(page);
    CAPTURE(inflight);
    CAPTURE(cap);
    CAPTURE(threads);
    const RunOutcome seq = run(pipe(chunk, false, kSequential), root, page, 1);
    const std::string id = result ? "par_map_stream_result_bytes_v1" : "par_map_stream_v1";
    // err7_on_len3 fails only on 3-byte items: with result_bytes, keep to a mapper that never fails.
    const RunOutcome par = run(pipe(chunk, false, par_map(id, result ? "ok_tag" : "tag", inflight, cap)), root, page, threads);
    REQUIRE(seq.doc.size() > 0);
    CHECK(to_hex(par.doc) == to_hex(seq.doc));
  }
}

TEST_CASE("par_map: unordered runs keep the counters and the multiset of items of the ordered run") {
  std::mt19937 rng(7);
  for (int round = 0; round < 6; ++round) {
    TempDir root;
    write_file(root.file("in.bin"), random_lines(rng, 60 + rng() % 60));
    const auto chunk = static_cast<std::uint32_t>(16 + rng() % 100);
    const auto inflight = static_cast<std::uint32_t>(2 + rng() % 6);
    CAPTURE(round);
    const Parsed ordered = parse(run(pipe(chunk, true, par_map("par_map_stream_v1", "spin_tag", inflight, 0)), root, 4096, 2).doc);
    for (const std::string id : {"par_map_stream_unordered_v1", "par_map_stream_unordered_result_bytes_v1"}) {
      CAPTURE(id);
      const std::string mapper = id.find("result") != std::string::npos ? "ok_spin_tag" : "spin_tag";
      Parsed un = parse(run(pipe(chunk, true, par_map(id, mapper, inflight, 0)), root, 4096, 2).doc);
      CHECK(un.counters == ordered.counters);
      std::vector<std::string> a = ordered.items;
      std::sort(a.begin(), a.end());
      std::sort(un.items.begin(), un.items.end());
      CHECK(un.items == a);
    }
  }
}

TEST_CASE("par_map: 1,000 items with an error at item 500 end in ERR 102 for that item, in-flight work canceled") {
  TempDir root;
  std::string in;
  for (int i = 0; i < 1000; ++i) in += (i == 500 ? std::string("xyz") : std::to_string(1000 + i)) + "\n";
  write_file(root.file("in.bin"), in);
  for (const std::string id : {"par_map_stream_result_bytes_v1", "par_map_stream_unordered_result_bytes_v1"}) {
    for (unsigned threads : {1u, 2u, 4u}) {
      CAPTURE(id);
      CAPTURE(threads);
      const RunOutcome r = run(pipe(4096, true, par_map(id, "err7_on_len3", 16, 0)), root, 4096, threads);
      REQUIRE(r.status == RunStatus::kErr);
      REQUIRE(r.doc.size() == 13 + 24 + 8);
      CHECK(load_u32le(r.doc.data() + 1) == 102);
      CHECK(load_u32le(r.doc.data() + 13 + 24) == 7);    // ec
      CHECK(load_u32le(r.doc.data() + 13 + 28) == 500);  // item_index
    }
  }
}

TEST_CASE("par_map: a trap in the mapper is the run's trap, and a runaway item is canceled with the others") {
  TempDir root;
  write_file(root.file("in.bin"), "a\nbb\nloop\nccc\n");
  // "loop" makes runaway_on_loop spin until its fuel is gone; item 3 (ccc) has no error. The
  // trap comes in input order, at item 2.
  const RunOutcome r = run(pipe(4096, false, par_map("par_map_stream_v1", "runaway_on_loop", 4, 0)), root, 4096, 2);
  CHECK(r.status == RunStatus::kTrap);
  // An error before the runaway item's turn cancels it (it would otherwise burn all its fuel).
  write_file(root.file("in.bin"), "a\nxyz\nloop\nloop\nloop\n");
  const RunOutcome e = run(pipe(4096, false, par_map("par_map_stream_result_bytes_v1", "err7_on_len3_or_runaway", 4, 0)), root, 4096, 2);
  REQUIRE(e.status == RunStatus::kErr);
  CHECK(load_u32le(e.doc.data() + 1) == 102);
}

}  // namespace sluice::test

namespace sluice::test {

TEST_CASE("par_map: the front end checks scope_cfg, the mapper's signature and that it is an x07 function") {
  const auto codes = [](const std::string& stage) {
    CompileOptions o{.world = World::kSolveFs};
    o.module_files = {mappers()};
    std::vector<std::string> out;
    for (const Diagnostic& d : compile_pipe_text(pipe(64, false, stage), "<par_map>", o).diagnostics) out.push_back(d.code);
    return out;
  };
  const std::string head = "[\"std.stream.xf.par_map_stream_v1\", [\"max_inflight\", 2], [\"max_item_bytes\", 9], ";
  CHECK(codes(head + "[\"mapper_defasync\", \"par_map.mappers.tag\"], [\"scope_cfg\", [\"task.scope.cfg_v1\", [\"max_children\", 4]]]]").empty());
  CHECK(codes(head + "[\"mapper_defasync\", [\"std.stream.fn_v1\", \"par_map.mappers.tag\"]]]").empty());
  CHECK(codes(head + "[\"mapper_defasync\", \"par_map.mappers.tag\"], [\"scope_cfg\", [\"task.scope.cfg_v1\", [\"max_kids\", 4]]]]") ==
        std::vector<std::string>{"E_PIPE_UNKNOWN_FIELD"});
  CHECK(codes(head + "[\"mapper_defasync\", \"par_map.mappers.tag\"], [\"scope_cfg\", [\"task.scope.cfg_v1\", [\"max_ticks\", -1]]]]") ==
        std::vector<std::string>{"E_PIPE_VALUE_RANGE"});
  // A (bytes_view) -> bytes function is a map_bytes function, not a mapper.
  CHECK(codes(head + "[\"mapper_defasync\", \"par_map.mappers.tag_seq\"]]") == std::vector<std::string>{"E_PIPE_FN_SIG"});
  // result_bytes mapper in the bytes variant.
  CHECK(codes(head + "[\"mapper_defasync\", \"par_map.mappers.ok_tag\"]]") == std::vector<std::string>{"E_PIPE_FN_SIG"});
  CHECK(codes(head + "[\"mapper_defasync\", \"std.bytes.copy\"]]") == std::vector<std::string>{"E_PIPE_FN_SIG"});
  CHECK(codes("[\"std.stream.xf.par_map_stream_v1\", [\"max_inflight\", 0], [\"max_item_bytes\", 9], [\"mapper_defasync\", \"par_map.mappers.tag\"]]") ==
        std::vector<std::string>{"E_PIPE_VALUE_RANGE"});
}

}  // namespace sluice::test
