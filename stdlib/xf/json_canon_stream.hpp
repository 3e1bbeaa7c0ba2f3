// std.stream.xf.json_canon_stream_v1 (spec §7.8): the whole stream is one JSON document of at most
// max_total_json_bytes, canonicalized as it arrives (RFC 8785 + I-JSON, stdlib/json/) into the
// stage's output buffer, and emitted at the flush in items of emit_chunk_max_bytes that are views
// into that buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/run_context.hpp"
#include "stdlib/json/json_canon.hpp"

namespace sluice {

// Resolved values: the front end fills in the defaults of §7.8 (max_depth 64, max_total_json_bytes
// = max_in_bytes after the §3 reduction, max_object_members 4096, max_object_total_bytes =
// min(max_out_bytes, 4 MiB), emit_chunk_max_bytes = chunk_max_bytes).
struct JsonCanonConfig {
  std::int32_t max_depth = 0;  // each ≤ 0 fails init with ERR 1 json_canon_cfg_invalid
  std::int32_t max_total_json_bytes = 0;
  std::int32_t max_object_members = 0;
  std::int32_t max_object_total_bytes = 0;
  std::int32_t emit_chunk_max_bytes = 0;
  std::uint32_t stage_idx = 0;  // this stage's index in the final chain, for the error payload
};

// X07 refuses a single input item above i32 (json_input_too_large) before it checks the total.
inline constexpr std::uint32_t kJsonCanonMaxItemBytes = 0x7FFFFFFFu;

template <class Next>
class JsonCanonStream {
 public:
  JsonCanonStream(RunContext& ctx, Next next, const JsonCanonConfig& cfg) : ctx_(&ctx), next_(next), cfg_(cfg) {}

  Flow init() {
    if (cfg_.max_depth <= 0 || cfg_.max_total_json_bytes <= 0 || cfg_.max_object_members <= 0 ||
        cfg_.max_object_total_bytes <= 0 || cfg_.emit_chunk_max_bytes <= 0)
      return ctx_->fail(ErrId::kJsonCanonCfgInvalid);
    return Flow::kContinue;
  }

  // The document is canonicalized as it arrives (JsonCanonicalizer::feed), so only the bytes of a
  // token cut by an item's end are kept, not the whole input: a 100 MB document no longer needs a
  // second 100 MB buffer, whose fresh pages (faults, zeroing, the copy) were a third of the run.
  // What is observable stays as when the whole input was buffered (spec §7.8): nothing is emitted
  // before the flush, the size checks come first on every item, and an error found early waits
  // for the flush (a later item may still fail the size check first, as it did).
  Flow push(ByteView in) {
    if (in.size > kJsonCanonMaxItemBytes) return ctx_->fail(ErrId::kJsonInputTooLarge);
    if (total_ + in.size > static_cast<std::uint32_t>(cfg_.max_total_json_bytes))
      return ctx_->fail(ErrId::kJsonMaxTotalJsonBytes);
    total_ += in.size;
    ctx_->count_copy(in.size);  // counted as before: the bytes are still taken in by the stage
    if (!started_) {
      canon_.begin();
      out_.clear();
      started_ = true;
    }
    if (stopped_) return Flow::kContinue;  // an error is waiting for the flush
    if (win_.empty()) {
      // Nothing carried over: parse the item where it is, keep only what is left.
      const json::JsonCanonicalizer::Feed f = canon_.feed(in, base_, false, limits(), out_);
      if (note(f)) return Flow::kContinue;
      base_ += f.consumed;
      win_.append(in.data + f.consumed, in.size - f.consumed);
      retry_at_ = 2 * win_.size();
      return Flow::kContinue;
    }
    win_.append(in.data, in.size);
    // A token longer than an item (a long string) is scanned again from its start each time; waiting
    // until the window has doubled keeps that linear in the document's size.
    if (win_.size() < retry_at_) return Flow::kContinue;
    parse_window(false);
    return Flow::kContinue;
  }

  Flow flush() {
    if (!started_) {
      canon_.begin();
      out_.clear();
      started_ = true;
    }
    if (!stopped_) parse_window(true);
    win_.release();
    if (!error_.ok()) {
      out_.release();
      const std::vector<std::uint8_t> payload = u32_payload({error_.offset, cfg_.stage_idx});
      return ctx_->fail(error_id(error_.code), ByteView(payload.data(), static_cast<std::uint32_t>(payload.size())));
    }
    const std::size_t chunk = static_cast<std::size_t>(cfg_.emit_chunk_max_bytes);
    for (std::size_t off = 0; off < out_.size(); off += chunk) {
      const std::size_t n = std::min(chunk, out_.size() - off);
      if (next_.push(ByteView(out_.data() + off, static_cast<std::uint32_t>(n))) == Flow::kHalt) return Flow::kHalt;
    }
    out_.release();
    return Flow::kContinue;
  }

 private:
  static ErrId error_id(json::JsonCode code) {
    switch (code) {
      case json::JsonCode::kSyntax: return ErrId::kJsonSyntax;
      case json::JsonCode::kNotIJson: return ErrId::kJsonNotIjson;
      case json::JsonCode::kTooDeep: return ErrId::kJsonTooDeep;
      case json::JsonCode::kObjectTooLarge: return ErrId::kJsonObjectTooLarge;
      case json::JsonCode::kTrailingData: return ErrId::kJsonTrailingData;
      case json::JsonCode::kOk: break;
    }
    return ErrId::kJsonDocInvalid;  // unreachable: X07's "internal code 1" (spec §7.8)
  }

  json::JsonCanonLimits limits() const {
    return {static_cast<std::uint32_t>(cfg_.max_depth), static_cast<std::uint32_t>(cfg_.max_object_members),
            static_cast<std::uint32_t>(cfg_.max_object_total_bytes)};
  }

  // Records a finished parse (done or failed); false when it wants more input.
  bool note(const json::JsonCanonicalizer::Feed& f) {
    using S = json::JsonCanonicalizer::Feed::Status;
    if (f.status == S::kNeedMore) return false;
    stopped_ = true;
    if (f.status == S::kError) error_ = f.error;
    win_.clear();
    return true;
  }

  // Parses the carried-over window, then keeps only its unconsumed tail.
  void parse_window(bool final) {
    const json::JsonCanonicalizer::Feed f =
        canon_.feed(ByteView(win_.data(), static_cast<std::uint32_t>(win_.size())), base_, final, limits(), out_);
    if (note(f)) return;
    base_ += f.consumed;
    const std::size_t rest = win_.size() - f.consumed;
    if (f.consumed != 0 && rest != 0) std::memmove(win_.data(), win_.data() + f.consumed, rest);
    win_.truncate(rest);
    retry_at_ = 2 * rest;
  }

  RunContext* ctx_;
  Next next_;
  JsonCanonConfig cfg_;
  // Grown by realloc (large blocks move by remapping, not copying), see json::ByteBuffer.
  json::ByteBuffer win_;  // input not parsed yet: a token cut by the end of an item
  json::ByteBuffer out_;  // the canonical document so far, emitted at the flush
  std::uint64_t total_ = 0;  // input bytes taken (max_total_json_bytes)
  std::uint32_t base_ = 0;   // the input offset of win_[0]
  std::size_t retry_at_ = 0; // parse the window again once it holds this many bytes
  bool started_ = false;
  bool stopped_ = false;     // the parse has ended (error_ says how)
  json::JsonError error_;
  json::JsonCanonicalizer canon_;
};

}  // namespace sluice
