// std.stream.sink.world_fs_write_stream_v1 and ..._hash_fnv1a32_v1 (spec §8): a buffered write
// with X07's exact policy (buf_cap_bytes, flush_min_bytes, a physical-write budget), opened at
// sink init and committed at the end. A new or regular-file target appears only when the run
// ends OK; a device or FIFO is written in place (atomic_file.hpp). An fsync, close or rename
// failure at the end is ERR 42, the close failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/atomic_file.hpp"
#include "runtime/hash_fnv1a.hpp"
#include "runtime/output_stream.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct WriteStreamConfig {
  std::string path;
  std::uint32_t buf_cap_bytes = 0;
  std::uint32_t flush_min_bytes = 0;
  std::uint32_t max_flushes = 0;
  bool hash = false;  // the _hash_fnv1a32_v1 variant: payload = FNV-1a 32 of the bytes written
};

class WorldFsWriteStream {
 public:
  WorldFsWriteStream(RunContext& ctx, WriteStreamConfig cfg, FsRoot root, bool fsync = true)
      : ctx_(&ctx), cfg_(std::move(cfg)), root_(std::move(root)), fsync_(fsync) {}
  // Under --shard the file is PATH.part-I-of-N; `sluice merge` joins the parts into PATH.
  WorldFsWriteStream(RunContext& ctx, WriteStreamConfig cfg, const RunEnv& env)
      : WorldFsWriteStream(ctx, with_part_suffix(std::move(cfg), env), env.fs_root, env.fsync_outputs) {}

  Flow open();
  Flow consume(ByteView v);
  Flow finish();
  [[nodiscard]] ByteView payload() const { return cfg_.hash ? ByteView(hash_out_, 4) : ByteView(); }

 private:
  static WriteStreamConfig with_part_suffix(WriteStreamConfig cfg, const RunEnv& env) {
    cfg.path += shard_part_suffix(env.shard);
    return cfg;
  }
  Flow physical_write(ByteView direct);
  Flow fail_io(ErrId id, std::uint32_t ec, const char* what, int err_no);

  RunContext* ctx_;
  WriteStreamConfig cfg_;
  FsRoot root_;
  bool fsync_;
  AtomicFile file_;
  std::optional<OutputStream> out_;
  std::uint32_t flushes_ = 0;
  std::uint32_t hash_ = kFnv1a32Basis;
  std::uint8_t hash_out_[4] = {};
};

}  // namespace sluice
