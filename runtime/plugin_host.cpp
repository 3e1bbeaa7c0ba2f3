#include "runtime/plugin_host.hpp"

#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <new>

namespace sluice {
namespace {

// ev_trap unwinds to the wrapper's call with longjmp: plugins are C, and the trap must leave the
// plugin without returning into it. Frames skipped belong to the plugin only.
struct TrapFrame {
  std::jmp_buf env;
  std::int32_t code = 0;
};
thread_local TrapFrame* t_trap = nullptr;
thread_local PluginHost* t_host = nullptr;

// emit_alloc buffers come from blocks of at least this size, so small items share a block.
constexpr std::size_t kArenaBlockBytes = std::size_t{64} << 10;

std::int32_t tramp_alloc(void* ctx, std::uint32_t cap, x07_out_buf_v1* out) {
  return static_cast<PluginHost*>(ctx)->emit_alloc(cap, out);
}
std::int32_t tramp_commit(void* ctx, const x07_out_buf_v1* out) {
  return static_cast<PluginHost*>(ctx)->emit_commit(out);
}
std::int32_t tramp_view(void* ctx, const std::uint8_t* ptr, std::uint32_t len, std::uint32_t kind) {
  return static_cast<PluginHost*>(ctx)->emit_view(ptr, len, kind);
}

bool power_of_two(std::uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

bool within(const std::uint8_t* base, std::uint32_t base_len, const std::uint8_t* ptr, std::uint32_t len) {
  const auto b = reinterpret_cast<std::uintptr_t>(base);
  const auto p = reinterpret_cast<std::uintptr_t>(ptr);
  return p >= b && p - b <= base_len && len <= base_len - (p - b);
}

}  // namespace

std::uint32_t plugin_return_code(std::int32_t rc) {
  if (rc == 0) return 0;
  if (rc == INT32_MIN) return 117;
  return rc < 0 ? static_cast<std::uint32_t>(-rc) : static_cast<std::uint32_t>(rc);
}

ErrId plugin_error_id(std::uint32_t ec) {
  switch (ec) {
    case 110: return ErrId::kXfCfgTooLarge;
    case 111: return ErrId::kXfCfgNonCanon;
    case 112: return ErrId::kXfOutInvalid;
    case 113: return ErrId::kXfEmitBufTooLarge;
    case 114: return ErrId::kXfEmitStepBytesExceeded;
    case 115: return ErrId::kXfEmitStepItemsExceeded;
    case 116: return ErrId::kXfEmitLenGtCap;
    case 117: return ErrId::kXfPluginInvalid;
    default: return ErrId::kXfPluginError;
  }
}

std::vector<std::uint8_t> plugin_payload_p16(std::uint32_t stage_idx, std::uint32_t bytes_in, std::uint32_t items_in,
                                             std::uint32_t ec) {
  std::vector<std::uint8_t> out(16);
  store_u32le(out.data(), stage_idx);
  store_u32le(out.data() + 4, bytes_in);
  store_u32le(out.data() + 8, items_in);
  store_u32le(out.data() + 12, ec);
  return out;
}

bool plugin_descriptor_valid(const x07_stream_xf_plugin_v1* d, const PluginLimits& limits) {
  if (d == nullptr) return false;
  if (d->abi_tag != X07_XF_ABI_TAG || d->abi_version != X07_XF_ABI_VERSION) return false;
  if (limits.abi_major != d->abi_version) return false;
  if (d->plugin_id == nullptr || d->plugin_id[0] == '\0') return false;
  if (d->init == nullptr || d->step == nullptr || d->flush == nullptr) return false;
  if (!power_of_two(d->state_align) || d->state_align < 8) return false;
  if (d->state_size != limits.state_bytes || d->scratch_max != limits.scratch_bytes) return false;
  return true;
}

PluginHost::PluginHost(const x07_stream_xf_plugin_v1* descriptor, const PluginLimits& limits, ByteView cfg,
                       bool cfg_canon_ok)
    : d_(descriptor), limits_(limits), cfg_(cfg), cfg_canon_ok_(cfg_canon_ok) {
  outputs_.reserve(64);
}

PluginHost::~PluginHost() {
  // X07 never calls drop; sluice does, once, so a plugin can free what its state points to.
  if (state_ != nullptr && d_ != nullptr && d_->drop != nullptr) d_->drop(state_);
  if (state_ != nullptr) ::operator delete(state_, std::align_val_t{state_alloc_align_});
}

x07_xf_budget_v1 PluginHost::budget(Phase phase) const {
  return {limits_.max_out_bytes_per_step, limits_.max_out_items_per_step, limits_.max_out_buf_bytes,
          limits_.state_bytes, phase == Phase::kInit ? limits_.cfg_max_bytes : 0u, limits_.scratch_bytes};
}

PluginCallResult PluginHost::init() {
  // Descriptor first (117), then the cfg checks of init (110, 111).
  if (!plugin_descriptor_valid(d_, limits_)) return {117};
  if (limits_.cfg_max_bytes != 0 && cfg_.size > limits_.cfg_max_bytes) return {110};
  if (!cfg_canon_ok_) return {111};
  if (limits_.scratch_bytes > kMaxPluginScratchBytes) return {117};
  state_alloc_align_ = d_->state_align < 16 ? 16 : d_->state_align;
  state_ = ::operator new(d_->state_size == 0 ? 1 : d_->state_size, std::align_val_t{state_alloc_align_});
  std::memset(state_, 0, d_->state_size == 0 ? 1 : d_->state_size);
  if (limits_.scratch_bytes != 0) {
    // Zeroed, so a plugin never sees another run's bytes; calloc gets fresh pages that cost
    // nothing until the plugin touches them (the built-ins never do).
    scratch_mem_.reset(static_cast<std::uint8_t*>(std::calloc(limits_.scratch_bytes, 1)));
    if (!scratch_mem_) return {117};
  }
  scratch_ = {scratch_mem_.get(), limits_.scratch_bytes, 0};
  resources_ok_ = true;
  return call(Phase::kInit, {});
}

PluginCallResult PluginHost::step(ByteView in) { return call(Phase::kStep, in); }
PluginCallResult PluginHost::flush() { return call(Phase::kFlush, {}); }

PluginCallResult PluginHost::call(Phase phase, ByteView in) {
  outputs_.clear();
  block_ = 0;
  used_ = 0;
  pending_ = false;
  items_ = 0;
  bytes_ = 0;
  first_emit_error_ = 0;
  input_ = in;
  in_step_ = phase == Phase::kStep;
  if (!resources_ok_ || !plugin_descriptor_valid(d_, limits_)) return {117};
  if (reinterpret_cast<std::uintptr_t>(state_) % d_->state_align != 0) return {117};

  const x07_xf_emit_v1 emit{this, &tramp_alloc, &tramp_commit, &tramp_view};
  const x07_xf_budget_v1 b = budget(phase);
  x07_bytes_view_v1 view{in.data, in.size};
  if (phase == Phase::kInit) view = {cfg_.data, cfg_.size};

  TrapFrame frame;
  TrapFrame* const outer_trap = t_trap;
  PluginHost* const outer_host = t_host;
  t_trap = &frame;
  t_host = this;
  std::int32_t rc = 0;
  if (setjmp(frame.env) == 0) {
    switch (phase) {
      case Phase::kInit: rc = d_->init(state_, &scratch_, view, emit, b); break;
      case Phase::kStep: rc = d_->step(state_, &scratch_, view, emit, b); break;
      case Phase::kFlush: rc = d_->flush(state_, &scratch_, emit, b); break;
    }
  } else {
    t_trap = outer_trap;
    t_host = outer_host;
    outputs_.clear();
    PluginCallResult r;
    r.trapped = true;
    r.trap_code = frame.code;
    return r;
  }
  t_trap = outer_trap;
  t_host = outer_host;
  in_step_ = false;

  std::uint32_t ec = plugin_return_code(rc);
  // An emit call that failed fails the call, even when the plugin ignored its return value.
  if (ec == 0 && first_emit_error_ != 0) ec = static_cast<std::uint32_t>(first_emit_error_);
  if (ec == 0 && pending_) ec = 112;  // a buffer allocated and never committed
  if (ec != 0) outputs_.clear();
  return {ec};
}

std::int32_t PluginHost::emit_error(std::int32_t code) {
  if (first_emit_error_ == 0) first_emit_error_ = code;
  return code;
}

std::uint8_t* PluginHost::arena_take(std::uint32_t n) {
  for (;;) {
    if (block_ < blocks_.size()) {
      std::vector<std::uint8_t>& b = blocks_[block_];
      if (b.size() - used_ >= n) {
        std::uint8_t* p = b.data() + used_;
        used_ += n;
        return p;
      }
      if (used_ == 0 && b.size() < n) {
        // Too small for this buffer even when empty: grow it (rare; buffers above 64 KiB).
        b.resize(n);
        continue;
      }
      ++block_;
      used_ = 0;
      continue;
    }
    blocks_.emplace_back(n > kArenaBlockBytes ? n : kArenaBlockBytes);
    used_ = 0;
  }
}

std::int32_t PluginHost::emit_alloc(std::uint32_t cap, x07_out_buf_v1* out) {
  if (pending_) return emit_error(112);
  if (limits_.max_out_buf_bytes != 0 && cap > limits_.max_out_buf_bytes) return emit_error(113);
  if (limits_.max_out_items_per_step != 0 && items_ + 1u > limits_.max_out_items_per_step) return emit_error(115);
  if (limits_.max_out_bytes_per_step != 0 && bytes_ + cap > limits_.max_out_bytes_per_step) return emit_error(114);
  if (out == nullptr) return emit_error(112);
  std::uint8_t* p = arena_take(cap == 0 ? 1u : cap);
  items_ += 1;
  bytes_ += cap;
  pending_ = true;
  pending_buf_ = {p, cap, 0};
  *out = pending_buf_;
  return 0;
}

std::int32_t PluginHost::emit_commit(const x07_out_buf_v1* out) {
  if (!pending_ || out == nullptr || out->ptr != pending_buf_.ptr || out->cap != pending_buf_.cap)
    return emit_error(112);
  if (out->len > out->cap) return emit_error(116);
  pending_ = false;
  outputs_.push_back(ByteView(out->ptr, out->len));
  committed_bytes_ += out->len;
  return 0;
}

std::int32_t PluginHost::emit_view(const std::uint8_t* ptr, std::uint32_t len, std::uint32_t kind) {
  if (pending_) return emit_error(112);
  if (kind != X07_XF_VIEW_KIND_INPUT && kind != X07_XF_VIEW_KIND_SCRATCH) return emit_error(112);
  if (limits_.max_out_buf_bytes != 0 && len > limits_.max_out_buf_bytes) return emit_error(113);
  if (limits_.max_out_items_per_step != 0 && items_ + 1u > limits_.max_out_items_per_step) return emit_error(115);
  if (limits_.max_out_bytes_per_step != 0 && bytes_ + len > limits_.max_out_bytes_per_step) return emit_error(114);
  const std::uint8_t* base = nullptr;
  std::uint32_t base_len = 0;
  if (kind == X07_XF_VIEW_KIND_INPUT) {
    if (!in_step_) return emit_error(118);
    base = input_.data;
    base_len = input_.size;
  } else {
    base = scratch_.ptr;
    base_len = scratch_.cap;
  }
  if (len != 0 && (base == nullptr || base_len == 0)) return emit_error(118);
  if (len != 0 && !within(base, base_len, ptr, len)) return emit_error(112);
  items_ += 1;
  bytes_ += len;
  // The slice itself goes downstream: a view of the input page or of scratch, no copy.
  outputs_.push_back(len == 0 ? ByteView() : ByteView(ptr, len));
  return 0;
}

bool PluginHost::emit_input_views(const ByteView* items, std::uint32_t n) {
  if (pending_ || !in_step_ || input_.data == nullptr || first_emit_error_ != 0) return false;
  if (limits_.max_out_items_per_step != 0 && std::uint64_t{items_} + n > limits_.max_out_items_per_step) return false;
  const auto lo = reinterpret_cast<std::uintptr_t>(input_.data);
  const auto hi = lo + input_.size;
  const std::uint32_t max_buf = limits_.max_out_buf_bytes == 0 ? UINT32_MAX : limits_.max_out_buf_bytes;
  std::uint64_t bytes = 0;
  bool ok = true;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto p = reinterpret_cast<std::uintptr_t>(items[i].data);
    const std::uint32_t len = items[i].size;
    ok &= len <= max_buf && (len == 0 || (p >= lo && p <= hi && len <= hi - p));
    bytes += len;
  }
  // 114 is checked per item against the running sum; all fit iff the total fits.
  if (!ok || (limits_.max_out_bytes_per_step != 0 && bytes_ + bytes > limits_.max_out_bytes_per_step)) return false;
  items_ += n;
  bytes_ += bytes;
  outputs_.insert(outputs_.end(), items, items + n);
  return true;
}

bool plugin_emit_input_views(const x07_xf_emit_v1& emit, const ByteView* items, std::uint32_t n) {
  if (emit.emit_view != &tramp_view || emit.emit_ctx == nullptr) return false;
  return static_cast<PluginHost*>(emit.emit_ctx)->emit_input_views(items, n);
}

ev_bytes PluginHost::bytes_alloc(std::uint32_t len) {
  ev_allocs_.emplace_back(new std::uint8_t[len == 0 ? 1 : len]());
  return {ev_allocs_.back().get(), len};
}

}  // namespace sluice

// The host hooks every plugin links against (x07-plugin-abi.md). Outside a plugin call there is
// no run to charge or to end, so the process stops: that is a plugin bug, not bad input.
extern "C" ev_bytes ev_bytes_alloc(uint32_t len) {
  if (sluice::t_host == nullptr) {
    auto* p = static_cast<std::uint8_t*>(std::calloc(len == 0 ? 1 : len, 1));
    if (p == nullptr) std::abort();
    return {p, len};
  }
  return sluice::t_host->bytes_alloc(len);
}

extern "C" void ev_trap(int32_t code) {
  if (sluice::t_trap == nullptr) std::abort();
  sluice::t_trap->code = code;
  std::longjmp(sluice::t_trap->env, 1);
}
