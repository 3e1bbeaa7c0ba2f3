// std.stream.src.rr_send_v1 (spec §6, x07-modules §4.4): one item, the `resp` of the run's next
// record/replay entry for (kind "rr", op "std.stream.src.rr_send_v1", key). No entry (or a
// session that does not replay: record, rewrite) → ERR 11 stream:rr_miss; no session at all → a
// trap, as in X07 (handle 0). An empty resp is one empty item. The item is a view into the
// session's cassette bytes, which live for the whole run: no copy.
#pragma once

#include <string>

#include "runtime/os/rr_cassette.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "runtime/source.hpp"

namespace sluice {

struct RrSendConfig {
  std::string key;  // the expr_v1 value, computed when the pipe was checked
};

class RrSendSource final : public Source {
 public:
  static constexpr std::string_view kKind = "rr";
  static constexpr std::string_view kOp = "std.stream.src.rr_send_v1";

  RrSendSource(RunContext& ctx, RrSendConfig cfg, const RunEnv& env)
      : ctx_(&ctx), cfg_(std::move(cfg)), session_(env.rr) {}

  Flow open() override;
  SourceStep next(ByteView& item) override;

 private:
  RunContext* ctx_;
  RrSendConfig cfg_;
  RrSession* session_;
  bool done_ = false;
};

}  // namespace sluice
