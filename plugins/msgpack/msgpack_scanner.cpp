#include "plugins/msgpack/msgpack_scanner.hpp"

namespace sluice::msgpack {

Scanner::Scanner(ScanLimits limits) : limits_(limits), stack_(limits.max_depth == 0 ? 1 : limits.max_depth) {}

bool Scanner::element_done() {
  while (depth_ > 0) {
    if (--stack_[depth_ - 1] != 0) return false;
    --depth_;
  }
  return true;
}

bool Scanner::open(std::uint64_t n, bool& top_done) {
  if (n == 0) {
    top_done = element_done();
    return true;
  }
  if (depth_ >= limits_.max_depth) return false;
  stack_[depth_++] = n;
  top_done = false;
  return true;
}

Scanner::Result Scanner::feed(const std::uint8_t* p, std::uint32_t n) {
  std::uint32_t i = 0;
  while (i < n) {
    bool top_done = false;
    if (state_ == State::kSkip) {
      // Payload bytes: skipped in one step, however many this chunk holds.
      const std::uint64_t avail = n - i;
      const std::uint64_t k = skip_ < avail ? skip_ : avail;
      i += static_cast<std::uint32_t>(k);
      skip_ -= k;
      if (skip_ != 0) return {Status::kNeedMore, i, Code::kMalformed};
      state_ = State::kHeader;
      top_done = element_done();
    } else if (state_ == State::kLength) {
      len_acc_ = (len_acc_ << 8) | p[i++];
      if (!charge(1)) return {Status::kError, i, Code::kValueTooLarge};
      if (--len_need_ != 0) continue;
      state_ = State::kHeader;
      switch (after_) {
        case After::kSkipPlusType: len_acc_ += 1; [[fallthrough]];
        case After::kSkip:
          // The declared payload is charged before any of it is read: a value that cannot fit
          // fails here, before a byte of it is buffered.
          if (!charge(len_acc_)) return {Status::kError, i, Code::kValueTooLarge};
          if (len_acc_ != 0) {
            skip_ = len_acc_;
            state_ = State::kSkip;
            continue;
          }
          top_done = element_done();
          break;
        case After::kArray:
          if (!open(len_acc_, top_done)) return {Status::kError, i, Code::kTooDeep};
          break;
        case After::kMap:
          if (!open(len_acc_ * 2, top_done)) return {Status::kError, i, Code::kTooDeep};
          break;
      }
    } else {
      const std::uint8_t b = p[i++];
      if (!charge(1)) return {Status::kError, i, Code::kValueTooLarge};
      std::uint64_t fixed = 0;  // payload of a type whose size the type byte says
      int len_bytes = 0;        // or: size of the big-endian length that follows
      After after = After::kSkip;
      if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
        top_done = element_done();
      } else if (b <= 0x8f) {
        if (!open(std::uint64_t{b & 0x0fu} * 2, top_done)) return {Status::kError, i, Code::kTooDeep};
      } else if (b <= 0x9f) {
        if (!open(b & 0x0fu, top_done)) return {Status::kError, i, Code::kTooDeep};
      } else if (b <= 0xbf) {
        fixed = b & 0x1fu;
        if (fixed == 0) top_done = element_done();
      } else {
        switch (b) {
          case 0xc1: return {Status::kError, i, Code::kMalformed};
          case 0xc4: case 0xd9: len_bytes = 1; break;
          case 0xc5: case 0xda: len_bytes = 2; break;
          case 0xc6: case 0xdb: len_bytes = 4; break;
          case 0xc7: len_bytes = 1; after = After::kSkipPlusType; break;
          case 0xc8: len_bytes = 2; after = After::kSkipPlusType; break;
          case 0xc9: len_bytes = 4; after = After::kSkipPlusType; break;
          case 0xca: fixed = 4; break;
          case 0xcb: fixed = 8; break;
          case 0xcc: case 0xd0: fixed = 1; break;
          case 0xcd: case 0xd1: fixed = 2; break;
          case 0xce: case 0xd2: fixed = 4; break;
          case 0xcf: case 0xd3: fixed = 8; break;
          case 0xd4: fixed = 2; break;  // fixext: type byte + 1, 2, 4, 8, 16 data bytes
          case 0xd5: fixed = 3; break;
          case 0xd6: fixed = 5; break;
          case 0xd7: fixed = 9; break;
          case 0xd8: fixed = 17; break;
          case 0xdc: len_bytes = 2; after = After::kArray; break;
          case 0xdd: len_bytes = 4; after = After::kArray; break;
          case 0xde: len_bytes = 2; after = After::kMap; break;
          default: len_bytes = 4; after = After::kMap; break;  // 0xdf
        }
        if (len_bytes != 0) {
          state_ = State::kLength;
          after_ = after;
          len_need_ = static_cast<std::uint8_t>(len_bytes);
          len_acc_ = 0;
          continue;
        }
      }
      if (fixed != 0) {
        if (!charge(fixed)) return {Status::kError, i, Code::kValueTooLarge};
        skip_ = fixed;
        state_ = State::kSkip;
        continue;
      }
    }
    if (top_done) {
      value_bytes_ = 0;
      return {Status::kValueEnd, i, Code::kMalformed};
    }
  }
  return {Status::kNeedMore, i, Code::kMalformed};
}

}  // namespace sluice::msgpack
