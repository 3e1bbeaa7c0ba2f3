// Tests for runtime/fs_sandbox: X07's safe relative path rule (x07-modules §6.3) and opening
// files beneath the fs root, symlinks included; run-os mode is not confined.
#include "runtime/fs_sandbox.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using sluice::PathError;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-sandbox-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

void write_text(const fs::path& p, std::string_view text) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
}

// Reads the whole file behind an OpenedPath and closes it; "" with a failed check if not open.
std::string read_opened(const sluice::OpenedPath& o) {
  REQUIRE(o.fd >= 0);
  std::string out;
  char buf[256];
  for (;;) {
    const ssize_t r = ::read(o.fd, buf, sizeof buf);
    REQUIRE(r >= 0);
    if (r == 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  ::close(o.fd);
  return out;
}

// outside.txt and outdir/ beside the root; inside it, files and symlinks of every kind.
struct Tree {
  TempDir tmp;
  fs::path root;
  Tree() {
    root = tmp.path / "root";
    fs::create_directories(root / "sub" / "deeper");
    fs::create_directories(tmp.path / "outdir");
    write_text(tmp.path / "outside.txt", "outside");
    write_text(tmp.path / "outdir" / "secret.txt", "secret");
    write_text(root / "hello.txt", "hello");
    write_text(root / "sub" / "f.txt", "f");
    write_text(root / "sub" / "deeper" / "g.txt", "g");
    fs::create_symlink("sub/f.txt", root / "link_in");
    fs::create_symlink("../f.txt", root / "sub" / "deeper" / "link_up_in");  // ../ but stays inside
    fs::create_symlink("sub", root / "dirlink_in");
    fs::create_symlink("../outside.txt", root / "link_out");
    fs::create_symlink(tmp.path / "outside.txt", root / "link_abs_out");
    fs::create_symlink(root / "sub" / "f.txt", root / "link_abs_in");
    fs::create_symlink("../outdir", root / "dirlink_out");
    fs::create_symlink("../../../outside.txt", root / "sub" / "deeper" / "link_deep_out");
  }
  [[nodiscard]] sluice::FsRoot sandboxed() const { return {root.string(), true}; }
  [[nodiscard]] sluice::FsRoot run_os() const { return {root.string(), false}; }
};

}  // namespace

TEST_CASE("fs_sandbox: safe relative paths are accepted") {
  for (std::string_view p : {"a", "hello.txt", "a/b", "a/b/c.txt", "sub/deeper/g.txt", "...", "a/...", ".hidden",
                             "a/.b", "..a", "a..", "a..b", "a.", ".x07", ".x07x", "x07_", "a/.x07", ".X07_upper",
                             "a b", "a-b_c", "\xc3\xa9t\xc3\xa9", "a:b", "a*b", "~", "-"}) {
    CAPTURE(p);
    CHECK(sluice::is_safe_relative_path(p));
  }
}

TEST_CASE("fs_sandbox: unsafe paths are rejected (x07-modules §6.3)") {
  using namespace std::string_view_literals;
  for (std::string_view p : {""sv,
                             // leading slash
                             "/"sv, "/a"sv, "/etc/passwd"sv, "//a"sv,
                             // empty segment
                             "a//b"sv, "a/"sv, "a/b/"sv, "a///"sv,
                             // . and .. segments
                             "."sv, ".."sv, "./a"sv, "a/."sv, "a/./b"sv, "../a"sv, "a/.."sv, "a/../b"sv, "../x"sv,
                             "../../etc/passwd"sv,
                             // backslash and NUL
                             "a\\b"sv, "\\"sv, "..\\a"sv, "a\0b"sv, "\0"sv, "a/b\0"sv,
                             // .x07_ prefixed segments
                             ".x07_"sv, ".x07_rr"sv, "a/.x07_kv/b"sv, "a/.x07_"sv, ".x07_rr/cassette.rrbin"sv}) {
    CAPTURE(std::string(p));
    CHECK_FALSE(sluice::is_safe_relative_path(p));
  }
}

TEST_CASE("fs_sandbox: open_read opens files beneath the root") {
  Tree t;
  CHECK(read_opened(sluice::open_read(t.sandboxed(), "hello.txt")) == "hello");
  CHECK(read_opened(sluice::open_read(t.sandboxed(), "sub/f.txt")) == "f");
  CHECK(read_opened(sluice::open_read(t.sandboxed(), "sub/deeper/g.txt")) == "g");
  const auto o = sluice::open_read(t.sandboxed(), "hello.txt");
  CHECK(o.error == PathError::kNone);
  CHECK(o.err_no == 0);
  CHECK((::fcntl(o.fd, F_GETFD) & FD_CLOEXEC) != 0);
  ::close(o.fd);
}

TEST_CASE("fs_sandbox: the root may be given as a relative directory") {
  Tree t;
  const fs::path old = fs::current_path();
  fs::current_path(t.tmp.path);
  const auto o = sluice::open_read({"root", true}, "hello.txt");
  fs::current_path(old);
  CHECK(read_opened(o) == "hello");
}

TEST_CASE("fs_sandbox: sandboxed, unsafe paths are refused before touching the disk") {
  Tree t;
  for (std::string_view p : {"../x", "../outside.txt", "/etc/passwd", "a/../b", "sub/../hello.txt", "./hello.txt",
                             "sub//f.txt", "sub/", "", ".x07_rr/x"}) {
    CAPTURE(p);
    const auto o = sluice::open_read(t.sandboxed(), p);
    CHECK(o.fd == -1);
    CHECK(o.error == PathError::kUnsafe);
  }
}

TEST_CASE("fs_sandbox: a missing file is an OS error with its errno") {
  Tree t;
  const auto o = sluice::open_read(t.sandboxed(), "nope.txt");
  CHECK(o.fd == -1);
  CHECK(o.error == PathError::kOs);
  CHECK(o.err_no == ENOENT);
  const auto d = sluice::open_read(t.sandboxed(), "missing/nope.txt");
  CHECK(d.error == PathError::kOs);
  CHECK(d.err_no == ENOENT);
  // A missing root directory.
  const auto r = sluice::open_read({(t.tmp.path / "no-root").string(), true}, "hello.txt");
  CHECK(r.fd == -1);
  CHECK(r.error == PathError::kOs);
  CHECK(r.err_no == ENOENT);
}

TEST_CASE("fs_sandbox: symlinks that stay inside the root work") {
  Tree t;
  CHECK(read_opened(sluice::open_read(t.sandboxed(), "link_in")) == "f");
  CHECK(read_opened(sluice::open_read(t.sandboxed(), "dirlink_in/f.txt")) == "f");
  CHECK(read_opened(sluice::open_read(t.sandboxed(), "sub/deeper/link_up_in")) == "f");
}

TEST_CASE("fs_sandbox: symlinks that leave the root are refused (kEscapesRoot)") {
  Tree t;
  for (std::string_view p : {"link_out", "link_abs_out", "dirlink_out/secret.txt", "sub/deeper/link_deep_out"}) {
    CAPTURE(p);
    const auto o = sluice::open_read(t.sandboxed(), p);
    CHECK(o.fd == -1);
    CHECK(o.error == PathError::kEscapesRoot);
    CHECK(o.err_no == EXDEV);
  }
}

TEST_CASE("fs_sandbox: an absolute symlink is refused even when it points inside the root") {
  // RESOLVE_BENEATH refuses every absolute link: the check cannot tell where "/" would be.
  Tree t;
  const auto o = sluice::open_read(t.sandboxed(), "link_abs_in");
  CHECK(o.fd == -1);
  CHECK(o.error == PathError::kEscapesRoot);
}

TEST_CASE("fs_sandbox: run-os mode (not sandboxed) allows absolute paths, .. and outward symlinks") {
  Tree t;
  const std::string outside = (t.tmp.path / "outside.txt").string();
  CHECK(read_opened(sluice::open_read(t.run_os(), outside)) == "outside");
  CHECK(read_opened(sluice::open_read(t.run_os(), "../outside.txt")) == "outside");
  CHECK(read_opened(sluice::open_read(t.run_os(), "hello.txt")) == "hello");  // relative to the root
  CHECK(read_opened(sluice::open_read(t.run_os(), "./hello.txt")) == "hello");
  CHECK(read_opened(sluice::open_read(t.run_os(), "sub//f.txt")) == "f");
  CHECK(read_opened(sluice::open_read(t.run_os(), "link_out")) == "outside");
  CHECK(read_opened(sluice::open_read(t.run_os(), "link_abs_in")) == "f");
  CHECK(read_opened(sluice::open_read(t.run_os(), "dirlink_out/secret.txt")) == "secret");
  const auto missing = sluice::open_read(t.run_os(), "/definitely/not/here");
  CHECK(missing.error == PathError::kOs);
  CHECK(missing.err_no == ENOENT);
  // A NUL byte cannot be passed to the OS in any mode.
  using namespace std::string_view_literals;
  CHECK(sluice::open_read(t.run_os(), "hello.txt\0.bak"sv).error == PathError::kUnsafe);
}

TEST_CASE("fs_sandbox: open_parent_dir gives the directory and the leaf") {
  Tree t;
  std::string leaf;
  SUBCASE("a leaf in a subdirectory") {
    const auto o = sluice::open_parent_dir(t.sandboxed(), "sub/new.txt", leaf);
    REQUIRE(o.fd >= 0);
    CHECK(o.error == PathError::kNone);
    CHECK(leaf == "new.txt");
    // The fd names sub/: f.txt is visible through it.
    struct stat st {};
    CHECK(::fstatat(o.fd, "f.txt", &st, 0) == 0);
    ::close(o.fd);
  }
  SUBCASE("a leaf at the root") {
    const auto o = sluice::open_parent_dir(t.sandboxed(), "new.txt", leaf);
    REQUIRE(o.fd >= 0);
    CHECK(leaf == "new.txt");
    struct stat st {};
    CHECK(::fstatat(o.fd, "hello.txt", &st, 0) == 0);
    ::close(o.fd);
  }
  SUBCASE("unsafe, escaping and missing parents") {
    CHECK(sluice::open_parent_dir(t.sandboxed(), "../new.txt", leaf).error == PathError::kUnsafe);
    CHECK(sluice::open_parent_dir(t.sandboxed(), "/tmp/new.txt", leaf).error == PathError::kUnsafe);
    CHECK(sluice::open_parent_dir(t.sandboxed(), "sub/", leaf).error == PathError::kUnsafe);
    CHECK(sluice::open_parent_dir(t.sandboxed(), "", leaf).error == PathError::kUnsafe);
    const auto out = sluice::open_parent_dir(t.sandboxed(), "dirlink_out/new.txt", leaf);
    CHECK(out.fd == -1);
    CHECK(out.error == PathError::kEscapesRoot);
    const auto missing = sluice::open_parent_dir(t.sandboxed(), "nodir/new.txt", leaf);
    CHECK(missing.fd == -1);
    CHECK(missing.error == PathError::kOs);
    CHECK(missing.err_no == ENOENT);
    const auto file_parent = sluice::open_parent_dir(t.sandboxed(), "hello.txt/new.txt", leaf);
    CHECK(file_parent.fd == -1);
    CHECK(file_parent.err_no == ENOTDIR);
  }
  SUBCASE("run-os: absolute parents, and the filesystem root") {
    const auto o = sluice::open_parent_dir(t.run_os(), (t.tmp.path / "outdir" / "x.txt").string(), leaf);
    REQUIRE(o.fd >= 0);
    CHECK(leaf == "x.txt");
    struct stat st {};
    CHECK(::fstatat(o.fd, "secret.txt", &st, 0) == 0);
    ::close(o.fd);
    const auto top = sluice::open_parent_dir(t.run_os(), "/x.txt", leaf);
    REQUIRE(top.fd >= 0);
    CHECK(leaf == "x.txt");
    ::close(top.fd);
    CHECK(sluice::open_parent_dir(t.run_os(), "dir/", leaf).error == PathError::kUnsafe);
    CHECK(sluice::open_parent_dir(t.run_os(), "", leaf).error == PathError::kUnsafe);
  }
}

TEST_CASE("fs_sandbox: describe says what went wrong") {
  CHECK(sluice::describe(PathError::kNone, 0) == "ok");
  CHECK(sluice::describe(PathError::kUnsafe, 0).find("safe relative path") != std::string::npos);
  CHECK(sluice::describe(PathError::kEscapesRoot, EXDEV).find("outside") != std::string::npos);
  CHECK(sluice::describe(PathError::kOs, ENOENT) == std::strerror(ENOENT));
}
