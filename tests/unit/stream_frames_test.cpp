// Property tests of the public input stream (<sluice/stream.hpp>) through worked example (a),
// examples/embed/frame_reader.hpp: random message sizes, random device read sizes (a pipe fed by
// a writer thread in random pieces of 1 byte to 1 MiB, or a read callback returning random
// counts). Every message arrives intact, in order, and the stream copies exactly the bytes of
// the messages that cross a page end: pages hold fixed input ranges [k*P, (k+1)*P), so the
// expected count is computed from the message offsets alone.
#include <sluice/stream.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "examples/embed/frame_reader.hpp"

namespace {

namespace embed = sluice::embed;
using Bytes = std::vector<std::uint8_t>;

struct Framed {
  Bytes wire;                        // the framed input
  std::vector<Bytes> messages;       // the payloads, in order
  std::uint64_t spanning_bytes = 0;  // prefix + payload of every frame crossing a page end
};

// Messages of random sizes (some empty, some larger than a page), framed u32le.
Framed make_frames(std::mt19937& rng, std::size_t count, std::size_t max_len, std::size_t page) {
  Framed f;
  std::uniform_int_distribution<std::size_t> len_of(0, max_len);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t len = (rng() % 8 == 0) ? 0 : len_of(rng);
    Bytes m(len);
    for (auto& b : m) b = static_cast<std::uint8_t>(rng());
    const std::size_t off = f.wire.size();
    const std::size_t total = 4 + len;
    if (off / page != (off + total - 1) / page) f.spanning_bytes += total;
    for (int k = 0; k < 4; ++k) f.wire.push_back(static_cast<std::uint8_t>(len >> (8 * k)));
    f.wire.insert(f.wire.end(), m.begin(), m.end());
    f.messages.push_back(std::move(m));
  }
  return f;
}

struct Collected {
  std::vector<Bytes> messages;
  frames::Result result;
};

Collected read_all(embed::InputStream& in) {
  Collected c;
  c.result = frames::read_u32_frames(in, [&](embed::ByteView v) { c.messages.emplace_back(v.begin(), v.end()); });
  return c;
}

// Writes `bytes` to fd in random pieces of 1 byte to 1 MiB, then closes it.
void write_in_pieces(int fd, const Bytes& bytes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::size_t done = 0;
  while (done < bytes.size()) {
    // Mostly small pieces (where boundaries get interesting), sometimes up to 1 MiB.
    const std::size_t cap = (rng() % 4 == 0) ? (std::size_t{1} << 20) : 512;
    const std::size_t want = std::min(bytes.size() - done, std::size_t{1} + rng() % cap);
    const ssize_t r = ::write(fd, bytes.data() + done, want);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
}

// A read callback over memory that returns a random count (1..cap) each time.
struct RandomReader {
  const Bytes* bytes;
  std::size_t pos = 0;
  std::mt19937 rng;
  static std::ptrdiff_t read(void* self, std::uint8_t* buf, std::size_t cap) {
    auto* r = static_cast<RandomReader*>(self);
    const std::size_t left = r->bytes->size() - r->pos;
    if (left == 0) return 0;
    std::size_t n = std::min({cap, left, std::size_t{1} + r->rng() % (std::size_t{1} << 20)});
    if (r->rng() % 2 == 0) n = std::min(n, std::size_t{1} + r->rng() % 64);  // many tiny reads too
    std::memcpy(buf, r->bytes->data() + r->pos, n);
    r->pos += n;
    return static_cast<std::ptrdiff_t>(n);
  }
};

}  // namespace

TEST_CASE("stream_frames: a pipe written in random pieces delivers every message intact, copying only spanning ones") {
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    const std::size_t page = (seed % 3 == 0) ? 65536 : (seed % 3 == 1 ? 4096 : 1000);
    const Framed f = make_frames(rng, 300, page * 2, page);
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    std::thread writer(write_in_pieces, fds[1], std::cref(f.wire), seed * 7919);
    Collected c;
    {
      auto in = embed::InputStream::over_fd(fds[0], {page, page * 3}, embed::FdMode::kRead);
      c = read_all(in);
      CHECK(in.copied_bytes() == f.spanning_bytes);
      CHECK(in.consumed() == f.wire.size());
      CHECK(in.at_end());
    }
    writer.join();
    ::close(fds[0]);
    INFO("seed " << seed << " page " << page);
    CHECK(c.result.end == frames::End::kEnd);
    CHECK(!c.result.error);
    REQUIRE(c.messages.size() == f.messages.size());
    CHECK(c.messages == f.messages);
    CHECK(f.spanning_bytes > 0);  // the sizes above make spanning frames certain: the count is tested
  }
}

TEST_CASE("stream_frames: a read callback returning random counts gives the same messages and copies") {
  for (std::uint32_t seed = 100; seed < 116; ++seed) {
    std::mt19937 rng(seed);
    const std::size_t page = 512 + rng() % 70000;
    const Framed f = make_frames(rng, 200, page + page / 2, page);
    RandomReader reader{&f.wire, 0, std::mt19937(seed)};
    auto in = embed::InputStream::over_reader(&RandomReader::read, &reader, {page, page * 2});
    const Collected c = read_all(in);
    INFO("seed " << seed << " page " << page);
    CHECK(c.result.end == frames::End::kEnd);
    CHECK(c.messages == f.messages);
    CHECK(in.copied_bytes() == f.spanning_bytes);
  }
}

TEST_CASE("stream_frames: memory and mmap streams copy nothing") {
  std::mt19937 rng(5);
  const Framed f = make_frames(rng, 100, 3000, 1024);
  auto mem = embed::InputStream::over_memory({f.wire.data(), static_cast<std::uint32_t>(f.wire.size())});
  const Collected c = read_all(mem);
  CHECK(c.messages == f.messages);
  CHECK(mem.copied_bytes() == 0);

  char path[] = "/tmp/sluice-stream-frames-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, f.wire.data(), f.wire.size()) == static_cast<ssize_t>(f.wire.size()));
  {
    auto mapped = embed::InputStream::over_fd(fd, {}, embed::FdMode::kMmap);
    const Collected m = read_all(mapped);
    CHECK(m.messages == f.messages);
    CHECK(mapped.copied_bytes() == 0);
  }
  ::close(fd);
  ::unlink(path);
}

TEST_CASE("stream_frames: EOF inside a message is reported as truncated, after the whole messages before it") {
  std::mt19937 rng(9);
  const Framed f = make_frames(rng, 20, 3000, 1024);
  for (const std::size_t cut : {f.wire.size() - 1, f.wire.size() - f.messages.back().size() - 2}) {
    Bytes wire(f.wire.begin(), f.wire.begin() + static_cast<std::ptrdiff_t>(cut));
    RandomReader reader{&wire, 0, std::mt19937(1)};
    auto in = embed::InputStream::over_reader(&RandomReader::read, &reader, {1024, 4096});
    const Collected c = read_all(in);
    CHECK(c.result.end == frames::End::kTruncated);
    CHECK(!c.result.error);
    CHECK(c.messages.size() == f.messages.size() - 1);
    CHECK(std::equal(c.messages.begin(), c.messages.end(), f.messages.begin()));
  }
}

TEST_CASE("stream_frames: a device error mid-message is sticky and ends the read") {
  std::mt19937 rng(11);
  const Framed f = make_frames(rng, 50, 2000, 1024);
  // Serves the first `good` bytes, then fails with EIO, and would serve more if asked again.
  struct Failing {
    const Bytes* bytes;
    std::size_t good;
    std::size_t pos = 0;
    int calls_after_error = 0;
    static std::ptrdiff_t read(void* self, std::uint8_t* buf, std::size_t cap) {
      auto* s = static_cast<Failing*>(self);
      if (s->pos >= s->good) {
        ++s->calls_after_error;
        return -EIO;
      }
      const std::size_t n = std::min({cap, s->good - s->pos, std::size_t{100}});
      std::memcpy(buf, s->bytes->data() + s->pos, n);
      s->pos += n;
      return static_cast<std::ptrdiff_t>(n);
    }
  };
  Failing dev{&f.wire, f.wire.size() / 2};
  auto in = embed::InputStream::over_reader(&Failing::read, &dev, {1024, 4096});
  const Collected c = read_all(in);
  CHECK(c.result.end == frames::End::kError);
  CHECK(c.result.error.code == embed::StreamErrc::kDevice);
  CHECK(c.result.error.sys_errno == EIO);
  CHECK(dev.calls_after_error == 1);  // recorded once: later pulls never call the device again
  CHECK(!c.messages.empty());
  CHECK(std::equal(c.messages.begin(), c.messages.end(), f.messages.begin()));
  CHECK(in.pull(1).size == 0);
  CHECK(!in.readable(1));
  CHECK(dev.calls_after_error == 1);
  CHECK(in.error().code == embed::StreamErrc::kDevice);
}

TEST_CASE("stream_frames: a message larger than the largest page is a clear error, not an overflow") {
  Bytes wire = {0x00, 0x00, 0x01, 0x00};  // a 65,536-byte message, with max_pull 4096
  wire.resize(4 + 65536, 0xAB);
  RandomReader reader{&wire, 0, std::mt19937(3)};
  auto in = embed::InputStream::over_reader(&RandomReader::read, &reader, {1024, 4096});
  std::size_t delivered = 0;
  const frames::Result r = frames::read_u32_frames(in, [&](embed::ByteView) { ++delivered; });
  CHECK(r.end == frames::End::kError);
  CHECK(r.error.code == embed::StreamErrc::kTooLarge);
  CHECK(embed::stream_error_text(r.error.code) == "pull or reserve larger than the largest page");
  CHECK(delivered == 0);
  CHECK(in.max_pull() == 4096);
  CHECK(in.pull(4).size == 0);  // sticky
}
