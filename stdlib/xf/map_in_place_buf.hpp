// std.stream.xf.map_in_place_buf_v1 (spec §7.4): one fixed-capacity scratch buffer per stage for
// the whole run; per item (cleared first unless clear_before_each = 0) f(item, scratch) writes
// into it, and on ok the whole scratch content is the output item. err 8 → ERR 8
// scratch_overflow; any other err ec → ERR 9 stage_failed with the P16 payload.
#pragma once

#include <string>

#include "runtime/run_context.hpp"
#include "stdlib/user_fn.hpp"
#include "stdlib/xf/user_call.hpp"

namespace sluice {

struct MapInPlaceBufConfig {
  UserFn fn;
  std::string fn_name;
  std::int32_t scratch_cap_bytes = 1;  // ≥ 1, checked by the front end
  std::int32_t clear_before_each = 1;
  std::uint32_t stage_idx = 0;  // for the ERR 9 payload
};

template <class Next>
class MapInPlaceBuf {
 public:
  MapInPlaceBuf(RunContext& ctx, Next next, const MapInPlaceBufConfig& cfg) : ctx_(&ctx), next_(next), cfg_(cfg) {
    scratch_.cap = cfg.scratch_cap_bytes < 0 ? 0u : static_cast<std::uint32_t>(cfg.scratch_cap_bytes);
    io_.scratch = &scratch_;
  }

  Flow init() {
    scratch_.data.reserve(scratch_.cap);
    return Flow::kContinue;
  }
  Flow push(ByteView item) {
    if (cfg_.clear_before_each != 0) scratch_.data.clear();
    io_.item = item;
    io_.is_err = false;
    if (!call_user_fn(*ctx_, cfg_.fn, cfg_.fn_name, io_)) return Flow::kHalt;
    if (io_.is_err) {
      if (io_.value == 8) return ctx_->fail(ErrId::kScratchOverflow);
      const Counters& c = ctx_->counters();
      const auto payload = u32_payload({cfg_.stage_idx, c.bytes_in, c.items_in, static_cast<std::uint32_t>(io_.value)});
      return ctx_->fail(ErrId::kStageFailed, ByteView(payload.data(), static_cast<std::uint32_t>(payload.size())));
    }
    ctx_->count_copy(scratch_.data.size());
    return next_.push(ByteView(scratch_.data.data(), static_cast<std::uint32_t>(scratch_.data.size())));
  }
  Flow flush() { return Flow::kContinue; }

 private:
  RunContext* ctx_;
  Next next_;
  MapInPlaceBufConfig cfg_;
  ScratchBuf scratch_;
  UserFnIo io_;
};

}  // namespace sluice
