// std.stream.xf.split_lines_v1 (spec §7.5): lines between delimiter bytes, delimiter stripped,
// empty lines kept, a non-empty unterminated tail emitted at flush. Lines inside one input item
// go downstream as views into it; only a line that spans items is gathered into the carry.
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"
#include "stdlib/xf/byte_count.hpp"
#include "stdlib/xf/byte_scanner.hpp"

namespace sluice {

struct SplitLinesConfig {
  std::int32_t delim = '\n';        // a value outside 0..255 never matches
  std::int32_t max_line_bytes = 0;  // ≤ 0 fails init with ERR 1
};

// Lines handed on per push_batch: enough to spread a sink's per-batch work thin, small enough
// for the stack (1 KiB of views).
inline constexpr std::uint32_t kSplitBatchLines = 64;

// The carry starts this large and grows (to at most max_line_bytes) only for longer lines.
inline constexpr std::size_t kSplitCarryInitialBytes = 4096;

template <class Next>
class SplitLines {
 public:
  SplitLines(RunContext& ctx, Next next, const SplitLinesConfig& cfg)
      : ctx_(&ctx), next_(next), delim_(cfg.delim), max_(cfg.max_line_bytes) {}

  Flow init() {
    if (max_ <= 0) return ctx_->fail(ErrId::kSplitLinesMaxLineBytes);
    carry_.reserve(std::min<std::size_t>(static_cast<std::size_t>(max_), kSplitCarryInitialBytes));
    counts_only_ = delim_ >= 0 && delim_ <= 255 && takes_counts_of(next_);
    return Flow::kContinue;
  }

  // Out of line: called once per input item, and the scan loop compiles tighter on its own than
  // inlined into the source loop of a compiled pipeline (bench/backends).
  [[gnu::noinline]] Flow push(ByteView in) {
    if (counts_only_) return push_counting(in.begin(), in.end());
    return push_lines(in.begin(), in.end());
  }

  Flow flush() {
    if (carry_.empty()) return Flow::kContinue;
    const Flow f = next_.push(ByteView(carry_.data(), static_cast<std::uint32_t>(carry_.size())));
    carry_.clear();
    return f;
  }

 private:
  // The downstream only counts (split_lines → null): the lines inside the item are counted with
  // one vector pass and charged at once, never made into views. Same counters, docs and errors
  // as push_lines: a line inside the item cannot be too long when the whole item is within
  // max_line_bytes, and when the budgets would not take them all, push_lines hands them on one
  // by one and fails at the exact line.
  Flow push_counting(const std::uint8_t* p, const std::uint8_t* const end) {
    const std::size_t max = static_cast<std::size_t>(max_);
    const auto delim = static_cast<std::uint8_t>(delim_);
    if (!carry_.empty()) {
      // The line that began in an earlier item ends at the first delimiter, if this item has one.
      const void* hit = std::memchr(p, delim, static_cast<std::size_t>(end - p));
      if (hit == nullptr) return carry_tail(p, end);
      const auto* nl = static_cast<const std::uint8_t*>(hit);
      const std::size_t seg = static_cast<std::size_t>(nl - p);
      if (carry_.size() + seg > max) return ctx_->fail(ErrId::kLineTooLong);
      append_carry(p, seg);
      p = nl + 1;
      const Flow f = next_.push(ByteView(carry_.data(), static_cast<std::uint32_t>(carry_.size())));
      carry_.clear();
      if (f == Flow::kHalt) {
        ByteScanner rest(p, end, delim);
        return own_error_wins(rest, p, end);
      }
    }
    if (static_cast<std::size_t>(end - p) > max) return push_lines(p, end);
    const std::size_t lines = count_byte(p, end, delim);
    if (lines == 0) return carry_tail(p, end);
    const auto* last = static_cast<const std::uint8_t*>(::memrchr(p, delim, static_cast<std::size_t>(end - p)));
    // The bytes up to and including the last delimiter, less one delimiter per line.
    const std::uint64_t bytes = static_cast<std::uint64_t>(last - p) + 1 - lines;
    if (!push_counts_to(next_, static_cast<std::uint32_t>(lines), bytes)) return push_lines(p, end);
    return carry_tail(last + 1, end);
  }

  // Every line inside [p, end) handed on as a view, in batches; the rest carried.
  Flow push_lines(const std::uint8_t* p, const std::uint8_t* const end) {
    const std::size_t max = static_cast<std::size_t>(max_);
    if (delim_ >= 0 && delim_ <= 255) {
      ByteScanner delims(p, end, static_cast<std::uint8_t>(delim_));
      // Lines that lie inside `in` go on in batches (views into `in`), which a sink charges at once.
      ByteView batch[kBatch];
      std::uint32_t n = 0;
      Flow result = Flow::kContinue;
      bool downstream_halted = false;  // then own_error_wins, once the scanner has stopped
      const bool all = delims.each([&](const std::uint8_t* nl) {
        const std::size_t seg = static_cast<std::size_t>(nl - p);
        if (carry_.empty()) [[likely]] {
          if (seg > max) {
            // The lines before it go on first, as they would one by one.
            result = n != 0 && hand_on(batch, n) == Flow::kHalt ? ctx_->override_failure(ErrId::kLineTooLong)
                                                                             : ctx_->fail(ErrId::kLineTooLong);
            return false;
          }
          batch[n++] = ByteView(p, static_cast<std::uint32_t>(seg));
          p = nl + 1;
          if (n == kBatch) {
            n = 0;
            if (hand_on(batch, kBatch) == Flow::kHalt) {
              downstream_halted = true;
              return false;
            }
          }
          return true;
        }
        // The line that began in an earlier item: always the first of this one, so no batch is
        // pending; pushed alone, before the carry is reused.
        if (carry_.size() + seg > max) {
          result = ctx_->fail(ErrId::kLineTooLong);
          return false;
        }
        append_carry(p, seg);
        p = nl + 1;
        const Flow f = next_.push(ByteView(carry_.data(), static_cast<std::uint32_t>(carry_.size())));
        carry_.clear();
        if (f == Flow::kHalt) {
          downstream_halted = true;
          return false;
        }
        return true;
      });
      if (downstream_halted) return own_error_wins(delims, p, end);
      if (!all) return result;
      if (n != 0 && hand_on(batch, n) == Flow::kHalt) return own_error_wins(delims, p, end);
    }
    return carry_tail(p, end);
  }

  // The bytes after the item's last delimiter wait in the carry for the rest of their line.
  Flow carry_tail(const std::uint8_t* p, const std::uint8_t* end) {
    const std::size_t tail = static_cast<std::size_t>(end - p);
    if (tail != 0) {
      // The check fires on the carried tail as soon as it exceeds the limit (spec §7.5).
      if (carry_.size() + tail > static_cast<std::size_t>(max_)) return ctx_->fail(ErrId::kLineTooLong);
      append_carry(p, tail);
    }
    return Flow::kContinue;
  }

  // Out of line: inlining the downstream batch code into the scan loop made that loop slower
  // (more instructions per line in compiled pipelines, bench/backends), and it runs once per
  // 64 lines.
  [[gnu::noinline]] Flow hand_on(const ByteView* batch, std::uint32_t n) { return push_batch_to(next_, batch, n); }

  void append_carry(const std::uint8_t* p, std::size_t n) {
    carry_.insert(carry_.end(), p, p + n);
    ctx_->count_copy(n);
  }

  // Downstream failed while this item was being split. X07 splits the whole item before pushing
  // anything, so a too-long line later in the same item is the error it reports.
  Flow own_error_wins(ByteScanner& delims, const std::uint8_t* p, const std::uint8_t* end) {
    const std::size_t max = static_cast<std::size_t>(max_);
    for (;;) {
      const std::uint8_t* nl = delims.next();
      const std::uint8_t* stop = nl ? nl : end;
      if (static_cast<std::size_t>(stop - p) > max) return ctx_->override_failure(ErrId::kLineTooLong);
      if (nl == nullptr) return Flow::kHalt;
      p = nl + 1;
    }
  }

  static constexpr std::uint32_t kBatch = kSplitBatchLines;

  RunContext* ctx_;
  Next next_;
  std::int32_t delim_;
  std::int32_t max_;
  std::vector<std::uint8_t> carry_;
  bool counts_only_ = false;  // the downstream takes counts (push_counting)
};

}  // namespace sluice
