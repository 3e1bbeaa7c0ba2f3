// What every part of the descriptor check shares: the context that turns a node and a message into
// a Diagnostic, the checks of single values (i32 literals, symbols, expr_v1 arguments), and the
// "did you mean" suggestions. Private to compiler/.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "runtime/world.hpp"
#include "stdlib/catalog.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

// Checks and evaluates an expr_v1 expression that is more than a literal (the x07 expression
// language, compiler/x07); reports and returns nullopt on errors.
using ExprEvalFn = std::function<std::optional<ArgValue>(const JsonNode& x, const std::string& pointer, ValueType want,
                                                         std::string_view what)>;

struct CheckContext {
  std::string_view file;
  World world;
  std::vector<Diagnostic>& out;
  const ExprEvalFn* eval = nullptr;  // absent: only literals are accepted

  // The diagnostic sits at `at` (line:column) and `pointer` (which must name `at`).
  void report(DiagId id, const JsonNode& at, const std::string& pointer, std::string message,
              std::string hint = {}) const;
};

std::string_view value_type_name(ValueType t);  // "i32" | "bytes" | "bytes_view"
std::string line_col(const JsonNode& node);     // "3:14", for "first given at ..." notes

// A JSON integer literal within i32, or nullopt after reporting why not. `what` names the value
// in the message, e.g. "cfg max_items" or "field max_frame_bytes of std.stream.xf.deframe_u32le_v1".
std::optional<std::int32_t> check_int_literal(const JsonNode& node, const std::string& pointer,
                                              std::string_view what, CheckContext& ctx);

// Why `s` breaks the symbol rule of spec §2 (dotted segments of [A-Za-z_][A-Za-z0-9_-]*), or
// nullopt when it is a valid symbol.
std::optional<std::string> symbol_problem(std::string_view s);

// ["std.stream.expr_v1", X] evaluated to a value of type `want`, or nullopt after reporting why
// not. An integer literal or ["bytes.lit", "text"] is taken as is; any other expression goes to
// ctx.eval. bytes satisfies bytes_view (X07 borrows it at the call). `what` names the argument.
std::optional<ArgValue> check_expr(const JsonNode& node, const std::string& pointer, ValueType want,
                                   std::string_view what, CheckContext& ctx);

// " with N element(s)" for a list, "" otherwise: the tail of a "found ..." for a malformed field.
std::string element_count(const JsonNode& node);

// Edit distance in bytes, a swap of two neighbours counting as one edit (optimal string
// alignment): transpositions are the most common typo.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `given` when it is close enough to be a likely typo (a candidate's
// last dotted segment counts too, so "split_lines_v1" finds "std.stream.xf.split_lines_v1").
std::optional<std::string_view> closest_match(std::string_view given, std::span<const std::string_view> candidates);
// "did you mean \"x\"?" or "" when nothing is close.
std::string did_you_mean(std::string_view given, std::span<const std::string_view> candidates);
// `a, b, c` for hints.
std::string join_names(std::span<const std::string_view> names);

}  // namespace sluice
