// Lints: warnings about pipes that check but cannot do what their author meant (a budget that
// every run breaks, dead stages, a function that never looks at its item, a sink that overwrites
// its own source). Each has a W_LINT_ code, the location of the part to change and a hint;
// `--deny-warnings` turns them, with every other warning, into a failed check. Private to compiler/.
#pragma once

#include "compiler/json_source.hpp"
#include "compiler/resolve_fns.hpp"
#include "compiler/x07/program.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

// Runs on an elaborated, resolved and brand-typed plan; `pipe_root` is the pipe descriptor whose
// pointers the plan's stages carry.
void lint_plan(const Plan& plan, const x07::Program& program, const JsonNode& pipe_root, FnContext& ctx);

}  // namespace sluice
