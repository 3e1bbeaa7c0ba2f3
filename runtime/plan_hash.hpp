// The one place xxHash is used (house rule 1): a 64-bit digest for plan hashes and cache keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

std::uint64_t xxh64_digest(std::string_view bytes, std::uint64_t seed = 0);
// 16 lowercase hex digits.
std::string xxh64_hex(std::string_view bytes);

}  // namespace sluice
