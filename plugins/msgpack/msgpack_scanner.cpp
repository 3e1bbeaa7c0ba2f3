#include "plugins/msgpack/msgpack_scanner.hpp"

#include <array>

namespace sluice::msgpack {
namespace {

// What a type byte asks of the scanner, one entry per byte value, so the header loop does one
// load and one switch instead of a chain of range tests.
enum Op : std::uint8_t {
  kOpSkip,      // a scalar or fixstr: `arg` payload bytes follow the type byte (fixext: its type byte too)
  kOpOpen,      // fixarray / fixmap: `arg` elements (a map's pairs doubled)
  kOpLenSkip,   // bin, str8/16/32, ext8/16/32: a `len_bytes` big-endian length, then that payload (+ arg)
  kOpLenArray,  // array16/32: a `len_bytes` big-endian element count
  kOpLenMap,    // map16/32: a `len_bytes` big-endian pair count
  kOpBad,       // 0xc1, never used
};
struct Entry {
  Op op;
  std::uint8_t len_bytes;
  std::uint8_t arg;
};

constexpr std::array<Entry, 256> make_table() {
  std::array<Entry, 256> t{};
  for (int b = 0; b < 256; ++b) {
    const auto u = static_cast<std::uint8_t>(b);
    Entry e{kOpSkip, 0, 0};  // positive / negative fixint, nil, bool
    if (b >= 0x80 && b <= 0x8f) e = {kOpOpen, 0, static_cast<std::uint8_t>((u & 0x0f) * 2)};
    else if (b >= 0x90 && b <= 0x9f) e = {kOpOpen, 0, static_cast<std::uint8_t>(u & 0x0f)};
    else if (b >= 0xa0 && b <= 0xbf) e = {kOpSkip, 0, static_cast<std::uint8_t>(u & 0x1f)};
    switch (b) {
      case 0xc1: e = {kOpBad, 0, 0}; break;
      case 0xc4: case 0xd9: e = {kOpLenSkip, 1, 0}; break;
      case 0xc5: case 0xda: e = {kOpLenSkip, 2, 0}; break;
      case 0xc6: case 0xdb: e = {kOpLenSkip, 4, 0}; break;
      case 0xc7: e = {kOpLenSkip, 1, 1}; break;  // ext: the type byte after the length
      case 0xc8: e = {kOpLenSkip, 2, 1}; break;
      case 0xc9: e = {kOpLenSkip, 4, 1}; break;
      case 0xca: e = {kOpSkip, 0, 4}; break;
      case 0xcb: e = {kOpSkip, 0, 8}; break;
      case 0xcc: case 0xd0: e = {kOpSkip, 0, 1}; break;
      case 0xcd: case 0xd1: e = {kOpSkip, 0, 2}; break;
      case 0xce: case 0xd2: e = {kOpSkip, 0, 4}; break;
      case 0xcf: case 0xd3: e = {kOpSkip, 0, 8}; break;
      case 0xd4: e = {kOpSkip, 0, 2}; break;  // fixext: type byte + 1, 2, 4, 8, 16 data bytes
      case 0xd5: e = {kOpSkip, 0, 3}; break;
      case 0xd6: e = {kOpSkip, 0, 5}; break;
      case 0xd7: e = {kOpSkip, 0, 9}; break;
      case 0xd8: e = {kOpSkip, 0, 17}; break;
      case 0xdc: e = {kOpLenArray, 2, 0}; break;
      case 0xdd: e = {kOpLenArray, 4, 0}; break;
      case 0xde: e = {kOpLenMap, 2, 0}; break;
      case 0xdf: e = {kOpLenMap, 4, 0}; break;
      default: break;
    }
    t[static_cast<std::size_t>(b)] = e;
  }
  return t;
}
constexpr std::array<Entry, 256> kTable = make_table();

std::uint64_t load_be(const std::uint8_t* p, int bytes) {
  switch (bytes) {
    case 1: return p[0];
    case 2: return (std::uint64_t{p[0]} << 8) | p[1];
    default:
      return (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) | (std::uint64_t{p[2]} << 8) | p[3];
  }
}


// The values that lie whole in [p, p+n), one after another from p[0]: writes the length of each
// to `lens` (at most `max`) and returns how many. It stops at the first value that is not wholly
// in the input, holds 0xc1, has more than `max_containers` arrays and maps (so it cannot nest
// deeper than that) or more than `max_bytes` bytes; the caller scans that one with the exact
// state machine, which finds the error, the depth, or the cut.
//
// This is the path nearly every value of a stream takes, so it is shaped for the CPU rather than
// for brevity. It keeps no stack: one counter of elements still to come (`pending`; a container
// adds its element count) says when a value ends. It computes a token's size from the type byte
// instead of loading a table entry (a second load on the chain from one token's position to the
// next). Each token's position depends on a load of the previous token's type byte, so the loop
// keeps that chain short: the cursor is a pointer (a load from [q] rather than [p + i]), and a
// fixstr, half the tokens of a record stream, moves it with a single lea, since its end is
// q + 1 + (b & 0x1f) = q + b - 0x9f; the other types take a predicted branch whose case gives the
// size, which the CPU runs ahead of. One loop runs over values too (no call and return per value).
// On the bench file this is about 1.1x the previous per-value loop (bench/results/msgpack.md, run 4).
[[gnu::always_inline]] inline std::uint32_t whole_run(const std::uint8_t* p, std::uint32_t n, std::uint32_t* lens,
                                                     std::uint32_t max, std::uint32_t max_containers,
                                                     std::uint32_t max_bytes) {
  if (max == 0) return 0;
  const std::uint8_t* q = p;
  const std::uint8_t* const end = p + n;
  const std::uint8_t* vstart = p;
  std::uint32_t k = 0;
  std::uint64_t pending = 1;
  std::uint32_t containers = 0;
  for (;;) {
    if (__builtin_expect(q >= end, 0)) return k;  // at a value start: none left; inside one: cut
    const std::uint8_t b = *q;
    if (__builtin_expect((b & 0xe0) == 0xa0, 1)) {
      q = (q - 0x9f) + b;  // fixstr
    } else if ((b & 0xe0) != 0xc0) {
      // fixint, fixmap, fixarray: one byte.
      const bool is_container = (b & 0xe0) == 0x80;
      const std::uint32_t count = (b & 0x10) != 0 ? (b & 0x0fu) : 2u * (b & 0x0fu);  // fixarray : fixmap
      q += 1;
      pending += is_container ? count : 0u;
      containers += is_container ? 1u : 0u;
    } else {
      const auto avail = static_cast<std::uint64_t>(end - q);
      switch (b) {
        case 0xc0: case 0xc2: case 0xc3: q += 1; break;
        case 0xcc: case 0xd0: q += 2; break;
        case 0xcd: case 0xd1: case 0xd4: q += 3; break;
        case 0xd5: q += 4; break;
        case 0xca: case 0xce: case 0xd2: q += 5; break;
        case 0xd6: q += 6; break;
        case 0xcb: case 0xcf: case 0xd3: q += 9; break;
        case 0xd7: q += 10; break;
        case 0xd8: q += 18; break;
        case 0xc4: case 0xd9: if (avail < 2) return k; q += 2u + q[1]; break;
        case 0xc5: case 0xda: if (avail < 3) return k; q += 3u + load_be(q + 1, 2); break;
        case 0xc6: case 0xdb: if (avail < 5) return k; q += 5u + load_be(q + 1, 4); break;
        case 0xc7: if (avail < 2) return k; q += 3u + q[1]; break;  // + the ext type byte
        case 0xc8: if (avail < 3) return k; q += 4u + load_be(q + 1, 2); break;
        case 0xc9: if (avail < 5) return k; q += 6u + load_be(q + 1, 4); break;
        case 0xdc: case 0xdd:
        case 0xde: case 0xdf: {
          const int lb = (b & 1) != 0 ? 4 : 2;
          if (avail < static_cast<std::uint64_t>(1 + lb)) return k;
          pending += load_be(q + 1, lb) * (b >= 0xde ? 2u : 1u);
          q += 1 + lb;
          ++containers;
          break;
        }
        default: return k;  // 0xc1
      }
    }
    if (__builtin_expect(--pending == 0, 0)) {  // pending >= 1 before each token
      // The last token's payload may run past the end; a value over a limit is the exact path's
      // error to report (containers are counted, not checked, in the loop: a wide or deep value is
      // scanned to its end or the input's, at most once, before the exact path takes it). `q` is
      // compared before any subtraction, so a payload past the end never makes a wild pointer read.
      if (q > end) return k;
      const auto len = static_cast<std::uint64_t>(q - vstart);
      if (len > max_bytes || containers > max_containers) return k;
      lens[k++] = static_cast<std::uint32_t>(len);
      if (k == max) return k;
      vstart = q;
      pending = 1;
      containers = 0;
    }
  }
}

// The length of the one value at p[0] when whole_run takes it, 0 otherwise.
std::uint32_t whole_value_end(const std::uint8_t* p, std::uint32_t n, std::uint32_t max_containers,
                              std::uint32_t max_bytes) {
  std::uint32_t len = 0;
  return whole_run(p, n, &len, 1, max_containers, max_bytes) != 0 ? len : 0;
}

}  // namespace

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

std::uint32_t Scanner::whole_values(const std::uint8_t* p, std::uint32_t n, std::uint32_t* lens,
                                    std::uint32_t max) const {
  if (state_ != State::kHeader || value_bytes_ != 0) return 0;
  return whole_run(p, n, lens, max, limits_.max_depth, limits_.max_value_bytes);
}

Scanner::Result Scanner::feed(const std::uint8_t* p, std::uint32_t n) {
  std::uint32_t i = 0;
  if (state_ == State::kHeader && value_bytes_ == 0) {
    // At the start of a value (depth 0): most values lie whole inside the input.
    if (const std::uint32_t end = whole_value_end(p, n, limits_.max_depth, limits_.max_value_bytes); end != 0)
      return {Status::kValueEnd, end, Code::kMalformed};
  }
  while (i < n) {
    // Token path: whole tokens whose header (type byte, length, fixed payload) lies in this input,
    // with the value's byte count, depth and stack in registers. It charges and checks exactly
    // what the byte-at-a-time path below would, token by token, so the outcome (codes included)
    // does not depend on where the input was cut; a token cut by the end of the input goes to it.
    if (state_ == State::kHeader) {
      std::uint64_t vb = value_bytes_;
      std::uint32_t depth = depth_;
      std::uint64_t* const stack = stack_.data();
      const std::uint64_t max_vb = limits_.max_value_bytes;
      const std::uint32_t max_depth = limits_.max_depth;
      // Pops every container the element just finished completes; true: the top-level value ended.
      const auto done = [&]() {
        while (depth > 0) {
          if (--stack[depth - 1] != 0) return false;
          --depth;
        }
        return true;
      };
      const auto fail = [&](Code c) {
        value_bytes_ = vb;
        depth_ = depth;
        return Result{Status::kError, i, c};
      };
      for (;;) {
        if (i >= n) break;
        const std::uint8_t b = p[i];
        const Entry e = kTable[b];
        const std::uint32_t avail = n - i;
        bool top = false;
        if (e.op == kOpSkip) {
          const std::uint32_t size = 1u + e.arg;
          if (size > avail) break;
          vb += size;
          i += size;
          if (vb > max_vb) return fail(Code::kValueTooLarge);
          top = done();
        } else if (e.op == kOpOpen) {
          ++vb;
          ++i;
          if (vb > max_vb) return fail(Code::kValueTooLarge);
          if (e.arg == 0) {
            top = done();
          } else {
            if (depth >= max_depth) return fail(Code::kTooDeep);
            stack[depth++] = e.arg;
          }
        } else if (e.op == kOpBad) {
          ++vb;
          ++i;
          if (vb > max_vb) return fail(Code::kValueTooLarge);
          return fail(Code::kMalformed);
        } else {
          const std::uint32_t hdr = 1u + e.len_bytes;
          if (hdr > avail) break;
          const std::uint64_t len = load_be(p + i + 1, e.len_bytes);
          vb += hdr;
          i += hdr;
          if (e.op == kOpLenSkip) {
            // The declared payload is charged before any of it is read: a value that cannot fit
            // fails here, before a byte of it is buffered.
            const std::uint64_t payload = len + e.arg;
            vb += payload;
            if (vb > max_vb) return fail(Code::kValueTooLarge);
            if (payload > n - i) {
              // The payload runs past this input: skip what is here, the rest in later calls.
              skip_ = payload - (n - i);
              i = n;
              state_ = State::kSkip;
              value_bytes_ = vb;
              depth_ = depth;
              return {Status::kNeedMore, i, Code::kMalformed};
            }
            i += static_cast<std::uint32_t>(payload);
            top = done();
          } else {
            if (vb > max_vb) return fail(Code::kValueTooLarge);
            const std::uint64_t count = e.op == kOpLenMap ? len * 2 : len;
            if (count == 0) {
              top = done();
            } else {
              if (depth >= max_depth) return fail(Code::kTooDeep);
              stack[depth++] = count;
            }
          }
        }
        if (top) {
          value_bytes_ = 0;
          depth_ = 0;
          return {Status::kValueEnd, i, Code::kMalformed};
        }
      }
      value_bytes_ = vb;
      depth_ = depth;
      if (i >= n) break;
    }
    // Byte at a time: a token cut by the end of the input, resumed in the next call.
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
      // A header the fast path could not finish: only a type byte whose length or fixed payload
      // is cut by the end of the input gets here.
      const std::uint8_t b = p[i++];
      if (!charge(1)) return {Status::kError, i, Code::kValueTooLarge};
      const Entry e = kTable[b];
      if (e.op == kOpSkip) {
        if (!charge(e.arg)) return {Status::kError, i, Code::kValueTooLarge};
        skip_ = e.arg;
        state_ = State::kSkip;
        continue;
      }
      state_ = State::kLength;
      after_ = e.op == kOpLenArray ? After::kArray
             : e.op == kOpLenMap  ? After::kMap
             : e.arg != 0         ? After::kSkipPlusType
                                  : After::kSkip;
      len_need_ = e.len_bytes;
      len_acc_ = 0;
      continue;
    }
    if (top_done) {
      value_bytes_ = 0;
      return {Status::kValueEnd, i, Code::kMalformed};
    }
  }
  return {Status::kNeedMore, i, Code::kMalformed};
}

}  // namespace sluice::msgpack
