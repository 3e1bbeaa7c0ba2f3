#include "runtime/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice {

AtomicFile::AtomicFile(AtomicFile&& other) noexcept { *this = std::move(other); }

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this == &other) return *this;
  abandon();
  dirfd_ = std::exchange(other.dirfd_, -1);
  fd_ = std::exchange(other.fd_, -1);
  tmp_name_ = std::move(other.tmp_name_);
  leaf_ = std::move(other.leaf_);
  error_ = other.error_;
  err_no_ = other.err_no_;
  return *this;
}

AtomicFile AtomicFile::create(const FsRoot& root, std::string_view path) {
  AtomicFile f;
  const OpenedPath dir = open_parent_dir(root, path, f.leaf_);
  if (dir.fd < 0) {
    f.error_ = dir.error;
    f.err_no_ = dir.err_no;
    return f;
  }
  f.dirfd_ = dir.fd;
  // A dot-name with the pid and a counter: unique within the directory, hidden from globbing.
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    char name[64];
    std::snprintf(name, sizeof name, ".sluice-%ld-%u.tmp", static_cast<long>(::getpid()), counter.fetch_add(1));
    const int fd = ::openat(f.dirfd_, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      f.fd_ = fd;
      f.tmp_name_ = name;
      return f;
    }
    if (errno != EEXIST) break;
  }
  f.error_ = PathError::kOs;
  f.err_no_ = errno;
  ::close(f.dirfd_);
  f.dirfd_ = -1;
  return f;
}

int AtomicFile::commit() {
  if (fd_ < 0) return err_no_ != 0 ? err_no_ : EBADF;
  int rc = 0;
  if (::close(fd_) != 0) rc = errno;
  fd_ = -1;
  if (rc == 0 && ::renameat(dirfd_, tmp_name_.c_str(), dirfd_, leaf_.c_str()) != 0) rc = errno;
  if (rc != 0) ::unlinkat(dirfd_, tmp_name_.c_str(), 0);
  tmp_name_.clear();
  ::close(dirfd_);
  dirfd_ = -1;
  return rc;
}

void AtomicFile::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (dirfd_ >= 0) {
    if (!tmp_name_.empty()) ::unlinkat(dirfd_, tmp_name_.c_str(), 0);
    ::close(dirfd_);
  }
  dirfd_ = -1;
  tmp_name_.clear();
}

}  // namespace sluice
