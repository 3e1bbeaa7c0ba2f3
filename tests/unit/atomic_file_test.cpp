// Tests for runtime/atomic_file: the target appears only on commit, with all its bytes; abandon
// and destruction leave nothing behind; an existing target is replaced by a rename.
#include "runtime/atomic_file.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using sluice::PathError;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-atomic-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] sluice::FsRoot root() const { return {path.string(), true}; }
};

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

void write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t r = ::write(fd, text.data() + done, text.size() - done);
    REQUIRE(r > 0);
    done += static_cast<std::size_t>(r);
  }
}

std::string read_text(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    REQUIRE(r >= 0);
    if (r == 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("atomic_file: commit makes the file appear with its bytes, and only then") {
  TempDir dir;
  auto f = sluice::AtomicFile::create(dir.root(), "out.bin");
  REQUIRE(f.fd() >= 0);
  CHECK(f.error() == PathError::kNone);
  CHECK(f.err_no() == 0);
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>(i * 7));
  write_all(f.fd(), data);
  // Before commit: no target; exactly one temporary file, hidden (a dot name).
  CHECK_FALSE(fs::exists(dir.path / "out.bin"));
  const auto before = entries(dir.path);
  REQUIRE(before.size() == 1);
  CHECK(before.begin()->front() == '.');
  CHECK(f.commit() == 0);
  CHECK(f.fd() == -1);
  CHECK(entries(dir.path) == std::set<std::string>{"out.bin"});
  CHECK(read_text(dir.path / "out.bin") == data);
}

TEST_CASE("atomic_file: an empty file commits as an empty file") {
  TempDir dir;
  auto f = sluice::AtomicFile::create(dir.root(), "empty");
  REQUIRE(f.fd() >= 0);
  CHECK(f.commit() == 0);
  CHECK(fs::exists(dir.path / "empty"));
  CHECK(fs::file_size(dir.path / "empty") == 0);
}

TEST_CASE("atomic_file: abandon leaves no file and no temporary file") {
  TempDir dir;
  auto f = sluice::AtomicFile::create(dir.root(), "out.bin");
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "partial output");
  CHECK(entries(dir.path).size() == 1);
  f.abandon();
  CHECK(f.fd() == -1);
  CHECK(entries(dir.path).empty());
  f.abandon();  // twice is harmless
  CHECK(entries(dir.path).empty());
  // Commit after abandon fails and creates nothing.
  CHECK(f.commit() != 0);
  CHECK(entries(dir.path).empty());
}

TEST_CASE("atomic_file: destruction without commit leaves no file and no temporary file") {
  TempDir dir;
  {
    auto f = sluice::AtomicFile::create(dir.root(), "out.bin");
    REQUIRE(f.fd() >= 0);
    write_all(f.fd(), "never committed");
    CHECK(entries(dir.path).size() == 1);
  }
  CHECK(entries(dir.path).empty());
}

TEST_CASE("atomic_file: destruction after commit keeps the file") {
  TempDir dir;
  {
    auto f = sluice::AtomicFile::create(dir.root(), "kept.txt");
    REQUIRE(f.fd() >= 0);
    write_all(f.fd(), "kept");
    CHECK(f.commit() == 0);
  }
  CHECK(entries(dir.path) == std::set<std::string>{"kept.txt"});
  CHECK(read_text(dir.path / "kept.txt") == "kept");
}

TEST_CASE("atomic_file: create in a missing directory fails with its errno") {
  TempDir dir;
  auto f = sluice::AtomicFile::create(dir.root(), "missing/out.bin");
  CHECK(f.fd() == -1);
  CHECK(f.error() == PathError::kOs);
  CHECK(f.err_no() == ENOENT);
  CHECK(f.commit() == ENOENT);  // commit reports the creation error
  CHECK(entries(dir.path).empty());
}

TEST_CASE("atomic_file: create under a regular file fails with ENOTDIR") {
  TempDir dir;
  {
    const int fd = ::open((dir.path / "plain").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    ::close(fd);
  }
  auto f = sluice::AtomicFile::create(dir.root(), "plain/out.bin");
  CHECK(f.fd() == -1);
  CHECK(f.error() == PathError::kOs);
  CHECK(f.err_no() == ENOTDIR);
  CHECK(entries(dir.path) == std::set<std::string>{"plain"});
}

TEST_CASE("atomic_file: sandboxed paths follow the fs root rules") {
  TempDir dir;
  fs::create_directory(dir.path / "root");
  fs::create_directory(dir.path / "outside");
  fs::create_symlink("../outside", dir.path / "root" / "out_link");
  const sluice::FsRoot root{(dir.path / "root").string(), true};
  for (std::string_view p : {"../x", "/etc/x", "a/../b", "", "dir/"}) {
    CAPTURE(p);
    auto f = sluice::AtomicFile::create(root, p);
    CHECK(f.fd() == -1);
    CHECK(f.error() == PathError::kUnsafe);
  }
  auto esc = sluice::AtomicFile::create(root, "out_link/x");
  CHECK(esc.fd() == -1);
  CHECK(esc.error() == PathError::kEscapesRoot);
  CHECK(entries(dir.path / "outside").empty());
}

TEST_CASE("atomic_file: a file in a subdirectory") {
  TempDir dir;
  fs::create_directories(dir.path / "a" / "b");
  auto f = sluice::AtomicFile::create(dir.root(), "a/b/c.txt");
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "deep");
  CHECK(entries(dir.path / "a" / "b").size() == 1);
  CHECK(f.commit() == 0);
  CHECK(read_text(dir.path / "a" / "b" / "c.txt") == "deep");
  CHECK(entries(dir.path / "a" / "b") == std::set<std::string>{"c.txt"});
}

TEST_CASE("atomic_file: run-os mode takes absolute paths") {
  TempDir dir;
  const std::string target = (dir.path / "abs.txt").string();
  auto f = sluice::AtomicFile::create({"/nonexistent-root", false}, target);
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "abs");
  CHECK(f.commit() == 0);
  CHECK(read_text(target) == "abs");
}

TEST_CASE("atomic_file: overwriting an existing target replaces it atomically") {
  TempDir dir;
  const fs::path target = dir.path / "out.txt";
  {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    write_all(fd, "old contents that are longer");
    ::close(fd);
  }
  // A reader that opened the old file keeps seeing it whole: the new file is a new inode.
  const int old_reader = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(old_reader >= 0);
  struct stat old_st {};
  REQUIRE(::fstat(old_reader, &old_st) == 0);

  auto f = sluice::AtomicFile::create(dir.root(), "out.txt");
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "new");
  CHECK(read_text(target) == "old contents that are longer");  // untouched until commit
  CHECK(f.commit() == 0);
  CHECK(read_text(target) == "new");
  CHECK(entries(dir.path) == std::set<std::string>{"out.txt"});

  struct stat new_st {};
  REQUIRE(::stat(target.c_str(), &new_st) == 0);
  CHECK(new_st.st_ino != old_st.st_ino);
  char buf[64] = {};
  CHECK(::pread(old_reader, buf, sizeof buf, 0) == 28);
  CHECK(std::string_view(buf, 28) == "old contents that are longer");
  ::close(old_reader);
}

TEST_CASE("atomic_file: abandoning leaves an existing target as it was") {
  TempDir dir;
  const fs::path target = dir.path / "keep.txt";
  {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    write_all(fd, "original");
    ::close(fd);
  }
  {
    auto f = sluice::AtomicFile::create(dir.root(), "keep.txt");
    REQUIRE(f.fd() >= 0);
    write_all(f.fd(), "replacement");
  }
  CHECK(read_text(target) == "original");
  CHECK(entries(dir.path) == std::set<std::string>{"keep.txt"});
}

TEST_CASE("atomic_file: a commit onto a directory fails and removes the temporary file") {
  TempDir dir;
  fs::create_directory(dir.path / "taken");
  fs::create_directory(dir.path / "taken" / "child");  // non-empty: rename cannot replace it
  auto f = sluice::AtomicFile::create(dir.root(), "taken");
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "x");
  const int rc = f.commit();
  CHECK(rc == EISDIR);
  CHECK(entries(dir.path) == std::set<std::string>{"taken"});
  CHECK(fs::is_directory(dir.path / "taken"));
}

TEST_CASE("atomic_file: two files in one directory get distinct temporary names") {
  TempDir dir;
  auto a = sluice::AtomicFile::create(dir.root(), "a.txt");
  auto b = sluice::AtomicFile::create(dir.root(), "a.txt");
  REQUIRE(a.fd() >= 0);
  REQUIRE(b.fd() >= 0);
  CHECK(entries(dir.path).size() == 2);
  write_all(a.fd(), "first");
  write_all(b.fd(), "second");
  CHECK(a.commit() == 0);
  CHECK(b.commit() == 0);  // the last commit wins, whole
  CHECK(read_text(dir.path / "a.txt") == "second");
  CHECK(entries(dir.path) == std::set<std::string>{"a.txt"});
}

TEST_CASE("atomic_file: moving transfers the pending file") {
  TempDir dir;
  auto a = sluice::AtomicFile::create(dir.root(), "moved.txt");
  REQUIRE(a.fd() >= 0);
  write_all(a.fd(), "payload");
  sluice::AtomicFile b(std::move(a));
  CHECK(a.fd() == -1);  // NOLINT(bugprone-use-after-move): moved-from is empty
  a.abandon();          // must not remove b's temporary file
  CHECK(entries(dir.path).size() == 1);
  sluice::AtomicFile c;
  c = std::move(b);
  CHECK(c.commit() == 0);
  CHECK(read_text(dir.path / "moved.txt") == "payload");

  // Move-assigning over a pending file abandons it.
  auto d = sluice::AtomicFile::create(dir.root(), "d.txt");
  auto e = sluice::AtomicFile::create(dir.root(), "e.txt");
  REQUIRE(d.fd() >= 0);
  REQUIRE(e.fd() >= 0);
  CHECK(entries(dir.path).size() == 3);
  d = std::move(e);
  CHECK(entries(dir.path).size() == 2);
  CHECK(d.commit() == 0);
  CHECK(entries(dir.path) == std::set<std::string>{"moved.txt", "e.txt"});
}
