// Native modules for the interpreter (`sluice check|run|plan|emit-cpp --native-module FILE.cpp`):
// each file is compiled into a shared object in the build cache (reused while the file, the
// compiler and the flags are unchanged), loaded, and its SLUICE_NATIVE_MODULE table
// (stdlib/native_module.hpp) read into NativeFn entries for CompileOptions::native_fns.
// `sluice build` compiles the same files into the executable instead (compiler/build_driver.cpp).
#pragma once

#include <string>
#include <vector>

#include "compiler/front_end.hpp"

namespace sluice {

struct NativeModuleOptions {
  std::string cxx;        // empty: $CXX, else the compiler sluice was configured with
  std::string cache_dir;  // empty: $SLUICE_CACHE_DIR, $XDG_CACHE_HOME/sluice or ~/.cache/sluice
};

struct LoadedNativeModule {
  std::string file;           // as given
  std::string shared_object;  // where it was compiled to, in the cache
  bool compiled = false;      // false: the cache already had it
  std::string command;        // the compile command (run or not)
};

struct NativeModulesLoad {
  bool ok = false;
  std::string message;                      // on failure: which module and what went wrong
  std::vector<NativeFn> fns;                // every function of every module, in order
  std::vector<LoadedNativeModule> modules;  // one per file loaded (all of them when ok)
};

// Compiles (or finds in the cache) and loads every file. Fails, with nothing loaded into `fns`,
// on a missing file, a compiler error (its output is in the message), a file without a table, a
// table entry with an empty or repeated name, an invalid signature or no function, or a name
// two modules both define. The shared objects stay loaded for the life of the process: the
// entries point into them and any plan compiled with them may still run.
NativeModulesLoad load_native_modules(const std::vector<std::string>& files, const NativeModuleOptions& options);

}  // namespace sluice
