#include "stdlib/x07/msgpack_token.hpp"

#include <cstring>

#include "stdlib/text/utf8.hpp"

namespace sluice::msgpack {
namespace {

std::uint64_t load_be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int k = 0; k < bytes; ++k) v = (v << 8) | p[k];
  return v;
}

}  // namespace

Code read_token(const std::uint8_t* p, std::uint32_t n, std::uint32_t& pos, Token& t) {
  if (pos >= n) return Code::kTruncated;
  const std::uint8_t b = p[pos++];
  // Reads `bytes` big-endian bytes as an unsigned number.
  const auto take = [&](int bytes, std::uint64_t& v) {
    if (n - pos < static_cast<std::uint32_t>(bytes)) return false;
    v = load_be(p + pos, bytes);
    pos += static_cast<std::uint32_t>(bytes);
    return true;
  };
  // A payload of `len` bytes after the header.
  const auto payload = [&](std::uint64_t len) {
    if (n - pos < len) return false;
    t.data = p + pos;
    t.size = static_cast<std::uint32_t>(len);
    pos += static_cast<std::uint32_t>(len);
    return true;
  };
  std::uint64_t v = 0;
  if (b <= 0x7f) { t.kind = Kind::kUint; t.u = b; return Code::kOk; }
  if (b >= 0xe0) { t.kind = Kind::kInt; t.i = static_cast<std::int8_t>(b); return Code::kOk; }
  if (b <= 0x8f) { t.kind = Kind::kMap; t.u = b & 0x0fu; return Code::kOk; }
  if (b <= 0x9f) { t.kind = Kind::kArray; t.u = b & 0x0fu; return Code::kOk; }
  if (b <= 0xbf) { t.kind = Kind::kStr; return payload(b & 0x1fu) ? Code::kOk : Code::kTruncated; }
  switch (b) {
    case 0xc0: t.kind = Kind::kNil; return Code::kOk;
    case 0xc1: return Code::kMalformed;
    case 0xc2: case 0xc3: t.kind = Kind::kBool; t.b = b == 0xc3; return Code::kOk;
    case 0xc4: case 0xc5: case 0xc6:
      t.kind = Kind::kBin;
      return take(1 << (b - 0xc4), v) && payload(v) ? Code::kOk : Code::kTruncated;
    case 0xc7: case 0xc8: case 0xc9: {
      t.kind = Kind::kExt;
      std::uint64_t type = 0;
      if (!take(1 << (b - 0xc7), v) || !take(1, type)) return Code::kTruncated;
      t.ext_type = static_cast<std::int8_t>(type);
      return payload(v) ? Code::kOk : Code::kTruncated;
    }
    case 0xca: {
      if (!take(4, v)) return Code::kTruncated;
      const auto bits = static_cast<std::uint32_t>(v);
      float f;
      std::memcpy(&f, &bits, 4);
      t.kind = Kind::kF32;
      t.f = f;
      return Code::kOk;
    }
    case 0xcb: {
      if (!take(8, v)) return Code::kTruncated;
      std::memcpy(&t.f, &v, 8);
      t.kind = Kind::kF64;
      return Code::kOk;
    }
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
      t.kind = Kind::kUint;
      return take(1 << (b - 0xcc), v) ? (t.u = v, Code::kOk) : Code::kTruncated;
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
      const int bytes = 1 << (b - 0xd0);
      if (!take(bytes, v)) return Code::kTruncated;
      // Sign-extend from the encoded width.
      const int shift = 64 - 8 * bytes;
      t.kind = Kind::kInt;
      t.i = static_cast<std::int64_t>(v << shift) >> shift;
      return Code::kOk;
    }
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: {
      std::uint64_t type = 0;
      if (!take(1, type)) return Code::kTruncated;
      t.kind = Kind::kExt;
      t.ext_type = static_cast<std::int8_t>(type);
      return payload(std::uint64_t{1} << (b - 0xd4)) ? Code::kOk : Code::kTruncated;
    }
    case 0xd9: case 0xda: case 0xdb:
      t.kind = Kind::kStr;
      return take(1 << (b - 0xd9), v) && payload(v) ? Code::kOk : Code::kTruncated;
    case 0xdc: case 0xdd:
      t.kind = Kind::kArray;
      return take(b == 0xdc ? 2 : 4, v) ? (t.u = v, Code::kOk) : Code::kTruncated;
    default:  // 0xde, 0xdf
      t.kind = Kind::kMap;
      return take(b == 0xde ? 2 : 4, v) ? (t.u = v, Code::kOk) : Code::kTruncated;
  }
}

Code validate_value(const std::uint8_t* p, std::uint32_t n) {
  // Remaining elements of each open container (a map's count doubled: keys and values).
  std::uint64_t stack[kBrandMaxDepth];
  std::uint32_t depth = 0;
  std::uint32_t pos = 0;
  Token t;
  do {
    if (const Code c = read_token(p, n, pos, t); c != Code::kOk) return c;
    if (t.kind == Kind::kStr && !is_valid_utf8(ByteView(t.data, t.size))) return Code::kBadUtf8;
    if ((t.kind == Kind::kArray || t.kind == Kind::kMap) && t.u != 0) {
      if (depth == kBrandMaxDepth) return Code::kTooDeep;
      stack[depth++] = t.kind == Kind::kMap ? t.u * 2 : t.u;
      continue;
    }
    while (depth > 0 && --stack[depth - 1] == 0) --depth;
  } while (depth > 0);
  return pos == n ? Code::kOk : Code::kNotOneValue;
}

}  // namespace sluice::msgpack
