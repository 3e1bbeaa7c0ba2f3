// Where a file sink's bytes go. A path that names nothing yet or a regular file gets a file that
// appears only when complete: written as a temporary file beside the target and renamed over it
// on commit (keeping the old file's mode and owner), removed on abandon, so no half-written
// output is ever left. A symlink is followed (beneath the root when sandboxed) and the rule is
// applied to what it points to; the link stays. A character device, FIFO or socket is written
// directly: there is nothing to rename over, and replacing it would destroy it. A directory or
// any other type is refused (EISDIR / EINVAL). See docs/compat.md D2 and docs/reliability.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/stat.h>

#include "runtime/fs_sandbox.hpp"

namespace sluice {

class AtomicFile {
 public:
  enum class Mode : std::uint8_t {
    kNone,     // not opened (see error())
    kReplace,  // a temporary file renamed over the target on commit
    kDirect,   // the target itself (a device, FIFO or socket), written in place
  };

  AtomicFile() = default;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { abandon(); }

  // Opens the target as its type asks. With `durable`, commit fsyncs the temporary file before
  // the rename and the directory after it, so an OK means the bytes survive a power cut.
  // Before creating its temporary file it removes the ones earlier runs for the same target left
  // when they were killed (their process is gone and nobody holds their lock). On failure fd()
  // is -1 and error()/err_no() say why.
  static AtomicFile create(const FsRoot& root, std::string_view path, bool durable = true);

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] Mode mode() const { return mode_; }
  [[nodiscard]] PathError error() const { return error_; }
  [[nodiscard]] int err_no() const { return err_no_; }

  // Replace: (fsync,) close and rename onto the target (, fsync the directory). Direct: close.
  // Returns 0, or the errno of the failed step (a temporary file is then removed).
  int commit();
  // Closes; in replace mode removes the temporary file too. A no-op after commit.
  void abandon();

  // The temporary-file name prefix of a target's leaf: ".sluice-<leaf>." (the leaf cut to keep
  // the whole name within NAME_MAX), followed by "<pid>.<n>.tmp". Exposed for tests.
  static std::string temp_prefix(std::string_view leaf);

 private:
  void open_replace(int dirfd, const struct stat* existing);
  void fail(PathError e, int err_no);

  Mode mode_ = Mode::kNone;
  bool durable_ = true;
  int dirfd_ = -1;
  int fd_ = -1;
  std::string tmp_name_;
  std::string leaf_;
  PathError error_ = PathError::kNone;
  int err_no_ = 0;
};

}  // namespace sluice
