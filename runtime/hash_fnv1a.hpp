// FNV-1a 32-bit, the hash the X07 hash sinks put in their payload.
#pragma once

#include <cstdint>

#include "runtime/bytes.hpp"

namespace sluice {

inline constexpr std::uint32_t kFnv1a32Basis = 0x811C9DC5u;
inline constexpr std::uint32_t kFnv1a32Prime = 16777619u;

// The chain is serial (each byte depends on the previous state), so the loop is unrolled only to
// cut loop overhead; it runs at about 4 cycles per byte whatever we do.
inline std::uint32_t fnv1a32_update(std::uint32_t h, ByteView v) {
  const std::uint8_t* p = v.data;
  const std::uint8_t* end = v.data + v.size;
  while (end - p >= 4) {
    h = (h ^ p[0]) * kFnv1a32Prime;
    h = (h ^ p[1]) * kFnv1a32Prime;
    h = (h ^ p[2]) * kFnv1a32Prime;
    h = (h ^ p[3]) * kFnv1a32Prime;
    p += 4;
  }
  while (p != end) h = (h ^ *p++) * kFnv1a32Prime;
  return h;
}

}  // namespace sluice
