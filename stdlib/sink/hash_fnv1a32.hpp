// std.stream.sink.hash_fnv1a32_v1: FNV-1a 32 over every delivered byte; payload is the hash, LE.
#pragma once

#include <cstdint>

#include "runtime/flow.hpp"
#include "runtime/hash_fnv1a.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"

namespace sluice {

struct HashFnv1a32Config {};

class HashFnv1a32 {
 public:
  static constexpr bool kConsumeNeverHalts = true;
  HashFnv1a32() = default;
  HashFnv1a32(RunContext&, const HashFnv1a32Config&, const RunEnv&) {}
  Flow open() { return Flow::kContinue; }
  Flow consume(ByteView v) {
    h_ = fnv1a32_update(h_, v);
    return Flow::kContinue;
  }
  Flow finish() {
    store_u32le(out_, h_);
    return Flow::kContinue;
  }
  [[nodiscard]] ByteView payload() const { return {out_, 4}; }

 private:
  std::uint32_t h_ = kFnv1a32Basis;
  std::uint8_t out_[4] = {};
};

}  // namespace sluice
