// A source over bytes the host program owns (the embedding API's `source_bytes`): items of
// chunk_max_bytes, as views into the host's memory: no copy. sluice's own source, not an X07 id.
#pragma once

#include <algorithm>
#include <cstdint>

#include "runtime/source.hpp"

namespace sluice {

class HostBytesSource final : public Source {
 public:
  HostBytesSource(ByteView bytes, std::uint32_t chunk_max_bytes)
      : rest_(bytes), chunk_(chunk_max_bytes == 0 ? 1 : chunk_max_bytes) {}
  std::optional<std::uint64_t> total_bytes() override { return rest_.size; }
  SourceStep next(ByteView& item) override {
    if (rest_.empty()) return SourceStep::kEnd;
    const std::uint32_t n = std::min(rest_.size, chunk_);
    item = rest_.slice(0, n);
    rest_ = rest_.drop_front(n);
    return SourceStep::kItem;
  }

 private:
  ByteView rest_;
  std::uint32_t chunk_;
};

}  // namespace sluice
