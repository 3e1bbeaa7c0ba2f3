#include "stdlib/instantiate.hpp"

#include <string_view>

#include "stdlib/sink/collect_bytes.hpp"
#include "stdlib/sink/hash_fnv1a32.hpp"
#include "stdlib/sink/null.hpp"
#include "stdlib/sink/sink_entry.hpp"
#include "stdlib/sink/world_fs_write_file.hpp"
#include "stdlib/sink/world_fs_write_stream.hpp"
#include "stdlib/src/bytes.hpp"
#include "stdlib/src/fs_open_read.hpp"
#include "stdlib/xf/deframe_u32le.hpp"
#include "stdlib/xf/frame_u32le.hpp"
#include "stdlib/xf/json_canon_stream.hpp"
#include "stdlib/xf/split_lines.hpp"
#include "stdlib/xf/take.hpp"

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

std::unique_ptr<Source> make_source(const Plan& plan, RunContext& ctx, const RunEnv& env) {
  const PlanStage& s = plan.source;
  const std::string_view id = s.spec->id;
  if (id == "std.stream.src.bytes_v1") return std::make_unique<BytesSource>(s.bytes_arg("value"));
  // std.stream.src.fs_open_read_v1
  FsOpenReadConfig cfg;
  cfg.path = bytes_string(s, "path");
  cfg.chunk_max_bytes = static_cast<std::uint32_t>(plan.cfg.chunk_max_bytes);
  cfg.bufread_cap_bytes = static_cast<std::uint32_t>(plan.cfg.bufread_cap_bytes);
  cfg.max_steps = static_cast<std::uint32_t>(plan.cfg.max_steps);
  return std::make_unique<FsOpenReadSource>(ctx, std::move(cfg), env.fs_root, env.read_mode);
}

std::unique_ptr<Sink> make_sink(const Plan& plan, RunContext& ctx, const RunEnv& env) {
  const PlanStage& s = plan.sink;
  const std::string_view id = s.spec->id;
  const bool frames = plan.sink_u32frames;
  if (id == "std.stream.sink.collect_bytes_v1")
    return std::make_unique<SinkEntry<CollectBytes>>(ctx, frames, static_cast<std::uint32_t>(plan.cfg.max_out_bytes));
  if (id == "std.stream.sink.hash_fnv1a32_v1") return std::make_unique<SinkEntry<HashFnv1a32>>(ctx, frames);
  if (id == "std.stream.sink.null_v1") return std::make_unique<SinkEntry<NullSink>>(ctx, frames);
  if (id == "std.stream.sink.world_fs_write_file_v1")
    return std::make_unique<SinkEntry<WorldFsWriteFile>>(ctx, frames, ctx, WriteFileConfig{bytes_string(s, "path")},
                                                         env.fs_root);
  // world_fs_write_stream_v1 and its hash variant
  WriteStreamConfig cfg;
  cfg.path = bytes_string(s, "path");
  cfg.buf_cap_bytes = u32_arg(s, "buf_cap_bytes");
  cfg.flush_min_bytes = u32_arg(s, "flush_min_bytes");
  cfg.max_flushes = u32_arg(s, "max_flushes");
  cfg.hash = id == "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1";
  return std::make_unique<SinkEntry<WorldFsWriteStream>>(ctx, frames, ctx, std::move(cfg), env.fs_root);
}

std::unique_ptr<Stage> make_stage(const PlanStage& s, std::size_t index, RunContext& ctx, Stage* next) {
  const std::string_view id = s.spec->id;
  const StageRef ref(next);
  if (id == "std.stream.xf.take_v1")
    return std::make_unique<DynStage<Take<StageRef>>>(ctx, ctx, ref, TakeConfig{s.int_arg("n")});
  if (id == "std.stream.xf.split_lines_v1")
    return std::make_unique<DynStage<SplitLines<StageRef>>>(
        ctx, ctx, ref, SplitLinesConfig{s.int_arg("delim"), s.int_arg("max_line_bytes")});
  if (id == "std.stream.xf.frame_u32le_v1") return std::make_unique<DynStage<FrameU32le<StageRef>>>(ctx, ctx, ref);
  if (id == "std.stream.xf.json_canon_stream_v1") {
    JsonCanonConfig cfg;
    cfg.max_depth = s.int_arg("max_depth");
    cfg.max_total_json_bytes = s.int_arg("max_total_json_bytes");
    cfg.max_object_members = s.int_arg("max_object_members");
    cfg.max_object_total_bytes = s.int_arg("max_object_total_bytes");
    cfg.emit_chunk_max_bytes = s.int_arg("emit_chunk_max_bytes");
    cfg.stage_idx = static_cast<std::uint32_t>(index);
    return std::make_unique<DynStage<JsonCanonStream<StageRef>>>(ctx, ctx, ref, cfg);
  }
  // std.stream.xf.deframe_u32le_v1
  DeframeConfig cfg;
  cfg.max_frame_bytes = s.int_arg("max_frame_bytes");
  cfg.max_frames = s.int_arg("max_frames");
  cfg.allow_empty = s.int_arg("allow_empty");
  cfg.drop_truncated = s.int_arg("on_truncated") == 1;
  return std::make_unique<DynStage<DeframeU32le<StageRef>>>(ctx, ctx, ref, cfg);
}

}  // namespace

Pipeline instantiate(const Plan& plan, RunContext& ctx, const RunEnv& env) {
  Pipeline p;
  p.source = make_source(plan, ctx, env);
  p.sink = make_sink(plan, ctx, env);
  p.stages.resize(plan.chain.size());
  Stage* next = p.sink.get();
  for (std::size_t i = plan.chain.size(); i-- > 0;) {
    p.stages[i] = make_stage(plan.chain[i], i, ctx, next);
    next = p.stages[i].get();
  }
  for (auto& s : p.stages) p.chain.push_back(s.get());
  return p;
}

}  // namespace sluice
