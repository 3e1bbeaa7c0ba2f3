// The outcome of canonicalizing a JSON document: an ERR code of spec §14 (20–24) and the byte
// offset in the input where X07's canonicalizer reports it (spec §13), or success.
#pragma once

#include <cstdint>

namespace sluice::json {

enum class JsonCode : std::uint8_t {
  kOk = 0,
  kSyntax = 20,          // not RFC 8259 JSON
  kNotIJson = 21,        // JSON that I-JSON (RFC 7493) forbids: bad UTF-8, surrogates, ±inf, duplicates
  kTooDeep = 22,         // max_depth
  kObjectTooLarge = 23,  // max_object_members or max_object_total_bytes
  kTrailingData = 24,    // non-whitespace after the document
};

struct JsonError {
  JsonCode code = JsonCode::kOk;
  std::uint32_t offset = 0;
  [[nodiscard]] bool ok() const { return code == JsonCode::kOk; }
};

}  // namespace sluice::json
