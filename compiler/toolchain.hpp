// What `sluice build` and native modules (--native-module) share to run the C++ compiler: where
// the compiler, headers and libraries are, running a command and capturing what it prints, the
// build cache directory and the file identities its keys are made of, and writing files so that
// a reader never sees a partial one.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sluice {

// Where the headers and libraries are: beside an installed `sluice` (PREFIX/include/sluice,
// PREFIX/lib) or, when running from the build tree, the source and build directories.
struct Toolchain {
  std::string cxx;
  std::string include_dir;
  std::vector<std::string> libraries;  // static libraries, in link order
  // The folder of x07_stream_xf_plugin_abi_v1.h (runtime/plugin_host.hpp includes it as X07 does).
  std::string plugin_abi_include_dir;
  std::vector<std::string> link_flags;
  bool installed = false;
};

// `cxx_override` empty: $CXX, else the compiler sluice was configured with.
Toolchain locate_toolchain(const std::string& cxx_override);

struct Captured {
  int status = -1;
  std::string output;  // stdout and stderr together, as a person would see them
  int exec_errno = 0;  // the program could not be started
};

// Runs argv[0] (looked up in PATH) with the arguments, without a shell.
Captured run_capture(const std::vector<std::string>& argv);

// The arguments joined with spaces, for messages and `-v`.
std::string command_text(const std::vector<std::string>& argv);

// `cxx --version`, which goes into every cache key (a compiler upgraded in place must not reuse
// old objects). nullopt with `error` set ("no C++ compiler: ...") when it cannot be run.
std::optional<std::string> compiler_version(const std::string& cxx, std::string& error);

// The build cache: `configured` (--cache-dir) when given, else $SLUICE_CACHE_DIR,
// $XDG_CACHE_HOME/sluice, ~/.cache/sluice, or a directory under the temporary directory.
std::string cache_root(const std::string& configured);

// What identifies a file for a cache key without reading it: path, size, modification time.
std::string file_identity(const std::string& path);

// The identities of every runtime and stdlib header under `include_dir`, sorted: code built
// against a header edited since must not be reused.
std::string header_identities(const std::string& include_dir);

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_whole(const std::string& path);

bool write_whole(const std::string& path, const std::string& bytes);

// A unique name for a temporary file beside `target` (same directory, so a rename is atomic).
std::string temp_path_beside(const std::string& target);

// Copies `from` to `to` through a temporary file beside `to` and a rename: `to` is either the
// old file or the complete new one, never a partial executable. On failure `why` says why.
bool install_atomically(const std::string& from, const std::string& to, std::string& why);

}  // namespace sluice
