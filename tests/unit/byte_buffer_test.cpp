// Tests for stdlib/json/byte_buffer: reserve-then-commit writes, growth keeping the contents,
// moves, truncation and release.
#include "stdlib/json/byte_buffer.hpp"

#include <doctest/doctest.h>

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
