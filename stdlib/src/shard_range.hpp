// Where shard I of N of a file starts and ends (docs/scale-out.md). The file is cut at I*size/N;
// each cut moves forward to the next item boundary of the chain's first stage, so every item
// belongs to exactly one shard (the one whose nominal range holds its first byte) and the shards'
// items, in order, are the unsharded run's items:
// - lines (split_lines_v1): Hadoop's rule. A cut at c > 0 is already a boundary when byte c-1 is
//   the delimiter; otherwise it moves past the next delimiter (or to the end of the file). So a
//   shard skips the partial line at its start and finishes the line that crosses its end.
// - frames (deframe_u32le_v1): frame starts, found by hopping from offset 0 over u32le headers
//   (the payloads are skipped, not read). A truncated frame at the end is one piece: it starts a
//   shard's range like a frame would, so its ERR (or drop) happens in exactly one shard.
#pragma once

#include <cstdint>

#include "runtime/shard.hpp"

namespace sluice {

enum class ShardAlign : std::uint8_t {
  kNone,    // the first stage has no item boundaries the source can find: not shardable
  kLines,   // split_lines_v1 with delimiter byte `delim`
  kFrames,  // deframe_u32le_v1
};

struct ShardRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  int err_no = 0;  // a pread failed: the range is not valid
};

// The aligned range of `shard` in the regular file `fd` of `size` bytes (pread only: the file
// offset is not moved).
ShardRange shard_range(int fd, std::uint64_t size, ShardAlign align, std::uint8_t delim, const ShardSpec& shard);

}  // namespace sluice
