// Tests of compiler/json_source: node kinds, exact integer text, positions, string decoding,
// syntax/encoding/depth errors with their positions and wording, and JSON pointers.
#include <doctest/doctest.h>

#include <string>

#include "compiler/json_source.hpp"

using namespace sluice;

namespace {

JsonNode parse_ok(std::string_view text) {
  JsonParseResult r = parse_json(text);
  INFO("text: " << text);
  REQUIRE_MESSAGE(r.root.has_value(), (r.error ? r.error->message : std::string{}));
  CHECK_FALSE(r.error.has_value());
  return std::move(*r.root);
}

JsonError parse_err(std::string_view text) {
  JsonParseResult r = parse_json(text);
  INFO("text: " << text);
  REQUIRE(r.error.has_value());
  CHECK_FALSE(r.root.has_value());
  return *r.error;
}

}  // namespace

TEST_CASE("json_source: scalar kinds, and integers keep their exact text") {
  CHECK(parse_ok("null").kind == JsonKind::kNull);
  const JsonNode t = parse_ok(" true ");
  CHECK(t.kind == JsonKind::kBool);
  CHECK(t.boolean);
  CHECK_FALSE(parse_ok("false").boolean);

  const JsonNode one = parse_ok("1");
  CHECK(one.kind == JsonKind::kInteger);
  CHECK(one.fits_i64);
  CHECK(one.i64 == 1);
  CHECK(one.text == "1");

  CHECK(parse_ok("1.0").kind == JsonKind::kNumber);
  CHECK(parse_ok("1e3").kind == JsonKind::kNumber);
  CHECK(parse_ok("1E+3").text == "1E+3");
  CHECK(parse_ok("-0.5e-2").kind == JsonKind::kNumber);

  const JsonNode neg_zero = parse_ok("-0");
  CHECK(neg_zero.kind == JsonKind::kInteger);
  CHECK(neg_zero.text == "-0");
  CHECK(neg_zero.i64 == 0);

  const JsonNode min = parse_ok("-9223372036854775808");
  CHECK(min.fits_i64);
  CHECK(min.i64 == INT64_MIN);
  const JsonNode big = parse_ok("9223372036854775808");
  CHECK(big.kind == JsonKind::kInteger);
  CHECK_FALSE(big.fits_i64);
  CHECK(big.text == "9223372036854775808");
  const JsonNode huge = parse_ok("-123456789012345678901234567890");
  CHECK_FALSE(huge.fits_i64);
  CHECK(huge.text == "-123456789012345678901234567890");
}

TEST_CASE("json_source: arrays and objects keep order, and objects keep duplicate keys") {
  const JsonNode a = parse_ok(R"([1, "two", [3], {}])");
  REQUIRE(a.items.size() == 4);
  CHECK(a.items[1].text == "two");
  CHECK(a.items[2].items[0].i64 == 3);
  CHECK(a.items[3].kind == JsonKind::kObject);
  CHECK_FALSE(a.is_form("x"));
  CHECK(parse_ok(R"(["bytes.lit", "a"])").is_form("bytes.lit"));
  CHECK_FALSE(parse_ok(R"([])").is_form("bytes.lit"));

  const JsonNode o = parse_ok(R"({"b": 1, "a": 2, "b": 3})");
  REQUIRE(o.members.size() == 3);
  CHECK(o.members[0].key == "b");
  CHECK(o.members[1].key == "a");
  CHECK(o.members[2].key == "b");
  CHECK(o.members[2].value.i64 == 3);
  CHECK(o.members[1].key_pos.column == 10);
}

TEST_CASE("json_source: positions are 1-based lines and code-point columns, plus byte offsets") {
  const std::string text = "[\n  1,\n\t\"\xC3\xA9t\xC3\xA9\", 22,\r\n  [true]\n]";
  const JsonNode root = parse_ok(text);
  CHECK(root.pos.line == 1);
  CHECK(root.pos.column == 1);
  CHECK(root.pos.offset == 0);
  CHECK(root.items[0].pos.line == 2);
  CHECK(root.items[0].pos.column == 3);
  CHECK(root.items[0].pos.offset == 4);
  // A tab is one column.
  CHECK(root.items[1].pos.line == 3);
  CHECK(root.items[1].pos.column == 2);
  CHECK(root.items[1].text == "\xC3\xA9t\xC3\xA9");
  // "été" is 3 code points but 5 bytes: the column counts code points, the offset bytes.
  CHECK(root.items[2].pos.column == 9);
  CHECK(root.items[2].pos.offset == text.find("22"));
  // "\r\n" ends a line like "\n".
  CHECK(root.items[3].pos.line == 4);
  CHECK(root.items[3].pos.column == 3);
  CHECK(root.items[3].items[0].pos.column == 4);
}

TEST_CASE("json_source: a leading UTF-8 byte order mark is skipped and not counted") {
  const JsonNode root = parse_ok("\xEF\xBB\xBF[7]");
  CHECK(root.pos.column == 1);
  CHECK(root.items[0].pos.column == 2);
  CHECK(root.items[0].pos.offset == 4);
}

TEST_CASE("json_source: strings are decoded to UTF-8") {
  CHECK(parse_ok(R"("a\"b\\c\/d\b\f\n\r\t")").text == "a\"b\\c/d\b\f\n\r\t");
  CHECK(parse_ok(R"("\u00e9\u20AC")").text == "\xC3\xA9\xE2\x82\xAC");
  // A surrogate pair is one 4-byte UTF-8 character (U+1F600).
  CHECK(parse_ok(R"("\ud83d\ude00")").text == "\xF0\x9F\x98\x80");
  // NUL is allowed in a string (bytes.lit may carry it).
  const JsonNode nul = parse_ok(R"("a\u0000b")");
  CHECK(nul.text == std::string("a\0b", 3));
  CHECK(parse_ok("\"\xF0\x9F\x98\x80 raw\"").text == "\xF0\x9F\x98\x80 raw");
}

TEST_CASE("json_source: syntax errors say what was expected and what was found, with line:column") {
  const JsonError e1 = parse_err("[1, 2}");
  CHECK(e1.kind == JsonErrorKind::kSyntax);
  CHECK(e1.message == "expected ',' or ']' after array element, found '}'");
  CHECK(e1.pos.line == 1);
  CHECK(e1.pos.column == 6);

  const JsonError trailing = parse_err("[1,\n 2,\n]");
  CHECK(trailing.message == "expected a value after ',' (JSON does not allow trailing commas), found ']'");
  CHECK(trailing.pos.line == 3);
  CHECK(trailing.pos.column == 1);

  const JsonError obj_trailing = parse_err(R"({"a": 1,})");
  CHECK(obj_trailing.message == "expected a string key after ',' (JSON does not allow trailing commas), found '}'");

  const JsonError truncated = parse_err("[\"std.stream.pipe_v1\", [");
  CHECK(truncated.message == "expected a value or ']' after '[', found end of input");
  CHECK(truncated.pos.column == 25);

  CHECK(parse_err("").message == "expected a JSON value, found end of input");
  CHECK(parse_err("[True]").message == "expected a value or ']' after '[', found 'True'");
  CHECK(parse_err("[nul]").message == "expected a value or ']' after '[', found 'nul'");
  CHECK(parse_err("[1] [2]").message == "expected end of input after the JSON value, found '['");
  CHECK(parse_err(R"({"a" 1})").message == "expected ':' after object key, found '1'");
  CHECK(parse_err(R"({1: 2})").message == "expected a string key or '}' after '{', found '1'");
  CHECK(parse_err(R"({"a": 1 "b": 2})").message == "expected ',' or '}' after object member, found '\"'");
  CHECK(parse_err("[01]").message == "leading zeros are not allowed in JSON numbers");
  CHECK(parse_err("[1.]").message == "expected a digit after '.' in a number, found ']'");
  CHECK(parse_err("[-]").message == "expected a digit after '-', found ']'");
  CHECK(parse_err("[1e]").message == "expected a digit in the exponent of a number, found ']'");
  CHECK(parse_err("[.5]").message == "expected a value or ']' after '[', found '.'");
  CHECK(parse_err("[+1]").message == "expected a value or ']' after '[', found '+'");
  CHECK(parse_err("[\xC3\xA9]").message == "expected a value or ']' after '[', found '\xC3\xA9' (U+00E9)");
}

TEST_CASE("json_source: string errors point at the offending character") {
  const JsonError unterminated = parse_err("[\"abc");
  CHECK(unterminated.message ==
        "unterminated string: expected '\"' to close the string that starts here, found end of input");
  CHECK(unterminated.pos.column == 2);

  const JsonError newline = parse_err("[\"ab\ncd\"]");
  CHECK(newline.kind == JsonErrorKind::kSyntax);
  CHECK(newline.pos.column == 5);
  CHECK(newline.message.find("\\n") != std::string::npos);

  const JsonError control = parse_err("[\"a\tb\"]");
  CHECK(control.message == "unescaped control character U+0009 in string (write it as \\u0009)");
  CHECK(control.pos.column == 4);

  const JsonError bad_escape = parse_err(R"(["C:\path"])");
  CHECK(bad_escape.kind == JsonErrorKind::kSyntax);
  CHECK(bad_escape.message ==
        R"(invalid escape '\p' in string; valid escapes are \" \\ \/ \b \f \n \r \t \uXXXX)");
  CHECK(bad_escape.pos.column == 5);

  const JsonError bad_hex = parse_err(R"(["\u12G4"])");
  CHECK(bad_hex.message == "expected 4 hex digits after \\u, found 'G4'");
  CHECK(bad_hex.pos.column == 7);
}

TEST_CASE("json_source: invalid UTF-8 and lone surrogates are encoding errors") {
  const JsonError latin1 = parse_err("[\"caf\xE9\"]");
  CHECK(latin1.kind == JsonErrorKind::kEncoding);
  CHECK(latin1.message == "invalid UTF-8: byte 0xE9 starts a truncated multi-byte sequence");
  CHECK(latin1.pos.column == 6);
  CHECK(latin1.pos.offset == 5);

  CHECK(parse_err("[\"\xFF\"]").message == "invalid UTF-8: byte 0xFF never occurs in UTF-8");
  CHECK(parse_err("[\"\x80\"]").message == "invalid UTF-8: byte 0x80 is a continuation byte without a lead byte");
  CHECK(parse_err("[\"\xC0\xAF\"]").message == "invalid UTF-8: byte 0xC0 starts an overlong encoding");
  CHECK(parse_err("[\"\xE0\x80\xAF\"]").kind == JsonErrorKind::kEncoding);            // overlong 3-byte
  CHECK(parse_err("[\"\xED\xA0\x80\"]").message ==
        "invalid UTF-8: byte 0xED starts an encoded UTF-16 surrogate");
  CHECK(parse_err("[\"\xF4\x90\x80\x80\"]").kind == JsonErrorKind::kEncoding);        // above U+10FFFF
  CHECK(parse_err("[\xFF]").kind == JsonErrorKind::kEncoding);                          // outside strings too

  const JsonError high = parse_err(R"(["x\ud83d"])");
  CHECK(high.kind == JsonErrorKind::kEncoding);
  CHECK(high.message ==
        "lone high surrogate \\ud83d in string (it must be followed by a low surrogate \\uDC00-\\uDFFF)");
  CHECK(high.pos.column == 4);
  CHECK(parse_err(R"(["\ud83d\u0041"])").kind == JsonErrorKind::kEncoding);
  const JsonError low = parse_err(R"(["\ude00"])");
  CHECK(low.message == "lone low surrogate \\ude00 in string (it must follow a high surrogate \\uD800-\\uDBFF)");

  const JsonError utf16 = parse_err(std::string("\xFF\xFE[\0]\0", 6));
  CHECK(utf16.kind == JsonErrorKind::kEncoding);
  CHECK(utf16.message.find("UTF-16") != std::string::npos);
}

TEST_CASE("json_source: nesting deeper than the limit is an error, not a stack overflow") {
  const std::string at_limit = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  CHECK(parse_json(at_limit).root.has_value());

  const std::string past = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  const JsonError e = parse_err(past);
  CHECK(e.kind == JsonErrorKind::kTooDeep);
  CHECK(e.pos.column == kMaxJsonDepth + 1);

  const std::string very_deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(parse_err(very_deep).kind == JsonErrorKind::kTooDeep);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  CHECK(parse_err(objects).kind == JsonErrorKind::kTooDeep);
}

TEST_CASE("json_source: an array or object past the element limit is an error, not a memory bomb") {
  const auto list = [](std::size_t n, const char* open, const char* item, const char* close) {
    std::string s = open;
    for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + std::string(item);
    return s + close;
  };
  const JsonParseResult at_limit = parse_json(list(kMaxJsonItems, "[", "0", "]"));
  REQUIRE(at_limit.root);
  CHECK(at_limit.root->items.size() == kMaxJsonItems);
  const JsonError e = parse_err(list(kMaxJsonItems + 1, "[", "0", "]"));
  CHECK(e.kind == JsonErrorKind::kTooLarge);
  CHECK(e.message == "JSON array of more than 262144 elements");
  CHECK(e.pos.offset == 2 * kMaxJsonItems + 1);  // at the first element past the limit
  std::string members = "{";
  for (std::size_t i = 0; i <= kMaxJsonItems; ++i) members += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  CHECK(parse_err(members + "}").kind == JsonErrorKind::kTooLarge);
}

TEST_CASE("json_source: JSON pointers escape '~' and '/' (RFC 6901) and find nodes") {
  CHECK(json_pointer_escape("a/b~c") == "a~1b~0c");
  CHECK(json_pointer_escape("~1") == "~01");
  CHECK(json_pointer_append("", 3) == "/3");
  CHECK(json_pointer_append("/3", "x/y") == "/3/x~1y");
  CHECK(json_pointer_append("/3", "") == "/3/");

  const JsonNode root = parse_ok(R"({"a/b": [10, {"m~n": 20}], "": 30})");
  CHECK(json_pointer_find(root, "") == &root);
  const JsonNode* ten = json_pointer_find(root, "/a~1b/0");
  REQUIRE(ten != nullptr);
  CHECK(ten->i64 == 10);
  const JsonNode* twenty = json_pointer_find(root, "/a~1b/1/m~0n");
  REQUIRE(twenty != nullptr);
  CHECK(twenty->i64 == 20);
  const JsonNode* thirty = json_pointer_find(root, "/");
  REQUIRE(thirty != nullptr);
  CHECK(thirty->i64 == 30);
  CHECK(json_pointer_find(root, "/a~1b/2") == nullptr);
  CHECK(json_pointer_find(root, "/a~1b/01") == nullptr);
  CHECK(json_pointer_find(root, "/a~1b/-") == nullptr);
  CHECK(json_pointer_find(root, "/a~2b") == nullptr);
  CHECK(json_pointer_find(root, "a") == nullptr);
  CHECK(json_pointer_find(root, "/a~1b/0/x") == nullptr);
}

TEST_CASE("json_source: describe_json, json_quote and is_valid_utf8 for messages") {
  CHECK(describe_json(parse_ok("5")) == "integer 5");
  CHECK(describe_json(parse_ok("1.5")) == "number 1.5");
  CHECK(describe_json(parse_ok(R"("a\"b")")) == R"(string "a\"b")");
  CHECK(describe_json(parse_ok("[]")) == "an empty list");
  CHECK(describe_json(parse_ok(R"(["bytes.lit", "x"])")) == R"(a list starting with "bytes.lit")");
  CHECK(describe_json(parse_ok("[1]")) == "a list starting with integer 1");
  CHECK(describe_json(parse_ok("{}")) == "an object");
  CHECK(describe_json(parse_ok("null")) == "null");
  const std::string long_text = "\"" + std::string(47, 'x') + "\xC3\xA9\xC3\xA9\"";
  const std::string cut = describe_json(parse_ok(long_text));
  CHECK(cut == "string \"" + std::string(47, 'x') + "\"...");

  CHECK(json_quote("a\n\"\\\x01") == R"("a\n\"\\\u0001")");
  CHECK(is_valid_utf8("plain \xC3\xA9 \xF0\x9F\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xC3"));
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));
}
