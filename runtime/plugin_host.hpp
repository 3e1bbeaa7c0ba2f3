// The runtime wrapper around one stream plugin (spec x07-pipes §9.2, §9.3): validates the
// descriptor before every call, owns the plugin's state and scratch, implements the emit vtable
// with §9.2's checks in their exact order, and collects a call's outputs so the stage pushes them
// downstream only when the call succeeded. Outputs are views: an input slice (kind 1) or a scratch
// slice (kind 2) is handed on as it is, never copied; emit_alloc buffers come from a reused arena.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/codes.hpp"
#include "x07_stream_xf_plugin_abi_v1.h"

namespace sluice {

// What the registry says about a plugin (spec §9.4): the values the wrapper checks against.
struct PluginLimits {
  std::uint32_t abi_major = 1;
  std::uint32_t state_bytes = 0;
  std::uint32_t scratch_bytes = 0;
  std::uint32_t cfg_max_bytes = 0;           // 0 = no limit
  std::uint32_t max_out_bytes_per_step = 0;  // 0 = no limit
  std::uint32_t max_out_items_per_step = 0;  // 0 = no limit
  std::uint32_t max_out_buf_bytes = 0;       // 0 = no limit
};

// The registry allows scratch up to 64 MiB (spec §9.4); bigger is refused before allocating.
inline constexpr std::uint32_t kMaxPluginScratchBytes = 64u << 20;

// The outcome of one plugin call, already mapped from the plugin's return value: 0 = success,
// else the positive error code of §9.2 (INT32_MIN is 117, a negative -c is c).
struct PluginCallResult {
  std::uint32_t ec = 0;
  bool trapped = false;      // the plugin called ev_trap: the run ends with a trap, not a doc
  std::int32_t trap_code = 0;
  [[nodiscard]] bool ok() const { return ec == 0 && !trapped; }
};

// For sluice's own built-in plugins: when `emit` is this runtime's emit vtable, emits n kind-1
// views of the current input in one go (see PluginHost::emit_input_views) and returns true;
// false when `emit` is someone else's or any view would fail, and then nothing was emitted.
bool plugin_emit_input_views(const x07_xf_emit_v1& emit, const ByteView* items, std::uint32_t n);

// Normalises a callback's return value (spec §9.2).
std::uint32_t plugin_return_code(std::int32_t rc);

// The ERR message for a plugin_v1 error code (spec §9.3 rules 2 and 4).
ErrId plugin_error_id(std::uint32_t ec);

// The 16-byte payload P16 of spec §9.3.
std::vector<std::uint8_t> plugin_payload_p16(std::uint32_t stage_idx, std::uint32_t bytes_in, std::uint32_t items_in,
                                             std::uint32_t ec);

// Descriptor validation (117): false when the descriptor does not match the ABI or the registry.
bool plugin_descriptor_valid(const x07_stream_xf_plugin_v1* d, const PluginLimits& limits);

class PluginHost {
 public:
  // `cfg_canon_ok`: false when the spec wants canonical JSON cfg, strict_cfg_canon is on, and the
  // cfg is not its own RFC 8785 form (checked by the compiler, which owns the canonicalizer).
  PluginHost(const x07_stream_xf_plugin_v1* descriptor, const PluginLimits& limits, ByteView cfg, bool cfg_canon_ok);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  PluginCallResult init();
  PluginCallResult step(ByteView in);
  PluginCallResult flush();

  // The outputs of the last successful call, in emit order; valid until the next call.
  [[nodiscard]] const std::vector<ByteView>& outputs() const { return outputs_; }
  // Bytes the plugin wrote into emit_alloc buffers (new items built by copying), over the run.
  [[nodiscard]] std::uint64_t committed_bytes() const { return committed_bytes_; }

  // The emit vtable's entry points (public for the C trampolines).
  std::int32_t emit_alloc(std::uint32_t cap, x07_out_buf_v1* out);
  std::int32_t emit_commit(const x07_out_buf_v1* out);
  std::int32_t emit_view(const std::uint8_t* ptr, std::uint32_t len, std::uint32_t kind);
  // n input views at once (kind 1), with exactly the effect of n emit_view calls when every one
  // of them would succeed; false (nothing done) otherwise, and the caller makes the n calls.
  bool emit_input_views(const ByteView* items, std::uint32_t n);
  // ev_bytes_alloc during a call: freed with the host.
  ev_bytes bytes_alloc(std::uint32_t len);

 private:
  enum class Phase : std::uint8_t { kInit, kStep, kFlush };
  PluginCallResult call(Phase phase, ByteView in);
  std::int32_t emit_error(std::int32_t code);
  std::uint8_t* arena_take(std::uint32_t n);
  x07_xf_budget_v1 budget(Phase phase) const;

  const x07_stream_xf_plugin_v1* d_;
  PluginLimits limits_;
  ByteView cfg_;
  bool cfg_canon_ok_;
  bool resources_ok_ = false;  // state and scratch allocated
  void* state_ = nullptr;
  std::size_t state_alloc_align_ = 16;
  struct FreeDeleter {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<std::uint8_t, FreeDeleter> scratch_mem_;
  x07_scratch_v1 scratch_{};

  // Per call.
  ByteView input_;
  bool in_step_ = false;
  bool pending_ = false;
  x07_out_buf_v1 pending_buf_{};
  std::uint32_t items_ = 0;
  std::uint64_t bytes_ = 0;
  std::int32_t first_emit_error_ = 0;
  std::vector<ByteView> outputs_;

  // emit_alloc arena: blocks reused across calls; a call's buffers stay put until the next call.
  std::vector<std::vector<std::uint8_t>> blocks_;
  std::size_t block_ = 0;
  std::size_t used_ = 0;
  std::uint64_t committed_bytes_ = 0;
  std::vector<std::unique_ptr<std::uint8_t[]>> ev_allocs_;
};

}  // namespace sluice
