// Tests for stdlib/json/es_number: ECMAScript number text for every double of the conformance
// vectors (RFC 8785 Appendix B, the 54,445 golden vectors and the 100,000-row es6testfile).
#include "stdlib/json/es_number.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <fstream>
#include <string>

namespace {

std::string data_path(const std::string& rel) { return std::string(SLUICE_SOURCE_DIR) + "/tests/data/" + rel; }

double from_hex_bits(const std::string& hex) { return std::bit_cast<double>(std::stoull(hex, nullptr, 16)); }

std::string es(double v) {
  char buf[sluice::json::kEsNumberMaxChars];
  return std::string(buf, sluice::json::format_es_number(v, buf));
}

// Runs every `<hex>,<expected>[,comment]` row; returns how many were checked.
std::size_t check_vector_file(const std::string& rel, bool header) {
  std::ifstream in(data_path(rel));
  REQUIRE(in.good());
  std::string line;
  if (header) std::getline(in, line);
  std::size_t rows = 0;
  std::size_t failures = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::size_t c1 = line.find(',');
    const std::size_t c2 = line.find(',', c1 + 1);
    const std::string hex = line.substr(0, c1);
    const std::string expected = line.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
    if (expected == "ERROR") continue;  // NaN and Infinity: no JSON text (the parser refuses them)
    ++rows;
    const std::string got = es(from_hex_bits(hex));
    if (got != expected && ++failures <= 10) FAIL_CHECK(rel << ": " << hex << " printed " << got << ", want " << expected);
  }
  CHECK(failures == 0);
  return rows;
}

}  // namespace

TEST_CASE("es_number: RFC 8785 Appendix B") {
  CHECK(check_vector_file("jcs-rfc8785/appendix_b.csv", true) == 24);
}

TEST_CASE("es_number: all 154,445 ES6 conformance doubles") {
  const std::size_t golden = check_vector_file("es6-numbers/golden_vectors.csv", false);
  const std::size_t es6 = check_vector_file("es6-numbers/es6testfile_100k.txt", false);
  CHECK(golden == 54445);
  CHECK(es6 == 100000);
}

TEST_CASE("es_number: notation thresholds, signs and zero") {
  CHECK(es(0.0) == "0");
  CHECK(es(-0.0) == "0");
  CHECK(es(1.0) == "1");
  CHECK(es(-1.5) == "-1.5");
  CHECK(es(1e20) == "100000000000000000000");
  CHECK(es(1e21) == "1e+21");
  CHECK(es(123e18) == "123000000000000000000");
  CHECK(es(1234e18) == "1.234e+21");
  CHECK(es(1e-6) == "0.000001");
  CHECK(es(1.5e-6) == "0.0000015");
  CHECK(es(1e-7) == "1e-7");
  CHECK(es(-1.25e-7) == "-1.25e-7");
  CHECK(es(0.1) == "0.1");
  CHECK(es(0.1 + 0.2) == "0.30000000000000004");
  CHECK(es(5e-324) == "5e-324");
  CHECK(es(1.7976931348623157e308) == "1.7976931348623157e+308");
}

TEST_CASE("es_number: printing from decimal digits") {
  char buf[sluice::json::kEsNumberMaxChars];
  const auto text = [&](bool neg, const char* d, int point) {
    return std::string(buf, sluice::json::format_es_digits(neg, d, std::char_traits<char>::length(d), point, buf));
  };
  CHECK(text(false, "125", 1) == "1.25");
  CHECK(text(false, "125", 3) == "125");
  CHECK(text(false, "125", 5) == "12500");
  CHECK(text(true, "125", 0) == "-0.125");
  CHECK(text(false, "125", -5) == "0.00000125");
  CHECK(text(false, "125", -6) == "1.25e-7");
  CHECK(text(false, "1", 21) == "100000000000000000000");
  CHECK(text(false, "1", 22) == "1e+21");
  CHECK(text(true, "12345678901234567", 21) == "-123456789012345670000");
}
