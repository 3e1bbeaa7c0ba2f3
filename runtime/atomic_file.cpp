#include "runtime/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice {
namespace {

// Linux's limit on symlinks followed in one lookup (path_resolution(7)).
constexpr int kMaxSymlinkHops = 40;
// Room left in a 255-byte name for ".sluice-", ".<pid>.<n>.tmp".
constexpr std::size_t kMaxLeafInTempName = 200;

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "<pid>.<n>.tmp" -> pid, or 0 when `rest` is not exactly that shape.
long parse_temp_suffix(std::string_view rest) {
  if (!rest.ends_with(".tmp")) return 0;
  rest.remove_suffix(4);
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return 0;
  const std::string_view pid = rest.substr(0, dot);
  if (!all_digits(pid) || !all_digits(rest.substr(dot + 1))) return 0;
  return std::strtol(std::string(pid).c_str(), nullptr, 10);
}

bool process_gone(long pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

// Removes the temporary files earlier runs writing this target left behind when they were
// killed. One is stale only if its process is gone AND nobody holds its lock: the pid alone
// could belong to a writer in another pid namespace sharing the directory, and a lock alone is
// not yet taken in the instant between a writer's create and its flock.
void remove_stale_temps(int dirfd, const std::string& prefix) {
  const int list_fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (list_fd < 0) return;  // an unreadable directory: nothing we can clean, not an error
  DIR* dir = ::fdopendir(list_fd);
  if (dir == nullptr) {
    ::close(list_fd);
    return;
  }
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (!name.starts_with(prefix)) continue;
    const long pid = parse_temp_suffix(name.substr(prefix.size()));
    if (pid == 0 || pid == ::getpid() || !process_gone(pid)) continue;
    const int fd = ::openat(dirfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0)
      ::unlinkat(dirfd, e->d_name, 0);
    ::close(fd);
  }
  ::closedir(dir);
}

// The directory part of `path` with its trailing '/', or "" for a bare name.
std::string_view dir_part(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);
}

int fsync_dir(int dirfd) {
  const int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0;  // not readable: O_PATH cannot be fsynced; the rename stands
  int rc = 0;
  // EINVAL: the file system does not sync directories (it has no need to).
  if (::fsync(fd) != 0 && errno != EINVAL) rc = errno;
  ::close(fd);
  return rc;
}

}  // namespace

std::string AtomicFile::temp_prefix(std::string_view leaf) {
  return ".sluice-" + std::string(leaf.substr(0, kMaxLeafInTempName)) + ".";
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept { *this = std::move(other); }

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this == &other) return *this;
  abandon();
  mode_ = std::exchange(other.mode_, Mode::kNone);
  durable_ = other.durable_;
  dirfd_ = std::exchange(other.dirfd_, -1);
  fd_ = std::exchange(other.fd_, -1);
  tmp_name_ = std::move(other.tmp_name_);
  leaf_ = std::move(other.leaf_);
  error_ = other.error_;
  err_no_ = other.err_no_;
  return *this;
}

void AtomicFile::fail(PathError e, int err_no) {
  error_ = e;
  err_no_ = err_no;
  if (dirfd_ >= 0) ::close(dirfd_);
  dirfd_ = -1;
}

AtomicFile AtomicFile::create(const FsRoot& root, std::string_view path, bool durable) {
  AtomicFile f;
  f.durable_ = durable;
  // Follow symlinks by hand, so the rule is applied to what the path finally names and a link
  // is never replaced by a file. Each hop's text is resolved from the link's directory by the
  // kernel, with the sandbox's RESOLVE_BENEATH confinement when sandboxed.
  std::string cur(path);
  for (int hop = 0;; ++hop) {
    const OpenedPath dir = hop == 0 ? open_parent_dir(root, cur, f.leaf_) : open_link_parent_dir(root, cur, f.leaf_);
    if (dir.fd < 0) {
      f.fail(dir.error, dir.err_no);
      return f;
    }
    f.dirfd_ = dir.fd;
    struct stat st {};
    if (::fstatat(f.dirfd_, f.leaf_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) {
        f.fail(PathError::kOs, errno);
        return f;
      }
      f.open_replace(f.dirfd_, nullptr);  // a new file (a dangling link's target included)
      return f;
    }
    if (S_ISREG(st.st_mode)) {
      f.open_replace(f.dirfd_, &st);
      return f;
    }
    if (S_ISLNK(st.st_mode)) {
      if (hop + 1 >= kMaxSymlinkHops) {
        f.fail(PathError::kOs, ELOOP);
        return f;
      }
      std::string text(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
      const ssize_t n = ::readlinkat(f.dirfd_, f.leaf_.c_str(), text.data(), text.size());
      if (n <= 0 || static_cast<std::size_t>(n) >= text.size()) {  // changed under us, or unreadable
        f.fail(PathError::kOs, n < 0 ? errno : EAGAIN);
        return f;
      }
      text.resize(static_cast<std::size_t>(n));
      ::close(f.dirfd_);
      f.dirfd_ = -1;
      if (text.front() == '/') {
        if (root.sandboxed) {  // RESOLVE_BENEATH refuses absolute links too
          f.fail(PathError::kEscapesRoot, EXDEV);
          return f;
        }
        cur = std::move(text);
      } else {
        cur = std::string(dir_part(cur)) + text;
      }
      continue;
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
      // Opening a FIFO waits for a reader, as any writer's open does. O_NOFOLLOW: the entry was
      // a device a moment ago; if it has become a link since, refuse rather than chase it.
      const int fd = ::openat(f.dirfd_, f.leaf_.c_str(), O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
      if (fd < 0) {
        f.fail(PathError::kOs, errno);
        return f;
      }
      struct stat now {};
      if (::fstat(fd, &now) != 0 || S_ISREG(now.st_mode) || S_ISDIR(now.st_mode)) {
        // Replaced by a regular file between the stat and the open: writing it in place would
        // break the all-or-nothing rule, so this run refuses.
        ::close(fd);
        f.fail(PathError::kOs, EAGAIN);
        return f;
      }
      ::close(f.dirfd_);
      f.dirfd_ = -1;
      f.fd_ = fd;
      f.mode_ = Mode::kDirect;
      return f;
    }
    f.fail(PathError::kOs, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);  // a directory, a block device
    return f;
  }
}

void AtomicFile::open_replace(int dirfd, const struct stat* existing) {
  const std::string prefix = temp_prefix(leaf_);
  remove_stale_temps(dirfd, prefix);
  // Unique within the directory (pid, then a per-process counter), hidden from globbing. A new
  // target gets the usual 0666 & ~umask; a replaced one starts private and takes the old mode.
  static std::atomic<unsigned> counter{0};
  const mode_t create_mode = existing != nullptr ? 0600 : 0666;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = prefix + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1)) + ".tmp";
    const int fd = ::openat(dirfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, create_mode);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      fail(PathError::kOs, errno);
      return;
    }
    fd_ = fd;
    tmp_name_ = name;
    mode_ = Mode::kReplace;
    // Held until the rename: a later run sees a locked file as live (remove_stale_temps).
    ::flock(fd_, LOCK_EX | LOCK_NB);
    if (existing != nullptr) {
      // Owner first (a chown clears set-id bits), then the mode. Without the privilege to give
      // the file away the new file is ours, as with any editor's save.
      if (existing->st_uid != ::geteuid() || existing->st_gid != ::getegid())
        (void)::fchown(fd_, existing->st_uid, existing->st_gid);
      if (::fchmod(fd_, existing->st_mode & 07777) != 0) {
        const int e = errno;
        abandon();
        fail(PathError::kOs, e);
      }
    }
    return;
  }
  fail(PathError::kOs, EEXIST);
}

int AtomicFile::commit() {
  if (fd_ < 0) return err_no_ != 0 ? err_no_ : EBADF;
  int rc = 0;
  if (mode_ == Mode::kReplace && durable_ && ::fsync(fd_) != 0) rc = errno;
  if (::close(fd_) != 0 && rc == 0) rc = errno;
  fd_ = -1;
  if (mode_ == Mode::kReplace) {
    if (rc == 0 && ::renameat(dirfd_, tmp_name_.c_str(), dirfd_, leaf_.c_str()) != 0) rc = errno;
    if (rc != 0) ::unlinkat(dirfd_, tmp_name_.c_str(), 0);
    // After the rename the new file is in place; a failed directory sync still means the rename
    // may not survive a power cut, so the run reports it.
    else if (durable_) rc = fsync_dir(dirfd_);
    tmp_name_.clear();
    ::close(dirfd_);
    dirfd_ = -1;
  }
  mode_ = Mode::kNone;
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
  mode_ = Mode::kNone;
}

}  // namespace sluice
