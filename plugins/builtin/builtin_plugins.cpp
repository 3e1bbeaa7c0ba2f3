#include "plugins/builtin/builtin_plugins.hpp"

#include "plugins/builtin/kernel_plugin.hpp"
#include "plugins/msgpack/msgpack_plugins.hpp"
#include "stdlib/xf/deframe_u32le.hpp"
#include "stdlib/xf/frame_u32le.hpp"
#include "stdlib/xf/json_canon_stream.hpp"
#include "stdlib/xf/split_lines.hpp"

namespace sluice::builtin_plugins {
namespace {

// Binary cfg layouts (spec §7.5–§7.8): little-endian i32 words.
bool parse_split(x07_bytes_view_v1 cfg, SplitLinesConfig& c) {
  if (cfg.len != 8) return false;
  c.delim = cfg_i32(cfg, 0);
  c.max_line_bytes = cfg_i32(cfg, 1);
  return true;
}
bool parse_frame(x07_bytes_view_v1, FrameU32leConfig&) { return true; }
bool parse_deframe(x07_bytes_view_v1 cfg, DeframeConfig& c) {
  if (cfg.len != 16) return false;
  c.max_frame_bytes = cfg_i32(cfg, 0);
  c.max_frames = cfg_i32(cfg, 1);
  c.allow_empty = cfg_i32(cfg, 2) != 0 ? 1 : 0;
  const std::int32_t on_truncated = cfg_i32(cfg, 3);
  if (on_truncated != 0 && on_truncated != 1) return false;
  c.drop_truncated = on_truncated == 1;
  return true;
}
bool parse_json(x07_bytes_view_v1 cfg, JsonCanonConfig& c) {
  if (cfg.len != 20) return false;
  c.max_depth = cfg_i32(cfg, 0);
  c.max_total_json_bytes = cfg_i32(cfg, 1);
  c.max_object_members = cfg_i32(cfg, 2);
  c.max_object_total_bytes = cfg_i32(cfg, 3);
  c.emit_chunk_max_bytes = cfg_i32(cfg, 4);
  return true;
}

using Split = KernelPlugin<SplitLines, SplitLinesConfig, parse_split>;
using Frame = KernelPlugin<FrameU32le, FrameU32leConfig, parse_frame>;
using Deframe = KernelPlugin<DeframeU32le, DeframeConfig, parse_deframe>;
using Json = KernelPlugin<JsonCanonStream, JsonCanonConfig, parse_json>;

}  // namespace
}  // namespace sluice::builtin_plugins

using namespace sluice::builtin_plugins;

// state_size / scratch_max are the registry's pinned state_bytes / scratch_bytes (spec §9.4).
extern "C" const x07_stream_xf_plugin_v1 x07_xf_split_lines_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.split_lines_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "none",
    32, 16, 0, 1048576, &Split::init, &Split::step, &Split::flush, &Split::drop};
extern "C" const x07_stream_xf_plugin_v1 x07_xf_frame_u32le_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.frame_u32le_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "none",
    32, 16, 0, 0, &Frame::init, &Frame::step, &Frame::flush, &Frame::drop};
extern "C" const x07_stream_xf_plugin_v1 x07_xf_deframe_u32le_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.deframe_u32le_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "none",
    64, 16, 0, 8388608, &Deframe::init, &Deframe::step, &Deframe::flush, &Deframe::drop};
extern "C" const x07_stream_xf_plugin_v1 x07_xf_json_canon_stream_v1 = {
    X07_XF_ABI_TAG, X07_XF_ABI_VERSION, "xf.json_canon_stream_v1", X07_XF_FLAG_DETERMINISTIC_ONLY, "any", "none",
    64, 16, 0, 8388608, &Json::init, &Json::step, &Json::flush, &Json::drop};

namespace sluice {

const x07_stream_xf_plugin_v1* builtin_plugin_symbol(std::string_view symbol) {
  if (symbol == "x07_xf_split_lines_v1") return &x07_xf_split_lines_v1;
  if (symbol == "x07_xf_frame_u32le_v1") return &x07_xf_frame_u32le_v1;
  if (symbol == "x07_xf_deframe_u32le_v1") return &x07_xf_deframe_u32le_v1;
  if (symbol == "x07_xf_json_canon_stream_v1") return &x07_xf_json_canon_stream_v1;
  if (symbol == "x07_xf_test_emit_limits_v1") return &x07_xf_test_emit_limits_v1;
  if (symbol == "x07_xf_msgpack_split_v1") return &x07_xf_msgpack_split_v1;
  if (symbol == "x07_xf_msgpack_to_json_v1") return &x07_xf_msgpack_to_json_v1;
  if (symbol == "x07_xf_json_to_msgpack_v1") return &x07_xf_json_to_msgpack_v1;
  return nullptr;
}

}  // namespace sluice
