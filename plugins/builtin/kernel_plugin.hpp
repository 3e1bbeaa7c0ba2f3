// The adapter that exposes a stdlib stage kernel (split_lines, frame, deframe, json_canon) as an
// X07 ABI v1 plugin: the built-in plugin ids run the very kernels the built-in stages run (one
// implementation), with an Next that emits through the ABI. A kernel output that lies inside the
// current input goes out as emit_view kind 1 (no copy); anything else (a carry, a framed item, the
// canonical JSON) is written into an emit_alloc buffer. Kernel errors become negative pipe codes,
// as X07's built-ins return them (spec §9.2); an emit error is returned as it is.
#pragma once

#include <cstdint>
#include <cstring>
#include <new>

#include "runtime/page_pool.hpp"
#include "runtime/plugin_host.hpp"
#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"
#include "x07_stream_xf_plugin_abi_v1.h"

namespace sluice::builtin_plugins {

// What a call hands the kernel's Next: the emit vtable, the input of a step, the emit error.
struct EmitFrame {
  x07_xf_emit_v1 emit{};
  ByteView input;
  bool in_step = false;
  std::int32_t emit_rc = 0;
};

class EmitNext {
 public:
  explicit EmitNext(EmitFrame* f) : f_(f) {}

  Flow push(ByteView v) {
    std::int32_t rc = 0;
    if (v.size != 0 && f_->in_step && inside_input(v)) {
      rc = f_->emit.emit_view(f_->emit.emit_ctx, v.data, v.size, X07_XF_VIEW_KIND_INPUT);
    } else {
      x07_out_buf_v1 b{};
      rc = f_->emit.emit_alloc(f_->emit.emit_ctx, v.size, &b);
      if (rc == 0) {
        if (v.size != 0) std::memcpy(b.ptr, v.data, v.size);
        b.len = v.size;
        rc = f_->emit.emit_commit(f_->emit.emit_ctx, &b);
      }
    }
    return done(rc);
  }

  // u32le(len) ++ payload, built in one buffer (the kernel has checked len ≤ 2^31−1).
  Flow push_framed(ByteView payload) {
    x07_out_buf_v1 b{};
    std::int32_t rc = f_->emit.emit_alloc(f_->emit.emit_ctx, payload.size + 4u, &b);
    if (rc == 0) {
      store_u32le(b.ptr, payload.size);
      if (payload.size != 0) std::memcpy(b.ptr + 4, payload.data, payload.size);
      b.len = payload.size + 4u;
      rc = f_->emit.emit_commit(f_->emit.emit_ctx, &b);
    }
    return done(rc);
  }

  // A batch of lines inside the input (split_lines hands them on 64 at a time): one call into the
  // wrapper when it is sluice's own, with the same checks and the same outputs as n emit_views.
  Flow push_batch(const ByteView* items, std::uint32_t n) {
    if (f_->in_step && plugin_emit_input_views(f_->emit, items, n)) return Flow::kContinue;
    return push_each(*this, items, n);
  }

 private:
  bool inside_input(ByteView v) const {
    const std::uint8_t* b = f_->input.data;
    return b != nullptr && v.data >= b && v.data + v.size <= b + f_->input.size;
  }
  Flow done(std::int32_t rc) {
    if (rc == 0) return Flow::kContinue;
    f_->emit_rc = rc;
    return Flow::kHalt;
  }
  EmitFrame* f_;
};

// Everything a running built-in plugin holds; the plugin state (a few bytes, per the registry)
// holds a pointer to it.
template <template <class> class Kernel, class Config>
struct KernelBox {
  explicit KernelBox(const Config& cfg) : ctx(Budgets{}, pool), kernel(ctx, EmitNext(&frame), cfg) {}
  PagePool pool;
  RunContext ctx;  // the kernel's failures land here and are returned as -code
  EmitFrame frame;
  Kernel<EmitNext> kernel;
};

// The ABI entry points for a kernel. `Parse` reads the binary cfg: false → init returns -1 (ERR 1).
template <template <class> class Kernel, class Config, bool (*Parse)(x07_bytes_view_v1, Config&)>
struct KernelPlugin {
  using Box = KernelBox<Kernel, Config>;

  static Box*& box(void* state) { return *static_cast<Box**>(state); }

  static std::int32_t result(Box& b, Flow f) {
    if (f == Flow::kContinue) return 0;
    if (b.frame.emit_rc != 0) return b.frame.emit_rc;
    if (b.ctx.status() == RunStatus::kErr) return -static_cast<std::int32_t>(b.ctx.err_code());
    return -1;
  }

  static std::int32_t init(void* state, x07_scratch_v1*, x07_bytes_view_v1 cfg, x07_xf_emit_v1 emit, x07_xf_budget_v1) {
    Config c{};
    if (!Parse(cfg, c)) return -1;
    Box* b = new (std::nothrow) Box(c);
    if (b == nullptr) return -1;
    box(state) = b;
    b->frame = {emit, {}, false, 0};
    return result(*b, b->kernel.init());
  }
  static std::int32_t step(void* state, x07_scratch_v1*, x07_bytes_view_v1 in, x07_xf_emit_v1 emit, x07_xf_budget_v1) {
    Box* b = box(state);
    if (b == nullptr) return INT32_MIN;
    b->frame = {emit, ByteView(in.ptr, in.len), true, 0};
    return result(*b, b->kernel.push(ByteView(in.ptr, in.len)));
  }
  static std::int32_t flush(void* state, x07_scratch_v1*, x07_xf_emit_v1 emit, x07_xf_budget_v1) {
    Box* b = box(state);
    if (b == nullptr) return INT32_MIN;
    b->frame = {emit, {}, false, 0};
    return result(*b, b->kernel.flush());
  }
  static void drop(void* state) {
    delete box(state);
    box(state) = nullptr;
  }
};

inline std::int32_t cfg_i32(x07_bytes_view_v1 cfg, std::uint32_t word) {
  return static_cast<std::int32_t>(load_u32le(cfg.ptr + 4 * word));
}

}  // namespace sluice::builtin_plugins
