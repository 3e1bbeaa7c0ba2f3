// --shard I/N (docs/scale-out.md): which slice of its input one task of a job array reads. Parsed
// the same way by `sluice run` and by compiled executables, so both accept the same words and give
// the same messages. A shard of an fs_open_read_v1 source is a byte range of the file aligned to
// the first stage's items (stdlib/src/shard_range.hpp); fs file sinks write PATH.part-I-of-N.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

struct ShardSpec {
  std::uint32_t index = 0;  // 0 <= index < count, numbered from 0 like Slurm and Kubernetes
  std::uint32_t count = 0;  // 0: not sharded (the whole input)
  [[nodiscard]] bool active() const { return count != 0; }
};

// The largest N --shard accepts: far beyond any job array, small enough that I*size/N and the
// part-file names stay simple.
inline constexpr std::uint32_t kMaxShards = 1000000;

// Reads a function of the environment (getenv by default) so tests can pass their own.
using EnvLookup = const char* (*)(const char* name);

// `text` is --shard's value: "I/N", or "auto" (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT, else JOB_COMPLETION_INDEX of `shards_flag` (--shards N; 0: not given)).
// nullopt with `why` set on a bad value or a missing variable.
std::optional<ShardSpec> resolve_shard(std::string_view text, std::uint32_t shards_flag, std::string& why,
                                       EnvLookup env = nullptr);

// ".part-I-of-N": what a sharded fs file sink appends to its path; empty when not sharded.
std::string shard_part_suffix(const ShardSpec& shard);

}  // namespace sluice
