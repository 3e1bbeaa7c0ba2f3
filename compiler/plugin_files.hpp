// Stream plugin files for the interpreter (`sluice check|run|plan|emit-cpp|build --plugin FILE`):
// a C or C++ source, an object file or a static archive defining plugin descriptors. Each is
// compiled (or linked) into a shared object in the build cache, with the ABI header's folder on
// the include path, and loaded; descriptors are then looked up by the registry's export_symbol
// only (compiler/resolve_plugins.cpp). `sluice build` links the same files statically instead.
#pragma once

#include <string>
#include <vector>

#include "x07_stream_xf_plugin_abi_v1.h"

namespace sluice {

struct PluginFilesLoad {
  bool ok = false;
  std::string message;         // on failure: which file and what went wrong
  std::vector<void*> handles;  // dlopen handles, in file order (never closed)
};

// `cxx` empty: $CXX, else the configured compiler; `cache_dir` empty: the default build cache.
PluginFilesLoad load_plugin_files(const std::vector<std::string>& files, const std::string& cxx,
                                  const std::string& cache_dir);

// The descriptor exported as `symbol` by the first loaded file that has it, or nullptr.
const x07_stream_xf_plugin_v1* find_plugin_symbol(const std::vector<void*>& handles, const std::string& symbol);

// How a plugin file takes part in a compile or link command: a C source is compiled as C
// (-x c FILE -x none), a C++ source, object or archive as it is.
std::vector<std::string> plugin_file_args(const std::string& file);

}  // namespace sluice
