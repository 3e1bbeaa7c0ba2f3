// Tests for runtime/copy_offload: copy_file_exactly copies exactly the measured bytes or leaves
// the output empty for the page path: an exact copy, an input that grew (refused unless the page
// path would also stop at the measured length), an input that shrank, an input that is a pipe,
// and an output that cannot be truncated (reported, so the sink can fail the run).
#include "runtime/copy_offload.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Scratch {
  std::string dir;
  Scratch() {
    char tmpl[] = "/tmp/sluice-offload-XXXXXX";
    dir = ::mkdtemp(tmpl);
  }
  ~Scratch() { std::system(("rm -rf '" + dir + "'").c_str()); }
  [[nodiscard]] std::string file(const char* name) const { return dir + "/" + name; }
};

std::vector<unsigned char> pattern(std::size_t n) {
  std::vector<unsigned char> v(n);
  std::uint32_t x = 2463534242u;
  for (auto& b : v) {  // xorshift32: bytes that a wrong offset cannot reproduce by accident
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<unsigned char>(x);
  }
  return v;
}

void write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

std::vector<unsigned char> read_file(const std::string& path) {
  std::vector<unsigned char> out;
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  unsigned char buf[65536];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  ::close(fd);
  return out;
}

off_t fd_offset(int fd) { return ::lseek(fd, 0, SEEK_CUR); }

}  // namespace

TEST_CASE("copy_file_exactly copies every byte and leaves both file offsets alone") {
  Scratch s;
  const auto data = pattern(3 * 1024 * 1024 + 17);
  write_file(s.file("in"), data);
  const int in = ::open(s.file("in").c_str(), O_RDONLY);
  const int out = ::open(s.file("out").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  REQUIRE(in >= 0);
  REQUIRE(out >= 0);
  const sluice::CopyExactly r = sluice::copy_file_exactly(in, out, data.size(), true);
  CHECK(r.copied);
  CHECK(r.truncate_errno == 0);
  CHECK(fd_offset(in) == 0);
  CHECK(fd_offset(out) == 0);
  ::close(in);
  ::close(out);
  CHECK(read_file(s.file("out")) == data);
}

TEST_CASE("copy_file_exactly refuses an input that grew past the measured length and empties the output") {
  Scratch s;
  const auto data = pattern(100000);
  write_file(s.file("in"), data);
  const int in = ::open(s.file("in").c_str(), O_RDONLY);
  const int out = ::open(s.file("out").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  // The page path would read all 100000 bytes: a copy of the 99999 measured ones is not the run.
  const sluice::CopyExactly r = sluice::copy_file_exactly(in, out, data.size() - 1, true);
  CHECK_FALSE(r.copied);
  CHECK(r.truncate_errno == 0);
  struct stat st {};
  REQUIRE(::fstat(out, &st) == 0);
  CHECK(st.st_size == 0);
  ::close(in);
  ::close(out);
}

TEST_CASE("copy_file_exactly copies the measured prefix when the page path stops there too") {
  Scratch s;
  const auto data = pattern(100000);
  write_file(s.file("in"), data);
  const int in = ::open(s.file("in").c_str(), O_RDONLY);
  const int out = ::open(s.file("out").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  // A mapped input ends at its mapped length whatever the file does later.
  const sluice::CopyExactly r = sluice::copy_file_exactly(in, out, 65536, false);
  CHECK(r.copied);
  ::close(in);
  ::close(out);
  CHECK(read_file(s.file("out")) == std::vector<unsigned char>(data.begin(), data.begin() + 65536));
}

TEST_CASE("copy_file_exactly refuses an input that ended early and empties the output") {
  Scratch s;
  const auto data = pattern(70000);
  write_file(s.file("in"), data);
  const int in = ::open(s.file("in").c_str(), O_RDONLY);
  const int out = ::open(s.file("out").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  const sluice::CopyExactly r = sluice::copy_file_exactly(in, out, 200000, true);
  CHECK_FALSE(r.copied);
  CHECK(r.truncate_errno == 0);
  struct stat st {};
  REQUIRE(::fstat(out, &st) == 0);
  CHECK(st.st_size == 0);
  ::close(in);
  ::close(out);
}

TEST_CASE("copy_file_exactly refuses a pipe as input") {
  Scratch s;
  int p[2];
  REQUIRE(::pipe(p) == 0);
  REQUIRE(::write(p[1], "abc", 3) == 3);
  const int out = ::open(s.file("out").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  const sluice::CopyExactly r = sluice::copy_file_exactly(p[0], out, 3, true);
  CHECK_FALSE(r.copied);
  CHECK(r.truncate_errno == 0);
  // Nothing was taken from the pipe: the page path still reads all of it.
  char buf[4] = {};
  CHECK(::read(p[0], buf, sizeof buf) == 3);
  ::close(p[0]);
  ::close(p[1]);
  ::close(out);
}

TEST_CASE("copy_file_exactly reports an output it could not empty") {
  Scratch s;
  const auto data = pattern(1000);
  write_file(s.file("in"), data);
  write_file(s.file("out"), data);
  const int in = ::open(s.file("in").c_str(), O_RDONLY);
  const int out = ::open(s.file("out").c_str(), O_RDONLY);  // neither copyable into nor truncatable
  const sluice::CopyExactly r = sluice::copy_file_exactly(in, out, data.size(), true);
  CHECK_FALSE(r.copied);
  CHECK(r.truncate_errno != 0);
  ::close(in);
  ::close(out);
}
