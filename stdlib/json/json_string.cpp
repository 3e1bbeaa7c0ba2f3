#include "stdlib/json/json_string.hpp"

#include "stdlib/text/utf8.hpp"

#include <bit>
#include <cstring>
#if defined(__SSE2__) && !defined(SLUICE_JSON_NO_SIMD)
#include <emmintrin.h>  // SSE2 is baseline on x86-64; other targets use the 8-byte SWAR loop
#endif

namespace sluice::json {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// A bit in byte i's top position for bytes that end a plain run: < 0x20, '"', '\\', or ≥ 0x80.
// The borrow tricks can flag a byte above a genuine hit, never one below it, so the lowest set
// bit is always exact.
inline std::uint64_t special_bytes(std::uint64_t x) {
  const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
  return below_space | zero_bytes(x ^ (kOnes * '"')) | zero_bytes(x ^ (kOnes * '\\')) | (x & kHighs);
}

inline int hex_value(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline bool read_hex4(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, std::uint32_t& out) {
  if (pos > len || len - pos < 4) return false;
  const int h0 = hex_value(buf[pos]);
  const int h1 = hex_value(buf[pos + 1]);
  const int h2 = hex_value(buf[pos + 2]);
  const int h3 = hex_value(buf[pos + 3]);
  if ((h0 | h1 | h2 | h3) < 0) return false;
  out = static_cast<std::uint32_t>((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
  return true;
}

// U+FDD0..U+FDEF and the last two code points of every plane (I-JSON, spec §13).
inline bool is_noncharacter(std::uint32_t cp) {
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}


inline std::uint8_t* put_utf8(std::uint8_t* w, std::uint32_t cp) {
  if (cp < 0x80) {
    *w++ = static_cast<std::uint8_t>(cp);
  } else if (cp < 0x800) {
    *w++ = static_cast<std::uint8_t>(0xC0 | (cp >> 6));
    *w++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *w++ = static_cast<std::uint8_t>(0xE0 | (cp >> 12));
    *w++ = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
  } else {
    *w++ = static_cast<std::uint8_t>(0xF0 | (cp >> 18));
    *w++ = static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F));
    *w++ = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
  }
  return w;
}

StringScan fail(JsonCode code, std::uint32_t offset) {
  StringScan r;
  r.error = {code, offset};
  return r;
}

template <bool kKey>
StringScan scan(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, std::uint8_t* out) {
  std::uint8_t* w = out;
  std::uint32_t i = pos + 1;
  std::uint32_t units = 0;
  bool escaped = false;
  bool high = false;
  for (;;) {
#if defined(__SSE2__) && !defined(SLUICE_JSON_NO_SIMD)
    // Plain runs 16 bytes at a time. A signed compare below 0x20 also catches every byte ≥ 0x80.
    // The store is speculative: bytes past the run are overwritten by what follows or lie beyond
    // the committed size.
    while (len - i >= 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
      const __m128i special = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)),
                                           _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                                        _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
      const auto m = static_cast<unsigned>(_mm_movemask_epi8(special));
      if (m == 0) {
        i += 16;
        w += 16;
        if constexpr (kKey) units += 16;
        continue;
      }
      const auto k = static_cast<std::uint32_t>(std::countr_zero(m));
      i += k;
      w += k;
      if constexpr (kKey) units += k;
      break;
    }
#else
    if constexpr (std::endian::native == std::endian::little) {
      // Plain runs 8 bytes at a time. The store is speculative: bytes past the run are
      // overwritten by what follows or lie beyond the committed size.
      while (len - i >= 8) {
        std::uint64_t x;
        std::memcpy(&x, buf + i, 8);
        std::memcpy(w, &x, 8);
        const std::uint64_t m = special_bytes(x);
        if (m == 0) {
          i += 8;
          w += 8;
          if constexpr (kKey) units += 8;
          continue;
        }
        const auto k = static_cast<std::uint32_t>(std::countr_zero(m) >> 3);
        i += k;
        w += k;
        if constexpr (kKey) units += k;
        break;
      }
    }
#endif
    if (i >= len) return fail(JsonCode::kSyntax, len);  // unterminated
    const std::uint8_t c = buf[i];
    if (c == '"') {
      StringScan r;
      r.end = i + 1;
      r.out_size = static_cast<std::uint32_t>(w - out);
      r.utf16_units = units;
      r.escaped_output = escaped;
      r.has_high = high;
      return r;
    }
    if (c >= 0x20 && c < 0x80 && c != '\\') {
      *w++ = c;
      ++i;
      if constexpr (kKey) ++units;
      continue;
    }
    std::uint32_t cp = 0;
    if (c == '\\') {
      const std::uint32_t esc = i;
      if (len - i < 2) return fail(JsonCode::kSyntax, i);
      const std::uint8_t e = buf[i + 1];
      i += 2;
      switch (e) {
        case '"': cp = 0x22; break;
        case '\\': cp = 0x5C; break;
        case '/': cp = 0x2F; break;
        case 'b': cp = 0x08; break;
        case 'f': cp = 0x0C; break;
        case 'n': cp = 0x0A; break;
        case 'r': cp = 0x0D; break;
        case 't': cp = 0x09; break;
        case 'u': {
          if (!read_hex4(buf, len, i, cp)) return fail(JsonCode::kSyntax, esc);
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by an escaped low one (X07's checks, in order).
            if (len - i < 6 || buf[i] != '\\' || buf[i + 1] != 'u') return fail(JsonCode::kNotIJson, esc);
            std::uint32_t lo = 0;
            if (!read_hex4(buf, len, i + 2, lo)) return fail(JsonCode::kSyntax, esc);
            if (lo < 0xDC00 || lo > 0xDFFF) return fail(JsonCode::kNotIJson, esc);
            i += 6;
            cp = 0x10000 + (((cp - 0xD800) << 10) | (lo - 0xDC00));
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail(JsonCode::kNotIJson, esc);
          }
          break;
        }
        default:
          return fail(JsonCode::kSyntax, esc);
      }
      if (is_noncharacter(cp)) return fail(JsonCode::kNotIJson, esc);
      if (cp < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        *w++ = '\\';
        switch (cp) {
          case 0x08: *w++ = 'b'; break;
          case 0x09: *w++ = 't'; break;
          case 0x0A: *w++ = 'n'; break;
          case 0x0C: *w++ = 'f'; break;
          case 0x0D: *w++ = 'r'; break;
          default:
            *w++ = 'u';
            *w++ = '0';
            *w++ = '0';
            *w++ = static_cast<std::uint8_t>(kHex[cp >> 4]);
            *w++ = static_cast<std::uint8_t>(kHex[cp & 0xF]);
        }
        escaped = true;
      } else if (cp == 0x22 || cp == 0x5C) {
        // RFC 8785 (and RFC 8259) need both escaped; X07 drops the backslash of `\\` (spec §19.6).
        *w++ = '\\';
        *w++ = static_cast<std::uint8_t>(cp);
        escaped = true;
      } else {
        w = put_utf8(w, cp);
      }
      if constexpr (kKey) {
        units += cp >= 0x10000 ? 2 : 1;
        high = high || cp >= 0xE000;
      }
      continue;
    }
    if (c < 0x20) return fail(JsonCode::kSyntax, i);
    // Non-ASCII text tends to come in runs: stay here while it does.
    std::uint8_t lead = c;
    do {
      const std::uint32_t n = decode_utf8(buf + i, len - i, cp);
      if (n == 0 || is_noncharacter(cp)) return fail(JsonCode::kNotIJson, i);
      if (len - i >= 4) {
        std::memcpy(w, buf + i, 4);  // only n bytes are kept; the store stays inside the bound
      } else {
        std::memcpy(w, buf + i, n);
      }
      w += n;
      i += n;
      if constexpr (kKey) {
        units += n == 4 ? 2 : 1;
        high = high || lead >= 0xEE;
      }
    } while (i < len && (lead = buf[i]) >= 0x80);
  }
}

}  // namespace

StringScan canon_string_value(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, std::uint8_t* out) {
  return scan<false>(buf, len, pos, out);
}

StringScan canon_string_key(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, std::uint8_t* out) {
  return scan<true>(buf, len, pos, out);
}

void unescape_canonical(const std::uint8_t* s, std::uint32_t n, ByteBuffer& dst) {
  dst.ensure(n);
  std::uint8_t* w = dst.tail();
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint8_t c = s[i];
    if (c == '\\') {
      const std::uint8_t e = s[++i];
      switch (e) {
        case 'b': c = 0x08; break;
        case 't': c = 0x09; break;
        case 'n': c = 0x0A; break;
        case 'f': c = 0x0C; break;
        case 'r': c = 0x0D; break;
        case 'u':  // \u00xx: two lowercase hex digits follow "00"
          c = static_cast<std::uint8_t>((hex_value(s[i + 3]) << 4) | hex_value(s[i + 4]));
          i += 4;
          break;
        default: c = e; break;  // \" and \\ .
      }
    }
    *w++ = c;
  }
  dst.commit(static_cast<std::size_t>(w - dst.tail()));
}

}  // namespace sluice::json
