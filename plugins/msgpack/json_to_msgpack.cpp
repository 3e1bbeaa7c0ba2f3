#include "plugins/msgpack/json_to_msgpack.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace sluice::msgpack {
namespace {

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// The shortest array / map header for n elements, at out[at] (5 bytes reserved there); returns
// its size.
std::uint32_t write_container_header(std::uint8_t* at, std::uint32_t n, bool is_map) {
  if (n < 16) {
    at[0] = static_cast<std::uint8_t>((is_map ? 0x80 : 0x90) | n);
    return 1;
  }
  if (n < 65536) {
    at[0] = is_map ? 0xde : 0xdc;
    at[1] = static_cast<std::uint8_t>(n >> 8);
    at[2] = static_cast<std::uint8_t>(n);
    return 3;
  }
  at[0] = is_map ? 0xdf : 0xdd;
  for (int i = 0; i < 4; ++i) at[1 + i] = static_cast<std::uint8_t>(n >> (8 * (3 - i)));
  return 5;
}

int hex_digit(std::uint8_t c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

}  // namespace

void append_number(double d, std::vector<std::uint8_t>& out) {
  constexpr double kTwo53 = 9007199254740992.0;
  if (d == std::trunc(d) && std::fabs(d) <= kTwo53) {
    if (d >= 0) {
      const auto v = static_cast<std::uint64_t>(d);
      if (v < 128) out.push_back(static_cast<std::uint8_t>(v));
      else if (v < 256) { out.push_back(0xcc); put_be(out, v, 1); }
      else if (v < 65536) { out.push_back(0xcd); put_be(out, v, 2); }
      else if (v <= 0xffffffffu) { out.push_back(0xce); put_be(out, v, 4); }
      else { out.push_back(0xcf); put_be(out, v, 8); }
    } else {
      const auto v = static_cast<std::int64_t>(d);
      const auto u = static_cast<std::uint64_t>(v);
      if (v >= -32) out.push_back(static_cast<std::uint8_t>(u));
      else if (v >= -128) { out.push_back(0xd0); put_be(out, u, 1); }
      else if (v >= -32768) { out.push_back(0xd1); put_be(out, u, 2); }
      else if (v >= INT32_MIN) { out.push_back(0xd2); put_be(out, u, 4); }
      else { out.push_back(0xd3); put_be(out, u, 8); }
    }
    return;
  }
  const auto f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out.push_back(0xca);
    put_be(out, bits, 4);
  } else {
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    out.push_back(0xcb);
    put_be(out, bits, 8);
  }
}

Code JsonToMsgpack::convert(const std::uint8_t* p, std::uint32_t n, std::vector<std::uint8_t>& out) {
  text_.clear();
  const json::JsonError e = canon_.canonicalize(ByteView(p, n), json::JsonCanonLimits{}, text_);
  if (!e.ok()) return static_cast<Code>(static_cast<std::int32_t>(e.code));
  out.clear();
  stack_.clear();
  // The canonical text: no whitespace, keys sorted, strings escaped only as \" \\ \b \f \n \r \t
  // \u00XX, numbers in ECMAScript form. Each value start counts toward its container.
  const std::uint8_t* c = text_.data();
  const std::size_t len = text_.size();
  bool expect_key = false;
  for (std::size_t i = 0; i < len;) {
    const std::uint8_t ch = c[i];
    if (ch == ',' || ch == ':') {
      expect_key = ch == ',' && !stack_.empty() && stack_.back().is_map;
      ++i;
      continue;
    }
    if (ch == '}' || ch == ']') {
      const Frame f = stack_.back();
      stack_.pop_back();
      const std::uint32_t h = write_container_header(out.data() + f.header, f.count, f.is_map);
      if (h != 5) out.erase(out.begin() + f.header + h, out.begin() + f.header + 5);
      expect_key = false;
      ++i;
      continue;
    }
    // A value (or a key) starts here.
    if (!stack_.empty() && (expect_key || !stack_.back().is_map)) ++stack_.back().count;
    expect_key = false;
    if (ch == '{' || ch == '[') {
      stack_.push_back({static_cast<std::uint32_t>(out.size()), 0, ch == '{'});
      out.resize(out.size() + 5);
      expect_key = ch == '{';
      ++i;
    } else if (ch == '"') {
      str_.clear();
      for (++i; c[i] != '"'; ++i) {
        if (c[i] != '\\') {
          str_.push_back(c[i]);
          continue;
        }
        ++i;
        switch (c[i]) {
          case 'b': str_.push_back('\b'); break;
          case 'f': str_.push_back('\f'); break;
          case 'n': str_.push_back('\n'); break;
          case 'r': str_.push_back('\r'); break;
          case 't': str_.push_back('\t'); break;
          case 'u':  // \u00XX: a control character, the only \u escape canonical text has
            str_.push_back(static_cast<std::uint8_t>(hex_digit(c[i + 3]) * 16 + hex_digit(c[i + 4])));
            i += 4;
            break;
          default: str_.push_back(c[i]);  // \" or \\ (canonical text has no \/)
        }
      }
      ++i;
      const auto sn = static_cast<std::uint32_t>(str_.size());
      if (sn < 32) out.push_back(static_cast<std::uint8_t>(0xa0 | sn));
      else if (sn < 256) { out.push_back(0xd9); put_be(out, sn, 1); }
      else if (sn < 65536) { out.push_back(0xda); put_be(out, sn, 2); }
      else { out.push_back(0xdb); put_be(out, sn, 4); }
      out.insert(out.end(), str_.begin(), str_.end());
    } else if (ch == 't') {
      out.push_back(0xc3);
      i += 4;
    } else if (ch == 'f') {
      out.push_back(0xc2);
      i += 5;
    } else if (ch == 'n') {
      out.push_back(0xc0);
      i += 4;
    } else {
      std::size_t j = i;
      while (j < len && c[j] != ',' && c[j] != ']' && c[j] != '}') ++j;
      double d = 0;
      std::from_chars(reinterpret_cast<const char*>(c + i), reinterpret_cast<const char*>(c + j), d);
      append_number(d, out);
      i = j;
    }
  }
  return Code::kOk;
}

}  // namespace sluice::msgpack
