// Tests of the C stream API (<sluice/stream.h>): the same streams through opaque handles and
// status codes; NULL handles and arguments are SLUICE_STREAM_USAGE, never a crash; advance past
// what was pulled is an error that leaves the cursor where it was.
#include <sluice/stream.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace {
std::string str(const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); }

struct Chars {
  const char* text;
  size_t pos = 0;
  static ptrdiff_t read(void* self, uint8_t* buf, size_t cap) {
    auto* c = static_cast<Chars*>(self);
    const size_t left = std::strlen(c->text) - c->pos;
    const size_t n = left < cap ? (left < 3 ? left : 3) : cap;  // three bytes at a time
    std::memcpy(buf, c->text + c->pos, n);
    c->pos += n;
    return static_cast<ptrdiff_t>(n);
  }
};

struct Sink {
  std::string got;
  static ptrdiff_t write(void* self, const sluice_io_part* parts, int count) {
    auto* s = static_cast<Sink*>(self);
    size_t n = 0;
    for (int i = 0; i < count; ++i) {
      s->got.append(reinterpret_cast<const char*>(parts[i].data), parts[i].size);
      n += parts[i].size;
    }
    return static_cast<ptrdiff_t>(n);
  }
};
}  // namespace

TEST_CASE("stream_c_api: memory input, pull, peek, advance, and advance past the pulled bytes") {
  const char* text = "hello, world";
  sluice_istream* in = nullptr;
  REQUIRE(sluice_istream_memory(reinterpret_cast<const uint8_t*>(text), 12, &in) == SLUICE_STREAM_OK);
  const uint8_t* p = nullptr;
  size_t n = 0;
  CHECK(sluice_istream_pull(in, 5, &p, &n) == SLUICE_STREAM_OK);
  CHECK(str(p, 5) == "hello");
  CHECK(sluice_istream_advance(in, 7) == SLUICE_STREAM_OK);
  sluice_istream_peek(in, &p, &n);
  CHECK(str(p, n) == "world");
  CHECK(sluice_istream_readable(in, 5) == 1);
  CHECK(sluice_istream_readable(in, 6) == 0);  // the input ends first: not an error
  CHECK(sluice_istream_error(in, nullptr) == SLUICE_STREAM_OK);
  CHECK(sluice_istream_advance(in, 6) == SLUICE_STREAM_PAST_END);
  CHECK(sluice_istream_consumed(in) == 7);
  CHECK(std::string(sluice_stream_status_text(SLUICE_STREAM_PAST_END)) == "advance past the bytes pulled");
  sluice_istream_free(in);
}

TEST_CASE("stream_c_api: a read callback and a pipe descriptor, with pulls that cross pages") {
  Chars chars{"0123456789abcdefghij"};
  sluice_istream_options o{8, 16};
  sluice_istream* in = nullptr;
  REQUIRE(sluice_istream_reader(&Chars::read, &chars, &o, &in) == SLUICE_STREAM_OK);
  const uint8_t* p = nullptr;
  size_t n = 0;
  CHECK(sluice_istream_pull(in, 6, &p, &n) == SLUICE_STREAM_OK);
  REQUIRE(n >= 6);
  CHECK(str(p, 6) == "012345");
  CHECK(sluice_istream_advance(in, 6) == SLUICE_STREAM_OK);
  CHECK(sluice_istream_pull(in, 12, &p, &n) == SLUICE_STREAM_OK);  // bytes 6..18 cross the page end at 8
  REQUIRE(n == 12);
  CHECK(str(p, 12) == "6789abcdefgh");
  CHECK(sluice_istream_copied_bytes(in) == 12);
  CHECK(sluice_istream_pull(in, 17, &p, &n) == SLUICE_STREAM_TOO_LARGE);
  CHECK(n == 0);
  sluice_istream_free(in);

  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  REQUIRE(::write(fds[1], "piped", 5) == 5);
  ::close(fds[1]);
  REQUIRE(sluice_istream_fd(fds[0], 1, nullptr, &in) == SLUICE_STREAM_OK);  // mmap falls back to read(2)
  CHECK(sluice_istream_pull(in, 5, &p, &n) == SLUICE_STREAM_OK);
  CHECK(str(p, n) == "piped");
  CHECK(sluice_istream_advance(in, 5) == SLUICE_STREAM_OK);
  CHECK(sluice_istream_pull(in, 1, &p, &n) == SLUICE_STREAM_OK);
  CHECK(n == 0);
  CHECK(sluice_istream_at_end(in) == 1);
  sluice_istream_free(in);
  ::close(fds[0]);

  REQUIRE(sluice_istream_fd(-1, 0, nullptr, &in) == SLUICE_STREAM_OK);
  int err = 0;
  CHECK(sluice_istream_error(in, &err) == SLUICE_STREAM_DEVICE);
  CHECK(err == EBADF);
  sluice_istream_free(in);
}

TEST_CASE("stream_c_api: delayed length prefixes through a write callback, and close with a hole open") {
  Sink sink;
  sluice_ostream* out = nullptr;
  REQUIRE(sluice_ostream_writer(&Sink::write, &sink, nullptr, &out) == SLUICE_STREAM_OK);
  sluice_hole h{};
  CHECK(sluice_ostream_reserve(out, 2, &h) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_write(out, "abc", 3) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_flush(out) == SLUICE_STREAM_OK);
  CHECK(sink.got.empty());  // held back behind the hole
  CHECK(sluice_ostream_fill(out, &h, "03", 2) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_reserve(out, 2, &h) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_write(out, "zz", 2) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_close(out) == SLUICE_STREAM_UNFILLED_HOLE);
  CHECK(sink.got == "03abc");
  CHECK(sluice_ostream_write(out, "x", 1) == SLUICE_STREAM_UNFILLED_HOLE);
  CHECK(sluice_ostream_bytes_written(out) == 5);
  sluice_ostream_free(out);

  REQUIRE(sluice_ostream_memory(nullptr, &out) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_reserve(out, 4, &h) == SLUICE_STREAM_OK);
  CHECK(sluice_ostream_fill(out, &h, "12345", 5) == SLUICE_STREAM_BAD_HOLE);
  size_t len = 1;
  (void)sluice_ostream_memory_bytes(out, &len);
  CHECK(len == 0);  // nothing was flushed: the bad fill stopped the stream
  sluice_ostream_free(out);
}

TEST_CASE("stream_c_api: NULL handles and arguments are usage errors") {
  sluice_istream* in = nullptr;
  sluice_ostream* out = nullptr;
  CHECK(sluice_istream_memory(nullptr, 3, &in) == SLUICE_STREAM_USAGE);
  CHECK(sluice_istream_memory(nullptr, 0, nullptr) == SLUICE_STREAM_USAGE);
  CHECK(sluice_istream_reader(nullptr, nullptr, nullptr, &in) == SLUICE_STREAM_USAGE);
  CHECK(sluice_istream_pull(nullptr, 1, nullptr, nullptr) == SLUICE_STREAM_USAGE);
  CHECK(sluice_istream_advance(nullptr, 1) == SLUICE_STREAM_USAGE);
  CHECK(sluice_istream_readable(nullptr, 1) == 0);
  CHECK(sluice_istream_at_end(nullptr) == 1);
  CHECK(sluice_ostream_writer(nullptr, nullptr, nullptr, &out) == SLUICE_STREAM_USAGE);
  CHECK(sluice_ostream_write(nullptr, "a", 1) == SLUICE_STREAM_USAGE);
  CHECK(sluice_ostream_reserve(nullptr, 4, nullptr) == SLUICE_STREAM_USAGE);
  CHECK(sluice_ostream_fill(nullptr, nullptr, nullptr, 0) == SLUICE_STREAM_USAGE);
  CHECK(sluice_ostream_close(nullptr) == SLUICE_STREAM_USAGE);
  CHECK(sluice_ostream_memory_bytes(nullptr, nullptr) == nullptr);
  CHECK(std::string(sluice_stream_status_text(static_cast<sluice_stream_status>(15))) == "unknown stream status");
  sluice_istream_free(nullptr);
  sluice_ostream_free(nullptr);
}
