// Tests for stdlib/json/json_string: canonical string output and X07's error offsets for every
// kind of byte at every position of the 8-byte scanning window, the key measurements, and the
// inverse escaping used for sorting.
#include "stdlib/json/json_string.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using sluice::json::JsonCode;
using sluice::json::StringScan;

struct Scanned {
  StringScan scan;
  std::string out;
};

// `body` is the JSON text after the opening quote.
Scanned scan(const std::string& body, bool key = false) {
  const std::string doc = "\"" + body;
  std::vector<std::uint8_t> out(doc.size() + 8);
  const auto* buf = reinterpret_cast<const std::uint8_t*>(doc.data());
  const auto len = static_cast<std::uint32_t>(doc.size());
  Scanned s;
  s.scan = key ? sluice::json::canon_string_key(buf, len, 0, out.data())
               : sluice::json::canon_string_value(buf, len, 0, out.data());
  if (s.scan.error.ok()) s.out.assign(reinterpret_cast<const char*>(out.data()), s.scan.out_size);
  return s;
}

}  // namespace

TEST_CASE("json_string: every special byte at every offset of the scan window") {
  for (std::size_t n = 0; n < 20; ++n) {
    const std::string pre(n, 'a');
    CAPTURE(n);
    {
      const Scanned s = scan(pre + "\"tail");
      CHECK(s.scan.error.ok());
      CHECK(s.out == pre);
      CHECK(s.scan.end == n + 2);
    }
    CHECK(scan(pre + "\\n" + pre + "\"").out == pre + "\\n" + pre);
    CHECK(scan(pre + "\\/" + pre + "\"").out == pre + "/" + pre);
    CHECK(scan(pre + "\\\\x\"").out == pre + "\\\\x");
    CHECK(scan(pre + "\xc3\xa9" + pre + "\"").out == pre + "\xc3\xa9" + pre);
    CHECK(scan(pre + "\x7f\"").out == pre + "\x7f");
    {
      const Scanned s = scan(pre + "\x1f" + pre + "\"");
      CHECK(s.scan.error.code == JsonCode::kSyntax);
      CHECK(s.scan.error.offset == n + 1);
    }
    {
      const Scanned s = scan(pre + "\xff" + pre + "\"");
      CHECK(s.scan.error.code == JsonCode::kNotIJson);
      CHECK(s.scan.error.offset == n + 1);
    }
    {
      const Scanned s = scan(pre);  // unterminated: 20 at the end of the input
      CHECK(s.scan.error.code == JsonCode::kSyntax);
      CHECK(s.scan.error.offset == n + 1);
    }
  }
}

TEST_CASE("json_string: escapes are rewritten the RFC 8785 way") {
  CHECK(scan("\\u0000\\u0007\\u001F\\u0008\\u0009\\u000A\\u000C\\u000D\"").out == "\\u0000\\u0007\\u001f\\b\\t\\n\\f\\r");
  CHECK(scan("\\\"\\\\\\/\\u0022\\u005C\\u002F\"").out == "\\\"\\\\/\\\"\\\\/");
  CHECK(scan("\\u0041\\u00E9\\u20ac\\uD834\\uDD1E\"").out == "A\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e");
  CHECK(scan("\\u007f\\u0080\"").out == "\x7f\xc2\x80");
  CHECK(scan("a\"").scan.escaped_output == false);
  CHECK(scan("\\u0041\"").scan.escaped_output == false);
  CHECK(scan("\\t\"").scan.escaped_output == true);
  CHECK(scan("\\\"\"").scan.escaped_output == true);
}

TEST_CASE("json_string: key measurements") {
  const Scanned a = scan("abc\"", true);
  CHECK(a.scan.utf16_units == 3);
  CHECK_FALSE(a.scan.has_high);
  const Scanned b = scan("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\\uD83D\\uDE00\\n\"", true);
  CHECK(b.scan.utf16_units == 1 + 1 + 2 + 2 + 1);
  CHECK(b.scan.has_high);  // the astral characters
  CHECK(scan("\xee\x80\x80\"", true).scan.has_high);        // U+E000
  CHECK_FALSE(scan("\xed\x9f\xbf\"", true).scan.has_high);  // U+D7FF
  CHECK(scan("\\uE000\"", true).scan.has_high);
  CHECK(scan(std::string(40, 'x') + "\"", true).scan.utf16_units == 40);
}

TEST_CASE("json_string: unescape_canonical inverts the output escaping") {
  const std::string esc = "a\\\"b\\\\c\\bd\\te\\nf\\fg\\rh\\u0000i\\u001fj\xc3\xa9";
  sluice::json::ByteBuffer dst;
  dst.push('>');
  sluice::json::unescape_canonical(reinterpret_cast<const std::uint8_t*>(esc.data()),
                                   static_cast<std::uint32_t>(esc.size()), dst);
  CHECK(std::string(reinterpret_cast<const char*>(dst.data()), dst.size()) ==
        std::string(">a\"b\\c\bd\te\nf\fg\rh") + std::string(1, '\0') + "i\x1fj\xc3\xa9");
}
