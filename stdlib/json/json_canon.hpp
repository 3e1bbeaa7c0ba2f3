// The RFC 8785 canonicalizer behind std.stream.xf.json_canon_stream_v1 (spec §13): one buffered
// JSON document in, its canonical form out, or X07's error code and offset. Parsing is iterative
// with an explicit stack, so nesting depth costs heap, never C++ stack.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/bytes.hpp"
#include "stdlib/json/byte_buffer.hpp"
#include "stdlib/json/json_error.hpp"
#include "stdlib/json/key_order.hpp"

namespace sluice::json {

// The cfg limits of spec §7.8 that bound the document's shape (all ≥ 1).
struct JsonCanonLimits {
  std::uint32_t max_depth = 64;                 // open containers; the top-level one is depth 0
  std::uint32_t max_object_members = 4096;
  std::uint32_t max_object_total_bytes = 4194304;  // X07's per-object accounting, spec §13
};

// Holds scratch (container stack, member records, key text, sort space) reused across documents.
class JsonCanonicalizer {
 public:
  // Appends the canonical form of `in` to `out`. On error `out` holds partial output to discard.
  JsonError canonicalize(ByteView in, const JsonCanonLimits& limits, ByteBuffer& out);
  // Parse-only: the same grammar, UTF-8, escape, number and depth checks, with no output, member
  // sorting, duplicate check or object-size accounting. The benchmark's baseline.
  JsonError validate(ByteView in, const JsonCanonLimits& limits);

  // Streaming: the same document given piece by piece, so the caller need not hold all of it.
  // begin() starts a document; feed() parses as far as `window` allows. `window` is the input from
  // absolute offset `base` (the first byte not consumed yet) to what has arrived; with `final` it
  // ends the document. Result and output are exactly those of canonicalize() on the whole input:
  // a token cut by the end of a non-final window is left for the next call, and an error is only
  // reported once no later byte can change it (so the first error in document order, at X07's
  // offset). `consumed` bytes of the window are done with; the next window starts after them.
  struct Feed {
    enum class Status : std::uint8_t { kNeedMore, kDone, kError };
    Status status = Status::kNeedMore;
    JsonError error;            // kError: code and absolute offset
    std::uint32_t consumed = 0;
  };
  void begin();
  Feed feed(ByteView window, std::uint32_t base, bool final, const JsonCanonLimits& limits, ByteBuffer& out);

  // An open container.
  struct Frame {
    std::uint32_t in_offset;     // its '{' or '[' in the input
    std::uint32_t out_offset;    // its '{' or '[' in the output
    std::uint32_t members_base;  // objects: its first record in members_
    std::uint32_t key_text_base; // objects: key_text_ size when it opened
    std::uint64_t used;          // objects: Σ(16 + escaped key + 2·UTF-16 units + value) so far
    std::uint32_t count;         // members or elements so far
    bool is_object;
  };
  // An object member, as written to the output in input order.
  struct Member {
    std::uint32_t key_in_offset;  // its key's opening quote in the input
    std::uint32_t out_begin;      // its key's opening quote in the output
    std::uint32_t out_end;        // just past its value in the output
    std::uint32_t key_size;       // escaped key, without quotes, as written
    std::uint32_t utf16_units;
    std::uint32_t text_offset;    // unescaped key: in the output, or in key_text_
    std::uint32_t text_size;
    std::uint64_t prefix;         // its first 8 bytes, big-endian, zero-padded: most comparisons end here
    bool text_in_key_text;
    bool has_high;
  };

 private:
  // Where the parse stands between feed() calls: what the next bytes must be.
  enum class Next : std::uint8_t {
    kStart,      // the document's first value (blank input is 20 at offset 0)
    kValue,      // a value
    kMember,     // an object key, after '{' or ','
    kColon,      // the ':' after a key
    kAfterValue, // a value ended: count it (and its object accounting), then kSeparator
    kSeparator,  // ',' or the container's close; with no open container, only whitespace is left
  };
  template <bool kEmit>
  Feed run(ByteView window, std::uint32_t base, bool final, const JsonCanonLimits& limits, ByteBuffer& out);
  template <bool kEmit>
  JsonError whole(ByteView in, const JsonCanonLimits& limits, ByteBuffer& out);
  JsonError close_object(const Frame& f, ByteBuffer& out);

  Next next_ = Next::kStart;
  std::vector<Frame> stack_;
  std::vector<Member> members_;
  std::vector<KeyRef> keys_;
  std::vector<std::uint32_t> order_;
  ByteBuffer key_text_;   // unescaped text of keys whose canonical form holds an escape
  ByteBuffer tmp_;        // an object's members while they are written back in order
  ByteBuffer scratch_;    // validate(): where strings are scanned to
};

}  // namespace sluice::json
