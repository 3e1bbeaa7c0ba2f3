// Tests for stdlib/xf/split_lines.hpp, driven directly (no descriptor, no source): the input is
// cut into items at every position (two and three items), so a line crosses item boundaries at
// every offset and the delimiter is the first and the last byte of an item; the lines must be the
// ones spec §7.5 defines, at max_line_bytes exactly and one past. The expected lines come from a
// plain reference split written in this file, never from the stage.
#include "stdlib/xf/split_lines.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "runtime/codes.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/run_context.hpp"

namespace {

using sluice::ByteView;
using sluice::Flow;

// The sink end of the kernel: copies each line out (a view lives until push returns).
struct Lines {
  std::vector<std::string>* out;
  Flow push(ByteView v) {
    out->emplace_back(reinterpret_cast<const char*>(v.begin()), v.size);
    return Flow::kContinue;
  }
};
// The same with push_batch, the path a real sink takes for lines inside one item.
struct BatchLines {
  std::vector<std::string>* out;
  Flow push(ByteView v) {
    out->emplace_back(reinterpret_cast<const char*>(v.begin()), v.size);
    return Flow::kContinue;
  }
  Flow push_batch(const ByteView* items, std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) push(items[i]);
    return Flow::kContinue;
  }
};

// Spec §7.5 by the letter: bytes between delimiters, delimiter stripped, empty lines kept, a
// non-empty unterminated tail is a line, a trailing delimiter adds no empty line.
std::vector<std::string> reference_lines(std::string_view in, char delim) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : in) {
    if (c == delim) {
      lines.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

struct Outcome {
  std::vector<std::string> lines;
  sluice::RunStatus status = sluice::RunStatus::kOk;
  std::uint32_t code = 0;
  std::uint64_t copied = 0;
};

// Runs the kernel over `in` cut at `cuts` (ascending offsets; items may be empty), then flushes.
template <class Next>
Outcome run_split(std::string_view in, const std::vector<std::size_t>& cuts, std::int32_t max_line) {
  sluice::PagePool pool(64);
  sluice::RunContext ctx(sluice::Budgets{1u << 30, 1u << 30, 1u << 30}, pool);
  Outcome o;
  sluice::SplitLines<Next> k(ctx, Next{&o.lines}, sluice::SplitLinesConfig{'\n', max_line});
  REQUIRE(k.init() == Flow::kContinue);
  std::size_t at = 0;
  bool halted = false;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(in.size());
  for (std::size_t end : ends) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(in.data()) + at;
    if (k.push(ByteView(p, static_cast<std::uint32_t>(end - at))) == Flow::kHalt) {
      halted = true;
      break;
    }
    at = end;
  }
  if (!halted) k.flush();
  o.status = ctx.status();
  o.code = ctx.status() == sluice::RunStatus::kErr ? ctx.err_code() : 0;
  o.copied = ctx.copied_bytes();
  return o;
}

// Bytes a correct split copies: each line whose bytes (delimiter included) are not inside one
// item is gathered into the carry, and so is an unterminated tail.
std::uint64_t expected_copies(std::string_view in, const std::vector<std::size_t>& cuts) {
  std::uint64_t copies = 0;
  std::size_t start = 0;
  const auto crosses = [&](std::size_t a, std::size_t b) {  // [a, b) spans a cut strictly inside
    for (std::size_t c : cuts)
      if (c > a && c < b) return true;
    return false;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\n') continue;
    if (crosses(start, i + 1)) copies += i - start;
    start = i + 1;
  }
  copies += in.size() - start;  // the tail waits in the carry for the flush
  return copies;
}

template <class Next>
void every_two_and_three_item_cut(std::string_view in) {
  const std::vector<std::string> expected = reference_lines(in, '\n');
  for (std::size_t i = 0; i <= in.size(); ++i) {
    for (std::size_t j = i; j <= in.size(); ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const std::vector<std::size_t> cuts{i, j};
      const Outcome o = run_split<Next>(in, cuts, 64);
      REQUIRE(o.status == sluice::RunStatus::kOk);
      CHECK(o.lines == expected);
      CHECK(o.copied == expected_copies(in, cuts));
    }
  }
}

}  // namespace

TEST_CASE("split_lines: lines crossing item boundaries at every offset, in two and three items") {
  // Leading delimiter, empty lines, a line longer than the others, an unterminated tail.
  every_two_and_three_item_cut<Lines>("\nalpha\n\nbeta gamma delta\nx\n\n\nomega");
  every_two_and_three_item_cut<BatchLines>("\nalpha\n\nbeta gamma delta\nx\n\n\nomega");
  // A trailing delimiter adds no empty line; only delimiters gives only empty lines.
  every_two_and_three_item_cut<Lines>("one\ntwo\n");
  every_two_and_three_item_cut<BatchLines>("\n\n\n");
}

TEST_CASE("split_lines: the delimiter as the first and as the last byte of an item") {
  const std::string in = "abc\ndef\nghi";
  // Item 1 ends with the delimiter: "abc\n" | "def\nghi".
  Outcome o = run_split<Lines>(in, {4}, 16);
  CHECK(o.lines == std::vector<std::string>{"abc", "def", "ghi"});
  CHECK(o.copied == 3);  // only the tail "ghi" waits for the flush
  // Item 2 starts with the delimiter: "abc" | "\ndef\nghi": "abc" is carried, then emitted.
  o = run_split<Lines>(in, {3}, 16);
  CHECK(o.lines == std::vector<std::string>{"abc", "def", "ghi"});
  CHECK(o.copied == 6);
  // One byte per item.
  std::vector<std::size_t> every;
  for (std::size_t k = 1; k < in.size(); ++k) every.push_back(k);
  o = run_split<BatchLines>(in, every, 16);
  CHECK(o.lines == std::vector<std::string>{"abc", "def", "ghi"});
}

TEST_CASE("split_lines: a line of exactly max_line_bytes passes at every cut, one more byte is ERR 5") {
  constexpr std::int32_t kMax = 8;
  const std::string exact = "12345678";
  const std::string over = "123456789";
  for (const std::string& tail : {std::string("\n"), std::string("")}) {  // terminated, and at flush
    const std::string ok_in = "ab\n" + exact + tail;
    const std::string bad_in = "ab\n" + over + tail;
    for (std::size_t i = 0; i <= ok_in.size(); ++i) {
      CAPTURE(tail.size());
      CAPTURE(i);
      const Outcome ok = run_split<Lines>(ok_in, {i}, kMax);
      REQUIRE(ok.status == sluice::RunStatus::kOk);
      CHECK(ok.lines == std::vector<std::string>{"ab", exact});
    }
    for (std::size_t i = 0; i <= bad_in.size(); ++i) {
      CAPTURE(tail.size());
      CAPTURE(i);
      const Outcome bad = run_split<Lines>(bad_in, {i}, kMax);
      CHECK(bad.status == sluice::RunStatus::kErr);
      CHECK(bad.code == 5);
      CHECK(bad.code == sluice::err_code(sluice::ErrId::kLineTooLong));
      // "ab" goes on before the long line is met; the long line never does.
      for (const std::string& line : bad.lines) CHECK(line == "ab");
    }
  }
  // Spread over many items, the carried line fails as soon as it exceeds the limit.
  std::vector<std::size_t> every;
  for (std::size_t k = 1; k < over.size(); ++k) every.push_back(k);
  CHECK(run_split<Lines>(over, every, kMax).code == 5);
  CHECK(run_split<Lines>(exact, every, kMax).lines == std::vector<std::string>{exact});
}
