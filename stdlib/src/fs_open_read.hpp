// std.stream.src.fs_open_read_v1 (spec §6): a file read in items of chunk_max_bytes within
// refill windows of bufread_cap_bytes, bounded by max_steps. Items are views into the input
// stream's page. An unsafe path or an open failure is a trap, not an ERR doc.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/fs_sandbox.hpp"
#include "runtime/input_stream.hpp"
#include "runtime/run_context.hpp"
#include "runtime/source.hpp"
#include "runtime/run_env.hpp"
#include "stdlib/src/shard_range.hpp"

namespace sluice {

struct FsOpenReadConfig {
  std::string path;
  std::uint32_t chunk_max_bytes = 0;
  std::uint32_t bufread_cap_bytes = 0;
  std::uint32_t max_steps = 0;
  // How a --shard slice is aligned: to the items of the chain's first stage (shard_range.hpp).
  ShardAlign shard_align = ShardAlign::kNone;
  std::uint8_t shard_delim = '\n';
};

class FsOpenReadSource final : public Source {
 public:
  FsOpenReadSource(RunContext& ctx, FsOpenReadConfig cfg, FsRoot root, ReadMode mode, ShardSpec shard = {})
      : ctx_(&ctx), cfg_(std::move(cfg)), root_(std::move(root)), mode_(mode), shard_(shard) {}
  FsOpenReadSource(RunContext& ctx, FsOpenReadConfig cfg, const RunEnv& env)
      : FsOpenReadSource(ctx, std::move(cfg), env.fs_root, env.read_mode, env.shard) {}

  Flow open() override;
  SourceStep next(ByteView& item) override;
  // A regular file whose items all fit within max_steps: its descriptor, size and item count.
  OffloadInput offload_input() override;
  // A regular file's size (or the mapped length), read once after open().
  std::optional<std::uint64_t> total_bytes() override;
  // Bytes the input stream moved to keep pulls contiguous (also counted in the RunContext).
  [[nodiscard]] std::uint64_t stream_copied_bytes() const { return stream_.copied_bytes(); }

 private:
  RunContext* ctx_;
  FsOpenReadConfig cfg_;
  FsRoot root_;
  ReadMode mode_;
  ShardSpec shard_;
  std::uint64_t shard_bytes_ = 0;  // the length of the --shard slice (when sharded)
  InputStream stream_;
  std::uint32_t steps_ = 0;
  std::uint32_t window_left_ = 0;  // bytes left in the current bufread_cap_bytes refill window
  std::uint32_t pending_advance_ = 0;
  std::uint64_t copies_reported_ = 0;
};

}  // namespace sluice
