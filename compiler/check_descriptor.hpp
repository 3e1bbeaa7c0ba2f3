// The check pass: walks a parsed pipe descriptor against the stage catalog and the world, reports
// every problem in one pass, and hands elaboration the checked pieces with their values already
// evaluated, so elaboration never looks at JSON. Private to compiler/.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check_values.hpp"
#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "runtime/world.hpp"
#include "stdlib/catalog.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

struct CheckedStage {
  const StageSpec* spec = nullptr;
  std::string pointer;                          // of the stage descriptor
  std::vector<ArgValue> positional;             // parallel to spec->positional
  std::vector<std::optional<ArgValue>> fields;  // parallel to spec->fields; nullopt = not written.
                                                // Brand fields hold kWord with the brand in `bytes`.
  std::unique_ptr<CheckedStage> inner;          // u32frames_v1: the wrapped sink
};

struct CheckedCfg {
  // The keys as written (last one wins); absent optional keys keep PlanCfg's initial values, which
  // are X07's defaults. max_steps stays as written (0 when absent): elaboration derives it.
  PlanCfg values;
  bool complete = false;  // every required key given with a valid value
};

struct CheckedPipe {
  CheckedCfg cfg;
  CheckedStage source;
  std::vector<CheckedStage> chain;
  CheckedStage sink;
};

// Appends every diagnostic to `out`. The result is complete only when no error was appended.
// `eval` evaluates expr_v1 arguments beyond literals (nullptr: literals only).
CheckedPipe check_descriptor(const JsonNode& root, std::string_view file, World world, std::vector<Diagnostic>& out,
                             const ExprEvalFn* eval = nullptr);

// The cfg part of the pass (check_cfg.cpp): `node` is element 1 of the pipe.
CheckedCfg check_cfg(const JsonNode& node, const std::string& pointer, CheckContext& ctx);

}  // namespace sluice
