// The x07 part of the C++ backend: the functions a plan's stages call, translated to C++
// functions over stdlib/x07/rt.hpp (the builtins the interpreter uses too), with the same fuel
// metering, call-depth limit and trap messages; and, per stage, the C++ expression of the UserFn
// the stage's config gets. Private to compiler/.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stdlib/plan.hpp"

namespace sluice {

struct X07Translation {
  std::string code;                        // namespace-scope C++: tables, functions, entries
  std::vector<std::string> stage_fns;      // per chain stage: a sluice::UserFn expression, or ""
  std::vector<std::string> headers;        // what `code` includes
  // Per run-time argument of the source and the sink (ArgValue::kRunTime), by the address of
  // its function's handle (UserFn::ctx): the sluice::UserFn expression of its compiled entry.
  std::map<const void*, std::string> run_time_fns;
};

// Every function reachable from the plan's stages, translated. `native_modules` is the number of
// native-module tables linked in (EmitOptions). Fails, with `error` set, on a function the host
// registered at run time: no file defines it, so nothing can compile it in.
std::optional<X07Translation> translate_x07(const Plan& plan, std::size_t native_modules, std::string& error);

// A C++ string literal for arbitrary bytes (octal escapes for everything not printable ASCII).
std::string cpp_literal(std::string_view bytes);

}  // namespace sluice
