// One JSON text → one msgpack value in the shortest encodings. The text is first checked and
// canonicalized exactly as json_canon does (stdlib/json: RFC 8259 + I-JSON, depth ≤ 64, X07's
// error codes 20–24), so keys come out in RFC 8785 order and numbers as doubles; the canonical
// text, which has one spelling per value, is then encoded. Numbers: integral with |v| ≤ 2^53 →
// the shortest int (fixint, cc–cf for v ≥ 0, negative fixint, d0–d3 for v < 0); any other number
// → float32 when it is exactly a float32, else float64. Scratch is kept across values.
#pragma once

#include <cstdint>
#include <vector>

#include "stdlib/json/byte_buffer.hpp"
#include "stdlib/json/json_canon.hpp"
#include "stdlib/x07/msgpack_codes.hpp"

namespace sluice::msgpack {

class JsonToMsgpack {
 public:
  // Replaces `out` with the msgpack encoding of the JSON text `p`, or returns the code.
  Code convert(const std::uint8_t* p, std::uint32_t n, std::vector<std::uint8_t>& out);

 private:
  struct Frame {
    std::uint32_t header;  // where its 5 reserved header bytes start in out
    std::uint32_t count;   // elements, or members
    bool is_map;
  };
  json::JsonCanonicalizer canon_;
  json::ByteBuffer text_;  // the canonical text
  std::vector<Frame> stack_;
  std::vector<std::uint8_t> str_;  // one unescaped string
};

// Appends the shortest msgpack encoding of the number `d` by the rules above.
void append_number(double d, std::vector<std::uint8_t>& out);

}  // namespace sluice::msgpack
