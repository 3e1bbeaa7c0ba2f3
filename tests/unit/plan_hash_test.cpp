// Tests for runtime/plan_hash: XXH64 digests against independent reference values.
// Seed-0 values were computed with `xxhsum -H64` (xxHash 0.8.1); the seeded values are the XXH64
// sanity vectors of xxHash's own self-test (cli/xsum_sanity_check.c), over its generated buffer.
#include "runtime/plan_hash.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

constexpr std::uint64_t kPrime32 = 2654435761u;
constexpr std::uint64_t kPrime64 = 11400714785074694797ull;

// xxHash's sanity-test buffer: byte i is the top byte of PRIME32 * PRIME64^i (mod 2^64).
std::string sanity_buffer(std::size_t len) {
  std::string out;
  std::uint64_t gen = kPrime32;
  for (std::size_t i = 0; i < len; ++i) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(gen >> 56)));
    gen *= kPrime64;
  }
  return out;
}

}  // namespace

TEST_CASE("plan_hash: XXH64 of short strings, as xxhsum -H64 prints them") {
  CHECK(sluice::xxh64_digest("") == 0xef46db3751d8e999ull);
  CHECK(sluice::xxh64_digest("abc") == 0x44bc2cf5ad770999ull);
  CHECK(sluice::xxh64_digest("sluice") == 0x4251fdf4a288237cull);
  CHECK(sluice::xxh64_digest("[\"std.stream.pipe_v1\"]") == 0x52526e1ec96f6c1cull);
  CHECK(sluice::xxh64_digest("{\"plan\":1}") == 0x317511f10fe63c21ull);
}

TEST_CASE("plan_hash: XXH64 of 1 KiB (bytes 0..255 four times), as xxhsum -H64 prints it") {
  std::string data;
  for (int rep = 0; rep < 4; ++rep)
    for (int b = 0; b < 256; ++b) data.push_back(static_cast<char>(b));
  CHECK(sluice::xxh64_digest(data) == 0x6f3914f18fe4df57ull);
  CHECK(sluice::xxh64_hex(data) == "6f3914f18fe4df57");
}

TEST_CASE("plan_hash: xxHash's own XXH64 sanity vectors, seeds 0 and PRIME32") {
  struct Row {
    std::size_t len;
    std::uint64_t seed;
    std::uint64_t digest;
  };
  const Row rows[] = {
      {0, 0, 0xEF46DB3751D8E999ull},   {0, kPrime32, 0xAC75FDA2929B17EFull},
      {1, 0, 0xE934A84ADB052768ull},   {1, kPrime32, 0x5014607643A9B4C3ull},
      {4, 0, 0x9136A0DCA57457EEull},   {14, 0, 0x8282DCC4994E35C8ull},
      {14, kPrime32, 0xC3BD6BF63DEB6DF0ull}, {222, 0, 0xB641AE8CB691C174ull},
      {222, kPrime32, 0x20CB8AB7AE10C14Aull},
  };
  const std::string buffer = sanity_buffer(222);
  for (const Row& r : rows) {
    CAPTURE(r.len);
    CAPTURE(r.seed);
    CHECK(sluice::xxh64_digest(std::string_view(buffer).substr(0, r.len), r.seed) == r.digest);
  }
}

// Pinned values: computed with an independent XXH64 written from xxHash's spec (doc/xxhash_spec.md)
// in Python, which reproduces the xxhsum vectors above. A cache key must not change between runs
// or builds, so the digest of a plan text is pinned, not only compared with itself.
TEST_CASE("plan_hash: equal plans hash equal, different plans differ, and the digest is pinned") {
  const std::string plan = "{\"chain\":[\"split_lines\"],\"sink\":\"collect\"}";
  // The same plan text built another way (another buffer, another construction) hashes the same.
  std::string rebuilt = "{\"chain\":[";
  rebuilt += "\"split_lines\"],";
  rebuilt += "\"sink\":\"collect\"}";
  REQUIRE(rebuilt == plan);
  REQUIRE(rebuilt.data() != plan.data());
  CHECK(sluice::xxh64_digest(rebuilt) == sluice::xxh64_digest(plan));
  CHECK(sluice::xxh64_hex(rebuilt) == sluice::xxh64_hex(plan));
  // Stable across runs and builds: the pinned digests.
  CHECK(sluice::xxh64_digest(plan) == 0x6846a974f022185eull);
  CHECK(sluice::xxh64_hex(plan) == "6846a974f022185e");
  // A different plan (another sink) has another digest.
  const std::string other = "{\"chain\":[\"split_lines\"],\"sink\":\"hash\"}";
  CHECK(sluice::xxh64_digest(other) == 0x6516b3175480e3b3ull);
  CHECK(sluice::xxh64_digest(other) != sluice::xxh64_digest(plan));
}

TEST_CASE("plan_hash: the default seed is 0, and the seed changes the digest") {
  const std::string_view plan = "{\"chain\":[\"split_lines\"],\"sink\":\"collect\"}";
  CHECK(sluice::xxh64_digest(plan) == sluice::xxh64_digest(plan, 0));
  CHECK(sluice::xxh64_digest(plan, 1) == 0x48a94dadf89ca2edull);
  CHECK(sluice::xxh64_digest(plan, 2) == 0xd88cecd465643138ull);
}

TEST_CASE("plan_hash: the digest sees every byte, including NUL and a changed last byte") {
  using namespace std::string_view_literals;
  CHECK(sluice::xxh64_digest("a\0b"sv) != sluice::xxh64_digest("a"sv));
  CHECK(sluice::xxh64_digest("a\0b"sv) != sluice::xxh64_digest("a\0c"sv));
  std::string big(100000, 'x');
  const std::uint64_t before = sluice::xxh64_digest(big);
  big.back() = 'y';
  CHECK(sluice::xxh64_digest(big) != before);
}

TEST_CASE("plan_hash: xxh64_hex is 16 lowercase hex digits, leading zeros kept") {
  CHECK(sluice::xxh64_hex("") == "ef46db3751d8e999");
  CHECK(sluice::xxh64_hex("abc") == "44bc2cf5ad770999");
  CHECK(sluice::xxh64_hex("key-8") == "045be266e847c3f1");  // xxhsum -H64: a leading zero digit
  for (std::string_view s : {"", "a", "key-8", "key-81", "sluice"}) {
    const std::string hex = sluice::xxh64_hex(s);
    CHECK(hex.size() == 16);
    CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(std::stoull(hex, nullptr, 16) == sluice::xxh64_digest(s));
  }
}
