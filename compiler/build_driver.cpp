#include "compiler/build_driver.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/emit_cpp.hpp"
#include "runtime/plan_hash.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

// Optimised like the Release libraries it links (-O3); -DNDEBUG keeps assertions out of shipped
// pipelines.
const std::vector<std::string> kCompileFlags = {"-std=c++20", "-O3", "-DNDEBUG"};

struct Captured {
  int status = -1;
  std::string output;  // stdout and stderr together, as a person would see them
  int exec_errno = 0;
};

Captured run_capture(const std::vector<std::string>& argv) {
  Captured c;
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    c.exec_errno = errno;
    return c;
  }
  int errpipe[2];  // reports an exec failure from the child
  if (::pipe2(errpipe, O_CLOEXEC) != 0) {
    c.exec_errno = errno;
    return c;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    const int e = errno;
    (void)!::write(errpipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(pipefd[1]);
  ::close(errpipe[1]);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n > 0) {
      c.output.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipefd[0]);
  int e = 0;
  if (::read(errpipe[0], &e, sizeof e) == sizeof e) c.exec_errno = e;
  ::close(errpipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return c;
}

std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::string cache_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* d = std::getenv("SLUICE_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/sluice";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/sluice";
  return fs::temp_directory_path().string() + "/sluice-cache";
}

// What identifies a library build for the cache: its path, size and modification time.
std::string file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + ":missing";
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

bool write_whole(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

// Copies `from` to `to` through a temporary file beside `to` and a rename: `to` is either the
// old file or the complete new one, never a partial executable.
bool install_atomically(const std::string& from, const std::string& to, std::string& why) {
  const fs::path target = fs::absolute(to);
  const fs::path tmp = target.parent_path() / (".sluice-build-" + std::to_string(::getpid()) + ".tmp");
  std::error_code ec;
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec, ec);
  if (!ec) fs::rename(tmp, target, ec);
  if (ec) {
    why = "cannot write " + to + ": " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace

Toolchain locate_toolchain(const std::string& cxx_override) {
  Toolchain t;
  if (!cxx_override.empty()) {
    t.cxx = cxx_override;
  } else if (const char* env = std::getenv("CXX"); env && *env) {
    t.cxx = env;
  } else {
    t.cxx = SLUICE_CXX_COMPILER;
  }
  // An installed sluice lives in PREFIX/bin; its headers and libraries are beside it.
  const fs::path exe = self_exe();
  if (!exe.empty()) {
    const fs::path prefix = exe.parent_path().parent_path();
    const fs::path inc = prefix / SLUICE_INSTALL_INCLUDE_REL;
    const fs::path lib = prefix / SLUICE_INSTALL_LIB_REL;
    if (fs::exists(inc / "runtime" / "exe_main.hpp") && fs::exists(lib / "libsluice_runtime.a")) {
      t.installed = true;
      t.include_dir = inc.string();
      t.libraries = {(lib / "libsluice_stdlib.a").string(), (lib / "libsluice_runtime.a").string()};
    }
  }
  if (!t.installed) {
    t.include_dir = SLUICE_SOURCE_INCLUDE_DIR;
    t.libraries = {SLUICE_BUILD_STDLIB_LIB, SLUICE_BUILD_RUNTIME_LIB};
  }
  std::istringstream flags(SLUICE_EXE_LINK_FLAGS);
  for (std::string f; flags >> f;) t.link_flags.push_back(f);
  return t;
}

BuildResult build_executable(const Plan& plan, const BuildOptions& options) {
  BuildResult r;
  const Toolchain tc = locate_toolchain(options.cxx);
  EmitOptions emit_options;
  std::string emit_error;
  const std::optional<std::string> emitted = emit_cpp(plan, emit_options, emit_error);
  if (!emitted) {
    r.message = emit_error;
    return r;
  }
  const std::string& cpp = *emitted;

  const Captured version = run_capture({tc.cxx, "--version"});
  if (version.exec_errno != 0 || version.status != 0) {
    r.message = "no C++ compiler: cannot run '" + tc.cxx + "'" +
                (version.exec_errno ? std::string(" (") + std::strerror(version.exec_errno) + ")" : std::string()) +
                "; install g++ or set CXX";
    return r;
  }
  std::string key_text = cpp + "\n" + tc.cxx + "\n" + version.output + "\n" + tc.include_dir + "\n";
  for (const std::string& f : kCompileFlags) key_text += f + " ";
  for (const std::string& f : options.extra_flags) key_text += f + " ";
  for (const std::string& f : tc.link_flags) key_text += f + " ";
  for (const std::string& l : tc.libraries) key_text += file_identity(l) + "\n";
  // The headers the generated file includes: a header edited without the libraries being
  // rebuilt must not reuse an executable built against the old one.
  std::error_code walk_ec;
  for (const char* layer : {"runtime", "stdlib"}) {
    std::vector<std::string> headers;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(tc.include_dir) / layer, walk_ec))
      if (e.is_regular_file()) headers.push_back(e.path().string());
    std::sort(headers.begin(), headers.end());
    for (const std::string& h : headers) key_text += file_identity(h) + "\n";
  }
  const std::string key = xxh64_hex(key_text);

  const fs::path entry = fs::path(cache_root(options.cache_dir)) / key;
  r.cache_entry = entry.string();
  const fs::path cached_exe = entry / "pipeline";
  std::error_code ec;
  if (options.use_cache && fs::exists(cached_exe, ec)) {
    r.cache_hit = true;
    r.ok = install_atomically(cached_exe, options.output, r.message);
    return r;
  }
  fs::create_directories(entry, ec);
  if (ec) {
    r.message = "cannot create the build cache " + entry.string() + ": " + ec.message();
    return r;
  }
  const fs::path source = entry / "pipeline.cpp";
  const fs::path tmp_exe = entry / (".pipeline-" + std::to_string(::getpid()) + ".tmp");
  if (!write_whole(source, cpp)) {
    r.message = "cannot write " + source.string();
    return r;
  }
  std::vector<std::string> argv{tc.cxx};
  argv.insert(argv.end(), kCompileFlags.begin(), kCompileFlags.end());
  argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
  argv.push_back("-I" + tc.include_dir);
  argv.push_back(source.string());
  argv.push_back("-o");
  argv.push_back(tmp_exe.string());
  argv.insert(argv.end(), tc.libraries.begin(), tc.libraries.end());
  argv.insert(argv.end(), tc.link_flags.begin(), tc.link_flags.end());
  for (const std::string& a : argv) r.command += (r.command.empty() ? "" : " ") + a;

  const Captured compiled = run_capture(argv);
  if (compiled.exec_errno != 0 || compiled.status != 0) {
    fs::remove(tmp_exe, ec);
    r.message = "the C++ compiler failed (exit " + std::to_string(compiled.status) + "):\n" + r.command + "\n" +
                compiled.output;
    return r;
  }
  fs::rename(tmp_exe, cached_exe, ec);
  if (ec) {
    r.message = "cannot store the build in the cache: " + ec.message();
    return r;
  }
  r.ok = install_atomically(cached_exe, options.output, r.message);
  return r;
}

}  // namespace sluice
