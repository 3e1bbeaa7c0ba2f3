// What a run gets from its host: where fs paths resolve and how files are read. Together with
// the plan, it is everything a source or sink needs to be built.
#pragma once

#include "runtime/fs_sandbox.hpp"
#include "runtime/input_stream.hpp"
#include "runtime/shard.hpp"

#include <string>
#include <vector>

namespace sluice {

class ProgressMeter;
class RunProfile;
class RrSession;

struct RunEnv {
  FsRoot fs_root;                       // where fs paths resolve; sandboxed unless run-os
  ReadMode read_mode = ReadMode::kRead;
  // fs sinks fsync a replaced file and its directory before reporting OK; false (--no-fsync)
  // trades that durability against a power cut for speed. Atomicity does not depend on it.
  bool fsync_outputs = true;
  // A pipe that copies a file unchanged lets the kernel move the bytes (copy_offload.hpp); false
  // (--no-copy-offload) always takes the page path. The doc is the same either way.
  bool copy_offload = true;
  // The progress line (runtime/progress.hpp), owned by the host; null: none (the default, and
  // always for embedding hosts that do not ask). The source loop ticks it once per source item.
  ProgressMeter* progress = nullptr;
  // Worker threads of a par_map stage (--par-threads N); 0: as many as cores. Never more than the
  // stage's max_inflight. The doc of an ordered par_map does not depend on it.
  unsigned par_threads = 0;
  // The per-stage profile (runtime/profile.hpp, --profile), owned by the host; null: none, and
  // then the run inserts no taps and times nothing.
  RunProfile* profile = nullptr;
  // --shard I/N (docs/scale-out.md): an fs_open_read_v1 source reads its slice of the file and fs
  // file sinks write PATH.part-I-of-N. Not active (count 0) by default.
  ShardSpec shard;
  // --allow-db: the databases a run-os-sandboxed run may open ("sqlite:PATH" as written in the
  // pipe, "postgres://HOST:PORT"); everything else is denied with 53249 (docs/databases.md).
  std::vector<std::string> allow_db;
  // --allow-host HOST:PORT and --allow-listen ADDR:PORT: the connects and listens a
  // run-os-sandboxed run may make (docs/net.md); everything else gets NetErrDocV1 code 1.
  std::vector<std::string> allow_host;
  std::vector<std::string> allow_listen;
  // The run's record/replay session (--rr, runtime/os/rr_cassette.hpp), owned by the host, which
  // opens it before the run and closes it after; null: none, and rr_send_v1 traps.
  RrSession* rr = nullptr;
};

}  // namespace sluice
