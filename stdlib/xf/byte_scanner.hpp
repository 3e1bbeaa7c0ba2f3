// Finds each occurrence of one byte value in a range, 64 bytes at a time: one compare and a
// 64-bit mask per block, then one count-trailing-zeros per hit. For 80-byte lines this is about
// twice as fast as one memchr call per line (bench/README.md, "Where the time goes").
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice {

class ByteScanner {
 public:
  ByteScanner(const std::uint8_t* begin, const std::uint8_t* end, std::uint8_t needle)
      : base_(begin), size_(static_cast<std::size_t>(end - begin)), needle_(needle) {
    if (size_ != 0) mask_ = mask_at(0);
  }

  // Calls on_hit(p) for each occurrence in order until it returns false; true when it went
  // through them all. The scanning state stays in registers (a hot loop's form of next()).
  template <class OnHit>
  bool each(OnHit&& on_hit) {
    std::uint64_t m = mask_;
    for (std::size_t block = block_;;) {
      while (m != 0) {
        const std::size_t pos = block + static_cast<std::size_t>(__builtin_ctzll(m));
        m &= m - 1;
        if (!on_hit(base_ + pos)) {
          block_ = block;
          mask_ = m;
          return false;
        }
      }
      block += kBlock;
      if (block >= size_) {
        block_ = block;
        mask_ = 0;
        return true;
      }
      m = mask_at(block);
    }
  }

  // The next occurrence after the previous one, or nullptr when there is none.
  const std::uint8_t* next() {
    while (mask_ == 0) {
      block_ += kBlock;
      if (block_ >= size_) return nullptr;
      mask_ = mask_at(block_);
    }
    const std::size_t pos = block_ + static_cast<std::size_t>(__builtin_ctzll(mask_));
    mask_ &= mask_ - 1;
    return base_ + pos;
  }

 private:
  static constexpr std::size_t kBlock = 64;

  // Bit k set iff base_[off + k] == needle_, for the bytes of the block that exist.
  [[nodiscard]] std::uint64_t mask_at(std::size_t off) const {
    const std::uint8_t* p = base_ + off;
    const std::size_t n = size_ - off;
    std::uint64_t m = 0;
#if defined(__SSE2__)
    if (n >= kBlock) {
      const __m128i v = _mm_set1_epi8(static_cast<char>(needle_));
      for (int k = 0; k < 4; ++k) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
        const auto bits = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, v)));
        m |= static_cast<std::uint64_t>(bits) << (16 * k);
      }
      return m;
    }
#endif
    const std::size_t limit = n < kBlock ? n : kBlock;
    for (std::size_t k = 0; k < limit; ++k) m |= static_cast<std::uint64_t>(p[k] == needle_) << k;
    return m;
  }

  const std::uint8_t* base_;
  std::size_t size_;
  std::uint8_t needle_;
  std::size_t block_ = 0;
  std::uint64_t mask_ = 0;
};

}  // namespace sluice
