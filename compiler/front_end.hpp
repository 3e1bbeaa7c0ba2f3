// The compiler front end's public API: descriptor text or file in, a Plan (when there are no
// errors) and every diagnostic out. Parse with positions → check → elaborate. Never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "runtime/world.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

struct CompileOptions {
  World world = World::kRunOsSandboxed;
};

struct CompileResult {
  std::optional<Plan> plan;  // set only when there are no error diagnostics (warnings allowed)
  std::vector<Diagnostic> diagnostics;
  [[nodiscard]] bool ok() const { return !has_errors(diagnostics); }
};

// `file_name` is only used in diagnostics and Plan::file.
CompileResult compile_pipe_text(std::string_view text, std::string_view file_name, const CompileOptions& options);
// An unreadable file gives E_PIPE_FILE_UNREADABLE at line 0, column 0.
CompileResult compile_pipe_file(const std::string& path, const CompileOptions& options);

}  // namespace sluice
