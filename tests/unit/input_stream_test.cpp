// Tests for runtime/input_stream: memory, read(2) on files and pipes, mmap, sticky errors.
// The property checked everywhere: the bytes a reader pulls and advances over, concatenated,
// are the device's bytes, for every page size and pull size.
#include "runtime/input_stream.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-input-XXXXXX").string();
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

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

void write_file(const fs::path& p, const Bytes& b) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  std::size_t done = 0;
  while (done < b.size()) {
    const ssize_t r = ::write(fd, b.data() + done, b.size() - done);
    REQUIRE(r > 0);
    done += static_cast<std::size_t>(r);
  }
  REQUIRE(::close(fd) == 0);
}

int open_ro(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

// dir/<prefix><n>[-<m>], built by appending (GCC 12 warns falsely on "literal" + std::string).
fs::path numbered(const fs::path& dir, std::string_view prefix, std::uint32_t n, int m = -1) {
  std::string name(prefix);
  name += std::to_string(n);
  if (m >= 0) {
    name += '-';
    name += std::to_string(m);
  }
  return dir / name;
}

bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

enum class Advance {
  kPulled,   // advance by the n that was asked for (or what is left at the end)
  kWhole,    // advance over everything pull returned
  kVarying,  // advance by 0..n bytes, deterministic pseudo-random
};

struct Drained {
  Bytes bytes;
  std::size_t short_pulls = 0;     // pulls that returned < n while more than n bytes remained
  std::size_t overlong_pulls = 0;  // pulls that returned more than what remained
  std::size_t content_errors = 0;  // pulled bytes that differ from the source at that offset
  std::size_t peek_errors = 0;     // peek() not equal to the view pull() returned
};

// Reads the stream to the end with pull(n)/advance, checking each pull against `expected`.
Drained drain(sluice::InputStream& s, std::size_t n, Advance policy, const Bytes& expected) {
  Drained d;
  std::mt19937 rng(static_cast<std::uint32_t>(n * 7919 + 1));
  for (std::size_t guard = 0; guard < 100 * expected.size() + 1000; ++guard) {
    const sluice::ByteView v = s.pull(n);
    const std::size_t pos = d.bytes.size();
    const std::size_t remaining = expected.size() - pos;
    if (v.size < std::min(n, remaining)) ++d.short_pulls;
    if (v.size > remaining) {
      ++d.overlong_pulls;
      break;
    }
    const sluice::ByteView p = s.peek();
    if (p.data != v.data || p.size != v.size) ++d.peek_errors;
    if (v.size == 0) break;
    std::size_t m = std::min<std::size_t>(n, v.size);
    if (policy == Advance::kWhole) m = v.size;
    if (policy == Advance::kVarying) m = rng() % (m + 1);
    // Compare the n bytes asked for and what is consumed (not the whole view each time: a
    // mapped file would make that quadratic).
    const std::size_t cmp = std::max<std::size_t>(m, std::min<std::size_t>(n, v.size));
    if (!std::equal(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(cmp),
                    expected.begin() + static_cast<std::ptrdiff_t>(pos)))
      ++d.content_errors;
    d.bytes.insert(d.bytes.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m));
    s.advance(m);
  }
  return d;
}

void check_drained(const Drained& d, const Bytes& expected, const sluice::InputStream& s) {
  CHECK(d.short_pulls == 0);
  CHECK(d.overlong_pulls == 0);
  CHECK(d.content_errors == 0);
  CHECK(d.peek_errors == 0);
  CHECK(d.bytes.size() == expected.size());
  CHECK(d.bytes == expected);
  CHECK(s.consumed() == expected.size());
  CHECK_FALSE(s.failed());
  CHECK(s.error_number() == 0);
}

constexpr std::uint32_t kPageSizes[] = {1, 2, 3, 7, 4093, 65536};

// Pull sizes 1..12, around the page size, and a few large ones (a jumbo buffer when above it).
std::vector<std::size_t> pull_sizes(std::uint32_t page) {
  std::vector<std::size_t> v;
  for (std::size_t n = 1; n <= 12; ++n) v.push_back(n);
  for (std::size_t n : {std::size_t{page} - 1, std::size_t{page}, std::size_t{page} + 1, std::size_t{page} * 2,
                        std::size_t{4096}, std::size_t{65536}})
    if (n >= 1 && std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
  return v;
}

// Enough bytes for several refills of a page, and not a multiple of any pull size used.
std::size_t file_size_for(std::uint32_t page) { return 3 * std::size_t{page} + 1009; }

// Whether the test environment has `path` (for doctest::skip: evaluated when the case registers).
bool file_opens(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

TEST_CASE("input_stream: over_memory returns every byte at once and never copies") {
  const Bytes data = random_bytes(1000, 1);
  for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{1000}, std::size_t{5000}}) {
    for (Advance policy : {Advance::kPulled, Advance::kWhole, Advance::kVarying}) {
      auto s = sluice::InputStream::over_memory({data.data(), static_cast<std::uint32_t>(data.size())});
      CHECK(s.peek().size == 1000);
      const Drained d = drain(s, n, policy, data);
      check_drained(d, data, s);
      CHECK(s.copied_bytes() == 0);
    }
  }
  auto s = sluice::InputStream::over_memory(sluice::ByteView::of("hello"));
  const sluice::ByteView v = s.pull(2);
  CHECK(v.as_chars() == "hello");  // pull returns everything buffered, not just n
  s.advance(3);
  CHECK(s.pull(10).as_chars() == "lo");
  CHECK(s.consumed() == 3);
}

TEST_CASE("input_stream: over_memory of nothing is at its end") {
  auto s = sluice::InputStream::over_memory({});
  CHECK(s.pull(1).size == 0);
  CHECK(s.pull(0).size == 0);
  CHECK(s.peek().size == 0);
  CHECK_FALSE(s.failed());
}

TEST_CASE("input_stream: read(2) over a regular file, every page size x pull size x advance policy") {
  TempDir dir;
  for (std::uint32_t page : kPageSizes) {
    const Bytes data = random_bytes(file_size_for(page), page);
    const fs::path file = numbered(dir.path, "f", page);
    write_file(file, data);
    for (std::size_t n : pull_sizes(page)) {
      for (Advance policy : {Advance::kPulled, Advance::kWhole, Advance::kVarying}) {
        CAPTURE(page);
        CAPTURE(n);
        CAPTURE(static_cast<int>(policy));
        sluice::PagePool pool(page);
        auto s = sluice::InputStream::over_fd(open_ro(file), pool, n, sluice::ReadMode::kRead);
        check_drained(drain(s, n, policy, data), data, s);
        // A reader that advances over all it pulled never leaves a tail to move.
        if (policy == Advance::kWhole) CHECK(s.copied_bytes() == 0);
        // The one page (or jumbo page) is the only buffer.
        CHECK(pool.system_allocations() == 1);
      }
    }
  }
}

TEST_CASE("input_stream: read(2) over a pipe fed in small pieces, every page size x pull size") {
  std::signal(SIGPIPE, SIG_IGN);  // if a check fails early, the writer must not kill the run
  for (std::uint32_t page : kPageSizes) {
    const Bytes data = random_bytes(file_size_for(page), page + 100);
    for (std::size_t n : pull_sizes(page)) {
      for (Advance policy : {Advance::kPulled, Advance::kWhole, Advance::kVarying}) {
        CAPTURE(page);
        CAPTURE(n);
        CAPTURE(static_cast<int>(policy));
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        const std::size_t max_piece = data.size() > 20000 ? 1000 : 17;
        std::thread writer([wfd = fds[1], &data, max_piece, n] {
          std::mt19937 rng(static_cast<std::uint32_t>(n));
          std::size_t done = 0;
          while (done < data.size()) {
            const std::size_t piece = std::min<std::size_t>(1 + rng() % max_piece, data.size() - done);
            const ssize_t r = ::write(wfd, data.data() + done, piece);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            done += static_cast<std::size_t>(r);
          }
          ::close(wfd);
        });
        {
          sluice::PagePool pool(page);
          auto s = sluice::InputStream::over_fd(fds[0], pool, n, sluice::ReadMode::kRead);
          check_drained(drain(s, n, policy, data), data, s);
          if (policy == Advance::kWhole) CHECK(s.copied_bytes() == 0);
        }  // closes the read end, so a stuck writer gets EPIPE instead of blocking the join
        writer.join();
      }
    }
  }
}

TEST_CASE("input_stream: no copies when the pull size divides the page and the reader takes whole pulls") {
  // The file is a whole number of pages, so every refill starts at an empty buffer.
  TempDir dir;
  for (std::uint32_t page : {4u, 12u, 4096u, 65536u}) {
    const Bytes data = random_bytes(std::size_t{page} * 5, page);
    const fs::path file = dir.path / "whole-pages";
    write_file(file, data);
    for (std::size_t n = 1; n <= page; ++n) {
      if (page % n != 0) continue;
      CAPTURE(page);
      CAPTURE(n);
      sluice::PagePool pool(page);
      auto s = sluice::InputStream::over_fd(open_ro(file), pool, n, sluice::ReadMode::kRead);
      check_drained(drain(s, n, Advance::kPulled, data), data, s);
      CHECK(s.copied_bytes() == 0);
    }
  }
}

TEST_CASE("input_stream: no copy at the end of a file that is not a whole number of pulls") {
  // n divides the page and the reader advances n at a time (then what is left). At the end of
  // the file the last read returns fewer than n bytes past the cursor; moving that tail to the
  // front is not needed to make n bytes contiguous, since the page has room after it.
  TempDir dir;
  const fs::path file = dir.path / "ragged";
  for (std::uint32_t page : {4u, 12u, 4096u}) {
    for (std::size_t size : {std::size_t{page} * 3 + 1, std::size_t{page} * 3 + 3, std::size_t{page} + 5}) {
      const Bytes data = random_bytes(size, static_cast<std::uint32_t>(size));
      write_file(file, data);
      for (std::size_t n = 2; n <= page; ++n) {
        if (page % n != 0) continue;
        CAPTURE(page);
        CAPTURE(size);
        CAPTURE(n);
        sluice::PagePool pool(page);
        auto s = sluice::InputStream::over_fd(open_ro(file), pool, n, sluice::ReadMode::kRead);
        check_drained(drain(s, n, Advance::kPulled, data), data, s);
        CHECK(s.copied_bytes() == 0);
      }
    }
  }
}

TEST_CASE("input_stream: a tail that must become contiguous is moved and counted") {
  TempDir dir;
  const Bytes data = random_bytes(16, 3);
  const fs::path file = dir.path / "tail";
  write_file(file, data);
  sluice::PagePool pool(8);
  auto s = sluice::InputStream::over_fd(open_ro(file), pool, 8, sluice::ReadMode::kRead);
  REQUIRE(s.pull(8).size == 8);
  s.advance(5);
  // 3 bytes are left in the page; 8 contiguous bytes need those 3 moved to the front.
  const sluice::ByteView v = s.pull(8);
  REQUIRE(v.size == 8);
  CHECK(std::equal(v.begin(), v.end(), data.begin() + 5));
  CHECK(s.copied_bytes() == 3);
  s.advance(8);
  CHECK(s.pull(8).size == 3);
  CHECK(s.consumed() == 13);
}

TEST_CASE("input_stream: mmap mode gives the same bytes with no copy and no page") {
  TempDir dir;
  for (std::size_t size : {std::size_t{1}, std::size_t{4093}, std::size_t{65536 * 3 + 1009}}) {
    const Bytes data = random_bytes(size, static_cast<std::uint32_t>(size));
    const fs::path file = dir.path / "m";
    write_file(file, data);
    for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{4093},
                          std::size_t{65536}, size + 10}) {
      for (Advance policy : {Advance::kPulled, Advance::kWhole, Advance::kVarying}) {
        CAPTURE(size);
        CAPTURE(n);
        sluice::PagePool pool(7);
        auto s = sluice::InputStream::over_fd(open_ro(file), pool, n, sluice::ReadMode::kMmap);
        CHECK(s.peek().size == size);  // the whole file is visible at once
        check_drained(drain(s, n, policy, data), data, s);
        CHECK(s.copied_bytes() == 0);
        CHECK(pool.system_allocations() == 0);
      }
    }
  }
}

// procfs (and sysfs, some FUSE files) report st_size 0 for regular files with content; they
// cannot be mapped, and mmap mode must give the same bytes as read mode. Without /proc the case is
// reported as skipped (doctest's skip; CTest shows it as Skipped), not passed.
TEST_CASE("input_stream: mmap mode on a file that reports size 0 but has content falls back to read(2)" *
          doctest::skip(!file_opens("/proc/self/cmdline"))) {
  const char* const path = "/proc/self/cmdline";
  Bytes by_read;
  Bytes by_mmap;
  for (auto mode : {sluice::ReadMode::kRead, sluice::ReadMode::kMmap}) {
    sluice::PagePool pool(64);
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    auto s = sluice::InputStream::over_fd(fd, pool, 16, mode);
    Bytes& out = mode == sluice::ReadMode::kRead ? by_read : by_mmap;
    for (sluice::ByteView v = s.pull(16); v.size != 0; v = s.pull(16)) {
      out.insert(out.end(), v.begin(), v.end());
      s.advance(v.size);
    }
    CHECK_FALSE(s.failed());
  }
  CHECK_FALSE(by_read.empty());
  CHECK(by_mmap == by_read);
}

TEST_CASE("input_stream: mmap mode on a pipe falls back to read(2)") {
  const Bytes data = random_bytes(5000, 9);
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  std::thread writer([wfd = fds[1], &data] {
    for (std::size_t done = 0; done < data.size(); done += 100) {
      if (::write(wfd, data.data() + done, std::min<std::size_t>(100, data.size() - done)) <= 0) break;
    }
    ::close(wfd);
  });
  {
    sluice::PagePool pool(64);
    auto s = sluice::InputStream::over_fd(fds[0], pool, 16, sluice::ReadMode::kMmap);
    check_drained(drain(s, 16, Advance::kPulled, data), data, s);
    CHECK(pool.system_allocations() == 1);
  }
  writer.join();
}

TEST_CASE("input_stream: an empty file ends at once in both modes") {
  TempDir dir;
  const fs::path file = dir.path / "empty";
  write_file(file, {});
  for (auto mode : {sluice::ReadMode::kRead, sluice::ReadMode::kMmap}) {
    for (std::uint32_t page : {1u, 4096u}) {
      sluice::PagePool pool(page);
      auto s = sluice::InputStream::over_fd(open_ro(file), pool, 1, mode);
      CHECK(s.pull(1).size == 0);
      CHECK(s.pull(100).size == 0);
      CHECK(s.peek().size == 0);
      CHECK(s.consumed() == 0);
      CHECK(s.copied_bytes() == 0);
      CHECK_FALSE(s.failed());
    }
  }
}

TEST_CASE("input_stream: an empty pipe ends at once") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  ::close(fds[1]);
  sluice::PagePool pool(16);
  auto s = sluice::InputStream::over_fd(fds[0], pool, 4, sluice::ReadMode::kRead);
  CHECK(s.pull(4).size == 0);
  CHECK_FALSE(s.failed());
}

TEST_CASE("input_stream: a read error is sticky (a directory gives EISDIR)") {
  TempDir dir;
  for (auto mode : {sluice::ReadMode::kRead, sluice::ReadMode::kMmap}) {
    const int fd = ::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    sluice::PagePool pool(16);
    auto s = sluice::InputStream::over_fd(fd, pool, 4, mode);
    CHECK(s.pull(4).size == 0);
    CHECK(s.failed());
    CHECK(s.error_number() == EISDIR);
    // Later pulls neither read again nor clear the error.
    for (int i = 0; i < 3; ++i) {
      CHECK(s.pull(1).size == 0);
      CHECK(s.failed());
      CHECK(s.error_number() == EISDIR);
    }
  }
}

TEST_CASE("input_stream: over_fd owns the descriptor and closes it once") {
  TempDir dir;
  const fs::path file = dir.path / "owned";
  write_file(file, {1, 2, 3});
  for (auto mode : {sluice::ReadMode::kRead, sluice::ReadMode::kMmap}) {
    const int fd = open_ro(file);
    sluice::PagePool pool(16);
    {
      auto s = sluice::InputStream::over_fd(fd, pool, 4, mode);
      CHECK(s.pull(1).size == 3);
      CHECK(fd_is_open(fd));
    }
    CHECK_FALSE(fd_is_open(fd));
  }
}

TEST_CASE("input_stream: a moved stream continues where the original was") {
  TempDir dir;
  const Bytes data = random_bytes(1000, 5);
  const fs::path file = dir.path / "moved";
  write_file(file, data);
  sluice::PagePool pool(64);
  auto a = sluice::InputStream::over_fd(open_ro(file), pool, 8, sluice::ReadMode::kRead);
  REQUIRE(a.pull(8).size >= 8);
  a.advance(8);
  sluice::InputStream b(std::move(a));
  CHECK(b.consumed() == 8);
  const Bytes rest(data.begin() + 8, data.end());
  const Drained d = drain(b, 8, Advance::kPulled, rest);
  CHECK(d.bytes == rest);
  CHECK(b.consumed() == 1000);
  CHECK(a.pull(1).size == 0);  // NOLINT(bugprone-use-after-move): moved-from is empty

  sluice::InputStream c;
  c = std::move(b);
  CHECK(c.consumed() == 1000);
  CHECK(c.pull(1).size == 0);
}

TEST_CASE("input_stream: peek never reads") {
  TempDir dir;
  const fs::path file = dir.path / "peek";
  write_file(file, {9, 8, 7});
  sluice::PagePool pool(16);
  auto s = sluice::InputStream::over_fd(open_ro(file), pool, 4, sluice::ReadMode::kRead);
  CHECK(s.peek().size == 0);
  CHECK(s.pull(1).size == 3);
  CHECK(s.peek().size == 3);
  s.advance(1);
  CHECK(s.peek().size == 2);
  CHECK(s.peek().data[0] == 8);
}
