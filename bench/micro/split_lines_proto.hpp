// A PROTOTYPE, not a stage: split_lines with a 64-byte newline-bitmask scanner (SSE2, which every
// x86-64 has) in place of one memchr call per line, for measuring the change proposed in
// bench/README.md ("Where the time goes"). Same outputs and carry rules as
// stdlib/xf/split_lines.hpp for a delimiter in 0..255; no line-length checks or error paths.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/run_context.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice::bench {

// Bit k set iff p[k] == d, for k in 0..63.
inline std::uint64_t match_mask64(const std::uint8_t* p, std::uint8_t d) {
#if defined(__SSE2__)
  const __m128i v = _mm_set1_epi8(static_cast<char>(d));
  std::uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)))) << (16 * k);
  }
  return m;
#else
  std::uint64_t m = 0;
  for (int k = 0; k < 64; ++k) m |= static_cast<std::uint64_t>(p[k] == d) << k;
  return m;
#endif
}

template <class Next>
class SplitLinesBitmaskProto {
 public:
  SplitLinesBitmaskProto(RunContext& ctx, Next next, std::uint8_t delim) : ctx_(&ctx), next_(next), delim_(delim) {}

  Flow init() { return Flow::kContinue; }

  Flow push(ByteView in) {
    const std::uint8_t* const base = in.begin();
    const std::size_t n = in.size;
    std::size_t start = 0, i = 0;
    for (; i + 64 <= n; i += 64) {
      std::uint64_t m = match_mask64(base + i, delim_);
      while (m != 0) {
        const std::size_t pos = i + static_cast<std::size_t>(__builtin_ctzll(m));
        m &= m - 1;
        if (emit(base + start, pos - start) == Flow::kHalt) return Flow::kHalt;
        start = pos + 1;
      }
    }
    for (; i < n; ++i) {
      if (base[i] != delim_) continue;
      if (emit(base + start, i - start) == Flow::kHalt) return Flow::kHalt;
      start = i + 1;
    }
    if (start < n) {
      carry_.insert(carry_.end(), base + start, base + n);
      ctx_->count_copy(n - start);
    }
    return Flow::kContinue;
  }

  Flow flush() {
    if (carry_.empty()) return Flow::kContinue;
    const Flow f = next_.push(ByteView(carry_.data(), static_cast<std::uint32_t>(carry_.size())));
    carry_.clear();
    return f;
  }

 private:
  Flow emit(const std::uint8_t* p, std::size_t len) {
    if (carry_.empty()) return next_.push(ByteView(p, static_cast<std::uint32_t>(len)));
    carry_.insert(carry_.end(), p, p + len);
    ctx_->count_copy(len);
    const Flow f = next_.push(ByteView(carry_.data(), static_cast<std::uint32_t>(carry_.size())));
    carry_.clear();
    return f;
  }

  RunContext* ctx_;
  Next next_;
  std::uint8_t delim_;
  std::vector<std::uint8_t> carry_;
};

// PROTOTYPE of per-page batches (zero-copy.md §5.2): the splitter collects the views of one input
// item and hands them on in one call; the sink entry charges the batch at once (the exact
// per-item order of checks is needed only when the batch would cross a budget, which one
// comparison detects). Measures what one call per page instead of one per line is worth.
struct BatchCounters {
  std::uint64_t items_out = 0, bytes_out = 0;
  std::uint64_t max_items = 0xFFFFFFFFu, max_out = 0xFFFFFFFFu;
};

class NullSinkBatchProto {
 public:
  explicit NullSinkBatchProto(BatchCounters& c) : c_(&c) {}
  Flow push_batch(const ByteView* v, std::size_t n) {
    std::uint64_t bytes = 0;
    for (std::size_t k = 0; k < n; ++k) bytes += v[k].size;
    if (c_->items_out + n > c_->max_items || c_->bytes_out + bytes > c_->max_out) return Flow::kHalt;  // would
    // fall back to per-item charging here, to find the exact item that fails
    c_->items_out += n;
    c_->bytes_out += bytes;
    return Flow::kContinue;  // a consumer that reads the bytes would walk v[0..n) here
  }

 private:
  BatchCounters* c_;
};

template <class Sink>
class SplitLinesBatchProto {
 public:
  explicit SplitLinesBatchProto(Sink* sink) : sink_(sink) { batch_.reserve(2048); }

  Flow push(ByteView in) {
    const std::uint8_t* const base = in.begin();
    const std::size_t n = in.size;
    std::size_t start = 0, i = 0;
    batch_.clear();
    for (; i + 64 <= n; i += 64) {
      std::uint64_t m = match_mask64(base + i, '\n');
      while (m != 0) {
        const std::size_t pos = i + static_cast<std::size_t>(__builtin_ctzll(m));
        m &= m - 1;
        batch_.emplace_back(base + start, static_cast<std::uint32_t>(pos - start));
        start = pos + 1;
      }
    }
    for (; i < n; ++i)
      if (base[i] == '\n') {
        batch_.emplace_back(base + start, static_cast<std::uint32_t>(i - start));
        start = i + 1;
      }
    // (the carry of a line crossing items is handled as in SplitLinesBitmaskProto; omitted here)
    return sink_->push_batch(batch_.data(), batch_.size());
  }

 private:
  Sink* sink_;
  std::vector<ByteView> batch_;
};

}  // namespace sluice::bench
