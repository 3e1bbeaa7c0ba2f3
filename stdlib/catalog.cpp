#include "stdlib/catalog.hpp"

#include <array>

namespace sluice {
namespace {

constexpr FieldSpec kSourceBrand{"out_item_brand", FieldKind::kBrandOut};
constexpr FieldSpec kInBrand{"in_item_brand", FieldKind::kBrandIn};
constexpr FieldSpec kOutBrand{"out_item_brand", FieldKind::kBrandOut};

// ---- sources ----
constexpr std::array kBytesPos{PositionalSpec{"value", ValueType::kBytes}};
constexpr std::array kSourceFields{kSourceBrand};
constexpr StageSpec kSrcBytes{.id = "std.stream.src.bytes_v1",
                              .kind = StageKind::kSource,
                              .positional = kBytesPos,
                              .fields = kSourceFields,
                              .summary = "the whole value as exactly one item"};

constexpr std::array kFsReadPos{PositionalSpec{"path", ValueType::kBytesView}};
constexpr StageSpec kSrcFsOpenRead{.id = "std.stream.src.fs_open_read_v1",
                                   .kind = StageKind::kSource,
                                   .positional = kFsReadPos,
                                   .fields = kSourceFields,
                                   .world = WorldNeed::kFsRead,
                                   .summary = "a file read in chunk_max_bytes chunks within bufread_cap_bytes windows"};

// ---- transducers ----
constexpr std::array kBrandFields{kInBrand, kOutBrand};

constexpr std::array kTakePos{PositionalSpec{"n", ValueType::kI32}};
constexpr StageSpec kXfTake{.id = "std.stream.xf.take_v1",
                            .kind = StageKind::kTransducer,
                            .positional = kTakePos,
                            .fields = kBrandFields,
                            .default_out_brand = "same",
                            .summary = "the first n items, then stop the source without flushing"};

constexpr std::array kSplitPos{PositionalSpec{"delim", ValueType::kI32},
                               PositionalSpec{"max_line_bytes", ValueType::kI32}};
constexpr StageSpec kXfSplitLines{.id = "std.stream.xf.split_lines_v1",
                                  .kind = StageKind::kTransducer,
                                  .positional = kSplitPos,
                                  .fields = kBrandFields,
                                  .flushable = true,
                                  .plugin_like = true,
                                  .summary = "lines split on a delimiter byte (stripped), at most max_line_bytes each"};

constexpr StageSpec kXfFrame{.id = "std.stream.xf.frame_u32le_v1",
                             .kind = StageKind::kTransducer,
                             .fields = kBrandFields,
                             .plugin_like = true,
                             .summary = "each item prefixed with its u32 little-endian length"};

constexpr std::array<std::string_view, 2> kTruncatedWords{"err", "drop"};
constexpr std::array kDeframeFields{
    FieldSpec{"max_frame_bytes", FieldKind::kIntLiteral, true},
    FieldSpec{"max_frames", FieldKind::kIntLiteral, false, INT32_MIN, 0},
    FieldSpec{"allow_empty", FieldKind::kIntLiteral, false, INT32_MIN, 1},
    FieldSpec{"on_truncated", FieldKind::kWord, false, INT32_MIN, 0, kTruncatedWords},
    kInBrand,
    kOutBrand,
};
constexpr StageSpec kXfDeframe{.id = "std.stream.xf.deframe_u32le_v1",
                               .kind = StageKind::kTransducer,
                               .fields = kDeframeFields,
                               .flushable = true,
                               .plugin_like = true,
                               .summary = "u32 little-endian length-prefixed frames back into items"};

// Defaults of 0 here mean "resolved by the front end" (spec §7.8: max_depth 64,
// max_total_json_bytes = max_in_bytes after the §3 reduction, max_object_members 4096,
// max_object_total_bytes = min(max_out_bytes, 4194304), emit_chunk_max_bytes = chunk_max_bytes).
constexpr std::array kJsonCanonFields{
    FieldSpec{"max_depth", FieldKind::kIntLiteral, false, 1, 0},
    FieldSpec{"max_total_json_bytes", FieldKind::kIntLiteral, false, 1, 0},
    FieldSpec{"max_object_members", FieldKind::kIntLiteral, false, 1, 0},
    FieldSpec{"max_object_total_bytes", FieldKind::kIntLiteral, false, 1, 0},
    FieldSpec{"emit_chunk_max_bytes", FieldKind::kIntLiteral, false, 1, 0},
    kInBrand,
    kOutBrand,
};
constexpr StageSpec kXfJsonCanon{.id = "std.stream.xf.json_canon_stream_v1",
                                 .kind = StageKind::kTransducer,
                                 .fields = kJsonCanonFields,
                                 .flushable = true,
                                 .plugin_like = true,
                                 .summary = "the whole stream as one JSON document, RFC 8785-canonicalized at the end"};

// ---- sinks ----
constexpr std::array kSinkFields{kInBrand};
constexpr StageSpec kSinkCollect{.id = "std.stream.sink.collect_bytes_v1",
                                 .kind = StageKind::kSink,
                                 .fields = kSinkFields,
                                 .summary = "every item appended to the payload"};
constexpr StageSpec kSinkHash{.id = "std.stream.sink.hash_fnv1a32_v1",
                              .kind = StageKind::kSink,
                              .fields = kSinkFields,
                              .summary = "FNV-1a 32 of every delivered byte (4-byte LE payload)"};
constexpr StageSpec kSinkNull{.id = "std.stream.sink.null_v1",
                              .kind = StageKind::kSink,
                              .fields = kSinkFields,
                              .summary = "items counted and discarded"};
constexpr StageSpec kSinkU32Frames{.id = "std.stream.sink.u32frames_v1",
                                   .kind = StageKind::kSink,
                                   .fields = kSinkFields,
                                   .wraps_sink = true,
                                   .summary = "each item delivered to the inner sink as u32le(len) then its bytes"};

constexpr std::array kWriteFilePos{PositionalSpec{"path", ValueType::kBytes}};
constexpr StageSpec kSinkWriteFile{.id = "std.stream.sink.world_fs_write_file_v1",
                                   .kind = StageKind::kSink,
                                   .positional = kWriteFilePos,
                                   .fields = kSinkFields,
                                   .world = WorldNeed::kOs,
                                   .summary = "every item written to a file that appears only when the run succeeds"};

constexpr std::array kWriteStreamPos{PositionalSpec{"path", ValueType::kBytes},
                                     PositionalSpec{"caps", ValueType::kBytes}};
// Defaults of 0 here mean "derived at elaboration" (buf_cap_bytes = chunk_max_bytes,
// flush_min_bytes = buf_cap_bytes, max_flushes = ceil(max_out_bytes / flush_min) + 4).
constexpr std::array kWriteStreamFields{
    FieldSpec{"buf_cap_bytes", FieldKind::kIntLiteral, false, 1, 0},
    FieldSpec{"flush_min_bytes", FieldKind::kIntLiteral, false, 1, 0},
    FieldSpec{"max_flushes", FieldKind::kIntLiteral, false, 0, 0},
    kInBrand,
};
constexpr StageSpec kSinkWriteStream{.id = "std.stream.sink.world_fs_write_stream_v1",
                                     .kind = StageKind::kSink,
                                     .positional = kWriteStreamPos,
                                     .fields = kWriteStreamFields,
                                     .world = WorldNeed::kOs,
                                     .summary = "items written through a buffer to a file, committed at the end"};
constexpr StageSpec kSinkWriteStreamHash{.id = "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1",
                                         .kind = StageKind::kSink,
                                         .positional = kWriteStreamPos,
                                         .fields = kWriteStreamFields,
                                         .world = WorldNeed::kOs,
                                         .summary = "as world_fs_write_stream_v1, with the FNV-1a 32 of the bytes as payload"};

constexpr std::array<const StageSpec*, 14> kAll{
    &kSrcBytes,      &kSrcFsOpenRead, &kXfTake,        &kXfSplitLines,    &kXfFrame,
    &kXfDeframe,     &kXfJsonCanon,   &kSinkCollect,   &kSinkHash,        &kSinkNull,
    &kSinkU32Frames, &kSinkWriteFile, &kSinkWriteStream, &kSinkWriteStreamHash,
};

}  // namespace

const StageSpec* find_stage(std::string_view id) {
  for (const StageSpec* s : kAll)
    if (s->id == id) return s;
  return nullptr;
}

std::span<const StageSpec* const> all_stages() { return kAll; }

}  // namespace sluice

namespace sluice {

bool is_x07_stage_not_yet_supported(std::string_view id) {
  static constexpr std::array<std::string_view, 17> kIds{
      "std.stream.src.rr_send_v1",
      "std.stream.src.db_rows_doc_v1",
      "std.stream.src.net_tcp_read_stream_handle_v1",
      "std.stream.src.net_tcp_read_u32frames_v1",
      "std.stream.xf.map_bytes_v1",
      "std.stream.xf.filter_v1",
      "std.stream.xf.map_in_place_buf_v1",
      "std.stream.xf.require_brand_v1",
      "std.stream.xf.plugin_v1",
      "std.stream.xf.par_map_stream_v1",
      "std.stream.xf.par_map_stream_result_bytes_v1",
      "std.stream.xf.par_map_stream_unordered_v1",
      "std.stream.xf.par_map_stream_unordered_result_bytes_v1",
      "std.stream.sink.net_tcp_write_stream_handle_v1",
      "std.stream.sink.net_tcp_write_u32frames_v1",
      "std.stream.sink.net_tcp_connect_write_v1",
      "std.stream.sink.db_exec_v1",
  };
  for (std::string_view s : kIds)
    if (s == id) return true;
  return false;
}

}  // namespace sluice
