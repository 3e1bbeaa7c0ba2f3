// Tests of compiler/x07/borrow_check: views used after their owner is moved, set, changed in
// place, bound again by a loop or out of scope are E_PIPE_X07_BORROW at the change, with the
// borrow and the use named; the safe versions of each pattern check. (Whole functions, and both
// backends, are in tests/cases/fail/x07_borrow_*.json and diff.m_borrows.)
#include <doctest/doctest.h>

#include "compiler/json_source.hpp"
#include "compiler/x07/typecheck.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

struct Checked {
  JsonNode root;
  std::vector<Diagnostic> diags;
  bool ok = false;
};

Checked check(const std::string& text) {
  Checked c;
  JsonParseResult parsed = parse_json(text);
  REQUIRE(parsed.root);
  c.root = std::move(*parsed.root);
  CheckEnv env;
  env.file = "t.json";
  env.out = &c.diags;
  c.ok = check_expr_ir(c.root, "/x", {{"item", Ty::kView}}, Ty::kNever, env).has_value();
  return c;
}

void accepted(const std::string& text) {
  const Checked c = check(text);
  INFO(text);
  for (const Diagnostic& d : c.diags) INFO(format_text(d));
  CHECK(c.ok);
  CHECK(c.diags.empty());
}

Diagnostic rejected(const std::string& text, const std::string& pointer, int line, int column) {
  const Checked c = check(text);
  INFO(text);
  CHECK_FALSE(c.ok);
  REQUIRE(c.diags.size() == 1);
  const Diagnostic& d = c.diags[0];
  INFO(format_text(d));
  CHECK(d.code == "E_PIPE_X07_BORROW");
  CHECK(d.pointer == pointer);
  CHECK(d.line == line);
  CHECK(d.column == column);
  CHECK_FALSE(d.hint.empty());
  return d;
}

}  // namespace

TEST_CASE("x07 borrow check: a view of a vec_u8 used after a push is rejected at the push") {
  const Diagnostic d = rejected(
      R"(["begin", ["let","v",["vec_u8.with_capacity",1]], ["let","w",["vec_u8.as_view","v"]],
          ["set","v",["vec_u8.push","v",1]], ["view.len","w"]])",
      "/x/3/2", 2, 22);
  CHECK(d.message.find("\"v\" is changed by vec_u8.push") != std::string::npos);
  CHECK(d.message.find("taken at 1:80 and used at 2:58") != std::string::npos);
  accepted(R"(["begin", ["let","v",["vec_u8.with_capacity",1]], ["let","w",["vec_u8.as_view","v"]],
               ["let","n",["view.len","w"]], ["set","v",["vec_u8.push","v",1]], ["set","w",["vec_u8.as_view","v"]],
               ["view.len","w"]])");
}

TEST_CASE("x07 borrow check: set, move and scope end while a view may be used") {
  rejected(R"(["begin", ["let","b",["bytes.lit","a"]], ["let","w",["bytes.view","b"]], ["set","b",["bytes.lit","c"]], ["view.len","w"]])",
           "/x/3", 1, 74);
  const Diagnostic moved = rejected(
      R"(["begin", ["let","b",["bytes.lit","a"]], ["let","w",["bytes.view","b"]], ["let","c","b"], ["view.len","w"]])",
      "/x/3/2", 1, 85);
  CHECK(moved.message.find("moved") != std::string::npos);
  const Diagnostic scope = rejected(
      R"(["begin", ["let","w","item"], ["begin", ["let","b",["bytes.lit","a"]], ["set","w",["bytes.view","b"]], 0], ["view.len","w"]])",
      "/x/2/1", 1, 41);
  CHECK(scope.message.find("out of scope") != std::string::npos);
  // The view is dead before the change: fine.
  accepted(R"(["begin", ["let","b",["bytes.lit","a"]], ["let","w",["bytes.view","b"]], ["let","n",["view.len","w"]],
               ["set","b",["bytes.lit","c"]], ["let","c","b"], "n"])");
  // The begin that is the expression's value keeps its locals: its view may be the result.
  accepted(R"(["begin", ["let","b",["bytes.lit","a"]], ["bytes.view","b"]])");
}

TEST_CASE("x07 borrow check: branches join, and a change on one path is enough") {
  rejected(R"(["begin", ["let","b",["bytes.lit","a"]], ["let","w",["bytes.view","b"]],
               ["if",["view.len","item"],["set0","b",["bytes.lit","c"]],0], ["view.len","w"]])",
           "/x/3/2", 2, 42);
  accepted(R"(["begin", ["let","b",["bytes.lit","a"]], ["let","w",["bytes.view","b"]],
               ["if",["view.len","item"],["begin",["set","b",["bytes.lit","c"]],["set0","w",["bytes.view","b"]]],0],
               ["view.len","w"]])");
  // A view that may borrow either of two owners is poisoned by a change to either.
  rejected(R"(["begin", ["let","a",["bytes.lit","a"]], ["let","b",["bytes.lit","b"]],
               ["let","w",["if",["view.len","item"],["bytes.view","a"],["bytes.view","b"]]],
               ["set","b",["bytes.lit","c"]], ["view.len","w"]])",
           "/x/4", 3, 16);
}

TEST_CASE("x07 borrow check: loops run to a fixpoint") {
  const Diagnostic d = rejected(
      R"(["begin", ["let","v",["vec_u8.with_capacity",1]], ["let","w",["vec_u8.as_view","v"]],
          ["for","i",0,3,["begin",["let","n",["view.len","w"]],["set","v",["vec_u8.push","v","n"]]]], 0])",
      "/x/3/4/2/2", 2, 75);
  CHECK(d.message.find("on a later loop iteration") != std::string::npos);
  // Taking the view again each iteration, after the push of the previous one, is fine.
  accepted(R"(["begin", ["let","v",["vec_u8.with_capacity",1]],
               ["for","i",0,3,["begin",["let","w",["vec_u8.as_view","v"]],["let","n",["view.len","w"]],
                               ["set","v",["vec_u8.push","v","n"]]]], 0])");
  // A while loop whose condition reads a view its body invalidates.
  rejected(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","w",["bytes.view","b"]],
               ["while",["view.len","w"],["set","b",["bytes.lit",""]]], 0])",
           "/x/3/2", 2, 42);
  // A view of a body local kept past the end of the body (the let binds it again next time).
  rejected(R"(["begin", ["let","w","item"],
               ["for","i",0,2,["begin",["let","n",["view.len","w"]],["let","b",["bytes.lit","x"]],["set","w",["bytes.view","b"]]]], 0])",
           "/x/2/4/2", 2, 69);
}

TEST_CASE("x07 borrow check: an argument may not change what an earlier argument borrows") {
  rejected(R"(["begin", ["let","b",["bytes.lit","a"]],
               ["bytes.eq",["bytes.view","b"],["begin",["set","b",["bytes.lit","c"]],["bytes.view","b"]]]])",
           "/x/2/2/1", 2, 56);
  rejected(R"(["begin", ["let","v",["vec_u8.with_capacity",1]], ["let","w",["vec_u8.as_view","v"]],
               ["vec_u8.len",["vec_u8.extend_bytes","v","w"]]])",
           "/x/3/1", 2, 30);
}

namespace {

// Rejected at the change `pointer`, whatever its line:column.
void rejected_at(const std::string& text, const std::string& pointer) {
  const Checked c = check(text);
  INFO(text);
  CHECK_FALSE(c.ok);
  REQUIRE(c.diags.size() == 1);
  CHECK(c.diags[0].code == "E_PIPE_X07_BORROW");
  CHECK(c.diags[0].pointer == pointer);
}

}  // namespace

TEST_CASE("x07 borrow check: views inside results and options, and the std views, borrow their owner") {
  // A result_bytes_view / option_bytes_view holds the view: it borrows the owner like one.
  rejected_at(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","r",["result_bytes_view.ok",["bytes.view","b"]]],
                 ["set","b",["bytes.lit","c"]], ["result_bytes_view.unwrap_or","r",["bytes.view_lit","x"]]])",
              "/x/3");
  accepted(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","r",["result_bytes_view.ok",["bytes.view","b"]]],
              ["let","n",["view.len",["result_bytes_view.unwrap_or","r",["bytes.view_lit","x"]]]],
              ["set","b",["bytes.lit","c"]], "n"])");
  rejected_at(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","o",["option_bytes_view.some",["bytes.view","b"]]],
                 ["set","b",["bytes.lit","c"]], ["option_bytes_view.unwrap_or","o",["bytes.view_lit","x"]]])",
              "/x/3");
  // is_some of a local only looks at its flag, as result_bytes.is_ok does.
  accepted(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","o",["option_bytes_view.some",["bytes.view","b"]]],
              ["set","b",["bytes.lit","c"]], ["option_bytes_view.is_some","o"]])");
  accepted(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","r",["result_bytes_view.ok",["bytes.view","b"]]],
              ["set","b",["bytes.lit","c"]], ["+",["result_bytes_view.is_ok","r"],["result_bytes_view.err_code","r"]]])");
  // unwrap_or's view may be its default.
  rejected_at(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","o",["option_bytes_view.none"]],
                 ["let","w",["option_bytes_view.unwrap_or","o",["bytes.view","b"]]], ["set","b",["bytes.lit","c"]],
                 ["view.len","w"]])",
              "/x/4");
  // The std.bytes / std.view views are of their first argument.
  for (const char* form : {R"(["std.bytes.strip_prefix_view",["bytes.view","b"],["bytes.view_lit","a"]])",
                           R"(["std.bytes.strip_suffix_view",["bytes.view","b"],["bytes.view_lit","a"]])",
                           R"(["std.bytes.trim_ascii_view",["bytes.view","b"]])", R"(["std.view.slice_v1",["bytes.view","b"],1,5])",
                           R"(["std.brand.view_v1","b"])"})
    rejected_at(std::string(R"(["begin", ["let","b",["bytes.lit","ab"]], ["let","w",)") + form +
                    R"(], ["set","b",["bytes.lit","c"]], ["view.len","w"]])",
                "/x/3");
  // Their other arguments lend nothing to the result.
  accepted(R"(["begin", ["let","p",["bytes.lit","a"]], ["let","w",["std.bytes.strip_prefix_view","item",["bytes.view","p"]]],
              ["set","p",["bytes.lit","c"]], ["view.len","w"]])");
}
