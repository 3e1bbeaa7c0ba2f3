// Fuzz target for the stateful stages: the input picks a stage and its limits (first bytes),
// then the rest is cut into items at boundaries the input also chooses. Each stage must give the
// same items and failure for the whole input as for any split of it (chunk invariance), and
// never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/executor.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"
#include "stdlib/xf/deframe_u32le.hpp"
#include "stdlib/xf/json_canon_stream.hpp"
#include "stdlib/xf/split_lines.hpp"

namespace {

using namespace sluice;

// Collects every item it receives as one string with a separator that cannot be confused.
struct Collect {
  std::string* out;
  Flow push(ByteView v) {
    out->append(std::to_string(v.size)).push_back(':');
    out->append(v.as_chars());
    return Flow::kContinue;
  }
  Flow push_framed(ByteView v) {
    out->append("F").append(std::to_string(v.size)).push_back(':');
    out->append(v.as_chars());
    return Flow::kContinue;
  }
};

template <class Kernel, class Config>
std::string run(const Config& cfg, ByteView input, const std::vector<std::uint32_t>& cuts) {
  PagePool pool(64);
  RunContext ctx(Budgets{0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, pool);
  std::string out;
  Kernel k(ctx, Collect{&out}, cfg);
  if (k.init() == Flow::kHalt) return "init-failed";
  std::uint32_t at = 0;
  for (std::uint32_t cut : cuts) {
    if (cut <= at || cut > input.size) continue;
    if (k.push(input.slice(at, cut - at)) == Flow::kHalt) return out + "|ERR" + std::to_string(ctx.err_code());
    at = cut;
  }
  if (k.push(input.slice(at, input.size - at)) == Flow::kHalt) return out + "|ERR" + std::to_string(ctx.err_code());
  if (k.flush() == Flow::kHalt) return out + "|ERR" + std::to_string(ctx.err_code());
  return out + "|OK";
}

template <class Kernel, class Config>
void check_invariant(const Config& cfg, ByteView input, const std::vector<std::uint32_t>& cuts) {
  const std::string whole = run<Kernel>(cfg, input, {});
  const std::string split = run<Kernel>(cfg, input, cuts);
  // Errors may be found at different outputs but must be the same error; outputs before an
  // error are not compared (X07 reports the error, not partial output).
  const auto tail = [](const std::string& s) { return s.substr(s.rfind('|')); };
  if (tail(whole) != tail(split) || (tail(whole) == "|OK" && whole != split)) {
    std::fprintf(stderr, "chunk invariance broken\n whole: %s\n split: %s\n cuts:", whole.c_str(), split.c_str());
    for (std::uint32_t c : cuts) std::fprintf(stderr, " %u", c);
    std::fprintf(stderr, "\n input:");
    for (std::uint32_t i = 0; i < input.size; ++i) std::fprintf(stderr, " %02x", input.data[i]);
    std::fprintf(stderr, "\n");
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint8_t which = data[0] % 3;
  const std::int32_t limit = 1 + data[1] % 64;
  const std::size_t ncuts = data[2] % 8;
  if (size < 3 + ncuts) return 0;
  std::vector<std::uint32_t> cuts;
  std::uint32_t at = 0;
  for (std::size_t i = 0; i < ncuts; ++i) cuts.push_back(at += data[3 + i] % 16);
  const ByteView input(data + 3 + ncuts, static_cast<std::uint32_t>(size - 3 - ncuts));
  if (which == 0) {
    check_invariant<SplitLines<Collect>>(SplitLinesConfig{'\n', limit}, input, cuts);
  } else if (which == 1) {
    DeframeConfig cfg;
    cfg.max_frame_bytes = limit;
    cfg.max_frames = data[1] % 5;
    cfg.allow_empty = data[1] & 1;
    cfg.drop_truncated = (data[1] & 2) != 0;
    check_invariant<DeframeU32le<Collect>>(cfg, input, cuts);
  } else {
    JsonCanonConfig cfg;
    cfg.max_depth = limit;
    cfg.max_total_json_bytes = 1 << 20;
    cfg.max_object_members = 64;
    cfg.max_object_total_bytes = 1 << 20;
    cfg.emit_chunk_max_bytes = 7;
    check_invariant<JsonCanonStream<Collect>>(cfg, input, cuts);
  }
  return 0;
}
