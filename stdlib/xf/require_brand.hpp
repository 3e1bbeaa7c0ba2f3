// std.stream.xf.require_brand_v1 (spec §7.9): every item checked by the brand's validator and
// forwarded unchanged (zero copy) when valid. Too large → ERR 70; validator err ec → ERR 71 with
// the payload u32 brand_len, brand, u32 validator_len, validator, u32 ec, u32 item_index.
#pragma once

#include <string>

#include "runtime/run_context.hpp"
#include "stdlib/user_fn.hpp"
#include "stdlib/xf/user_call.hpp"

namespace sluice {

struct RequireBrandConfig {
  UserFn validator;
  std::string brand;
  std::string validator_name;
  std::int32_t max_item_bytes = 0;  // 0 = no size check
};

template <class Next>
class RequireBrand {
 public:
  RequireBrand(RunContext& ctx, Next next, const RequireBrandConfig& cfg) : ctx_(&ctx), next_(next), cfg_(cfg) {}

  Flow init() { return Flow::kContinue; }
  Flow push(ByteView item) {
    const std::uint32_t index = index_++;
    if (cfg_.max_item_bytes > 0 && item.size > static_cast<std::uint32_t>(cfg_.max_item_bytes))
      return ctx_->fail(ErrId::kBrandItemTooLarge);
    io_.item = item;
    io_.is_err = false;
    if (!call_user_fn(*ctx_, cfg_.validator, cfg_.validator_name, io_)) return Flow::kHalt;
    if (io_.is_err) return fail_validate(static_cast<std::uint32_t>(io_.value), index);
    return next_.push(item);
  }
  Flow flush() { return Flow::kContinue; }

 private:
  Flow fail_validate(std::uint32_t ec, std::uint32_t index) {
    std::vector<std::uint8_t> p(16 + cfg_.brand.size() + cfg_.validator_name.size());
    std::uint8_t* w = p.data();
    const auto put_bytes = [&](const std::string& s) {
      store_u32le(w, static_cast<std::uint32_t>(s.size()));
      if (!s.empty()) std::memcpy(w + 4, s.data(), s.size());
      w += 4 + s.size();
    };
    put_bytes(cfg_.brand);
    put_bytes(cfg_.validator_name);
    store_u32le(w, ec);
    store_u32le(w + 4, index);
    return ctx_->fail(ErrId::kBrandValidateFailed, ByteView(p.data(), static_cast<std::uint32_t>(p.size())));
  }

  RunContext* ctx_;
  Next next_;
  RequireBrandConfig cfg_;
  std::uint32_t index_ = 0;
  UserFnIo io_;
};

}  // namespace sluice
