// Worked example (a) of the stream API (docs/stream_api.md): a host reads u32le length-prefixed
// messages from a pipe and hands each to a callback as a view; only a message that crosses a page
// end is copied. A writer thread feeds the pipe in uneven pieces, as a real producer would.
//
//   stream_frames [--count N] [--page BYTES]   self-fed pipe: messages of 0 .. 3 pages
//   producer | stream_frames --stdin            read fd 0 instead
//
// Prints what it saw and checks the copy rule: copied bytes == bytes of the frames that cross a
// page end, which a frame's offset (the stream's consumed() when it arrives) tells.
#include <sluice/stream.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "frame_reader.hpp"

namespace {

// Frames `count` messages of pseudo-random sizes (0 .. 3 pages) and writes them to `fd` in
// pieces of 1 .. 100,000 bytes, then closes it.
void produce(int fd, std::size_t count, std::size_t page) {
  std::uint32_t x = 12345;
  auto next = [&] { return x = x * 1664525u + 1013904223u; };
  std::vector<std::uint8_t> wire;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t len = next() % static_cast<std::uint32_t>(3 * page);
    for (int k = 0; k < 4; ++k) wire.push_back(static_cast<std::uint8_t>(len >> (8 * k)));
    for (std::uint32_t j = 0; j < len; ++j) wire.push_back(static_cast<std::uint8_t>(i + j));
  }
  std::size_t done = 0;
  while (done < wire.size()) {
    const std::size_t piece = std::min<std::size_t>(wire.size() - done, 1 + next() % 100000);
    const ssize_t r = ::write(fd, wire.data() + done, piece);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 2000;
  std::size_t page = 64 * 1024;
  bool from_stdin = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--stdin") from_stdin = true;
    else if (a == "--count" && i + 1 < argc) count = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--page" && i + 1 < argc) page = std::strtoull(argv[++i], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: stream_frames [--count N] [--page BYTES] [--stdin]\n");
      return 2;
    }
  }
  if (page < 16) page = 16;

  int fd = 0;
  std::thread producer;
  if (!from_stdin) {
    int fds[2];
    if (::pipe(fds) != 0) {
      std::perror("pipe");
      return 1;
    }
    producer = std::thread(produce, fds[1], count, page);
    fd = fds[0];
  }

  namespace embed = sluice::embed;
  // max_pull: the largest message (plus its prefix) this host accepts contiguously.
  auto in = embed::InputStream::over_fd(fd, {page, 4 * page}, embed::FdMode::kRead);
  std::uint64_t messages = 0, payload = 0, spanning = 0, checksum = 2166136261u;
  const frames::Result r = frames::read_u32_frames(in, [&](embed::ByteView msg) {
    // The callback owns nothing: it looks at the bytes while it runs (FNV-1a here).
    for (const std::uint8_t b : msg) checksum = (checksum ^ b) * 16777619u;
    const std::uint64_t off = in.consumed();  // the frame's offset: it has not been advanced over yet
    const std::uint64_t total = 4 + msg.size;
    if (off / page != (off + total - 1) / page) spanning += total;
    ++messages;
    payload += msg.size;
  });
  if (producer.joinable()) producer.join();
  if (!from_stdin) ::close(fd);

  std::printf("frames: messages=%llu payload=%llu consumed=%llu copied=%llu spanning=%llu checksum=%08llx\n",
              static_cast<unsigned long long>(messages), static_cast<unsigned long long>(payload),
              static_cast<unsigned long long>(in.consumed()), static_cast<unsigned long long>(in.copied_bytes()),
              static_cast<unsigned long long>(spanning), static_cast<unsigned long long>(checksum & 0xffffffffu));
  if (r.end == frames::End::kTruncated) {
    std::printf("frames: the input ended inside a message\n");
    return 1;
  }
  if (r.end == frames::End::kError) {
    std::printf("frames: stream error: %s (errno %d)\n", std::string(embed::stream_error_text(r.error.code)).c_str(),
                r.error.sys_errno);
    return 1;
  }
  if (in.copied_bytes() != spanning) {
    std::printf("frames: copy rule broken: copied %llu, spanning %llu\n",
                static_cast<unsigned long long>(in.copied_bytes()), static_cast<unsigned long long>(spanning));
    return 1;
  }
  std::printf("frames: copy rule holds\n");
  return 0;
}
