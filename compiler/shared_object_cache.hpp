// Shared objects compiled into the build cache and loaded into this process: what native modules
// (--native-module) and compiled x07 functions (run --compile) share. An entry is keyed by its
// source text, the compiler and its version, sluice's version and the headers it includes, so a
// change to any of them compiles anew; entries are published by rename (compiler/build_cache.hpp),
// so a concurrent run never loads a partial object.
#pragma once

#include <string>

#include "compiler/toolchain.hpp"

namespace sluice {

struct SharedObjectSource {
  std::string kind;       // what it is, part of the key (e.g. "native module shared object")
  std::string text;       // the C++ source
  std::string file;       // compile this file (its bytes are `text`); empty: write `text` into the entry
  std::string file_name;  // the entry's file name, e.g. native_module.so
};

struct CachedSharedObject {
  std::string path;     // the shared object in the cache ("" when absent and not compiled)
  bool compiled = false;  // false: the cache already had it
  std::string command;  // the compile command (run or not)
};

// Finds the entry for `source`, or (when `compile_if_missing`) compiles it there. True when the
// entry exists afterwards, or when it is absent and was not to be compiled (then `out.path` is
// empty); false with `message` set when the compiler fails or the cache cannot be written.
bool cached_shared_object(const SharedObjectSource& source, const Toolchain& tc, const std::string& compiler_version,
                          const std::string& cache_dir, bool compile_if_missing, CachedSharedObject& out,
                          std::string& message);

// dlopen(RTLD_NOW | RTLD_LOCAL): a symbol the object uses but nothing provides is an error here
// rather than a crash in the middle of a run, and objects never satisfy each other's symbols.
// The handle is never closed (functions in it may be called until the process ends). Null with
// `message` set on failure.
void* open_shared_object(const std::string& path, std::string& message);

}  // namespace sluice
