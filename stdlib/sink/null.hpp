// std.stream.sink.null_v1: items are counted at the sink entry and discarded; empty payload.
#pragma once

#include "runtime/bytes.hpp"
#include "runtime/flow.hpp"

namespace sluice {

class NullSink {
 public:
  Flow open() { return Flow::kContinue; }
  Flow consume(ByteView) { return Flow::kContinue; }
  Flow finish() { return Flow::kContinue; }
  [[nodiscard]] ByteView payload() const { return {}; }
};

}  // namespace sluice
