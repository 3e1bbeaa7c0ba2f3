#include "compiler/plugin_files.hpp"

#include <filesystem>
#include <mutex>

#include <dlfcn.h>

#include "compiler/toolchain.hpp"
#include "runtime/plan_hash.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_archive(const std::string& f) { return has_suffix(f, ".a"); }

}  // namespace

std::vector<std::string> plugin_file_args(const std::string& file) {
  const std::string abs = fs::absolute(file).string();
  if (has_suffix(file, ".c")) return {"-x", "c", abs, "-x", "none"};
  if (is_archive(file)) return {"-Wl,--whole-archive", abs, "-Wl,--no-whole-archive"};
  return {abs};
}

PluginFilesLoad load_plugin_files(const std::vector<std::string>& files, const std::string& cxx,
                                  const std::string& cache_dir) {
  PluginFilesLoad r;
  if (files.empty()) {
    r.ok = true;
    return r;
  }
  const Toolchain tc = locate_toolchain(cxx);
  std::string error;
  const std::optional<std::string> version = compiler_version(tc.cxx, error);
  for (const std::string& file : files) {
    const auto fail = [&](const std::string& why) {
      r.message = "plugin file " + file + ": " + why;
      return r;
    };
    const std::optional<std::string> text = read_whole(file);
    if (!text || fs::is_directory(file)) return fail(fs::exists(file) ? "cannot read it" : "no such file");
    if (!version) return fail(error);
    // -O2 -fPIC -shared; the host hooks (ev_bytes_alloc, ev_trap) come from sluice itself.
    std::vector<std::string> argv{tc.cxx, "-O2", "-fPIC", "-shared", "-I" + tc.plugin_abi_include_dir};
    const std::vector<std::string> file_args = plugin_file_args(file);
    std::string key_text = "stream plugin shared object\n" + *text + "\n" + *version + "\n" + file + "\n";
    for (const std::string& a : argv) key_text += a + " ";
    const fs::path entry = fs::path(cache_root(cache_dir)) / xxh64_hex(key_text);
    const fs::path so = entry / "plugin.so";
    std::error_code ec;
    if (!fs::exists(so, ec)) {
      fs::create_directories(entry, ec);
      if (ec) return fail("cannot create the build cache " + entry.string() + ": " + ec.message());
      const std::string tmp = temp_path_beside(so.string());
      argv.insert(argv.end(), file_args.begin(), file_args.end());
      argv.push_back("-o");
      argv.push_back(tmp);
      const Captured c = run_capture(argv);
      if (c.exec_errno != 0 || c.status != 0) {
        fs::remove(tmp, ec);
        fs::remove(entry, ec);
        return fail("the compiler failed (exit " + std::to_string(c.status) + "):\n" + command_text(argv) + "\n" + c.output);
      }
      fs::rename(tmp, so, ec);
      if (ec) {
        fs::remove(tmp, ec);
        return fail("cannot store " + so.string() + " in the build cache: " + ec.message());
      }
    }
    // RTLD_LOCAL: one file's symbols never satisfy another's; RTLD_NOW: a missing symbol is an
    // error here, not in the middle of a run.
    void* h = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      const char* why = ::dlerror();
      return fail("cannot load it: " + std::string(why ? why : "dlopen failed"));
    }
    r.handles.push_back(h);
  }
  r.ok = true;
  return r;
}

const x07_stream_xf_plugin_v1* find_plugin_symbol(const std::vector<void*>& handles, const std::string& symbol) {
  for (void* h : handles)
    if (void* s = ::dlsym(h, symbol.c_str())) return static_cast<const x07_stream_xf_plugin_v1*>(s);
  return nullptr;
}

}  // namespace sluice
