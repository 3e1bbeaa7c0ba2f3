// `sluice merge` (docs/scale-out.md): the docs of the N shards of a --shard run, in shard order,
// joined into the doc the unsharded run gives: counters summed, payloads concatenated, an fs file
// sink's PATH.part-I-of-N files concatenated atomically into PATH; the first ERR shard's doc wins.
#pragma once

#include <string>
#include <vector>

#include "runtime/fs_sandbox.hpp"
#include "runtime/run_report.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

struct MergeOptions {
  EmitMode emit = EmitMode::kSummary;
  FsRoot root;          // where the fs sink's path resolves (as for run: --root, the world's sandbox)
  bool fsync = true;    // fsync PATH and its directory before reporting OK (--no-fsync: skip)
  bool keep_parts = false;  // leave the part files after joining them
};

// Exit status as for run: 0 OK doc, 3 ERR doc (a shard's), 2 usage (a pipe that cannot be sharded,
// a file that is not a doc, a missing part file, counters past u32), 4 the parts could not be
// joined (I/O), 6 stdout could not be written.
int cmd_merge(const Plan& plan, const std::vector<std::string>& docs, const MergeOptions& options);

}  // namespace sluice
