#include "compiler/check_descriptor.hpp"

#include <algorithm>
#include <array>

namespace sluice {
namespace {

constexpr std::string_view kExprHead = "std.stream.expr_v1";
constexpr std::string_view kFnHead = "std.stream.fn_v1";

std::string_view kind_name(StageKind k) {
  switch (k) {
    case StageKind::kSource: return "source";
    case StageKind::kTransducer: return "transducer";
    case StageKind::kSink: return "sink";
  }
  return "stage";
}

// X07's word for the kind in "unsupported pipe src|xf|sink: <head>".
std::string_view x07_kind_word(StageKind k) {
  switch (k) {
    case StageKind::kSource: return "src";
    case StageKind::kTransducer: return "xf";
    case StageKind::kSink: return "sink";
  }
  return "?";
}

std::vector<std::string_view> stage_ids(std::optional<StageKind> kind) {
  std::vector<std::string_view> ids;
  for (const StageSpec* s : all_stages())
    if (!kind || s->kind == *kind) ids.push_back(s->id);
  return ids;
}

std::vector<std::string_view> field_names(const StageSpec& spec) {
  std::vector<std::string_view> names;
  for (const FieldSpec& f : spec.fields) names.push_back(f.name);
  return names;
}

std::optional<std::size_t> field_index(const StageSpec& spec, std::string_view name) {
  for (std::size_t i = 0; i < spec.fields.size(); ++i)
    if (spec.fields[i].name == name) return i;
  return std::nullopt;
}

std::optional<std::size_t> fn_field_index(const StageSpec& spec) {
  for (std::size_t i = 0; i < spec.fields.size(); ++i)
    if (spec.fields[i].kind == FieldKind::kFn && spec.fields[i].name == "fn") return i;  // not par_map's mapper_defasync
  return std::nullopt;
}

// A list headed by one of the stage's field names: the user wrote a field where a positional
// argument (or the inner sink) belongs, i.e. the positional one is missing.
bool is_field_of(const StageSpec& spec, const JsonNode& node) {
  return node.is_array() && !node.items.empty() && node.items[0].is_string() &&
         field_index(spec, node.items[0].text).has_value();
}

std::string positional_list(const StageSpec& spec) {
  std::string out;
  for (const PositionalSpec& p : spec.positional) {
    if (!out.empty()) out += ", ";
    out += std::string(p.name) + ": " + std::string(value_type_name(p.type));
  }
  return out;
}

std::string worlds_where(bool (*allows)(World)) {
  std::string out;
  std::string_view all = world_ids_joined();
  while (!all.empty()) {
    const std::size_t comma = all.find(", ");
    const std::string_view id = all.substr(0, comma);
    all = comma == std::string_view::npos ? std::string_view{} : all.substr(comma + 2);
    const auto w = parse_world(id);
    if (w && allows(*w)) out += (out.empty() ? "" : ", ") + std::string(id);
  }
  return out;
}

// The value nodes behind a CheckedStage, kept only while checking so warnings can point at them.
struct StageNodes {
  std::vector<const JsonNode*> positional;  // the X of each ["std.stream.expr_v1", X]
  std::vector<std::string> positional_pointers;
  std::vector<const JsonNode*> fields;  // parallel to spec->fields; nullptr = not written
  std::vector<std::string> field_pointers;
};

class StageChecker {
 public:
  StageChecker(CheckContext& ctx, const CheckedCfg& cfg) : ctx_(ctx), cfg_(cfg) {}

  CheckedStage check(const JsonNode& node, const std::string& pointer, StageKind want, bool inner_sink) {
    CheckedStage st;
    st.pointer = pointer;
    const std::string what = std::string(kind_name(want));
    if (!node.is_array()) {
      ctx_.report(DiagId::kExpectedList, node, pointer,
                  "expected a " + what + " descriptor [\"<id>\", ...], found " + describe_json(node));
      return st;
    }
    if (node.items.empty() || !node.items[0].is_string()) {
      const bool empty = node.items.empty();
      ctx_.report(DiagId::kHead, empty ? node : node.items[0], empty ? pointer : json_pointer_append(pointer, 0),
                  "a " + what + " descriptor starts with its id string, found " +
                      (empty ? std::string("an empty list") : describe_json(node.items[0])),
                  "known " + what + "s: " + join_names(stage_ids(want)));
      return st;
    }
    const JsonNode& head = node.items[0];
    const std::string head_pointer = json_pointer_append(pointer, 0);
    const StageSpec* spec = find_stage(head.text);
    if (!spec) {
      report_unknown(head, head_pointer, want);
      return st;
    }
    if (spec->kind != want) {
      ctx_.report(DiagId::kStageKind, head, head_pointer,
                  head.text + " is a " + std::string(kind_name(spec->kind)) + ", but a " + what +
                      " is expected here",
                  want == StageKind::kTransducer ? "the chain holds transducers only; the source and the sink are "
                                                   "elements 2 and 4 of std.stream.pipe_v1"
                                                 : std::string{});
    }
    if (inner_sink && spec->wraps_sink) {
      ctx_.report(DiagId::kU32FramesNested, head, head_pointer,
                  "std.stream.sink.u32frames_v1 cannot wrap another u32frames_v1",
                  "use one u32frames_v1 around a plain sink");
      return st;
    }
    st.spec = spec;
    StageNodes nodes;
    std::size_t next = 1;
    if (spec->wraps_sink) {
      if (node.items.size() < 2 || is_field_of(*spec, node.items[1])) {
        ctx_.report(DiagId::kArity, node, pointer,
                    head.text + " expects an inner sink as its first argument, found none",
                    "write [\"" + head.text + "\", [\"std.stream.sink.collect_bytes_v1\"]]");
      } else {
        st.inner = std::make_unique<CheckedStage>(
            check(node.items[1], json_pointer_append(pointer, 1), StageKind::kSink, /*inner_sink=*/true));
        next = 2;
      }
    }
    next = check_positional(node, pointer, *spec, next, st, nodes);
    check_fields(node, pointer, *spec, next, st, nodes);
    if (spec->kind == want) check_world(*spec, head, head_pointer);
    warn_always_fails(*spec, st, nodes);
    return st;
  }

 private:
  CheckContext& ctx_;
  const CheckedCfg& cfg_;

  void report_unknown(const JsonNode& head, const std::string& head_pointer, StageKind want) {
    const std::vector<std::string_view> same_kind = stage_ids(want);
    std::string hint = did_you_mean(head.text, stage_ids(std::nullopt));
    if (hint.empty()) hint = "known " + std::string(kind_name(want)) + "s: " + join_names(same_kind);
    ctx_.report(DiagId::kUnknownStage, head, head_pointer,
                "unknown " + std::string(kind_name(want)) + " id " + json_quote(head.text) +
                    " (X07: unsupported pipe " + std::string(x07_kind_word(want)) + ": " + head.text + ")",
                std::move(hint));
  }

  // Elements next.. hold the positional expr_v1 arguments; returns the index of the first field.
  std::size_t check_positional(const JsonNode& node, const std::string& pointer, const StageSpec& spec,
                               std::size_t next, CheckedStage& st, StageNodes& nodes) {
    const std::string id(spec.id);
    for (std::size_t i = 0; i < spec.positional.size(); ++i) {
      const std::size_t at = next + i;
      if (at >= node.items.size() || is_field_of(spec, node.items[at])) {
        const std::size_t n = spec.positional.size();
        ctx_.report(DiagId::kArity, node, pointer,
                    id + " expects " + std::to_string(n) + " positional argument" + (n == 1 ? "" : "s") + " (" +
                        positional_list(spec) + ") before its fields, found " + std::to_string(i),
                    "each one is written [\"std.stream.expr_v1\", X]");
        return at;
      }
      const PositionalSpec& p = spec.positional[i];
      const std::string ap = json_pointer_append(pointer, at);
      const auto v = check_expr(node.items[at], ap, p.type, "argument " + std::string(p.name) + " of " + id, ctx_);
      st.positional.push_back(v.value_or(ArgValue{}));
      // A value means the element was a well-formed ["std.stream.expr_v1", X].
      nodes.positional.push_back(v ? &node.items[at].items[1] : nullptr);
      nodes.positional_pointers.push_back(json_pointer_append(ap, 1));
    }
    return next + spec.positional.size();
  }

  void check_fields(const JsonNode& node, const std::string& pointer, const StageSpec& spec, std::size_t next,
                    CheckedStage& st, StageNodes& nodes) {
    const std::string id(spec.id);
    st.fields.assign(spec.fields.size(), std::nullopt);
    nodes.fields.assign(spec.fields.size(), nullptr);
    nodes.field_pointers.assign(spec.fields.size(), std::string{});
    std::vector<const JsonNode*> seen(spec.fields.size(), nullptr);
    for (std::size_t i = next; i < node.items.size(); ++i) {
      const JsonNode& item = node.items[i];
      const std::string ip = json_pointer_append(pointer, i);
      if (item.is_form(kExprHead)) {
        const std::size_t n = spec.positional.size();
        ctx_.report(DiagId::kArity, item, ip,
                    id + " takes " + std::to_string(n) + " positional argument" + (n == 1 ? "" : "s") +
                        (n ? " (" + positional_list(spec) + ")" : std::string{}) + "; this one is extra");
        continue;
      }
      // A bare ["std.stream.fn_v1", f] is the stage's function (spec §7.1, §7.2, §7.4).
      std::string kp, vp;
      if (item.is_form(kFnHead)) {
        const auto fi = fn_field_index(spec);
        if (fi) {
          if (seen[*fi]) {
            ctx_.report(DiagId::kDuplicateField, item, ip,
                        id + " has duplicate field: fn (first at " + line_col(*seen[*fi]) + ")");
            continue;
          }
          seen[*fi] = &item;
          st.fields[*fi] = check_field_value(spec, spec.fields[*fi], item, ip);
          continue;
        }
      }
      // plugin_v1: the field opts_v1 holds the form ["opts_v1", ["strict_brands", 0|1],
      // ["strict_cfg_canon", 0|1]] (spec §7.10; X07 reads the field's value as that form).
      if (item.is_form("opts_v1") && has_plugin_opts(spec)) {
        if (item.items.size() != 2 || !item.items[1].is_form("opts_v1")) {
          ctx_.report(DiagId::kFieldShape, item, ip,
                      id + " field opts_v1 must be [\"opts_v1\", [\"opts_v1\", [\"strict_brands\", 0|1], ...]], found " +
                          describe_json(item),
                      "the value is itself an opts_v1 form: [\"opts_v1\", [\"opts_v1\", [\"strict_cfg_canon\", 0]]]");
          continue;
        }
        check_plugin_opts(spec, item.items[1], json_pointer_append(ip, 1), st, seen);
        continue;
      }
      if (!item.is_array() || item.items.size() != 2 || !item.items[0].is_string()) {
        const bool bad_key = item.is_array() && item.items.size() == 2;
        ctx_.report(DiagId::kFieldShape, bad_key ? item.items[0] : item, bad_key ? json_pointer_append(ip, 0) : ip,
                    bad_key ? "a field key of " + id + " must be a string, found " + describe_json(item.items[0])
                            : "a field of " + id + " must be [\"key\", value], found " + describe_json(item) +
                                  element_count(item),
                    "fields: " + join_names(field_names(spec)));
        continue;
      }
      const JsonNode& key = item.items[0];
      kp = json_pointer_append(ip, 0);
      auto fi = field_index(spec, key.text);
      if (fi && spec.fields[*fi].kind == FieldKind::kPluginOpt) fi = std::nullopt;  // only inside opts_v1
      if (!fi) {
        const auto names = field_names(spec);
        std::string hint = did_you_mean(key.text, names);
        if (hint.empty()) hint = "fields of " + id + ": " + join_names(names);
        ctx_.report(DiagId::kUnknownField, key, kp, id + " unknown field: " + key.text, std::move(hint));
        continue;
      }
      if (seen[*fi]) {
        ctx_.report(DiagId::kDuplicateField, key, kp,
                    id + " has duplicate field: " + key.text + " (first at " + line_col(*seen[*fi]) + ")",
                    "remove one; only std.stream.cfg_v1 lets a later key override an earlier one");
        continue;
      }
      seen[*fi] = &key;
      vp = json_pointer_append(ip, 1);
      st.fields[*fi] = check_field_value(spec, spec.fields[*fi], item.items[1], vp);
      if (st.fields[*fi]) {
        nodes.fields[*fi] = &item.items[1];
        nodes.field_pointers[*fi] = vp;
      }
    }
    for (std::size_t f = 0; f < spec.fields.size(); ++f) {
      const FieldSpec& fs = spec.fields[f];
      if (!fs.required || seen[f]) continue;
      const std::string example = fs.kind == FieldKind::kWord && !fs.words.empty()
                                      ? json_quote(fs.words[0])
                                      : fs.kind == FieldKind::kExpr ? "[\"std.stream.expr_v1\", X]"
                                      : fs.kind == FieldKind::kFn   ? "[\"std.stream.fn_v1\", \"<module_id>.<fn>\"]"
                                      : fs.kind == FieldKind::kSymbol ? "\"<symbol>\""
                                      : fs.kind == FieldKind::kPluginId ? "[\"bytes.lit\", \"<plugin id>\"]"
                                                                      : "<integer>";
      ctx_.report(DiagId::kMissingField, node, pointer, id + " is missing required field " + std::string(fs.name),
                  "add [\"" + std::string(fs.name) + "\", " + example + "]");
    }
  }

  std::optional<ArgValue> check_field_value(const StageSpec& spec, const FieldSpec& fs, const JsonNode& v,
                                            const std::string& vp) {
    const std::string what = "field " + std::string(fs.name) + " of " + std::string(spec.id);
    switch (fs.kind) {
      case FieldKind::kIntLiteral: {
        const auto n = check_int_literal(v, vp, what, ctx_);
        if (!n) return std::nullopt;
        if (*n < fs.min_value) {
          ctx_.report(DiagId::kValueRange, v, vp,
                      what + " must be at least " + std::to_string(fs.min_value) + ", found " + v.text);
          return std::nullopt;
        }
        return ArgValue{ArgValue::Kind::kInt, *n, {}};
      }
      case FieldKind::kWord: {
        const std::string one_of = what + " must be one of " + join_names(fs.words);
        if (!v.is_string()) {
          ctx_.report(DiagId::kValueType, v, vp, one_of + " (a string), found " + describe_json(v));
          return std::nullopt;
        }
        const auto it = std::find(fs.words.begin(), fs.words.end(), v.text);
        if (it == fs.words.end()) {
          ctx_.report(DiagId::kWord, v, vp, one_of + ", found " + json_quote(v.text), did_you_mean(v.text, fs.words));
          return std::nullopt;
        }
        return ArgValue{ArgValue::Kind::kWord, it - fs.words.begin(), v.text};
      }
      case FieldKind::kBrandIn:
      case FieldKind::kBrandOut: return check_brand(spec, fs, v, vp, what);
      case FieldKind::kExpr: return check_expr(v, vp, fs.type, what, ctx_);
      case FieldKind::kFn: {
        // par_map's mapper_defasync may also name its function bare (spec §2).
        if (v.is_string() && fs.name == "mapper_defasync") {
          if (const auto why = symbol_problem(v.text)) {
            ctx_.report(DiagId::kSymbol, v, vp, "invalid function name " + json_quote(v.text) + " in " + what + ": " + *why);
            return std::nullopt;
          }
          return ArgValue{ArgValue::Kind::kWord, 0, v.text};
        }
        if (!v.is_form(kFnHead) || v.items.size() != 2 || !v.items[1].is_string()) {
          ctx_.report(v.is_form(kFnHead) ? DiagId::kArity : DiagId::kValueType, v, vp,
                      what + " must be [\"std.stream.fn_v1\", \"<module_id>.<fn>\"], found " + describe_json(v) +
                          element_count(v));
          return std::nullopt;
        }
        const std::string& name = v.items[1].text;
        if (const auto why = symbol_problem(name)) {
          ctx_.report(DiagId::kSymbol, v.items[1], json_pointer_append(vp, 1),
                      "invalid function name " + json_quote(name) + " in " + what + ": " + *why);
          return std::nullopt;
        }
        return ArgValue{ArgValue::Kind::kWord, 0, name};
      }
      case FieldKind::kPluginId: {
        // Resolved at compile time, so it must be a literal (spec §7.10).
        const JsonNode* lit = &v;
        std::string lp = vp;
        if (v.is_form(kExprHead) && v.items.size() == 2) {
          lit = &v.items[1];
          lp = json_pointer_append(vp, 1);
        }
        if (!lit->is_form("bytes.lit") || lit->items.size() != 2 || !lit->items[1].is_string() || lit->items[1].text.empty()) {
          ctx_.report(DiagId::kPluginIdNotLiteral, v, vp,
                      what + " must be a literal [\"bytes.lit\", \"<plugin id>\"] (optionally inside std.stream.expr_v1), found " +
                          describe_json(v),
                      "the plugin is looked up in the registry when the pipe is compiled");
          return std::nullopt;
        }
        return ArgValue{ArgValue::Kind::kWord, 0, lit->items[1].text};
      }
      case FieldKind::kPluginOpt: {
        const auto n = check_int_literal(v, vp, what, ctx_);
        if (!n) return std::nullopt;
        if (*n != 0 && *n != 1) {
          ctx_.report(DiagId::kValueRange, v, vp, what + " must be 0 or 1, found " + v.text);
          return std::nullopt;
        }
        return ArgValue{ArgValue::Kind::kInt, *n, {}};
      }
      case FieldKind::kScopeCfg: return check_scope_cfg(v, vp, what);
      case FieldKind::kSymbol: {
        if (!v.is_string()) {
          ctx_.report(DiagId::kValueType, v, vp, what + " must be a symbol (a string), found " + describe_json(v));
          return std::nullopt;
        }
        if (const auto why = symbol_problem(v.text)) {
          ctx_.report(DiagId::kSymbol, v, vp, "invalid symbol " + json_quote(v.text) + " in " + what + ": " + *why);
          return std::nullopt;
        }
        return ArgValue{ArgValue::Kind::kWord, 0, v.text};
      }
    }
    return std::nullopt;
  }

  // par_map scope_cfg: ["task.scope.cfg_v1", [key, int >= 0]...] with X07's five task-scope keys,
  // each at most once. Kept as "key=value;..." in key order (the plan shows it; docs/compat.md
  // says why sluice does not meter these cooperative-scheduler budgets).
  std::optional<ArgValue> check_scope_cfg(const JsonNode& v, const std::string& vp, const std::string& what) {
    static constexpr std::array<std::string_view, 5> kKeys{"max_children", "max_ticks", "max_blocked_waits",
                                                           "max_join_polls", "max_slot_result_bytes"};
    if (!v.is_form("task.scope.cfg_v1")) {
      ctx_.report(DiagId::kFieldShape, v, vp,
                  what + " must be [\"task.scope.cfg_v1\", [\"max_children\", N], ...], found " + describe_json(v),
                  "keys: " + join_names(kKeys));
      return std::nullopt;
    }
    std::array<std::optional<std::int64_t>, kKeys.size()> values;
    bool ok = true;
    for (std::size_t j = 1; j < v.items.size(); ++j) {
      const JsonNode& kv = v.items[j];
      const std::string kvp = json_pointer_append(vp, j);
      if (!kv.is_array() || kv.items.size() != 2 || !kv.items[0].is_string()) {
        ctx_.report(DiagId::kFieldShape, kv, kvp, "a task.scope.cfg_v1 entry must be [\"key\", N], found " + describe_json(kv),
                    "keys: " + join_names(kKeys));
        ok = false;
        continue;
      }
      const auto it = std::find(kKeys.begin(), kKeys.end(), kv.items[0].text);
      if (it == kKeys.end()) {
        std::string hint = did_you_mean(kv.items[0].text, kKeys);
        if (hint.empty()) hint = "keys: " + join_names(kKeys);
        ctx_.report(DiagId::kUnknownField, kv.items[0], json_pointer_append(kvp, 0),
                    "task.scope.cfg_v1 unknown field: " + kv.items[0].text, std::move(hint));
        ok = false;
        continue;
      }
      const std::size_t k = static_cast<std::size_t>(it - kKeys.begin());
      if (values[k]) {
        ctx_.report(DiagId::kDuplicateField, kv.items[0], json_pointer_append(kvp, 0),
                    "task.scope.cfg_v1 has duplicate field: " + kv.items[0].text);
        ok = false;
        continue;
      }
      const std::string np = json_pointer_append(kvp, 1);
      const auto n = check_int_literal(kv.items[1], np, "task.scope.cfg_v1 " + kv.items[0].text, ctx_);
      if (!n) {
        ok = false;
        continue;
      }
      if (*n < 0) {
        ctx_.report(DiagId::kValueRange, kv.items[1], np,
                    "task.scope.cfg_v1 " + kv.items[0].text + " must be at least 0, found " + kv.items[1].text);
        ok = false;
        continue;
      }
      values[k] = *n;
    }
    if (!ok) return std::nullopt;
    std::string text;
    for (std::size_t k = 0; k < kKeys.size(); ++k)
      if (values[k]) text += std::string(kKeys[k]) + "=" + std::to_string(*values[k]) + ";";
    return ArgValue{ArgValue::Kind::kBytes, 0, text};
  }

  static bool has_plugin_opts(const StageSpec& spec) {
    return std::any_of(spec.fields.begin(), spec.fields.end(), [](const FieldSpec& f) { return f.kind == FieldKind::kPluginOpt; });
  }

  void check_plugin_opts(const StageSpec& spec, const JsonNode& item, const std::string& ip, CheckedStage& st,
                         std::vector<const JsonNode*>& seen) {
    const std::string id(spec.id);
    std::vector<std::string_view> names;
    for (const FieldSpec& f : spec.fields)
      if (f.kind == FieldKind::kPluginOpt) names.push_back(f.name);
    for (std::size_t j = 1; j < item.items.size(); ++j) {
      const JsonNode& o = item.items[j];
      const std::string op = json_pointer_append(ip, j);
      if (!o.is_array() || o.items.size() != 2 || !o.items[0].is_string()) {
        ctx_.report(DiagId::kFieldShape, o, op, "an option of opts_v1 must be [\"name\", 0|1], found " + describe_json(o),
                    "options: " + join_names(names));
        continue;
      }
      const auto fi = field_index(spec, o.items[0].text);
      if (!fi || spec.fields[*fi].kind != FieldKind::kPluginOpt) {
        std::string hint = did_you_mean(o.items[0].text, names);
        if (hint.empty()) hint = "options: " + join_names(names);
        ctx_.report(DiagId::kUnknownField, o.items[0], json_pointer_append(op, 0),
                    id + " opts_v1 unknown option: " + o.items[0].text, std::move(hint));
        continue;
      }
      if (seen[*fi]) {
        ctx_.report(DiagId::kDuplicateField, o.items[0], json_pointer_append(op, 0),
                    id + " opts_v1 has duplicate option: " + o.items[0].text + " (first at " + line_col(*seen[*fi]) + ")");
        continue;
      }
      seen[*fi] = &o.items[0];
      st.fields[*fi] = check_field_value(spec, spec.fields[*fi], o.items[1], json_pointer_append(op, 1));
    }
  }

  // Brand words per position (spec §6, §7, §8, §12): sources name a brand id only; sinks take
  // any | <brand>; transducers take any | same | <brand> in and same | none | <brand> out. Elsewhere
  // the words are not special and must pass as brand ids.
  std::optional<ArgValue> check_brand(const StageSpec& spec, const FieldSpec& fs, const JsonNode& v,
                                      const std::string& vp, const std::string& what) {
    if (!v.is_string()) {
      ctx_.report(DiagId::kValueType, v, vp, what + " must be a brand id string, found " + describe_json(v));
      return std::nullopt;
    }
    const std::string& b = v.text;
    const bool in = fs.kind == FieldKind::kBrandIn;
    if (spec.kind == StageKind::kSource && !in && (b == "any" || b == "same" || b == "none")) {
      ctx_.report(DiagId::kBrandNotAllowed, v, vp,
                  what + " must be a brand id; a source cannot declare " + json_quote(b),
                  "leave the field out for unbranded items");
      return std::nullopt;
    }
    if (spec.kind == StageKind::kSink && in && b == "same") {
      ctx_.report(DiagId::kBrandNotAllowed, v, vp, what + " cannot be \"same\"; a sink takes \"any\" or a brand id");
      return std::nullopt;
    }
    const bool special = spec.kind != StageKind::kSource &&
                         (in ? (b == "any" || b == "same") : (b == "same" || b == "none"));
    if (const auto why = special ? std::nullopt : symbol_problem(b)) {
      ctx_.report(DiagId::kSymbol, v, vp, "invalid brand id " + json_quote(b) + " in " + what + ": " + *why,
                  "brand ids are dotted segments of [A-Za-z_][A-Za-z0-9_-]*, e.g. std.text.slices.x7sl_v1");
      return std::nullopt;
    }
    return ArgValue{ArgValue::Kind::kWord, 0, b};
  }

  void check_world(const StageSpec& spec, const JsonNode& head, const std::string& head_pointer) {
    const World w = ctx_.world;
    const std::string got(world_name(w));
    if (spec.world == WorldNeed::kFsRead && !world_allows_fs_read(w)) {
      ctx_.report(DiagId::kWorld, head, head_pointer,
                  "fs.open_read is disabled in this world (" + got + "): " + std::string(spec.id) +
                      " reads files, which only these worlds allow: " + worlds_where(world_allows_fs_read),
                  "choose one with --world, e.g. --world solve-fs for read-only files under --root");
    } else if (spec.world == WorldNeed::kRr && !world_allows_rr(w)) {
      ctx_.report(DiagId::kWorld, head, head_pointer,
                  "record/replay is disabled in this world (" + got + "): " + std::string(spec.id) +
                      " replays cassettes, which only these worlds allow: " + worlds_where(world_allows_rr),
                  "choose one with --world, e.g. --world solve-rr, and give the run a cassette with --rr");
    } else if (spec.world == WorldNeed::kOs && !world_is_os(w)) {
      ctx_.report(DiagId::kWorld, head, head_pointer,
                  "std.stream.pipe_v1 requires an OS world (" + worlds_where(world_is_os) + "); got " + got,
                  std::string(spec.id) + " does OS I/O; choose --world run-os-sandboxed");
    }
  }

  // Literal arguments that make X07's stage init fail on every run (ERR 1). X07 does not reject
  // them at compile time, so neither do we: a warning, and the plan still gives that ERR doc.
  void warn_always_fails(const StageSpec& spec, const CheckedStage& st, const StageNodes& nodes) {
    const auto warn = [&](const JsonNode* at, const std::string& ap, const std::string& message) {
      if (at) ctx_.report(DiagId::kStageAlwaysFails, *at, ap, message);
    };
    const std::string id(spec.id);
    if (spec.id == "std.stream.xf.split_lines_v1" && st.positional.size() == 2 && nodes.positional[1] &&
        st.positional[1].i <= 0) {
      warn(nodes.positional[1], nodes.positional_pointers[1],
           id + " max_line_bytes is " + std::to_string(st.positional[1].i) +
               ": every run returns ERR 1 stream:split_lines_max_line_bytes (it must be > 0)");
    }
    const auto field = [&](std::string_view name) -> std::pair<const ArgValue*, std::size_t> {
      const auto fi = field_index(spec, name);
      if (!fi || !st.fields[*fi]) return {nullptr, 0};
      return {&*st.fields[*fi], *fi};
    };
    if (spec.id == "std.stream.xf.deframe_u32le_v1") {
      const auto [v, fi] = field("max_frame_bytes");
      if (v && v->i <= 0)
        warn(nodes.fields[fi], nodes.field_pointers[fi],
             id + " max_frame_bytes is " + std::to_string(v->i) +
                 ": every run returns ERR 1 stream:deframe_max_frame_bytes (it must be > 0)");
    }
    if (spec.id == "std.stream.sink.world_fs_write_stream_v1" ||
        spec.id == "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1") {
      const auto [flush, ffi] = field("flush_min_bytes");
      const auto [cap, cfi] = field("buf_cap_bytes");
      if (!flush || (!cap && !cfg_.complete)) return;
      // An absent buf_cap_bytes defaults to chunk_max_bytes (spec §8).
      const std::int64_t cap_v = cap ? cap->i : cfg_.values.chunk_max_bytes;
      if (flush->i > cap_v)
        warn(nodes.fields[ffi], nodes.field_pointers[ffi],
             id + " flush_min_bytes (" + std::to_string(flush->i) + ") is larger than buf_cap_bytes (" +
                 std::to_string(cap_v) + (cap ? "" : ", from chunk_max_bytes") +
                 "): every run returns ERR 1 stream:fs_sink_cfg_invalid");
    }
  }
};

bool is_par_map(const StageSpec& spec) { return spec.id.starts_with("std.stream.xf.par_map_stream_"); }

// Spec §11 and §3: at most one par_map stage per pipe, and the unordered ones only with
// allow_nondet_v1=1. X07 checks both only for a cfg that passes its run-time check (§19.2).
void check_par_map_rules(const JsonNode& chain, const CheckedPipe& pipe, CheckContext& ctx) {
  if (!pipe.cfg.complete || !pipe.cfg.values.runtime_valid()) return;
  const CheckedStage* first = nullptr;
  for (std::size_t i = 0; i < pipe.chain.size(); ++i) {
    const CheckedStage& st = pipe.chain[i];
    if (st.spec == nullptr || !is_par_map(*st.spec)) continue;
    const JsonNode& node = chain.items[i + 1];
    if (first != nullptr) {
      ctx.report(DiagId::kParMapMultiple, node, st.pointer,
                 "a pipe may hold at most one par_map stage; another one is at " + first->pointer,
                 "one par_map stage already runs its items on every worker thread");
    } else {
      first = &st;
    }
    if (st.spec->id.find("_unordered_") != std::string_view::npos && pipe.cfg.values.allow_nondet_v1 != 1) {
      ctx.report(DiagId::kNondetNotAllowed, node, st.pointer,
                 "X07E_PIPE_NDET_NOT_ALLOWED: unordered par_map stages require allow_nondet_v1=1",
                 "add [\"allow_nondet_v1\", 1] to std.stream.cfg_v1, or use the ordered " +
                     std::string(st.spec->id.find("_result_bytes_") != std::string_view::npos
                                     ? "std.stream.xf.par_map_stream_result_bytes_v1"
                                     : "std.stream.xf.par_map_stream_v1"));
    }
  }
}

}  // namespace

CheckedPipe check_descriptor(const JsonNode& root, std::string_view file, World world, std::vector<Diagnostic>& out,
                             const ExprEvalFn* eval) {
  CheckContext ctx{file, world, out, eval};
  CheckedPipe pipe;
  const std::string shape = "[\"std.stream.pipe_v1\", cfg, source, chain, sink]";
  if (!root.is_array()) {
    ctx.report(DiagId::kExpectedList, root, "",
               "expected a pipe descriptor " + shape + ", found " + describe_json(root));
    return pipe;
  }
  if (!root.is_form("std.stream.pipe_v1")) {
    const bool empty = root.items.empty();
    ctx.report(DiagId::kHead, empty ? root : root.items[0], empty ? "" : "/0",
               "expected \"std.stream.pipe_v1\" at the head of the pipe descriptor, found " +
                   (empty ? std::string("an empty list") : describe_json(root.items[0])),
               "a pipe descriptor is " + shape);
    if (empty) return pipe;
  }
  if (root.items.size() != 5) {
    ctx.report(DiagId::kArity, root, "",
               "std.stream.pipe_v1 expects 4 arguments (cfg, source, chain, sink), found " +
                   std::to_string(root.items.size() - 1),
               "a pipe descriptor is " + shape);
    return pipe;
  }
  pipe.cfg = check_cfg(root.items[1], "/1", ctx);
  StageChecker stages(ctx, pipe.cfg);
  pipe.source = stages.check(root.items[2], "/2", StageKind::kSource, false);
  const JsonNode& chain = root.items[3];
  if (!chain.is_array()) {
    ctx.report(DiagId::kExpectedList, chain, "/3",
               "expected the chain [\"std.stream.chain_v1\", transducer...], found " + describe_json(chain));
  } else if (!chain.is_form("std.stream.chain_v1")) {
    const bool empty = chain.items.empty();
    ctx.report(DiagId::kHead, empty ? chain : chain.items[0], empty ? "/3" : "/3/0",
               "expected \"std.stream.chain_v1\" at the head of the chain, found " +
                   (empty ? std::string("an empty list") : describe_json(chain.items[0])),
               "an empty chain is [\"std.stream.chain_v1\"]");
  } else {
    for (std::size_t i = 1; i < chain.items.size(); ++i)
      pipe.chain.push_back(stages.check(chain.items[i], json_pointer_append("/3", i), StageKind::kTransducer, false));
    // Spec §7.8: at most one json_canon_stream_v1 per pipe. X07 checks it only for a cfg that passes
    // its run-time check; with an invalid cfg every run is ERR 1 instead (spec §19.2).
    const CheckedStage* first_json = nullptr;
    for (std::size_t i = 0; i < pipe.chain.size(); ++i) {
      const CheckedStage& st = pipe.chain[i];
      if (st.spec == nullptr || st.spec->id != "std.stream.xf.json_canon_stream_v1") continue;
      if (first_json == nullptr) {
        first_json = &st;
      } else if (pipe.cfg.complete && pipe.cfg.values.runtime_valid()) {
        ctx.report(DiagId::kJsonCanonMultiple, chain.items[i + 1], st.pointer,
                   "a pipe may hold at most one std.stream.xf.json_canon_stream_v1; another one is at " + first_json->pointer,
                   "the stage canonicalizes the whole stream as one document: one is enough");
      }
    }
  }
  if (chain.is_form("std.stream.chain_v1")) check_par_map_rules(chain, pipe, ctx);
  pipe.sink = stages.check(root.items[4], "/4", StageKind::kSink, false);
  return pipe;
}

}  // namespace sluice
