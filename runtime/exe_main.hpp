// The main of a compiled pipeline executable: the run flags of `sluice run` (--root, --emit,
// --page-size, --read-mode, --input, --no-fsync), --help and --version, the same reporting and exit statuses.
#pragma once

#include <cstdint>

#include "runtime/bytes.hpp"
#include "runtime/executor.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct ExeInfo {
  const char* chain;           // source -> stages -> sink, for --help
  const char* world;           // the world it was checked and built for
  const char* plan_hash;       // xxh64 of the plan
  const char* sluice_version;
  // xxh64 of the input the plan's values were computed from when they read `input`, else "":
  // the executable then refuses a different --input (those values would be wrong for it).
  const char* input_digest;
  // Why this pipe cannot run under --shard (stdlib shard_refusal, computed at build time), or "".
  const char* shard_refusal;
  // The X7RC cfg of the session the pipe's entry opens (std.rr.with_policy_v1 / with_v1, made at
  // build time; Plan::rr_session), opened at every run; size 0: none.
  const char* rr_session;
  std::uint32_t rr_session_size;
};

// `input` is the program input (--input FILE, empty by default) that x07 functions read.
using ExeRun = RunOutcome (*)(const RunEnv& env, std::uint32_t page_size, ByteView input);

int exe_main(int argc, char** argv, const ExeInfo& info, ExeRun run);

}  // namespace sluice
