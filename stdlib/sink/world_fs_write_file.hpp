// std.stream.sink.world_fs_write_file_v1 (spec §8): every item written to a file that appears at
// its path only when the run ends OK. X07 collects everything and writes once at the end; sluice
// streams into a temporary file beside the target (flat memory; a device or FIFO is written in
// place, see atomic_file.hpp) and keeps any error sticky until the end, so the doc is the same:
// ERR 41 with payload u32 rc, or OK with an empty payload.
#pragma once

#include <optional>
#include <string>

#include "runtime/atomic_file.hpp"
#include "runtime/output_stream.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct WriteFileConfig {
  std::string path;
};

class WorldFsWriteFile {
 public:
  WorldFsWriteFile(RunContext& ctx, WriteFileConfig cfg, FsRoot root, bool fsync = true)
      : ctx_(&ctx), cfg_(std::move(cfg)), root_(std::move(root)), fsync_(fsync) {}
  WorldFsWriteFile(RunContext& ctx, WriteFileConfig cfg, const RunEnv& env)
      : WorldFsWriteFile(ctx, std::move(cfg), env.fs_root, env.fsync_outputs) {}

  Flow open();
  Flow consume(ByteView v);
  Flow finish();
  [[nodiscard]] ByteView payload() const { return {}; }

 private:
  RunContext* ctx_;
  WriteFileConfig cfg_;
  FsRoot root_;
  bool fsync_;
  AtomicFile file_;
  std::optional<OutputStream> out_;
};

}  // namespace sluice
