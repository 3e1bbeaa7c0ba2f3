// The C++ backend: one translation unit for a plan. Stages are the stdlib kernels composed
// statically (each holds a StaticNext to the concrete stage after it: no virtual call per item),
// built from an embedded copy of the plan through the same config functions the interpreter
// uses, and run by the same run sequence. x07 stage functions are translated to C++ functions
// (compiler/emit_x07.cpp). Same plan → byte-identical file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "stdlib/plan.hpp"

namespace sluice {

struct EmitOptions {
  // Native modules (--native-module) compiled into the executable, in order: module i defines
  // its table as sluice_native_module_v1_<i> (stdlib/native_module.hpp), and the generated code
  // looks native functions up by name in those tables at startup.
  std::size_t native_modules = 0;
};

// xxh64 (16 hex digits) of the plan's JSON rendering with the file name left out, so the same
// pipeline gives the same hash wherever its file lives.
std::string plan_hash(const Plan& plan);

// The translation unit, or nullopt with `error` set when the plan cannot be compiled (a function
// a host registered at run time, which no file defines).
std::optional<std::string> emit_cpp(const Plan& plan, const EmitOptions& options, std::string& error);

}  // namespace sluice
