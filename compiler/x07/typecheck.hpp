// The static type checker of x07 bodies and expressions (spec x07-modules §2): checks forms,
// arities, types and names, reporting each problem at file, line:column and JSON pointer, and
// produces the typed tree (ir.hpp) the interpreter runs. Private to compiler/.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "compiler/x07/ir.hpp"

namespace sluice::x07 {

// What a call head names outside the special forms, operators and builtins.
struct Callee {
  const FnIr* fn = nullptr;  // a user function, or
  UserFn native;             // a library/host function with signature `sig`
  UserFnSig sig = UserFnSig::kMap;
  std::string native_name;
};

struct CheckEnv {
  std::string file;
  std::vector<Diagnostic>* out = nullptr;
  bool has_input = false;  // `input` is visible (module bodies and entry modules)
  // Resolves a call head; reports (and returns nullopt) when it names nothing visible.
  std::function<std::optional<Callee>(const std::string& name, const JsonNode& at, const std::string& pointer)> resolve;
};

// Parameter and result types of a native signature.
std::vector<Ty> sig_params(UserFnSig s);
Ty sig_result(UserFnSig s);

// Checks fn.decl's body; fills fn.body and fn.nslots. False when an error was reported.
bool check_fn(FnIr& fn, const CheckEnv& env);

struct ExprIr {
  Node node;
  std::uint32_t nslots = 0;
};
// A free expression (an expr_v1 argument, an entry's `let`): `locals` are visible (slots 0..n-1)
// and its type must be `want` (bytes is accepted for bytes_view; kNever accepts any type).
// nullopt after reporting.
std::optional<ExprIr> check_expr_ir(const JsonNode& x, const std::string& pointer,
                                    const std::vector<std::pair<std::string, Ty>>& locals, Ty want,
                                    const CheckEnv& env);

// True when evaluating `n` calls a run-time builtin (std.db.open_v1, ...), itself or in a function
// it calls: the expression is then a run-time argument (docs/expressions.md).
bool needs_run_time(const Node& n);

// True when evaluating `n` may read the program input (`input`), itself or in a function it calls.
bool reads_input(const Node& n);

}  // namespace sluice::x07
