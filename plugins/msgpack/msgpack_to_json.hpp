// One msgpack value → its RFC 8785 (JCS) JSON text: map members sorted by their keys' UTF-16 code
// units (stdlib/json/key_order), floats in ECMAScript form (stdlib/json/es_number). Integers
// print their exact decimal value, also beyond ±2^53 where JCS would round them through a double:
// a msgpack integer is exact, and rounding would change the data. No JSON form (an error): bin,
// ext (so timestamps), a map key that is not a str, NaN/±Inf, a str that is not UTF-8, a key twice.
// Nesting is an explicit stack; buffers are kept across values, so converting a stream allocates
// only while its largest value is still growing them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "stdlib/json/key_order.hpp"
#include "stdlib/x07/msgpack_codes.hpp"

namespace sluice::msgpack {

class ToJson {
 public:
  static constexpr std::uint32_t kMaxDepth = 64;  // as the brand's validator

  // The most text a value of n bytes can give, plus the slack the writer needs: no token's text
  // is longer than 6 × its bytes (a control character in a str is 6: \u00xx; `false,` is 6 for
  // one byte; every other case is shorter), and the writer reserves room_for-sized slack.
  static constexpr std::size_t room_for(std::uint32_t n) { return 6 * std::size_t{n} + 162; }

  // Converts the value `p` (exactly one value, n bytes); on kOk its JSON text is text_data() /
  // text_size() until the next call (on an error the text is garbage). With `dst` of at least
  // room_for(n) bytes the text is written there (text_data() == dst), so it need not be copied
  // again; otherwise into the converter's own buffer.
  Code convert(const std::uint8_t* p, std::uint32_t n, std::uint8_t* dst = nullptr, std::size_t dst_cap = 0);
  [[nodiscard]] const std::uint8_t* text_data() const { return text_; }
  [[nodiscard]] std::uint32_t text_size() const { return size_; }

  // The same, with the text copied into `out`.
  Code convert(const std::uint8_t* p, std::uint32_t n, std::vector<std::uint8_t>& out);

 private:
  struct Frame {
    bool is_map;
    std::uint64_t remaining;     // elements (array) or keys + values (map) still to come
    std::uint32_t count;         // elements or members written so far (for commas)
    std::uint32_t region;        // text offset just past '[' or '{'
    std::uint32_t members_base;  // maps: first of its records in members_
  };
  struct Member {
    json::KeyRef key;          // the raw UTF-8 key in the input
    std::uint64_t prefix;      // its first 8 bytes, big-endian, zero-padded (a word compare first)
    std::uint32_t begin, end;  // `"key":value` in the text, written in input order, commas outside
  };
  // Makes the converter's own buffer hold at least `need` bytes, with the first `used` bytes of
  // `from` (the text so far, in that buffer or in a caller's dst) copied into it.
  void grow(const std::uint8_t* from, std::size_t used, std::size_t need);
  // Puts the members of the map that starts at `f.region` (text up to `end`) in key order, or
  // finds a key twice; `new_end` is the end of its text (before the '}').
  Code sort_members(const Frame& f, std::uint8_t* text, std::uint32_t end, std::uint32_t& new_end);

  Frame stack_[kMaxDepth];
  std::vector<Member> members_;
  std::vector<std::uint32_t> order_;
  // The text: written by raw pointer, a token's worst case reserved before it is written, grown by
  // doubling (never zero-filled, unlike a std::vector's resize).
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t cap_ = 0;
  std::uint32_t size_ = 0;
  const std::uint8_t* text_ = nullptr;
  std::unique_ptr<std::uint8_t[]> tmp_;  // a map's members while they are put in order
  std::size_t tmp_cap_ = 0;
};

}  // namespace sluice::msgpack
