// std.stream.sink.collect_bytes_v1: every delivered byte appended to the payload.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/flow.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

// X07 reserves max_out_bytes up front; reserving at most this much and growing keeps a large
// budget from costing memory the run never uses.
inline constexpr std::size_t kCollectInitialReserve = 1u << 20;

struct CollectBytesConfig {
  std::uint32_t max_out_bytes = 0;
};

class CollectBytes {
 public:
  static constexpr bool kConsumeNeverHalts = true;
  CollectBytes(RunContext&, const CollectBytesConfig& cfg, const RunEnv&) {
    bytes_.reserve(std::min<std::size_t>(cfg.max_out_bytes, kCollectInitialReserve));
  }
  Flow open() { return Flow::kContinue; }
  Flow consume(ByteView v) {
    bytes_.insert(bytes_.end(), v.begin(), v.end());
    return Flow::kContinue;
  }
  Flow finish() { return Flow::kContinue; }
  [[nodiscard]] ByteView payload() const {
    return {bytes_.data(), static_cast<std::uint32_t>(bytes_.size())};
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace sluice
