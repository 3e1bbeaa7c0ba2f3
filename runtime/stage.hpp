// The stage protocol of the depth-first push loop, and its dynamic form for the interpreter.
//
// A stage kernel (stdlib/) is a class template over its downstream `Next`, with
//   Flow init();                 plugin-style initialisation (spec §5 step 8)
//   Flow push(ByteView item);    one input item; outputs are pushed into Next before returning
//   Flow flush();                end of input: emit what is held, into Next
// Next provides push(ByteView) and push_framed(ByteView): an item made of a u32le length
// header and the given payload, which sinks take in two parts without gathering; and
// push_batch(items, n): n items in order, with exactly the effect of n pushes (stopping at the
// first that halts). A stage that finds many small items in one input (split_lines) hands them on
// in batches, so that a sink can charge its budgets once per batch instead of once per item.
// The interpreter composes kernels through `Stage` (one virtual call per item and stage); the
// C++ backend composes the same kernels with concrete Next types.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/copy_offload.hpp"
#include "runtime/flow.hpp"
#include "runtime/run_context.hpp"

namespace sluice {

// Gathers a framed item into `scratch` (header + payload) for a downstream that needs it
// contiguous. The copy is counted.
inline ByteView gather_framed(RunContext& ctx, std::vector<std::uint8_t>& scratch, ByteView payload) {
  scratch.resize(std::size_t{4} + payload.size);
  store_u32le(scratch.data(), payload.size);
  if (payload.size != 0) std::memcpy(scratch.data() + 4, payload.data, payload.size);
  ctx.count_copy(std::size_t{4} + payload.size);
  return {scratch.data(), static_cast<std::uint32_t>(scratch.size())};
}

// n pushes, stopping at the first that halts: push_batch for targets without a batch path.
template <class T>
Flow push_each(T& target, const ByteView* items, std::uint32_t n) {
  for (std::uint32_t i = 0; i < n; ++i)
    if (target.push(items[i]) == Flow::kHalt) return Flow::kHalt;
  return Flow::kContinue;
}

class Stage {
 public:
  Stage() = default;
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;
  virtual ~Stage() = default;

  virtual Flow init() { return Flow::kContinue; }
  virtual Flow push(ByteView item) = 0;
  virtual Flow push_framed(ByteView payload) = 0;
  virtual Flow push_batch(const ByteView* items, std::uint32_t n) { return push_each(*this, items, n); }
  virtual Flow flush() { return Flow::kContinue; }
  // A downstream that only counts what reaches it (the null sink) takes items as counts: n items
  // of `bytes` bytes in all, charged at once, so a splitter need not make a view per item. False,
  // with nothing charged, when they would not all pass the budgets; the caller then pushes them
  // one by one and fails at the exact item.
  virtual bool takes_counts() const { return false; }
  virtual bool push_counts(std::uint32_t /*n*/, std::uint64_t /*bytes*/) { return false; }
};

// takes_counts / push_counts on a target that may not have them (a profile tap does not: counted
// items would not pass through it).
template <class T>
bool takes_counts_of(const T& target) {
  if constexpr (requires { target.takes_counts(); }) {
    return target.takes_counts();
  } else {
    return false;
  }
}
template <class T>
bool push_counts_to(T& target, std::uint32_t n, std::uint64_t bytes) {
  if constexpr (requires { target.push_counts(n, bytes); }) {
    return target.push_counts(n, bytes);
  } else {
    return false;
  }
}

// push_batch on a target that may not have one.
template <class T>
Flow push_batch_to(T& target, const ByteView* items, std::uint32_t n) {
  if constexpr (requires { target.push_batch(items, n); }) {
    return target.push_batch(items, n);
  } else {
    return push_each(target, items, n);
  }
}

// A Next that forwards to a dynamic Stage.
class StageRef {
 public:
  explicit StageRef(Stage* s) : s_(s) {}
  Flow push(ByteView item) { return s_->push(item); }
  Flow push_framed(ByteView payload) { return s_->push_framed(payload); }
  Flow push_batch(const ByteView* items, std::uint32_t n) { return s_->push_batch(items, n); }
  [[nodiscard]] bool takes_counts() const { return s_->takes_counts(); }
  bool push_counts(std::uint32_t n, std::uint64_t bytes) { return s_->push_counts(n, bytes); }

 private:
  Stage* s_;
};

// A Next bound to a concrete stage or sink (the C++ backend's composition: no virtual call).
// Framed items go to targets that take them in parts; others get them gathered.
template <class T>
class StaticNext {
 public:
  StaticNext(RunContext& ctx, T& target) : ctx_(&ctx), t_(&target) {}
  Flow push(ByteView item) { return t_->push(item); }
  Flow push_framed(ByteView payload) {
    if constexpr (requires { t_->push_framed(payload); }) {
      return t_->push_framed(payload);
    } else {
      return t_->push(gather_framed(*ctx_, scratch_, payload));
    }
  }
  Flow push_batch(const ByteView* items, std::uint32_t n) { return push_batch_to(*t_, items, n); }
  [[nodiscard]] bool takes_counts() const { return takes_counts_of(*t_); }
  bool push_counts(std::uint32_t n, std::uint64_t bytes) { return push_counts_to(*t_, n, bytes); }

 private:
  RunContext* ctx_;
  T* t_;
  std::vector<std::uint8_t> scratch_;
};

// Wraps a transducer kernel K<StageRef> as a dynamic Stage. Kernels that cannot take framed
// items in parts get them gathered.
template <class Kernel>
class DynStage final : public Stage {
 public:
  template <class... Args>
  explicit DynStage(RunContext& ctx, Args&&... args) : ctx_(&ctx), k_(std::forward<Args>(args)...) {}
  Flow init() override { return k_.init(); }
  Flow push(ByteView item) override { return k_.push(item); }
  Flow push_framed(ByteView payload) override {
    if constexpr (requires { k_.push_framed(payload); }) {
      return k_.push_framed(payload);
    } else {
      return k_.push(gather_framed(*ctx_, scratch_, payload));
    }
  }
  // One virtual call per batch; the kernel's own push_batch, or its push per item.
  Flow push_batch(const ByteView* items, std::uint32_t n) override { return push_batch_to(k_, items, n); }
  Flow flush() override { return k_.flush(); }
  Kernel& kernel() { return k_; }

 private:
  RunContext* ctx_;
  Kernel k_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace sluice

namespace sluice {

// The end of the chain. push/push_framed charge the sink budgets and hand the bytes on.
class Sink : public Stage {
 public:
  // Sink init (spec §5 step 7): open an fs stream target, for instance.
  virtual Flow open() { return Flow::kContinue; }
  // End of a successful run: write out what is buffered, close, commit.
  virtual Flow finish() { return Flow::kContinue; }
  // The OK doc payload; valid after finish().
  virtual ByteView payload() const { return {}; }
  // Copy offload (copy_offload.hpp), after open() and before any item: take `bytes` bytes from
  // offset 0 of in_fd as the whole input, items and budgets already known to pass. The default,
  // and any sink that transforms, frames or counts what it writes, declines.
  virtual OffloadCopy offload_from(int in_fd, std::uint64_t bytes, bool input_may_grow) {
    (void)in_fd, (void)bytes, (void)input_may_grow;
    return OffloadCopy::kDeclined;
  }
};

}  // namespace sluice
