#include "compiler/contract_hash.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>

#include <openssl/evp.h>

#include "runtime/bytes.hpp"
#include "stdlib/json/json_canon.hpp"

namespace sluice {

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  // EVP_Digest only fails when libcrypto cannot allocate its context: the same as bad_alloc here.
  if (EVP_Digest(bytes.data(), bytes.size(), md, &md_len, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * md_len);
  for (unsigned int i = 0; i < md_len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xF]);
  }
  return hex;
}

std::optional<std::string> jcs_canonical(std::string_view json_text) {
  if (json_text.size() > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  // Contract files are small; the limits only keep the canonicalizer's own caps out of the way
  // (the parser in compiler/json_source.hpp has already bounded depth and width).
  const json::JsonCanonLimits limits{.max_depth = 1024,
                                     .max_object_members = std::numeric_limits<std::uint32_t>::max(),
                                     .max_object_total_bytes = std::numeric_limits<std::uint32_t>::max()};
  json::JsonCanonicalizer canon;
  json::ByteBuffer out;
  if (!canon.canonicalize(ByteView::of(json_text), limits, out).ok()) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

std::optional<std::string> jcs_sha256_hex(std::string_view json_text) {
  const auto canonical = jcs_canonical(json_text);
  if (!canonical) return std::nullopt;
  return sha256_hex(*canonical);
}

}  // namespace sluice
