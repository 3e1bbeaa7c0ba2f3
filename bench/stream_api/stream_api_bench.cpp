// The stream API bench row (issue 19; bench/stream_api/run drives it): example (a)'s frame reader
// (examples/embed/frame_reader.hpp) against the two loops a host would otherwise write, on the
// same bytes through a pipe: a writer thread pushes COUNT u32le-framed messages of SIZE bytes.
//
//   stream_api_bench api PAGE      sluice InputStream over the pipe, PAGE-byte pages, views
//   stream_api_bench istream       std::istream::read of the prefix, then of the message into a
//                                  new std::vector per message (the loop a C++ user writes)
//   stream_api_bench drain         read(2) of 1 MiB at a time, no framing: the pipe's floor
//   stream_api_bench read          read(2) exactly 4 bytes, then exactly the message into one
//                                  reused buffer (copies every message, no allocation)
// Options after the mode: --count N (34,722: 1 GB of frames), --size N (28,796), --pipe-bytes N
// (F_SETPIPE_SZ; default: the system's 64 KiB).
//
// Each mode hands every message to the same callback (a cheap fold over its length and edge
// bytes, so the loop, not the callback, is timed) and prints one line:
//   mode=... messages=... bytes=... seconds=... cpu=... mb_s=... copied=... spanning=... fold=...
// `fold` must agree across modes (the run script checks it).
#include <sluice/stream.hpp>

#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "frame_reader.hpp"

namespace {

struct Fold {
  std::uint64_t messages = 0, value = 0;
  void operator()(const std::uint8_t* p, std::size_t n) {
    ++messages;
    value = value * 31 + n + (n ? p[0] + 7u * p[n - 1] : 0u);
  }
};

// 64 distinct frames, cycled: the writer never allocates per message and the data varies.
std::vector<std::uint8_t> make_cycle(std::size_t size) {
  std::vector<std::uint8_t> cycle;
  std::uint32_t x = 1;
  for (int f = 0; f < 64; ++f) {
    for (int k = 0; k < 4; ++k) cycle.push_back(static_cast<std::uint8_t>(size >> (8 * k)));
    for (std::size_t i = 0; i < size; ++i) {
      x = x * 1664525u + 1013904223u;
      cycle.push_back(static_cast<std::uint8_t>(x >> 24));
    }
  }
  return cycle;
}

void produce(int fd, const std::vector<std::uint8_t>& cycle, std::size_t frame, std::size_t count) {
  const std::size_t frames_per_cycle = cycle.size() / frame;
  std::size_t left = count;
  while (left > 0) {
    const std::size_t n = std::min(left, frames_per_cycle);
    std::size_t done = 0;
    while (done < n * frame) {
      const ssize_t r = ::write(fd, cycle.data() + done, n * frame - done);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        std::perror("write");
        std::exit(1);
      }
      done += static_cast<std::size_t>(r);
    }
    left -= n;
  }
  ::close(fd);
}

bool read_exact(int fd, std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: stream_api_bench api PAGE | istream | read [--count N] [--size N]\n");
    return 2;
  }
  const std::string mode = argv[1];
  int i = 2;
  std::size_t page = 64 * 1024;
  if (mode == "api") {
    if (argc < 3) return 2;
    page = std::strtoull(argv[2], nullptr, 10);
    i = 3;
  }
  std::size_t count = 34722, size = 28796, pipe_bytes = 0;
  for (; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--count") count = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--size") size = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--pipe-bytes") pipe_bytes = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const std::size_t frame = 4 + size;
  const std::vector<std::uint8_t> cycle = make_cycle(size);

  int fds[2];
  if (::pipe(fds) != 0) return 1;
  // A larger pipe buffer (the host's choice, the same for every mode) means fewer wake-ups of the
  // reader and larger reads.
  if (pipe_bytes != 0 && ::fcntl(fds[0], F_SETPIPE_SZ, static_cast<int>(pipe_bytes)) < 0) std::perror("F_SETPIPE_SZ");
  const auto t0 = std::chrono::steady_clock::now();
  std::thread writer(produce, fds[1], std::cref(cycle), frame, count);
  Fold fold;
  std::uint64_t copied = 0, spanning = 0;
  bool ok = true;
  if (mode == "api") {
    namespace embed = sluice::embed;
    auto in = embed::InputStream::over_fd(fds[0], {page, std::max(page, frame)}, embed::FdMode::kRead);
    const frames::Result r = frames::read_u32_frames(in, [&](embed::ByteView v) {
      const std::uint64_t off = in.consumed();
      if (off / page != (off + frame - 1) / page) spanning += frame;
      fold(v.data, v.size);
    });
    ok = r.end == frames::End::kEnd;
    copied = in.copied_bytes();
  } else if (mode == "istream") {
    std::ifstream in("/proc/self/fd/" + std::to_string(fds[0]), std::ios::binary);
    std::uint8_t head[4];
    while (in.read(reinterpret_cast<char*>(head), 4)) {
      const std::uint32_t len = head[0] | (head[1] << 8) | (head[2] << 16) | (static_cast<std::uint32_t>(head[3]) << 24);
      std::vector<std::uint8_t> msg(len);
      if (!in.read(reinterpret_cast<char*>(msg.data()), len)) {
        ok = false;
        break;
      }
      copied += len;
      fold(msg.data(), msg.size());
    }
  } else if (mode == "drain") {
    // The floor: the pipe's bytes read into one 1 MiB buffer, no framing, no callback.
    std::vector<std::uint8_t> buf(1 << 20);
    for (;;) {
      const ssize_t r = ::read(fds[0], buf.data(), buf.size());
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
    }
    fold.messages = count;
  } else if (mode == "read") {
    std::vector<std::uint8_t> buf(1 << 20);
    std::uint8_t head[4];
    while (read_exact(fds[0], head, 4)) {
      const std::uint32_t len = head[0] | (head[1] << 8) | (head[2] << 16) | (static_cast<std::uint32_t>(head[3]) << 24);
      if (len > buf.size() || !read_exact(fds[0], buf.data(), len)) {
        ok = false;
        break;
      }
      copied += len;
      fold(buf.data(), len);
    }
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  writer.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(fds[0]);
  // CPU time of both threads (the writer's share is the same in every mode): less disturbed by
  // other load on the machine than wall time.
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                     static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  const double bytes = static_cast<double>(count) * static_cast<double>(frame);
  std::printf("mode=%s page=%zu messages=%llu bytes=%.0f seconds=%.3f cpu=%.3f mb_s=%.0f copied=%llu spanning=%llu fold=%016llx\n",
              mode.c_str(), mode == "api" ? page : 0, static_cast<unsigned long long>(fold.messages), bytes, secs, cpu,
              bytes / secs / 1e6, static_cast<unsigned long long>(copied), static_cast<unsigned long long>(spanning),
              static_cast<unsigned long long>(fold.value));
  return ok && fold.messages == count ? 0 : 1;
}
