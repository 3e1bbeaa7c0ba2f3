// One JSON string: validated (strict RFC 8259 escapes, strict UTF-8, I-JSON surrogate and
// non-character rules) and rewritten in RFC 8785 form, with X07's error codes and offsets
// (spec §13). Also the inverse of that output escaping, which gives a key's text for sorting.
#pragma once

#include <cstdint>

#include "stdlib/json/byte_buffer.hpp"
#include "stdlib/json/json_error.hpp"

namespace sluice::json {

struct StringScan {
  JsonError error;                  // on failure the other fields are meaningless
  std::uint32_t end = 0;            // input offset just past the closing quote
  std::uint32_t out_size = 0;       // bytes written, without the quotes
  std::uint32_t utf16_units = 0;    // keys only: UTF-16 length of the unescaped text
  bool escaped_output = false;      // the output holds an escape (\", \\, or a control character)
  bool has_high = false;            // keys only: holds a character ≥ U+E000 (see KeyRef)
};

// Scans the string whose opening quote is at `buf[pos]` and writes its canonical form, without
// the quotes, to `out`. `out` must have room for `len - pos + 8` bytes: the canonical form is
// never longer than the input text, and the scanner stores 8 bytes at a time.
StringScan canon_string_value(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, std::uint8_t* out);
// The same for an object key, also measuring what the member ordering and the object-size limit
// need (utf16_units, has_high).
StringScan canon_string_key(const std::uint8_t* buf, std::uint32_t len, std::uint32_t pos, std::uint8_t* out);

// Appends to `dst` the text that canonical string output `s` (as written above) stands for.
void unescape_canonical(const std::uint8_t* s, std::uint32_t n, ByteBuffer& dst);

}  // namespace sluice::json
