// Every budget and hard limit at its limit and one past it, with the exact code, message and
// payload of spec §3/§14, and the error precedence of spec §5.
#include <doctest/doctest.h>

#include "runtime/result_doc.hpp"
#include "tests/support/pipes.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {

ResultDoc doc_of(const std::string& pipe_text, World world = World::kSolvePure, const std::string& root = ".") {
  const PipeRun r = compile_and_run(pipe_text, world, root);
  for (const auto& d : r.compiled.diagnostics) INFO(d.code << " " << d.message);
  REQUIRE(r.compiled.ok());
  REQUIRE(r.outcome.status != RunStatus::kTrap);
  auto d = decode_doc(ByteView(r.outcome.doc.data(), static_cast<std::uint32_t>(r.outcome.doc.size())));
  REQUIRE(d.has_value());
  return *d;
}

void check_err(const ResultDoc& d, std::uint32_t code, const std::string& message, const std::string& payload_hex = "") {
  CHECK_FALSE(d.ok);
  CHECK(d.code == code);
  CHECK(d.message == message);
  CHECK(to_hex(d.payload) == payload_hex);
}

std::string payload(const ResultDoc& d) { return std::string(d.payload.begin(), d.payload.end()); }

}  // namespace

TEST_CASE("max_in_bytes: equality is within budget, one byte more is ERR 2") {
  CfgText at;
  at.max_in = 3;
  CHECK(doc_of(pipe(at, bytes_src("abc"), {}, collect())).ok);
  CfgText past;
  past.max_in = 3;
  check_err(doc_of(pipe(past, bytes_src("abcd"), {}, collect())), 2, "stream:budget_in_bytes");
}

TEST_CASE("max_items: at the limit OK, one more item is ERR 4 before any byte check") {
  CfgText c;
  c.max_items = 2;
  const ResultDoc ok = doc_of(pipe(c, bytes_src("a\nb\n"), {split(10, 64)}, collect()));
  CHECK(ok.ok);
  CHECK(ok.counters.items_out == 2);
  c.max_items = 1;
  c.max_out = 1;  // the second item would break both budgets: items is checked first
  check_err(doc_of(pipe(c, bytes_src("a\nb\n"), {split(10, 64)}, collect())), 4, "stream:budget_items");
}

TEST_CASE("max_out_bytes: at the limit OK, one past ERR 3, u32frames counts 4+len") {
  CfgText c;
  c.max_out = 3;
  CHECK(doc_of(pipe(c, bytes_src("abc"), {}, collect())).ok);
  c.max_out = 2;
  check_err(doc_of(pipe(c, bytes_src("abc"), {}, collect())), 3, "stream:budget_out_bytes");
  c.max_out = 7;
  const ResultDoc framed = doc_of(pipe(c, bytes_src("abc"), {}, u32frames(collect())));
  CHECK(framed.ok);
  CHECK(framed.counters.bytes_out == 7);
  CHECK(to_hex(framed.payload) == "03000000616263");
  c.max_out = 6;
  check_err(doc_of(pipe(c, bytes_src("abc"), {}, u32frames(collect()))), 3, "stream:budget_out_bytes");
  // frame_u32le then u32frames: each item is 4 + (4 + len) bytes at the sink
  c.max_out = 11;
  const ResultDoc twice = doc_of(pipe(c, bytes_src("abc"), {frame()}, u32frames(collect())));
  CHECK(twice.ok);
  CHECK(to_hex(twice.payload) == "0700000003000000616263");
  c.max_out = 10;
  check_err(doc_of(pipe(c, bytes_src("abc"), {frame()}, u32frames(collect()))), 3, "stream:budget_out_bytes");
}

TEST_CASE("max_steps: X07's chunking of a 10-byte file with cap 6 and chunk 4 takes 4 steps") {
  TempDir root;
  write_file(root.file("f"), "0123456789");
  CfgText c;
  c.chunk = 4;
  c.bufread = 6;
  c.extra = ", [\"max_steps\", 4]";
  const ResultDoc ok = doc_of(pipe(c, fs_src("f"), {}, u32frames(collect())), World::kSolveFs, root.path());
  CHECK(ok.ok);
  CHECK(ok.counters.items_in == 3);  // items 4, 2, 4; the fourth step sees end of input
  CHECK(to_hex(ok.payload) == "04000000303132330200000034350400000036373839");
  c.extra = ", [\"max_steps\", 3]";
  check_err(doc_of(pipe(c, fs_src("f"), {}, collect()), World::kSolveFs, root.path()), 1, "stream:max_steps_exceeded");
}

TEST_CASE("max_steps default: ceil(max_in_bytes / chunk_max_bytes) + 8, too small when cap is not a multiple of chunk") {
  TempDir root;
  CfgText c;
  c.chunk = 2;
  c.bufread = 3;  // windows of 3 bytes cut into items of 2 and 1
  c.max_out = 100;
  c.max_items = 100;
  write_file(root.file("f30"), std::string(30, 'x'));  // 20 items + the EOF step = 21 <= 15 + 8
  c.max_in = 30;
  CHECK(doc_of(pipe(c, fs_src("f30"), {}, null_sink()), World::kSolveFs, root.path()).ok);
  write_file(root.file("f60"), std::string(60, 'x'));  // 40 items + 1 = 41 > 30 + 8
  c.max_in = 60;
  check_err(doc_of(pipe(c, fs_src("f60"), {}, null_sink()), World::kSolveFs, root.path()), 1,
            "stream:max_steps_exceeded");
}

TEST_CASE("split_lines: a line of exactly max_line_bytes passes, one more byte is ERR 5") {
  CHECK(doc_of(pipe(CfgText{}, bytes_src("abc\n"), {split(10, 3)}, collect())).ok);
  check_err(doc_of(pipe(CfgText{}, bytes_src("abcd\n"), {split(10, 3)}, collect())), 5, "stream:line_too_long");
  // the carried tail fails as soon as it is too long, before any delimiter
  check_err(doc_of(pipe(CfgText{}, bytes_src("abcd"), {split(10, 3)}, collect())), 5, "stream:line_too_long");
  CHECK(payload(doc_of(pipe(CfgText{}, bytes_src("abc"), {split(10, 3)}, collect()))) == "abc");
}

TEST_CASE("split_lines: delimiter semantics (empty lines kept, no CR handling, delim outside 0..255)") {
  CHECK(to_hex(doc_of(pipe(CfgText{}, bytes_src("\n\na\r\n"), {split(10, 64)}, u32frames(collect()))).payload) ==
        "0000000000000000" "02000000610d");
  const ResultDoc whole = doc_of(pipe(CfgText{}, bytes_src("a\nb"), {split(256, 64)}, u32frames(collect())));
  CHECK(to_hex(whole.payload) == "03000000610a62");
  const ResultDoc empty = doc_of(pipe(CfgText{}, bytes_src(""), {split(10, 64)}, collect()));
  CHECK(empty.ok);
  CHECK(empty.counters.items_in == 1);  // bytes_v1 sends the empty item
  CHECK(empty.counters.items_out == 0);
}

TEST_CASE("stage init failures are ERR 1 with the stage's message, the last stage's init runs first") {
  check_err(doc_of(pipe(CfgText{}, bytes_src("a"), {split(10, 0)}, collect())), 1, "stream:split_lines_max_line_bytes");
  check_err(doc_of(pipe(CfgText{}, bytes_src("a"), {deframe("[\"max_frame_bytes\", 0]")}, collect())), 1,
            "stream:deframe_max_frame_bytes");
  check_err(doc_of(pipe(CfgText{}, bytes_src("a"), {split(10, 0), deframe("[\"max_frame_bytes\", 0]")}, collect())), 1,
            "stream:deframe_max_frame_bytes");
}

TEST_CASE("cfg runtime check: each of the five budgets at 0, and bufread < chunk, give ERR 1 cfg_invalid") {
  for (int which = 0; which < 6; ++which) {
    CAPTURE(which);
    CfgText c;
    switch (which) {
      case 0: c.chunk = 0; break;
      case 1: c.bufread = 0; break;
      case 2: c.max_in = 0; break;
      case 3: c.max_out = -1; break;
      case 4: c.max_items = 0; break;
      default: c.bufread = 63; break;
    }
    check_err(doc_of(pipe(c, bytes_src("a"), {}, collect())), 1, "stream:cfg_invalid");
  }
  CfgText edge;
  edge.bufread = 64;  // equal to chunk is valid
  CHECK(doc_of(pipe(edge, bytes_src("a"), {}, collect())).ok);
}

TEST_CASE("deframe limits: max_frame_bytes, empty frames, max_frames and truncation") {
  auto framed = [](std::initializer_list<std::string> frames) {
    std::string s;
    for (const std::string& f : frames) {
      std::uint8_t h[4];
      store_u32le(h, static_cast<std::uint32_t>(f.size()));
      s.append(reinterpret_cast<const char*>(h), 4);
      s += f;
    }
    return s;
  };
  CfgText c;
  CHECK(payload(doc_of(pipe(c, bytes_src(framed({"abc"})), {deframe("[\"max_frame_bytes\", 3]")}, collect()))) == "abc");
  check_err(doc_of(pipe(c, bytes_src(framed({"abcd"})), {deframe("[\"max_frame_bytes\", 3]")}, collect())), 80,
            "stream:deframe_frame_too_large");
  check_err(doc_of(pipe(c, bytes_src(framed({""})), {deframe("[\"max_frame_bytes\", 3], [\"allow_empty\", 0]")},
                        collect())),
            82, "stream:deframe_empty_forbidden");
  const ResultDoc two = doc_of(pipe(c, bytes_src(framed({"a", ""})), {deframe("[\"max_frame_bytes\", 3], [\"max_frames\", 2]")}, collect()));
  CHECK(two.ok);
  CHECK(two.counters.items_out == 2);
  check_err(doc_of(pipe(c, bytes_src(framed({"a", "", "b"})),
                        {deframe("[\"max_frame_bytes\", 3], [\"max_frames\", 2]")}, collect())),
            83, "stream:deframe_max_frames");
  // a surplus frame cut off counts at completion: truncation (81) wins over max_frames (spec §19.4)
  check_err(doc_of(pipe(c, bytes_src(framed({"a", "b"}) + std::string("\x05\0\0\0x", 5)),
                        {deframe("[\"max_frame_bytes\", 8], [\"max_frames\", 2]")}, collect())),
            81, "stream:deframe_truncated");
  // header cut off, and header complete with no payload byte yet: both truncated
  check_err(doc_of(pipe(c, bytes_src(std::string("\x02\0", 2)), {deframe("[\"max_frame_bytes\", 8]")}, collect())), 81,
            "stream:deframe_truncated");
  check_err(doc_of(pipe(c, bytes_src(std::string("\x02\0\0\0", 4)), {deframe("[\"max_frame_bytes\", 8]")}, collect())),
            81, "stream:deframe_truncated");
  const ResultDoc dropped = doc_of(pipe(c, bytes_src(framed({"ok"}) + std::string("\x02\0\0\0", 4)),
                                        {deframe("[\"max_frame_bytes\", 8], [\"on_truncated\", \"drop\"]")}, collect()));
  CHECK(payload(dropped) == "ok");
  // a header over 2^31-1 is too large whatever max_frame_bytes says (bytes.lit holds UTF-8
  // only, so these bytes come from a file)
  TempDir root;
  write_file(root.file("big"), std::string("\xff\xff\xff\xff", 4));
  check_err(doc_of(pipe(c, fs_src("big"), {deframe("[\"max_frame_bytes\", 2147483647]")}, collect()), World::kSolveFs,
                   root.path()),
            80, "stream:deframe_frame_too_large");
}

TEST_CASE("precedence: a plugin-like stage's error later in the same item wins over a downstream error") {
  CfgText c;
  c.max_items = 1;
  // line 2 breaks max_items downstream, line 3 is too long: X07 splits the whole item first -> ERR 5
  check_err(doc_of(pipe(c, bytes_src("a\nb\ncccccc\n"), {split(10, 3)}, collect())), 5, "stream:line_too_long");
  // the too-long line is in the next source item: the downstream error comes first -> ERR 4
  TempDir root;
  write_file(root.file("f"), "a\nb\ncccccc\n");
  CfgText fs = c;
  fs.chunk = 4;
  fs.bufread = 4;
  check_err(doc_of(pipe(fs, fs_src("f"), {split(10, 3)}, collect()), World::kSolveFs, root.path()), 4,
            "stream:budget_items");
  // deframe: frame 2 breaks max_items, a later header in the same item is too large -> ERR 80
  std::string bytes("\x01\0\0\0a\x01\0\0\0b\x09\0\0\0", 14);
  check_err(doc_of(pipe(c, bytes_src(bytes), {deframe("[\"max_frame_bytes\", 4]")}, collect())), 80,
            "stream:deframe_frame_too_large");
}

TEST_CASE("precedence: a stage's own first error stands (found by the fuzzer)") {
  // frame "a", then an empty frame over max_frames (83), then a header over max_frame_bytes (80):
  // X07's step stops at the first error, 83; a later error in the same item must not replace it.
  const std::string bytes("\x01\0\0\0a\0\0\0\0\x09\0\0\0", 13);
  check_err(doc_of(pipe(CfgText{}, bytes_src(bytes), {deframe("[\"max_frame_bytes\", 8], [\"max_frames\", 1]")}, collect())),
            83, "stream:deframe_max_frames");
}

TEST_CASE("take: stops after the current source item without flushing, flush happens when no surplus came") {
  // surplus inside the item: OK without the flush, so the unterminated "c" is never emitted
  const ResultDoc stopped = doc_of(pipe(CfgText{}, bytes_src("a\nb\nc"), {split(10, 64), take(1)}, collect()));
  CHECK(stopped.ok);
  CHECK(payload(stopped) == "a");
  CHECK(stopped.counters.bytes_in == 5);
  CHECK(stopped.counters.items_out == 1);
  // no surplus: the normal flush emits the carried tail
  CHECK(payload(doc_of(pipe(CfgText{}, bytes_src("a\nb"), {split(10, 64), take(2)}, collect()))) == "ab");
  // negative n behaves as 0
  const ResultDoc none = doc_of(pipe(CfgText{}, bytes_src("a\n"), {split(10, 64), take(-5)}, collect()));
  CHECK(none.ok);
  CHECK(none.counters.items_out == 0);
  // stop after a surplus item: half a frame held after the take is dropped silently (spec §19.1)
  TempDir root;
  write_file(root.file("f"), std::string("\x01\0\0\0a\x05\0\0\0xy", 11));
  CfgText fs;
  fs.chunk = 7;
  fs.bufread = 7;
  const ResultDoc dropped = doc_of(pipe(fs, fs_src("f"), {take(1), deframe("[\"max_frame_bytes\", 8]")}, collect()),
                                   World::kSolveFs, root.path());
  CHECK(dropped.ok);
  CHECK(payload(dropped) == "a");
  check_err(doc_of(pipe(fs, fs_src("f"), {take(2), deframe("[\"max_frame_bytes\", 8]")}, collect()), World::kSolveFs,
                   root.path()),
            81, "stream:deframe_truncated");
  // during the final flush the take's stop flag is never looked at: the take drops the flushed
  // line, and the deframe after it still flushes its half header (spec §19.1)
  check_err(doc_of(pipe(CfgText{}, bytes_src(std::string("x\n\x03\0\0\0ab", 8)),
                        {split(10, 64), take(1), deframe("[\"max_frame_bytes\", 8]")}, collect())),
            81, "stream:deframe_truncated");
}

TEST_CASE("emit_payload 0 and emit_stats 0 blank the OK doc's payload and counters") {
  CfgText c;
  c.extra = ", [\"emit_payload\", 0], [\"emit_stats\", 0]";
  const ResultDoc d = doc_of(pipe(c, bytes_src("abc"), {}, collect()));
  CHECK(d.ok);
  CHECK(d.payload.empty());
  CHECK(d.counters.bytes_in == 0);
  CHECK(d.counters.items_out == 0);
}

}  // namespace sluice::test

namespace sluice::test {

// split_lines hands lines on in batches of 64 (kSplitBatchLines) and the sinks that never halt
// charge a batch at once; a budget that runs out inside a batch must still fail at the very item,
// with the counters of item-by-item charging. 200 one-to-three-byte lines in one chunk, every
// items and bytes limit around them, through the three batch-charging sinks and u32frames.
TEST_CASE("budgets inside split_lines batches: the same item fails, the same counters, at every limit") {
  std::string text;
  std::vector<std::uint32_t> lens;
  for (int i = 0; i < 200; ++i) {
    const std::uint32_t len = static_cast<std::uint32_t>(1 + i % 3);
    lens.push_back(len);
    text += std::string(len, static_cast<char>('a' + i % 26)) + "\n";
  }
  const std::vector<std::string> sinks{null_sink(), hash_sink(), collect(), u32frames(collect())};
  for (std::size_t s = 0; s < sinks.size(); ++s) {
    const bool framed = s == 3;
    const auto out_len = [&](std::size_t k) { return lens[k] + (framed ? 4u : 0u); };
    for (std::int64_t max_items : {1, 63, 64, 65, 128, 199, 200}) {
      CAPTURE(s);
      CAPTURE(max_items);
      CfgText c;
      c.chunk = c.bufread = c.max_in = 4096;
      c.max_out = 100000;
      c.max_items = max_items;
      const ResultDoc d = doc_of(pipe(c, bytes_src(text), {split(10, 64)}, sinks[s]));
      const Counters counted = compile_and_run(pipe(c, bytes_src(text), {split(10, 64)}, sinks[s]), World::kSolvePure).outcome.counters;
      const std::uint32_t items = static_cast<std::uint32_t>(std::min<std::int64_t>(max_items, 200));
      std::uint32_t bytes = 0;
      for (std::uint32_t k = 0; k < items; ++k) bytes += out_len(k);
      CHECK(counted.items_out == items);  // the items before the one that failed, as one by one
      CHECK(counted.bytes_out == bytes);
      if (max_items >= 200) {
        CHECK(d.ok);
        CHECK(d.counters.items_out == 200);
      } else {
        check_err(d, 4, "stream:budget_items");
      }
    }
    std::uint32_t total = 0;
    for (std::size_t k = 0; k < lens.size(); ++k) total += out_len(k);
    for (std::uint32_t max_out : {1u, 100u, 127u, 128u, 129u, total - 1, total}) {
      CAPTURE(s);
      CAPTURE(max_out);
      CfgText c;
      c.chunk = c.bufread = c.max_in = 4096;
      c.max_out = max_out;
      c.max_items = 1000;
      const ResultDoc d = doc_of(pipe(c, bytes_src(text), {split(10, 64)}, sinks[s]));
      const Counters counted = compile_and_run(pipe(c, bytes_src(text), {split(10, 64)}, sinks[s]), World::kSolvePure).outcome.counters;
      std::uint32_t items = 0, bytes = 0;
      while (items < lens.size() && bytes + out_len(items) <= max_out) bytes += out_len(items++);
      CHECK(counted.items_out == items);
      CHECK(counted.bytes_out == bytes);
      if (max_out >= total) {
        CHECK(d.ok);
        CHECK(d.counters.bytes_out == total);
      } else {
        check_err(d, 3, "stream:budget_out_bytes");
      }
    }
  }
}

// A too-long line after a full batch: the batch goes on first, then split_lines' own error.
TEST_CASE("split_lines batches: a too-long line behind 100 short ones is ERR 5, delivered first or not") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "ab\n";
  text += std::string(20, 'x') + "\n";
  CfgText c;
  c.chunk = c.bufread = c.max_in = 4096;
  c.max_out = 100000;
  c.max_items = 1000;
  const ResultDoc d = doc_of(pipe(c, bytes_src(text), {split(10, 8)}, null_sink()));
  CHECK_FALSE(d.ok);
  CHECK(d.message == "stream:line_too_long");
  // The downstream budget fails first, inside the second batch: split_lines' error still wins.
  c.max_items = 70;
  const ResultDoc over = doc_of(pipe(c, bytes_src(text), {split(10, 8)}, null_sink()));
  CHECK(over.message == "stream:line_too_long");
}

}  // namespace sluice::test
