#include "compiler/native_modules.hpp"

#include <filesystem>
#include <mutex>
#include <optional>
#include <set>

#include <dlfcn.h>

#include "compiler/build_cache.hpp"
#include "compiler/toolchain.hpp"
#include "runtime/plan_hash.hpp"
#include "stdlib/native_module.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

// -O2 rather than build's -O3: a module is compiled on a `sluice run`, where a faster compile
// matters more than the last few percent of the function's speed.
const std::vector<std::string> kSharedObjectFlags = {"-std=c++20", "-O2", "-fPIC", "-shared"};

// Handles are never closed (see load_native_modules); the list only keeps them reachable, so a
// leak checker does not report them.
std::vector<void*>& open_handles() {
  static std::vector<void*> handles;
  return handles;
}

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

// Compiles `file` (whose bytes are `text`) to a shared object in the cache unless it is there.
bool compile_shared_object(const std::string& file, const std::string& text, const Toolchain& tc,
                           const std::string& version, const NativeModuleOptions& options, LoadedNativeModule& out,
                           std::string& message) {
  std::string key_text = std::string(kCacheLayout) + "\nnative module shared object\n" + text + "\n" + tc.cxx + "\n" + version + "\n" +
                         tc.include_dir + "\n";
  for (const std::string& f : kSharedObjectFlags) key_text += f + " ";
  // The sluice headers a module includes (the ABI, UserFnIo, ByteView) may change under it.
  key_text += "\n" + header_identities(tc.include_dir);
  const std::string root = cache_root(options.cache_dir);
  const std::string key = xxh64_hex(key_text);
  const fs::path entry = fs::path(root) / key;
  const fs::path shared_object = entry / "native_module.so";
  out.shared_object = shared_object.string();

  std::vector<std::string> argv{tc.cxx};
  argv.insert(argv.end(), kSharedObjectFlags.begin(), kSharedObjectFlags.end());
  argv.push_back("-I" + tc.include_dir);
  argv.push_back("-I" + tc.plugin_abi_include_dir);
  // Absolute, so that the compiler's messages name the file wherever sluice runs.
  argv.push_back(fs::absolute(file).string());
  argv.push_back("-o");
  std::error_code ec;
  // An entry that exists is complete: it is only made by renaming a finished work directory
  // (compiler/build_cache.hpp), so a concurrent run never loads a partial object, and a failed
  // or killed compile leaves nothing a later run trusts.
  if (fs::exists(shared_object, ec)) {
    argv.push_back(shared_object.string());
    out.command = command_text(argv);
    return true;
  }
  sweep_abandoned_work(root);
  std::optional<CacheWork> work = CacheWork::open(root, key, message);
  if (!work) return false;
  argv.push_back((fs::path(work->dir()) / "native_module.so").string());
  out.command = command_text(argv);
  const Captured compiled = run_capture(argv);
  if (compiled.exec_errno != 0 || compiled.status != 0) {
    message = "the C++ compiler failed (exit " + std::to_string(compiled.status) + "):\n" + out.command + "\n" +
              compiled.output;
    return false;
  }
  if (!work->publish(message)) return false;
  out.compiled = true;
  return true;
}

// Opens the shared object and copies its table into `fns`, checking every entry.
bool read_table(const LoadedNativeModule& m, std::vector<NativeFn>& fns, std::string& message) {
  // RTLD_NOW: a symbol the module uses but nothing provides (a non-inline sluice function, say)
  // is an error here rather than a crash in the middle of a run. RTLD_LOCAL: modules' symbols
  // never satisfy each other's, so each behaves as it would alone.
  void* handle = ::dlopen(m.shared_object.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    message = "cannot load it: " + std::string(why ? why : "dlopen failed");
    return false;
  }
  {
    static std::mutex mu;
    const std::lock_guard<std::mutex> lock(mu);
    open_handles().push_back(handle);
  }
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
    if (!compile_shared_object(file, *text, tc, *version, options, m, error)) return fail(error);
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
