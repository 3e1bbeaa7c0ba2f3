// The run sequence of spec §5, shared by both backends: sink init, stage inits from last to
// first, the source loop (depth-first push, budgets at the source), the flush walk in chain order
// (skipped after a take_v1 stop), sink finish, and the result doc.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/result_doc.hpp"
#include "runtime/run_context.hpp"
#include "runtime/source.hpp"
#include "runtime/stage.hpp"

namespace sluice {

struct DocOptions {
  bool emit_payload = true;  // cfg emit_payload != 0
  bool emit_stats = true;    // cfg emit_stats != 0
};

struct RunOutcome {
  RunStatus status = RunStatus::kRunning;  // kRunning here means an OK doc
  std::vector<std::uint8_t> doc;           // empty for a trap
  std::string trap;                        // "trap:<id>: <detail>" for a trap
  std::string detail;                      // human detail for ERR docs, may be empty
  Counters counters;                       // as counted, even when the doc hides them
  std::uint64_t copied_bytes = 0;
};

// The ERR doc for a failure recorded in ctx (or the trap text).
RunOutcome outcome_of_failure(const RunContext& ctx);
// The OK doc for a run that completed.
RunOutcome outcome_ok(const RunContext& ctx, ByteView payload, const DocOptions& opts);
// The constant doc of a pipe whose cfg fails the runtime check (spec §3).
RunOutcome outcome_cfg_invalid();

enum class LoopEnd : std::uint8_t {
  kEnded,    // the source reached end of input: flush the chain
  kStopped,  // a take_v1 asked to stop: finish without flushing
  kHalted,   // a failure is recorded
};

// The source loop: charge each item at the source, push it, stop after a take_v1 stop.
template <class Src, class Head>
LoopEnd run_source_loop(RunContext& ctx, Src& src, Head& head) {
  ByteView item;
  for (;;) {
    const SourceStep step = src.next(item);
    if (step == SourceStep::kEnd) return LoopEnd::kEnded;
    if (step == SourceStep::kHalt) return LoopEnd::kHalted;
    if (ctx.charge_source_item(item.size) == Flow::kHalt) return LoopEnd::kHalted;
    if (head.push(item) == Flow::kHalt) return LoopEnd::kHalted;
    if (ctx.stop_requested()) return LoopEnd::kStopped;
  }
}

// The interpreter's run: `chain` is in chain order, each stage pushing into the next and the
// last into `sink`.
RunOutcome execute(RunContext& ctx, Source& src, std::span<Stage* const> chain, Sink& sink,
                   const DocOptions& opts);

}  // namespace sluice
