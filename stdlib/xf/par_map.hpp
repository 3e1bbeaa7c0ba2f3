// std.stream.xf.par_map_stream_*_v1 (spec §11): mapper(ctx, item) on worker threads, at most
// max_inflight items in flight. When results leave the stage is X07's schedule exactly (results
// wait until the slots are full, or the byte cap forces one out, and are drained at end of
// input), so an ordered run gives the doc of the same pipe with a sequential map; unordered runs
// emit in completion order. Errors 100–103 cancel everything in flight (par_map_pool.hpp).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "runtime/codes.hpp"
#include "runtime/run_context.hpp"
#include "stdlib/user_fn.hpp"
#include "stdlib/xf/par_map_pool.hpp"

namespace sluice {

struct ParMapConfig {
  UserFn fn;
  std::string fn_name;  // for trap messages
  bool result_bytes = false;  // the mapper returns result_bytes (_result_bytes_ ids)
  bool unordered = false;     // completion order (_unordered_ ids)
  std::uint32_t max_inflight = 1;
  std::uint32_t max_item_bytes = 0;
  std::uint32_t max_inflight_in_bytes = 0;  // 0: no byte cap
  std::uint32_t max_out_item_bytes = 0;     // 0: no cap
  std::string ctx;                          // the mapper's first argument
};

template <class Next>
class ParMap {
 public:
  ParMap(RunContext& ctx, Next next, const ParMapConfig& cfg)
      : ctx_(&ctx),
        next_(next),
        cfg_(cfg),
        pool_(std::make_unique<ParMapPool>(cfg_.fn, ByteView::of(cfg_.ctx),
                                           par_map_threads(ctx.par_threads(), cfg_.max_inflight), cfg_.unordered)) {}

  Flow init() { return Flow::kContinue; }

  Flow push(ByteView item) {
    const std::uint32_t index = next_index_++;
    const std::uint32_t len = item.size;
    const std::uint32_t cap = cfg_.max_inflight_in_bytes;
    if (len > cfg_.max_item_bytes || (cap > 0 && len > cap)) return fail(ErrId::kParMapItemTooLarge);
    // Backpressure (X07's order): up to max_inflight times, while the slots are full or the byte
    // cap would overflow, one finished result leaves the stage.
    for (std::uint32_t k = 0; k < cfg_.max_inflight; ++k) {
      const bool full = pool_->inflight() >= cfg_.max_inflight;
      const bool over = cap > 0 && pool_->inflight_bytes() + len > cap;
      if (!full && !over) break;
      if (emit_one() == Flow::kHalt) return Flow::kHalt;
    }
    if (cap > 0 && pool_->inflight_bytes() + len > cap) return fail(ErrId::kParMapItemTooLarge);
    pool_->submit(item, index);
    return Flow::kContinue;
  }

  // End of input: every result in flight leaves, in the variant's order. A take_v1 downstream
  // does not shorten this (the flush walk never looks at the stop flag, spec §19.1).
  Flow flush() {
    while (pool_->inflight() > 0)
      if (emit_one() == Flow::kHalt) return Flow::kHalt;
    return Flow::kContinue;
  }

 private:
  RunContext* ctx_;
  Next next_;
  ParMapConfig cfg_;
  std::uint32_t next_index_ = 0;
  std::unique_ptr<ParMapPool> pool_;  // last: its workers are joined before the rest goes away

  Flow fail(ErrId id) {
    pool_->cancel();
    return ctx_->fail(id);
  }

  Flow emit_one() {
    ParMapSlot& s = pool_->take_next();
    if (s.status != UserFnStatus::kOk) {
      pool_->cancel();
      // A mapper trap is the run's trap, as in map_bytes_v1 (reported in emission order).
      return ctx_->trap(s.status == UserFnStatus::kFuel ? TrapId::kUserFnFuel : TrapId::kUserFnTrap,
                        cfg_.fn_name + ": " + s.trap);
    }
    if (cfg_.result_bytes && s.is_err) {
      pool_->cancel();
      // Spec §11: err(2) is X07's "canceled" code and gives 103, any other code 102; the message
      // is par_map_child_err either way, the payload the code and the item's input index.
      const auto ec = static_cast<std::uint32_t>(s.err_code);
      std::array<std::uint8_t, 8> payload{};
      store_u32le(payload.data(), ec);
      store_u32le(payload.data() + 4, s.index);
      return ctx_->fail_with_code(ec == kX07TaskCanceled ? 103u : 102u, ErrId::kParMapChildErr,
                                  ByteView(payload.data(), static_cast<std::uint32_t>(payload.size())));
    }
    if (cfg_.max_out_item_bytes > 0 && s.out.size() > cfg_.max_out_item_bytes) return fail(ErrId::kParMapOutTooLarge);
    // The result is a new buffer: the one copy a map cannot avoid (as in map_bytes_v1).
    ctx_->count_copy(s.out.size());
    const Flow f = next_.push(ByteView(s.out.data(), static_cast<std::uint32_t>(s.out.size())));
    pool_->release(s);
    return f;
  }

  // X07's task error code for a canceled child (task.scope: err 2 = canceled).
  static constexpr std::uint32_t kX07TaskCanceled = 2;
};

}  // namespace sluice
