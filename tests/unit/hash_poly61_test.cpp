// Tests for stdlib/sink/hash_poly61 (sluice.stream.sink.hash_poly61_v1): the hash is its
// definition (checked with a plain big-number-free reference: Horner with % on values < 2^64),
// independent of how the bytes arrive in parts, and the hash of A then C folds from the parts'.
#include "stdlib/sink/hash_poly61.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace {

// The definition, one byte at a time, with a multiply that never overflows: B and h are < 2^61,
// so B * h is computed as sum of B * (8-bit digits of h) shifted, each step reduced mod p.
std::uint64_t reference(const std::string& bytes) {
  const std::uint64_t p = sluice::kPoly61Prime;
  std::uint64_t h = 0;
  for (const char c : bytes) {
    std::uint64_t prod = 0;  // h * B mod p by shift-and-add
    std::uint64_t a = h, b = sluice::kPoly61Base;
    while (b != 0) {
      if (b & 1) prod = (prod + a) % p;
      a = (a * 2) % p;
      b >>= 1;
    }
    h = (prod + static_cast<unsigned char>(c) + 1) % p;
  }
  return h;
}

std::uint64_t u64le(const sluice::ByteView v, std::size_t at) {
  std::uint64_t x = 0;
  for (int k = 7; k >= 0; --k) x = x << 8 | v.data[at + static_cast<std::size_t>(k)];
  return x;
}

}  // namespace

TEST_CASE("hash_poly61: the definition, any split into parts, and the merge fold") {
  std::mt19937 rng(61);
  for (const std::size_t len : {0u, 1u, 2u, 7u, 100u, 4096u}) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    const std::uint64_t want = reference(bytes);
    for (int trial = 0; trial < 5; ++trial) {
      sluice::HashPoly61 sink;
      std::size_t at = 0;
      while (at < len) {  // random part sizes, empty parts included
        const std::size_t n = std::min<std::size_t>(len - at, rng() % 9);
        sink.consume(sluice::ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()) + at, static_cast<std::uint32_t>(n)));
        at += n;
      }
      sink.finish();
      CHECK(u64le(sink.payload(), 0) == want);
      CHECK(u64le(sink.payload(), 8) == len);
    }
    // Every cut: h(A then C) = fold(h(A), h(C), |C|).
    for (std::size_t cut = 0; cut <= len; cut += 1 + len / 7)
      CHECK(sluice::poly61_concat(reference(bytes.substr(0, cut)), reference(bytes.substr(cut)), len - cut) == want);
  }
  CHECK(sluice::poly61_pow(0) == 1);
  CHECK(sluice::poly61_pow(1) == sluice::kPoly61Base);
  CHECK(sluice::poly61_mul(sluice::kPoly61Prime - 1, sluice::kPoly61Prime - 1) == 1);  // (-1)^2
}
