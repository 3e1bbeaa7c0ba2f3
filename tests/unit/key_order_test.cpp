// Tests for stdlib/json/key_order: UTF-16 code-unit order computed on UTF-8 keys, checked against
// an explicit UTF-16 comparison, and the duplicate-key offset of X07's merge sort.
#include "stdlib/json/key_order.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using sluice::json::KeyRef;

KeyRef key(const std::string& s, std::uint32_t off = 0) {
  bool high = false;
  for (unsigned char c : s) high = high || c >= 0xEE;
  return KeyRef{reinterpret_cast<const std::uint8_t*>(s.data()), static_cast<std::uint32_t>(s.size()), high, off};
}

std::u16string to_utf16(const std::string& s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if (c < 0xE0) {
      cp = c & 0x1Fu;
      n = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0Fu;
      n = 3;
    } else {
      cp = c & 0x07u;
      n = 4;
    }
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    i += n;
    if (cp >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

int sign(int v) { return (v > 0) - (v < 0); }

}  // namespace

TEST_CASE("key_order: agrees with UTF-16 code-unit order") {
  const std::vector<std::string> keys{
      "",          "a",          "ab",          "b",           "\x7f",         "\xc2\x80",     "\xc3\xa9",
      "\xed\x9f\xbf",  // U+D7FF
      "\xee\x80\x80",  // U+E000
      "\xef\xbf\xbd",  // U+FFFD
      "\xf0\x90\x80\x80",  // U+10000
      "\xf0\x9f\x98\x80",  // U+1F600
      "\xf4\x8f\xbf\xbd",  // U+10FFFD
      "a\xee\x80\x80", "a\xf0\x90\x80\x80", "\xee\x80\x80z", "\xf0\x90\x80\x80z",
  };
  for (const std::string& a : keys) {
    for (const std::string& b : keys) {
      CAPTURE(a);
      CAPTURE(b);
      const std::u16string ua = to_utf16(a);
      const std::u16string ub = to_utf16(b);
      CHECK(sign(sluice::json::compare_keys(key(a), key(b))) == sign(ua.compare(ub)));
    }
  }
}

TEST_CASE("key_order: X07's duplicate offset") {
  std::uint32_t off = 99;
  const std::string a = "a";
  const std::string b = "b";
  const std::vector<KeyRef> none{key(a, 1), key(b, 7)};
  CHECK_FALSE(sluice::json::x07_duplicate_key_offset(none, off));
  const std::vector<KeyRef> pair{key(a, 1), key(a, 7)};
  REQUIRE(sluice::json::x07_duplicate_key_offset(pair, off));
  CHECK(off == 1);
  const std::vector<KeyRef> three{key(a, 1), key(a, 7), key(a, 13)};
  REQUIRE(sluice::json::x07_duplicate_key_offset(three, off));
  CHECK(off == 7);
  const std::vector<KeyRef> two_pairs{key(b, 1), key(a, 7), key(b, 13), key(a, 19)};
  REQUIRE(sluice::json::x07_duplicate_key_offset(two_pairs, off));
  CHECK(off == 7);  // the smallest duplicated key, "a": its occurrences end up as [19, 7]
}
