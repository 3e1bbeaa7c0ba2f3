// The pin of an arch contract file (x07-pipes §9.5): jcs_sha256_hex, the lowercase hex SHA-256 of
// the file's RFC 8785 canonical form, so a lock survives reformatting and key reordering but not a
// changed value. The canonical form is sluice's own canonicalizer (stdlib/json, the one behind
// json_canon_stream_v1); SHA-256 is OpenSSL's libcrypto.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// The canonical form of a JSON text, or nullopt when the canonicalizer rejects it (not JSON,
// duplicate keys, trailing data, ...).
std::optional<std::string> jcs_canonical(std::string_view json_text);

// sha256_hex(jcs_canonical(json_text)), or nullopt.
std::optional<std::string> jcs_sha256_hex(std::string_view json_text);

}  // namespace sluice
