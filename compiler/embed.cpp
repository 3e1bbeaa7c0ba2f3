// The C++ embedding API (include/sluice/sluice.hpp) over the front end and the interpreter.
#include "sluice/sluice.hpp"

#include <new>

#include "compiler/interpret.hpp"

namespace sluice {
namespace {

std::optional<Pipeline> keep(CompileResult r, std::vector<Diagnostic>* diagnostics,
                             std::optional<Pipeline> (*make)(Plan)) {
  if (diagnostics) *diagnostics = std::move(r.diagnostics);
  if (!r.plan) return std::nullopt;
  return make(std::move(*r.plan));
}

}  // namespace

std::optional<Pipeline> Pipeline::compile(std::string_view descriptor, const CompileOptions& options,
                                          std::vector<Diagnostic>* diagnostics, std::string_view name) {
  return keep(compile_pipe_text(descriptor, name, options), diagnostics,
              [](Plan p) -> std::optional<Pipeline> { return Pipeline(std::move(p)); });
}

std::optional<Pipeline> Pipeline::compile_file(const std::string& path, const CompileOptions& options,
                                               std::vector<Diagnostic>* diagnostics) {
  return keep(compile_pipe_file(path, options), diagnostics,
              [](Plan p) -> std::optional<Pipeline> { return Pipeline(std::move(p)); });
}

RunResult Pipeline::run(const RunRequest& request) const {
  RunResult result;
  try {
    RunOptions opts;
    opts.env.fs_root.dir = request.fs_root;
    opts.env.read_mode = request.read_mode;
    opts.env.fsync_outputs = request.fsync_outputs;
    opts.page_size = request.page_size == 0 ? kDefaultPageSize : request.page_size;
    opts.host.source_bytes = request.source_bytes;
    opts.host.sink = request.sink;
    RunOutcome out = run_plan(plan_, opts);
    result.status = out.status;
    result.trap = std::move(out.trap);
    result.detail = std::move(out.detail);
    result.copied_bytes = out.copied_bytes;
    result.doc_bytes = std::move(out.doc);
    if (!result.doc_bytes.empty())
      result.doc = decode_doc(ByteView(result.doc_bytes.data(), static_cast<std::uint32_t>(result.doc_bytes.size())));
  } catch (const std::bad_alloc&) {
    result.status = RunStatus::kTrap;
    result.trap = "trap:out_of_memory";
  }
  return result;
}

const char* version() { return SLUICE_VERSION; }

}  // namespace sluice
