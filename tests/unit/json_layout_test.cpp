// sluice fmt's layout (compiler/json_layout.hpp), case by case: what fits stays on a line, forms
// break head first, lists and objects one element per line, the width counts code points, strings
// take one escape form, and numbers keep their text.
#include <doctest/doctest.h>

#include <string>

#include "compiler/json_layout.hpp"
#include "compiler/json_source.hpp"

namespace {

std::string layout(const std::string& text) {
  const sluice::JsonParseResult r = sluice::parse_json(text);
  REQUIRE(r.root.has_value());
  return sluice::layout_json(*r.root);
}

}  // namespace

TEST_CASE("json layout: a value that fits stays on one line, spaced one way") {
  CHECK(layout("[1,2 ,\n3]") == "[1, 2, 3]\n");
  CHECK(layout(R"({"a":1,"b":[true,false,null]})") == "{\"a\": 1, \"b\": [true, false, null]}\n");
  CHECK(layout("[]") == "[]\n");
  CHECK(layout("{}") == "{}\n");
  CHECK(layout("  \"x\"  ") == "\"x\"\n");
}

TEST_CASE("json layout: numbers keep their text, strings take RFC 8785's escapes") {
  CHECK(layout("[1.50, -0, 1E+2, 99999999999999999999]") == "[1.50, -0, 1E+2, 99999999999999999999]\n");
  CHECK(layout(R"(["\/\u00e9\u0001\b\f\n\r\t\"\\\u2028"])") == "[\"/\xC3\xA9\\u0001\\b\\f\\n\\r\\t\\\"\\\\\xE2\x80\xA8\"]\n");
}

TEST_CASE("json layout: a form too wide for 100 columns breaks head first, closing after its last element") {
  const std::string wide = R"(["std.stream.cfg_v1", ["chunk_max_bytes", 65536], ["bufread_cap_bytes", 65536], ["max_in_bytes", 104857600]])";
  CHECK(layout(wide) ==
        "[\"std.stream.cfg_v1\",\n"
        "  [\"chunk_max_bytes\", 65536],\n"
        "  [\"bufread_cap_bytes\", 65536],\n"
        "  [\"max_in_bytes\", 104857600]]\n");
}

TEST_CASE("json layout: lists that are not forms and objects put each element on its own line") {
  std::string items;
  for (int i = 0; i < 30; ++i) items += (i ? ", " : "") + std::to_string(1000 + i);
  const std::string out = layout("[" + items + "]");
  CHECK(out.starts_with("[\n  1000,\n  1001,\n"));
  CHECK(out.ends_with("  1029\n]\n"));
  const std::string obj = layout(R"({"a": ")" + std::string(95, 'x') + R"(", "b": 2})");
  CHECK(obj == "{\n  \"a\": \"" + std::string(95, 'x') + "\",\n  \"b\": 2\n}\n");
}

TEST_CASE("json layout: the pipe and a chain of two or more stages always break") {
  const std::string pipe =
      R"(["std.stream.pipe_v1",["std.stream.cfg_v1"],["s"],["std.stream.chain_v1",["a"],["b"]],["k"]])";
  CHECK(layout(pipe) ==
        "[\"std.stream.pipe_v1\",\n"
        "  [\"std.stream.cfg_v1\"],\n"
        "  [\"s\"],\n"
        "  [\"std.stream.chain_v1\",\n"
        "    [\"a\"],\n"
        "    [\"b\"]],\n"
        "  [\"k\"]]\n");
  CHECK(layout(R"(["std.stream.chain_v1", ["a"]])") == "[\"std.stream.chain_v1\", [\"a\"]]\n");
}

TEST_CASE("json layout: the width counts code points, at the limit and one past it") {
  // ["h", "<n characters>"] is n + 9 columns wide.
  const auto form = [](const std::string& s) { return "[\"h\", \"" + s + "\"]"; };
  std::string at_limit(100 - 9, 'a');
  CHECK(layout(form(at_limit)) == form(at_limit) + "\n");
  CHECK(layout(form(at_limit + "a")) == "[\"h\",\n  \"" + at_limit + "a\"]\n");
  // é is two bytes but one column: 91 of them still fit.
  std::string accents;
  for (int i = 0; i < 91; ++i) accents += "\xC3\xA9";
  CHECK(layout(form(accents)) == form(accents) + "\n");
}

TEST_CASE("json layout: object members keep their order, duplicates included, and it is idempotent") {
  const std::string text = R"({"z": 1, "a": 2, "z": 3})";
  CHECK(layout(text) == "{\"z\": 1, \"a\": 2, \"z\": 3}\n");
  const std::string module = R"({"kind":"module","decls":[{"kind":"defn","name":"m.f","params":[{"name":"item","ty":"bytes_view"}],"body":["begin",["let","n",["view.len","item"]],["if",["<u","n",2],["return",0],0],"n"]}]})";
  const std::string once = layout(module);
  CHECK(layout(once) == once);
}
