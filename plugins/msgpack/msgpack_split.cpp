#include "plugins/msgpack/msgpack_split.hpp"

#include <cstring>
#include <new>
#include <vector>

#include "plugins/msgpack/msgpack_plugins.hpp"
#include "plugins/msgpack/msgpack_scanner.hpp"
#include "runtime/bytes.hpp"
#include "runtime/plugin_host.hpp"

namespace sluice::msgpack {

bool parse_split_config(x07_bytes_view_v1 cfg, SplitConfig& out) {
  out = SplitConfig{};
  if (cfg.len == 0) return true;
  if (cfg.len != 12) return false;
  const auto word = [&](int k) { return static_cast<std::int32_t>(load_u32le(cfg.ptr + 4 * k)); };
  const std::int32_t mvb = word(0), md = word(1), mv = word(2);
  if (mvb < 1 || static_cast<std::uint32_t>(mvb) > kMaxValueBytesLimit) return false;
  if (md < 1 || static_cast<std::uint32_t>(md) > kMaxDepthLimit) return false;
  if (mv < 0) return false;
  out.max_value_bytes = static_cast<std::uint32_t>(mvb);
  out.max_depth = static_cast<std::uint32_t>(md);
  out.max_values = static_cast<std::uint32_t>(mv);
  return true;
}

namespace {

struct SplitBox {
  explicit SplitBox(const SplitConfig& c) : cfg(c), scanner({c.max_value_bytes, c.max_depth}) {}
  SplitConfig cfg;
  Scanner scanner;
  // The part of a value that began in an earlier chunk. Its capacity only grows (up to
  // max_value_bytes), so a long run of spanning values allocates once, not per value.
  std::vector<std::uint8_t> carry;
  std::uint64_t values = 0;
};

SplitBox*& box(void* state) { return *static_cast<SplitBox**>(state); }

std::int32_t count_value(SplitBox& b) {
  ++b.values;
  if (b.cfg.max_values != 0 && b.values > b.cfg.max_values) return rc(Code::kMaxValues);
  return 0;
}

std::int32_t emit_copy(const x07_xf_emit_v1& emit, const std::uint8_t* p, std::size_t n) {
  x07_out_buf_v1 out{};
  std::int32_t r = emit.emit_alloc(emit.emit_ctx, static_cast<std::uint32_t>(n), &out);
  if (r != 0) return r;
  if (n != 0) std::memcpy(out.ptr, p, n);
  out.len = static_cast<std::uint32_t>(n);
  return emit.emit_commit(emit.emit_ctx, &out);
}

std::int32_t split_init(void* state, x07_scratch_v1*, x07_bytes_view_v1 cfg, x07_xf_emit_v1, x07_xf_budget_v1) {
  SplitConfig c;
  if (!parse_split_config(cfg, c)) return rc(Code::kCfgInvalid);
  SplitBox* b = new (std::nothrow) SplitBox(c);
  if (b == nullptr) return rc(Code::kCfgInvalid);
  box(state) = b;
  return 0;
}

// Views of values that lie inside the current input, handed on kBatch at a time: with sluice's
// own host one call checks and appends them all (plugin_emit_input_views), instead of one
// indirect emit_view call per value; with another host, or when one view would fail, they go out
// one by one with the same results. Emission order is kept: the batch is handed on before a
// copied value, an error, or the end of the step.
constexpr std::uint32_t kBatch = 64;

std::int32_t hand_on(const x07_xf_emit_v1& emit, const ByteView* views, std::uint32_t n) {
  if (n == 0 || plugin_emit_input_views(emit, views, n)) return 0;
  for (std::uint32_t k = 0; k < n; ++k)
    if (const std::int32_t e = emit.emit_view(emit.emit_ctx, views[k].data, views[k].size, X07_XF_VIEW_KIND_INPUT); e != 0)
      return e;
  return 0;
}

std::int32_t split_step(void* state, x07_scratch_v1*, x07_bytes_view_v1 in, x07_xf_emit_v1 emit, x07_xf_budget_v1) {
  SplitBox* b = box(state);
  if (b == nullptr) return INT32_MIN;
  ByteView views[kBatch];
  std::uint32_t nv = 0;
  std::uint32_t pos = 0;
  while (pos < in.len) {
    const bool spanning = !b->carry.empty();
    if (!spanning) {
      // Whole values in a run (Scanner::whole_values), then feed() for whatever stopped the run.
      std::uint32_t lens[kBatch];
      const std::uint32_t k = b->scanner.whole_values(in.ptr + pos, in.len - pos, lens, kBatch - nv);
      for (std::uint32_t j = 0; j < k; ++j) {
        if (const std::int32_t e = count_value(*b); e != 0) {
          if (const std::int32_t h = hand_on(emit, views, nv); h != 0) return h;
          return e;
        }
        views[nv++] = ByteView(in.ptr + pos, lens[j]);
        pos += lens[j];
      }
      if (nv == kBatch) {
        if (const std::int32_t e = hand_on(emit, views, nv); e != 0) return e;
        nv = 0;
      }
      if (k != 0) continue;
      if (pos >= in.len) break;
    }
    const Scanner::Result r = b->scanner.feed(in.ptr + pos, in.len - pos);
    if (r.status == Scanner::Status::kError) {
      if (const std::int32_t e = hand_on(emit, views, nv); e != 0) return e;
      return rc(r.error);
    }
    if (r.status == Scanner::Status::kNeedMore) {
      b->carry.insert(b->carry.end(), in.ptr + pos, in.ptr + in.len);
      return hand_on(emit, views, nv);
    }
    if (const std::int32_t e = count_value(*b); e != 0) {
      if (const std::int32_t h = hand_on(emit, views, nv); h != 0) return h;
      return e;
    }
    if (spanning) {
      // Only the first value of a step can span (it began in an earlier input): no views are
      // waiting before it.
      b->carry.insert(b->carry.end(), in.ptr + pos, in.ptr + pos + r.used);
      const std::int32_t e = emit_copy(emit, b->carry.data(), b->carry.size());
      b->carry.clear();
      if (e != 0) return e;
    } else {
      views[nv++] = ByteView(in.ptr + pos, r.used);
      if (nv == kBatch) {
        if (const std::int32_t e = hand_on(emit, views, nv); e != 0) return e;
        nv = 0;
      }
    }
    pos += r.used;
  }
  return hand_on(emit, views, nv);
}

std::int32_t split_flush(void* state, x07_scratch_v1*, x07_xf_emit_v1, x07_xf_budget_v1) {
  SplitBox* b = box(state);
  if (b == nullptr) return INT32_MIN;
  // A value begun and not finished: the stream was cut inside it.
  if (!b->scanner.at_value_start()) return rc(Code::kTruncated);
  return 0;
}

void split_drop(void* state) {
  delete box(state);
  box(state) = nullptr;
}

}  // namespace
}  // namespace sluice::msgpack

// state_size / scratch_max are the registry's pinned state_bytes / scratch_bytes (spec §9.4): the
// state holds one pointer to the heap box; no scratch.
extern "C" const x07_stream_xf_plugin_v1 x07_xf_msgpack_split_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.msgpack_split_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "sluice.msgpack_v1",
    32, 16, 0, 0, &sluice::msgpack::split_init, &sluice::msgpack::split_step, &sluice::msgpack::split_flush,
    &sluice::msgpack::split_drop};
