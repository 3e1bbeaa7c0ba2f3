#include "plugins/msgpack/msgpack_to_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stdlib/json/es_number.hpp"
#include "stdlib/text/utf8.hpp"
#include "stdlib/x07/msgpack_token.hpp"

namespace sluice::msgpack {
namespace {

// Room reserved before each token: a comma, the longest scalar text (a float, 25 bytes; an
// integer, 20) and the closing brackets of every container the token may complete (kMaxDepth).
constexpr std::size_t kTokenRoom = 128;
// A str of n bytes writes at most 6n + 2 (every byte a control character, "\u00xx"); the SIMD
// loop stores 16 bytes at a time and keeps only those that were plain, hence the 16 more.
constexpr std::size_t str_room(std::uint32_t n) { return 6 * std::size_t{n} + 2 + 16 + kTokenRoom; }

// stdlib/x07/msgpack_token's read_token, here inline in the converter's loop (the same kinds,
// payloads and codes: a token that does not fit in n is kTruncated, 0xc1 kMalformed).
[[gnu::always_inline]] inline Code decode(const std::uint8_t* p, std::uint32_t n, std::uint32_t& pos, Token& t) {
  if (pos >= n) return Code::kTruncated;
  const std::uint8_t b = p[pos++];
  if (b <= 0x7f) { t.kind = Kind::kUint; t.u = b; return Code::kOk; }
  if (b >= 0xe0) { t.kind = Kind::kInt; t.i = static_cast<std::int8_t>(b); return Code::kOk; }
  if (b >= 0xa0 && b <= 0xbf) {
    const std::uint32_t len = b & 0x1fu;
    if (n - pos < len) return Code::kTruncated;
    t.kind = Kind::kStr;
    t.data = p + pos;
    t.size = len;
    pos += len;
    return Code::kOk;
  }
  if (b <= 0x8f) { t.kind = Kind::kMap; t.u = b & 0x0fu; return Code::kOk; }
  if (b <= 0x9f) { t.kind = Kind::kArray; t.u = b & 0x0fu; return Code::kOk; }
  // The other types common in records, inline; the rest through read_token itself.
  switch (b) {
    case 0xc0: t.kind = Kind::kNil; return Code::kOk;
    case 0xc2: case 0xc3: t.kind = Kind::kBool; t.b = b == 0xc3; return Code::kOk;
    case 0xcb: {
      if (n - pos < 8) return Code::kTruncated;
      std::uint64_t v;
      std::memcpy(&v, p + pos, 8);
      v = __builtin_bswap64(v);
      std::memcpy(&t.f, &v, 8);
      pos += 8;
      t.kind = Kind::kF64;
      return Code::kOk;
    }
    case 0xcc:
      if (n - pos < 1) return Code::kTruncated;
      t.kind = Kind::kUint;
      t.u = p[pos++];
      return Code::kOk;
    case 0xcd:
      if (n - pos < 2) return Code::kTruncated;
      t.kind = Kind::kUint;
      t.u = (std::uint32_t{p[pos]} << 8) | p[pos + 1];
      pos += 2;
      return Code::kOk;
    case 0xce:
    case 0xd2: {
      if (n - pos < 4) return Code::kTruncated;
      std::uint32_t v;
      std::memcpy(&v, p + pos, 4);
      v = __builtin_bswap32(v);
      pos += 4;
      if (b == 0xce) {
        t.kind = Kind::kUint;
        t.u = v;
      } else {
        t.kind = Kind::kInt;
        t.i = static_cast<std::int32_t>(v);
      }
      return Code::kOk;
    }
    case 0xd9: {
      if (n - pos < 1) return Code::kTruncated;
      const std::uint32_t len = p[pos++];
      if (n - pos < len) return Code::kTruncated;
      t.kind = Kind::kStr;
      t.data = p + pos;
      t.size = len;
      pos += len;
      return Code::kOk;
    }
    default:
      --pos;
      return read_token(p, n, pos, t);
  }
}

// The first 8 bytes of a key, big-endian, zero past its end: comparing these compares the keys
// by their first 8 bytes (a shorter key padded with zeros sorts no later than any key it is a
// prefix of, and the lengths settle a tie). `end` is the end of the input the key lies in.
inline std::uint64_t key_prefix(const std::uint8_t* d, std::uint32_t size, const std::uint8_t* end) {
  if (size == 0) return 0;
  std::uint64_t v = 0;
  if (end - d >= 8) {
    std::memcpy(&v, d, 8);
    v = __builtin_bswap64(v);
    if (size < 8) v &= ~std::uint64_t{0} << (8 * (8 - size));
  } else {
    const std::uint32_t k = size < 8 ? size : 8;
    for (std::uint32_t i = 0; i < k; ++i) v |= std::uint64_t{d[i]} << (56 - 8 * i);
  }
  return v;
}

// json::compare_keys with a word compare first (key_prefix, computed once per key): member keys
// are mostly short and differ early, and this runs once per member for the sortedness check of
// every map and O(k log k) times when one is sorted. The word order is the byte order, which is
// the UTF-16 order unless both keys hold a character ≥ U+E000 (KeyRef::has_high).
inline int compare_members(const json::KeyRef& a, std::uint64_t pa, const json::KeyRef& b, std::uint64_t pb) {
  if (a.has_high && b.has_high) return json::compare_keys(a, b);
  if (pa != pb) return pa < pb ? -1 : 1;
  if (a.size > 8 && b.size > 8) {
    const std::uint32_t m = (a.size < b.size ? a.size : b.size) - 8;
    if (const int c = std::memcmp(a.data + 8, b.data + 8, m); c != 0) return c;
  }
  return a.size < b.size ? -1 : (a.size > b.size ? 1 : 0);
}

// Writes `s` (n bytes, inside an input that ends at `end`) as a JSON string in RFC 8785 form:
// only ", \ and control characters escaped (\b \f \n \r \t, else \u00xx). False when `s` is not
// valid UTF-8. `w` has str_room(n) bytes of room. `non_ascii` is set when a byte ≥ 0x80 was seen.
inline bool write_string(const std::uint8_t* s, std::uint32_t n, const std::uint8_t* end, std::uint8_t*& w,
                         bool& non_ascii) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint8_t* const e = s + n;
  std::uint8_t* o = w;
  *o++ = '"';
  while (s < e) {
#if defined(__SSE2__)
    if (end - s >= 16) {
      // 16 bytes at a time: stored as they are, then the first one that is not plain ASCII
      // (a signed compare below 0x20 also catches every byte ≥ 0x80), ", or \ ends the run.
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
      const __m128i special = _mm_or_si128(
          _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
      auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(special));
      const auto left = static_cast<std::size_t>(e - s);
      if (left < 16) mask |= 1u << left;  // the string's end stops the run too
      if (mask == 0) {
        s += 16;
        o += 16;
        continue;
      }
      const unsigned k = static_cast<unsigned>(__builtin_ctz(mask));
      s += k;
      o += k;
      if (s >= e) break;
    } else
#endif
    {
      while (s < e && *s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') *o++ = *s++;
      if (s >= e) break;
    }
    const std::uint8_t c = *s;
    if (c >= 0x80) {
      std::uint32_t cp = 0;
      const std::uint32_t len = decode_utf8(s, static_cast<std::uint32_t>(e - s), cp);
      if (len == 0) return false;
      non_ascii = true;
      std::memcpy(o, s, len);
      o += len;
      s += len;
      continue;
    }
    ++s;
    *o++ = '\\';
    switch (c) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '\b': *o++ = 'b'; break;
      case '\f': *o++ = 'f'; break;
      case '\n': *o++ = 'n'; break;
      case '\r': *o++ = 'r'; break;
      case '\t': *o++ = 't'; break;
      default:
        o[0] = 'u';
        o[1] = '0';
        o[2] = '0';
        o[3] = static_cast<std::uint8_t>(kHex[c >> 4]);
        o[4] = static_cast<std::uint8_t>(kHex[c & 15]);
        o += 5;
    }
  }
  *o++ = '"';
  w = o;
  return true;
}

template <class Int>
inline void write_int(std::uint8_t*& w, Int v) {
  auto* const c = reinterpret_cast<char*>(w);
  w += std::to_chars(c, c + 24, v).ptr - c;
}

void copy_text(std::uint8_t*& w, const char* s, std::size_t n) {
  std::memcpy(w, s, n);
  w += n;
}

}  // namespace

void ToJson::grow(const std::uint8_t* from, std::size_t used, std::size_t need) {
  std::size_t cap = cap_ < 4096 ? 4096 : cap_;
  while (cap < need) cap *= 2;
  auto fresh = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
  if (used != 0) std::memcpy(fresh.get(), from, used);
  buf_ = std::move(fresh);
  cap_ = cap;
}

Code ToJson::sort_members(const Frame& f, std::uint8_t* text, std::uint32_t end, std::uint32_t& new_end) {
  const std::uint32_t k = static_cast<std::uint32_t>(members_.size()) - f.members_base;
  const Member* m = members_.data() + f.members_base;
  new_end = end;
  order_.resize(k);
  for (std::uint32_t i = 0; i < k; ++i) order_[i] = i;
  // Keys are compared in place in the input.
  const auto cmp = [&](std::uint32_t a, std::uint32_t b) {
    return compare_members(m[a].key, m[a].prefix, m[b].key, m[b].prefix);
  };
  std::uint32_t* const o = order_.data();
  if (k <= 16) {
    // Insertion sort: a record's handful of members, no call per comparison.
    for (std::uint32_t i = 1; i < k; ++i) {
      const std::uint32_t x = o[i];
      std::uint32_t j = i;
      for (; j > 0 && cmp(x, o[j - 1]) < 0; --j) o[j] = o[j - 1];
      o[j] = x;
    }
  } else {
    std::sort(o, o + k, [&](std::uint32_t a, std::uint32_t b) { return cmp(a, b) < 0; });
  }
  for (std::uint32_t i = 1; i < k; ++i)
    if (cmp(o[i - 1], o[i]) == 0) return Code::kDuplicateKey;
  // The members go back sorted into the same bytes: the same texts and the same k − 1 commas.
  const std::uint32_t len = end - f.region;
  if (tmp_cap_ < len) {
    tmp_cap_ = len < 4096 ? 4096 : std::size_t{len} * 2;
    tmp_ = std::make_unique_for_overwrite<std::uint8_t[]>(tmp_cap_);
  }
  std::uint8_t* t = tmp_.get();
  for (std::uint32_t i = 0; i < k; ++i) {
    if (i != 0) *t++ = ',';
    const Member& x = m[o[i]];
    std::memcpy(t, text + x.begin, x.end - x.begin);
    t += x.end - x.begin;
  }
  std::memcpy(text + f.region, tmp_.get(), len);
  return Code::kOk;
}

Code ToJson::convert(const std::uint8_t* p, std::uint32_t n, std::vector<std::uint8_t>& out) {
  const Code c = convert(p, n);
  if (c == Code::kOk) out.assign(text_data(), text_data() + text_size());
  return c;
}

Code ToJson::convert(const std::uint8_t* p, std::uint32_t n, std::uint8_t* dst, std::size_t dst_cap) {
  members_.clear();
  size_ = 0;
  const std::uint8_t* const in_end = p + n;
  const bool direct = dst != nullptr && dst_cap >= room_for(n);
  std::uint8_t* base = direct ? dst : buf_.get();
  std::uint8_t* w = base;
  std::uint8_t* lim = base + (direct ? dst_cap : cap_);
  // The text is written by raw pointer; before each token its worst case is made room for. In
  // `dst` (room_for(n) bytes) that never fails: the text before a token is at most 6 × the bytes
  // before it, so room_for(n) covers it plus the token's reservation.
  const auto reserve = [&](std::size_t k) {
    if (static_cast<std::size_t>(lim - w) >= k) return;
    const auto used = static_cast<std::size_t>(w - base);
    grow(base, used, used + k);
    base = buf_.get();
    w = base + used;
    lim = base + cap_;
  };
  const auto at = [&]() { return static_cast<std::uint32_t>(w - base); };
  std::uint32_t depth = 0;
  std::uint32_t pos = 0;
  Token t;
  do {
    Frame* const top = depth == 0 ? nullptr : &stack_[depth - 1];
    // In a map, even positions are keys: a str, written as `"key":` and recorded for sorting.
    const bool is_key = top != nullptr && top->is_map && top->remaining % 2 == 0;
    if (const Code c = decode(p, n, pos, t); c != Code::kOk) return c;
    reserve(t.kind == Kind::kStr ? str_room(t.size) : kTokenRoom);
    // A comma before every array element and every map member but the first.
    if (top != nullptr && (is_key || !top->is_map) && top->count++ != 0) *w++ = ',';
    if (is_key) {
      if (t.kind != Kind::kStr) return Code::kNoJsonForm;
      const std::uint32_t begin = at();
      bool non_ascii = false;
      if (!write_string(t.data, t.size, in_end, w, non_ascii)) return Code::kBadUtf8;
      *w++ = ':';
      bool high = false;
      if (non_ascii)
        for (std::uint32_t i = 0; i < t.size && !high; ++i) high = t.data[i] >= 0xEE;
      members_.push_back({json::KeyRef{t.data, t.size, high, 0}, key_prefix(t.data, t.size, in_end), begin, 0});
      --top->remaining;
      continue;
    }
    switch (t.kind) {
      case Kind::kNil: copy_text(w, "null", 4); break;
      case Kind::kBool: t.b ? copy_text(w, "true", 4) : copy_text(w, "false", 5); break;
      case Kind::kUint: write_int(w, t.u); break;
      case Kind::kInt: write_int(w, t.i); break;
      case Kind::kF32:
      case Kind::kF64:
        if (!std::isfinite(t.f)) return Code::kNonFinite;
        w += json::format_es_number(t.f, reinterpret_cast<char*>(w));
        break;
      case Kind::kStr: {
        bool non_ascii = false;
        if (!write_string(t.data, t.size, in_end, w, non_ascii)) return Code::kBadUtf8;
        break;
      }
      case Kind::kBin:
      case Kind::kExt: return Code::kNoJsonForm;
      case Kind::kArray:
      case Kind::kMap: {
        const bool is_map = t.kind == Kind::kMap;
        *w++ = is_map ? '{' : '[';
        if (t.u == 0) {
          *w++ = is_map ? '}' : ']';
          break;
        }
        if (depth == kMaxDepth) return Code::kTooDeep;
        stack_[depth++] = {is_map, is_map ? t.u * 2 : t.u, 0, at(), static_cast<std::uint32_t>(members_.size())};
        continue;  // its elements come next
      }
    }
    // A value is complete: close every container it completes.
    while (depth != 0) {
      Frame& f = stack_[depth - 1];
      if (f.is_map) members_.back().end = at();
      if (--f.remaining != 0) break;
      --depth;
      if (f.is_map) {
        // Keys already in strictly ascending order (a JCS-ordered writer, json_to_msgpack): the
        // text as written, commas included, is the canonical one. Else sort (a duplicate is
        // found there, as two equal neighbours).
        const std::uint32_t k = static_cast<std::uint32_t>(members_.size()) - f.members_base;
        const Member* m = members_.data() + f.members_base;
        std::uint32_t ascending = 1;
        while (ascending < k &&
               compare_members(m[ascending - 1].key, m[ascending - 1].prefix, m[ascending].key, m[ascending].prefix) < 0)
          ++ascending;
        if (ascending < k) {
          std::uint32_t end = 0;
          if (const Code c = sort_members(f, base, at(), end); c != Code::kOk) return c;
          w = base + end;
        }
        *w++ = '}';
        members_.resize(f.members_base);
      } else {
        *w++ = ']';
      }
    }
  } while (depth != 0);
  size_ = at();
  text_ = base;
  return pos == n ? Code::kOk : Code::kNotOneValue;
}

}  // namespace sluice::msgpack
