#include "stdlib/json/es_number.hpp"

#include <charconv>
#include <cstring>

namespace sluice::json {

std::size_t format_es_digits(bool negative, const char* digits, std::size_t k, int point, char* out) {
  char* p = out;
  if (negative) *p++ = '-';
  const int kk = static_cast<int>(k);
  if (kk <= point && point <= 21) {
    // Integer: the digits, then point − k zeros.
    std::memcpy(p, digits, k);
    p += k;
    for (int i = kk; i < point; ++i) *p++ = '0';
  } else if (0 < point && point <= 21) {
    const auto whole = static_cast<std::size_t>(point);
    std::memcpy(p, digits, whole);
    p += whole;
    *p++ = '.';
    std::memcpy(p, digits + whole, k - whole);
    p += k - whole;
  } else if (-6 < point && point <= 0) {
    *p++ = '0';
    *p++ = '.';
    for (int i = point; i < 0; ++i) *p++ = '0';
    std::memcpy(p, digits, k);
    p += k;
  } else {
    *p++ = digits[0];
    if (k > 1) {
      *p++ = '.';
      std::memcpy(p, digits + 1, k - 1);
      p += k - 1;
    }
    *p++ = 'e';
    int e = point - 1;
    if (e < 0) {
      *p++ = '-';
      e = -e;
    } else {
      *p++ = '+';
    }
    char tmp[8];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + e % 10);
      e /= 10;
    } while (e != 0);
    while (n != 0) *p++ = tmp[--n];
  }
  return static_cast<std::size_t>(p - out);
}

std::size_t format_es_number(double v, char* out) {
  if (v == 0) {  // +0 and −0
    out[0] = '0';
    return 1;
  }
  // libstdc++'s to_chars without a precision gives the shortest digits that round-trip, and among
  // equally short candidates the one closest to v, which is what ECMAScript asks for.
  char sci[kEsNumberMaxChars];
  const auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const char* p = sci;
  const bool negative = *p == '-';
  if (negative) ++p;
  char digits[20];
  std::size_t k = 0;
  for (; *p != 'e'; ++p)
    if (*p != '.') digits[k++] = *p;
  ++p;  // 'e'
  const bool exp_negative = *p == '-';
  ++p;  // sign
  int e = 0;
  for (; p != r.ptr; ++p) e = e * 10 + (*p - '0');
  if (exp_negative) e = -e;
  return format_es_digits(negative, digits, k, e + 1, out);
}

}  // namespace sluice::json
