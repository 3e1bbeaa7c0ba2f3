#include "runtime/plan_hash.hpp"

#include <cstdio>

#include <xxhash.h>

namespace sluice {

std::uint64_t xxh64_digest(std::string_view bytes, std::uint64_t seed) {
  return XXH64(bytes.data(), bytes.size(), seed);
}

std::string xxh64_hex(std::string_view bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(xxh64_digest(bytes)));
  return buf;
}

}  // namespace sluice
