// Tests of compiler/x07/typecheck: types of forms and builtins, coercion of bytes to views, and
// the diagnostics for type mismatches, unknown names, arity and misused forms, each at its
// line:column and JSON pointer.
#include <doctest/doctest.h>

#include "compiler/json_source.hpp"
#include "compiler/x07/typecheck.hpp"
#include "stdlib/x07/library.hpp"

using namespace sluice;
using namespace sluice::x07;

namespace {

struct Checked {
  JsonNode root;
  std::vector<Diagnostic> diags;
  std::optional<ExprIr> ir;
};

Checked check(const std::string& text, Ty want = Ty::kNever,
              const std::vector<std::pair<std::string, Ty>>& locals = {}) {
  Checked c;
  JsonParseResult parsed = parse_json(text);
  REQUIRE(parsed.root);
  c.root = std::move(*parsed.root);
  CheckEnv env;
  env.file = "t.json";
  env.out = &c.diags;
  c.ir = check_expr_ir(c.root, "/x", locals, want, env);
  return c;
}

Ty type_of(const std::string& text) {
  const Checked c = check(text);
  INFO(text);
  REQUIRE(c.ir.has_value());
  return c.ir->node.ty;
}

Diagnostic only_error(const std::string& text, const std::string& code, const std::string& pointer, Ty want = Ty::kNever) {
  const Checked c = check(text, want);
  INFO(text);
  CHECK_FALSE(c.ir.has_value());
  REQUIRE(c.diags.size() == 1);
  CHECK(c.diags[0].code == code);
  CHECK(c.diags[0].pointer == pointer);
  CHECK(c.diags[0].file == "t.json");
  return c.diags[0];
}

// With the built-in library callable (what std.brand.cast_* need for their validator).
Checked check_with_library(const std::string& text) {
  Checked c;
  JsonParseResult parsed = parse_json(text);
  REQUIRE(parsed.root);
  c.root = std::move(*parsed.root);
  CheckEnv env;
  env.file = "t.json";
  env.out = &c.diags;
  env.resolve = [&c](const std::string& name, const JsonNode& at, const std::string& pointer) -> std::optional<Callee> {
    const LibraryFn* f = find_library_fn(name);
    if (!f) {
      c.diags.push_back(make_diagnostic(DiagId::kX07UnknownName, "t.json", at.pos.line, at.pos.column, pointer,
                                        "unknown function " + name));
      return std::nullopt;
    }
    Callee callee;
    callee.native = UserFn{nullptr, f->entry};
    callee.sig = f->sig;
    callee.native_name = name;
    return callee;
  };
  c.ir = check_expr_ir(c.root, "/x", {{"item", Ty::kView}}, Ty::kNever, env);
  return c;
}

}  // namespace

TEST_CASE("x07 typecheck: the type of each kind of expression") {
  CHECK(type_of("5") == Ty::kI32);
  CHECK(type_of(R"(["bytes.lit", "a"])") == Ty::kBytes);
  CHECK(type_of(R"(["bytes.view_lit", "a"])") == Ty::kView);
  CHECK(type_of(R"(["vec_u8.with_capacity", 1])") == Ty::kVec);
  CHECK(type_of(R"(["result_i32.ok", 1])") == Ty::kResI32);
  CHECK(type_of(R"(["result_bytes.err", 1])") == Ty::kResBytes);
  CHECK(type_of(R"(["begin", ["let", "b", ["bytes.lit", "a"]], ["bytes.view", "b"]])") == Ty::kView);
  // An owned let is not a value; a view let is.
  CHECK(type_of(R"(["let", "b", ["bytes.lit", "a"]])") == Ty::kI32);
  CHECK(type_of(R"(["begin", ["let", "x", 0], ["set0", "x", 1]])") == Ty::kI32);
  CHECK(type_of(R"(["for", "i", 0, 3, 0])") == Ty::kI32);
  // bytes passes where bytes_view is wanted (borrowed), temporaries included.
  CHECK(type_of(R"(["view.len", ["bytes.concat", ["bytes.lit", "a"], ["bytes.lit", "b"]]])") == Ty::kI32);
  CHECK(check(R"(["bytes.lit", "a"])", Ty::kView).ir.has_value());
}

TEST_CASE("x07 typecheck: mismatches, unknown names and arity are reported where they are") {
  CHECK(only_error(R"(["+", 1, ["bytes.lit", "a"]])", "E_PIPE_X07_TYPE", "/x/2").message == "expected i32, found bytes");
  only_error(R"(["if", 1, 2, ["bytes.lit", "a"]])", "E_PIPE_X07_TYPE", "/x");
  only_error(R"(["view.len", 5])", "E_PIPE_X07_TYPE", "/x/1");
  CHECK(only_error(R"(["+", "y", 1])", "E_PIPE_X07_UNKNOWN_NAME", "/x/1").message == "unknown name \"y\"");
  only_error(R"(["no.such.fn", 1])", "E_PIPE_X07_UNKNOWN_NAME", "/x/0");
  only_error(R"(["set", "nope", 1])", "E_PIPE_X07_UNKNOWN_NAME", "/x/1");
  CHECK(only_error(R"(["+", 1])", "E_PIPE_X07_ARITY", "/x").message == "+ takes 2 arguments (i32, i32), found 1");
  only_error(R"(["if", 1, 2])", "E_PIPE_X07_ARITY", "/x");
  only_error(R"(["begin"])", "E_PIPE_X07_ARITY", "/x");
  only_error(R"(["view.get_u8", ["bytes.lit", "a"]])", "E_PIPE_X07_ARITY", "/x");
  only_error("4294967296", "E_PIPE_X07_TYPE", "/x");
  only_error("1.5", "E_PIPE_X07_TYPE", "/x");
  only_error("[]", "E_PIPE_X07_TYPE", "/x");
  only_error(R"([1, 2])", "E_PIPE_X07_TYPE", "/x");
  // The literal patterns X07 rejects.
  only_error(R"(["<u", 5, 0])", "E_PIPE_X07_TYPE", "/x");
  only_error(R"([">=u", 5, 0])", "E_PIPE_X07_TYPE", "/x");
  // Rebinding in the same scope; shadowing in an inner one is fine.
  only_error(R"(["begin", ["let", "a", 1], ["let", "a", 2], "a"])", "E_PIPE_X07_TYPE", "/x/2/1");
  CHECK(check(R"(["begin", ["let", "a", 1], ["begin", ["let", "a", 2], "a"]])").ir.has_value());
  // bytes.view borrows a local; a temporary is rejected.
  only_error(R"(["bytes.view", ["bytes.lit", "a"]])", "E_PIPE_X07_TYPE", "/x/1");
  // return and try belong to function bodies.
  only_error(R"(["return", 1])", "E_PIPE_X07_TYPE", "/x");
  only_error(R"(["try", ["result_i32.ok", 1]])", "E_PIPE_X07_TYPE", "/x");
  only_error(R"(["try", 5])", "E_PIPE_X07_TYPE", "/x/1");
  // The wanted type of a position.
  only_error("5", "E_PIPE_EXPR_TYPE", "/x", Ty::kBytes);
}

TEST_CASE("x07 typecheck: one mistake is reported once, not once per enclosing form") {
  const Checked c = check(R"(["+", ["+", ["+", "nope", 1], 2], 3])");
  CHECK(c.diags.size() == 1);
}

TEST_CASE("x07 typecheck: use after move") {
  // Moved into a vec builtin, then read again.
  const Diagnostic d = only_error(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 1]], ["let", "w", ["vec_u8.push", "v", 1]], ["vec_u8.push", "v", 2]])",
                                  "E_PIPE_X07_MOVED", "/x/3/1");
  CHECK(d.message.find("use of \"v\" after it was moved") == 0);
  // Rebinding with set makes it usable again (the push idiom); views and inspections borrow.
  CHECK(check(R"(["begin", ["let", "v", ["vec_u8.with_capacity", 1]], ["set", "v", ["vec_u8.push", "v", 1]],
                 ["let", "n", ["vec_u8.len", "v"]], ["vec_u8.into_bytes", "v"]])").ir.has_value());
  CHECK(check(R"(["begin", ["let", "r", ["result_bytes.ok", ["bytes.lit", "a"]]], ["let", "k", ["result_bytes.is_ok", "r"]],
                 ["result_bytes.unwrap_or", "r", ["bytes.lit", "d"]]])").ir.has_value());
  // Moved on one branch of an if: moved after it.
  only_error(R"(["begin", ["let", "b", ["bytes.lit", "a"]], ["if", 1, ["begin", ["let", "c", ["bytes.concat", "b", "b"]], ["let", "d", "b"], 0], 0], ["view.len", "b"]])",
             "E_PIPE_X07_MOVED", "/x/3/1");
  // A loop body that moves an outer value without setting it again.
  only_error(R"(["begin", ["let", "b", ["bytes.lit", "a"]], ["for", "i", 0, 3, ["begin", ["let", "c", "b"], 0]], 0])",
             "E_PIPE_X07_MOVED", "/x/2/4");
}

TEST_CASE("x07 typecheck: the view results, try_doc, std.brand and the std wrappers") {
  CHECK(type_of(R"(["result_bytes_view.ok", ["bytes.view_lit", "a"]])") == Ty::kResView);
  CHECK(type_of(R"(["option_bytes_view.none"])") == Ty::kOptView);
  CHECK(type_of(R"(["option_bytes_view.unwrap_or", ["option_bytes_view.none"], ["bytes.lit", "d"]])") == Ty::kView);
  CHECK(type_of(R"(["std.view.slice_v1", ["bytes.view_lit", "abc"], -1, 99])") == Ty::kView);
  CHECK(type_of(R"(["std.bytes.take", ["bytes.lit", "abc"], 2])") == Ty::kBytes);
  CHECK(type_of(R"(["std.test.assert_i32_eq", 1, 1, ["std.test.code_assert_i32_eq"]])") == Ty::kResI32);
  CHECK(type_of(R"(["std.vec.as_bytes", ["std.vec.with_capacity", 1]])") == Ty::kBytes);
  CHECK(type_of(R"(["std.brand.erase_bytes_v1", ["std.brand.assume_bytes_v1", "b.x_v1", ["bytes.lit", "a"]]])") == Ty::kBytes);
  const Checked cast = check_with_library(R"(["std.brand.cast_view_v1", "std.str.utf8_v1", "std.str.validate_v1", "item"])");
  REQUIRE(cast.ir.has_value());
  CHECK(cast.ir->node.ty == Ty::kResView);
  CHECK(check_with_library(R"(["std.brand.cast_bytes_v1", "std.str.utf8_v1", "std.str.validate_v1", ["bytes.lit", "a"]])").ir->node.ty ==
        Ty::kResBytes);

  // try_doc and try belong to functions of the right result; a try of a result_bytes_view too.
  only_error(R"(["try_doc", ["bytes.lit", "x"]])", "E_PIPE_X07_TYPE", "/x");
  only_error(R"(["try", ["result_bytes_view.err", 1]])", "E_PIPE_X07_TYPE", "/x");
  only_error(R"(["result_bytes_view.ok", 5])", "E_PIPE_X07_TYPE", "/x/1");
  only_error(R"(["std.brand.assume_bytes_v1", 5, ["bytes.lit", "a"]])", "E_PIPE_X07_TYPE", "/x/1");
  only_error(R"(["std.brand.view_v1", ["bytes.lit", "a"]])", "E_PIPE_X07_TYPE", "/x/1");
  only_error(R"(["std.brand.cast_view_v1", "b", "v"])", "E_PIPE_X07_ARITY", "/x");
  // A validator must be (bytes_view) -> result_i32; a filter is not.
  const Checked filter = check_with_library(R"(["std.brand.cast_view_v1", "b", "std.text.utf8.is_valid", "item"])");
  CHECK_FALSE(filter.ir.has_value());
  REQUIRE(filter.diags.size() == 1);
  CHECK(filter.diags[0].code == "E_PIPE_X07_TYPE");
  CHECK(filter.diags[0].pointer == "/x/2");
  // Names sluice does not have keep the stable diagnostic.
  only_error(R"(["std.bytes.no_such_v1", ["bytes.lit", "a"]])", "E_PIPE_X07_UNKNOWN_NAME", "/x/0");
  const Checked unknown = check_with_library(R"(["std.brand.cast_view_v1", "b", "std.no.such_v1", "item"])");
  REQUIRE(unknown.diags.size() == 1);
  CHECK(unknown.diags[0].code == "E_PIPE_X07_UNKNOWN_NAME");
  CHECK(unknown.diags[0].pointer == "/x/2");
}

TEST_CASE("x07 typecheck: cast_bytes_v1 moves its bytes") {
  const Checked c = check_with_library(R"(["begin", ["let", "b", ["bytes.lit", "a"]],
      ["let", "r", ["std.brand.cast_bytes_v1", "std.str.utf8_v1", "std.str.validate_v1", "b"]], ["bytes.len", "b"]])");
  CHECK_FALSE(c.ir.has_value());
  REQUIRE(c.diags.size() == 1);
  CHECK(c.diags[0].code == "E_PIPE_X07_MOVED");
}
