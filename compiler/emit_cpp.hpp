// The C++ backend: one translation unit for a plan. Stages are the stdlib kernels composed
// statically (each holds a StaticNext to the concrete stage after it: no virtual call per item),
// built from an embedded copy of the plan through the same config functions the interpreter
// uses, and run by the same run sequence. Same plan → byte-identical file.
#pragma once

#include <string>

#include "stdlib/plan.hpp"

namespace sluice {

// xxh64 (16 hex digits) of the plan's JSON rendering with the file name left out, so the same
// pipeline gives the same hash wherever its file lives.
std::string plan_hash(const Plan& plan);

std::string emit_cpp(const Plan& plan);

}  // namespace sluice
