// Tests of the public input stream (<sluice/stream.hpp>) with arbitrary pulls and advances
// against a model (the input bytes and a cursor): partial advances inside the carry, pulls of
// every size up to max_pull, random device chunking. Plus the cursor rules: peek never reads,
// advance past the pulled bytes is an error that moves nothing, a moved-from stream is ended.
#include <sluice/stream.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

namespace embed = sluice::embed;
using Bytes = std::vector<std::uint8_t>;

struct Chunked {
  const Bytes* bytes;
  std::size_t pos = 0;
  std::mt19937 rng;
  int calls = 0;
  static std::ptrdiff_t read(void* self, std::uint8_t* buf, std::size_t cap) {
    auto* c = static_cast<Chunked*>(self);
    ++c->calls;
    const std::size_t left = c->bytes->size() - c->pos;
    const std::size_t n = std::min({cap, left, std::size_t{1} + c->rng() % 3000});
    std::memcpy(buf, c->bytes->data() + c->pos, n);
    c->pos += n;
    return static_cast<std::ptrdiff_t>(n);
  }
};

}  // namespace

TEST_CASE("stream_input_api: random pulls and partial advances see exactly the input bytes, in order") {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    Bytes input(20000 + rng() % 50000);
    for (auto& b : input) b = static_cast<std::uint8_t>(rng());
    const std::size_t page = 64 + rng() % 5000;
    const std::size_t max_pull = page + rng() % (3 * page);
    Chunked dev{&input, 0, std::mt19937(seed + 1000)};
    auto in = embed::InputStream::over_reader(&Chunked::read, &dev, {page, max_pull});
    std::size_t cursor = 0;
    int steps = 0;
    while (cursor < input.size()) {
      REQUIRE(++steps < 1000000);
      const std::size_t n = rng() % (max_pull + 1);
      const embed::ByteView v = in.pull(n);
      const std::size_t left = input.size() - cursor;
      INFO("seed " << seed << " cursor " << cursor << " n " << n);
      REQUIRE(v.size >= std::min(n, left));
      REQUIRE(v.size <= left);
      REQUIRE(std::equal(v.begin(), v.end(), input.begin() + static_cast<std::ptrdiff_t>(cursor)));
      const std::size_t k = v.size == 0 ? 0 : rng() % (v.size + 1);
      in.advance(k);
      cursor += k;
      REQUIRE(in.consumed() == cursor);
    }
    CHECK(in.pull(1).size == 0);
    CHECK(in.at_end());
    CHECK(!in.error());
  }
}

TEST_CASE("stream_input_api: peek never reads, advance past the pulled bytes moves nothing and is sticky") {
  const Bytes input(100, 7);
  Chunked dev{&input, 0, std::mt19937(1)};
  auto in = embed::InputStream::over_reader(&Chunked::read, &dev, {16, 32});
  CHECK(in.peek().size == 0);
  CHECK(dev.calls == 0);
  const embed::ByteView v = in.pull(10);
  CHECK(v.size >= 10);
  CHECK(in.peek().size == v.size);
  in.advance(v.size + 1);
  CHECK(in.error().code == embed::StreamErrc::kPastEnd);
  CHECK(in.consumed() == 0);
  CHECK(in.pull(1).size == 0);
  CHECK(in.at_end());
}

TEST_CASE("stream_input_api: a moved-from stream answers as ended, the moved-to one carries on") {
  const Bytes input = {1, 2, 3, 4, 5};
  auto a = embed::InputStream::over_memory({input.data(), 5});
  a.advance(2);
  embed::InputStream b = std::move(a);
  CHECK(b.pull(3).size == 3);
  CHECK(b.consumed() == 2);
  CHECK(a.pull(1).size == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  CHECK(a.at_end());
  CHECK(!a.error());
}

TEST_CASE("stream_input_api: mmap of a pipe falls back to read(2), a bad descriptor is a device error") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  REQUIRE(::write(fds[1], "abc", 3) == 3);
  ::close(fds[1]);
  {
    auto in = embed::InputStream::over_fd(fds[0], {}, embed::FdMode::kMmap);
    CHECK(in.pull(3).as_chars() == "abc");
    in.advance(3);
    CHECK(in.pull(1).size == 0);
    CHECK(in.at_end());
    CHECK(!in.error());
  }
  ::close(fds[0]);
  auto bad = embed::InputStream::over_fd(-1, {});
  CHECK(bad.error().code == embed::StreamErrc::kDevice);
  CHECK(bad.error().sys_errno == EBADF);
  CHECK(bad.pull(1).size == 0);
}

TEST_CASE("stream_input_api: a read callback that claims more than it was offered is EOVERFLOW") {
  struct Liar {
    static std::ptrdiff_t read(void*, std::uint8_t*, std::size_t cap) { return static_cast<std::ptrdiff_t>(cap) + 1; }
  };
  auto in = embed::InputStream::over_reader(&Liar::read, nullptr, {64, 64});
  CHECK(in.pull(8).size == 0);
  CHECK(in.error().code == embed::StreamErrc::kDevice);
  CHECK(in.error().sys_errno == EOVERFLOW);
}
