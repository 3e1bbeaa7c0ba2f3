// Builds the interpreter's objects for a plan: the source, each stage kernel behind the dynamic
// Stage interface (pushing into the next one), and the sink entry with its consumer. This is the
// catalog's "how to construct it"; the C++ backend writes the same constructions out statically.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "runtime/fs_sandbox.hpp"
#include "runtime/input_stream.hpp"
#include "runtime/run_context.hpp"
#include "runtime/source.hpp"
#include "runtime/stage.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/sink/host_callback.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct Instantiated {
  std::unique_ptr<Source> source;
  std::vector<std::unique_ptr<Stage>> stages;  // chain order
  std::unique_ptr<Sink> sink;
  std::vector<Stage*> chain;                   // non-owning, chain order
  // With a profile: the taps in front of stages 1.. and of the sink (each stage pushes into
  // its tap); the run adds the one in front of stage 0.
  std::vector<std::unique_ptr<Stage>> taps;
};

// What a host program can put in place of the descriptor's source and sink when it embeds a
// pipeline: its own memory (cut into chunk_max_bytes items, zero copy) and a callback that gets
// each delivered item. Empty members keep the descriptor's own.
struct HostIo {
  std::optional<ByteView> source_bytes;
  HostSinkFn sink;
};

// The plan must have passed the front end and the runtime cfg check (PlanCfg::runtime_valid).
// With env.profile, each stage pushes into a ProfiledStage tap in front of the next.
Instantiated instantiate(const Plan& plan, RunContext& ctx, const RunEnv& env, const HostIo& host = {});

}  // namespace sluice
