// Tests for stdlib/json/byte_buffer: reserve-then-commit writes, growth keeping the contents,
// moves, truncation and release.
#include "stdlib/json/byte_buffer.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

TEST_CASE("byte_buffer: writes through ensure and commit survive growth and moves") {
  sluice::json::ByteBuffer b;
  CHECK(b.empty());
  std::string expect;
  for (int i = 0; i < 10000; ++i) {
    b.ensure(3);
    std::memcpy(b.tail(), "xyz", 3);
    b.commit(i % 3 + 1);
    expect.append("xyz", static_cast<std::size_t>(i % 3 + 1));
    b.push('.');
    expect.push_back('.');
  }
  b.append("end", 3);
  expect += "end";
  CHECK(b.capacity() >= b.size());
  sluice::json::ByteBuffer moved = std::move(b);
  CHECK(b.size() == 0);  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
  CHECK(std::string(reinterpret_cast<const char*>(moved.data()), moved.size()) == expect);
  moved.truncate(2);
  CHECK(std::string(reinterpret_cast<const char*>(moved.data()), moved.size()) == expect.substr(0, 2));
  moved.release();
  CHECK(moved.size() == 0);
  CHECK(moved.capacity() == 0);
}

// Past 1 MiB the buffer is its own mapping, grown by mremap and prefaulted ahead of the writes:
// the bytes must survive the switch from the heap, every remap, a move and a truncation.
TEST_CASE("byte_buffer: a document-sized buffer (mapped, remapped, prefaulted) keeps its bytes") {
  sluice::json::ByteBuffer b;
  const std::size_t total = (std::size_t{9} << 20) + 12345;  // past several doublings
  std::size_t written = 0;
  std::uint32_t x = 1;
  while (written < total) {
    const std::size_t n = std::min<std::size_t>(4093, total - written);
    b.ensure(n + 64);  // reserve more than is committed, as the canonicalizer does
    for (std::size_t i = 0; i < n; ++i) {
      x = x * 1664525u + 1013904223u;
      b.tail()[i] = static_cast<std::uint8_t>(x >> 24);
    }
    b.commit(n);
    written += n;
  }
  CHECK(b.size() == total);
  CHECK(b.capacity() >= total);
  sluice::json::ByteBuffer moved = std::move(b);
  x = 1;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < total; ++i) {
    x = x * 1664525u + 1013904223u;
    bad += moved.data()[i] != static_cast<std::uint8_t>(x >> 24);
  }
  CHECK(bad == 0);
  moved.truncate(10);
  moved.append("tail", 4);
  CHECK(moved.size() == 14);
  CHECK(std::memcmp(moved.data() + 10, "tail", 4) == 0);
  sluice::json::ByteBuffer assigned;
  assigned.append("small", 5);
  assigned = std::move(moved);  // frees the heap block, takes the mapping
  CHECK(assigned.size() == 14);
  assigned.release();
  CHECK(assigned.capacity() == 0);
  assigned.append("again", 5);  // usable after release
  CHECK(std::string(reinterpret_cast<const char*>(assigned.data()), assigned.size()) == "again");
}
