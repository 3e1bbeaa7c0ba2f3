// Tests for stdlib/json/json_canon: RFC 8785 output byte for byte on the conformance suites
// (RFC 8785 examples, cyberphone's reference data, JSONTestSuite, the ES6 number vectors through
// the parser), X07's error codes and offsets (spec §13), the limits at and one past their values,
// and nesting far deeper than any call stack would survive.
#include "stdlib/json/json_canon.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using sluice::ByteView;
using sluice::json::ByteBuffer;
using sluice::json::JsonCanonicalizer;
using sluice::json::JsonCanonLimits;
using sluice::json::JsonCode;
using sluice::json::JsonError;

std::string data_path(const std::string& rel) { return std::string(SLUICE_SOURCE_DIR) + "/tests/data/" + rel; }

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct Canon {
  JsonError error;
  std::string out;
};

Canon canon(const std::string& doc, const JsonCanonLimits& limits = {}) {
  static JsonCanonicalizer c;  // reused, as the stage does, so stale scratch would show
  ByteBuffer out;
  Canon r;
  r.error = c.canonicalize(ByteView::of(doc), limits, out);
  if (r.error.ok()) r.out.assign(reinterpret_cast<const char*>(out.data()), out.size());
  return r;
}

JsonCanonLimits depth(std::uint32_t d) {
  JsonCanonLimits l;
  l.max_depth = d;
  return l;
}

// An error, as "<code>@<offset>", or "OK:<output>".
std::string outcome(const std::string& doc, const JsonCanonLimits& limits = {}) {
  const Canon r = canon(doc, limits);
  if (r.error.ok()) return "OK:" + r.out;
  return std::to_string(static_cast<int>(r.error.code)) + "@" + std::to_string(r.error.offset);
}

void check_pairs(const std::string& suite) {
  const std::string in_dir = data_path(suite + "/input");
  std::size_t n = 0;
  for (const std::string& name : files_in(in_dir)) {
    CAPTURE(name);
    const Canon r = canon(slurp(in_dir + "/" + name));
    CHECK(r.error.ok());
    CHECK(r.out == slurp(data_path(suite + "/output/" + name)));
    ++n;
  }
  CHECK(n > 0);
}

}  // namespace

TEST_CASE("json_canon: RFC 8785 examples, byte for byte") { check_pairs("jcs-rfc8785"); }

TEST_CASE("json_canon: cyberphone reference data, byte for byte") {
  check_pairs("jcs-cyberphone");
  // outhex/ holds the same expected bytes as hex.
  for (const std::string& name : files_in(data_path("jcs-cyberphone/outhex"))) {
    std::string hex = slurp(data_path("jcs-cyberphone/outhex/" + name));
    hex.erase(std::remove_if(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) == 0; }),
              hex.end());
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    const std::string json_name = name.substr(0, name.size() - 4) + ".json";
    CAPTURE(json_name);
    CHECK(canon(slurp(data_path("jcs-cyberphone/input/" + json_name))).out == bytes);
  }
}

TEST_CASE("json_canon: the ES6 number vectors through the parser") {
  // Each expected text is canonical, and the 17-significant-digit spelling of each double (the
  // from_chars + to_chars path) canonicalizes to it.
  std::size_t rows = 0;
  std::size_t failures = 0;
  for (const char* file : {"es6-numbers/golden_vectors.csv", "es6-numbers/es6testfile_100k.txt"}) {
    std::ifstream in(data_path(file));
    std::string line;
    while (std::getline(in, line)) {
      const std::size_t comma = line.find(',');
      const std::string expected = line.substr(comma + 1);
      const double v = std::bit_cast<double>(std::stoull(line.substr(0, comma), nullptr, 16));
      char buf[40];
      const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 16);
      const std::string long_text(buf, r.ptr);
      const std::string a = outcome(expected);
      const std::string b = outcome(long_text);
      if ((a != "OK:" + expected || b != "OK:" + expected) && ++failures <= 10)
        FAIL_CHECK(line << ": " << expected << " -> " << a << "; " << long_text << " -> " << b);
      ++rows;
    }
  }
  CHECK(rows == 154445);
  CHECK(failures == 0);
}

TEST_CASE("json_canon: JSONTestSuite y_ files are accepted, or 21 where I-JSON forbids them") {
  // The y_ files that I-JSON (RFC 7493) rejects: duplicate member names and non-characters.
  const std::set<std::string> not_ijson{
      "y_object_duplicated_key.json",           "y_object_duplicated_key_and_value.json",
      "y_string_escaped_noncharacter.json",     "y_string_last_surrogates_1_and_2.json",
      "y_string_nonCharacterInUTF-8_U+10FFFF.json", "y_string_nonCharacterInUTF-8_U+FFFF.json",
      "y_string_unicode_U+10FFFE_nonchar.json", "y_string_unicode_U+1FFFE_nonchar.json",
      "y_string_unicode_U+FDD0_nonchar.json",   "y_string_unicode_U+FFFE_nonchar.json",
  };
  const std::string dir = data_path("json-test-suite/test_parsing");
  std::size_t n = 0;
  for (const std::string& name : files_in(dir)) {
    if (name.rfind("y_", 0) != 0) continue;
    CAPTURE(name);
    const std::string doc = slurp(dir + "/" + name);
    const Canon r = canon(doc);
    if (not_ijson.count(name) != 0) {
      CHECK(r.error.code == JsonCode::kNotIJson);
    } else {
      REQUIRE(r.error.ok());
      // Canonical output is a fixed point.
      CHECK(canon(r.out).out == r.out);
    }
    ++n;
  }
  CHECK(n == 95);
}

TEST_CASE("json_canon: JSONTestSuite n_ files are rejected with 20, 21 or 24") {
  const std::string dir = data_path("json-test-suite/test_parsing");
  std::size_t n = 0;
  for (const std::string& name : files_in(dir)) {
    if (name.rfind("n_", 0) != 0) continue;
    CAPTURE(name);
    // A depth limit above the deepest file: the syntax error must be found, not the depth.
    const Canon r = canon(slurp(dir + "/" + name), depth(1000000));
    const bool rejected = r.error.code == JsonCode::kSyntax || r.error.code == JsonCode::kNotIJson ||
                          r.error.code == JsonCode::kTrailingData;
    CHECK(rejected);
    ++n;
  }
  CHECK(n == 188);
}

TEST_CASE("json_canon: JSONTestSuite i_ files, each decided (docs/json_canon.md)") {
  const std::map<std::string, std::string> decided{
      // Numbers: a value that overflows a double is ±inf, which I-JSON forbids (21); one that
      // underflows is 0; a huge integer is its nearest double.
      {"i_number_double_huge_neg_exp.json", "OK:[0]"},
      {"i_number_huge_exp.json", "21@1"},
      {"i_number_neg_int_huge_exp.json", "21@1"},
      {"i_number_pos_double_huge_exp.json", "21@1"},
      {"i_number_real_neg_overflow.json", "21@1"},
      {"i_number_real_pos_overflow.json", "21@1"},
      {"i_number_real_underflow.json", "OK:[0]"},
      {"i_number_too_big_neg_int.json", "OK:[-1.2312312312312312e+29]"},
      {"i_number_too_big_pos_int.json", "OK:[100000000000000000000]"},
      {"i_number_very_big_negative_int.json", "OK:[-2.374623746732769e+47]"},
      // Lone, reversed or cut surrogate escapes and invalid UTF-8: 21 at the escape or byte.
      {"i_object_key_lone_2nd_surrogate.json", "21@2"},
      {"i_string_1st_surrogate_but_2nd_missing.json", "21@2"},
      {"i_string_1st_valid_surrogate_2nd_invalid.json", "21@2"},
      {"i_string_UTF-8_invalid_sequence.json", "21@7"},
      {"i_string_UTF8_surrogate_U+D800.json", "21@2"},
      {"i_string_incomplete_surrogate_and_escape_valid.json", "21@2"},
      {"i_string_incomplete_surrogate_pair.json", "21@2"},
      {"i_string_incomplete_surrogates_escape_valid.json", "21@2"},
      {"i_string_invalid_lonely_surrogate.json", "21@2"},
      {"i_string_invalid_surrogate.json", "21@2"},
      {"i_string_invalid_utf-8.json", "21@2"},
      {"i_string_inverted_surrogates_U+1D11E.json", "21@2"},
      {"i_string_iso_latin_1.json", "21@2"},
      {"i_string_lone_second_surrogate.json", "21@2"},
      {"i_string_lone_utf8_continuation_byte.json", "21@2"},
      {"i_string_not_in_unicode_range.json", "21@2"},
      {"i_string_overlong_sequence_2_bytes.json", "21@2"},
      {"i_string_overlong_sequence_6_bytes.json", "21@2"},
      {"i_string_overlong_sequence_6_bytes_null.json", "21@2"},
      {"i_string_truncated-utf-8.json", "21@2"},
      // Not UTF-8 text at all (UTF-16, a BOM): the first byte that is not JSON is a syntax error.
      {"i_string_UTF-16LE_with_BOM.json", "20@0"},
      {"i_string_utf16BE_no_BOM.json", "20@0"},
      {"i_string_utf16LE_no_BOM.json", "20@1"},
      {"i_structure_UTF-8_BOM_empty_object.json", "20@0"},
      // 500 nested arrays: accepted when max_depth allows it, 22 at the default of 64.
      {"i_structure_500_nested_arrays.json", "22@64"},
  };
  const std::string dir = data_path("json-test-suite/test_parsing");
  std::size_t n = 0;
  for (const std::string& name : files_in(dir)) {
    if (name.rfind("i_", 0) != 0) continue;
    CAPTURE(name);
    const auto it = decided.find(name);
    REQUIRE(it != decided.end());
    CHECK(outcome(slurp(dir + "/" + name)) == it->second);
    ++n;
  }
  CHECK(n == decided.size());
  const std::string nested = slurp(dir + "/i_structure_500_nested_arrays.json");
  CHECK(outcome(nested, depth(500)) == "OK:" + nested.substr(0, nested.find_last_of(']') + 1));
  CHECK(outcome(nested, depth(499)) == "22@499");
}

TEST_CASE("json_canon: JSONTestSuite test_transform") {
  const std::map<std::string, std::string> expected{
      {"number_-9223372036854775808.json", "OK:[-9223372036854776000]"},
      {"number_-9223372036854775809.json", "OK:[-9223372036854776000]"},
      {"number_1.0.json", "OK:[1]"},
      {"number_1.000000000000000005.json", "OK:[1]"},
      {"number_1000000000000000.json", "OK:[1000000000000000]"},
      {"number_10000000000000000999.json", "OK:[10000000000000000000]"},
      {"number_1e-999.json", "OK:[0]"},
      {"number_1e6.json", "OK:[1000000]"},
      {"number_9223372036854775807.json", "OK:[9223372036854776000]"},
      {"number_9223372036854775808.json", "OK:[9223372036854776000]"},
      // Keys are compared as code units, without Unicode normalization: NFC and NFD differ.
      {"object_key_nfc_nfd.json", "OK:{\"e\xcc\x81\":\"NFD\",\"\xc3\xa9\":\"NFC\"}"},
      {"object_key_nfd_nfc.json", "OK:{\"e\xcc\x81\":\"NFD\",\"\xc3\xa9\":\"NFC\"}"},
      {"object_same_key_different_values.json", "21@1"},
      {"object_same_key_same_value.json", "21@1"},
      {"object_same_key_unclear_values.json", "21@1"},
      {"string_1_escaped_invalid_codepoint.json", "21@2"},
      {"string_1_invalid_codepoint.json", "21@2"},
      {"string_2_escaped_invalid_codepoints.json", "21@2"},
      {"string_2_invalid_codepoints.json", "21@2"},
      {"string_3_escaped_invalid_codepoints.json", "21@2"},
      {"string_3_invalid_codepoints.json", "21@2"},
      {"string_with_escaped_NULL.json", "OK:[\"A\\u0000B\"]"},
  };
  const std::string dir = data_path("json-test-suite/test_transform");
  for (const std::string& name : files_in(dir)) {
    CAPTURE(name);
    const auto it = expected.find(name);
    REQUIRE(it != expected.end());
    CHECK(outcome(slurp(dir + "/" + name)) == it->second);
  }
}

TEST_CASE("json_canon: canonical form") {
  CHECK(outcome(" { \"b\" : [ 1 , 2.50 , -0 , -0.0e3 , 1E2 ] , \"a\" : { } , \"c\" : [ ] } ") ==
        "OK:{\"a\":{},\"b\":[1,2.5,0,0,100],\"c\":[]}");
  CHECK(outcome("[true,false,null]") == "OK:[true,false,null]");
  CHECK(outcome("\"\\u0000\\u001F\\b\\t\\n\\f\\r\\\"\\\\\\/\\u0041\\u00e9\\u20AC\\ud83d\\ude00\x7f\"") ==
        "OK:\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"");
  // A backslash stays escaped (RFC 8785; X07 drops it, spec §19.6).
  CHECK(outcome("\"a\\\\b\"") == "OK:\"a\\\\b\"");
  CHECK(outcome("[1e21,1e20,1e-7,0.000001,123456789012345678,0.1e1,100e-2,-5e-324]") ==
        "OK:[1e+21,100000000000000000000,1e-7,0.000001,123456789012345680,1,1,-5e-324]");
  CHECK(outcome("[1e-400,-1e-400,0e999999999999]") == "OK:[0,0,0]");
  // UTF-16 order: U+10000 (a surrogate pair) sorts before U+E000; "" and prefixes first.
  CHECK(outcome("{\"\\ue000\":1,\"\\ud800\\udc00\":2,\"\":3,\"a\":4,\"ab\":5,\"\\u00e9\":6}") ==
        "OK:{\"\":3,\"a\":4,\"ab\":5,\"\xc3\xa9\":6,\"\xf0\x90\x80\x80\":2,\"\xee\x80\x80\":1}");
  // Keys with escapes sort by their text, and nested objects are sorted independently.
  CHECK(outcome("{\"b\":{\"z\":1,\"y\":{\"q\":0,\"p\":0}},\"\\n\":2,\"\\\"\":3,\"a\":[{\"d\":1,\"c\":2}]}") ==
        "OK:{\"\\n\":2,\"\\\"\":3,\"a\":[{\"c\":2,\"d\":1}],\"b\":{\"y\":{\"p\":0,\"q\":0},\"z\":1}}");
}

TEST_CASE("json_canon: error codes and offsets (spec §13)") {
  CHECK(outcome("") == "20@0");
  CHECK(outcome(" \n\t\r ") == "20@0");
  CHECK(outcome("{\"a\":1}x") == "24@7");
  CHECK(outcome("1 2") == "24@2");
  CHECK(outcome("[1,]") == "20@3");
  CHECK(outcome("[1 2]") == "20@3");
  CHECK(outcome("[1") == "20@2");
  CHECK(outcome("[") == "20@1");
  CHECK(outcome("{\"a\" 1}") == "20@5");
  CHECK(outcome("{\"a\":1,}") == "20@7");
  CHECK(outcome("{1:2}") == "20@1");
  CHECK(outcome("{\"a\"") == "20@4");
  CHECK(outcome("tru") == "20@0");
  CHECK(outcome("[nul]") == "20@1");
  CHECK(outcome("01") == "20@0");
  CHECK(outcome("[-]") == "20@1");
  CHECK(outcome("[1.]") == "20@1");
  CHECK(outcome("[1.e3]") == "20@1");
  CHECK(outcome("[1e]") == "20@1");
  CHECK(outcome("[1e+]") == "20@1");
  CHECK(outcome("[+1]") == "20@1");
  CHECK(outcome("[1e400]") == "21@1");
  CHECK(outcome("[-1e400]") == "21@1");
  CHECK(outcome("\"abc") == "20@4");
  CHECK(outcome("\"a\x01\"") == "20@2");
  CHECK(outcome("\"a\\x\"") == "20@2");
  CHECK(outcome("\"a\\") == "20@2");
  CHECK(outcome("\"\\u12G4\"") == "20@1");
  CHECK(outcome("\"\\u12\"") == "20@1");
  CHECK(outcome("\"\\uD800\"") == "21@1");
  CHECK(outcome("\"\\uD800x\\u0041\"") == "21@1");
  CHECK(outcome("\"\\uD800\\u0041\"") == "21@1");
  CHECK(outcome("\"\\uD800\\uZZZZ\"") == "20@1");
  CHECK(outcome("\"\\uDC00\"") == "21@1");
  CHECK(outcome("\"\\uFDD0\"") == "21@1");
  CHECK(outcome("\"\\uFFFF\"") == "21@1");
  CHECK(outcome("\"\\uD83F\\uDFFE\"") == "21@1");  // U+1FFFE
  CHECK(outcome("\"ab\xef\xb7\x90\"") == "21@3");   // U+FDD0 raw
  CHECK(outcome("\"\xef\xbf\xbf\"") == "21@1");     // U+FFFF raw
  CHECK(outcome("\"\xf4\x8f\xbf\xbe\"") == "21@1"); // U+10FFFE raw
  CHECK(outcome("\"\xed\xa0\x80\"") == "21@1");     // a surrogate in UTF-8
  CHECK(outcome("\"\xc0\xaf\"") == "21@1");         // overlong
  CHECK(outcome("\"\xe0\x80\xaf\"") == "21@1");     // overlong
  CHECK(outcome("\"\xf0\x80\x80\xaf\"") == "21@1"); // overlong
  CHECK(outcome("\"\xf4\x90\x80\x80\"") == "21@1"); // above U+10FFFF
  CHECK(outcome("\"\xc3\"") == "21@1");             // cut by the closing quote
  CHECK(outcome("\"\xe2\x82") == "21@1");           // cut by the end of input
  CHECK(outcome("\xef\xbb\xbf{}") == "20@0");       // a BOM is not whitespace
  CHECK(outcome("[\"a\",\"\xff\"]") == "21@6");
  // The first error in document order wins; a duplicate is found when its object closes.
  CHECK(outcome("[{\"a\":1,\"a\":2},\"\\q\"]") == "21@2");
  CHECK(outcome("[{\"a\":1,\"a\":2,\"\\q\":3}]") == "20@15");
}

TEST_CASE("json_canon: the offset of a duplicate key follows X07's merge sort") {
  CHECK(outcome("{\"a\":1,\"a\":2}") == "21@1");            // a pair: the earlier occurrence
  CHECK(outcome("{\"a\":1,\"a\":2,\"a\":3}") == "21@7");    // three: the middle one
  CHECK(outcome("{\"b\":1,\"a\":2,\"b\":3,\"a\":4}") == "21@7");
  CHECK(outcome("{\"x\":1,\"\\u0078\":2}") == "21@1");      // equal once unescaped
  CHECK(outcome("{\"\\n\":1,\"\\u000a\":2}") == "21@1");
}

TEST_CASE("json_canon: max_depth at the limit and one past") {
  JsonCanonLimits l;
  l.max_depth = 3;
  CHECK(outcome("[[[1]]]", l) == "OK:[[[1]]]");
  CHECK(outcome("[{\"a\":[]}]", l) == "OK:[{\"a\":[]}]");
  CHECK(outcome("[[[[1]]]]", l) == "22@3");
  CHECK(outcome("[[{\"a\":{}}]]", l) == "22@7");
  l.max_depth = 1;
  CHECK(outcome("[1,2]", l) == "OK:[1,2]");
  CHECK(outcome("[[]]", l) == "22@1");
  CHECK(outcome("\"scalars have no depth\"", l) == "OK:\"scalars have no depth\"");
}

TEST_CASE("json_canon: 100,000-deep nesting never touches the call stack") {
  const std::string open(100000, '[');
  const std::string closed = open + std::string(100000, ']');
  CHECK(outcome(open) == "22@64");
  CHECK(outcome(closed) == "22@64");
  CHECK(outcome(closed, depth(100000)) == "OK:" + closed);
  CHECK(outcome(closed, depth(99999)) == "22@99999");
  CHECK(outcome(open, depth(1000000)) == "20@100000");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"k\":";
  objects += "1" + std::string(100000, '}');
  CHECK(outcome(objects, depth(100000)) == "OK:" + objects);
  CHECK(outcome(objects) == "22@320");
}

TEST_CASE("json_canon: max_object_members at the limit and one past") {
  JsonCanonLimits l;
  l.max_object_members = 2;
  CHECK(outcome("{\"a\":1,\"b\":2}", l) == "OK:{\"a\":1,\"b\":2}");
  CHECK(outcome("[0,{\"a\":1,\"b\":2,\"c\":3}]", l) == "23@3");
  CHECK(outcome("[1,2,3,4]", l) == "OK:[1,2,3,4]");  // arrays are not bounded by it
  // The member count is checked once the next key's quote is seen, so syntax comes first.
  CHECK(outcome("{\"a\":1,\"b\":2,x}", l) == "20@13");
}

TEST_CASE("json_canon: max_object_total_bytes uses X07's accounting") {
  // {"a":1}: 16 + 1 (escaped key) + 2·1 (UTF-16) + 1 (value) = 20; + 4 per member = 24 after the
  // member; + 8 per member at the closing brace = 32.
  JsonCanonLimits l;
  l.max_object_total_bytes = 32;
  CHECK(outcome("{\"a\":1}", l) == "OK:{\"a\":1}");
  l.max_object_total_bytes = 31;
  CHECK(outcome("{\"a\":1}", l) == "23@0");
  // Between 24 and 31 only the closing check fails, so an error before the brace shows first.
  CHECK(outcome("{\"a\":1 x", l) == "20@7");
  l.max_object_total_bytes = 23;
  CHECK(outcome("{\"a\":1 x", l) == "23@0");
  // Nested values count with their canonical size: {"k":{"b":2,"a":1}} → inner 2·20 + 12·2 = 64;
  // outer 16 + 1 + 2 + 13 = 32, then 32 + 12 = 44.
  l.max_object_total_bytes = 64;
  CHECK(outcome("{\"k\":{\"b\":2.0,\"a\":1}}", l) == "OK:{\"k\":{\"a\":1,\"b\":2}}");
  l.max_object_total_bytes = 63;
  CHECK(outcome("{\"k\":{\"b\":2.0,\"a\":1}}", l) == "23@5");
  // Keys count escaped and in UTF-16 units: "\n" is 2 escaped bytes, 1 unit; U+1F600 is 4 bytes,
  // 2 units: 16 + 2 + 2 + 1 + 12 = 33 and 16 + 4 + 4 + 1 + 12 = 37.
  l.max_object_total_bytes = 33;
  CHECK(outcome("{\"\\u000a\":1}", l) == "OK:{\"\\n\":1}");
  l.max_object_total_bytes = 32;
  CHECK(outcome("{\"\\u000a\":1}", l) == "23@0");
  l.max_object_total_bytes = 37;
  CHECK(outcome("{\"\xf0\x9f\x98\x80\":1}", l) == "OK:{\"\xf0\x9f\x98\x80\":1}");
  l.max_object_total_bytes = 36;
  CHECK(outcome("{\"\xf0\x9f\x98\x80\":1}", l) == "23@0");
  // {} costs nothing.
  l.max_object_total_bytes = 1;
  CHECK(outcome("{\"a\":{}}", l) == "23@0");
  CHECK(outcome("[{},{}]", l) == "OK:[{},{}]");
}

TEST_CASE("json_canon: validate() checks what canonicalize() checks, bar sorting and object size") {
  JsonCanonicalizer c;
  const JsonCanonLimits l;
  CHECK(c.validate(ByteView::of("{\"b\":[1,2.5e3,\"\\u00e9\"],\"a\":null}"), l).ok());
  CHECK(c.validate(ByteView::of("[1e400]"), l).code == JsonCode::kNotIJson);
  CHECK(c.validate(ByteView::of("{\"a\":1}x"), l).offset == 7);
  CHECK(c.validate(ByteView::of(std::string(100, '[')), l).code == JsonCode::kTooDeep);
}
