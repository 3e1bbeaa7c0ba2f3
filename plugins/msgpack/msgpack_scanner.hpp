// Finds where msgpack values end in a byte stream cut at arbitrary points. It never looks at a
// payload (a str's bytes, a float's bits): it reads type bytes and lengths and skips the rest, so
// it runs at the speed of the headers. Nesting is an explicit stack of remaining-element counts
// (one u64 per open container, allocated once at construction), never recursion on input depth;
// every state survives a chunk boundary, including inside a multi-byte length.
#pragma once

#include <cstdint>
#include <vector>

#include "stdlib/x07/msgpack_codes.hpp"

namespace sluice::msgpack {

struct ScanLimits {
  std::uint32_t max_value_bytes = 16u << 20;
  std::uint32_t max_depth = 64;  // containers inside containers; a top-level scalar is depth 0
};

class Scanner {
 public:
  enum class Status : std::uint8_t { kNeedMore, kValueEnd, kError };
  struct Result {
    Status status;
    std::uint32_t used;  // bytes consumed from this call's input
    Code error;          // when kError
  };

  explicit Scanner(ScanLimits limits);

  // Consumes bytes of [p, p+n) until one top-level value ends (kValueEnd, `used` is just past
  // it, and the scanner is ready for the next value), or the input is used up (kNeedMore), or the
  // bytes are not msgpack / break a limit (kError; the scanner must not be fed again).
  Result feed(const std::uint8_t* p, std::uint32_t n);

  // At a value start only: the values that lie whole in [p, p+n), one after another, found by the
  // fast path alone; writes the length of each to `lens` (at most `max`) and returns how many.
  // It stops at the first value the fast path leaves to feed() (cut, deep, oversized, bad), so
  // feed() continues from the bytes after the values returned, with the same results it would
  // have given for them one by one. Saves a call and its result checks per value.
  std::uint32_t whole_values(const std::uint8_t* p, std::uint32_t n, std::uint32_t* lens, std::uint32_t max) const;

  // No byte of a value has been consumed since the last value ended.
  [[nodiscard]] bool at_value_start() const { return value_bytes_ == 0; }
  // Bytes of the value in progress consumed so far.
  [[nodiscard]] std::uint64_t value_bytes() const { return value_bytes_; }

 private:
  enum class State : std::uint8_t { kHeader, kLength, kSkip };
  enum class After : std::uint8_t { kSkip, kSkipPlusType, kArray, kMap };

  // One element (scalar or closed container) finished: pops every container it completes.
  // Returns true when that finished the top-level value.
  bool element_done();
  // A container of `n` elements opens (n = 0 finishes at once). False: too deep.
  bool open(std::uint64_t n, bool& top_done);
  // Charges `k` more bytes to the value; false when that passes max_value_bytes.
  bool charge(std::uint64_t k) {
    value_bytes_ += k;
    return value_bytes_ <= limits_.max_value_bytes;
  }

  ScanLimits limits_;
  std::vector<std::uint64_t> stack_;  // remaining elements of each open container
  std::uint32_t depth_ = 0;
  State state_ = State::kHeader;
  After after_ = After::kSkip;
  std::uint8_t len_need_ = 0;  // big-endian length bytes still to read
  std::uint64_t len_acc_ = 0;
  std::uint64_t skip_ = 0;  // payload bytes still to skip
  std::uint64_t value_bytes_ = 0;
};

}  // namespace sluice::msgpack
