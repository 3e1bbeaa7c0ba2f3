// The std.stream.cfg_v1 part of the check pass (spec §3): keys, value types, required keys, the
// last-wins rule for repeated keys, and warnings for cfgs that fail X07's run-time check.
#include <array>

#include "compiler/check_descriptor.hpp"

namespace sluice {
namespace {

enum class CfgValue : std::uint8_t {
  kInt,        // an i32 literal
  kFlag,       // an i32 literal that must be 0 or 1 (X07 rejects anything else at compile time)
  kModuleRef,  // ["bytes.lit", "<module_id>"]
};

struct CfgKey {
  std::string_view name;
  bool required;
  CfgValue kind;
  std::int32_t PlanCfg::*member;  // nullptr for brand_registry_ref_v1
  bool must_be_positive;          // part of the run-time check: <= 0 gives ERR 1 cfg_invalid
};

constexpr std::array kCfgKeys{
    CfgKey{"chunk_max_bytes", true, CfgValue::kInt, &PlanCfg::chunk_max_bytes, true},
    CfgKey{"bufread_cap_bytes", true, CfgValue::kInt, &PlanCfg::bufread_cap_bytes, true},
    CfgKey{"max_in_bytes", true, CfgValue::kInt, &PlanCfg::max_in_bytes, true},
    CfgKey{"max_out_bytes", true, CfgValue::kInt, &PlanCfg::max_out_bytes, true},
    CfgKey{"max_items", true, CfgValue::kInt, &PlanCfg::max_items, true},
    CfgKey{"max_steps", false, CfgValue::kInt, &PlanCfg::max_steps, false},
    CfgKey{"emit_payload", false, CfgValue::kInt, &PlanCfg::emit_payload, false},
    CfgKey{"emit_stats", false, CfgValue::kInt, &PlanCfg::emit_stats, false},
    CfgKey{"allow_nondet_v1", false, CfgValue::kFlag, &PlanCfg::allow_nondet_v1, false},
    CfgKey{"typecheck_item_brands_v1", false, CfgValue::kFlag, &PlanCfg::typecheck_item_brands_v1, false},
    CfgKey{"auto_require_brand_v1", false, CfgValue::kFlag, &PlanCfg::auto_require_brand_v1, false},
    CfgKey{"brand_registry_ref_v1", false, CfgValue::kModuleRef, nullptr, false},
    CfgKey{"verify_produced_brands_v1", false, CfgValue::kFlag, &PlanCfg::verify_produced_brands_v1, false},
};

constexpr std::array<std::string_view, kCfgKeys.size()> key_names() {
  std::array<std::string_view, kCfgKeys.size()> names{};
  for (std::size_t i = 0; i < kCfgKeys.size(); ++i) names[i] = kCfgKeys[i].name;
  return names;
}
constexpr auto kCfgKeyNames = key_names();

constexpr std::size_t key_index(std::string_view name) {
  std::size_t i = 0;
  while (kCfgKeys[i].name != name) ++i;
  return i;
}

// The last valid occurrence of each key, for the checks that look at several keys at once.
struct Seen {
  const JsonNode* key = nullptr;    // last occurrence, for the duplicate warning
  const JsonNode* value = nullptr;  // last occurrence with a valid value
  std::string value_pointer;
};

bool check_module_ref(const JsonNode& v, const std::string& vp, CheckContext& ctx, PlanCfg& values) {
  const std::string expected = "cfg brand_registry_ref_v1 must be [\"bytes.lit\", \"<module_id>\"]";
  if (!v.is_form("bytes.lit")) {
    ctx.report(DiagId::kValueType, v, vp, expected + ", found " + describe_json(v));
    return false;
  }
  if (v.items.size() != 2) {
    ctx.report(DiagId::kArity, v, vp,
               "bytes.lit takes exactly one string, found " + std::to_string(v.items.size() - 1));
    return false;
  }
  const JsonNode& id = v.items[1];
  const std::string idp = json_pointer_append(vp, 1);
  if (!id.is_string()) {
    ctx.report(DiagId::kValueType, id, idp, expected + ", found " + describe_json(id) + " as the module id");
    return false;
  }
  if (const auto why = symbol_problem(id.text)) {
    ctx.report(DiagId::kSymbol, id, idp,
               "invalid module id " + json_quote(id.text) + " in brand_registry_ref_v1: " + *why,
               "module ids are dotted segments of [A-Za-z_][A-Za-z0-9_-]*, e.g. app.brands");
    return false;
  }
  values.brand_registry_ref_v1 = id.text;
  return true;
}

// X07 turns these into a constant ERR 1 doc at run time, not a compile error (spec §3, §17.7),
// so they are warnings: the plan is still produced and running it gives that doc.
void warn_always_fails(const std::array<Seen, kCfgKeys.size()>& seen, const PlanCfg& v, CheckContext& ctx) {
  for (std::size_t i = 0; i < kCfgKeys.size(); ++i) {
    const CfgKey& k = kCfgKeys[i];
    if (!k.must_be_positive || v.*k.member > 0) continue;
    ctx.report(DiagId::kCfgAlwaysFails, *seen[i].value, seen[i].value_pointer,
               "cfg " + std::string(k.name) + " is " + std::to_string(v.*k.member) +
                   ": every run returns ERR 1 stream:cfg_invalid",
               "chunk_max_bytes, bufread_cap_bytes, max_in_bytes, max_out_bytes and max_items must be > 0 "
               "(0 is not \"unlimited\")");
  }
  if (v.chunk_max_bytes > 0 && v.bufread_cap_bytes > 0 && v.bufread_cap_bytes < v.chunk_max_bytes) {
    const Seen& s = seen[key_index("bufread_cap_bytes")];
    ctx.report(DiagId::kCfgAlwaysFails, *s.value, s.value_pointer,
               "cfg bufread_cap_bytes (" + std::to_string(v.bufread_cap_bytes) + ") is smaller than chunk_max_bytes (" +
                   std::to_string(v.chunk_max_bytes) + "): every run returns ERR 1 stream:cfg_invalid",
               "bufread_cap_bytes must be at least chunk_max_bytes");
  }
}

}  // namespace

CheckedCfg check_cfg(const JsonNode& node, const std::string& pointer, CheckContext& ctx) {
  CheckedCfg cfg;
  if (!node.is_array()) {
    ctx.report(DiagId::kExpectedList, node, pointer,
               "expected the cfg [\"std.stream.cfg_v1\", [key, value]...], found " + describe_json(node));
    return cfg;
  }
  if (!node.is_form("std.stream.cfg_v1")) {
    const bool empty = node.items.empty();
    ctx.report(DiagId::kHead, empty ? node : node.items[0], empty ? pointer : json_pointer_append(pointer, 0),
               "expected \"std.stream.cfg_v1\" at the head of the cfg, found " +
                   (empty ? std::string("an empty list") : describe_json(node.items[0])));
    return cfg;
  }
  std::array<Seen, kCfgKeys.size()> seen{};
  std::array<bool, kCfgKeys.size()> valid{};
  for (std::size_t i = 1; i < node.items.size(); ++i) {
    const JsonNode& item = node.items[i];
    const std::string ip = json_pointer_append(pointer, i);
    if (!item.is_array() || item.items.size() != 2 || !item.items[0].is_string()) {
      const bool bad_key = item.is_array() && item.items.size() == 2;
      ctx.report(DiagId::kFieldShape, bad_key ? item.items[0] : item, bad_key ? json_pointer_append(ip, 0) : ip,
                 bad_key ? "a cfg key must be a string, found " + describe_json(item.items[0])
                         : "a cfg entry must be [\"key\", value], found " + describe_json(item) +
                               element_count(item));
      continue;
    }
    const JsonNode& key = item.items[0];
    std::size_t k = 0;
    while (k < kCfgKeys.size() && kCfgKeys[k].name != key.text) ++k;
    if (k == kCfgKeys.size()) {
      std::string hint = did_you_mean(key.text, kCfgKeyNames);
      if (hint.empty()) hint = "cfg keys: " + join_names(kCfgKeyNames);
      ctx.report(DiagId::kCfgUnknownKey, key, json_pointer_append(ip, 0), "unknown cfg field: " + key.text,
                 std::move(hint));
      continue;
    }
    if (seen[k].key) {
      ctx.report(DiagId::kCfgDuplicateKey, key, json_pointer_append(ip, 0),
                 "cfg key " + key.text + " is given twice (first at " + line_col(*seen[k].key) +
                     "); the last value wins, as in X07",
                 "remove one of them");
    }
    seen[k].key = &key;
    const CfgKey& spec = kCfgKeys[k];
    const JsonNode& v = item.items[1];
    const std::string vp = json_pointer_append(ip, 1);
    bool ok = false;
    if (spec.kind == CfgValue::kModuleRef) {
      ok = check_module_ref(v, vp, ctx, cfg.values);
    } else if (const auto n = check_int_literal(v, vp, "cfg " + key.text, ctx)) {
      if (spec.kind == CfgValue::kFlag && *n != 0 && *n != 1) {
        ctx.report(DiagId::kValueRange, v, vp, "cfg " + key.text + " must be 0 or 1, found " + v.text);
      } else {
        cfg.values.*spec.member = *n;
        ok = true;
      }
    }
    // A later bad value must not leave an earlier good one standing: last wins, even when wrong.
    valid[k] = ok;
    if (ok) {
      seen[k].value = &v;
      seen[k].value_pointer = vp;
    }
  }
  cfg.complete = true;
  for (std::size_t k = 0; k < kCfgKeys.size(); ++k) {
    if (!kCfgKeys[k].required) continue;
    if (!seen[k].key) {
      ctx.report(DiagId::kCfgMissingKey, node, pointer, "cfg missing " + std::string(kCfgKeys[k].name),
                 "add [\"" + std::string(kCfgKeys[k].name) + "\", <integer>]");
    }
    cfg.complete = cfg.complete && valid[k];
  }
  if (cfg.complete) warn_always_fails(seen, cfg.values, ctx);
  return cfg;
}

}  // namespace sluice
