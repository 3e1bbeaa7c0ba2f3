// Number serialization of RFC 8785 §3.2.2.3: ECMAScript's Number.prototype.toString for a finite
// double. Shortest round-trip digits; plain notation while the decimal point position n
// (value = 0.d1…dk × 10^n) satisfies −6 < n ≤ 21, else d[.ddd]e±N; −0 prints as 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::json {

// The longest text either function writes: "-0.00000" followed by 17 digits is 25 bytes, and
// "-1.2345678901234567e-308" is 24.
inline constexpr std::size_t kEsNumberMaxChars = 32;

// Writes the ECMAScript text of `v` (finite) to `out` (kEsNumberMaxChars bytes), returns its length.
std::size_t format_es_number(double v, char* out);

// Writes the ECMAScript text of ±0.d1…dk × 10^point from its significant digits (`k` ≥ 1 ASCII
// digits, no leading or trailing zero, k ≤ 17). Callers that already hold the shortest digits
// (a short decimal literal, or std::to_chars output) use it to skip a binary round trip.
std::size_t format_es_digits(bool negative, const char* digits, std::size_t k, int point, char* out);

}  // namespace sluice::json
