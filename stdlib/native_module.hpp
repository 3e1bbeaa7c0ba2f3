// Native modules: stage functions written in plain C++ (`sluice run|check|build --native-module
// FILE.cpp`). A native module includes this header and lists its functions once:
//
//   #include "stdlib/native_module.hpp"   // sluice passes -I for its headers
//   static sluice::UserFnStatus rot13(const void*, sluice::UserFnIo& io) { ... }
//   SLUICE_NATIVE_MODULE({"app.text.rot13", sluice::UserFnSig::kMap, rot13})
//
// The macro defines one extern "C" function returning the table. `sluice run` compiles the file
// into a shared object and loads it; `sluice build` compiles it into the executable, renaming the
// table function per module (-DSLUICE_NATIVE_MODULE_SYMBOL=sluice_native_module_v1_<i>) so that
// several modules link together. See docs/native_modules.md.
#pragma once

#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "stdlib/user_fn.hpp"

namespace sluice {

struct NativeModuleFn {
  const char* name;  // the dotted name pipes and x07 bodies call it by
  UserFnSig sig;
  UserFnEntry entry;
};

struct NativeModuleTable {
  const NativeModuleFn* fns;
  std::size_t count;
};

using NativeModuleSymbol = NativeModuleTable (*)();

// The table function's name when a native module is loaded as a shared object.
inline constexpr const char* kNativeModuleSymbol = "sluice_native_module_v1";

// The function `name` of the first table that has it (a compiled pipeline's startup lookup).
inline UserFn find_native_module_fn(std::initializer_list<NativeModuleSymbol> tables, std::string_view name) {
  for (const NativeModuleSymbol t : tables) {
    const NativeModuleTable table = t();
    for (std::size_t i = 0; i < table.count; ++i)
      if (name == table.fns[i].name) return UserFn{nullptr, table.fns[i].entry};
  }
  return UserFn{};
}

}  // namespace sluice

#ifndef SLUICE_NATIVE_MODULE_SYMBOL
#define SLUICE_NATIVE_MODULE_SYMBOL sluice_native_module_v1
#endif

#define SLUICE_NATIVE_MODULE(...)                                                        \
  extern "C" sluice::NativeModuleTable SLUICE_NATIVE_MODULE_SYMBOL() {                   \
    static const sluice::NativeModuleFn kSluiceNativeFns[] = {__VA_ARGS__};             \
    return sluice::NativeModuleTable{kSluiceNativeFns, sizeof kSluiceNativeFns / sizeof kSluiceNativeFns[0]}; \
  }
