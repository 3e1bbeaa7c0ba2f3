// One msgpack value → its RFC 8785 (JCS) JSON text: map members sorted by their keys' UTF-16 code
// units (stdlib/json/key_order), floats in ECMAScript form (stdlib/json/es_number). Integers
// print their exact decimal value, also beyond ±2^53 where JCS would round them through a double:
// a msgpack integer is exact, and rounding would change the data. No JSON form (an error): bin,
// ext (so timestamps), a map key that is not a str, NaN/±Inf, a str that is not UTF-8, a key twice.
// Nesting is an explicit stack; scratch buffers are kept across values, so converting a stream
// allocates only while its largest value is still growing them.
#pragma once

#include <cstdint>
#include <vector>

#include "stdlib/json/key_order.hpp"
#include "stdlib/x07/msgpack_codes.hpp"

namespace sluice::msgpack {

class ToJson {
 public:
  static constexpr std::uint32_t kMaxDepth = 64;  // as the brand's validator

  // Replaces `out` with the JSON text of the value `p` (exactly one value, n bytes), or returns
  // the code (out is then garbage).
  Code convert(const std::uint8_t* p, std::uint32_t n, std::vector<std::uint8_t>& out);

 private:
  struct Frame {
    bool is_map;
    std::uint64_t remaining;     // elements (array) or keys + values (map) still to come
    std::uint32_t count;         // elements or members written so far (for commas)
    std::uint32_t region;        // out offset just past '[' or '{'
    std::uint32_t members_base;  // maps: first of its records in members_
  };
  struct Member {
    json::KeyRef key;  // the raw UTF-8 key in the input
    std::uint32_t begin, end;  // `"key":value` in out, written in input order, commas outside
  };
  Code close_map(const Frame& f, std::vector<std::uint8_t>& out);

  std::vector<Frame> stack_;
  std::vector<Member> members_;
  std::vector<std::uint32_t> order_;
  std::vector<std::uint8_t> tmp_;
};

// Appends `s` (n bytes of UTF-8) as a JSON string in RFC 8785 form: only ", \ and control
// characters escaped (\b \f \n \r \t, else \u00xx). False when `s` is not valid UTF-8.
bool append_json_string(const std::uint8_t* s, std::uint32_t n, std::vector<std::uint8_t>& out);

}  // namespace sluice::msgpack
