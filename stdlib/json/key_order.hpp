// The order of object members in RFC 8785 output: keys compared as sequences of UTF-16 code
// units (§3.2.3), computed on their UTF-8 form without transcoding, and the duplicate-key offset
// rule of X07's canonicalizer (spec §13).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace sluice::json {

// A member's key, unescaped, as UTF-8.
struct KeyRef {
  const std::uint8_t* data = nullptr;
  std::uint32_t size = 0;
  // The key holds a character ≥ U+E000 (a UTF-8 lead byte ≥ 0xEE). Only then can UTF-8 byte order
  // differ from UTF-16 code-unit order, so keys without it compare with a plain memcmp.
  bool has_high = false;
  std::uint32_t input_offset = 0;  // where the key's opening quote is in the input
};

// <0, 0, >0 as `a` sorts before, equal to, after `b` in UTF-16 code-unit order.
//
// UTF-8 byte order is code-point order. UTF-16 order agrees with it except that supplementary
// characters (surrogate pairs, 0xD800–0xDBFF first unit) sort below U+E000–U+FFFF. Two valid
// UTF-8 strings first differ either inside one character (same lead byte, hence same class) or at
// two lead bytes, so the only correction needed is at a first difference between a 4-byte lead
// (0xF0–0xF4) and a lead of U+E000–U+FFFF (0xEE, 0xEF). A proper prefix sorts first in both orders.
inline int compare_keys(const KeyRef& a, const KeyRef& b) {
  const std::uint32_t n = a.size < b.size ? a.size : b.size;
  if (!(a.has_high && b.has_high)) {
    const int c = n == 0 ? 0 : std::memcmp(a.data, b.data, n);
    if (c != 0) return c;
  } else {
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint8_t x = a.data[i];
      const std::uint8_t y = b.data[i];
      if (x == y) continue;
      if (x >= 0xF0 && (y == 0xEE || y == 0xEF)) return -1;
      if (y >= 0xF0 && (x == 0xEE || x == 0xEF)) return 1;
      return x < y ? -1 : 1;
    }
  }
  return a.size < b.size ? -1 : (a.size > b.size ? 1 : 0);
}

// The input offset X07 reports (ERR 21) for an object whose keys contain a duplicate: it sorts
// member indices with a bottom-up merge sort that takes from the right run on ties, then reports
// the key that comes second in the first adjacent equal pair. Returns false when no two keys are
// equal. O(n log n); called only once a duplicate is known to exist.
bool x07_duplicate_key_offset(std::span<const KeyRef> keys, std::uint32_t& offset);

}  // namespace sluice::json
