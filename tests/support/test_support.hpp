// Helpers shared by the test files: temporary directories, hex, whole-file I/O, running the
// sluice binary as a real process, and compiling + running a descriptor in-process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "runtime/rr_host.hpp"

namespace sluice::test {

// A fresh directory under $TMPDIR, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

std::string to_hex(const std::vector<std::uint8_t>& bytes);
// FNV-1a-32 written from the spec text (x07-pipes §4: basis 0x811C9DC5, prime 16777619, byte by
// byte), independent of runtime/hash_fnv1a, so an expected hash cannot share a bug with the code
// under test; the 4 little-endian bytes a hash sink's payload holds.
std::uint32_t reference_fnv1a32(std::string_view bytes);
std::vector<std::uint8_t> reference_fnv1a32_payload(std::string_view bytes);
std::vector<std::uint8_t> from_hex(std::string_view hex);
std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view bytes);
std::vector<std::string> list_dir(const std::string& dir);  // names, sorted, without . and ..

struct ProcessResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};
// Runs `argv[0]` with the arguments (no shell), capturing stdout and stderr.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = "");
// The path of the sluice binary under test and of the source tree.
std::string sluice_binary();
std::string source_dir();

struct PipeRun {
  CompileResult compiled;
  RunOutcome outcome;
};
// Compiles `descriptor` for `world` and runs it with the fs root `root`.
PipeRun compile_and_run(std::string_view descriptor, World world, const std::string& root = ".",
                        std::uint32_t page_size = kDefaultPageSize, ReadMode mode = ReadMode::kRead);
// The same with full compile options and the pipe's file name (modules are found next to it).
// `rr`: the run's record/replay session (--rr), opened by the caller.
PipeRun compile_and_run(std::string_view descriptor, const std::string& file_name, const CompileOptions& options,
                        const std::string& root = ".", std::uint32_t page_size = kDefaultPageSize,
                        ReadMode mode = ReadMode::kRead, RrSession* rr = nullptr);

// The command-line flags (--rr, --rr-mode, --rr-match, --rr-policy) that give `flags`.
std::vector<std::string> rr_flag_args(const RrFlags& flags);

}  // namespace sluice::test
