// Tests for stdlib/src/shard_range: shard cuts aligned to lines (Hadoop's rule) and to u32le
// frames tile the file in order, each shard starting at an item boundary, for every N up to 9 and
// files made for the edges; and InputStream::over_fd_range reads exactly the range.
#include "stdlib/src/shard_range.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "runtime/input_stream.hpp"
#include "runtime/page_pool.hpp"

namespace {

using sluice::ShardAlign;

struct TempFile {
  std::string path;
  int fd = -1;
  explicit TempFile(const std::string& bytes) {
    char tmpl[] = "/tmp/sluice-shard-XXXXXX";
    fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    path = tmpl;
    REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  ~TempFile() {
    ::close(fd);
    ::unlink(path.c_str());
  }
};

// The item starts an independent reading finds: lines start at 0 and after each '\n' (not at the
// end); frames start at 0 and after each whole frame; a truncated tail is one piece.
std::vector<std::uint64_t> item_starts(const std::string& b, ShardAlign a) {
  std::vector<std::uint64_t> starts;
  if (b.empty()) return starts;
  if (a == ShardAlign::kLines) {
    starts.push_back(0);
    for (std::size_t i = 0; i + 1 < b.size(); ++i)
      if (b[i] == '\n') starts.push_back(i + 1);
    return starts;
  }
  std::uint64_t off = 0;
  while (off < b.size()) {
    starts.push_back(off);
    if (b.size() - off < 4) break;
    const auto* p = reinterpret_cast<const unsigned char*>(b.data() + off);
    const std::uint64_t len = p[0] | p[1] << 8 | p[2] << 16 | std::uint64_t{p[3]} << 24;
    if (len > b.size() - off - 4) break;
    off += 4 + len;
  }
  return starts;
}

std::string frame(const std::string& payload) {
  const std::uint32_t n = static_cast<std::uint32_t>(payload.size());
  return std::string{static_cast<char>(n & 0xff), static_cast<char>(n >> 8 & 0xff), static_cast<char>(n >> 16 & 0xff),
                     static_cast<char>(n >> 24)} + payload;
}

void check_tiling(const std::string& bytes, ShardAlign align) {
  TempFile f(bytes);
  const std::vector<std::uint64_t> starts = item_starts(bytes, align);
  for (std::uint32_t n = 1; n <= 9; ++n) {
    std::uint64_t expect_begin = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const sluice::ShardRange r = sluice::shard_range(f.fd, bytes.size(), align, '\n', sluice::ShardSpec{i, n});
      REQUIRE(r.err_no == 0);
      CAPTURE(n);
      CAPTURE(i);
      CHECK(r.begin == expect_begin);  // contiguous, in order, from 0
      CHECK(r.end >= r.begin);
      // Each item belongs to the shard whose nominal range holds its first byte.
      const std::uint64_t lo = bytes.size() * i / n, hi = bytes.size() * (i + 1) / n;
      for (const std::uint64_t s : starts) {
        const bool in_range = s >= r.begin && s < r.end;
        CHECK(in_range == (s >= lo && s < hi));
      }
      expect_begin = r.end;
    }
    CHECK(expect_begin == bytes.size());
  }
}

}  // namespace

TEST_CASE("shard_range: lines, Hadoop's rule, for N = 1..9") {
  std::mt19937 rng(18);
  std::string random;
  for (int i = 0; i < 500; ++i) random += "ab\n"[rng() % 3];
  for (const std::string& b : {std::string(), std::string("x"), std::string("\n"), std::string("\n\n\n\n"),
                               std::string("abc\ndef"), std::string(40, 'L') + "\n" + "s\n" + std::string(30, 'M'), random})
    check_tiling(b, ShardAlign::kLines);
}

TEST_CASE("shard_range: frames found by hopping headers, truncated tails one piece") {
  std::mt19937 rng(7);
  std::string small;
  for (int i = 0; i < 60; ++i) small += frame(std::string(rng() % 9, 'p'));
  for (const std::string& b : {std::string(), small, frame("") + frame(std::string(200, 'B')) + frame("z"),
                               small.substr(0, 100) + std::string("\x20\0\0\0short", 9), frame("abc") + std::string("\x07", 1)})
    check_tiling(b, ShardAlign::kFrames);
}

TEST_CASE("shard_range: InputStream::over_fd_range reads exactly the range, in both read modes") {
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes += static_cast<char>('a' + i % 26);
  TempFile f(bytes);
  sluice::PagePool pool(64);
  for (const auto mode : {sluice::ReadMode::kRead, sluice::ReadMode::kMmap}) {
    for (const auto [b, e] : {std::pair<std::uint64_t, std::uint64_t>{0, 0}, {5, 5}, {0, 3000}, {17, 2999}, {1000, 1001}}) {
      auto s = sluice::InputStream::over_fd_range(::dup(f.fd), pool, 16, mode, b, e);
      std::string got;
      for (;;) {
        const sluice::ByteView v = s.pull(16);
        if (v.size == 0) break;
        const std::size_t n = v.size < 16 ? v.size : 16;
        got.append(reinterpret_cast<const char*>(v.data), n);
        s.advance(n);
      }
      CHECK(got == bytes.substr(b, e - b));
      // A slice is never handed to copy offload, which would copy from the file's start.
      CHECK(s.unread_fd() == -1);
    }
  }
}
