#include "runtime/shard.hpp"

#include <charconv>
#include <cstdlib>

namespace sluice {
namespace {

// Digits only, in [lo, hi]: "-1", " 3" and "3x" are refused (strtoul would take them).
std::optional<std::uint64_t> parse_u64(std::string_view text, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t n = 0;
  const char* const last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, n);
  if (text.empty() || ec != std::errc{} || end != last || n < lo || n > hi) return std::nullopt;
  return n;
}

const char* default_env(const char* name) { return std::getenv(name); }

}  // namespace

std::optional<ShardSpec> resolve_shard(std::string_view text, std::uint32_t shards_flag, std::string& why, EnvLookup env) {
  if (env == nullptr) env = default_env;
  if (shards_flag != 0 && text != "auto") {
    why = "--shards N goes with --shard auto (JOB_COMPLETION_INDEX); --shard I/N names N itself";
    return std::nullopt;
  }
  if (text != "auto") {
    const std::size_t slash = text.find('/');
    const auto n = slash == std::string_view::npos ? std::nullopt : parse_u64(text.substr(slash + 1), 1, kMaxShards);
    const auto i = n ? parse_u64(text.substr(0, slash), 0, *n - 1) : std::nullopt;
    if (!n || !i) {
      why = "--shard: expected I/N with 0 <= I < N <= " + std::to_string(kMaxShards) + ", or auto; got '" + std::string(text) + "'";
      return std::nullopt;
    }
    return ShardSpec{static_cast<std::uint32_t>(*i), static_cast<std::uint32_t>(*n)};
  }
  // Slurm numbers array tasks by the indexes of --array (0-3 or 1-4 alike); the shard is the
  // task's rank within the array, which needs a step of 1 to be dense.
  const char* id = env("SLURM_ARRAY_TASK_ID");
  const char* count = env("SLURM_ARRAY_TASK_COUNT");
  if (id != nullptr && count != nullptr) {
    const char* min = env("SLURM_ARRAY_TASK_MIN");
    const char* step = env("SLURM_ARRAY_TASK_STEP");
    const auto n = parse_u64(count, 1, kMaxShards);
    const auto task = parse_u64(id, 0, UINT32_MAX);
    const auto lo = min != nullptr ? parse_u64(min, 0, UINT32_MAX) : std::optional<std::uint64_t>(0);
    if (!n || !task || !lo || *task < *lo || *task - *lo >= *n) {
      why = "--shard auto: SLURM_ARRAY_TASK_ID/_MIN/_COUNT do not name a task of the array (ID " + std::string(id) +
            ", MIN " + (min ? min : "unset") + ", COUNT " + count + ")";
      return std::nullopt;
    }
    if (step != nullptr && std::string_view(step) != "1") {
      why = "--shard auto: the Slurm array has step " + std::string(step) + "; submit a dense one (--array=0-N)";
      return std::nullopt;
    }
    return ShardSpec{static_cast<std::uint32_t>(*task - *lo), static_cast<std::uint32_t>(*n)};
  }
  if (const char* index = env("JOB_COMPLETION_INDEX")) {
    if (shards_flag == 0) {
      why = "--shard auto: JOB_COMPLETION_INDEX is set but not the shard count: pass --shards N (the Job's completions)";
      return std::nullopt;
    }
    const auto i = parse_u64(index, 0, shards_flag - 1);
    if (!i) {
      why = "--shard auto: JOB_COMPLETION_INDEX '" + std::string(index) + "' is not in 0.." + std::to_string(shards_flag - 1);
      return std::nullopt;
    }
    return ShardSpec{static_cast<std::uint32_t>(*i), shards_flag};
  }
  why = "--shard auto: neither SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (a Slurm job array) nor JOB_COMPLETION_INDEX "
        "(a Kubernetes Indexed Job) is set";
  return std::nullopt;
}

std::string shard_part_suffix(const ShardSpec& shard) {
  if (!shard.active()) return {};
  return ".part-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
}

}  // namespace sluice
