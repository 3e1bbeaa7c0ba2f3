// std.stream.src.bytes_v1 (spec §6): the whole value as exactly one item, even when empty;
// chunk_max_bytes does not apply.
#pragma once

#include "runtime/run_context.hpp"
#include "runtime/source.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct BytesSourceConfig {
  ByteView value;  // borrowed from the plan, which outlives the run
};

class BytesSource final : public Source {
 public:
  explicit BytesSource(ByteView value) : value_(value) {}
  BytesSource(RunContext&, const BytesSourceConfig& cfg, const RunEnv&) : value_(cfg.value) {}
  std::optional<std::uint64_t> total_bytes() override { return value_.size; }
  SourceStep next(ByteView& item) override {
    if (done_) return SourceStep::kEnd;
    done_ = true;
    item = value_;
    return SourceStep::kItem;
  }

 private:
  ByteView value_;
  bool done_ = false;
};

}  // namespace sluice
