// std.stream.xf.plugin_v1 (spec §7.10, §9): a stream plugin called through the X07 ABI v1. Each
// init/step/flush call runs to its end first (runtime/plugin_host); only a call that succeeded
// has its outputs pushed downstream, in order (spec §5: a plugin's own error in an input item wins
// over downstream errors caused by its earlier outputs). Errors map to ERR docs per §9.3 with P16.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/plugin_host.hpp"
#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"

namespace sluice {

struct PluginStageConfig {
  const x07_stream_xf_plugin_v1* descriptor = nullptr;  // nullptr: no code provides the symbol (117)
  PluginLimits limits;
  ByteView cfg;               // the cfg bytes (the plan owns them)
  bool cfg_canon_ok = true;   // see PluginHost
  std::uint32_t stage_idx = 0;
};

template <class Next>
class PluginStage {
 public:
  PluginStage(RunContext& ctx, Next next, const PluginStageConfig& cfg)
      : ctx_(&ctx), next_(next), stage_idx_(cfg.stage_idx),
        host_(std::make_unique<PluginHost>(cfg.descriptor, cfg.limits, cfg.cfg, cfg.cfg_canon_ok)) {}

  Flow init() { return hand_on(host_->init()); }
  Flow push(ByteView in) { return hand_on(host_->step(in)); }
  Flow flush() { return hand_on(host_->flush()); }

  [[nodiscard]] const PluginHost& host() const { return *host_; }

 private:
  Flow hand_on(const PluginCallResult& r) {
    if (r.trapped) return ctx_->trap(TrapId::kXfPluginTrap, "the plugin called ev_trap(" + std::to_string(r.trap_code) + ")");
    if (r.ec != 0) {
      const Counters& c = ctx_->counters();
      const std::vector<std::uint8_t> p16 = plugin_payload_p16(stage_idx_, c.bytes_in, c.items_in, r.ec);
      return ctx_->fail_with_code(r.ec, plugin_error_id(r.ec), ByteView(p16.data(), static_cast<std::uint32_t>(p16.size())));
    }
    // Bytes the plugin wrote into emit_alloc buffers are new items built by copying.
    const std::uint64_t committed = host_->committed_bytes();
    if (committed != counted_) {
      ctx_->count_copy(committed - counted_);
      counted_ = committed;
    }
    const auto& out = host_->outputs();
    if (out.empty()) return Flow::kContinue;
    return push_batch_to(next_, out.data(), static_cast<std::uint32_t>(out.size()));
  }

  RunContext* ctx_;
  Next next_;
  std::uint32_t stage_idx_;
  std::unique_ptr<PluginHost> host_;  // stable address: the emit vtable points at it
  std::uint64_t counted_ = 0;
};

}  // namespace sluice
