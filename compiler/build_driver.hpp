// `sluice build`: emit the plan's C++, compile it with the C++ compiler recorded when sluice was
// configured (or $CXX), link the runtime and stdlib libraries, and put the executable at the
// output path atomically. Builds are cached under a key of the generated file, the compiler, its
// version, the flags and the libraries, so building the same pipeline again is a copy.
#pragma once

#include <string>
#include <vector>

#include "stdlib/plan.hpp"

namespace sluice {

struct BuildOptions {
  std::string output;                   // the executable to write
  std::string cxx;                      // empty: $CXX, else the configured compiler
  std::vector<std::string> extra_flags; // appended to the compile command
  std::string cache_dir;                // empty: $SLUICE_CACHE_DIR, $XDG_CACHE_HOME/sluice or ~/.cache/sluice
  bool use_cache = true;
};

struct BuildResult {
  bool ok = false;
  bool cache_hit = false;
  std::string message;       // on failure: what went wrong, with the compiler's own output
  std::string command;       // the compile command that ran (or would have)
  std::string cache_entry;   // the cache directory of this build
};

// Where the headers and libraries are: beside an installed `sluice` (PREFIX/include/sluice,
// PREFIX/lib) or, when running from the build tree, the source and build directories.
struct Toolchain {
  std::string cxx;
  std::string include_dir;
  std::vector<std::string> libraries;  // static libraries, in link order
  std::vector<std::string> link_flags;
  bool installed = false;
};

Toolchain locate_toolchain(const std::string& cxx_override);
BuildResult build_executable(const Plan& plan, const BuildOptions& options);

}  // namespace sluice
