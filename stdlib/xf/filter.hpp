// std.stream.xf.filter_v1 (spec §7.2): pred(item) = 0 drops the item, anything else forwards the
// same view unchanged (no copy).
#pragma once

#include <string>

#include "runtime/run_context.hpp"
#include "stdlib/user_fn.hpp"
#include "stdlib/xf/user_call.hpp"

namespace sluice {

struct FilterConfig {
  UserFn fn;
  std::string fn_name;
};

template <class Next>
class Filter {
 public:
  Filter(RunContext& ctx, Next next, const FilterConfig& cfg) : ctx_(&ctx), next_(next), cfg_(cfg) {}

  Flow init() { return Flow::kContinue; }
  Flow push(ByteView item) {
    io_.item = item;
    if (!call_user_fn(*ctx_, cfg_.fn, cfg_.fn_name, io_)) return Flow::kHalt;
    return io_.value == 0 ? Flow::kContinue : next_.push(item);
  }
  Flow flush() { return Flow::kContinue; }

 private:
  RunContext* ctx_;
  Next next_;
  FilterConfig cfg_;
  UserFnIo io_;
};

}  // namespace sluice
