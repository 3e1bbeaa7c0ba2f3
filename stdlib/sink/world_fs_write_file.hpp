// std.stream.sink.world_fs_write_file_v1 (spec §8): every item written to a file that appears at
// its path only when the run ends OK. X07 collects everything and writes once at the end; sluice
// streams into a temporary file beside the target (flat memory; a device or FIFO is written in
// place, see atomic_file.hpp) and keeps any error sticky until the end, so the doc is the same:
// ERR 41 with payload u32 rc, or OK with an empty payload.
#pragma once

#include <optional>
#include <string>

#include "runtime/atomic_file.hpp"
#include "runtime/copy_offload.hpp"
#include "runtime/output_stream.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct WriteFileConfig {
  std::string path;
};

class WorldFsWriteFile {
 public:
  WorldFsWriteFile(RunContext& ctx, WriteFileConfig cfg, FsRoot root, bool fsync = true, bool copy_offload = true)
      : ctx_(&ctx), cfg_(std::move(cfg)), root_(std::move(root)), fsync_(fsync), copy_offload_(copy_offload) {}
  // Under --shard the file is PATH.part-I-of-N; `sluice merge` joins the parts into PATH.
  WorldFsWriteFile(RunContext& ctx, WriteFileConfig cfg, const RunEnv& env)
      : WorldFsWriteFile(ctx, WriteFileConfig{cfg.path + shard_part_suffix(env.shard)}, env.fs_root, env.fsync_outputs,
                         env.copy_offload) {}

  Flow open();
  Flow consume(ByteView v);
  Flow finish();
  [[nodiscard]] ByteView payload() const { return {}; }
  // Copy offload into the temporary file (replace mode only: a device or FIFO is written in place
  // through pages).
  OffloadCopy offload_from(int in_fd, std::uint64_t bytes, bool input_may_grow);

 private:
  RunContext* ctx_;
  WriteFileConfig cfg_;
  FsRoot root_;
  bool fsync_;
  bool copy_offload_;
  int offload_errno_ = 0;  // a failed offload left bytes it could not remove
  AtomicFile file_;
  std::optional<OutputStream> out_;
};

}  // namespace sluice
