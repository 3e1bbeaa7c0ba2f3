// Path resolution against the fs root: the X07 safe-relative-path rule, and confinement to the
// root (no `..`, no absolute path, no symlink out of it) in every world but run-os.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

struct FsRoot {
  std::string dir = ".";   // the directory fs paths are relative to
  bool sandboxed = true;   // false only in run-os
};

enum class PathError : std::uint8_t {
  kNone,
  kUnsafe,        // not a safe relative path (x07-modules §6.3): empty, absolute, `.`/`..`, `//`, `\`, NUL, `.x07_`
  kEscapesRoot,   // resolving it (through a symlink) leaves the root
  kOs,            // the OS refused (see errno)
};

struct OpenedPath {
  int fd = -1;
  PathError error = PathError::kNone;
  int err_no = 0;
};

// X07's safe relative path rule.
bool is_safe_relative_path(std::string_view path);

// Opens `path` for reading. Sandboxed: the path must be safe and every component, symlinks
// included, is resolved beneath the root (openat2 RESOLVE_BENEATH).
OpenedPath open_read(const FsRoot& root, std::string_view path);
// Opens the directory that will hold `path` (for a temporary file and a rename beside it), with
// the same checks; `leaf` receives the last component.
OpenedPath open_parent_dir(const FsRoot& root, std::string_view path, std::string& leaf);
// The same for a path made from a symlink's text (the link's directory + the text): `..` and
// `.` are allowed, since the kernel resolves them, and when sandboxed every step, `..`
// included, must stay beneath the root (RESOLVE_BENEATH); an absolute text escapes it.
OpenedPath open_link_parent_dir(const FsRoot& root, std::string_view path, std::string& leaf);

std::string describe(PathError e, int err_no);

}  // namespace sluice
