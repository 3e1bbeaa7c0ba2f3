// A file that appears at its path only when complete: written as a temporary file beside the
// target and renamed over it on commit, removed on abandon. No half-written output is ever left.
#pragma once

#include <string>
#include <string_view>

#include "runtime/fs_sandbox.hpp"

namespace sluice {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { abandon(); }

  // Creates the temporary file. On failure fd() is -1 and error()/err_no() say why.
  static AtomicFile create(const FsRoot& root, std::string_view path);

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] PathError error() const { return error_; }
  [[nodiscard]] int err_no() const { return err_no_; }

  // Closes and renames onto the target. Returns 0, or the errno of the close or rename (the
  // temporary file is then removed).
  int commit();
  // Closes and removes the temporary file; a no-op after commit.
  void abandon();

 private:
  int dirfd_ = -1;
  int fd_ = -1;
  std::string tmp_name_;
  std::string leaf_;
  PathError error_ = PathError::kNone;
  int err_no_ = 0;
};

}  // namespace sluice
