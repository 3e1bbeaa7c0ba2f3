#include "stdlib/stage_configs.hpp"

namespace sluice {
namespace {

std::string bytes_string(const PlanStage& s, std::string_view name) {
  const ArgValue* v = s.arg(name);
  return v ? v->bytes : std::string();
}

std::uint32_t u32_arg(const PlanStage& s, std::string_view name) {
  const std::int32_t v = s.int_arg(name);
  return v < 0 ? 0u : static_cast<std::uint32_t>(v);
}

std::uint32_t u32(std::int32_t v) { return v < 0 ? 0u : static_cast<std::uint32_t>(v); }

}  // namespace

BytesSourceConfig bytes_source_config(const Plan& plan) { return {plan.source.bytes_arg("value")}; }

RrSendConfig rr_send_config(const Plan& plan) { return {bytes_string(plan.source, "key")}; }

FsOpenReadConfig fs_open_read_config(const Plan& plan) {
  FsOpenReadConfig cfg;
  cfg.path = bytes_string(plan.source, "path");
  cfg.chunk_max_bytes = u32(plan.cfg.chunk_max_bytes);
  cfg.bufread_cap_bytes = u32(plan.cfg.bufread_cap_bytes);
  cfg.max_steps = u32(plan.cfg.max_steps);
  return cfg;
}

TakeConfig take_config(const Plan& plan, std::size_t index) { return {plan.chain[index].int_arg("n")}; }

SplitLinesConfig split_lines_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  return {s.int_arg("delim"), s.int_arg("max_line_bytes")};
}

FrameU32leConfig frame_u32le_config(const Plan&, std::size_t) { return {}; }

DeframeConfig deframe_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  DeframeConfig cfg;
  cfg.max_frame_bytes = s.int_arg("max_frame_bytes");
  cfg.max_frames = s.int_arg("max_frames");
  cfg.allow_empty = s.int_arg("allow_empty");
  cfg.drop_truncated = s.int_arg("on_truncated") == 1;
  return cfg;
}

PluginStageConfig plugin_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  PluginStageConfig cfg;
  cfg.descriptor = s.plugin.descriptor;
  cfg.limits = s.plugin.limits;
  cfg.cfg = s.bytes_arg("cfg");
  cfg.cfg_canon_ok = s.plugin.cfg_canon_ok;
  cfg.stage_idx = static_cast<std::uint32_t>(index);
  return cfg;
}

JsonCanonConfig json_canon_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  JsonCanonConfig cfg;
  cfg.max_depth = s.int_arg("max_depth");
  cfg.max_total_json_bytes = s.int_arg("max_total_json_bytes");
  cfg.max_object_members = s.int_arg("max_object_members");
  cfg.max_object_total_bytes = s.int_arg("max_object_total_bytes");
  cfg.emit_chunk_max_bytes = s.int_arg("emit_chunk_max_bytes");
  cfg.stage_idx = static_cast<std::uint32_t>(index);
  return cfg;
}

MapBytesConfig map_bytes_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  return {s.fn, bytes_string(s, "fn")};
}

FilterConfig filter_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  return {s.fn, bytes_string(s, "fn")};
}

MapInPlaceBufConfig map_in_place_buf_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  MapInPlaceBufConfig cfg;
  cfg.fn = s.fn;
  cfg.fn_name = bytes_string(s, "fn");
  cfg.scratch_cap_bytes = s.int_arg("scratch_cap_bytes");
  cfg.clear_before_each = s.int_arg("clear_before_each");
  cfg.stage_idx = static_cast<std::uint32_t>(index);
  return cfg;
}

ParMapConfig par_map_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  const std::string_view id = s.spec->id;
  ParMapConfig cfg;
  cfg.fn = s.fn;
  cfg.fn_name = bytes_string(s, "mapper_defasync");
  cfg.result_bytes = id.ends_with("_result_bytes_v1");
  cfg.unordered = id.find("_unordered_") != std::string_view::npos;
  cfg.max_inflight = u32_arg(s, "max_inflight");
  cfg.max_item_bytes = u32_arg(s, "max_item_bytes");
  cfg.max_inflight_in_bytes = u32_arg(s, "max_inflight_in_bytes");
  cfg.max_out_item_bytes = u32_arg(s, "max_out_item_bytes");
  cfg.ctx = bytes_string(s, "ctx");
  return cfg;
}

RequireBrandConfig require_brand_config(const Plan& plan, std::size_t index) {
  const PlanStage& s = plan.chain[index];
  RequireBrandConfig cfg;
  cfg.validator = s.fn;
  cfg.brand = bytes_string(s, "brand");
  cfg.validator_name = bytes_string(s, "validator");
  cfg.max_item_bytes = s.int_arg("max_item_bytes");
  return cfg;
}

CollectBytesConfig collect_bytes_config(const Plan& plan) { return {u32(plan.cfg.max_out_bytes)}; }
HashFnv1a32Config hash_fnv1a32_config(const Plan&) { return {}; }
NullSinkConfig null_sink_config(const Plan&) { return {}; }

WriteFileConfig write_file_config(const Plan& plan) { return {bytes_string(plan.sink, "path")}; }

WriteStreamConfig write_stream_config(const Plan& plan) {
  const PlanStage& s = plan.sink;
  WriteStreamConfig cfg;
  cfg.path = bytes_string(s, "path");
  cfg.buf_cap_bytes = u32_arg(s, "buf_cap_bytes");
  cfg.flush_min_bytes = u32_arg(s, "flush_min_bytes");
  cfg.max_flushes = u32_arg(s, "max_flushes");
  cfg.hash = s.spec->id == "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1";
  return cfg;
}

Budgets budgets_of(const Plan& plan) {
  return {u32(plan.cfg.max_in_bytes), u32(plan.cfg.max_out_bytes), u32(plan.cfg.max_items)};
}

DocOptions doc_options_of(const Plan& plan) { return {plan.cfg.emit_payload != 0, plan.cfg.emit_stats != 0}; }

RunEnv env_for(const Plan& plan, const RunEnv& host) {
  RunEnv env = host;
  env.fs_root.sandboxed = world_sandboxes_paths(plan.world);
  return env;
}

std::vector<ProfilePart> profile_parts_of(const Plan& plan) {
  std::vector<ProfilePart> parts;
  parts.push_back({ProfilePart::Role::kSource, std::string(plan.source.spec->id), plan.source.pointer});
  for (const PlanStage& s : plan.chain) {
    std::string id(s.spec->id);
    if (!s.plugin.id.empty()) id += "(" + s.plugin.id + ")";
    parts.push_back({ProfilePart::Role::kStage, std::move(id), s.pointer});
  }
  std::string sink_id(plan.sink.spec->id);
  if (plan.sink_u32frames) sink_id = "std.stream.sink.u32frames_v1(" + sink_id + ")";
  parts.push_back({ProfilePart::Role::kSink, std::move(sink_id), plan.sink.pointer});
  return parts;
}

}  // namespace sluice
