#include "stdlib/catalog.hpp"

#include <array>

#include "runtime/stage.hpp"
#include "stdlib/sink/hash_poly61.hpp"
#include "stdlib/sink/sink_entry.hpp"
#include "stdlib/stage_configs.hpp"

namespace sluice {
namespace {

template <class S, auto Config>
std::unique_ptr<Source> build_source(const Plan& plan, RunContext& ctx, const RunEnv& env) {
  return std::make_unique<S>(ctx, Config(plan), env);
}

template <template <class> class Kernel, auto Config>
std::unique_ptr<Stage> build_stage(const Plan& plan, std::size_t index, RunContext& ctx, Stage* next) {
  return std::make_unique<DynStage<Kernel<StageRef>>>(ctx, ctx, StageRef(next), Config(plan, index));
}

template <class Consumer, auto Config>
std::unique_ptr<Sink> build_sink(const Plan& plan, RunContext& ctx, const RunEnv& env) {
  return std::make_unique<SinkEntry<Consumer>>(ctx, plan.sink_u32frames, ctx, Config(plan), env);
}

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
                              .summary = "the whole value as exactly one item",
    .cpp_header = "stdlib/src/bytes.hpp",
    .cpp_type = "sluice::BytesSource",
    .cpp_config = "sluice::bytes_source_config",
    .build_source = build_source<BytesSource, bytes_source_config>};

constexpr std::array kFsReadPos{PositionalSpec{"path", ValueType::kBytesView}};
constexpr StageSpec kSrcFsOpenRead{.id = "std.stream.src.fs_open_read_v1",
                                   .kind = StageKind::kSource,
                                   .positional = kFsReadPos,
                                   .fields = kSourceFields,
                                   .world = WorldNeed::kFsRead,
                                   .summary = "a file read in chunk_max_bytes chunks within bufread_cap_bytes windows",
    .cpp_header = "stdlib/src/fs_open_read.hpp",
    .cpp_type = "sluice::FsOpenReadSource",
    .cpp_config = "sluice::fs_open_read_config",
    .build_source = build_source<FsOpenReadSource, fs_open_read_config>};

constexpr std::array kDbRowsPos{PositionalSpec{"conn", ValueType::kI32}, PositionalSpec{"sql", ValueType::kBytesView},
                                PositionalSpec{"params_doc", ValueType::kBytes},
                                PositionalSpec{"qcaps_doc", ValueType::kBytes}};
constexpr StageSpec kSrcDbRowsDoc{.id = "std.stream.src.db_rows_doc_v1",
                                  .kind = StageKind::kSource,
                                  .positional = kDbRowsPos,
                                  .fields = kSourceFields,
                                  .world = WorldNeed::kOs,
                                  .summary = "one item per row of a database query (DataModel row values)",
    .cpp_header = "stdlib/src/db_rows_doc.hpp",
    .cpp_type = "sluice::DbRowsDocSource",
    .cpp_config = "sluice::db_rows_doc_config",
    .build_source = build_source<DbRowsDocSource, db_rows_doc_config>};
constexpr std::array kRrSendPos{PositionalSpec{"key", ValueType::kBytesView}};
constexpr StageSpec kSrcRrSend{.id = "std.stream.src.rr_send_v1",
                               .kind = StageKind::kSource,
                               .positional = kRrSendPos,
                               .fields = kSourceFields,
                               .world = WorldNeed::kRr,
                               .summary = "one item: the resp of the run's next record/replay entry for the key (--rr)",
    .cpp_header = "stdlib/src/rr_send.hpp",
    .cpp_type = "sluice::RrSendSource",
    .cpp_config = "sluice::rr_send_config",
    .build_source = build_source<RrSendSource, rr_send_config>};

// Net read sources (spec §6): kv only; the handle and caps are expressions, usually run-time
// arguments (they connect when the run starts).
constexpr std::array<std::string_view, 2> kOnTimeoutRead{"err", "stop"};
constexpr std::array<std::string_view, 2> kOnTimeoutFrames{"err", "stop_if_clean"};
constexpr std::array<std::string_view, 3> kOnEof{"leave_open", "shutdown_read", "close"};
constexpr FieldSpec kNetHandle{"stream_handle", FieldKind::kExpr, true, INT32_MIN, 0, {}, ValueType::kI32};
constexpr FieldSpec kNetCaps{"caps", FieldKind::kExpr, true, INT32_MIN, 0, {}, ValueType::kBytes};
constexpr std::array kNetReadFields{kNetHandle, kNetCaps, FieldSpec{"on_timeout", FieldKind::kWord, false, INT32_MIN, 0, kOnTimeoutRead},
                                    FieldSpec{"on_eof", FieldKind::kWord, false, INT32_MIN, 0, kOnEof}, kSourceBrand};
constexpr StageSpec kSrcNetRead{.id = "std.stream.src.net_tcp_read_stream_handle_v1",
                                .kind = StageKind::kSource,
                                .fields = kNetReadFields,
                                .world = WorldNeed::kOs,
                                .summary = "one item per read of a TCP stream (at most chunk_max_bytes or caps max_read_bytes)",
    .cpp_header = "stdlib/src/net_tcp_read.hpp",
    .cpp_type = "sluice::NetTcpReadSource",
    .cpp_config = "sluice::net_tcp_read_config",
    .build_source = build_source<NetTcpReadSource, net_tcp_read_config>};
// Desugared by the elaborator: this source reads as net_tcp_read_stream_handle_v1 and a
// deframe_u32le_v1 is inserted at chain index 0 (spec §6).
constexpr std::array kNetFramesFields{kNetHandle, kNetCaps, FieldSpec{"max_frame_bytes", FieldKind::kIntLiteral, true},
                                      FieldSpec{"allow_empty", FieldKind::kIntLiteral, false, INT32_MIN, 1},
                                      FieldSpec{"on_timeout", FieldKind::kWord, false, INT32_MIN, 0, kOnTimeoutFrames},
                                      FieldSpec{"on_eof", FieldKind::kWord, false, INT32_MIN, 0, kOnEof}, kSourceBrand};
constexpr StageSpec kSrcNetFrames{.id = "std.stream.src.net_tcp_read_u32frames_v1",
                                  .kind = StageKind::kSource,
                                  .fields = kNetFramesFields,
                                  .world = WorldNeed::kOs,
                                  .summary = "u32le frames read from a TCP stream (a deframe_u32le_v1 is inserted at chain index 0)",
    .cpp_header = "stdlib/src/net_tcp_read.hpp",
    .cpp_type = "sluice::NetTcpReadSource",
    .cpp_config = "sluice::net_tcp_read_config",
    .build_source = build_source<NetTcpReadSource, net_tcp_read_config>};

// ---- transducers ----
constexpr std::array kBrandFields{kInBrand, kOutBrand};

constexpr std::array kTakePos{PositionalSpec{"n", ValueType::kI32}};
constexpr StageSpec kXfTake{.id = "std.stream.xf.take_v1",
                            .kind = StageKind::kTransducer,
                            .positional = kTakePos,
                            .fields = kBrandFields,
                            .default_out_brand = "same",
                            .summary = "the first n items, then stop the source without flushing",
    .cpp_header = "stdlib/xf/take.hpp",
    .cpp_type = "sluice::Take",
    .cpp_config = "sluice::take_config",
    .build_stage = build_stage<Take, take_config>};

constexpr std::array kSplitPos{PositionalSpec{"delim", ValueType::kI32},
                               PositionalSpec{"max_line_bytes", ValueType::kI32}};
constexpr StageSpec kXfSplitLines{.id = "std.stream.xf.split_lines_v1",
                                  .kind = StageKind::kTransducer,
                                  .positional = kSplitPos,
                                  .fields = kBrandFields,
                                  .flushable = true,
                                  .plugin_like = true,
                                  .summary = "lines split on a delimiter byte (stripped), at most max_line_bytes each",
    .cpp_header = "stdlib/xf/split_lines.hpp",
    .cpp_type = "sluice::SplitLines",
    .cpp_config = "sluice::split_lines_config",
    .build_stage = build_stage<SplitLines, split_lines_config>};

constexpr StageSpec kXfFrame{.id = "std.stream.xf.frame_u32le_v1",
                             .kind = StageKind::kTransducer,
                             .fields = kBrandFields,
                             .plugin_like = true,
                             .summary = "each item prefixed with its u32 little-endian length",
    .cpp_header = "stdlib/xf/frame_u32le.hpp",
    .cpp_type = "sluice::FrameU32le",
    .cpp_config = "sluice::frame_u32le_config",
    .build_stage = build_stage<FrameU32le, frame_u32le_config>};

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
                               .summary = "u32 little-endian length-prefixed frames back into items",
    .cpp_header = "stdlib/xf/deframe_u32le.hpp",
    .cpp_type = "sluice::DeframeU32le",
    .cpp_config = "sluice::deframe_config",
    .build_stage = build_stage<DeframeU32le, deframe_config>};

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
                                 .summary = "the whole stream as one JSON document, RFC 8785-canonicalized at the end",
    .cpp_header = "stdlib/xf/json_canon_stream.hpp",
    .cpp_type = "sluice::JsonCanonStream",
    .cpp_config = "sluice::json_canon_config",
    .build_stage = build_stage<JsonCanonStream, json_canon_config>};

constexpr std::array kMapFields{FieldSpec{"fn", FieldKind::kFn, true}, kInBrand, kOutBrand};
constexpr StageSpec kXfMapBytes{.id = "std.stream.xf.map_bytes_v1",
                                .kind = StageKind::kTransducer,
                                .fields = kMapFields,
                                .summary = "each item replaced by f(item): bytes",
                                .calls_user_fn = true,
    .cpp_header = "stdlib/xf/map_bytes.hpp",
    .cpp_type = "sluice::MapBytes",
    .cpp_config = "sluice::map_bytes_config",
    .build_stage = build_stage<MapBytes, map_bytes_config>};
constexpr StageSpec kXfFilter{.id = "std.stream.xf.filter_v1",
                              .kind = StageKind::kTransducer,
                              .fields = kMapFields,
                              .default_out_brand = "same",
                              .summary = "items for which pred(item) is not 0, unchanged",
                              .calls_user_fn = true,
    .cpp_header = "stdlib/xf/filter.hpp",
    .cpp_type = "sluice::Filter",
    .cpp_config = "sluice::filter_config",
    .build_stage = build_stage<Filter, filter_config>};
constexpr std::array kMapInPlaceFields{
    FieldSpec{"fn", FieldKind::kFn, true},
    FieldSpec{"scratch_cap_bytes", FieldKind::kIntLiteral, true, 1, 0},
    FieldSpec{"clear_before_each", FieldKind::kIntLiteral, false, INT32_MIN, 1},
    kInBrand,
    kOutBrand,
};
constexpr StageSpec kXfMapInPlace{.id = "std.stream.xf.map_in_place_buf_v1",
                                  .kind = StageKind::kTransducer,
                                  .fields = kMapInPlaceFields,
                                  .summary = "f(item, scratch) fills a fixed-capacity scratch buffer; its content is the item",
                                  .calls_user_fn = true,
    .cpp_header = "stdlib/xf/map_in_place_buf.hpp",
    .cpp_type = "sluice::MapInPlaceBuf",
    .cpp_config = "sluice::map_in_place_buf_config",
    .build_stage = build_stage<MapInPlaceBuf, map_in_place_buf_config>};
constexpr std::array kRequireBrandFields{
    FieldSpec{"brand", FieldKind::kSymbol, true},
    FieldSpec{"validator", FieldKind::kSymbol},
    FieldSpec{"max_item_bytes", FieldKind::kIntLiteral, false, 0, 0},
};
constexpr StageSpec kXfRequireBrand{.id = "std.stream.xf.require_brand_v1",
                                    .kind = StageKind::kTransducer,
                                    .fields = kRequireBrandFields,
                                    .summary = "items checked by the brand's validator, forwarded unchanged",
                                    .calls_user_fn = true,
    .cpp_header = "stdlib/xf/require_brand.hpp",
    .cpp_type = "sluice::RequireBrand",
    .cpp_config = "sluice::require_brand_config",
    .build_stage = build_stage<RequireBrand, require_brand_config>};

// Spec §7.10: brands come from the registry entry (PlanStage::plugin), not from the descriptor.
constexpr std::array kPluginFields{
    FieldSpec{"id", FieldKind::kPluginId, true},
    FieldSpec{"cfg", FieldKind::kExpr, true, INT32_MIN, 0, {}, ValueType::kBytes},
    FieldSpec{"strict_brands", FieldKind::kPluginOpt, false, 0, 1},
    FieldSpec{"strict_cfg_canon", FieldKind::kPluginOpt, false, 0, 1},
};
constexpr StageSpec kXfPlugin{.id = "std.stream.xf.plugin_v1",
                              .kind = StageKind::kTransducer,
                              .fields = kPluginFields,
                              .flushable = true,
                              .plugin_like = true,
                              .summary = "a stream plugin called through the X07 plugin ABI v1, found in the registry",
    .cpp_header = "stdlib/xf/plugin.hpp",
    .cpp_type = "sluice::PluginStage",
    .cpp_config = "sluice::plugin_config",
    .build_stage = build_stage<PluginStage, plugin_config>};

// Spec §11. The four ids differ in the mapper's result (bytes | result_bytes) and in the order
// results leave the stage (input order | completion order); one kernel serves them all.
constexpr std::array kParMapFields{
    FieldSpec{"max_inflight", FieldKind::kIntLiteral, true, 1, 0},
    FieldSpec{"max_item_bytes", FieldKind::kIntLiteral, true, 1, 0},
    FieldSpec{"max_inflight_in_bytes", FieldKind::kIntLiteral, false, 0, 0},
    FieldSpec{"max_out_item_bytes", FieldKind::kIntLiteral, false, 0, 0},
    FieldSpec{"ctx", FieldKind::kExpr, false, INT32_MIN, 0, {}, ValueType::kBytes},
    FieldSpec{"mapper_defasync", FieldKind::kFn, true},
    FieldSpec{"scope_cfg", FieldKind::kScopeCfg},
    kInBrand,
    kOutBrand,
};
constexpr StageSpec kXfParMap{.id = "std.stream.xf.par_map_stream_v1",
                              .kind = StageKind::kTransducer,
                              .fields = kParMapFields,
                              .flushable = true,
                              .summary = "mapper(ctx, item): bytes on worker threads, at most max_inflight at once, in input order",
                              .calls_user_fn = true,
    .cpp_header = "stdlib/xf/par_map.hpp",
    .cpp_type = "sluice::ParMap",
    .cpp_config = "sluice::par_map_config",
    .build_stage = build_stage<ParMap, par_map_config>};
constexpr StageSpec kXfParMapResult{.id = "std.stream.xf.par_map_stream_result_bytes_v1",
                                    .kind = StageKind::kTransducer,
                                    .fields = kParMapFields,
                                    .flushable = true,
                                    .summary = "mapper(ctx, item): result_bytes on worker threads, in input order; an err ends the run",
                                    .calls_user_fn = true,
    .cpp_header = "stdlib/xf/par_map.hpp",
    .cpp_type = "sluice::ParMap",
    .cpp_config = "sluice::par_map_config",
    .build_stage = build_stage<ParMap, par_map_config>};
constexpr StageSpec kXfParMapUnordered{.id = "std.stream.xf.par_map_stream_unordered_v1",
                                       .kind = StageKind::kTransducer,
                                       .fields = kParMapFields,
                                       .flushable = true,
                                       .summary = "mapper(ctx, item): bytes on worker threads, in completion order (allow_nondet_v1=1)",
                                       .calls_user_fn = true,
    .cpp_header = "stdlib/xf/par_map.hpp",
    .cpp_type = "sluice::ParMap",
    .cpp_config = "sluice::par_map_config",
    .build_stage = build_stage<ParMap, par_map_config>};
constexpr StageSpec kXfParMapUnorderedResult{.id = "std.stream.xf.par_map_stream_unordered_result_bytes_v1",
                                             .kind = StageKind::kTransducer,
                                             .fields = kParMapFields,
                                             .flushable = true,
                                             .summary = "mapper(ctx, item): result_bytes on worker threads, in completion order (allow_nondet_v1=1)",
                                             .calls_user_fn = true,
    .cpp_header = "stdlib/xf/par_map.hpp",
    .cpp_type = "sluice::ParMap",
    .cpp_config = "sluice::par_map_config",
    .build_stage = build_stage<ParMap, par_map_config>};

// ---- sinks ----
constexpr std::array kSinkFields{kInBrand};
constexpr StageSpec kSinkCollect{.id = "std.stream.sink.collect_bytes_v1",
                                 .kind = StageKind::kSink,
                                 .fields = kSinkFields,
                                 .summary = "every item appended to the payload",
    .cpp_header = "stdlib/sink/collect_bytes.hpp",
    .cpp_type = "sluice::CollectBytes",
    .cpp_config = "sluice::collect_bytes_config",
    .build_sink = build_sink<CollectBytes, collect_bytes_config>};
constexpr StageSpec kSinkHash{.id = "std.stream.sink.hash_fnv1a32_v1",
                              .kind = StageKind::kSink,
                              .fields = kSinkFields,
                              .summary = "FNV-1a 32 of every delivered byte (4-byte LE payload)",
    .cpp_header = "stdlib/sink/hash_fnv1a32.hpp",
    .cpp_type = "sluice::HashFnv1a32",
    .cpp_config = "sluice::hash_fnv1a32_config",
    .build_sink = build_sink<HashFnv1a32, hash_fnv1a32_config>};
constexpr StageSpec kSinkNull{.id = "std.stream.sink.null_v1",
                              .kind = StageKind::kSink,
                              .fields = kSinkFields,
                              .summary = "items counted and discarded",
    .cpp_header = "stdlib/sink/null.hpp",
    .cpp_type = "sluice::NullSink",
    .cpp_config = "sluice::null_sink_config",
    .build_sink = build_sink<NullSink, null_sink_config>};
constexpr StageSpec kSinkHashPoly61{.id = "sluice.stream.sink.hash_poly61_v1",
                                    .kind = StageKind::kSink,
                                    .fields = kSinkFields,
                                    .summary = "sluice only: a polynomial hash mod 2^61-1 of every delivered byte that sharded runs merge (16-byte payload: hash, length, u64 LE)",
    .cpp_header = "stdlib/sink/hash_poly61.hpp",
    .cpp_type = "sluice::HashPoly61",
    .cpp_config = "sluice::hash_poly61_config",
    .build_sink = build_sink<HashPoly61, hash_poly61_config>};
constexpr StageSpec kSinkU32Frames{.id = "std.stream.sink.u32frames_v1",
                                   .kind = StageKind::kSink,
                                   .fields = kSinkFields,
                                   .wraps_sink = true,
                                   .summary = "each item delivered to the inner sink as u32le(len) then its bytes"};

constexpr std::array kDbExecPos{PositionalSpec{"conn", ValueType::kI32}, PositionalSpec{"sql", ValueType::kBytesView}};
constexpr std::array kDbExecFields{FieldSpec{"batch_rows", FieldKind::kIntLiteral, false, 1, 0}, kInBrand};
// sluice's own sink (not an X07 id): descriptor ids X07 does not define start with "sluice.".
constexpr StageSpec kSinkDbExec{.id = "sluice.stream.sink.db_exec_v1",
                                .kind = StageKind::kSink,
                                .positional = kDbExecPos,
                                .fields = kDbExecFields,
                                .world = WorldNeed::kOs,
                                .summary = "each row item bound to a statement and run, in transactions of batch_rows rows",
    .cpp_header = "stdlib/sink/db_exec.hpp",
    .cpp_type = "sluice::DbExecSink",
    .cpp_config = "sluice::db_exec_config",
    .build_sink = build_sink<DbExecSink, db_exec_config>};

// Net sinks (spec §8). Buffer keys: 0 means derived (buf_cap 65536, flush_min = buf_cap,
// max_flushes and max_write_calls from max_out_bytes), resolved when the sink opens.
constexpr std::array<std::string_view, 3> kOnFinishHandle{"leave_open", "shutdown_write", "close"};
constexpr std::array<std::string_view, 2> kOnFinishOwned{"shutdown_write", "close"};
constexpr FieldSpec kNetBufCap{"buf_cap_bytes", FieldKind::kIntLiteral, false, 1, 0};
constexpr FieldSpec kNetFlushMin{"flush_min_bytes", FieldKind::kIntLiteral, false, 1, 0};
constexpr FieldSpec kNetMaxFlushes{"max_flushes", FieldKind::kIntLiteral, false, 0, 0};
constexpr FieldSpec kNetMaxWrites{"max_write_calls", FieldKind::kIntLiteral, false, 0, 0};
constexpr std::array kNetWriteFields{kNetHandle, kNetCaps, kNetBufCap, kNetFlushMin,
                                     FieldSpec{"on_finish", FieldKind::kWord, false, INT32_MIN, 0, kOnFinishHandle},
                                     kNetMaxFlushes, kNetMaxWrites, kInBrand};
constexpr StageSpec kSinkNetWrite{.id = "std.stream.sink.net_tcp_write_stream_handle_v1",
                                  .kind = StageKind::kSink,
                                  .fields = kNetWriteFields,
                                  .world = WorldNeed::kOs,
                                  .summary = "items written to a TCP stream through a buffer",
    .cpp_header = "stdlib/sink/net_tcp_write.hpp",
    .cpp_type = "sluice::NetTcpWrite",
    .cpp_config = "sluice::net_tcp_write_config",
    .build_sink = build_sink<NetTcpWrite, net_tcp_write_config>};
// Exactly u32frames_v1(net_tcp_write_stream_handle_v1(...)): the elaborator sets sink_u32frames.
constexpr StageSpec kSinkNetWriteFrames{.id = "std.stream.sink.net_tcp_write_u32frames_v1",
                                        .kind = StageKind::kSink,
                                        .fields = kNetWriteFields,
                                        .world = WorldNeed::kOs,
                                        .summary = "items written to a TCP stream as u32le frames",
    .cpp_header = "stdlib/sink/net_tcp_write.hpp",
    .cpp_type = "sluice::NetTcpWrite",
    .cpp_config = "sluice::net_tcp_write_config",
    .build_sink = build_sink<NetTcpWrite, net_tcp_write_config>};
constexpr FieldSpec kNetAddr{"addr", FieldKind::kExpr, true, INT32_MIN, 0, {}, ValueType::kBytes};
constexpr std::array kNetConnectWriteFields{kNetAddr, kNetCaps, kNetBufCap, kNetFlushMin,
                                            FieldSpec{"on_finish", FieldKind::kWord, false, INT32_MIN, 1, kOnFinishOwned},
                                            kNetMaxFlushes, kNetMaxWrites, kInBrand};
constexpr StageSpec kSinkNetConnectWrite{.id = "std.stream.sink.net_tcp_connect_write_v1",
                                         .kind = StageKind::kSink,
                                         .fields = kNetConnectWriteFields,
                                         .world = WorldNeed::kOs,
                                         .summary = "connects to addr at sink init and writes the items through a buffer",
    .cpp_header = "stdlib/sink/net_tcp_write.hpp",
    .cpp_type = "sluice::NetTcpWrite",
    .cpp_config = "sluice::net_tcp_write_config",
    .build_sink = build_sink<NetTcpWrite, net_tcp_write_config>};

constexpr std::array kWriteFilePos{PositionalSpec{"path", ValueType::kBytes}};
constexpr StageSpec kSinkWriteFile{.id = "std.stream.sink.world_fs_write_file_v1",
                                   .kind = StageKind::kSink,
                                   .positional = kWriteFilePos,
                                   .fields = kSinkFields,
                                   .world = WorldNeed::kOs,
                                   .summary = "every item written to a file that appears only when the run succeeds",
    .cpp_header = "stdlib/sink/world_fs_write_file.hpp",
    .cpp_type = "sluice::WorldFsWriteFile",
    .cpp_config = "sluice::write_file_config",
    .build_sink = build_sink<WorldFsWriteFile, write_file_config>};

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
                                     .summary = "items written through a buffer to a file, committed at the end",
    .cpp_header = "stdlib/sink/world_fs_write_stream.hpp",
    .cpp_type = "sluice::WorldFsWriteStream",
    .cpp_config = "sluice::write_stream_config",
    .build_sink = build_sink<WorldFsWriteStream, write_stream_config>};
constexpr StageSpec kSinkWriteStreamHash{.id = "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1",
                                         .kind = StageKind::kSink,
                                         .positional = kWriteStreamPos,
                                         .fields = kWriteStreamFields,
                                         .world = WorldNeed::kOs,
                                         .summary = "as world_fs_write_stream_v1, with the FNV-1a 32 of the bytes as payload",
    .cpp_header = "stdlib/sink/world_fs_write_stream.hpp",
    .cpp_type = "sluice::WorldFsWriteStream",
    .cpp_config = "sluice::write_stream_config",
    .build_sink = build_sink<WorldFsWriteStream, write_stream_config>};

constexpr std::array<const StageSpec*, 32> kAll{
    &kSrcBytes,      &kSrcFsOpenRead, &kSrcDbRowsDoc, &kSrcRrSend, &kXfTake,        &kXfSplitLines,    &kXfFrame,
    &kXfDeframe,     &kXfJsonCanon,   &kXfMapBytes,    &kXfFilter,        &kXfMapInPlace,
    &kXfRequireBrand, &kXfPlugin,   &kXfParMap,      &kXfParMapResult,  &kXfParMapUnordered,
    &kXfParMapUnorderedResult,      &kSinkCollect,   &kSinkHash,        &kSinkNull,  &kSinkHashPoly61,
    &kSinkU32Frames, &kSinkWriteFile, &kSinkWriteStream, &kSinkWriteStreamHash,
    &kSinkDbExec,    &kSrcNetRead,    &kSrcNetFrames, &kSinkNetWrite, &kSinkNetWriteFrames, &kSinkNetConnectWrite,
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

}  // namespace sluice
