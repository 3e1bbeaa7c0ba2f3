// std.stream.xf.json_canon_stream_v1 (spec §7.8): the whole stream is one JSON document, buffered
// within max_total_json_bytes, canonicalized at the flush (RFC 8785 + I-JSON, stdlib/json/) and
// emitted in items of emit_chunk_max_bytes that are views into the stage's output buffer.
#pragma once

#include <algorithm>
#include <cstdint>
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

  Flow push(ByteView in) {
    if (in.size > kJsonCanonMaxItemBytes) return ctx_->fail(ErrId::kJsonInputTooLarge);
    if (static_cast<std::uint64_t>(doc_.size()) + in.size > static_cast<std::uint32_t>(cfg_.max_total_json_bytes))
      return ctx_->fail(ErrId::kJsonMaxTotalJsonBytes);
    doc_.append(in.data, in.size);
    ctx_->count_copy(in.size);
    return Flow::kContinue;
  }

  Flow flush() {
    const json::JsonCanonLimits limits{static_cast<std::uint32_t>(cfg_.max_depth),
                                       static_cast<std::uint32_t>(cfg_.max_object_members),
                                       static_cast<std::uint32_t>(cfg_.max_object_total_bytes)};
    out_.clear();
    const json::JsonError e =
        canon_.canonicalize(ByteView(doc_.data(), static_cast<std::uint32_t>(doc_.size())), limits, out_);
    doc_.release();  // the input is done with; give its memory back
    if (!e.ok()) {
      const std::vector<std::uint8_t> payload = u32_payload({e.offset, cfg_.stage_idx});
      return ctx_->fail(error_id(e.code), ByteView(payload.data(), static_cast<std::uint32_t>(payload.size())));
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

  RunContext* ctx_;
  Next next_;
  JsonCanonConfig cfg_;
  // Grown by realloc (large blocks move by remapping, not copying), see json::ByteBuffer.
  json::ByteBuffer doc_;
  json::ByteBuffer out_;
  json::JsonCanonicalizer canon_;
};

}  // namespace sluice
