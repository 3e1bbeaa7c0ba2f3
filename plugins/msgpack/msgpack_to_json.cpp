#include "plugins/msgpack/msgpack_to_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "stdlib/json/es_number.hpp"
#include "stdlib/text/utf8.hpp"
#include "stdlib/x07/msgpack_token.hpp"

namespace sluice::msgpack {
namespace {

void append(std::vector<std::uint8_t>& out, const char* s, std::size_t n) {
  out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(s), reinterpret_cast<const std::uint8_t*>(s) + n);
}

template <class Int>
void append_int(std::vector<std::uint8_t>& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  append(out, buf, static_cast<std::size_t>(r.ptr - buf));
}

}  // namespace

bool append_json_string(const std::uint8_t* s, std::uint32_t n, std::vector<std::uint8_t>& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  // One pass validates UTF-8 and finds what needs escaping; plain runs are copied with one insert.
  const std::size_t start = out.size();
  out.push_back('"');
  std::uint32_t run = 0;  // start of the bytes not yet copied
  std::uint32_t cp = 0;
  for (std::uint32_t i = 0; i < n;) {
    const std::uint8_t c = s[i];
    if (c >= 0x80) {
      const std::uint32_t len = decode_utf8(s + i, n - i, cp);
      if (len == 0) {
        out.resize(start);
        return false;
      }
      i += len;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.insert(out.end(), s + run, s + i);
    run = ++i;
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      default: {
        const char u[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        append(out, u, 5);
      }
    }
  }
  out.insert(out.end(), s + run, s + n);
  out.push_back('"');
  return true;
}

Code ToJson::close_map(const Frame& f, std::vector<std::uint8_t>& out) {
  const std::uint32_t k = static_cast<std::uint32_t>(members_.size()) - f.members_base;
  const Member* m = members_.data() + f.members_base;
  // Keys already in strictly ascending order (a JCS-ordered writer, json_to_msgpack): the text
  // as written, commas included, is the canonical one.
  std::uint32_t ascending = 1;
  while (ascending < k && json::compare_keys(m[ascending - 1].key, m[ascending].key) < 0) ++ascending;
  if (ascending >= k) {
    out.push_back('}');
    members_.resize(f.members_base);
    return Code::kOk;
  }
  order_.resize(k);
  for (std::uint32_t i = 0; i < k; ++i) order_[i] = i;
  std::sort(order_.begin(), order_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return json::compare_keys(m[a].key, m[b].key) < 0; });
  for (std::uint32_t i = 1; i < k; ++i)
    if (json::compare_keys(m[order_[i - 1]].key, m[order_[i]].key) == 0) return Code::kDuplicateKey;
  // Write the members back sorted; their spans exclude the commas written between them.
  tmp_.clear();
  for (std::uint32_t i = 0; i < k; ++i) {
    if (i != 0) tmp_.push_back(',');
    tmp_.insert(tmp_.end(), out.begin() + m[order_[i]].begin, out.begin() + m[order_[i]].end);
  }
  out.resize(f.region);
  out.insert(out.end(), tmp_.begin(), tmp_.end());
  out.push_back('}');
  members_.resize(f.members_base);
  return Code::kOk;
}

Code ToJson::convert(const std::uint8_t* p, std::uint32_t n, std::vector<std::uint8_t>& out) {
  out.clear();
  stack_.clear();
  members_.clear();
  std::uint32_t pos = 0;
  Token t;
  do {
    Frame* top = stack_.empty() ? nullptr : &stack_.back();
    // In a map, even positions are keys: a str, written as `"key":` and recorded for sorting.
    const bool is_key = top != nullptr && top->is_map && top->remaining % 2 == 0;
    if (const Code c = read_token(p, n, pos, t); c != Code::kOk) return c;
    // A comma before every array element and every map member but the first.
    if (top != nullptr && (is_key || !top->is_map) && top->count++ != 0) out.push_back(',');
    if (is_key) {
      if (t.kind != Kind::kStr) return Code::kNoJsonForm;
      const std::uint32_t begin = static_cast<std::uint32_t>(out.size());
      if (!append_json_string(t.data, t.size, out)) return Code::kBadUtf8;
      out.push_back(':');
      bool high = false;
      for (std::uint32_t i = 0; i < t.size && !high; ++i) high = t.data[i] >= 0xEE;
      members_.push_back({json::KeyRef{t.data, t.size, high, 0}, begin, 0});
      --top->remaining;
      continue;
    }
    switch (t.kind) {
      case Kind::kNil: append(out, "null", 4); break;
      case Kind::kBool: t.b ? append(out, "true", 4) : append(out, "false", 5); break;
      case Kind::kUint: append_int(out, t.u); break;
      case Kind::kInt: append_int(out, t.i); break;
      case Kind::kF32:
      case Kind::kF64: {
        if (!std::isfinite(t.f)) return Code::kNonFinite;
        char buf[json::kEsNumberMaxChars];
        append(out, buf, json::format_es_number(t.f, buf));
        break;
      }
      case Kind::kStr:
        if (!append_json_string(t.data, t.size, out)) return Code::kBadUtf8;
        break;
      case Kind::kBin:
      case Kind::kExt: return Code::kNoJsonForm;
      case Kind::kArray:
      case Kind::kMap: {
        const bool is_map = t.kind == Kind::kMap;
        out.push_back(is_map ? '{' : '[');
        if (t.u == 0) {
          out.push_back(is_map ? '}' : ']');
          break;
        }
        if (stack_.size() == kMaxDepth) return Code::kTooDeep;
        stack_.push_back({is_map, is_map ? t.u * 2 : t.u, 0, static_cast<std::uint32_t>(out.size()),
                          static_cast<std::uint32_t>(members_.size())});
        continue;  // its elements come next
      }
    }
    // A value is complete: close every container it completes.
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.is_map) members_.back().end = static_cast<std::uint32_t>(out.size());
      if (--f.remaining != 0) break;
      if (f.is_map) {
        const Frame done = f;
        stack_.pop_back();
        if (const Code c = close_map(done, out); c != Code::kOk) return c;
      } else {
        out.push_back(']');
        stack_.pop_back();
      }
    }
  } while (!stack_.empty());
  return pos == n ? Code::kOk : Code::kNotOneValue;
}

}  // namespace sluice::msgpack
