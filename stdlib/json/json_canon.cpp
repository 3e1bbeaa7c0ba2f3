#include "stdlib/json/json_canon.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numeric>

#include "stdlib/json/es_number.hpp"
#include "stdlib/json/json_string.hpp"

namespace sluice::json {
namespace {

// A decimal literal with at most this many significant digits (DBL_DIG) is printed from its own
// digits, without a binary round trip: distinct decimals of ≤ 15 significant digits lie more than
// one ulp apart, so the literal is the only one in its double's rounding interval, hence the
// double's shortest round-trip form. That holds for normal doubles, which the point range below
// keeps to (0.d × 10^point with −290 ≤ point ≤ 300 lies in 1e-291 .. 1e300).
constexpr std::uint32_t kDirectDigits = 15;
constexpr std::int64_t kDirectPointMin = -290;
constexpr std::int64_t kDirectPointMax = 300;
// Exponent digits stop accumulating here: any larger exponent already means 0 or ±inf.
constexpr std::int64_t kExponentClamp = 100000000;
// Every member costs this much in X07's object accounting (spec §13): its record holds four u32
// (key offset and three lengths) before the bytes, and the index holds one u32 per member, two
// more at the final check (the sort's index arrays).
constexpr std::uint64_t kMemberRecordBytes = 16;
constexpr std::uint64_t kMemberIndexBytes = 4;
constexpr std::uint64_t kMemberSortBytes = 8;

inline bool is_ws(std::uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool is_digit(std::uint8_t c) { return c >= '0' && c <= '9'; }
inline std::uint32_t skip_ws(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos) {
  while (pos < len && is_ws(buf[pos])) ++pos;
  return pos;
}

struct NumberScan {
  JsonError error;
  std::uint32_t end = 0;
  std::uint32_t out_size = 0;
};

// The number at buf[pos]: X07's grammar checks (each failure is 20 at the number's first byte),
// then its ECMAScript form written to `out` (kEsNumberMaxChars bytes) when kEmit.
template <bool kEmit>
NumberScan scan_number(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, char* out) {
  const std::uint32_t start = pos;
  NumberScan r;
  r.error = {JsonCode::kSyntax, start};
  bool negative = false;
  if (buf[pos] == '-') {
    negative = true;
    if (++pos >= len) return r;
  }
  const std::uint32_t int_begin = pos;
  if (buf[pos] == '0') {
    ++pos;
    if (pos < len && is_digit(buf[pos])) return r;
  } else if (buf[pos] >= '1' && buf[pos] <= '9') {
    ++pos;
    while (pos < len && is_digit(buf[pos])) ++pos;
  } else {
    return r;
  }
  const std::uint32_t int_end = pos;
  std::uint32_t frac_begin = pos;
  std::uint32_t frac_end = pos;
  if (pos < len && buf[pos] == '.') {
    ++pos;
    if (pos >= len || !is_digit(buf[pos])) return r;
    frac_begin = pos;
    while (pos < len && is_digit(buf[pos])) ++pos;
    frac_end = pos;
  }
  std::int64_t exponent = 0;
  bool has_exponent = false;
  if (pos < len && (buf[pos] == 'e' || buf[pos] == 'E')) {
    has_exponent = true;
    if (++pos >= len) return r;
    bool exponent_negative = false;
    if (buf[pos] == '+' || buf[pos] == '-') {
      exponent_negative = buf[pos] == '-';
      if (++pos >= len) return r;
    }
    if (!is_digit(buf[pos])) return r;
    while (pos < len && is_digit(buf[pos])) {
      if (exponent < kExponentClamp) exponent = exponent * 10 + (buf[pos] - '0');
      ++pos;
    }
    if (exponent_negative) exponent = -exponent;
  }
  r.error = {};
  r.end = pos;

  const std::uint32_t int_len = int_end - int_begin;
  if (!has_exponent && frac_begin == frac_end && int_len <= kDirectDigits) {
    // A short integer literal is its own canonical form, but for −0.
    if constexpr (kEmit) {
      if (int_len == 1 && buf[int_begin] == '0') {
        out[0] = '0';
        r.out_size = 1;
      } else {
        r.out_size = int_end - start;
        std::memcpy(out, buf + start, r.out_size);
      }
    }
    return r;
  }

  const std::uint32_t total = int_len + (frac_end - frac_begin);
  const auto digit_at = [&](std::uint32_t i) {
    return static_cast<char>(i < int_len ? buf[int_begin + i] : buf[frac_begin + (i - int_len)]);
  };
  std::uint32_t first = 0;
  while (first < total && digit_at(first) == '0') ++first;
  if (first == total) {  // ±0 in any spelling
    if constexpr (kEmit) {
      out[0] = '0';
      r.out_size = 1;
    }
    return r;
  }
  std::uint32_t last = total - 1;
  while (digit_at(last) == '0') --last;
  const std::uint32_t k = last - first + 1;
  const std::int64_t point = static_cast<std::int64_t>(int_len) - first + exponent;
  if (k <= kDirectDigits && point >= kDirectPointMin && point <= kDirectPointMax) {
    if constexpr (kEmit) {
      char digits[kDirectDigits];
      for (std::uint32_t i = 0; i < k; ++i) digits[i] = digit_at(first + i);
      r.out_size = static_cast<std::uint32_t>(format_es_digits(negative, digits, k, static_cast<int>(point), out));
    }
    return r;
  }

  // Long or extreme literals: the correctly rounded double (libstdc++'s from_chars), then its
  // shortest form.
  double v = 0;
  const auto* first_char = reinterpret_cast<const char*>(buf + start);
  const auto* last_char = reinterpret_cast<const char*>(buf + pos);
  const auto fc = std::from_chars(first_char, last_char, v);
  if (fc.ec == std::errc::result_out_of_range) {
    // from_chars reports both ends of the range. A value of at least 1 overflowed to ±inf, which
    // I-JSON forbids; a smaller one underflowed to ±0, which is printed as 0 (spec §13; X07's
    // parser also rounds it to zero).
    if (point > 0) {
      r.error = {JsonCode::kNotIJson, start};
      return r;
    }
    v = 0;
  } else if (fc.ec != std::errc() || fc.ptr != last_char || !std::isfinite(v)) {
    r.error = {JsonCode::kNotIJson, start};  // X07: a literal its float parser refuses
    return r;
  }
  if constexpr (kEmit) r.out_size = static_cast<std::uint32_t>(format_es_number(v, out));
  return r;
}

// The literal at buf[pos] (true, false, null), or 0 when the bytes are not one of them.
inline std::uint32_t literal_size(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos) {
  const std::uint32_t avail = len - pos;
  switch (buf[pos]) {
    case 't': return avail >= 4 && std::memcmp(buf + pos, "true", 4) == 0 ? 4 : 0;
    case 'f': return avail >= 5 && std::memcmp(buf + pos, "false", 5) == 0 ? 5 : 0;
    case 'n': return avail >= 4 && std::memcmp(buf + pos, "null", 4) == 0 ? 4 : 0;
    default: return 0;
  }
}

inline std::uint32_t u32(std::size_t n) { return static_cast<std::uint32_t>(n); }

// The first 8 bytes of the `n`-byte key at `p` as a big-endian integer, zero-padded. `p` must be
// readable for 8 bytes. Comparing two prefixes compares the keys' first 8 bytes in memcmp order.
inline std::uint64_t key_prefix(const std::uint8_t* p, std::uint32_t n) {
  if (n == 0) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  if (n < 8) v &= ~std::uint64_t{0} << (8 * (8 - n));
  return v;
}

// A number's bytes (its grammar reads no further than the first byte outside this set).
inline bool is_number_byte(std::uint8_t c) { return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }
// How far past the offset of a string error the scanner may have looked to decide it: an escaped
// surrogate pair is 12 bytes from its backslash, a UTF-8 sequence 4 from its lead byte.
constexpr std::uint32_t kStringErrorLookahead = 16;

}  // namespace

JsonError JsonCanonicalizer::canonicalize(ByteView in, const JsonCanonLimits& limits, ByteBuffer& out) {
  return whole<true>(in, limits, out);
}

JsonError JsonCanonicalizer::validate(ByteView in, const JsonCanonLimits& limits) {
  scratch_.clear();
  return whole<false>(in, limits, scratch_);
}

template <bool kEmit>
JsonError JsonCanonicalizer::whole(ByteView in, const JsonCanonLimits& limits, ByteBuffer& out) {
  begin();
  const Feed f = run<kEmit>(in, 0, true, limits, out);
  return f.status == Feed::Status::kError ? f.error : JsonError{};
}

void JsonCanonicalizer::begin() {
  next_ = Next::kStart;
  stack_.clear();
  members_.clear();
  key_text_.clear();
}

JsonCanonicalizer::Feed JsonCanonicalizer::feed(ByteView window, std::uint32_t base, bool final, const JsonCanonLimits& limits,
                                                ByteBuffer& out) {
  return run<true>(window, base, final, limits, out);
}

// One loop over the window, resumable: every state leaves `next_` and the window offset `pos` at
// a token boundary before it can ask for more input, and every state that can ask for more input
// changes nothing before it does (so running it again with a longer window is the same). Offsets
// kept across calls (errors, frames, member keys) are absolute: window offset + base.
template <bool kEmit>
JsonCanonicalizer::Feed JsonCanonicalizer::run(ByteView window, std::uint32_t base, bool final, const JsonCanonLimits& limits,
                                               ByteBuffer& out) {
  const std::uint8_t* const buf = window.data;
  const std::uint32_t len = window.size;
  std::uint32_t pos = 0;
  const auto fail = [&](JsonCode code, std::uint32_t abs_offset) {
    Feed f;
    f.status = Feed::Status::kError;
    f.error = {code, abs_offset};
    f.consumed = pos;
    return f;
  };
  const auto more = [&] {
    Feed f;
    f.consumed = pos;
    return f;
  };
  // A window-relative error offset, made absolute.
  const auto at = [base](std::uint32_t p) { return base + p; };

  for (;;) {
    switch (next_) {
      case Next::kStart: {
        pos = skip_ws(buf, len, pos);
        if (pos >= len) return final ? fail(JsonCode::kSyntax, 0) : more();  // blank input: offset 0 (spec §19.3)
        next_ = Next::kValue;
        continue;
      }
      case Next::kValue: {
        pos = skip_ws(buf, len, pos);
        if (pos >= len) return final ? fail(JsonCode::kSyntax, at(pos)) : more();
        const std::uint8_t c = buf[pos];
        if (c == '"') {
          // Room for the quotes and the scanner's bound (json_string.hpp).
          out.ensure(std::size_t{len - pos} + 16);
          std::uint8_t* w = out.tail();
          const StringScan s = canon_string_value(buf, len, pos, w + 1);
          if (!s.error.ok()) {
            // Unterminated, or decided by bytes that may not have arrived: wait.
            if (!final && std::uint64_t{s.error.offset} + kStringErrorLookahead >= len) return more();
            return fail(s.error.code, at(s.error.offset));
          }
          if constexpr (kEmit) {
            w[0] = '"';
            w[1 + s.out_size] = '"';
            out.commit(std::size_t{s.out_size} + 2);
          }
          pos = s.end;
          next_ = Next::kAfterValue;
          continue;
        }
        if (c == '-' || is_digit(c)) {
          if (!final) {
            // The number's grammar and value depend on its bytes and the one after them.
            std::uint32_t e = pos + 1;
            while (e < len && is_number_byte(buf[e])) ++e;
            if (e >= len) return more();
          }
          out.ensure(kEsNumberMaxChars);
          const NumberScan n = scan_number<kEmit>(buf, len, pos, reinterpret_cast<char*>(out.tail()));
          if (!n.error.ok()) return fail(n.error.code, at(n.error.offset));
          out.commit(n.out_size);
          pos = n.end;
          next_ = Next::kAfterValue;
          continue;
        }
        if (c == '{' || c == '[') {
          // The depth check comes before the container is entered (spec §13).
          if (stack_.size() >= limits.max_depth) return fail(JsonCode::kTooDeep, at(pos));
          const bool is_object = c == '{';
          const std::uint32_t inner = skip_ws(buf, len, pos + 1);
          if (inner >= len) return final ? fail(JsonCode::kSyntax, at(inner)) : more();
          if (buf[inner] == (is_object ? '}' : ']')) {
            if constexpr (kEmit) {
              out.push(c);
              out.push(buf[inner]);
            }
            pos = inner + 1;
            next_ = Next::kAfterValue;
            continue;
          }
          stack_.push_back(Frame{at(pos), u32(out.size()), u32(members_.size()), u32(key_text_.size()), 0, 0, is_object});
          if constexpr (kEmit) out.push(c);
          pos = inner;
          next_ = is_object ? Next::kMember : Next::kValue;
          continue;
        }
        // true, false, null: five bytes decide (a shorter rest may still grow into one).
        if (!final && len - pos < 5) return more();
        const std::uint32_t n = literal_size(buf, len, pos);
        if (n == 0) return fail(JsonCode::kSyntax, at(pos));
        if constexpr (kEmit) out.append(buf + pos, n);
        pos += n;
        next_ = Next::kAfterValue;
        continue;
      }
      case Next::kMember: {
        pos = skip_ws(buf, len, pos);
        if (pos >= len) return final ? fail(JsonCode::kSyntax, at(pos)) : more();
        if (buf[pos] != '"') return fail(JsonCode::kSyntax, at(pos));
        const Frame& f = stack_.back();
        if (f.count >= limits.max_object_members) return fail(JsonCode::kObjectTooLarge, f.in_offset);
        out.ensure(std::size_t{len - pos} + 16);
        std::uint8_t* w = out.tail();
        const StringScan s = canon_string_key(buf, len, pos, w + 1);
        if (!s.error.ok()) {
          if (!final && std::uint64_t{s.error.offset} + kStringErrorLookahead >= len) return more();
          return fail(s.error.code, at(s.error.offset));
        }
        if constexpr (kEmit) {
          Member m{};
          m.key_in_offset = at(pos);
          m.out_begin = u32(out.size());
          m.key_size = s.out_size;
          m.utf16_units = s.utf16_units;
          m.has_high = s.has_high;
          w[0] = '"';
          w[1 + s.out_size] = '"';
          if (s.escaped_output) {
            m.text_in_key_text = true;
            m.text_offset = u32(key_text_.size());
            unescape_canonical(w + 1, s.out_size, key_text_);
            m.text_size = u32(key_text_.size()) - m.text_offset;
            key_text_.ensure(8);  // key_prefix reads 8 bytes
            m.prefix = key_prefix(key_text_.data() + m.text_offset, m.text_size);
          } else {
            m.text_in_key_text = false;
            m.text_offset = m.out_begin + 1;
            m.text_size = s.out_size;
            m.prefix = key_prefix(w + 1, m.text_size);  // within the reserved len - pos + 16 bytes
          }
          out.commit(std::size_t{s.out_size} + 2);
          members_.push_back(m);
        }
        pos = s.end;
        next_ = Next::kColon;
        continue;
      }
      case Next::kColon: {
        pos = skip_ws(buf, len, pos);
        if (pos >= len) return final ? fail(JsonCode::kSyntax, at(pos)) : more();
        if (buf[pos] != ':') return fail(JsonCode::kSyntax, at(pos));
        ++pos;
        if constexpr (kEmit) out.push(':');
        next_ = Next::kValue;
        continue;
      }
      case Next::kAfterValue: {
        next_ = Next::kSeparator;
        if (stack_.empty()) continue;
        Frame& f = stack_.back();
        ++f.count;
        if constexpr (kEmit) {
          if (f.is_object) {
            Member& m = members_.back();
            m.out_end = u32(out.size());
            const std::uint64_t value_size = m.out_end - m.out_begin - m.key_size - 3;  // less "key":
            f.used += kMemberRecordBytes + m.key_size + 2ULL * m.utf16_units + value_size;
            if (f.used + kMemberIndexBytes * f.count > limits.max_object_total_bytes)
              return fail(JsonCode::kObjectTooLarge, f.in_offset);
          }
        }
        continue;
      }
      case Next::kSeparator: {
        pos = skip_ws(buf, len, pos);
        if (stack_.empty()) {
          if (pos != len) return fail(JsonCode::kTrailingData, at(pos));
          if (!final) return more();
          Feed done;
          done.status = Feed::Status::kDone;
          done.consumed = pos;
          return done;
        }
        if (pos >= len) return final ? fail(JsonCode::kSyntax, at(pos)) : more();
        Frame& f = stack_.back();
        const std::uint8_t c = buf[pos];
        if (c == ',') {
          ++pos;
          if constexpr (kEmit) out.push(',');
          next_ = f.is_object ? Next::kMember : Next::kValue;
          continue;
        }
        if (c != (f.is_object ? '}' : ']')) return fail(JsonCode::kSyntax, at(pos));
        ++pos;
        if constexpr (kEmit) {
          if (f.is_object) {
            if (f.used + (kMemberIndexBytes + kMemberSortBytes) * f.count > limits.max_object_total_bytes)
              return fail(JsonCode::kObjectTooLarge, f.in_offset);
            const JsonError e = close_object(f, out);
            if (!e.ok()) return fail(e.code, e.offset);
          } else {
            out.push(']');
          }
        }
        stack_.pop_back();
        next_ = Next::kAfterValue;
        continue;
      }
    }
  }
}

// Sorts the members of the object `f` (≥ 1 member, all in `out` in input order after its '{'),
// rejects a duplicate key, and closes it with '}'.
JsonError JsonCanonicalizer::close_object(const Frame& f, ByteBuffer& out) {
  Member* const ms = members_.data() + f.members_base;
  const std::uint32_t count = f.count;
  if (count > 1) {
    keys_.resize(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      const Member& m = ms[i];
      const std::uint8_t* base = m.text_in_key_text ? key_text_.data() : out.data();
      keys_[i] = KeyRef{base + m.text_offset, m.text_size, m.has_high, m.key_in_offset};
    }
    // Different prefixes decide, unless both keys hold characters ≥ U+E000 (UTF-16 order may then
    // differ from byte order, see key_order.hpp); equal prefixes need the whole keys.
    const auto compare = [ms, this](std::uint32_t a, std::uint32_t b) {
      if (ms[a].prefix != ms[b].prefix && !(ms[a].has_high && ms[b].has_high)) return ms[a].prefix < ms[b].prefix ? -1 : 1;
      return compare_keys(keys_[a], keys_[b]);
    };
    // Input already in order (and so without duplicates) is common: check before sorting.
    std::uint32_t i = 1;
    while (i < count && compare(i - 1, i) < 0) ++i;
    if (i < count) {
      order_.resize(count);
      std::iota(order_.begin(), order_.end(), 0U);
      std::sort(order_.begin(), order_.end(), [&compare](std::uint32_t a, std::uint32_t b) { return compare(a, b) < 0; });
      for (std::uint32_t j = 1; j < count; ++j) {
        if (compare(order_[j - 1], order_[j]) == 0) {
          // Which of the equal keys X07 names depends on its own sort; only now is it run.
          std::uint32_t offset = 0;
          x07_duplicate_key_offset(keys_, offset);
          return {JsonCode::kNotIJson, offset};
        }
      }
      // Write the members back in key order. The bytes between '{' and the end are the members
      // joined by commas, so the region keeps its size.
      const std::size_t region = std::size_t{f.out_offset} + 1;
      tmp_.clear();
      tmp_.append(out.data() + region, out.size() - region);
      std::uint8_t* w = out.data() + region;
      for (std::uint32_t j = 0; j < count; ++j) {
        const Member& m = ms[order_[j]];
        if (j != 0) *w++ = ',';
        const std::size_t n = std::size_t{m.out_end} - m.out_begin;
        std::memcpy(w, tmp_.data() + (m.out_begin - region), n);
        w += n;
      }
    }
  }
  members_.resize(f.members_base);
  key_text_.truncate(f.key_text_base);
  out.push('}');
  return {};
}

}  // namespace sluice::json
