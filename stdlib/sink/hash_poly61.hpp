// sluice.stream.sink.hash_poly61_v1 (sluice only; docs/scale-out.md): a hash of every delivered
// byte that shards can merge, so a --shard run can end in a hash. X07's FNV-1a 32 cannot be: its
// state after a prefix is not recoverable from the prefix's hash alone. This is a polynomial hash
// modulo the Mersenne prime p = 2^61 - 1: h = sum (b_i + 1) * B^(n-1-i) mod p over the n bytes, by
// Horner's rule (h = h*B + b + 1), so the hash of A then C is h(A) * B^|C| + h(C) mod p.
// Payload: 16 bytes, h then n, each u64 little-endian. A fingerprint for accidental differences
// (two different byte strings of length n collide with probability about n/2^61 for a random B;
// B is fixed here, so it is not a defence against chosen inputs).
#pragma once

#include <cstdint>

#include "runtime/flow.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

inline constexpr std::uint64_t kPoly61Prime = (std::uint64_t{1} << 61) - 1;
inline constexpr std::uint64_t kPoly61Base = 0x1d2f3a5b7c9e0f13ULL % kPoly61Prime;

__extension__ using Poly61Wide = unsigned __int128;  // GCC and Clang's; __extension__ for -Wpedantic

// a * b mod 2^61 - 1, for a, b < 2^61: the 122-bit product folded twice at bit 61.
inline std::uint64_t poly61_mul(std::uint64_t a, std::uint64_t b) {
  const Poly61Wide r = static_cast<Poly61Wide>(a) * b;
  std::uint64_t s = (static_cast<std::uint64_t>(r) & kPoly61Prime) + static_cast<std::uint64_t>(r >> 61);
  s = (s & kPoly61Prime) + (s >> 61);
  return s >= kPoly61Prime ? s - kPoly61Prime : s;
}

// B^e mod p by squaring: what a merge multiplies the earlier shards' hash by.
inline std::uint64_t poly61_pow(std::uint64_t e) {
  std::uint64_t result = 1, base = kPoly61Base;
  for (; e != 0; e >>= 1) {
    if (e & 1) result = poly61_mul(result, base);
    base = poly61_mul(base, base);
  }
  return result;
}

// The hash of A then C from the hashes of A and C and C's length.
inline std::uint64_t poly61_concat(std::uint64_t h_a, std::uint64_t h_c, std::uint64_t n_c) {
  const std::uint64_t s = poly61_mul(h_a, poly61_pow(n_c)) + h_c;
  return s >= kPoly61Prime ? s - kPoly61Prime : s;
}

struct HashPoly61Config {};
inline HashPoly61Config hash_poly61_config(const Plan&) { return {}; }

class HashPoly61 {
 public:
  static constexpr bool kConsumeNeverHalts = true;
  HashPoly61() = default;
  HashPoly61(RunContext&, const HashPoly61Config&, const RunEnv&) {}
  Flow open() { return Flow::kContinue; }
  Flow consume(ByteView v) {
    std::uint64_t h = h_;
    for (std::uint32_t i = 0; i < v.size; ++i) {
      h = poly61_mul(h, kPoly61Base) + v.data[i] + 1;  // < p + 256: one subtraction folds it
      if (h >= kPoly61Prime) h -= kPoly61Prime;
    }
    h_ = h;
    n_ += v.size;
    return Flow::kContinue;
  }
  Flow finish() {
    for (int i = 0; i < 8; ++i) {
      out_[i] = static_cast<std::uint8_t>(h_ >> (8 * i));
      out_[8 + i] = static_cast<std::uint8_t>(n_ >> (8 * i));
    }
    return Flow::kContinue;
  }
  [[nodiscard]] ByteView payload() const { return {out_, 16}; }

 private:
  std::uint64_t h_ = 0;
  std::uint64_t n_ = 0;
  std::uint8_t out_[16] = {};
};

}  // namespace sluice
