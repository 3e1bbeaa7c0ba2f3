// std.stream.xf.take_v1: forwards the first n items, then asks the source to stop after the
// current item, without the end-of-input flush (spec §5, §7.3).
#pragma once

#include <cstdint>

#include "runtime/run_context.hpp"

namespace sluice {

struct TakeConfig {
  std::int32_t n = 0;  // negative behaves as 0
};

template <class Next>
class Take {
 public:
  Take(RunContext& ctx, Next next, const TakeConfig& cfg)
      : ctx_(&ctx), next_(next), remaining_(cfg.n < 0 ? 0 : cfg.n) {}

  Flow init() { return Flow::kContinue; }
  Flow push(ByteView item) {
    if (!admit()) return Flow::kContinue;
    return next_.push(item);
  }
  Flow push_framed(ByteView payload) {
    if (!admit()) return Flow::kContinue;
    return next_.push_framed(payload);
  }
  Flow flush() { return Flow::kContinue; }

 private:
  // A surplus item is dropped and the stop is requested; the rest of the current source item
  // still flows (and is dropped here).
  bool admit() {
    if (remaining_ <= 0) {
      ctx_->request_stop();
      return false;
    }
    --remaining_;
    return true;
  }

  RunContext* ctx_;
  Next next_;
  std::int32_t remaining_;
};

}  // namespace sluice
