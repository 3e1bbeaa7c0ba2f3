// Fuzz target for the plugin wrapper (runtime/plugin_host): the input is a script for a plugin
// that calls emit_alloc / emit_commit / emit_view in any order with any arguments, then returns
// some code. A small independent model of spec §9.2 (checks in their exact order, sticky first
// emit error, still-pending buffer after the call, INT32_MIN → 117, -c → c) predicts the call's
// outcome and outputs; the wrapper must agree, and never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/plugin_host.hpp"

namespace {

using namespace sluice;

constexpr PluginLimits kLimits{1, 16, 8, 0, 40, 4, 16};

struct Script {
  const std::uint8_t* p = nullptr;
  std::size_t n = 0;
  std::size_t at = 0;
  std::uint8_t next() { return at < n ? p[at++] : 0; }
  bool done() const { return at >= n; }
};
Script g_script;

// The model's view of one call.
struct Model {
  bool pending = false;
  std::uint32_t pending_cap = 0;
  std::uint32_t items = 0;
  std::uint64_t bytes = 0;
  std::int32_t first_err = 0;
  std::vector<std::string> outputs;
  std::int32_t fail(std::int32_t c) {
    if (first_err == 0) first_err = c;
    return c;
  }
  std::int32_t limits(std::uint32_t n) {
    if (n > kLimits.max_out_buf_bytes) return fail(113);
    if (items + 1 > kLimits.max_out_items_per_step) return fail(115);
    if (bytes + n > kLimits.max_out_bytes_per_step) return fail(114);
    return 0;
  }
};
Model g_model;
std::int32_t g_rc = 0;  // what the plugin returned
std::uint8_t g_scratch_copy[8];

std::int32_t plugin_step(void*, x07_scratch_v1* scratch, x07_bytes_view_v1 in, x07_xf_emit_v1 e, x07_xf_budget_v1) {
  x07_out_buf_v1 buf{};
  bool have_buf = false;
  Model& m = g_model;
  std::memcpy(scratch->ptr, "scratch!", 8);
  while (!g_script.done()) {
    const std::uint8_t op = g_script.next();
    switch (op % 5) {
      case 0: {  // alloc
        const std::uint32_t cap = g_script.next() % 20;
        x07_out_buf_v1 o{};
        std::int32_t want = m.pending ? m.fail(112) : m.limits(cap);
        if (want == 0) {
          m.pending = true;
          m.pending_cap = cap;
          m.items += 1;
          m.bytes += cap;
        }
        const std::int32_t got = e.emit_alloc(e.emit_ctx, cap, &o);
        if (got != want) std::abort();
        if (got == 0) {
          buf = o;
          have_buf = true;
          for (std::uint32_t i = 0; i < cap; ++i) buf.ptr[i] = static_cast<std::uint8_t>('a' + i);
        }
        break;
      }
      case 1: {  // commit
        const std::uint8_t a = g_script.next();
        x07_out_buf_v1 o = buf;
        o.len = a % 24;
        const bool forged = (a & 0x80) != 0 && have_buf;
        if (forged) o.cap += 1;
        std::int32_t want = 0;
        if (!m.pending || !have_buf || forged) want = m.fail(112);
        else if (o.len > m.pending_cap) want = m.fail(116);
        if (want == 0) {
          m.pending = false;
          m.outputs.emplace_back(reinterpret_cast<const char*>(o.ptr), o.len);
        }
        const std::int32_t got = e.emit_commit(e.emit_ctx, have_buf ? &o : &buf);
        if (got != want) std::abort();
        break;
      }
      case 2: {  // view
        const std::uint8_t k = g_script.next();
        const std::uint32_t kind = k % 4;
        const std::uint32_t off = g_script.next() % 12;
        const std::uint32_t len = g_script.next() % 12;
        const bool of_scratch = kind == 2;
        const std::uint8_t* base = of_scratch ? scratch->ptr : in.ptr;
        const std::uint32_t base_len = of_scratch ? scratch->cap : in.len;
        std::int32_t want = 0;
        if (m.pending) want = m.fail(112);
        else if (kind != 1 && kind != 2) want = m.fail(112);
        else if ((want = m.limits(len)) != 0) {
        } else if (len != 0 && (base == nullptr || base_len == 0)) want = m.fail(118);
        else if (len != 0 && (off > base_len || len > base_len - off)) want = m.fail(112);
        if (want == 0) {
          m.items += 1;
          m.bytes += len;
          m.outputs.emplace_back(len ? reinterpret_cast<const char*>(base + off) : "", len);
        }
        const std::int32_t got = e.emit_view(e.emit_ctx, (base ? base : g_scratch_copy) + off, len, kind);
        if (got != want) std::abort();
        break;
      }
      case 3: {  // return a code
        static constexpr std::int32_t kCodes[4] = {0, -5, INT32_MIN, 7};
        g_rc = kCodes[g_script.next() % 4];
        return g_rc;
      }
      default: return 0;
    }
  }
  return 0;
}
std::int32_t plugin_init(void*, x07_scratch_v1*, x07_bytes_view_v1, x07_xf_emit_v1, x07_xf_budget_v1) { return 0; }
std::int32_t plugin_flush(void*, x07_scratch_v1*, x07_xf_emit_v1, x07_xf_budget_v1) { return 0; }

const x07_stream_xf_plugin_v1 kPlugin{X07_XF_ABI_TAG, 1, "fuzz.emit_v1", 1, "any", "none", 16, 8, 0, 8,
                                      plugin_init, plugin_step, plugin_flush, nullptr};

std::uint32_t model_outcome(std::int32_t rc) {
  std::uint32_t ec = plugin_return_code(rc);
  if (ec == 0 && g_model.first_err != 0) ec = static_cast<std::uint32_t>(g_model.first_err);
  if (ec == 0 && g_model.pending) ec = 112;
  return ec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint32_t in_len = data[0] % 9;  // 0..8 bytes of input, from the script itself
  const std::uint8_t input[8] = {'i', 'n', 'p', 'u', 't', '0', '1', '2'};
  g_script = Script{data + 1, size - 1, 0};
  g_model = Model{};
  g_rc = 0;
  PluginHost host(&kPlugin, kLimits, {}, true);
  if (!host.init().ok()) std::abort();
  const PluginCallResult r = host.step(ByteView(in_len ? input : nullptr, in_len));
  const std::uint32_t want = model_outcome(g_rc);
  if (r.ec != want) {
    std::fprintf(stderr, "plugin wrapper gave %u, model %u\n", r.ec, want);
    std::abort();
  }
  if (want == 0) {
    const auto& out = host.outputs();
    if (out.size() != g_model.outputs.size()) std::abort();
    for (std::size_t i = 0; i < out.size(); ++i)
      if (std::string(out[i].as_chars()) != g_model.outputs[i]) std::abort();
  } else if (!host.outputs().empty()) {
    std::abort();
  }
  return 0;
}
