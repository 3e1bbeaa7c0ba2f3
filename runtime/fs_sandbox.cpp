#include "runtime/fs_sandbox.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sluice {
namespace {

// openat2 with RESOLVE_BENEATH confines every step of the lookup, symlinks included, so there is
// no window between checking a path and opening it.
int open_beneath(int dirfd, const char* path, int flags) {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(flags) | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    const long r = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (r >= 0 || errno != EINTR) return static_cast<int>(r);
  }
}

OpenedPath os_error(int e) {
  OpenedPath r;
  r.error = (e == EXDEV) ? PathError::kEscapesRoot : PathError::kOs;
  r.err_no = e;
  return r;
}

// For kernels without openat2 (before Linux 5.6) and tools that do not know it (valgrind):
// resolve the path with realpath and check it is beneath the root's real path before opening.
// Unlike openat2 this leaves a window between the check and the open, in which a concurrent
// rename of a symlink could redirect it; the common case never takes this path.
OpenedPath open_resolved_beneath(const FsRoot& root, const std::string& path, int flags) {
  char root_real[PATH_MAX];
  if (::realpath(root.dir.c_str(), root_real) == nullptr) return os_error(errno);
  const std::string full = std::string(root_real) + "/" + path;
  char resolved[PATH_MAX];
  if (::realpath(full.c_str(), resolved) == nullptr) {
    // A file still to be created (a sink's directory exists, its target may not) is checked
    // through its parent by the caller; here the path itself must exist.
    return os_error(errno);
  }
  const std::string_view base(root_real);
  const std::string_view got(resolved);
  const bool beneath = got == base || (got.size() > base.size() && got.substr(0, base.size()) == base &&
                                       (base == "/" || got[base.size()] == '/'));
  if (!beneath) return os_error(EXDEV);
  OpenedPath r;
  r.fd = ::open(resolved, flags | O_CLOEXEC);
  if (r.fd < 0) return os_error(errno);
  return r;
}

OpenedPath open_path(const FsRoot& root, const std::string& path, int flags) {
  OpenedPath r;
  if (!root.sandboxed) {
    const std::string full = (path.empty() || path[0] == '/') ? path : root.dir + "/" + path;
    r.fd = ::open(full.c_str(), flags | O_CLOEXEC);
    if (r.fd < 0) return os_error(errno);
    return r;
  }
  const int rootfd = ::open(root.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return os_error(errno);
  r.fd = open_beneath(rootfd, path.c_str(), flags);
  const int e = errno;
  ::close(rootfd);
  if (r.fd < 0 && e == ENOSYS) return open_resolved_beneath(root, path, flags);
  if (r.fd < 0) return os_error(e);
  return r;
}

}  // namespace

bool is_safe_relative_path(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.substr(0, 5) == ".x07_") return false;
    if (seg.find('\\') != std::string_view::npos || seg.find('\0') != std::string_view::npos) return false;
    start = end + 1;
  }
  return true;
}

OpenedPath open_read(const FsRoot& root, std::string_view path) {
  if (root.sandboxed && !is_safe_relative_path(path)) return {-1, PathError::kUnsafe, 0};
  if (path.find('\0') != std::string_view::npos) return {-1, PathError::kUnsafe, 0};
  return open_path(root, std::string(path), O_RDONLY);
}

namespace {

// The parent of `path` (checked by the caller), and its last component in `leaf`.
OpenedPath open_parent_of(const FsRoot& root, std::string_view path, std::string& leaf) {
  const std::size_t slash = path.rfind('/');
  leaf = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
  std::string parent;
  if (slash == std::string_view::npos) parent = ".";
  else if (slash == 0) parent = "/";
  else parent.assign(path.data(), slash);
  return open_path(root, parent, O_PATH | O_DIRECTORY);
}

}  // namespace

OpenedPath open_parent_dir(const FsRoot& root, std::string_view path, std::string& leaf) {
  if (root.sandboxed && !is_safe_relative_path(path)) return {-1, PathError::kUnsafe, 0};
  if (path.empty() || path.back() == '/' || path.find('\0') != std::string_view::npos)
    return {-1, PathError::kUnsafe, 0};
  return open_parent_of(root, path, leaf);
}

OpenedPath open_link_parent_dir(const FsRoot& root, std::string_view path, std::string& leaf) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return {-1, PathError::kOs, ENOENT};
  if (path.back() == '/') return {-1, PathError::kOs, EISDIR};  // a link to "dir/" names a directory
  if (root.sandboxed && path.front() == '/') return {-1, PathError::kEscapesRoot, EXDEV};
  return open_parent_of(root, path, leaf);
}

std::string describe(PathError e, int err_no) {
  switch (e) {
    case PathError::kNone: return "ok";
    case PathError::kUnsafe:
      return "not a safe relative path (no leading '/', no '.' or '..' segment, no empty segment, no '\\')";
    case PathError::kEscapesRoot: return "path resolves outside the fs root";
    case PathError::kOs: return std::strerror(err_no);
  }
  return "unknown";
}

}  // namespace sluice
