// xf.msgpack_split_v1 through the real plugin host: random values (tests/support/msgpack_gen.hpp,
// an encoder independent of plugins/msgpack) cut at 1/2/3/7-byte and random chunkings come back
// one item per value, byte for byte; a value inside one chunk is a view of it (no copy); cut,
// oversized, too deep, too many and malformed input gives its code, never a crash.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "stdlib/x07/msgpack_codes.hpp"
#include "plugins/msgpack/msgpack_plugins.hpp"
#include "plugins/msgpack/msgpack_scanner.hpp"
#include "runtime/plugin_host.hpp"
#include "tests/support/msgpack_gen.hpp"

namespace {

using namespace sluice;
using Bytes = std::vector<std::uint8_t>;

// The registry's pinned values for xf.msgpack_split_v1.
constexpr PluginLimits kSplitLimits{1, 32, 0, 64, 33554432, 1048576, 16777216};

struct SplitRun {
  std::vector<Bytes> items;
  std::uint32_t views = 0;  // items that were the input's own bytes
  std::uint32_t ec = 0;     // the first failing call's code
};

Bytes cfg12(std::int32_t a, std::int32_t b, std::int32_t c) {
  Bytes out(12);
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(a) >> (8 * i));
    out[4 + i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(b) >> (8 * i));
    out[8 + i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(c) >> (8 * i));
  }
  return out;
}

// Feeds `in` in chunks of the sizes `chunk(i)` gives, then flushes.
template <class ChunkFn>
SplitRun run_split(const Bytes& in, ChunkFn chunk, const Bytes& cfg = {}) {
  SplitRun r;
  PluginHost host(&x07_xf_msgpack_split_v1, kSplitLimits, ByteView(cfg.data(), static_cast<std::uint32_t>(cfg.size())),
                  true);
  if (const auto res = host.init(); !res.ok()) {
    r.ec = res.ec;
    return r;
  }
  std::size_t pos = 0;
  for (int i = 0; pos < in.size(); ++i) {
    const std::size_t n = std::min<std::size_t>(chunk(i), in.size() - pos);
    const Bytes piece(in.begin() + static_cast<std::ptrdiff_t>(pos), in.begin() + static_cast<std::ptrdiff_t>(pos + n));
    const auto res = host.step(ByteView(piece.data(), static_cast<std::uint32_t>(n)));
    for (const ByteView& v : host.outputs()) {
      if (v.data >= piece.data() && v.data + v.size <= piece.data() + piece.size()) ++r.views;
      r.items.emplace_back(v.begin(), v.end());
    }
    if (!res.ok()) {
      r.ec = res.ec;
      return r;
    }
    pos += n;
  }
  const auto res = host.flush();
  r.ec = res.ec;
  return r;
}

// n random values and their encodings.
std::vector<Bytes> random_values(std::uint32_t seed, int n, bool json_only = false) {
  test::MsgpackGen gen(seed);
  std::vector<Bytes> values;
  for (int i = 0; i < n; ++i) {
    Bytes v;
    gen.value(v, 4, json_only, nullptr);
    values.push_back(std::move(v));
  }
  return values;
}

Bytes concat(const std::vector<Bytes>& values) {
  Bytes all;
  for (const Bytes& v : values) all.insert(all.end(), v.begin(), v.end());
  return all;
}

}  // namespace

TEST_CASE("msgpack split: every value comes back whole at 1, 2, 3, 7-byte and random chunkings") {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    const auto values = random_values(seed, 30);
    const Bytes all = concat(values);
    std::mt19937 rng(seed);
    for (int width : {1, 2, 3, 7, 0}) {
      CAPTURE(seed);
      CAPTURE(width);
      const SplitRun r = run_split(all, [&](int) { return width != 0 ? width : 1 + static_cast<int>(rng() % 97); });
      REQUIRE(r.ec == 0);
      CHECK(r.items == values);
    }
  }
}

TEST_CASE("msgpack split: a value inside one chunk is a view of it, one that spans chunks is a copy") {
  const auto values = random_values(7, 50);
  const Bytes all = concat(values);
  const SplitRun whole = run_split(all, [&](int) { return static_cast<int>(all.size()); });
  REQUIRE(whole.ec == 0);
  CHECK(whole.items == values);
  CHECK(whole.views == values.size());
  // Two chunks cut inside the value at index 10: that one is copied, the others are views.
  std::size_t cut = 0;
  for (int i = 0; i < 10; ++i) cut += values[i].size();
  if (values[10].size() > 1) {
    cut += 1;
    const SplitRun two = run_split(all, [&](int i) { return i == 0 ? static_cast<int>(cut) : static_cast<int>(all.size()); });
    REQUIRE(two.ec == 0);
    CHECK(two.items == values);
    CHECK(two.views == values.size() - 1);
  }
}

TEST_CASE("msgpack split: a stream cut inside a value fails at flush with 131") {
  const Bytes cut_str{0x81, 0xa3, 'k', 'e', 'y', 0xd9, 0x05, 'a', 'b'};
  for (std::size_t len = 1; len <= cut_str.size(); ++len) {
    const Bytes in(cut_str.begin(), cut_str.begin() + static_cast<std::ptrdiff_t>(len));
    CHECK(run_split(in, [](int) { return 2; }).ec == 131);
  }
  // A length cut between its bytes.
  CHECK(run_split(Bytes{0xc0, 0xdb, 0x00, 0x00}, [](int) { return 1; }).ec == 131);
  const SplitRun r = run_split(Bytes{0xc0, 0xc3, 0x92, 0x01}, [](int) { return 3; });
  CHECK(r.ec == 131);
  CHECK(r.items.size() == 2);  // the complete values before the cut are out
}

TEST_CASE("msgpack split: limits fail with their codes before the value is buffered") {
  // A str32 that declares 1 GiB: 132 as soon as its length is read, with 6 bytes in hand.
  const Bytes huge{0xdb, 0x40, 0x00, 0x00, 0x00, 'x'};
  CHECK(run_split(huge, [](int) { return 1; }).ec == 132);
  // max_value_bytes 4: a 4-byte value passes, a 5-byte one fails.
  CHECK(run_split(Bytes{0xa3, 'a', 'b', 'c'}, [](int) { return 1; }, cfg12(4, 64, 0)).ec == 0);
  CHECK(run_split(Bytes{0xa4, 'a', 'b', 'c', 'd'}, [](int) { return 1; }, cfg12(4, 64, 0)).ec == 132);
  // max_depth 3: three nested arrays pass, four fail; a million nested arrays fail too, at once.
  CHECK(run_split(Bytes{0x91, 0x91, 0x91, 0xc0}, [](int) { return 2; }, cfg12(100, 3, 0)).ec == 0);
  CHECK(run_split(Bytes{0x91, 0x91, 0x91, 0x91, 0xc0}, [](int) { return 2; }, cfg12(100, 3, 0)).ec == 133);
  const Bytes deep(1 << 20, 0x91);
  CHECK(run_split(deep, [](int) { return 4096; }).ec == 133);
  // 64 levels is the default bound.
  Bytes ok64(64, 0x91);
  ok64.push_back(0xc0);
  CHECK(run_split(ok64, [](int) { return 5; }).ec == 0);
  // max_values 2.
  CHECK(run_split(Bytes{0x01, 0x02}, [](int) { return 1; }, cfg12(100, 8, 2)).ec == 0);
  CHECK(run_split(Bytes{0x01, 0x02, 0x03}, [](int) { return 1; }, cfg12(100, 8, 2)).ec == 134);
}

TEST_CASE("msgpack split: 0xc1 is 130, bad cfg is 1, empty containers and empty input are fine") {
  CHECK(run_split(Bytes{0x01, 0xc1}, [](int) { return 1; }).ec == 130);
  CHECK(run_split(Bytes{}, [](int) { return 1; }, Bytes{1, 2, 3}).ec == 1);
  CHECK(run_split(Bytes{}, [](int) { return 1; }, cfg12(0, 64, 0)).ec == 1);
  CHECK(run_split(Bytes{}, [](int) { return 1; }, cfg12((16 << 20) + 1, 64, 0)).ec == 1);
  CHECK(run_split(Bytes{}, [](int) { return 1; }, cfg12(100, 0, 0)).ec == 1);
  CHECK(run_split(Bytes{}, [](int) { return 1; }, cfg12(100, 8, -1)).ec == 1);
  const SplitRun r = run_split(Bytes{0x90, 0x80, 0xa0, 0xc4, 0x00, 0xdc, 0x00, 0x00, 0xdf, 0, 0, 0, 0}, [](int) { return 1; });
  CHECK(r.ec == 0);
  CHECK(r.items.size() == 6);
  const SplitRun none = run_split(Bytes{}, [](int) { return 1; });
  CHECK(none.ec == 0);
  CHECK(none.items.empty());
}

TEST_CASE("msgpack split: random bytes never crash and end in OK or a msgpack code") {
  std::mt19937 rng(99);
  for (int round = 0; round < 300; ++round) {
    Bytes in(rng() % 200);
    for (auto& b : in) b = static_cast<std::uint8_t>(rng());
    const SplitRun r = run_split(in, [&](int) { return 1 + static_cast<int>(rng() % 9); });
    CHECK((r.ec == 0 || r.ec == 130 || r.ec == 131 || r.ec == 132 || r.ec == 133));
    if (r.ec == 0) CHECK(concat(r.items) == in);
  }
}

// The scanner has two paths (msgpack_scanner.cpp): a value that lies whole in the input is found
// by a stackless loop that counts containers instead of tracking depth and gives up on anything
// unusual; a cut, deep, oversized or bad value goes to the exact state machine. Fed in one chunk,
// a stream takes the first path wherever it can; fed a byte at a time, only the second. Both must
// give the same items and the same code.
TEST_CASE("msgpack split: whole values in one chunk give the same items and codes as byte at a time") {
  const auto one_chunk = [](const Bytes& in, const Bytes& cfg = {}) {
    return run_split(in, [&](int) { return in.empty() ? 1 : static_cast<int>(in.size()); }, cfg);
  };
  const auto same = [&](const Bytes& in, const Bytes& cfg, std::uint32_t want_ec) {
    const SplitRun a = one_chunk(in, cfg);
    const SplitRun b = run_split(in, [](int) { return 1; }, cfg);
    CHECK(a.ec == want_ec);
    CHECK(b.ec == want_ec);
    // A failing step hands on nothing, so the items agree only when both succeed.
    if (want_ec == 0) CHECK(a.items == b.items);
  };
  // More containers than max_depth, nested only two deep: OK (the exact path decides).
  Bytes wide{0xdc, 0x00, 100};
  for (int i = 0; i < 100; ++i) wide.push_back(i % 2 == 0 ? 0x90 : 0x80);
  same(wide, {}, 0);
  same(Bytes{0x93, 0x90, 0x90, 0x91, 0x01}, cfg12(100, 1, 0), 133);
  same(Bytes{0x93, 0x90, 0x90, 0x90}, cfg12(100, 1, 0), 0);
  // Exactly max_depth levels pass, one more fails.
  Bytes d64(64, 0x91);
  d64.push_back(0xc0);
  same(d64, {}, 0);
  Bytes d65(65, 0x91);
  d65.push_back(0xc0);
  same(d65, {}, 133);
  // max_value_bytes at and one past the value's size, with values before it.
  same(Bytes{0x01, 0x92, 0xa2, 'a', 'b', 0xc3}, cfg12(5, 8, 0), 0);
  same(Bytes{0x01, 0x92, 0xa3, 'a', 'b', 'c', 0xc3}, cfg12(5, 8, 0), 132);
  // 0xc1 inside a container; a str cut by the end of the stream; a map16 count cut.
  same(Bytes{0x02, 0x92, 0x01, 0xc1}, {}, 130);
  same(Bytes{0x02, 0x92, 0x01, 0xa5, 'a'}, {}, 131);
  same(Bytes{0x02, 0xde, 0x00}, {}, 131);
  // Generated streams, and the same with one byte changed: one chunk gives views only.
  std::mt19937 rng(5);
  for (std::uint32_t seed = 100; seed < 160; ++seed) {
    CAPTURE(seed);
    const auto values = random_values(seed, 20);
    Bytes all = concat(values);
    const SplitRun whole = one_chunk(all);
    REQUIRE(whole.ec == 0);
    CHECK(whole.items == values);
    CHECK(whole.views == values.size());
    all[rng() % all.size()] = static_cast<std::uint8_t>(rng());
    const SplitRun a = one_chunk(all, cfg12(1 << 20, 3, 0));
    const SplitRun b = run_split(all, [](int) { return 1; }, cfg12(1 << 20, 3, 0));
    CHECK(a.ec == b.ec);
    if (a.ec == 0) CHECK(a.items == b.items);
  }
}

// Scanner::whole_values (the fast multi-value loop) against Scanner::feed one byte at a time (the
// exact state machine) on random streams, cut at every length of a prefix and under tight limits:
// every value whole_values returns has the length the exact path finds, and it stops only where
// the exact path would not end a value cleanly under the same limits.
TEST_CASE("msgpack split: Scanner whole_values agrees with byte-at-a-time feed on random cut streams") {
  using msgpack::Scanner;
  using msgpack::ScanLimits;
  std::mt19937 rng(21);
  for (std::uint32_t seed = 300; seed < 420; ++seed) {
    CAPTURE(seed);
    Bytes all = concat(random_values(seed, 12));
    if (seed % 3 == 0) all[rng() % all.size()] = static_cast<std::uint8_t>(rng());
    const auto draw = [&](std::uint32_t m) { return 1u + static_cast<std::uint32_t>(rng() % m); };
    const ScanLimits lim{seed % 4 == 0 ? draw(64) : 16u << 20, seed % 5 == 0 ? draw(3) : 64u};
    // The exact path's value ends over the whole stream, until it errs.
    std::vector<std::uint32_t> ends;  // absolute end offsets
    {
      Scanner s(lim);
      for (std::uint32_t i = 0; i < all.size(); ++i) {
        const auto r = s.feed(all.data() + i, 1);
        if (r.status == Scanner::Status::kError) break;
        if (r.status == Scanner::Status::kValueEnd) ends.push_back(i + 1);
      }
    }
    for (int t = 0; t < 20; ++t) {
      const auto n = static_cast<std::uint32_t>(t == 0 ? all.size() : rng() % (all.size() + 1));
      CAPTURE(n);
      // A copy of exactly n bytes: a read past the cut would be a heap overflow under ASan.
      const Bytes cut(all.begin(), all.begin() + n);
      Scanner s(lim);
      std::uint32_t lens[64];
      const std::uint32_t max = draw(64);
      const std::uint32_t k = s.whole_values(cut.data(), n, lens, max);
      std::uint32_t pos = 0;
      for (std::uint32_t j = 0; j < k; ++j) {
        pos += lens[j];
        REQUIRE(j < ends.size());
        CHECK(pos == ends[j]);
      }
      CHECK(pos <= n);
      // Stopped early: not at max, so the next value is one whole_values leaves to feed().
      if (k < max && k < ends.size() && ends[k] <= n) {
        // The exact path ends that value inside the cut: only a value the fast path declines
        // (a limit) may be left; with no tight limit it must have been taken.
        CHECK((lim.max_value_bytes != (16u << 20) || lim.max_depth != 64u));
      }
      // feed() continues from where whole_values stopped with the exact path's results.
      Scanner f(lim);
      std::uint32_t at = pos;
      std::uint32_t j = k;
      while (at < n) {
        const auto r = f.feed(cut.data() + at, n - at);
        if (r.status != Scanner::Status::kValueEnd) break;
        at += r.used;
        REQUIRE(j < ends.size());
        CHECK(at == ends[j]);
        ++j;
      }
    }
  }
}
