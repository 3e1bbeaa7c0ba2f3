#include "compiler/elaborate.hpp"

#include "stdlib/catalog.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>

namespace sluice {
namespace {

// ceil(a / b) for b > 0, any sign of a.
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

std::int32_t clamp_i32(std::int64_t v) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, std::numeric_limits<std::int32_t>::min(),
                                                            std::numeric_limits<std::int32_t>::max()));
}

PlanCfg elaborate_cfg(const CheckedCfg& checked) {
  PlanCfg cfg = checked.values;
  cfg.max_steps_given = cfg.max_steps > 0;
  // Spec §3: absent or <= 0 means derived. With chunk_max_bytes <= 0 the cfg fails its run-time
  // check before any loop runs, so there is nothing to derive.
  if (!cfg.max_steps_given && cfg.chunk_max_bytes > 0)
    cfg.max_steps = clamp_i32(ceil_div(cfg.max_in_bytes, cfg.chunk_max_bytes) + 8);
  return cfg;
}

bool is_fs_stream_sink(const StageSpec& spec) {
  return spec.id == "std.stream.sink.world_fs_write_stream_v1" ||
         spec.id == "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1";
}

ArgValue default_value(const FieldSpec& f) {
  switch (f.kind) {
    case FieldKind::kWord:
      return ArgValue{ArgValue::Kind::kWord, f.default_value,
                      std::string(f.words[static_cast<std::size_t>(f.default_value)])};
    case FieldKind::kFn:
    case FieldKind::kSymbol: return ArgValue{ArgValue::Kind::kWord, 0, {}};
    case FieldKind::kScopeCfg: return ArgValue{ArgValue::Kind::kBytes, 0, {}};  // an empty task.scope.cfg_v1
    case FieldKind::kExpr:
      if (f.type != ValueType::kI32) return ArgValue{ArgValue::Kind::kBytes, 0, {}};
      return ArgValue{ArgValue::Kind::kInt, f.default_value, {}};
    default: return ArgValue{ArgValue::Kind::kInt, f.default_value, {}};
  }
}

// Spec §8: buf_cap_bytes defaults to chunk_max_bytes, flush_min_bytes to buf_cap_bytes, and
// max_flushes 0 (absent or written) means ceil(max_out_bytes / flush_min_bytes) + 4.
void resolve_fs_stream_defaults(PlanStage& st, const PlanCfg& cfg) {
  const auto find = [&](std::string_view name) -> PlanArg& {
    for (PlanArg& a : st.args)
      if (a.name == name) return a;
    assert(false && "fs stream sink without its catalog fields");
    return st.args.front();
  };
  PlanArg& cap = find("buf_cap_bytes");
  PlanArg& flush = find("flush_min_bytes");
  PlanArg& max_flushes = find("max_flushes");
  if (cap.defaulted) cap.value.i = cfg.chunk_max_bytes;
  if (flush.defaulted) flush.value.i = cap.value.i;
  // With a non-positive flush_min or max_out the run fails before writing (cfg or sink cfg check).
  if (max_flushes.value.i == 0 && flush.value.i > 0 && cfg.max_out_bytes > 0)
    max_flushes.value.i = clamp_i32(ceil_div(cfg.max_out_bytes, flush.value.i) + 4);
}

bool is_json_canon(const StageSpec& spec) { return spec.id == "std.stream.xf.json_canon_stream_v1"; }

// Spec §3: an explicit max_total_json_bytes below max_in_bytes lowers max_in_bytes (before
// max_steps is derived from it), so the source fails first, with ERR 2 budget_in_bytes.
CheckedCfg reduce_for_json(const CheckedPipe& pipe) {
  CheckedCfg cfg = pipe.cfg;
  for (const CheckedStage& c : pipe.chain) {
    if (c.spec == nullptr || !is_json_canon(*c.spec)) continue;
    for (std::size_t i = 0; i < c.spec->fields.size(); ++i)
      if (c.spec->fields[i].name == "max_total_json_bytes" && c.fields[i] &&
          c.fields[i]->i < cfg.values.max_in_bytes)
        cfg.values.max_in_bytes = static_cast<std::int32_t>(c.fields[i]->i);
  }
  return cfg;
}

// Spec §7.8 defaults, from the cfg after the reduction above.
void resolve_json_canon_defaults(PlanStage& st, const PlanCfg& cfg) {
  constexpr std::int64_t kDefaultMaxDepth = 64;
  constexpr std::int64_t kDefaultMaxObjectMembers = 4096;
  constexpr std::int64_t kMaxObjectTotalBytesCap = 4194304;  // 4 MiB, X07's default ceiling
  for (PlanArg& a : st.args) {
    if (!a.defaulted) continue;
    if (a.name == "max_depth") a.value.i = kDefaultMaxDepth;
    if (a.name == "max_total_json_bytes") a.value.i = cfg.max_in_bytes;
    if (a.name == "max_object_members") a.value.i = kDefaultMaxObjectMembers;
    if (a.name == "max_object_total_bytes") a.value.i = std::min<std::int64_t>(cfg.max_out_bytes, kMaxObjectTotalBytesCap);
    if (a.name == "emit_chunk_max_bytes") a.value.i = cfg.chunk_max_bytes;
  }
}

struct Brands {
  const ArgValue* in = nullptr;   // explicit in_item_brand
  const ArgValue* out = nullptr;  // explicit out_item_brand
};

PlanStage elaborate_stage(const CheckedStage& checked, const PlanCfg& cfg, const std::string& incoming,
                          Brands* brands_out = nullptr) {
  const StageSpec& spec = *checked.spec;
  PlanStage st;
  st.spec = &spec;
  st.pointer = checked.pointer;
  assert(checked.positional.size() == spec.positional.size());
  for (std::size_t i = 0; i < spec.positional.size(); ++i)
    st.args.push_back(PlanArg{std::string(spec.positional[i].name), checked.positional[i], false});
  Brands brands;
  for (std::size_t i = 0; i < spec.fields.size(); ++i) {
    const FieldSpec& f = spec.fields[i];
    const std::optional<ArgValue>& given = checked.fields[i];
    // Brands live on the edges (in_brand/out_brand), not among the arguments.
    if (f.kind == FieldKind::kBrandIn || f.kind == FieldKind::kBrandOut) {
      if (given) (f.kind == FieldKind::kBrandIn ? brands.in : brands.out) = &*given;
      continue;
    }
    st.args.push_back(PlanArg{std::string(f.name), given ? *given : default_value(f), !given});
  }
  if (is_fs_stream_sink(spec)) resolve_fs_stream_defaults(st, cfg);
  if (is_json_canon(spec)) resolve_json_canon_defaults(st, cfg);
  // No brand typing yet (a later pass): `same` is resolved to the incoming edge's brand. An
  // unbranded edge puts no requirement on the stage, so `same` there reads as "any".
  const std::string in = brands.in ? brands.in->bytes : std::string(spec.default_in_brand);
  st.in_brand = in == "same" ? (incoming == "none" ? "any" : incoming) : in;
  const std::string out = brands.out ? brands.out->bytes : std::string(spec.default_out_brand);
  st.out_brand = out == "same" ? incoming : out;
  if (brands.in) st.declared_in_brand = brands.in->bytes;
  if (brands.out) st.declared_out_brand = brands.out->bytes;
  if (brands_out) *brands_out = brands;
  return st;
}

// Spec §6: net_tcp_read_u32frames_v1 reads as net_tcp_read_stream_handle_v1 followed by a
// deframe_u32le_v1 at chain index 0 (max_frame_bytes, max_frames 0, allow_empty, on_truncated
// err), which takes over the source's out_item_brand; every user stage index shifts by one.
PlanStage net_frames_deframe(PlanStage& source) {
  PlanStage d;
  d.spec = find_stage("std.stream.xf.deframe_u32le_v1");
  d.inserted = true;
  d.pointer = source.pointer;
  const auto int_of = [&](std::string_view name) {
    const ArgValue* v = source.arg(name);
    return v ? v->i : 0;
  };
  d.args.push_back(PlanArg{"max_frame_bytes", ArgValue{ArgValue::Kind::kInt, int_of("max_frame_bytes"), {}}, false});
  d.args.push_back(PlanArg{"max_frames", ArgValue{ArgValue::Kind::kInt, 0, {}}, true});
  d.args.push_back(PlanArg{"allow_empty", ArgValue{ArgValue::Kind::kInt, int_of("allow_empty"), {}}, false});
  d.args.push_back(PlanArg{"on_truncated", ArgValue{ArgValue::Kind::kWord, 0, "err"}, true});
  d.in_brand = "any";
  d.out_brand = source.out_brand;
  d.declared_out_brand = source.declared_out_brand;
  source.out_brand = "none";
  source.declared_out_brand.clear();
  return d;
}

}  // namespace

Plan elaborate(const CheckedPipe& pipe, World world, std::string_view file) {
  Plan plan;
  plan.file = std::string(file);
  plan.world = world;
  plan.cfg = elaborate_cfg(reduce_for_json(pipe));
  plan.source = elaborate_stage(pipe.source, plan.cfg, "none");
  std::string edge = plan.source.out_brand;
  if (plan.source.spec->id == "std.stream.src.net_tcp_read_u32frames_v1") {
    plan.chain.push_back(net_frames_deframe(plan.source));
    edge = plan.chain.back().out_brand;
  }
  for (const CheckedStage& c : pipe.chain) {
    plan.chain.push_back(elaborate_stage(c, plan.cfg, edge));
    edge = plan.chain.back().out_brand;
  }
  if (pipe.sink.spec->wraps_sink) {
    // The wrapper is the sink the items reach; its in_item_brand, when written, is the
    // requirement on the last edge. The inner sink only sees the framed bytes.
    Brands wrapper;
    const PlanStage outer = elaborate_stage(pipe.sink, plan.cfg, edge, &wrapper);
    assert(pipe.sink.inner && pipe.sink.inner->spec);
    plan.sink = elaborate_stage(*pipe.sink.inner, plan.cfg, edge);
    if (wrapper.in) {
      plan.sink.in_brand = outer.in_brand;
      plan.sink.declared_in_brand = outer.declared_in_brand;
    }
    plan.sink_u32frames = true;
  } else {
    plan.sink = elaborate_stage(pipe.sink, plan.cfg, edge);
    // Spec §8: exactly u32frames_v1(net_tcp_write_stream_handle_v1(...)).
    if (plan.sink.spec->id == "std.stream.sink.net_tcp_write_u32frames_v1") plan.sink_u32frames = true;
  }
  return plan;
}

}  // namespace sluice
