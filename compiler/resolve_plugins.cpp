#include "compiler/resolve_plugins.hpp"

#include "compiler/json_source.hpp"
#include "plugins/builtin/builtin_plugins.hpp"
#include "stdlib/json/json_canon.hpp"

namespace sluice {
namespace {

constexpr std::string_view kPluginStage = "std.stream.xf.plugin_v1";

// Spec §9.2: the cfg of a canon_json_v1 plugin must be its own JCS form (depth 64, 4096 members,
// object bytes = cfg.max_bytes).
bool cfg_is_canonical(const std::string& cfg, std::uint32_t max_bytes) {
  json::JsonCanonicalizer canon;
  json::ByteBuffer out;
  const json::JsonCanonLimits limits{64, 4096, max_bytes == 0 ? UINT32_MAX : max_bytes};
  const json::JsonError e = canon.canonicalize(ByteView::of(cfg), limits, out);
  if (!e.ok()) return false;
  return std::string_view(reinterpret_cast<const char*>(out.data()), out.size()) == cfg;
}

std::string known_ids(const PluginRegistry& reg) {
  std::string s;
  for (const PluginEntry& e : reg.entries) s += (s.empty() ? "" : ", ") + e.plugin_id;
  return s;
}

}  // namespace

bool plan_uses_plugins(const Plan& plan) {
  for (const PlanStage& s : plan.chain)
    if (s.spec && s.spec->id == kPluginStage) return true;
  return false;
}

void resolve_plugins(Plan& plan, const PluginResolveInput& in, FnContext& ctx, std::vector<Diagnostic>& out) {
  if (!plan_uses_plugins(plan)) return;
  const PluginRegistry reg = load_plugin_registry(in.arch_root, out);
  for (PlanStage& st : plan.chain) {
    if (st.spec->id != kPluginStage) continue;
    const std::string id = st.arg("id") ? st.arg("id")->bytes : std::string();
    const std::string id_pointer = st.pointer;
    const PluginEntry* e = reg.find(id);
    if (e == nullptr) {
      if (!in.arch_root) {
        ctx.report(DiagId::kPluginNeedsArchRoot, id_pointer,
                   "plugin " + json_quote(id) + " is not built in, and there is no arch root to find a registry in",
                   "give --arch-root DIR with DIR/arch/stream/plugins/index.x07sp.json; built-in ids: " + known_ids(reg));
      } else {
        ctx.report(DiagId::kPluginNotFound, id_pointer,
                   "plugin " + json_quote(id) + " is not in the plugin registry" +
                       (reg.file_registry ? " (embedded + " + reg.index_path + ")"
                                          : " (embedded; no " + *in.arch_root + "/arch/stream/plugins/index.x07sp.json)"),
                   "known ids: " + known_ids(reg));
      }
      continue;
    }
    const bool os_only = e->determinism == "nondet_os_only_v1";
    if (!e->allows(plan.world) || (os_only && !world_is_os(plan.world))) {
      std::string allowed;
      for (const std::string& w : e->worlds_allowed) allowed += (allowed.empty() ? "" : ", ") + w;
      ctx.report(DiagId::kPluginWorldViolation, id_pointer,
                 "plugin " + json_quote(id) + " is not allowed in world " + std::string(world_name(plan.world)) +
                     (os_only ? " (it is nondet_os_only_v1)" : ""),
                 allowed.empty() ? "choose an OS world with --world" : "its registry entry allows: " + allowed);
      continue;
    }
    const x07_stream_xf_plugin_v1* d = builtin_plugin_symbol(e->export_symbol);
    if (d == nullptr && in.lookup) d = in.lookup(e->export_symbol);
    if (d == nullptr) {
      ctx.report(DiagId::kPluginSymbolMissing, id_pointer,
                 "plugin " + json_quote(id) + ": no built-in plugin and no --plugin file exports " + e->export_symbol,
                 "pass the plugin's source or object with --plugin FILE");
      continue;
    }
    PlanPlugin& p = st.plugin;
    p.id = e->plugin_id;
    p.export_symbol = e->export_symbol;
    p.origin = e->origin;
    p.spec_file = e->spec_file;
    p.canon_mode = e->canon_mode;
    p.limits = e->limits;
    p.descriptor = d;
    const bool strict_cfg_canon = st.int_arg("strict_cfg_canon") != 0;
    if (e->canon_mode == "canon_json_v1" && strict_cfg_canon)
      p.cfg_canon_ok = cfg_is_canonical(st.arg("cfg") ? st.arg("cfg")->bytes : std::string(), e->limits.cfg_max_bytes);
    // Spec §7.10: the registry decides the brands; the descriptor cannot override them.
    st.declared_in_brand = e->in_item_brand;
    st.declared_out_brand = e->out_item_brand;
    st.in_brand = e->in_item_brand;
    st.out_brand = e->out_item_brand;
  }
}

}  // namespace sluice
