// Tests for runtime/hash_fnv1a.hpp: the reference FNV-1a-32 vectors (tests/data/fnv1a-32), the
// values the X07 hash sink pins, and incremental hashing over arbitrary splits.
#include "runtime/hash_fnv1a.hpp"
#include "tests/support/test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Vector {
  std::size_t index;
  Bytes input;
  std::uint32_t hash;
  std::string label;
};

std::vector<Vector> load_vectors() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/data/fnv1a-32/fnv1a_32.tsv");
  REQUIRE(in.good());
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() == 4) cols.emplace_back();  // the label may be empty
    REQUIRE(cols.size() == 5);
    Vector v;
    v.index = std::stoul(cols[0]);
    v.input = sluice::test::from_hex(cols[2]);
    REQUIRE(v.input.size() == std::stoul(cols[1]));
    v.hash = static_cast<std::uint32_t>(std::stoul(cols[3], nullptr, 16));
    v.label = cols[4];
    out.push_back(std::move(v));
  }
  return out;
}

sluice::ByteView view(const Bytes& b) { return {b.data(), static_cast<std::uint32_t>(b.size())}; }
sluice::ByteView view(const Bytes& b, std::size_t off, std::size_t len) {
  return {b.data() + off, static_cast<std::uint32_t>(len)};
}

std::uint32_t fnv(const Bytes& b) { return sluice::fnv1a32_update(sluice::kFnv1a32Basis, view(b)); }

// The definition, one byte at a time, as the spec writes it.
std::uint32_t fnv_reference(const Bytes& b) {
  std::uint32_t h = 0x811C9DC5u;
  for (std::uint8_t c : b) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

TEST_CASE("hash_fnv1a: the reference vectors (lcn2/fnv test_fnv.c)") {
  const auto vectors = load_vectors();
  CHECK(vectors.size() == 203);
  for (const Vector& v : vectors) {
    CAPTURE(v.index);
    CAPTURE(v.label);
    CHECK(fnv(v.input) == v.hash);
    // One byte at a time gives the same value.
    std::uint32_t h = sluice::kFnv1a32Basis;
    for (std::size_t i = 0; i < v.input.size(); ++i) h = sluice::fnv1a32_update(h, view(v.input, i, 1));
    CHECK(h == v.hash);
  }
}

TEST_CASE("hash_fnv1a: the constants and the empty stream") {
  CHECK(sluice::kFnv1a32Basis == 0x811C9DC5u);
  CHECK(sluice::kFnv1a32Prime == 16777619u);
  const std::uint32_t h = sluice::fnv1a32_update(sluice::kFnv1a32Basis, {});
  CHECK(h == 0x811C9DC5u);
  std::uint8_t le[4];
  sluice::store_u32le(le, h);
  CHECK(le[0] == 0xc5);  // the empty hash sink payload: c5 9d 1c 81
  CHECK(le[1] == 0x9d);
  CHECK(le[2] == 0x1c);
  CHECK(le[3] == 0x81);
}

TEST_CASE("hash_fnv1a: \"abc\" is 0x1A47E90B, payload 0b e9 47 1a (spec §4)") {
  const std::uint32_t h = sluice::fnv1a32_update(sluice::kFnv1a32Basis, sluice::ByteView::of("abc"));
  CHECK(h == 0x1A47E90Bu);
  CHECK(h == 440920331u);
  std::uint8_t le[4];
  sluice::store_u32le(le, h);
  CHECK(le[0] == 0x0b);
  CHECK(le[1] == 0xe9);
  CHECK(le[2] == 0x47);
  CHECK(le[3] == 0x1a);
}

TEST_CASE("hash_fnv1a: every length 0..64 at every offset 0..7 matches the definition") {
  // Covers the unrolled 4-byte loop and its remainder for every alignment.
  std::mt19937 rng(11);
  Bytes data(80);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t off = 0; off < 8; ++off) {
    for (std::size_t len = 0; len <= 64; ++len) {
      const Bytes slice(data.begin() + static_cast<std::ptrdiff_t>(off),
                        data.begin() + static_cast<std::ptrdiff_t>(off + len));
      CHECK(sluice::fnv1a32_update(sluice::kFnv1a32Basis, view(data, off, len)) == fnv_reference(slice));
    }
  }
}

TEST_CASE("hash_fnv1a: incremental updates over random splits equal the one-shot hash") {
  std::mt19937 rng(2024);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5},
                           std::size_t{1000}, std::size_t{65537}}) {
    Bytes data(size);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    const std::uint32_t one_shot = fnv(data);
    CHECK(one_shot == fnv_reference(data));
    for (int split = 0; split < 50; ++split) {
      CAPTURE(size);
      CAPTURE(split);
      std::uint32_t h = sluice::kFnv1a32Basis;
      std::size_t pos = 0;
      const std::size_t max_piece = (split % 3 == 0) ? 8 : (split % 3 == 1 ? 100 : size + 1);
      while (pos < size) {
        const std::size_t piece = std::min<std::size_t>(rng() % (max_piece + 1), size - pos);  // may be empty
        h = sluice::fnv1a32_update(h, view(data, pos, piece));
        pos += piece;
      }
      h = sluice::fnv1a32_update(h, {});  // an empty update changes nothing
      CHECK(h == one_shot);
    }
  }
}

TEST_CASE("hash_fnv1a: the hash depends on order and on every byte") {
  CHECK(fnv(Bytes{1, 2}) != fnv(Bytes{2, 1}));
  CHECK(fnv(Bytes{0}) != fnv(Bytes{}));
  CHECK(fnv(Bytes{0, 0}) != fnv(Bytes{0}));
}
