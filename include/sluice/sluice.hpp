// sluice's embedding API for C++ hosts: compile an X07 pipe descriptor (text or file) into a
// Pipeline, run it as often as you like, get the result doc back, typed. A host can feed the
// pipeline from its own memory and take the delivered items in a callback. Nothing here throws.
//
//   #include <sluice/sluice.hpp>
//   std::vector<sluice::embed::Diagnostic> diags;
//   auto pipe = sluice::embed::Pipeline::compile(descriptor_text, {}, &diags);
//   sluice::embed::RunRequest req;
//   req.source_bytes = sluice::embed::ByteView::of(my_bytes);
//   req.sink = [](sluice::embed::ByteView item) { ... };
//   sluice::embed::RunResult r = pipe->run(req);
//   if (r.ok()) use(r.doc->counters.items_out);
//
// The headers under <sluice/> that a host includes stand alone: they need only the standard
// library and each other, never sluice's internal headers. Link with the CMake target
// sluice::compiler of find_package(sluice), or `pkg-config --libs sluice`. docs/embed.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/byte_view.hpp>
#include <sluice/compile_options.hpp>
#include <sluice/diagnostic.hpp>
#include <sluice/result_doc.hpp>

namespace sluice::embed {

enum class ReadMode : std::uint8_t {
  kRead,  // read(2) into pooled pages: bounded memory, works for pipes and devices
  kMmap,  // map the whole file: no copy; falls back to kRead when the file cannot be mapped
};

inline constexpr std::uint32_t kDefaultPageSize = 64 * 1024;

struct RunRequest {
  std::string fs_root = ".";  // where the descriptor's fs paths resolve
  ReadMode read_mode = ReadMode::kRead;
  // fs sinks fsync a replaced file and its directory before OK; false trades that durability
  // against a power cut for speed (the output stays all-or-nothing either way).
  bool fsync_outputs = true;
  // A pipe that copies a file unchanged (fs source, no stages, file sink) lets the kernel move the
  // bytes (copy_file_range); false always moves them through pages. The doc is the same.
  bool copy_offload = true;
  std::uint32_t page_size = kDefaultPageSize;  // 0 means the default
  // Replaces the descriptor's source: these bytes, cut into chunk_max_bytes items (views, no copy).
  // They must stay alive for the duration of run().
  std::optional<ByteView> source_bytes;
  // Replaces the descriptor's sink: called once per delivered item, after the sink budgets are
  // charged. The view is valid during the call only.
  std::function<void(ByteView item)> sink;
};

// How a run ended.
enum class RunStatus : std::uint8_t {
  kOkDoc,   // an OK doc: counters and payload
  kErrDoc,  // an ERR doc: a code, a message, a payload (a budget, a bad frame, a missing file...)
  kTrap,    // a runtime trap: no doc at all (`trap` says which)
};

struct RunResult {
  RunStatus status = RunStatus::kTrap;
  std::vector<std::uint8_t> doc_bytes;  // the exact X07 result doc; empty for a trap
  std::optional<ResultDoc> doc;         // the same, decoded
  std::string trap;                     // for kTrap: "trap:<id>: <detail>"
  std::string detail;                   // a human detail for some ERR docs
  std::uint64_t copied_bytes = 0;       // bytes the runtime had to copy (lines across chunks, ...)
  std::uint64_t offloaded_bytes = 0;    // bytes the kernel copied file to file (copy offload)

  [[nodiscard]] bool ok() const { return status == RunStatus::kOkDoc; }
  // What `sluice run` would exit with: 0 OK doc, 3 ERR doc, 4 trap.
  [[nodiscard]] int exit_status() const {
    return status == RunStatus::kOkDoc ? 0 : status == RunStatus::kErrDoc ? 3 : 4;
  }
};

// A compiled pipeline. Immutable; copies share it; run() may be called from several threads.
class Pipeline {
 public:
  // nullopt when the descriptor has errors; every diagnostic (warnings too) goes to `diagnostics`.
  static std::optional<Pipeline> compile(std::string_view descriptor, const CompileOptions& options = {},
                                         std::vector<Diagnostic>* diagnostics = nullptr,
                                         std::string_view name = "<memory>");
  static std::optional<Pipeline> compile_file(const std::string& path, const CompileOptions& options = {},
                                              std::vector<Diagnostic>* diagnostics = nullptr);

  // Runs the pipeline once. Runs are independent.
  [[nodiscard]] RunResult run(const RunRequest& request = {}) const;

  // The elaborated pipeline, as `sluice plan` prints it (text, or --format json).
  [[nodiscard]] std::string plan_text() const;
  [[nodiscard]] std::string plan_json() const;

  struct Impl;  // compiler/embed.cpp

 private:
  explicit Pipeline(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// "0.1.0"
const char* version();

}  // namespace sluice::embed
