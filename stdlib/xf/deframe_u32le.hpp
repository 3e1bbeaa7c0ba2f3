// std.stream.xf.deframe_u32le_v1 (spec §7.7): a byte-level state machine that turns u32le
// length-prefixed frames back into items, with headers and payloads split anywhere across input
// items. A payload that lies inside one input item goes downstream as a view into it; one that
// spans items is gathered into the carry.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/run_context.hpp"

namespace sluice {

struct DeframeConfig {
  std::int32_t max_frame_bytes = 0;  // ≤ 0 fails init with ERR 1
  std::int32_t max_frames = 0;       // ≤ 0: unlimited
  std::int32_t allow_empty = 1;
  bool drop_truncated = false;       // on_truncated: drop (true) or err
  // Inserted by net_tcp_read_u32frames_v1 (spec §6): after an on_timeout=stop_if_clean timeout a
  // partial frame is ERR 84 deframe_truncated_timeout.
  bool after_net_source = false;
};

template <class Next>
class DeframeU32le {
 public:
  DeframeU32le(RunContext& ctx, Next next, const DeframeConfig& cfg)
      : ctx_(&ctx),
        next_(next),
        max_frame_(cfg.max_frame_bytes),
        max_frames_(cfg.max_frames < 0 ? 0u : static_cast<std::uint32_t>(cfg.max_frames)),
        allow_empty_(cfg.allow_empty != 0),
        drop_truncated_(cfg.drop_truncated),
        after_net_source_(cfg.after_net_source) {}

  Flow init() {
    if (max_frame_ <= 0) return ctx_->fail(ErrId::kDeframeMaxFrameBytes);
    return Flow::kContinue;
  }

  Flow push(ByteView in) { return run</*kDry=*/false>(in.begin(), in.end()); }

  Flow flush() {
    const bool mid_frame = header_len_ != 0 || in_payload_;
    header_len_ = 0;
    in_payload_ = false;
    have_ = 0;
    carry_.clear();
    if (mid_frame && !drop_truncated_)
      return ctx_->fail(after_net_source_ && ctx_->source_timed_out() ? ErrId::kDeframeTruncatedTimeout
                                                                       : ErrId::kDeframeTruncated);
    return Flow::kContinue;
  }

 private:
  // One pass of the state machine over [p, end). kDry runs it without emitting or copying, to
  // find an error of this stage later in an item whose earlier frame failed downstream: X07
  // deframes the whole item before pushing anything, so that error is the one it reports.
  template <bool kDry>
  Flow run(const std::uint8_t* p, const std::uint8_t* const end) {
    while (p != end) {
      if (!in_payload_) {
        if (header_len_ == 0 && end - p >= 4) {
          need_ = load_u32le(p);
          p += 4;
        } else {
          const std::size_t n = std::min<std::size_t>(4 - header_len_, static_cast<std::size_t>(end - p));
          std::memcpy(header_ + header_len_, p, n);
          header_len_ += n;
          p += n;
          if (header_len_ < 4) break;
          header_len_ = 0;
          need_ = load_u32le(header_);
        }
        if (need_ > 0x7FFFFFFFu || need_ > static_cast<std::uint32_t>(max_frame_))
          return fail<kDry>(ErrId::kDeframeFrameTooLarge);
        if (need_ == 0) {
          if (!allow_empty_) return fail<kDry>(ErrId::kDeframeEmptyForbidden);
          if (emit<kDry>(ByteView()) == Flow::kHalt) return halted<kDry>(p, end);
          continue;
        }
        in_payload_ = true;
        have_ = 0;
      }
      const std::size_t avail = static_cast<std::size_t>(end - p);
      if (have_ == 0 && avail >= need_) {
        const ByteView frame(p, need_);
        p += need_;
        in_payload_ = false;
        if (emit<kDry>(frame) == Flow::kHalt) return halted<kDry>(p, end);
        continue;
      }
      const std::size_t n = std::min<std::size_t>(need_ - have_, avail);
      if constexpr (!kDry) {
        carry_.insert(carry_.end(), p, p + n);
        ctx_->count_copy(n);
      }
      have_ += static_cast<std::uint32_t>(n);
      p += n;
      if (have_ == need_) {
        in_payload_ = false;
        have_ = 0;
        const ByteView frame(carry_.data(), need_);
        const Flow f = emit<kDry>(frame);
        carry_.clear();
        if (f == Flow::kHalt) return halted<kDry>(p, end);
      }
    }
    return Flow::kContinue;
  }

  // max_frames counts every emitted frame, empty ones included; the frame that would exceed it
  // is not emitted (spec §7.7, §19.4).
  template <bool kDry>
  Flow emit(ByteView frame) {
    if (max_frames_ != 0 && frames_ + 1 > max_frames_) return fail<kDry>(ErrId::kDeframeMaxFrames);
    ++frames_;
    if constexpr (kDry) {
      return Flow::kContinue;
    } else {
      return next_.push(frame);
    }
  }

  template <bool kDry>
  Flow fail(ErrId id) {
    if constexpr (kDry) {
      ctx_->override_failure(id);
    } else {
      ctx_->fail(id);
      failed_here_ = true;
    }
    return Flow::kHalt;
  }

  // An emit halted. If downstream failed, finish the item dry (once): an error of this stage later
  // in the item takes precedence. If this stage failed (max_frames), that error stands: X07 stops
  // its step at the first error.
  template <bool kDry>
  Flow halted(const std::uint8_t* p, const std::uint8_t* end) {
    if constexpr (!kDry) {
      if (!failed_here_) run</*kDry=*/true>(p, end);
    }
    return Flow::kHalt;
  }

  RunContext* ctx_;
  Next next_;
  std::int32_t max_frame_;
  std::uint32_t max_frames_;
  bool allow_empty_;
  bool drop_truncated_;
  bool after_net_source_;

  std::uint8_t header_[4] = {};
  std::size_t header_len_ = 0;
  bool in_payload_ = false;
  std::uint32_t need_ = 0;
  std::uint32_t have_ = 0;
  std::uint32_t frames_ = 0;
  bool failed_here_ = false;  // the run's failure is this stage's own, not a downstream one
  std::vector<std::uint8_t> carry_;
};

}  // namespace sluice
