// Tests for runtime/atomic_file: the target appears only on commit, with all its bytes; abandon
// and destruction leave nothing behind; an existing target is replaced by a rename; links are
// followed, devices and FIFOs written in place, directories refused; stale temporaries removed.
#include "runtime/atomic_file.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

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

TEST_CASE("atomic_file: a directory as the target is refused at create, nothing is written") {
  TempDir dir;
  fs::create_directory(dir.path / "taken");
  auto f = sluice::AtomicFile::create(dir.root(), "taken");
  CHECK(f.fd() == -1);
  CHECK(f.error() == PathError::kOs);
  CHECK(f.err_no() == EISDIR);
  CHECK(f.commit() == EISDIR);
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

namespace {

void write_file_text(const fs::path& p, std::string_view text, mode_t mode = 0644) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  REQUIRE(fd >= 0);
  write_all(fd, text);
  ::close(fd);
}

// A pid that belonged to a process that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return child;
}

}  // namespace

TEST_CASE("atomic_file: a symlink is followed and its target replaced, the link stays") {
  TempDir dir;
  fs::create_directory(dir.path / "data");
  write_file_text(dir.path / "data" / "real.txt", "old");
  fs::create_symlink("data/real.txt", dir.path / "link");
  auto f = sluice::AtomicFile::create(dir.root(), "link");
  REQUIRE(f.fd() >= 0);
  CHECK(f.mode() == sluice::AtomicFile::Mode::kReplace);
  write_all(f.fd(), "new");
  CHECK(f.commit() == 0);
  CHECK(fs::is_symlink(dir.path / "link"));
  CHECK(fs::read_symlink(dir.path / "link") == "data/real.txt");
  CHECK(read_text(dir.path / "data" / "real.txt") == "new");
  CHECK(entries(dir.path / "data") == std::set<std::string>{"real.txt"});
}

TEST_CASE("atomic_file: a chain of links, and a dangling link creates its target") {
  TempDir dir;
  fs::create_directory(dir.path / "sub");
  fs::create_symlink("sub/hop", dir.path / "first");
  fs::create_symlink("../final.txt", dir.path / "sub" / "hop");  // relative to the link's own directory
  auto f = sluice::AtomicFile::create(dir.root(), "first");
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "through two links");
  CHECK(f.commit() == 0);
  CHECK(fs::is_symlink(dir.path / "first"));
  CHECK(fs::is_symlink(dir.path / "sub" / "hop"));
  CHECK(read_text(dir.path / "final.txt") == "through two links");
}

TEST_CASE("atomic_file: sandboxed, a link may not lead out of the root and a loop is ELOOP") {
  TempDir dir;
  fs::create_directory(dir.path / "root");
  fs::create_directory(dir.path / "outside");
  write_file_text(dir.path / "outside" / "victim", "keep");
  fs::create_symlink("../outside/victim", dir.path / "root" / "rel_escape");
  fs::create_symlink((dir.path / "outside" / "victim").string(), dir.path / "root" / "abs_escape");
  fs::create_symlink("loop_b", dir.path / "root" / "loop_a");
  fs::create_symlink("loop_a", dir.path / "root" / "loop_b");
  const sluice::FsRoot root{(dir.path / "root").string(), true};
  for (const char* p : {"rel_escape", "abs_escape"}) {
    CAPTURE(p);
    auto f = sluice::AtomicFile::create(root, p);
    CHECK(f.fd() == -1);
    CHECK(f.error() == PathError::kEscapesRoot);
  }
  CHECK(read_text(dir.path / "outside" / "victim") == "keep");
  CHECK(entries(dir.path / "outside") == std::set<std::string>{"victim"});
  auto loop = sluice::AtomicFile::create(root, "loop_a");
  CHECK(loop.fd() == -1);
  CHECK(loop.err_no() == ELOOP);
  // Unsandboxed (run-os), the same absolute link is followed.
  auto os = sluice::AtomicFile::create({(dir.path / "root").string(), false}, "abs_escape");
  REQUIRE(os.fd() >= 0);
  write_all(os.fd(), "run-os follows");
  CHECK(os.commit() == 0);
  CHECK(read_text(dir.path / "outside" / "victim") == "run-os follows");
  CHECK(fs::is_symlink(dir.path / "root" / "abs_escape"));
}

TEST_CASE("atomic_file: a character device is written in place and stays a device") {
  auto f = sluice::AtomicFile::create({"/", false}, "/dev/null");
  REQUIRE(f.fd() >= 0);
  CHECK(f.mode() == sluice::AtomicFile::Mode::kDirect);
  write_all(f.fd(), "discarded");
  CHECK(f.commit() == 0);
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("atomic_file: a FIFO is written in place, no temporary file, and stays a FIFO") {
  TempDir dir;
  REQUIRE(::mkfifo((dir.path / "pipe").c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] { got = read_text(dir.path / "pipe"); });
  {
    auto f = sluice::AtomicFile::create(dir.root(), "pipe");  // waits for the reader's open
    REQUIRE(f.fd() >= 0);
    CHECK(f.mode() == sluice::AtomicFile::Mode::kDirect);
    CHECK(entries(dir.path) == std::set<std::string>{"pipe"});
    write_all(f.fd(), "through the fifo");
    CHECK(f.commit() == 0);
  }
  reader.join();
  CHECK(got == "through the fifo");
  CHECK(fs::is_fifo(dir.path / "pipe"));
}

TEST_CASE("atomic_file: a replaced file keeps its mode and owner") {
  TempDir dir;
  const fs::path target = dir.path / "secret.txt";
  write_file_text(target, "old");
  REQUIRE(::chmod(target.c_str(), 0640) == 0);
  // Root can give the file away; anyone else keeps their own file, so only the mode is checked.
  const bool can_chown = ::chown(target.c_str(), 65534, 65534) == 0;
  struct stat before {};
  REQUIRE(::stat(target.c_str(), &before) == 0);
  auto f = sluice::AtomicFile::create(dir.root(), "secret.txt");
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "new");
  CHECK(f.commit() == 0);
  struct stat after {};
  REQUIRE(::stat(target.c_str(), &after) == 0);
  CHECK(after.st_ino != before.st_ino);
  CHECK((after.st_mode & 07777) == 0640);
  if (can_chown) {
    CHECK(after.st_uid == 65534u);
    CHECK(after.st_gid == 65534u);
  }
  CHECK(read_text(target) == "new");
}

TEST_CASE("atomic_file: a new file gets the usual 0666 & ~umask") {
  TempDir dir;
  const mode_t old_mask = ::umask(022);
  auto f = sluice::AtomicFile::create(dir.root(), "fresh.txt");
  ::umask(old_mask);
  REQUIRE(f.fd() >= 0);
  CHECK(f.commit() == 0);
  struct stat st {};
  REQUIRE(::stat((dir.path / "fresh.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
}

TEST_CASE("atomic_file: temporary names carry the target's name and the pid") {
  TempDir dir;
  auto f = sluice::AtomicFile::create(dir.root(), "report.csv");
  REQUIRE(f.fd() >= 0);
  const auto names = entries(dir.path);
  REQUIRE(names.size() == 1);
  const std::string& name = *names.begin();
  CHECK(name.starts_with(".sluice-report.csv." + std::to_string(::getpid()) + "."));
  CHECK(name.ends_with(".tmp"));
  // A leaf at NAME_MAX still gives a valid temporary name.
  const std::string long_leaf(255, 'x');
  auto g = sluice::AtomicFile::create(dir.root(), long_leaf);
  REQUIRE(g.fd() >= 0);
  CHECK(g.commit() == 0);
  CHECK(fs::exists(dir.path / long_leaf));
}

TEST_CASE("atomic_file: a killed run's temporary file is removed by the next run of the same sink") {
  TempDir dir;
  const std::string dead = std::to_string(dead_pid());
  const std::string stale = ".sluice-out.txt." + dead + ".0.tmp";
  const std::string live = ".sluice-out.txt.1.0.tmp";                // pid 1 is alive
  const std::string other_target = ".sluice-other.txt." + dead + ".0.tmp";  // another sink's
  const std::string not_ours = ".sluice-out.txt.x.tmp";              // not our shape
  for (const std::string& n : {stale, live, other_target, not_ours}) write_file_text(dir.path / n, "partial");
  auto f = sluice::AtomicFile::create(dir.root(), "out.txt");
  REQUIRE(f.fd() >= 0);
  const auto during = entries(dir.path);
  CHECK(during.count(stale) == 0);
  CHECK(during.count(live) == 1);
  CHECK(during.count(other_target) == 1);
  CHECK(during.count(not_ours) == 1);
  CHECK(f.commit() == 0);
  CHECK(entries(dir.path) == std::set<std::string>{"out.txt", live, other_target, not_ours});
}

TEST_CASE("atomic_file: a dead pid's temporary file still locked by a live holder is kept") {
  TempDir dir;
  const std::string name = ".sluice-out.txt." + std::to_string(dead_pid()) + ".0.tmp";
  write_file_text(dir.path / name, "in flight elsewhere");
  const int holder = ::open((dir.path / name).c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(holder >= 0);
  REQUIRE(::flock(holder, LOCK_EX) == 0);  // a writer in another pid namespace looks like this
  auto f = sluice::AtomicFile::create(dir.root(), "out.txt");
  REQUIRE(f.fd() >= 0);
  CHECK(entries(dir.path).count(name) == 1);
  f.abandon();
  ::close(holder);
}

TEST_CASE("atomic_file: without fsync the commit is the same rename") {
  TempDir dir;
  auto f = sluice::AtomicFile::create(dir.root(), "fast.txt", /*durable=*/false);
  REQUIRE(f.fd() >= 0);
  write_all(f.fd(), "fast");
  CHECK(f.commit() == 0);
  CHECK(entries(dir.path) == std::set<std::string>{"fast.txt"});
  CHECK(read_text(dir.path / "fast.txt") == "fast");
}
