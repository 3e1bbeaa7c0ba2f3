// How many times one byte value occurs in a range: the line count of a split whose downstream
// only counts (split_lines → null, the `wc -l` case). 32 bytes per step with AVX2 where the CPU
// has it (chosen once at run time; release builds are not compiled for the build machine's CPU),
// 16 with SSE2 otherwise: compare, subtract the all-ones match bytes from per-lane counters, and
// fold the counters with a sum of absolute differences before any lane can pass 255.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice {
namespace byte_count_detail {

inline std::size_t count_tail(const std::uint8_t* p, const std::uint8_t* end, std::uint8_t needle) {
  std::size_t n = 0;
  for (; p < end; ++p) n += *p == needle;
  return n;
}

#if defined(__x86_64__)
inline std::size_t count_sse2(const std::uint8_t* p, const std::uint8_t* end, std::uint8_t needle) {
  const __m128i v = _mm_set1_epi8(static_cast<char>(needle));
  std::size_t total = 0;
  while (end - p >= 16) {
    // At most 255 steps before the 8-bit lanes are folded.
    const std::size_t steps = std::min<std::size_t>(static_cast<std::size_t>(end - p) / 16, 255);
    __m128i acc = _mm_setzero_si128();
    for (std::size_t i = 0; i < steps; ++i, p += 16)
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), v));
    const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    total += static_cast<std::size_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<std::size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
  return total + count_tail(p, end, needle);
}

[[gnu::target("avx2")]] inline std::size_t count_avx2(const std::uint8_t* p, const std::uint8_t* end,
                                                       std::uint8_t needle) {
  const __m256i v = _mm256_set1_epi8(static_cast<char>(needle));
  std::size_t total = 0;
  while (end - p >= 32) {
    const std::size_t steps = std::min<std::size_t>(static_cast<std::size_t>(end - p) / 32, 255);
    __m256i acc = _mm256_setzero_si256();
    for (std::size_t i = 0; i < steps; ++i, p += 32)
      acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), v));
    const __m256i sums = _mm256_sad_epu8(acc, _mm256_setzero_si256());
    total += static_cast<std::size_t>(_mm256_extract_epi64(sums, 0)) +
             static_cast<std::size_t>(_mm256_extract_epi64(sums, 1)) +
             static_cast<std::size_t>(_mm256_extract_epi64(sums, 2)) +
             static_cast<std::size_t>(_mm256_extract_epi64(sums, 3));
  }
  return total + count_tail(p, end, needle);
}

inline bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace byte_count_detail

inline std::size_t count_byte(const std::uint8_t* p, const std::uint8_t* end, std::uint8_t needle) {
#if defined(__x86_64__)
  if (byte_count_detail::cpu_has_avx2()) return byte_count_detail::count_avx2(p, end, needle);
  return byte_count_detail::count_sse2(p, end, needle);
#else
  return byte_count_detail::count_tail(p, end, needle);
#endif
}

}  // namespace sluice
