// The sink entry (spec §3 "emit_item"): the u32frames length check, the items budget, then the
// bytes budget, then the consumer gets the bytes. A framed item (header + payload from
// frame_u32le) and a u32frames header reach the consumer as separate parts, never gathered.
//
// A consumer provides: Flow open(); Flow consume(ByteView); Flow finish(); ByteView payload() const;
// and, when its consume never halts, `static constexpr bool kConsumeNeverHalts = true`: batches
// of items are then charged to the budgets at once (counters and docs are the same either way).
#pragma once

#include <cstdint>

#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"
#include "stdlib/xf/frame_u32le.hpp"

namespace sluice {

template <class Consumer>
class SinkEntry final : public Sink {
 public:
  template <class... Args>
  SinkEntry(RunContext& ctx, bool u32frames, Args&&... args)
      : ctx_(&ctx), u32frames_(u32frames), consumer_(std::forward<Args>(args)...) {}

  Flow open() override { return consumer_.open(); }

  Flow push(ByteView item) override {
    if (u32frames_) {
      if (item.size > kMaxFrameLength) return ctx_->fail(ErrId::kFrameTooLarge);
      if (ctx_->charge_sink_item(item.size + 4u) == Flow::kHalt) return Flow::kHalt;
      if (consume_header(item.size) == Flow::kHalt) return Flow::kHalt;
    } else if (ctx_->charge_sink_item(item.size) == Flow::kHalt) {
      return Flow::kHalt;
    }
    return item_done(consumer_.consume(item));
  }

  Flow push_framed(ByteView payload) override {
    const std::uint64_t item_len = std::uint64_t{payload.size} + 4u;
    if (u32frames_) {
      if (item_len > kMaxFrameLength) return ctx_->fail(ErrId::kFrameTooLarge);
      if (ctx_->charge_sink_item(static_cast<std::uint32_t>(item_len) + 4u) == Flow::kHalt) return Flow::kHalt;
      if (consume_header(static_cast<std::uint32_t>(item_len)) == Flow::kHalt) return Flow::kHalt;
    } else if (ctx_->charge_sink_item(static_cast<std::uint32_t>(item_len)) == Flow::kHalt) {
      return Flow::kHalt;
    }
    if (consume_header(payload.size) == Flow::kHalt) return Flow::kHalt;
    return item_done(consumer_.consume(payload));
  }

  Flow push_batch(const ByteView* items, std::uint32_t n) override {
    if constexpr (consume_never_halts()) {
      if (!u32frames_) {
        std::uint64_t bytes = 0;
        for (std::uint32_t i = 0; i < n; ++i) bytes += items[i].size;
        if (ctx_->try_charge_sink_items(n, bytes)) {
          for (std::uint32_t i = 0; i < n; ++i) item_done(consumer_.consume(items[i]));
          return Flow::kContinue;
        }
      }
    }
    return push_each(*this, items, n);
  }

  // Only a consumer that ignores the bytes (the null sink) takes counts; u32frames would need
  // each item's length.
  [[nodiscard]] bool takes_counts() const override { return consume_ignores_bytes() && !u32frames_; }
  bool push_counts(std::uint32_t n, std::uint64_t bytes) override {
    if constexpr (consume_ignores_bytes()) {
      return !u32frames_ && ctx_->try_charge_sink_items(n, bytes);
    } else {
      return false;
    }
  }

  // Copy offload goes to a consumer that can take it, unless u32frames would add headers.
  OffloadCopy offload_from(int in_fd, std::uint64_t bytes, bool input_may_grow) override {
    if constexpr (requires { consumer_.offload_from(in_fd, bytes, input_may_grow); }) {
      if (!u32frames_) return consumer_.offload_from(in_fd, bytes, input_may_grow);
    }
    return OffloadCopy::kDeclined;
  }

  Flow finish() override { return consumer_.finish(); }
  ByteView payload() const override { return consumer_.payload(); }
  Consumer& consumer() { return consumer_; }

 private:
  static constexpr bool consume_never_halts() {
    if constexpr (requires { Consumer::kConsumeNeverHalts; }) return Consumer::kConsumeNeverHalts;
    return false;
  }
  static constexpr bool consume_ignores_bytes() {
    if constexpr (requires { Consumer::kConsumeIgnoresBytes; }) return Consumer::kConsumeIgnoresBytes;
    return false;
  }

  // Consumers that want whole items (a host callback) learn where each one ends.
  Flow item_done(Flow f) {
    if constexpr (requires { consumer_.item_done(); }) {
      if (f == Flow::kContinue) consumer_.item_done();
    }
    return f;
  }

  Flow consume_header(std::uint32_t len) {
    std::uint8_t h[4];
    store_u32le(h, len);
    return consumer_.consume(ByteView(h, 4));
  }

  RunContext* ctx_;
  bool u32frames_;
  Consumer consumer_;
};

}  // namespace sluice
