// Byte views: the borrowed, non-owning item representation every stage passes along,
// and the little-endian integer helpers the doc and frame formats are written in.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sluice {

// A contiguous borrowed byte range. Valid until the stage that received it returns
// (the borrowed-view rule); a stage that must keep bytes longer copies them explicitly.
struct ByteView {
  const std::uint8_t* data = nullptr;
  std::uint32_t size = 0;

  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* d, std::uint32_t n) : data(d), size(n) {}
  static ByteView of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), static_cast<std::uint32_t>(s.size())};
  }

  [[nodiscard]] constexpr bool empty() const { return size == 0; }
  [[nodiscard]] constexpr const std::uint8_t* begin() const { return data; }
  [[nodiscard]] constexpr const std::uint8_t* end() const { return data + size; }
  // Slicing is the one named verb for narrowing a view; it never copies.
  [[nodiscard]] constexpr ByteView slice(std::uint32_t off, std::uint32_t len) const {
    return {data + off, len};
  }
  [[nodiscard]] constexpr ByteView drop_front(std::uint32_t n) const { return {data + n, size - n}; }
  [[nodiscard]] std::string_view as_chars() const {
    return {reinterpret_cast<const char*>(data), size};
  }
};

inline std::uint32_t load_u32le(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

inline void store_u32le(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v >> 16);
  p[3] = static_cast<std::uint8_t>(v >> 24);
}

}  // namespace sluice
