// std.stream.xf.frame_u32le_v1: each item becomes u32le(len) ++ item (spec §7.6). The framed item
// goes downstream as (header, payload view): sinks consume the two parts without a copy; a stage
// that needs the item contiguous gets it gathered (and counted) by its adapter.
#pragma once

#include <cstdint>

#include "runtime/run_context.hpp"

namespace sluice {

// Items longer than i32 cannot be framed (X07 code 10).
inline constexpr std::uint32_t kMaxFrameLength = 0x7FFFFFFFu;

struct FrameU32leConfig {};  // the stage has no arguments

template <class Next>
class FrameU32le {
 public:
  FrameU32le(RunContext& ctx, Next next, const FrameU32leConfig& = {}) : ctx_(&ctx), next_(next) {}

  Flow init() { return Flow::kContinue; }
  Flow push(ByteView item) {
    if (item.size > kMaxFrameLength) return ctx_->fail(ErrId::kFrameTooLarge);
    return next_.push_framed(item);
  }
  Flow flush() { return Flow::kContinue; }

 private:
  RunContext* ctx_;
  Next next_;
};

}  // namespace sluice
