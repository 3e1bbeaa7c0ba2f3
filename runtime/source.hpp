// The source protocol: a source produces items one at a time as views it owns until the next call.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/bytes.hpp"
#include "runtime/copy_offload.hpp"
#include "runtime/flow.hpp"

namespace sluice {

enum class SourceStep : std::uint8_t {
  kItem,  // `item` holds the next item; the executor charges and pushes it, then asks again
  kEnd,   // end of input: the executor flushes the chain and finishes the sink
  kHalt,  // an ERR or trap is recorded in the RunContext: the executor ends the run
};

class Source {
 public:
  Source() = default;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  virtual ~Source() = default;
  // Acquire the device (open the file). Runs after every stage init (spec §5 step 9).
  virtual Flow open() { return Flow::kContinue; }
  virtual SourceStep next(ByteView& item) = 0;
  // After open(), before the first next(): the whole input as one descriptor for copy offload
  // (copy_offload.hpp), or no offer (the default). A source that offers must be able to go on
  // with next() from the start when the sink declines.
  virtual OffloadInput offload_input() { return {}; }
  // After open(), before the first next(): the bytes the source will read, when known (the
  // progress line's total and ETA); nullopt otherwise (the default).
  virtual std::optional<std::uint64_t> total_bytes() { return std::nullopt; }
  // After the source loop ended without a failure (end of input and the flush, or a take_v1
  // stop): what the source does with its device before the sink finishes (a net source's on_eof
  // shutdown or close). The default does nothing.
  virtual Flow at_end() { return Flow::kContinue; }
};

}  // namespace sluice
