// A read-only view of bytes the host owns (or sluice lends for the duration of a call): a
// pointer and a length, never an owner. Part of the embedding API (<sluice/sluice.hpp>).
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::embed {

struct ByteView {
  const std::uint8_t* data = nullptr;
  std::uint32_t size = 0;  // sluice's items and sources are at most 4 GiB - 1 bytes

  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* d, std::uint32_t n) : data(d), size(n) {}
  // The bytes of `s` (which must stay alive as long as the view is used; at most 4 GiB - 1).
  static ByteView of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), static_cast<std::uint32_t>(s.size())};
  }

  [[nodiscard]] constexpr bool empty() const { return size == 0; }
  [[nodiscard]] constexpr const std::uint8_t* begin() const { return data; }
  [[nodiscard]] constexpr const std::uint8_t* end() const { return data + size; }
  [[nodiscard]] std::string_view as_chars() const { return {reinterpret_cast<const char*>(data), size}; }
};

}  // namespace sluice::embed
