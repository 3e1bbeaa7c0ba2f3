// `sluice run --compile never|auto|always`: the x07 functions a plan's stages call, compiled to
// C++ by the build backend's translation (compiler/emit_x07.cpp), built into the build cache as a
// shared object and called in place of the interpreter. Same translation as `sluice build`, so
// the same docs, traps and fuel counts (docs/build.md says what may differ: the line:column of a
// fuel trap). Functions a host registered and native-module functions cannot be translated;
// such a plan stays interpreted.
#pragma once

#include <string>
#include <string_view>

#include "stdlib/plan.hpp"

namespace sluice {

enum class CompileMode : std::uint8_t {
  kNever,   // interpret every x07 function
  kAuto,    // use the compiled functions when the cache has them; never run the compiler
  kAlways,  // compile them into the cache when missing (a second or two), then use them
};

// "never", "auto", "always"; false for anything else.
bool parse_compile_mode(std::string_view text, CompileMode& out);

struct CompiledFnsOptions {
  CompileMode mode = CompileMode::kAuto;
  std::string cxx;        // empty: $CXX, else the compiler sluice was configured with
  std::string cache_dir;  // empty: the default build cache
  std::string_view input;  // the program input the functions read as `input` (run --input)
};

struct CompiledFns {
  enum class Status : std::uint8_t {
    kInterpreted,  // nothing to compile, not in the cache (auto), or not translatable (auto)
    kCompiled,     // the plan's stages now call compiled functions
    kFailed,       // always: could not translate, compile or load; `message` says why
  };
  Status status = Status::kInterpreted;
  std::string message;       // kFailed: why; kInterpreted: why not compiled, when there was a reason
  bool compiler_failed = false;  // kFailed: no compiler, or it failed (sluice build's exit 5), rather than a plan it cannot compile
  bool compiled_now = false;  // kCompiled: the compiler ran (the cache did not have them)
  std::string shared_object;  // kCompiled: the object in the cache
  std::string command;        // the compile command (run or not)
};

// Replaces the user functions of `plan`'s stages by compiled ones when `options.mode` allows.
// On kInterpreted and kFailed the plan is unchanged.
CompiledFns use_compiled_fns(Plan& plan, const CompiledFnsOptions& options);

}  // namespace sluice
