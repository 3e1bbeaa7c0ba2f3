#include "compiler/check_values.hpp"

#include <algorithm>
#include <limits>

namespace sluice {

void CheckContext::report(DiagId id, const JsonNode& at, const std::string& pointer, std::string message,
                          std::string hint) const {
  out.push_back(make_diagnostic(id, std::string(file), at.pos.line, at.pos.column, pointer, std::move(message),
                                std::move(hint)));
}

std::string_view value_type_name(ValueType t) {
  switch (t) {
    case ValueType::kI32: return "i32";
    case ValueType::kBytes: return "bytes";
    case ValueType::kBytesView: return "bytes_view";
  }
  return "?";
}

std::string line_col(const JsonNode& node) {
  return std::to_string(node.pos.line) + ":" + std::to_string(node.pos.column);
}

namespace {

constexpr std::string_view kI32Range = "i32 [-2147483648, 2147483647]";

bool all_digits(std::string_view s) {
  std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

bool fits_i32(const JsonNode& n) {
  return n.fits_i64 && n.i64 >= std::numeric_limits<std::int32_t>::min() &&
         n.i64 <= std::numeric_limits<std::int32_t>::max();
}

void report_out_of_i32(const JsonNode& node, const std::string& pointer, std::string_view what, CheckContext& ctx) {
  ctx.report(DiagId::kIntRange, node, pointer,
             std::string(what) + " must fit in " + std::string(kI32Range) + ", found integer " + node.text,
             "X07 integer literals are i32, including the fields its docs call u32");
}

std::string_view last_segment(std::string_view s) {
  const std::size_t dot = s.rfind('.');
  return dot == std::string_view::npos ? s : s.substr(dot + 1);
}

}  // namespace

std::optional<std::int32_t> check_int_literal(const JsonNode& node, const std::string& pointer,
                                              std::string_view what, CheckContext& ctx) {
  const std::string expected = std::string(what) + " must be an integer literal";
  switch (node.kind) {
    case JsonKind::kInteger:
      if (fits_i32(node)) return static_cast<std::int32_t>(node.i64);
      report_out_of_i32(node, pointer, what, ctx);
      return std::nullopt;
    case JsonKind::kNumber:
      ctx.report(DiagId::kValueType, node, pointer, expected + ", found " + describe_json(node),
                 "x07 integer literals have no fraction or exponent");
      return std::nullopt;
    case JsonKind::kString:
      ctx.report(DiagId::kValueType, node, pointer, expected + ", found " + describe_json(node),
                 all_digits(node.text) ? "write it without quotes: " + node.text : std::string{});
      return std::nullopt;
    default:
      if (node.is_form("std.stream.expr_v1")) {
        ctx.report(DiagId::kValueType, node, pointer,
                   expected + ", not an expression (X07: \"must be an integer\"), found " + describe_json(node),
                   "write the number itself");
        return std::nullopt;
      }
      ctx.report(DiagId::kValueType, node, pointer, expected + ", found " + describe_json(node));
      return std::nullopt;
  }
}

std::optional<std::string> symbol_problem(std::string_view s) {
  if (s.empty()) return "it is empty";
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view seg = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (seg.empty()) {
      const char* where = start == 0 ? "leading '.'" : dot == std::string_view::npos ? "trailing '.'" : "'..'";
      return std::string("it has an empty segment (") + where + ")";
    }
    const auto head_ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!head_ok(seg[0])) return "segment \"" + std::string(seg) + "\" does not start with a letter or '_'";
    for (const char c : seg) {
      if (!head_ok(c) && !(c >= '0' && c <= '9') && c != '-') {
        const auto u = static_cast<unsigned char>(c);
        std::string shown = u >= 0x21 && u < 0x7F ? std::string("'") + c + "'" : "a non-ASCII or blank character";
        if (c == ' ') shown = "a space";
        return "segment \"" + std::string(seg) + "\" contains " + shown;
      }
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

std::optional<ArgValue> check_expr(const JsonNode& node, const std::string& pointer, ValueType want,
                                   std::string_view what, CheckContext& ctx) {
  const std::string type(value_type_name(want));
  if (!node.is_form("std.stream.expr_v1")) {
    std::string hint;
    if (node.is_integer() && want == ValueType::kI32) {
      hint = "wrap it: [\"std.stream.expr_v1\", " + node.text + "]";
    } else if (node.is_string() && want != ValueType::kI32) {
      hint = "wrap it: [\"std.stream.expr_v1\", [\"bytes.lit\", " + json_quote(node.text) + "]]";
    } else if (node.is_form("bytes.lit")) {
      hint = "wrap it: [\"std.stream.expr_v1\", [\"bytes.lit\", ...]]";
    }
    ctx.report(DiagId::kExprExpected, node, pointer,
               std::string(what) + " must be [\"std.stream.expr_v1\", X] with X of type " + type + ", found " +
                   describe_json(node),
               std::move(hint));
    return std::nullopt;
  }
  if (node.items.size() != 2) {
    ctx.report(DiagId::kArity, node, pointer,
               "std.stream.expr_v1 takes exactly one expression, found " + std::to_string(node.items.size() - 1),
               "write [\"std.stream.expr_v1\", X]");
    return std::nullopt;
  }
  const JsonNode& x = node.items[1];
  const std::string xp = json_pointer_append(pointer, 1);
  const auto type_error = [&](std::string_view found) {
    ctx.report(DiagId::kExprType, x, xp, std::string(what) + " must be " + type + ", found " + std::string(found),
               want == ValueType::kI32 ? "write an integer literal"
                                       : "write [\"bytes.lit\", \"text\"] for literal bytes");
  };
  switch (x.kind) {
    case JsonKind::kInteger:
      if (want != ValueType::kI32) {
        type_error("i32 (integer " + x.text + ")");
        return std::nullopt;
      }
      if (!fits_i32(x)) {
        report_out_of_i32(x, xp, what, ctx);
        return std::nullopt;
      }
      return ArgValue{ArgValue::Kind::kInt, x.i64, {}};
    case JsonKind::kNumber:
      ctx.report(DiagId::kValueType, x, xp,
                 std::string(what) + " must be " + type + "; x07 has no floating-point literals, found " +
                     describe_json(x),
                 "i32 literals have no fraction or exponent");
      return std::nullopt;
    case JsonKind::kNull:
    case JsonKind::kBool:
    case JsonKind::kObject:
      ctx.report(DiagId::kValueType, x, xp,
                 std::string(what) + " must be an x07 expression of type " + type + ", found " + describe_json(x));
      return std::nullopt;
    case JsonKind::kString:
    case JsonKind::kArray:
      break;
  }
  if (!x.is_form("bytes.lit") && ctx.eval) return (*ctx.eval)(x, xp, want, what);
  if (!x.is_form("bytes.lit")) {
    const bool form = x.is_array() && !x.items.empty() && x.items[0].is_string();
    const std::string found = x.is_string() ? "identifier " + json_quote(x.text)
                              : form        ? "the form " + json_quote(x.items[0].text)
                                            : "expression " + describe_json(x);
    ctx.report(DiagId::kExprUnsupported, x, xp,
               found + " in " + std::string(what) +
                   " is not supported yet (the expression language is a later feature)",
               "for now an expression is an integer literal or [\"bytes.lit\", \"text\"]");
    return std::nullopt;
  }
  if (x.items.size() != 2) {
    ctx.report(DiagId::kArity, x, xp,
               "bytes.lit takes exactly one string, found " + std::to_string(x.items.size() - 1) + " arguments",
               "write [\"bytes.lit\", \"text\"]");
    return std::nullopt;
  }
  if (!x.items[1].is_string()) {
    ctx.report(DiagId::kValueType, x.items[1], json_pointer_append(xp, 1),
               "bytes.lit takes a string, found " + describe_json(x.items[1]));
    return std::nullopt;
  }
  if (want == ValueType::kI32) {
    type_error("bytes ([\"bytes.lit\", " + json_quote(x.items[1].text) + "])");
    return std::nullopt;
  }
  return ArgValue{ArgValue::Kind::kBytes, 0, x.items[1].text};
}

std::string element_count(const JsonNode& node) {
  if (!node.is_array()) return {};
  const std::size_t n = node.items.size();
  return " with " + std::to_string(n) + (n == 1 ? " element" : " elements");
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the transposition step looks two rows back.
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view given, std::span<const std::string_view> candidates) {
  // A typo changes a few characters of the distinctive part; more than a third of it is a
  // different name, and suggesting it would mislead.
  const std::size_t limit = std::max<std::size_t>(1, last_segment(given).size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_d = limit + 1;
  for (const std::string_view c : candidates) {
    const std::size_t d = std::min({edit_distance(given, c), edit_distance(last_segment(given), last_segment(c)),
                                    edit_distance(given, last_segment(c))});
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view given, std::span<const std::string_view> candidates) {
  const auto m = closest_match(given, candidates);
  return m ? "did you mean " + json_quote(*m) + "?" : std::string{};
}

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (const std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace sluice
