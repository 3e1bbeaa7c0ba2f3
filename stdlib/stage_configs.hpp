// Plan → stage configuration, one function per stage. Both backends build their stages through
// these: the interpreter in instantiate.cpp, generated C++ by calling them on its embedded plan.
// Transducers take their chain index; sources and sinks read plan.source / plan.sink.
#pragma once

#include <cstddef>

#include "runtime/executor.hpp"
#include "runtime/profile.hpp"
#include "runtime/run_context.hpp"
#include "stdlib/plan.hpp"
#include "runtime/run_env.hpp"
#include "stdlib/sink/collect_bytes.hpp"
#include "stdlib/sink/db_exec.hpp"
#include "stdlib/sink/hash_fnv1a32.hpp"
#include "stdlib/sink/net_tcp_write.hpp"
#include "stdlib/sink/null.hpp"
#include "stdlib/sink/world_fs_write_file.hpp"
#include "stdlib/sink/world_fs_write_stream.hpp"
#include "stdlib/src/bytes.hpp"
#include "stdlib/src/db_rows_doc.hpp"
#include "stdlib/src/fs_open_read.hpp"
#include "stdlib/src/net_tcp_read.hpp"
#include "stdlib/src/rr_send.hpp"
#include "stdlib/xf/deframe_u32le.hpp"
#include "stdlib/xf/frame_u32le.hpp"
#include "stdlib/xf/json_canon_stream.hpp"
#include "stdlib/xf/split_lines.hpp"
#include "stdlib/xf/filter.hpp"
#include "stdlib/xf/map_bytes.hpp"
#include "stdlib/xf/map_in_place_buf.hpp"
#include "stdlib/xf/par_map.hpp"
#include "stdlib/xf/plugin.hpp"
#include "stdlib/xf/require_brand.hpp"
#include "stdlib/xf/take.hpp"

namespace sluice {

BytesSourceConfig bytes_source_config(const Plan& plan);
FsOpenReadConfig fs_open_read_config(const Plan& plan);
DbRowsDocConfig db_rows_doc_config(const Plan& plan);
DbExecConfig db_exec_config(const Plan& plan);
NetTcpReadConfig net_tcp_read_config(const Plan& plan);
NetTcpWriteConfig net_tcp_write_config(const Plan& plan);
RrSendConfig rr_send_config(const Plan& plan);

TakeConfig take_config(const Plan& plan, std::size_t index);
SplitLinesConfig split_lines_config(const Plan& plan, std::size_t index);
FrameU32leConfig frame_u32le_config(const Plan& plan, std::size_t index);
DeframeConfig deframe_config(const Plan& plan, std::size_t index);
JsonCanonConfig json_canon_config(const Plan& plan, std::size_t index);
MapBytesConfig map_bytes_config(const Plan& plan, std::size_t index);
FilterConfig filter_config(const Plan& plan, std::size_t index);
MapInPlaceBufConfig map_in_place_buf_config(const Plan& plan, std::size_t index);
RequireBrandConfig require_brand_config(const Plan& plan, std::size_t index);
PluginStageConfig plugin_config(const Plan& plan, std::size_t index);
ParMapConfig par_map_config(const Plan& plan, std::size_t index);

CollectBytesConfig collect_bytes_config(const Plan& plan);
HashFnv1a32Config hash_fnv1a32_config(const Plan& plan);
NullSinkConfig null_sink_config(const Plan& plan);
WriteFileConfig write_file_config(const Plan& plan);
WriteStreamConfig write_stream_config(const Plan& plan);

// What every run of a plan shares, whichever backend runs it.
Budgets budgets_of(const Plan& plan);
DocOptions doc_options_of(const Plan& plan);
// The host's environment with the plan's world applied (paths confined unless run-os).
RunEnv env_for(const Plan& plan, const RunEnv& host);
// Why `plan` cannot run as one shard of a job array whose docs `sluice merge` joins into the
// unsharded run's doc (docs/scale-out.md), or "" when it can: the source must be fs_open_read_v1,
// the first stage split_lines_v1 or deframe_u32le_v1 (items with findable boundaries), the later
// stages per-item (no take_v1, no stage that keeps state across items), the sink mergeable
// (collect_bytes_v1, null_v1, world_fs_write_file_v1, world_fs_write_stream_v1).
std::string shard_refusal(const Plan& plan);
// The parts a --profile report names: the source, each chain stage (a plugin with its plugin
// id), the sink.
std::vector<ProfilePart> profile_parts_of(const Plan& plan);

}  // namespace sluice
