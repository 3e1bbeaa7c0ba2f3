// sluice's embedding API for C++ hosts: compile an X07 pipe descriptor (text or file) into a
// Pipeline, run it as often as you like, get the result doc back, typed. A host can feed the
// pipeline from its own memory and take the delivered items in a callback. Nothing here throws.
//
//   #include <sluice/sluice.hpp>
//   std::vector<sluice::Diagnostic> diags;
//   auto pipe = sluice::Pipeline::compile(descriptor_text, {}, &diags);
//   sluice::RunRequest req;
//   req.source_bytes = sluice::ByteView::of(my_bytes);
//   req.sink = [](sluice::ByteView item) { ... };
//   sluice::RunResult r = pipe->run(req);
//   if (r.ok()) use(r.doc->counters.items_out);
//
// Link with the CMake targets of find_package(sluice) (sluice::compiler brings the others) or
// `pkg-config --cflags --libs sluice`. docs/embed.md has the details.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/front_end.hpp"
#include "runtime/input_stream.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/run_context.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/sink/host_callback.hpp"

namespace sluice {

struct RunRequest {
  std::string fs_root = ".";                  // where the descriptor's fs paths resolve
  ReadMode read_mode = ReadMode::kRead;
  // fs sinks fsync a replaced file and its directory before OK; false trades that durability
  // against a power cut for speed (the output stays all-or-nothing either way).
  bool fsync_outputs = true;
  std::uint32_t page_size = kDefaultPageSize;
  // Replaces the descriptor's source: these bytes, cut into chunk_max_bytes items (views, no copy).
  // They must stay alive for the duration of run().
  std::optional<ByteView> source_bytes;
  // Replaces the descriptor's sink: called once per delivered item, after the sink budgets are
  // charged. The view is valid during the call only.
  HostSinkFn sink;
};

struct RunResult {
  RunStatus status = RunStatus::kRunning;  // kRunning: an OK doc; kErr: an ERR doc; kTrap: no doc
  std::vector<std::uint8_t> doc_bytes;     // the exact X07 result doc
  std::optional<ResultDoc> doc;            // the same, decoded
  std::string trap;                        // for kTrap: "trap:<id>: <detail>"
  std::string detail;                      // a human detail for some ERR docs
  std::uint64_t copied_bytes = 0;

  [[nodiscard]] bool ok() const { return status == RunStatus::kRunning; }
  // What `sluice run` would exit with: 0 OK, 3 ERR doc, 4 trap.
  [[nodiscard]] int exit_status() const { return status == RunStatus::kRunning ? 0 : status == RunStatus::kErr ? 3 : 4; }
};

class Pipeline {
 public:
  // nullopt when the descriptor has errors; every diagnostic (warnings too) goes to `diagnostics`.
  static std::optional<Pipeline> compile(std::string_view descriptor, const CompileOptions& options = {},
                                         std::vector<Diagnostic>* diagnostics = nullptr,
                                         std::string_view name = "<memory>");
  static std::optional<Pipeline> compile_file(const std::string& path, const CompileOptions& options = {},
                                              std::vector<Diagnostic>* diagnostics = nullptr);

  // Runs the pipeline once. Runs are independent; a Pipeline may be run from several threads.
  [[nodiscard]] RunResult run(const RunRequest& request = {}) const;
  [[nodiscard]] const Plan& plan() const { return plan_; }

 private:
  explicit Pipeline(Plan plan) : plan_(std::move(plan)) {}
  Plan plan_;
};

// "0.1.0"
const char* version();

}  // namespace sluice
