// The table that runs a byte-map loop, shared by compiled code (compiled.hpp) and the
// interpreter (compiler/x07/interp.cpp), so both charge the same steps the same way.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "stdlib/x07/rt.hpp"

namespace sluice::x07rt {

// A byte-map loop (compiler/x07/byte_map_loop.hpp: the shape, checked by both backends) as a
// table. Each iteration's pushed byte and step count depend on c alone: ByteMap holds both for
// the 256 values of c, computed once, and run() runs the whole loop as a table lookup when
// nothing in it can trap or run out: every index within v, the fuel enough for the most
// expensive iteration every time, the vector within the value size limit. It then charges
// exactly the steps of the iterations (a sum over the bytes) and leaves the vector with the
// bytes and the capacity the pushes would have given. Otherwise it does nothing and the loop
// runs iteration by iteration, trapping where the interpreter does.
struct ByteMapEntry {
  std::int32_t value;  // pushed as value & 255
  std::int64_t steps;  // one iteration's steps, the loop's own nodes included
};
class ByteMap {
 public:
  template <class F>
  explicit ByteMap(F f) {
    for (int c = 0; c < 256; ++c) {
      const ByteMapEntry e = f(static_cast<std::int32_t>(c));
      out_[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(e.value & 255);
      steps_[static_cast<std::size_t>(c)] = static_cast<std::uint32_t>(e.steps);
      if (e.steps > max_steps_) max_steps_ = e.steps;
      if (e.steps != steps_[0]) same_steps_ = false;
    }
  }
  // The loop from i up to end (unsigned, as `for` compares): true when it ran it; then i = end,
  // c = the last byte, and `fuel` is charged.
  // A par_map item being canceled runs iteration by iteration, which looks at the flag.
  bool run(const std::atomic<bool>* cancel, ByteView v, std::int32_t& i, std::int32_t end, std::int32_t& c, Buf& out,
           std::int64_t& fuel) const {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return false;
    const std::uint32_t from = u(i);
    const std::uint32_t to = u(end);
    if (from >= to || to > v.size) return false;
    const std::uint64_t count = to - from;
    const std::size_t size = out.size();
    if (size + count > kMaxValueBytes) return false;
    if (fuel < 0 || static_cast<std::uint64_t>(fuel) < count * static_cast<std::uint64_t>(max_steps_)) return false;
    // The capacity `count` push_backs would leave: a full vector grows to size + max(size, 1).
    std::size_t cap = out.capacity();
    while (cap < size + count) cap += cap > 0 ? cap : 1;
    out.reserve(cap);
    out.resize(size + count);
    const std::uint8_t* src = v.data + from;
    std::uint8_t* dst = out.data() + size;
    std::uint64_t steps = 0;
    if (same_steps_) {
      for (std::uint64_t k = 0; k < count; ++k) dst[k] = out_[src[k]];
      steps = count * steps_[0];
    } else {
      for (std::uint64_t k = 0; k < count; ++k) {
        const std::uint8_t b = src[k];
        dst[k] = out_[b];
        steps += steps_[b];
      }
    }
    fuel -= static_cast<std::int64_t>(steps);
    c = src[count - 1];
    i = end;
    return true;
  }

 private:
  std::array<std::uint8_t, 256> out_{};
  std::array<std::uint32_t, 256> steps_{};
  std::int64_t max_steps_ = 0;
  bool same_steps_ = true;
};

}  // namespace sluice::x07rt
