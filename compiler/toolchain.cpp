#include "compiler/toolchain.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sluice {
namespace fs = std::filesystem;
namespace {

std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
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
      t.libraries = {(lib / "libsluice_plugins.a").string(), (lib / "libsluice_stdlib.a").string(),
                     (lib / "libsluice_runtime.a").string()};
      t.plugin_abi_include_dir = inc.string();
    }
  }
  if (!t.installed) {
    t.include_dir = SLUICE_SOURCE_INCLUDE_DIR;
    t.libraries = {SLUICE_BUILD_PLUGINS_LIB, SLUICE_BUILD_STDLIB_LIB, SLUICE_BUILD_RUNTIME_LIB};
    t.plugin_abi_include_dir = std::string(SLUICE_SOURCE_INCLUDE_DIR) + "/plugins/include/sluice";
  }
  std::istringstream flags(SLUICE_EXE_LINK_FLAGS);
  for (std::string f; flags >> f;) t.link_flags.push_back(f);
  return t;
}

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
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return c;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    c.exec_errno = errno;
    for (const int fd : {pipefd[0], pipefd[1], errpipe[0], errpipe[1]}) ::close(fd);
    return c;
  }
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

std::string command_text(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::optional<std::string> compiler_version(const std::string& cxx, std::string& error) {
  const Captured version = run_capture({cxx, "--version"});
  if (version.exec_errno != 0 || version.status != 0) {
    error = "no C++ compiler: cannot run '" + cxx + "'" +
            (version.exec_errno ? std::string(" (") + std::strerror(version.exec_errno) + ")" : std::string()) +
            "; install g++ or set CXX";
    return std::nullopt;
  }
  return version.output;
}

std::string cache_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* d = std::getenv("SLUICE_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/sluice";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/sluice";
  return fs::temp_directory_path().string() + "/sluice-cache";
}

std::string file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + ":missing";
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

std::string header_identities(const std::string& include_dir) {
  std::string text;
  std::error_code walk_ec;
  for (const char* layer : {"runtime", "stdlib"}) {
    std::vector<std::string> headers;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(include_dir) / layer, walk_ec))
      if (e.is_regular_file()) headers.push_back(e.path().string());
    std::sort(headers.begin(), headers.end());
    for (const std::string& h : headers) text += file_identity(h) + "\n";
  }
  return text;
}

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

bool write_whole(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

std::string temp_path_beside(const std::string& target) {
  // The pid keeps concurrent sluice processes apart, the counter the files of one process.
  static std::atomic<unsigned> counter{0};
  const fs::path t = fs::absolute(target);
  // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) about "." + std::string&&.
  std::string name(1, '.');
  name += t.filename().string();
  for (const std::string& part : {std::to_string(::getpid()), std::to_string(counter++), std::string("tmp")}) {
    name += '.';
    name += part;
  }
  return (t.parent_path() / name).string();
}

bool install_atomically(const std::string& from, const std::string& to, std::string& why) {
  const fs::path target = fs::absolute(to);
  const fs::path tmp = temp_path_beside(to);
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

}  // namespace sluice
