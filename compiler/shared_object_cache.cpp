#include "compiler/shared_object_cache.hpp"

#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include <dlfcn.h>

#include "compiler/build_cache.hpp"
#include "runtime/plan_hash.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

// -O2 rather than build's -O3: these are compiled on a `sluice run`, where a faster compile
// matters more than the last few percent of a function's speed.
const std::vector<std::string> kSharedObjectFlags = {"-std=c++20", "-O2", "-fPIC", "-shared"};

// Handles are never closed; the list only keeps them reachable, so a leak checker does not
// report them.
std::vector<void*>& open_handles() {
  static std::vector<void*> handles;
  return handles;
}

}  // namespace

bool cached_shared_object(const SharedObjectSource& source, const Toolchain& tc, const std::string& compiler_version,
                          const std::string& cache_dir, bool compile_if_missing, CachedSharedObject& out,
                          std::string& message) {
  std::string key_text = std::string(kCacheLayout) + "\n" + source.kind + "\n" + source.text + "\n" + tc.cxx + "\n" +
                         compiler_version + "\n" + SLUICE_VERSION + "\n" + tc.include_dir + "\n";
  // The sanitizers sluice itself was built with, if any (link_flags), so that the object and
  // the process it is loaded into agree.
  for (const std::string& f : kSharedObjectFlags) key_text += f + " ";
  for (const std::string& f : tc.link_flags) key_text += f + " ";
  // The sluice headers the source includes may change under it.
  key_text += "\n" + header_identities(tc.include_dir);
  const std::string root = cache_root(cache_dir);
  const fs::path entry = fs::path(root) / xxh64_hex(key_text);
  const fs::path shared_object = entry / source.file_name;

  std::vector<std::string> argv{tc.cxx};
  argv.insert(argv.end(), kSharedObjectFlags.begin(), kSharedObjectFlags.end());
  argv.insert(argv.end(), tc.link_flags.begin(), tc.link_flags.end());
  argv.push_back("-I" + tc.include_dir);
  argv.push_back("-I" + tc.plugin_abi_include_dir);
  const auto finish_command = [&](const fs::path& dir, const fs::path& object) {
    // A given file is named absolutely, so that the compiler's messages name it wherever sluice runs.
    argv.push_back(source.file.empty() ? (dir / "source.cpp").string() : fs::absolute(source.file).string());
    argv.push_back("-o");
    argv.push_back(object.string());
    out.command = command_text(argv);
  };
  std::error_code ec;
  // An entry that exists is complete: it is only made by renaming a finished work directory.
  if (fs::exists(shared_object, ec)) {
    finish_command(entry, shared_object);
    out.path = shared_object.string();
    return true;
  }
  if (!compile_if_missing) return true;
  sweep_abandoned_work(root);
  std::optional<CacheWork> work = CacheWork::open(root, entry.filename().string(), message);
  if (!work) return false;
  const fs::path dir = work->dir();
  if (source.file.empty() && !write_whole((dir / "source.cpp").string(), source.text)) {
    message = "cannot write " + (dir / "source.cpp").string();
    return false;
  }
  finish_command(dir, dir / source.file_name);
  const Captured compiled = run_capture(argv);
  if (compiled.exec_errno != 0 || compiled.status != 0) {
    message = "the C++ compiler failed (exit " + std::to_string(compiled.status) + "):\n" + out.command + "\n" +
              compiled.output;
    return false;
  }
  if (!work->publish(message)) return false;
  out.path = (fs::path(work->entry()) / source.file_name).string();
  out.compiled = true;
  return true;
}

void* open_shared_object(const std::string& path, std::string& message) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    message = "cannot load it: " + std::string(why ? why : "dlopen failed");
    return nullptr;
  }
  static std::mutex mu;
  const std::lock_guard<std::mutex> lock(mu);
  open_handles().push_back(handle);
  return handle;
}

}  // namespace sluice
