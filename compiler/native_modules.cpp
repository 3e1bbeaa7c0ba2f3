#include "compiler/native_modules.hpp"

#include <filesystem>
#include <optional>
#include <set>

#include <dlfcn.h>

#include "compiler/shared_object_cache.hpp"
#include "compiler/toolchain.hpp"
#include "stdlib/native_module.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

bool valid_sig(UserFnSig sig) {
  switch (sig) {
    case UserFnSig::kMap:
    case UserFnSig::kFilter:
    case UserFnSig::kValidator:
    case UserFnSig::kMapInPlace: return true;
    case UserFnSig::kParMap:         // a par_map mapper must be an x07 function: it runs on worker
    case UserFnSig::kParMapResult: return false;  // threads with its own frames (docs/compat.md)
  }
  return false;
}

// Opens the shared object and copies its table into `fns`, checking every entry.
bool read_table(const LoadedNativeModule& m, std::vector<NativeFn>& fns, std::string& message) {
  void* handle = open_shared_object(m.shared_object, message);
  if (handle == nullptr) return false;
  void* symbol = ::dlsym(handle, kNativeModuleSymbol);
  if (symbol == nullptr) {
    message = "no native module table (the symbol " + std::string(kNativeModuleSymbol) +
              " is missing): list its functions with SLUICE_NATIVE_MODULE({\"name\", sig, fn}, ...) "
              "from stdlib/native_module.hpp";
    return false;
  }
  const auto table_fn = reinterpret_cast<NativeModuleSymbol>(symbol);
  const NativeModuleTable table = table_fn();
  if (table.count == 0 || table.fns == nullptr) {
    message = "its native module table lists no functions";
    return false;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < table.count; ++i) {
    const NativeModuleFn& f = table.fns[i];
    const std::string at = "table entry " + std::to_string(i + 1);
    if (f.name == nullptr || *f.name == '\0') {
      message = at + " has an empty name";
      return false;
    }
    const std::string name = f.name;
    if (!seen.insert(name).second) {
      message = at + ": the name \"" + name + "\" is listed twice";
      return false;
    }
    if (!valid_sig(f.sig)) {
      message = at + " (\"" + name + "\") has an invalid signature (" + std::to_string(static_cast<int>(f.sig)) +
                "); use sluice::UserFnSig::kMap, kFilter, kValidator or kMapInPlace";
      return false;
    }
    if (f.entry == nullptr) {
      message = at + " (\"" + name + "\") has no function";
      return false;
    }
    fns.push_back(NativeFn{name, f.sig, UserFn{nullptr, f.entry}});
  }
  return true;
}

}  // namespace

NativeModulesLoad load_native_modules(const std::vector<std::string>& files, const NativeModuleOptions& options) {
  NativeModulesLoad r;
  if (files.empty()) {
    r.ok = true;
    return r;
  }
  const Toolchain tc = locate_toolchain(options.cxx);
  std::string error;
  const std::optional<std::string> version = compiler_version(tc.cxx, error);
  std::vector<NativeFn> fns;
  std::vector<std::string> defined_by;  // the file of each entry of `fns`
  for (const std::string& file : files) {
    const auto fail = [&](const std::string& why) {
      r.message = "native module " + file + ": " + why;
      return r;
    };
    const std::optional<std::string> text = read_whole(file);
    if (!text || fs::is_directory(file)) {
      const std::string why = fs::exists(file) ? "cannot read it" : "no such file";
      return fail(why);
    }
    if (!version) return fail(error);
    LoadedNativeModule& m = r.modules.emplace_back();
    m.file = file;
    CachedSharedObject so;
    const SharedObjectSource source{"native module shared object", *text, file, "native_module.so"};
    if (!cached_shared_object(source, tc, *version, options.cache_dir, true, so, error)) return fail(error);
    m.shared_object = so.path;
    m.compiled = so.compiled;
    m.command = so.command;
    const std::size_t first = fns.size();
    if (!read_table(m, fns, error)) return fail(error);
    for (std::size_t i = first; i < fns.size(); ++i) {
      for (std::size_t j = 0; j < first; ++j)
        if (fns[j].name == fns[i].name)
          return fail("\"" + fns[i].name + "\" is already defined by native module " + defined_by[j]);
      defined_by.push_back(file);
    }
  }
  r.fns = std::move(fns);
  r.ok = true;
  return r;
}

}  // namespace sluice
