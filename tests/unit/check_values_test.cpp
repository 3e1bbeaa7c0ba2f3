// Tests of compiler/check_values: the symbol rule, edit distance and suggestions, and the
// single-value checks used by every part of the check pass.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "compiler/check_values.hpp"

using namespace sluice;

namespace {

struct Checked {
  std::optional<ArgValue> value;
  std::vector<Diagnostic> diagnostics;
};

Checked expr(const std::string& json, ValueType want) {
  Checked out;
  const JsonParseResult parsed = parse_json(json);
  REQUIRE(parsed.root.has_value());
  CheckContext ctx{"v.json", World::kSolvePure, out.diagnostics};
  out.value = check_expr(*parsed.root, "/9", want, "argument x", ctx);
  return out;
}

}  // namespace

TEST_CASE("check_values: the symbol rule of spec §2") {
  for (const char* ok : {"a", "_", "A9", "a-b", "std.text.slices.x7sl_v1", "x.y-z._q"}) {
    INFO(ok);
    CHECK_FALSE(symbol_problem(ok).has_value());
  }
  for (const char* bad : {"", ".", "a..b", ".a", "a.", "9a", "-a", "a.9b", "a b", "a/b", "a\\b", "\xC3\xA9"}) {
    INFO(bad);
    CHECK(symbol_problem(bad).has_value());
  }
  CHECK(*symbol_problem("a.9b") == "segment \"9b\" does not start with a letter or '_'");
  CHECK(*symbol_problem("a b") == "segment \"a b\" contains a space");
}

TEST_CASE("check_values: edit distance counts a transposition as one edit") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("dorp", "drop") == 1);
  CHECK(edit_distance("max_item", "max_items") == 1);
  CHECK(edit_distance("ab", "ba") == 1);
}

TEST_CASE("check_values: suggestions only for likely typos") {
  constexpr std::array<std::string_view, 3> ids{"std.stream.xf.take_v1", "std.stream.xf.split_lines_v1",
                                                "std.stream.sink.collect_bytes_v1"};
  CHECK(closest_match("std.stream.xf.splt_lines_v1", ids) == std::optional<std::string_view>(ids[1]));
  CHECK(closest_match("split_lines_v1", ids) == std::optional<std::string_view>(ids[1]));
  CHECK(closest_match("std.stream.src.take_v1", ids) == std::optional<std::string_view>(ids[0]));
  CHECK_FALSE(closest_match("std.stream.xf.map_v1", ids).has_value());
  CHECK_FALSE(closest_match("", ids).has_value());
  CHECK(did_you_mean("std.stream.xf.tak_v1", ids) == "did you mean \"std.stream.xf.take_v1\"?");
  CHECK(did_you_mean("zzz", ids).empty());
  CHECK(join_names(ids) == "std.stream.xf.take_v1, std.stream.xf.split_lines_v1, std.stream.sink.collect_bytes_v1");
}

TEST_CASE("check_values: check_expr evaluates the literals of this release") {
  const Checked i = expr(R"(["std.stream.expr_v1", -7])", ValueType::kI32);
  REQUIRE(i.value.has_value());
  CHECK(i.value->kind == ArgValue::Kind::kInt);
  CHECK(i.value->i == -7);
  CHECK(i.diagnostics.empty());

  for (const ValueType t : {ValueType::kBytes, ValueType::kBytesView}) {
    const Checked b = expr(R"(["std.stream.expr_v1", ["bytes.lit", "x\ty"]])", t);
    REQUIRE(b.value.has_value());
    CHECK(b.value->kind == ArgValue::Kind::kBytes);
    CHECK(b.value->bytes == "x\ty");
  }

  const Checked wrong = expr(R"(["std.stream.expr_v1", 1])", ValueType::kBytesView);
  CHECK_FALSE(wrong.value.has_value());
  REQUIRE(wrong.diagnostics.size() == 1);
  const Diagnostic& d = wrong.diagnostics[0];
  CHECK(d.code == "E_PIPE_EXPR_TYPE");
  CHECK(d.pointer == "/9/1");
  CHECK(d.file == "v.json");
  CHECK(d.line == 1);
  CHECK(d.column == 24);
  CHECK(d.message == "argument x must be bytes_view, found i32 (integer 1)");
}

TEST_CASE("check_values: check_int_literal") {
  std::vector<Diagnostic> diags;
  CheckContext ctx{"v.json", World::kSolvePure, diags};
  const auto check = [&](const std::string& json) {
    const JsonParseResult parsed = parse_json(json);
    REQUIRE(parsed.root.has_value());
    return check_int_literal(*parsed.root, "", "cfg k", ctx);
  };
  CHECK(check("2147483647") == std::optional<std::int32_t>(2147483647));
  CHECK(check("-2147483648") == std::optional<std::int32_t>(INT32_MIN));
  CHECK(diags.empty());
  CHECK_FALSE(check("2147483648").has_value());
  CHECK_FALSE(check("1e2").has_value());
  CHECK_FALSE(check("\"1\"").has_value());
  CHECK_FALSE(check(R"(["std.stream.expr_v1", 1])").has_value());
  REQUIRE(diags.size() == 4);
  CHECK(diags[0].code == "E_PIPE_INT_RANGE");
  CHECK(diags[1].code == "E_PIPE_VALUE_TYPE");
  CHECK(diags[2].hint == "write it without quotes: 1");
  CHECK(diags[3].message.find("not an expression") != std::string::npos);
}
