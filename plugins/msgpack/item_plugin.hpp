// The ABI entry points shared by the msgpack plugins that turn each item into exactly one new
// item (to_json, json_to_msgpack): a converter object kept for the whole run in a heap box (the
// plugin state holds its pointer), an output buffer reused across items, an empty cfg.
#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "stdlib/x07/msgpack_codes.hpp"
#include "x07_stream_xf_plugin_abi_v1.h"

namespace sluice::msgpack {

// Converter: `Code convert(const std::uint8_t*, std::uint32_t, std::vector<std::uint8_t>& out)`, or
// `Code convert(const std::uint8_t*, std::uint32_t)` with text_data() / text_size().
template <class Converter>
struct ItemPlugin {
  struct Box {
    Converter conv;
    std::vector<std::uint8_t> out;
  };
  static Box*& box(void* state) { return *static_cast<Box**>(state); }

  static std::int32_t init(void* state, x07_scratch_v1*, x07_bytes_view_v1 cfg, x07_xf_emit_v1, x07_xf_budget_v1) {
    if (cfg.len != 0) return rc(Code::kCfgInvalid);  // no options yet: the cfg must be empty
    Box* b = new (std::nothrow) Box();
    if (b == nullptr) return rc(Code::kCfgInvalid);
    box(state) = b;
    return 0;
  }
  static std::int32_t step(void* state, x07_scratch_v1*, x07_bytes_view_v1 in, x07_xf_emit_v1 emit,
                           x07_xf_budget_v1 budget) {
    Box* b = box(state);
    if (b == nullptr) return INT32_MIN;
    if constexpr (requires { Converter::room_for(0u); }) {
      // The converter writes straight into the output buffer when its worst case fits the
      // host's limits (one buffer and one step's bytes; each step emits one item): no copy.
      const std::size_t room = Converter::room_for(in.len);
      if (room <= UINT32_MAX && (budget.max_out_buf_bytes == 0 || room <= budget.max_out_buf_bytes) &&
          (budget.max_out_bytes_per_step == 0 || room <= budget.max_out_bytes_per_step)) {
        x07_out_buf_v1 o{};
        if (const std::int32_t r = emit.emit_alloc(emit.emit_ctx, static_cast<std::uint32_t>(room), &o); r != 0) return r;
        if (const Code c = b->conv.convert(in.ptr, in.len, o.ptr, o.cap); c != Code::kOk) return rc(c);
        const std::uint32_t n = b->conv.text_size();
        if (b->conv.text_data() != o.ptr) {
          // Only if room_for were wrong: the text went to the converter's buffer instead.
          if (n > o.cap) return INT32_MIN;
          std::memcpy(o.ptr, b->conv.text_data(), n);
        }
        o.len = n;
        return emit.emit_commit(emit.emit_ctx, &o);
      }
    }
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    if constexpr (requires(Converter& c) { c.text_data(); }) {
      // The converter keeps the text in its own buffer: copied once, into the output buffer.
      if (const Code c = b->conv.convert(in.ptr, in.len); c != Code::kOk) return rc(c);
      data = b->conv.text_data();
      size = b->conv.text_size();
    } else {
      if (const Code c = b->conv.convert(in.ptr, in.len, b->out); c != Code::kOk) return rc(c);
      data = b->out.data();
      size = b->out.size();
    }
    // An output over the host's per-buffer limit gets the host's own code (113) from emit_alloc.
    x07_out_buf_v1 o{};
    const auto n = size > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(size);
    if (const std::int32_t r = emit.emit_alloc(emit.emit_ctx, n, &o); r != 0) return r;
    if (n != 0) std::memcpy(o.ptr, data, n);
    o.len = n;
    return emit.emit_commit(emit.emit_ctx, &o);
  }
  static std::int32_t flush(void*, x07_scratch_v1*, x07_xf_emit_v1, x07_xf_budget_v1) { return 0; }
  static void drop(void* state) {
    delete box(state);
    box(state) = nullptr;
  }
};

}  // namespace sluice::msgpack
