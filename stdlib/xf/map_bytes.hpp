// std.stream.xf.map_bytes_v1 (spec §7.1): each item replaced by f(item), a new bytes value
// (possibly empty). Cannot fail at pipe level; a trap in f is a trap.
#pragma once

#include <string>
#include <vector>

#include "runtime/run_context.hpp"
#include "stdlib/user_fn.hpp"
#include "stdlib/xf/user_call.hpp"

namespace sluice {

struct MapBytesConfig {
  UserFn fn;
  std::string fn_name;  // for trap messages
};

template <class Next>
class MapBytes {
 public:
  MapBytes(RunContext& ctx, Next next, const MapBytesConfig& cfg) : ctx_(&ctx), next_(next), cfg_(cfg) {
    io_.out = &out_;
  }

  Flow init() { return Flow::kContinue; }
  Flow push(ByteView item) {
    io_.item = item;
    out_.clear();
    if (!call_user_fn(*ctx_, cfg_.fn, cfg_.fn_name, io_)) return Flow::kHalt;
    // The result is a new buffer: the one copy a map cannot avoid.
    ctx_->count_copy(out_.size());
    return next_.push(ByteView(out_.data(), static_cast<std::uint32_t>(out_.size())));
  }
  Flow flush() { return Flow::kContinue; }

 private:
  RunContext* ctx_;
  Next next_;
  MapBytesConfig cfg_;
  std::vector<std::uint8_t> out_;
  UserFnIo io_;
};

}  // namespace sluice
