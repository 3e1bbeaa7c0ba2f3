// A msgpack encoder written for the tests, independent of plugins/msgpack: random values of
// every type, in randomly chosen (not always shortest) encodings, with their JSON form where one
// exists. The tests feed its bytes to the plugins and compare against what it says they hold.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace sluice::test {

class MsgpackGen {
 public:
  explicit MsgpackGen(std::uint32_t seed) : rng_(seed) {}

  // Appends one random value to `out`. json_only: only types with a JSON form (no bin/ext, string
  // keys, finite floats), and `json` receives its RFC 8785 text (integers exact, floats limited
  // to ones whose shortest text is easy to know: small integers scaled by powers of two).
  void value(std::vector<std::uint8_t>& out, int depth, bool json_only, std::string* json) {
    const std::uint32_t kinds = depth <= 0 ? 6 : 8;
    std::uint32_t k = pick(json_only ? kinds : kinds + 2);
    if (k >= kinds) k = 8 + (k - kinds);  // bin/ext, at any depth
    switch (k) {
      case 0: out.push_back(0xc0); if (json) *json += "null"; return;
      case 1: {
        const bool t = pick(2) == 1;
        out.push_back(t ? 0xc3 : 0xc2);
        if (json) *json += t ? "true" : "false";
        return;
      }
      case 2: case 3: integer(out, json); return;
      case 4: string(out, json, nullptr); return;
      case 5: floating(out, json); return;
      case 6: {  // array
        const std::uint32_t n = pick(6) == 0 ? 16 + pick(8) : pick(5);
        container_header_any(out, n, false);
        if (json) *json += '[';
        for (std::uint32_t i = 0; i < n; ++i) {
          if (json && i) *json += ',';
          value(out, depth - 1, json_only, json);
        }
        if (json) *json += ']';
        return;
      }
      case 7: {  // map with distinct string keys, emitted in random order
        const std::uint32_t n = pick(5);
        container_header_any(out, n, true);
        std::vector<std::pair<std::u16string, std::string>> members;
        std::vector<std::u16string> seen;
        for (std::uint32_t i = 0; i < n; ++i) {
          std::string key_json, raw, val_json;
          std::vector<std::uint8_t> key_bytes;
          do {
            key_bytes.clear();
            key_json.clear();
            raw.clear();
            string(key_bytes, &key_json, &raw);
          } while (std::find(seen.begin(), seen.end(), utf16(raw)) != seen.end());
          seen.push_back(utf16(raw));
          out.insert(out.end(), key_bytes.begin(), key_bytes.end());
          value(out, depth - 1, json_only, json ? &val_json : nullptr);
          key_json += ':';
          key_json += val_json;
          members.emplace_back(utf16(raw), std::move(key_json));
        }
        if (json) {
          std::sort(members.begin(), members.end());  // RFC 8785: UTF-16 code-unit order
          *json += '{';
          for (std::uint32_t i = 0; i < n; ++i) {
            if (i != 0) *json += ',';
            *json += members[i].second;
          }
          *json += '}';
        }
        return;
      }
      case 8: {  // bin or ext
        const std::uint32_t len = pick(20);
        if (pick(2)) { out.push_back(0xc4); be(out, len, 1); }
        else { out.push_back(0xc7); be(out, len, 1); out.push_back(static_cast<std::uint8_t>(pick(256))); }
        for (std::uint32_t i = 0; i < len; ++i) out.push_back(static_cast<std::uint8_t>(pick(256)));
        return;
      }
      default: {  // a fixext of 1..16 bytes
        const std::uint32_t log2 = pick(5);
        out.push_back(static_cast<std::uint8_t>(0xd4 + log2));
        out.push_back(static_cast<std::uint8_t>(pick(256)));
        for (std::uint32_t i = 0; i < (1u << log2); ++i) out.push_back(static_cast<std::uint8_t>(pick(256)));
        return;
      }
    }
  }

  // UTF-8 (valid, as the generator writes it) to UTF-16 code units.
  static std::u16string utf16(const std::string& s) {
    std::u16string r;
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      std::uint32_t cp = c;
      int n = 1;
      if (c >= 0xf0) { cp = c & 7; n = 4; }
      else if (c >= 0xe0) { cp = c & 15; n = 3; }
      else if (c >= 0xc0) { cp = c & 31; n = 2; }
      for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 63);
      i += n;
      if (cp >= 0x10000) {
        r += static_cast<char16_t>(0xd800 + ((cp - 0x10000) >> 10));
        r += static_cast<char16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff));
      } else {
        r += static_cast<char16_t>(cp);
      }
    }
    return r;
  }

  std::mt19937& rng() { return rng_; }

  static void be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  // The shortest header for a str / array / map of `n` (fix form when it fits).
  static void str_header(std::vector<std::uint8_t>& out, std::uint32_t n) {
    if (n < 32) out.push_back(static_cast<std::uint8_t>(0xa0 | n));
    else if (n < 256) { out.push_back(0xd9); be(out, n, 1); }
    else if (n < 65536) { out.push_back(0xda); be(out, n, 2); }
    else { out.push_back(0xdb); be(out, n, 4); }
  }
  static void container_header(std::vector<std::uint8_t>& out, std::uint32_t n, bool map) {
    if (n < 16) out.push_back(static_cast<std::uint8_t>((map ? 0x80 : 0x90) | n));
    else if (n < 65536) { out.push_back(map ? 0xde : 0xdc); be(out, n, 2); }
    else { out.push_back(map ? 0xdf : 0xdd); be(out, n, 4); }
  }

 private:
  std::uint32_t pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }
  // The header for n elements in any encoding wide enough (not always the shortest).
  void container_header_any(std::vector<std::uint8_t>& out, std::uint32_t n, bool map) {
    const std::uint32_t w = pick(3);
    if (w == 0 && n < 16) out.push_back(static_cast<std::uint8_t>((map ? 0x80 : 0x90) | n));
    else if (w == 1) { out.push_back(map ? 0xde : 0xdc); be(out, n, 2); }
    else { out.push_back(map ? 0xdf : 0xdd); be(out, n, 4); }
  }

  void integer(std::vector<std::uint8_t>& out, std::string* json) {
    const std::uint32_t bits = 1 + pick(64);
    std::uint64_t mag = rng_() | (std::uint64_t{rng_()} << 32);
    if (bits < 64) mag &= (std::uint64_t{1} << bits) - 1;
    const bool neg = pick(2) == 1 && mag != 0 && mag <= (std::uint64_t{1} << 63);
    if (!neg) {
      if (json) *json += std::to_string(mag);
      const std::uint32_t w = pick(2);
      if (mag < 128 && w == 0) out.push_back(static_cast<std::uint8_t>(mag));
      else if (mag < 256 && pick(2)) { out.push_back(0xcc); be(out, mag, 1); }
      else if (mag < 65536 && pick(2)) { out.push_back(0xcd); be(out, mag, 2); }
      else if (mag <= 0xffffffffu && pick(2)) { out.push_back(0xce); be(out, mag, 4); }
      else if (mag < (std::uint64_t{1} << 63) && pick(2)) { out.push_back(0xd3); be(out, mag, 8); }
      else { out.push_back(0xcf); be(out, mag, 8); }
      return;
    }
    if (json) {
      *json += '-';
      *json += std::to_string(mag);
    }
    const std::uint64_t v = ~mag + 1;  // two's complement of -mag
    if (mag <= 32 && pick(2)) out.push_back(static_cast<std::uint8_t>(v));
    else if (mag <= 128 && pick(2)) { out.push_back(0xd0); be(out, v, 1); }
    else if (mag <= 32768 && pick(2)) { out.push_back(0xd1); be(out, v, 2); }
    else if (mag <= 0x80000000u && pick(2)) { out.push_back(0xd2); be(out, v, 4); }
    else { out.push_back(0xd3); be(out, v, 8); }
  }

  void string(std::vector<std::uint8_t>& out, std::string* json, std::string* raw) {
    static const char* const kPieces[] = {"a", "b", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "/",
                                          "\xc3\xa9", "\xe2\x82\xac", "\xef\xbc\xa1", "\xf0\x9f\x98\x80", "\x7f"};
    const std::uint32_t n = pick(8) == 0 ? 30 + pick(300) : pick(6);
    std::string s;
    for (std::uint32_t i = 0; i < n; ++i) s += kPieces[pick(sizeof kPieces / sizeof kPieces[0])];
    const std::uint32_t w = pick(3);
    if (w == 0 || s.size() >= 256) str_header(out, static_cast<std::uint32_t>(s.size()));
    else if (w == 1) { out.push_back(0xd9); be(out, s.size(), 1); }
    else { out.push_back(0xdb); be(out, s.size(), 4); }
    out.insert(out.end(), s.begin(), s.end());
    if (raw) *raw = s;
    if (!json) return;
    *json += '"';
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': *json += "\\\""; break;
        case '\\': *json += "\\\\"; break;
        case '\n': *json += "\\n"; break;
        case '\t': *json += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *json += buf;
          } else {
            *json += ch;
          }
      }
    }
    *json += '"';
  }

  // m / 2^k for small m and k: its exact decimal is its shortest round-trip text, so the expected
  // JSON is known without an ECMAScript formatter. float32 and float64 both hold it exactly.
  void floating(std::vector<std::uint8_t>& out, std::string* json) {
    const std::int64_t m = static_cast<std::int64_t>(pick(2001)) - 1000;
    const std::uint32_t k = pick(11);
    const double v = std::ldexp(static_cast<double>(m), -static_cast<int>(k));
    if (pick(2)) {
      const float f = static_cast<float>(v);
      std::uint32_t bits;
      std::memcpy(&bits, &f, 4);
      out.push_back(0xca);
      be(out, bits, 4);
    } else {
      std::uint64_t bits;
      std::memcpy(&bits, &v, 8);
      out.push_back(0xcb);
      be(out, bits, 8);
    }
    if (!json) return;
    // The exact decimal: integer part, then k fraction digits of (|m| mod 2^k) * 5^k, trimmed.
    const std::uint64_t am = static_cast<std::uint64_t>(m < 0 ? -m : m);
    const std::uint64_t ip = am >> k, fp = am & ((std::uint64_t{1} << k) - 1);
    std::string text;
    if (m < 0) text += '-';
    text += std::to_string(ip);
    if (fp != 0) {
      std::uint64_t f = fp;
      for (std::uint32_t i = 0; i < k; ++i) f *= 5;
      std::string digits = std::to_string(f);
      digits.insert(0, k - digits.size(), '0');
      while (digits.back() == '0') digits.pop_back();
      text += '.';
      text += digits;
    }
    *json += text;
  }
  std::mt19937 rng_;
};

}  // namespace sluice::test
