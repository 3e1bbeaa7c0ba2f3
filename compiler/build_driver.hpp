// `sluice build`: emit the plan's C++, compile it with the C++ compiler recorded when sluice was
// configured (or $CXX), link the runtime and stdlib libraries, and put the executable at the
// output path atomically. Builds are cached under a key of the generated file, the compiler, its
// version, the flags, the libraries and the native modules, so building the same pipeline again
// is a copy.
#pragma once

#include <string>
#include <vector>

#include "compiler/toolchain.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

struct BuildOptions {
  std::string output;                   // the executable to write
  std::string cxx;                      // empty: $CXX, else the configured compiler
  std::vector<std::string> extra_flags; // appended to the compile command
  std::string cache_dir;                // empty: $SLUICE_CACHE_DIR, $XDG_CACHE_HOME/sluice or ~/.cache/sluice
  bool use_cache = true;
  // --native-module files, in order: module i is compiled to its own object with its table
  // function renamed sluice_native_module_v1_<i> (stdlib/native_module.hpp) and linked in.
  std::vector<std::string> native_modules;
  // --plugin files (C/C++ sources, objects, archives), linked in statically (docs/plugins.md).
  std::vector<std::string> plugin_files;
};

struct BuildResult {
  bool ok = false;
  bool cache_hit = false;
  std::string message;       // on failure: what went wrong, with the compiler's own output
  std::string command;       // the compile command that ran (or would have)
  std::string cache_entry;   // the cache directory of this build
};

BuildResult build_executable(const Plan& plan, const BuildOptions& options);

}  // namespace sluice
