// The run sequence of spec §5, shared by both backends: sink init, stage inits from last to
// first, the source loop (depth-first push, budgets at the source), the flush walk in chain order
// (skipped after a take_v1 stop), sink finish, and the result doc.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/result_doc.hpp"
#include "runtime/progress.hpp"
#include "runtime/run_context.hpp"
#include "runtime/source.hpp"
#include "runtime/stage.hpp"

namespace sluice {

struct DocOptions {
  bool emit_payload = true;  // cfg emit_payload != 0
  bool emit_stats = true;    // cfg emit_stats != 0
};

struct RunOutcome {
  RunStatus status = RunStatus::kOk;  // kOk: an OK doc
  std::vector<std::uint8_t> doc;           // empty for a trap
  std::string trap;                        // "trap:<id>: <detail>" for a trap
  std::string detail;                      // human detail for ERR docs, may be empty
  Counters counters;                       // as counted, even when the doc hides them
  std::uint64_t copied_bytes = 0;
  std::uint64_t offloaded_bytes = 0;  // moved by the kernel (copy offload), not through pages
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
    if (ProgressMeter* p = ctx.progress()) p->tick(ctx.counters());
    if (head.push(item) == Flow::kHalt) return LoopEnd::kHalted;
    if (ctx.stop_requested()) return LoopEnd::kStopped;
  }
}

// Copy offload (copy_offload.hpp) for a pipe whose chain is empty: true when the sink took the
// source's whole input from the kernel and the counters say what the page path would have said;
// false when nothing happened and the source loop must run.
template <class Src, class SinkT>
bool try_copy_offload(RunContext& ctx, Src& src, SinkT& sink) {
  const OffloadInput in = src.offload_input();
  if (in.fd < 0 || !ctx.budgets_take_passthrough(in.items, in.bytes)) return false;
  if (sink.offload_from(in.fd, in.bytes, !in.ends_at_bytes) == OffloadCopy::kDeclined) return false;
  // kOutputFailed too: the page path would have counted every item and failed at finish.
  ctx.charge_offloaded(in.items, in.bytes);
  return true;
}

// The run sequence of spec §5 over any chain. A chain provides
//   Flow init_reverse();   stage inits from the last stage to the first
//   Head& head();          where source items go: the first stage, or the sink when the chain is empty
//   Flow flush_in_order(); the end-of-input flush walk in chain order
//   bool empty();          no stages: source items go straight to the sink
template <class Src, class Chain, class SinkT>
RunOutcome run_sequence(RunContext& ctx, Src& src, Chain& chain, SinkT& sink, const DocOptions& opts) {
  if (sink.open() == Flow::kHalt) return outcome_of_failure(ctx);
  if (chain.init_reverse() == Flow::kHalt) return outcome_of_failure(ctx);
  if (src.open() == Flow::kHalt) return outcome_of_failure(ctx);
  if (ProgressMeter* p = ctx.progress()) p->start(src.total_bytes());
  const LoopEnd end = (chain.empty() && try_copy_offload(ctx, src, sink)) ? LoopEnd::kEnded
                                                                         : run_source_loop(ctx, src, chain.head());
  if (end == LoopEnd::kHalted) return outcome_of_failure(ctx);
  // After a take_v1 stop nothing is flushed; the flush walk itself never looks at the stop flag
  // (spec §19.1).
  if (end == LoopEnd::kEnded && chain.flush_in_order() == Flow::kHalt) return outcome_of_failure(ctx);
  // The source's end-of-input action (a net source's on_eof), after the flush and before the
  // sink finishes, whether the input ended or a take_v1 stopped it (spec §6).
  if (src.at_end() == Flow::kHalt) return outcome_of_failure(ctx);
  if (sink.finish() == Flow::kHalt) return outcome_of_failure(ctx);
  return outcome_ok(ctx, sink.payload(), opts);
}

// The interpreter's chain: dynamic stages in chain order, the last pushing into `sink`.
class DynChain {
 public:
  DynChain(std::span<Stage* const> stages, Sink& sink) : stages_(stages), sink_(&sink) {}
  Flow init_reverse() {
    for (auto it = stages_.rbegin(); it != stages_.rend(); ++it)
      if ((*it)->init() == Flow::kHalt) return Flow::kHalt;
    return Flow::kContinue;
  }
  Stage& head() { return stages_.empty() ? static_cast<Stage&>(*sink_) : *stages_.front(); }
  [[nodiscard]] bool empty() const { return stages_.empty(); }
  Flow flush_in_order() {
    return flush_each([](std::size_t, Stage& s) { return s.flush(); });
  }
  // The flush walk with each stage's flush made by `flush(index, stage)` (a profile times it).
  template <class F>
  Flow flush_each(F&& flush) {
    for (std::size_t i = 0; i < stages_.size(); ++i)
      if (flush(i, *stages_[i]) == Flow::kHalt) return Flow::kHalt;
    return Flow::kContinue;
  }

 private:
  std::span<Stage* const> stages_;
  Sink* sink_;
};

// The C++ backend's chain: concrete stage objects, each holding a StaticNext to the one after it.
template <class SinkT, class... Stages>
class StaticChain {
 public:
  StaticChain(SinkT& sink, Stages&... stages) : sink_(&sink), stages_(stages...) {}
  Flow init_reverse() {
    return init_from<sizeof...(Stages)>();
  }
  auto& head() {
    if constexpr (sizeof...(Stages) == 0) {
      return *sink_;
    } else {
      return std::get<0>(stages_);
    }
  }
  static constexpr bool empty() { return sizeof...(Stages) == 0; }
  Flow flush_in_order() {
    return flush_each([](std::size_t, auto& s) { return s.flush(); });
  }
  // The flush walk with each stage's flush made by `flush(index, stage)` (a profile times it).
  template <class F>
  Flow flush_each(F&& flush) {
    return flush_from<0>(flush);
  }

 private:
  template <std::size_t I>
  Flow init_from() {
    if constexpr (I == 0) {
      return Flow::kContinue;
    } else {
      if (std::get<I - 1>(stages_).init() == Flow::kHalt) return Flow::kHalt;
      return init_from<I - 1>();
    }
  }
  template <std::size_t I, class F>
  Flow flush_from(F& flush) {
    if constexpr (I == sizeof...(Stages)) {
      return Flow::kContinue;
    } else {
      if (flush(I, std::get<I>(stages_)) == Flow::kHalt) return Flow::kHalt;
      return flush_from<I + 1>(flush);
    }
  }
  SinkT* sink_;
  std::tuple<Stages&...> stages_;
};

// The interpreter's run: `chain` is in chain order, each stage pushing into the next and the
// last into `sink`.
inline RunOutcome execute(RunContext& ctx, Source& src, std::span<Stage* const> chain, Sink& sink,
                          const DocOptions& opts) {
  DynChain dyn(chain, sink);
  return run_sequence(ctx, src, dyn, sink, opts);
}

}  // namespace sluice
