#include "stdlib/json/key_order.hpp"

#include <algorithm>
#include <vector>

namespace sluice::json {

bool x07_duplicate_key_offset(std::span<const KeyRef> keys, std::uint32_t& offset) {
  const std::size_t count = keys.size();
  std::vector<std::uint32_t> idx(count);
  std::vector<std::uint32_t> tmp(count);
  for (std::size_t i = 0; i < count; ++i) idx[i] = static_cast<std::uint32_t>(i);
  for (std::size_t width = 1; width < count; width *= 2) {
    for (std::size_t i = 0; i < count; i += 2 * width) {
      const std::size_t m = std::min(i + width, count);
      const std::size_t r = std::min(i + 2 * width, count);
      std::size_t a = i;
      std::size_t b = m;
      std::size_t t = i;
      while (a < m && b < r) {
        // Strictly less takes from the left run; ties take from the right (X07's rule).
        if (compare_keys(keys[idx[a]], keys[idx[b]]) < 0) {
          tmp[t++] = idx[a++];
        } else {
          tmp[t++] = idx[b++];
        }
      }
      while (a < m) tmp[t++] = idx[a++];
      while (b < r) tmp[t++] = idx[b++];
    }
    idx.swap(tmp);
  }
  for (std::size_t i = 1; i < count; ++i) {
    if (compare_keys(keys[idx[i - 1]], keys[idx[i]]) == 0) {
      offset = keys[idx[i]].input_offset;
      return true;
    }
  }
  return false;
}

}  // namespace sluice::json
