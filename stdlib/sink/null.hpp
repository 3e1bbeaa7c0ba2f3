// std.stream.sink.null_v1: items are counted at the sink entry and discarded; empty payload.
#pragma once

#include "runtime/bytes.hpp"
#include "runtime/flow.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct NullSinkConfig {};

class NullSink {
 public:
  static constexpr bool kConsumeNeverHalts = true;
  // Only the counts matter: a splitter may hand on counts instead of items (Stage::push_counts).
  static constexpr bool kConsumeIgnoresBytes = true;
  NullSink() = default;
  NullSink(RunContext&, const NullSinkConfig&, const RunEnv&) {}
  Flow open() { return Flow::kContinue; }
  Flow consume(ByteView) { return Flow::kContinue; }
  Flow finish() { return Flow::kContinue; }
  [[nodiscard]] ByteView payload() const { return {}; }
};

}  // namespace sluice
