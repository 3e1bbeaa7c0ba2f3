// Tests of the public output stream (<sluice/stream.hpp>): delayed length prefixes (holes),
// bytes after an open hole held back, close() with a hole never filled, bad fills, the writev
// callback (partial writes, errors, batching), auto-flush, and the fd device.
#include <sluice/stream.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdint>
#include <random>
#include <csignal>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

namespace embed = sluice::embed;
using Bytes = std::vector<std::uint8_t>;

embed::ByteView u32le(std::uint32_t v, std::uint8_t (&buf)[4]) {
  for (int k = 0; k < 4; ++k) buf[k] = static_cast<std::uint8_t>(v >> (8 * k));
  return {buf, 4};
}

std::string as_string(embed::ByteView v) { return std::string(v.as_chars()); }

// A writev-like callback that takes at most `limit` bytes per call and records the calls.
struct Recorder {
  std::string got;
  std::size_t limit = SIZE_MAX;
  int calls = 0;
  int max_parts = 0;
  int fail_after_bytes = -1;  // >= 0: fail with ENOSPC once this many bytes were taken
  static std::ptrdiff_t write(void* self, const embed::IoPart* parts, int count) {
    auto* r = static_cast<Recorder*>(self);
    ++r->calls;
    r->max_parts = std::max(r->max_parts, count);
    if (r->fail_after_bytes >= 0 && r->got.size() >= static_cast<std::size_t>(r->fail_after_bytes)) return -ENOSPC;
    std::size_t taken = 0;
    for (int i = 0; i < count && taken < r->limit; ++i) {
      const std::size_t n = std::min(parts[i].size, r->limit - taken);
      r->got.append(reinterpret_cast<const char*>(parts[i].data), n);
      taken += n;
    }
    return static_cast<std::ptrdiff_t>(taken);
  }
};

}  // namespace

TEST_CASE("stream_output_api: a length prefix filled after its record is written (delayed write)") {
  auto out = embed::OutputStream::over_memory({});
  std::uint8_t b[4];
  for (const std::string rec : {"alpha", "", "a longer record"}) {
    const embed::Hole h = out.reserve(4);
    CHECK(h.size == 4);
    out.write(rec);
    CHECK(out.fill(h, u32le(static_cast<std::uint32_t>(rec.size()), b)));
  }
  CHECK(out.close());
  CHECK(as_string(out.memory()) == std::string("\x05\0\0\0alpha\0\0\0\0\x0f\0\0\0a longer record", 32));
  CHECK(out.bytes_written() == 32);
}

TEST_CASE("stream_output_api: bytes after an unfilled hole are held back until it is filled") {
  Recorder rec;
  auto out = embed::OutputStream::over_writer(&Recorder::write, &rec, {});
  out.write("head|");
  const embed::Hole h = out.reserve(3);
  out.write("|tail");
  CHECK(out.flush());
  CHECK(rec.got == "head|");  // everything up to the hole, nothing after it
  CHECK(out.open_holes() == 1);
  CHECK(out.fill(h, embed::ByteView::of("mid")));
  CHECK(out.flush());
  CHECK(rec.got == "head|mid|tail");
  CHECK(out.close());
}

TEST_CASE("stream_output_api: close with a hole never filled is an error and writes nothing past it") {
  Recorder rec;
  auto out = embed::OutputStream::over_writer(&Recorder::write, &rec, {});
  out.write("kept");
  (void)out.reserve(4);
  out.write("never written");
  CHECK(!out.close());
  CHECK(out.error().code == embed::StreamErrc::kUnfilledHole);
  CHECK(rec.got == "kept");
  out.write("after close");
  CHECK(out.error().code == embed::StreamErrc::kUnfilledHole);  // the first error stays
  CHECK(rec.got == "kept");
}

TEST_CASE("stream_output_api: a fill of a filled, unknown or wrong-sized hole is an error, and a forged size cannot overflow") {
  SUBCASE("wrong size") {
    auto out = embed::OutputStream::over_memory({});
    const embed::Hole h = out.reserve(4);
    CHECK(!out.fill(h, embed::ByteView::of("123")));
    CHECK(out.error().code == embed::StreamErrc::kBadHole);
  }
  SUBCASE("twice") {
    auto out = embed::OutputStream::over_memory({});
    const embed::Hole h = out.reserve(4);
    CHECK(out.fill(h, embed::ByteView::of("1234")));
    CHECK(!out.fill(h, embed::ByteView::of("5678")));
    CHECK(out.error().code == embed::StreamErrc::kBadHole);
  }
  SUBCASE("unknown or forged") {
    auto out = embed::OutputStream::over_memory({});
    embed::Hole h = out.reserve(2);
    h.size = 4096;  // the host's copy lies about the size: the recorded size decides
    CHECK(!out.fill(h, embed::ByteView::of(std::string(4096, 'x'))));
    CHECK(out.error().code == embed::StreamErrc::kBadHole);
    auto other = embed::OutputStream::over_memory({});
    CHECK(!other.fill(embed::Hole{}, embed::ByteView{}));
    CHECK(other.error().code == embed::StreamErrc::kBadHole);
  }
}

TEST_CASE("stream_output_api: a hole larger than a page is refused") {
  auto out = embed::OutputStream::over_memory({1024, 0});
  const embed::Hole h = out.reserve(1025);
  CHECK(h.size == 0);
  CHECK(out.error().code == embed::StreamErrc::kTooLarge);
  CHECK(out.memory().size == 0);
}

TEST_CASE("stream_output_api: partial writes by the callback are resumed, batches are gathered (writev)") {
  Recorder rec;
  rec.limit = 7;
  std::mt19937 rng(4);
  std::string want;
  {
    auto out = embed::OutputStream::over_writer(&Recorder::write, &rec, {256, 0});
    for (int i = 0; i < 500; ++i) {
      std::string s(rng() % 300, static_cast<char>('a' + i % 26));
      out.write(s);
      want += s;
    }
    CHECK(out.flush());
    CHECK(out.device_writes() == 1);  // one flush, however many callback calls it took
    CHECK(out.close());
  }
  CHECK(rec.got == want);
  CHECK(rec.max_parts > 1);  // several pages handed over in one call
}

TEST_CASE("stream_output_api: a device error is sticky and reported once") {
  Recorder rec;
  rec.fail_after_bytes = 100;
  rec.limit = 50;  // the device takes 50 bytes per call, so the third call of one flush fails
  auto out = embed::OutputStream::over_writer(&Recorder::write, &rec, {64, 0});
  out.write(std::string(300, 'z'));
  CHECK(!out.flush());
  CHECK(out.error().code == embed::StreamErrc::kDevice);
  CHECK(out.error().sys_errno == ENOSPC);
  const int calls = rec.calls;
  out.write("more");
  CHECK(!out.flush());
  CHECK(!out.close());
  CHECK(rec.calls == calls);  // nothing reaches the device after the error
  CHECK(out.error().sys_errno == ENOSPC);
}

TEST_CASE("stream_output_api: a callback that takes nothing or claims too much is a device error, not a hang") {
  struct Bad {
    static std::ptrdiff_t zero(void*, const embed::IoPart*, int) { return 0; }
    static std::ptrdiff_t too_much(void*, const embed::IoPart*, int) { return 1 << 30; }
  };
  auto a = embed::OutputStream::over_writer(&Bad::zero, nullptr, {});
  a.write("x");
  CHECK(!a.flush());
  CHECK(a.error().sys_errno == EIO);
  auto b = embed::OutputStream::over_writer(&Bad::too_much, nullptr, {});
  b.write("x");
  CHECK(!b.flush());
  CHECK(b.error().sys_errno == EOVERFLOW);
}

TEST_CASE("stream_output_api: auto-flush at the threshold bounds the buffer") {
  Recorder rec;
  auto out = embed::OutputStream::over_writer(&Recorder::write, &rec, {1024, 4096});
  for (int i = 0; i < 100; ++i) {
    out.write(std::string(100, 'q'));
    CHECK(out.buffered() < 4096);
  }
  CHECK(out.close());
  CHECK(rec.got.size() == 10000);
}

TEST_CASE("stream_output_api: over a file descriptor, a pipe receives the bytes, a closed pipe is EPIPE") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  {
    auto out = embed::OutputStream::over_fd(fds[1], {});
    out.write("through the pipe");
    CHECK(out.close());
  }
  char buf[64] = {};
  CHECK(::read(fds[0], buf, sizeof buf) == 16);
  CHECK(std::string(buf) == "through the pipe");
  ::close(fds[0]);
  // SIGPIPE is ignored by the test runner's environment only if set; make sure it is here.
  struct sigaction old {};
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old);
  {
    auto out = embed::OutputStream::over_fd(fds[1], {});
    out.write("nobody reads");
    CHECK(!out.close());
    CHECK(out.error().code == embed::StreamErrc::kDevice);
    CHECK(out.error().sys_errno == EPIPE);
  }
  ::sigaction(SIGPIPE, &old, nullptr);
  ::close(fds[1]);
  auto bad = embed::OutputStream::over_fd(-1, {});
  CHECK(bad.error().sys_errno == EBADF);
}
