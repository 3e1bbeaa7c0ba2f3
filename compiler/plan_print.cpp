#include "compiler/plan_print.hpp"

#include <nlohmann/json.hpp>

#include "compiler/json_source.hpp"
#include "runtime/os/rr_cassette.hpp"

namespace sluice {
namespace {

// The session an entry opens itself, decoded from the plan's X7RC cfg.
std::optional<RrConfig> rr_session_of(const Plan& plan) {
  RrConfig cfg;
  if (plan.rr_session.empty() ||
      decode_x7rc(ByteView(plan.rr_session.data(), static_cast<std::uint32_t>(plan.rr_session.size())), cfg) != RrCode::kOk)
    return std::nullopt;
  return cfg;
}

using Json = nlohmann::ordered_json;

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

Json value_json(const ArgValue& v) {
  switch (v.kind) {
    case ArgValue::Kind::kInt: return v.i;
    case ArgValue::Kind::kWord: return v.bytes;
    case ArgValue::Kind::kBytes:
      if (is_valid_utf8(v.bytes)) return Json{{"bytes", v.bytes}};
      return Json{{"hex", to_hex(v.bytes)}};
    case ArgValue::Kind::kRunTime: return Json{{"run_time", v.bytes}};
  }
  return nullptr;
}

std::string args_text(const PlanStage& st) {
  std::string out;
  for (const PlanArg& a : st.args) {
    out += " " + a.name + "=" + plan_value_text(a.value);
    if (a.defaulted) out += " (default)";
  }
  return out;
}

Json args_json(const PlanStage& st) {
  Json args = Json::object();
  for (const PlanArg& a : st.args) args[a.name] = value_json(a.value);
  return args;
}

std::string id_of(const PlanStage& st) { return st.spec ? std::string(st.spec->id) : std::string("?"); }

bool is_plugin(const PlanStage& st) { return !st.plugin.id.empty(); }

// plugin_v1: the registry entry the id resolved to, and the cfg bytes handed to init.
std::string plugin_text(const PlanStage& st) {
  const PlanPlugin& p = st.plugin;
  const PluginLimits& l = p.limits;
  const ArgValue* cfg = st.arg("cfg");
  return "   plugin " + p.id + ": symbol " + p.export_symbol + ", registry " + p.origin + " (spec " + p.spec_file +
         "), abi " + std::to_string(l.abi_major) + ", state_bytes " + std::to_string(l.state_bytes) +
         ", scratch_bytes " + std::to_string(l.scratch_bytes) + ", cfg.max_bytes " + std::to_string(l.cfg_max_bytes) +
         ", canon_mode " + p.canon_mode + ", per step: " + std::to_string(l.max_out_bytes_per_step) + " bytes, " +
         std::to_string(l.max_out_items_per_step) + " items, " + std::to_string(l.max_out_buf_bytes) +
         " bytes per buffer; cfg bytes (" + std::to_string(cfg ? cfg->bytes.size() : 0) + ") hex:" +
         to_hex(cfg ? cfg->bytes : std::string()) + (p.cfg_canon_ok ? "" : " (not canonical JSON: init returns ERR 111)") +
         "\n";
}

Json plugin_json(const PlanStage& st) {
  const PlanPlugin& p = st.plugin;
  const PluginLimits& l = p.limits;
  const ArgValue* cfg = st.arg("cfg");
  return Json{{"plugin_id", p.id},
              {"export_symbol", p.export_symbol},
              {"registry", p.origin},
              {"spec_file", p.spec_file},
              {"abi_major", l.abi_major},
              {"state_bytes", l.state_bytes},
              {"scratch_bytes", l.scratch_bytes},
              {"cfg_max_bytes", l.cfg_max_bytes},
              {"canon_mode", p.canon_mode},
              {"cfg_canon_ok", p.cfg_canon_ok},
              {"limits", Json{{"max_out_bytes_per_step", l.max_out_bytes_per_step},
                              {"max_out_items_per_step", l.max_out_items_per_step},
                              {"max_out_buf_bytes", l.max_out_buf_bytes}}},
              {"cfg_hex", to_hex(cfg ? cfg->bytes : std::string())}};
}


}  // namespace

std::string plan_value_text(const ArgValue& v) {
  switch (v.kind) {
    case ArgValue::Kind::kInt: return std::to_string(v.i);
    case ArgValue::Kind::kWord: return v.bytes;
    case ArgValue::Kind::kBytes: return is_valid_utf8(v.bytes) ? json_quote(v.bytes) : "hex:" + to_hex(v.bytes);
    case ArgValue::Kind::kRunTime: return "(at run time) " + v.bytes;
  }
  return "?";
}

std::string plan_to_text(const Plan& plan) {
  std::string out = "plan " + plan.file + " (world " + std::string(world_name(plan.world)) + ")\n";
  out += "cfg:";
  for (const auto& [name, value] : plan.cfg.int_fields()) {
    out.append(" ").append(name).append("=").append(std::to_string(value));
    if (name == "max_steps" && !plan.cfg.max_steps_given) out += " (derived)";
  }
  if (plan.cfg.brand_registry_ref_v1) out += " brand_registry_ref_v1=" + json_quote(*plan.cfg.brand_registry_ref_v1);
  out += "\n";
  if (!plan.cfg.runtime_valid())
    out += "  the cfg fails the run-time check: every run returns ERR 1 stream:cfg_invalid\n";
  if (!plan.input_digest.empty())
    out += "input: values computed from an input of xxh64:" + plan.input_digest + " (a built executable requires it)\n";
  if (const auto rr = rr_session_of(plan))
    out += "rr: the entry's session: .x07_rr/" + rr->path + ", " + std::string(rr_mode_name(rr->mode)) + ", " +
           std::string(rr_match_name(rr->match)) + " (opened at every run)\n";
  out += "source: " + id_of(plan.source) + args_text(plan.source) + "  [-> " + plan.source.out_brand + "]\n";
  for (std::size_t i = 0; i < plan.chain.size(); ++i) {
    const PlanStage& st = plan.chain[i];
    out += std::to_string(i) + ": " + id_of(st) + args_text(st) + (st.inserted ? " (inserted)" : "") + "  [" +
           st.in_brand + " -> " + st.out_brand + "]\n";
    if (is_plugin(st)) out += plugin_text(st);
  }
  out += "sink: ";
  if (plan.sink_u32frames) out += "std.stream.sink.u32frames_v1 > ";
  out += id_of(plan.sink) + args_text(plan.sink) + "  [" + plan.sink.in_brand + " ->]\n";
  return out;
}

std::string plan_to_json(const Plan& plan) {
  Json j;
  j["file"] = plan.file;
  j["world"] = std::string(world_name(plan.world));
  Json cfg = Json::object();
  for (const auto& [name, value] : plan.cfg.int_fields()) cfg[std::string(name)] = value;
  cfg["max_steps_given"] = plan.cfg.max_steps_given;
  cfg["brand_registry_ref_v1"] =
      plan.cfg.brand_registry_ref_v1 ? Json(*plan.cfg.brand_registry_ref_v1) : Json(nullptr);
  cfg["runtime_valid"] = plan.cfg.runtime_valid();
  j["cfg"] = std::move(cfg);
  j["source"] = Json{{"id", id_of(plan.source)},
                     {"args", args_json(plan.source)},
                     {"in_brand", plan.source.in_brand},
                     {"out_brand", plan.source.out_brand},
                     {"pointer", plan.source.pointer}};
  Json chain = Json::array();
  for (std::size_t i = 0; i < plan.chain.size(); ++i) {
    const PlanStage& st = plan.chain[i];
    chain.push_back(Json{{"index", i},
                         {"id", id_of(st)},
                         {"args", args_json(st)},
                         {"in_brand", st.in_brand},
                         {"out_brand", st.out_brand},
                         {"inserted", st.inserted},
                         {"pointer", st.pointer}});
    if (is_plugin(st)) chain.back()["plugin"] = plugin_json(st);
  }
  j["chain"] = std::move(chain);
  // Only for plans whose values were computed from `input` (an entry module's lets, expr_v1).
  if (!plan.input_digest.empty()) j["input_digest"] = "xxh64:" + plan.input_digest;
  // Only for an entry that opens its own record/replay session (std.rr.with_policy_v1 / with_v1).
  if (const auto rr = rr_session_of(plan))
    j["rr_session"] = Json{{"cassette", rr->path},
                           {"mode", rr_mode_name(rr->mode)},
                           {"match", rr_match_name(rr->match)},
                           {"max_cassette_bytes", rr->budgets.max_cassette_bytes},
                           {"max_entries", rr->budgets.max_entries},
                           {"max_req_bytes", rr->budgets.max_req_bytes},
                           {"max_resp_bytes", rr->budgets.max_resp_bytes},
                           {"max_key_bytes", rr->budgets.max_key_bytes}};
  j["sink"] = Json{{"id", id_of(plan.sink)},
                   {"args", args_json(plan.sink)},
                   {"in_brand", plan.sink.in_brand},
                   {"u32frames", plan.sink_u32frames},
                   {"pointer", plan.sink.pointer}};
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace sluice
