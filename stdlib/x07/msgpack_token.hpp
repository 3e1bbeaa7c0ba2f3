// One msgpack token (a type byte with its length or scalar payload) read from a buffer that
// holds the whole value: the building block of the brand validator and of the msgpack plugins'
// decoders, which keep their own explicit stacks for nesting (no recursion on input depth).
#pragma once

#include <cstdint>

#include "stdlib/x07/msgpack_codes.hpp"

namespace sluice::msgpack {

enum class Kind : std::uint8_t { kNil, kBool, kUint, kInt, kF32, kF64, kStr, kBin, kExt, kArray, kMap };

struct Token {
  Kind kind = Kind::kNil;
  bool b = false;           // kBool
  std::uint64_t u = 0;      // kUint; kArray / kMap: element / pair count
  std::int64_t i = 0;       // kInt (always < 0 for the signed encodings of negative values; any value read as signed)
  double f = 0;             // kF32 (widened exactly), kF64
  std::int8_t ext_type = 0;  // kExt
  const std::uint8_t* data = nullptr;  // kStr, kBin, kExt payload
  std::uint32_t size = 0;
};

// Reads the token at p[pos] (n bytes in all) and advances pos past it (past a str/bin/ext payload,
// not into an array's or map's elements). Returns 0, or the code: kMalformed (0xc1), kTruncated.
Code read_token(const std::uint8_t* p, std::uint32_t n, std::uint32_t& pos, Token& t);

// The depth bound of sluice.msgpack_v1.
inline constexpr std::uint32_t kBrandMaxDepth = 64;

// sluice.msgpack.validate_v1: `p` is exactly one complete, well-formed value (no trailing bytes),
// every str is UTF-8, containers nest at most kBrandMaxDepth deep. Returns kOk or the code.
Code validate_value(const std::uint8_t* p, std::uint32_t n);

}  // namespace sluice::msgpack
