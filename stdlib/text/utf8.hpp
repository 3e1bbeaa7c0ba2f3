// Strict UTF-8 (RFC 3629), the decoder X07's canonicalizer and text functions use: shortest
// forms only, no encoded surrogates, nothing above U+10FFFF, a sequence cut by the end of the
// buffer is invalid.
#pragma once

#include <cstdint>

#include "runtime/bytes.hpp"

namespace sluice {

// The sequence at s (with `avail` bytes left): its length and code point, or 0 when invalid.
inline std::uint32_t decode_utf8(const std::uint8_t* s, std::uint32_t avail, std::uint32_t& cp) {
  const std::uint8_t b0 = s[0];
  const auto cont = [](std::uint8_t b) { return (b & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (avail < 2 || !cont(s[1])) return 0;
    cp = (static_cast<std::uint32_t>(b0 & 0x1F) << 6) | (s[1] & 0x3Fu);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail < 3 || !cont(s[1]) || !cont(s[2])) return 0;
    if (b0 == 0xE0 && s[1] < 0xA0) return 0;  // overlong
    if (b0 == 0xED && s[1] > 0x9F) return 0;  // surrogate
    cp = (static_cast<std::uint32_t>(b0 & 0x0F) << 12) | (static_cast<std::uint32_t>(s[1] & 0x3F) << 6) | (s[2] & 0x3Fu);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail < 4 || !cont(s[1]) || !cont(s[2]) || !cont(s[3])) return 0;
    if (b0 == 0xF0 && s[1] < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && s[1] > 0x8F) return 0;  // above U+10FFFF
    cp = (static_cast<std::uint32_t>(b0 & 0x07) << 18) | (static_cast<std::uint32_t>(s[1] & 0x3F) << 12) |
         (static_cast<std::uint32_t>(s[2] & 0x3F) << 6) | (s[3] & 0x3Fu);
    return 4;
  }
  return 0;
}

inline bool is_valid_utf8(ByteView v) {
  std::uint32_t cp = 0;
  for (std::uint32_t i = 0; i < v.size;) {
    if (v.data[i] < 0x80) {
      ++i;
      continue;
    }
    const std::uint32_t n = decode_utf8(v.data + i, v.size - i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace sluice
