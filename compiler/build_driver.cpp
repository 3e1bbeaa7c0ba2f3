#include "compiler/build_driver.hpp"
#include "compiler/plugin_files.hpp"

#include <filesystem>
#include <optional>

#include "compiler/build_cache.hpp"
#include "compiler/emit_cpp.hpp"
#include "runtime/plan_hash.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

// Optimised like the Release libraries it links (-O3); -DNDEBUG keeps assertions out of shipped
// pipelines.
const std::vector<std::string> kCompileFlags = {"-std=c++20", "-O3", "-DNDEBUG"};

// The table function name of native module `index` inside an executable: each module gets its
// own, so that several link together (a shared object uses the unsuffixed default instead).
std::string native_table_symbol(std::size_t index) { return "sluice_native_module_v1_" + std::to_string(index); }

std::string compiler_failed(const Captured& c, const std::string& command) {
  return "the C++ compiler failed (exit " + std::to_string(c.status) + "):\n" + command + "\n" + c.output;
}

// Compiles native module `index` to `object` (in the build's private work directory). On failure
// `message` has the compiler's output.
bool compile_native_object(const Toolchain& tc, const BuildOptions& options, std::size_t index, const fs::path& object,
                           std::string& command, std::string& message) {
  std::vector<std::string> argv{tc.cxx};
  argv.insert(argv.end(), kCompileFlags.begin(), kCompileFlags.end());
  argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
  argv.push_back("-DSLUICE_NATIVE_MODULE_SYMBOL=" + native_table_symbol(index));
  argv.push_back("-I" + tc.include_dir);
  argv.push_back("-I" + tc.plugin_abi_include_dir);
  argv.push_back("-c");
  argv.push_back(fs::absolute(options.native_modules[index]).string());
  argv.push_back("-o");
  argv.push_back(object.string());
  command += command_text(argv) + "\n  ";
  const Captured compiled = run_capture(argv);
  if (compiled.exec_errno != 0 || compiled.status != 0) {
    message = "native module " + options.native_modules[index] + ": " + compiler_failed(compiled, command_text(argv));
    return false;
  }
  return true;
}

}  // namespace

BuildResult build_executable(const Plan& plan, const BuildOptions& options) {
  BuildResult r;
  const Toolchain tc = locate_toolchain(options.cxx);
  EmitOptions emit_options;
  emit_options.native_modules = options.native_modules.size();
  std::string emit_error;
  const std::optional<std::string> emitted = emit_cpp(plan, emit_options, emit_error);
  if (!emitted) {
    r.message = emit_error;
    return r;
  }
  const std::string& cpp = *emitted;

  const std::optional<std::string> version = compiler_version(tc.cxx, r.message);
  if (!version) return r;
  // The layout line keeps entries of older sluice versions (which could be left half-made) from
  // ever matching a key of this one.
  std::string key_text = std::string(kCacheLayout) + "\n" + cpp + "\n" + tc.cxx + "\n" + *version + "\n" + tc.include_dir + "\n";
  for (const std::string& f : kCompileFlags) key_text += f + " ";
  for (const std::string& f : options.extra_flags) key_text += f + " ";
  for (const std::string& f : tc.link_flags) key_text += f + " ";
  for (const std::string& l : tc.libraries) key_text += file_identity(l) + "\n";
  // The headers the generated file includes: a header edited without the libraries being
  // rebuilt must not reuse an executable built against the old one.
  key_text += header_identities(tc.include_dir);
  // A native module's contents, not its identity: editing it must rebuild even within the
  // modification time's resolution, and moving it need not.
  for (const std::string& p : options.plugin_files) key_text += "plugin " + p + "\n" + read_whole(p).value_or("") + "\n";
  for (const std::string& m : options.native_modules) {
    const std::optional<std::string> text = read_whole(m);
    if (!text) {
      r.message = "cannot read native module " + m;
      return r;
    }
    key_text += "native module " + std::to_string(text->size()) + "\n" + *text + "\n";
  }
  const std::string key = xxh64_hex(key_text);

  const std::string root = cache_root(options.cache_dir);
  const fs::path entry = fs::path(root) / key;
  r.cache_entry = entry.string();
  std::error_code ec;
  // An entry that exists is complete (compiler/build_cache.hpp): it is only ever made by renaming
  // a finished work directory.
  if (options.use_cache && fs::exists(entry / "pipeline", ec)) {
    r.cache_hit = true;
    r.ok = install_atomically((entry / "pipeline").string(), options.output, r.message);
    return r;
  }
  sweep_abandoned_work(root);
  std::optional<CacheWork> work = CacheWork::open(root, key, r.message);
  if (!work) return r;
  const fs::path dir = work->dir();

  std::vector<std::string> objects;
  for (std::size_t i = 0; i < options.native_modules.size(); ++i) {
    const fs::path object = dir / ("native_module_" + std::to_string(i) + ".o");
    if (!compile_native_object(tc, options, i, object, r.command, r.message)) return r;
    objects.push_back(object.string());
  }

  const fs::path source = dir / "pipeline.cpp";
  if (!write_whole(source.string(), cpp)) {
    r.message = "cannot write " + source.string();
    return r;
  }
  std::vector<std::string> argv{tc.cxx};
  argv.insert(argv.end(), kCompileFlags.begin(), kCompileFlags.end());
  argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
  argv.push_back("-I" + tc.include_dir);
  argv.push_back("-I" + tc.plugin_abi_include_dir);
  argv.push_back(source.string());
  argv.insert(argv.end(), objects.begin(), objects.end());
  for (const std::string& p : options.plugin_files) {
    const std::vector<std::string> a = plugin_file_args(p);
    argv.insert(argv.end(), a.begin(), a.end());
  }
  argv.push_back("-o");
  argv.push_back((dir / "pipeline").string());
  argv.insert(argv.end(), tc.libraries.begin(), tc.libraries.end());
  argv.insert(argv.end(), tc.link_flags.begin(), tc.link_flags.end());
  r.command += command_text(argv);

  const Captured compiled = run_capture(argv);
  if (compiled.exec_errno != 0 || compiled.status != 0) {
    r.message = compiler_failed(compiled, command_text(argv));
    return r;
  }
  // With --no-cache an entry may already be there: the fresh executable is installed from the
  // work directory, and the entry is left as it is (it is complete too).
  if (!options.use_cache && fs::exists(entry / "pipeline", ec)) {
    r.ok = install_atomically((dir / "pipeline").string(), options.output, r.message);
    return r;
  }
  if (!work->publish(r.message)) return r;
  r.ok = install_atomically((entry / "pipeline").string(), options.output, r.message);
  return r;
}

}  // namespace sluice
