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
  if (!plan.chain.empty()) {
    const std::string_view first = plan.chain.front().spec->id;
    if (first == "std.stream.xf.split_lines_v1") {
      cfg.shard_align = ShardAlign::kLines;
      cfg.shard_delim = static_cast<std::uint8_t>(plan.chain.front().int_arg("delim"));
    } else if (first == "std.stream.xf.deframe_u32le_v1") {
      cfg.shard_align = ShardAlign::kFrames;
    }
  }
  return cfg;
}

DbRowsDocConfig db_rows_doc_config(const Plan& plan) {
  const PlanStage& s = plan.source;
  return {s.arg("conn"), s.arg("sql"), s.arg("params_doc"), s.arg("qcaps_doc")};
}

DbExecConfig db_exec_config(const Plan& plan) {
  const PlanStage& s = plan.sink;
  return {s.arg("conn"), s.arg("sql"), u32_arg(s, "batch_rows")};
}

NetTcpReadConfig net_tcp_read_config(const Plan& plan) {
  const PlanStage& s = plan.source;
  NetTcpReadConfig cfg;
  cfg.stream_handle = s.arg("stream_handle");
  cfg.caps = s.arg("caps");
  const std::string t = bytes_string(s, "on_timeout");
  cfg.on_timeout = t == "stop" ? NetOnTimeout::kStop : t == "stop_if_clean" ? NetOnTimeout::kStopIfClean : NetOnTimeout::kErr;
  const std::string e = bytes_string(s, "on_eof");
  cfg.on_eof = e == "shutdown_read" ? NetOnEof::kShutdownRead : e == "close" ? NetOnEof::kClose : NetOnEof::kLeaveOpen;
  cfg.chunk_max_bytes = u32(plan.cfg.chunk_max_bytes);
  cfg.max_steps = u32(plan.cfg.max_steps);
  return cfg;
}

NetTcpWriteConfig net_tcp_write_config(const Plan& plan) {
  const PlanStage& s = plan.sink;
  NetTcpWriteConfig cfg;
  cfg.stream_handle = s.arg("stream_handle");
  cfg.addr = s.arg("addr");
  cfg.caps = s.arg("caps");
  cfg.buf_cap_bytes = u32_arg(s, "buf_cap_bytes");
  cfg.flush_min_bytes = s.int_arg("flush_min_bytes");
  cfg.max_flushes = u32_arg(s, "max_flushes");
  cfg.max_write_calls = u32_arg(s, "max_write_calls");
  const std::string f = bytes_string(s, "on_finish");
  cfg.on_finish = f == "shutdown_write" ? NetOnFinish::kShutdownWrite : f == "close" ? NetOnFinish::kClose : NetOnFinish::kLeaveOpen;
  cfg.max_out_bytes = u32(plan.cfg.max_out_bytes);
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
  cfg.after_net_source = s.inserted;  // the only deframe the compiler inserts is the net source's
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

std::string shard_refusal(const Plan& plan) {
  const std::string_view src = plan.source.spec->id;
  if (src != "std.stream.src.fs_open_read_v1")
    return "the source is " + std::string(src) + "; only std.stream.src.fs_open_read_v1 reads a slice of its input";
  if (plan.chain.empty())
    return "the chain is empty; the first stage must be std.stream.xf.split_lines_v1 or std.stream.xf.deframe_u32le_v1 "
           "(their item boundaries are where a shard may start)";
  const std::string_view first = plan.chain.front().spec->id;
  if (first != "std.stream.xf.split_lines_v1" && first != "std.stream.xf.deframe_u32le_v1")
    return "the first stage is " + std::string(first) +
           "; it must be std.stream.xf.split_lines_v1 or std.stream.xf.deframe_u32le_v1 (their item boundaries are where "
           "a shard may start)";
  for (std::size_t i = 1; i < plan.chain.size(); ++i) {
    const PlanStage& s = plan.chain[i];
    const std::string_view id = s.spec->id;
    // take_v1 counts across the whole stream; a flushable stage (split_lines, deframe, json_canon,
    // a plugin) may keep bytes across items, which a shard cut would split differently.
    const bool unordered = id.find("unordered") != std::string_view::npos;
    // An ordered par_map is flushable only to drain the items in flight: item by item, in order.
    const bool ordered_par_map = id.starts_with("std.stream.xf.par_map_stream_") && !unordered;
    if (id == "std.stream.xf.take_v1" || (s.spec->flushable && !ordered_par_map) || unordered)
      return "stage " + std::to_string(i) + " (" + std::string(id) + ") " +
             (id == "std.stream.xf.take_v1" ? "counts items across the whole input"
              : unordered                    ? "emits items in an order that depends on timing"
                                             : "may keep state across items") +
             ", so the shards' docs would not merge into the unsharded run's";
  }
  const std::string_view sink = plan.sink.spec->id;
  if (sink != "std.stream.sink.collect_bytes_v1" && sink != "std.stream.sink.null_v1" &&
      sink != "std.stream.sink.world_fs_write_file_v1" && sink != "std.stream.sink.world_fs_write_stream_v1" &&
      sink != "sluice.stream.sink.hash_poly61_v1")
    return "the sink " + std::string(sink) + " is not mergeable" +
           (sink.find("hash_fnv1a32") != std::string_view::npos
                ? " (FNV-1a of the whole output cannot be computed from the shards' hashes; "
                  "sluice.stream.sink.hash_poly61_v1 can)"
                : "") +
           "; mergeable sinks: collect_bytes_v1, null_v1, world_fs_write_file_v1, world_fs_write_stream_v1, "
           "sluice.stream.sink.hash_poly61_v1";
  return {};
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
