// Deterministic in-memory inputs for the microbenchmarks (the generator of bench/tools/gen.c),
// and the trivial downstream the kernels push into.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/flow.hpp"

namespace sluice::bench {

// ~80-byte printable-ASCII lines (40..120 bytes incl. '\n'), exactly `n` bytes.
inline std::vector<std::uint8_t> make_lines(std::size_t n) {
  std::vector<std::uint8_t> out;
  out.reserve(n + 128);
  std::uint64_t s = 88172645463325252ull;
  while (out.size() < n) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    const std::size_t len = 40 + static_cast<std::size_t>(s % 81);
    for (std::size_t k = 0; k + 1 < len; k++)
      out.push_back(static_cast<std::uint8_t>(' ' + ((s >> (k % 56)) + k * 7) % 94));
    out.push_back('\n');
  }
  out.resize(n);
  return out;
}

// u32le frames of `payload` bytes each, at least `n` bytes in all.
inline std::vector<std::uint8_t> make_frames(std::size_t n, std::uint32_t payload) {
  std::vector<std::uint8_t> out;
  out.reserve(n + payload + 4);
  std::uint8_t fill = 1;
  while (out.size() < n) {
    std::uint8_t h[4];
    store_u32le(h, payload);
    out.insert(out.end(), h, h + 4);
    for (std::uint32_t k = 0; k < payload; ++k) out.push_back(fill += 13);
  }
  return out;
}

// The trivial Next: counts what reaches it, so the kernel's outputs are used.
struct CountNext {
  std::uint64_t* items;
  std::uint64_t* bytes;
  Flow push(ByteView v) {
    *items += 1;
    *bytes += v.size;
    return Flow::kContinue;
  }
  Flow push_framed(ByteView v) {
    *items += 1;
    *bytes += std::uint64_t{v.size} + 4;
    return Flow::kContinue;
  }
};

// Budgets that never bind.
inline constexpr std::uint32_t kNoLimit = 0xFFFFFFFFu;

}  // namespace sluice::bench
