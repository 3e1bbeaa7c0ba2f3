#include "compiler/emit_cpp.hpp"

#include <set>
#include <string_view>

#include "compiler/emit_x07.hpp"
#include "compiler/plan_print.hpp"
#include "runtime/plan_hash.hpp"
#include "stdlib/stage_configs.hpp"

namespace sluice {
namespace {

std::string cpp_string(std::string_view bytes) {
  return "std::string(" + cpp_literal(bytes) + ", " + std::to_string(bytes.size()) + ")";
}

std::string arg_value(const ArgValue& v, const X07Translation& x07) {
  switch (v.kind) {
    case ArgValue::Kind::kRunTime: {
      const auto it = x07.run_time_fns.find(v.fn.ctx);
      return "{sluice::ArgValue::Kind::kRunTime, " + std::to_string(v.i) + ", " + cpp_string(v.bytes) + ", " +
             (it == x07.run_time_fns.end() ? std::string("{}") : it->second) + "}";
    }
    case ArgValue::Kind::kInt:
      return "{sluice::ArgValue::Kind::kInt, " + std::to_string(v.i) + ", {}}";
    case ArgValue::Kind::kWord:
      return "{sluice::ArgValue::Kind::kWord, " + std::to_string(v.i) + ", " + cpp_string(v.bytes) + "}";
    case ArgValue::Kind::kBytes:
      return "{sluice::ArgValue::Kind::kBytes, 0, " + cpp_string(v.bytes) + "}";
  }
  return "{}";
}

// Statements that fill `target` (a PlanStage lvalue) with `s`.
std::string plan_stage(const std::string& target, const PlanStage& s, const X07Translation& x07) {
  std::string out;
  out += "  " + target + ".spec = sluice::find_stage(" + cpp_literal(s.spec->id) + ");\n";
  for (const PlanArg& a : s.args)
    out += "  " + target + ".args.push_back({" + cpp_literal(a.name) + ", " + arg_value(a.value, x07) + ", " +
           (a.defaulted ? "true" : "false") + "});\n";
  out += "  " + target + ".in_brand = " + cpp_literal(s.in_brand) + ";\n";
  out += "  " + target + ".out_brand = " + cpp_literal(s.out_brand) + ";\n";
  if (s.inserted) out += "  " + target + ".inserted = true;\n";
  if (!s.plugin.id.empty()) {
    // The registry entry, as resolved when the pipe was compiled; the descriptor is linked in.
    const PlanPlugin& p = s.plugin;
    const PluginLimits& l = p.limits;
    const std::string t = target + ".plugin";
    out += "  " + t + ".id = " + cpp_literal(p.id) + ";\n";
    out += "  " + t + ".export_symbol = " + cpp_literal(p.export_symbol) + ";\n";
    out += "  " + t + ".canon_mode = " + cpp_literal(p.canon_mode) + ";\n";
    out += "  " + t + ".limits = sluice::PluginLimits{" + std::to_string(l.abi_major) + "u, " + std::to_string(l.state_bytes) +
           "u, " + std::to_string(l.scratch_bytes) + "u, " + std::to_string(l.cfg_max_bytes) + "u, " +
           std::to_string(l.max_out_bytes_per_step) + "u, " + std::to_string(l.max_out_items_per_step) + "u, " +
           std::to_string(l.max_out_buf_bytes) + "u};\n";
    out += "  " + t + ".cfg_canon_ok = " + (p.cfg_canon_ok ? "true" : "false") + ";\n";
    out += "  " + t + ".descriptor = &" + p.export_symbol + ";\n";
  }
  out += "  " + target + ".pointer = " + cpp_literal(s.pointer) + ";\n";
  return out;
}

std::string make_plan_function(const Plan& plan, const X07Translation& x07) {
  const std::vector<std::string>& stage_fns = x07.stage_fns;
  const PlanCfg& c = plan.cfg;
  std::string out = "sluice::Plan make_plan() {\n  sluice::Plan p;\n";
  out += "  p.world = *sluice::parse_world(" + cpp_literal(world_name(plan.world)) + ");\n";
  for (const auto& [name, value] : c.int_fields())
    out += "  p.cfg." + std::string(name) + " = " + std::to_string(value) + ";\n";
  if (c.max_steps_given) out += "  p.cfg.max_steps_given = true;\n";
  if (c.brand_registry_ref_v1) out += "  p.cfg.brand_registry_ref_v1 = " + cpp_string(*c.brand_registry_ref_v1) + ";\n";
  out += plan_stage("p.source", plan.source, x07);
  out += "  p.chain.resize(" + std::to_string(plan.chain.size()) + ");\n";
  for (std::size_t i = 0; i < plan.chain.size(); ++i) {
    out += plan_stage("p.chain[" + std::to_string(i) + "]", plan.chain[i], x07);
    if (!stage_fns[i].empty()) out += "  p.chain[" + std::to_string(i) + "].fn = " + stage_fns[i] + ";\n";
  }
  out += plan_stage("p.sink", plan.sink, x07);
  if (plan.sink_u32frames) out += "  p.sink_u32frames = true;\n";
  out += "  return p;\n}\n";
  return out;
}

// The chain, built for either kind of link: sluice::StaticNext (the plain run) or
// sluice::ProfiledLink (--profile). An executable holds both instantiations, so the plain run
// pays nothing for the profile it could take.
std::string run_chain_function(const Plan& plan) {
  std::string out =
      "template <template <class> class Link>\n"
      "sluice::RunOutcome run_chain(const sluice::Plan& plan, sluice::RunContext& ctx, const sluice::RunEnv& env,\n"
      "                             sluice::RunProfile* profile) {\n";
  out += "  using SinkT = sluice::SinkEntry<" + std::string(plan.sink.spec->cpp_type) + ">;\n";
  out += "  SinkT sink(ctx, plan.sink_u32frames, ctx, " + std::string(plan.sink.spec->cpp_config) + "(plan), env);\n";
  // Built from the last stage back to the first: each one needs the stage after it.
  std::string next_type = "SinkT";
  std::string next_name = "sink";
  for (std::size_t i = plan.chain.size(); i-- > 0;) {
    const StageSpec& s = *plan.chain[i].spec;
    const std::string n = std::to_string(i);
    out += "  using S" + n + " = " + std::string(s.cpp_type) + "<Link<" + next_type + ">>;\n";
    out += "  S" + n + " s" + n + "(ctx, sluice::make_link<Link>(ctx, " + next_name + ", profile, " +
           std::to_string(i + 1) + "), " + std::string(s.cpp_config) + "(plan, " + n + "));\n";
    next_type = "S" + n;
    next_name = "s" + n;
  }
  out += "  " + std::string(plan.source.spec->cpp_type) + " src(ctx, " + std::string(plan.source.spec->cpp_config) +
         "(plan), env);\n";
  out += "  sluice::StaticChain<SinkT";
  for (std::size_t i = 0; i < plan.chain.size(); ++i) out += ", S" + std::to_string(i);
  out += "> chain(sink";
  for (std::size_t i = 0; i < plan.chain.size(); ++i) out += ", s" + std::to_string(i);
  out += ");\n";
  out += "  return sluice::run_linked<Link>(ctx, src, chain, sink, sluice::doc_options_of(plan), profile);\n}\n";
  return out;
}

std::string run_function(bool has_x07) {
  std::string out =
      "sluice::RunOutcome run(const sluice::RunEnv& host, std::uint32_t page_size, sluice::ByteView input) {\n"
      "  static const sluice::Plan plan = make_plan();\n";
  out += has_x07 ? "  g_input = input;\n" : "  (void)input;\n";
  out +=
      "  // X07 replaces the whole pipe with a constant ERR 1 doc when the cfg fails its runtime check.\n"
      "  if (!plan.cfg.runtime_valid()) return sluice::outcome_cfg_invalid();\n"
      "  sluice::PagePool pool(page_size);\n"
      "  sluice::RunContext ctx(sluice::budgets_of(plan), pool, host.progress);\n"
      "  ctx.set_par_threads(host.par_threads);\n"
      "  const sluice::RunEnv env = sluice::env_for(plan, host);\n"
      "  if (host.profile == nullptr) return run_chain<sluice::StaticNext>(plan, ctx, env, nullptr);\n"
      "  host.profile->begin(sluice::profile_parts_of(plan));\n"
      "  return run_chain<sluice::ProfiledLink>(plan, ctx, env, host.profile);\n"
      "}\n";
  return out;
}

}  // namespace

std::string plan_hash(const Plan& plan) {
  Plan anonymous = plan;
  anonymous.file.clear();
  return xxh64_hex(plan_to_json(anonymous));
}

std::optional<std::string> emit_cpp(const Plan& plan, const EmitOptions& options, std::string& error) {
  const std::optional<X07Translation> x07 = translate_x07(plan, options.native_modules, error);
  if (!x07) return std::nullopt;
  // The functions' code is part of what the executable does, so the hash covers it too.
  const std::string hash = x07->code.empty() ? plan_hash(plan) : xxh64_hex(plan_hash(plan) + "\n" + x07->code);
  std::set<std::string> headers{"runtime/exe_main.hpp", "runtime/executor.hpp", "runtime/profile.hpp", "stdlib/catalog.hpp",
                                "stdlib/sink/sink_entry.hpp", "stdlib/stage_configs.hpp"};
  headers.insert(std::string(plan.source.spec->cpp_header));
  for (const PlanStage& s : plan.chain) headers.insert(std::string(s.spec->cpp_header));
  headers.insert(std::string(plan.sink.spec->cpp_header));
  std::set<std::string> system_headers{"<cstdint>", "<string>"};
  for (const std::string& h : x07->headers) (h.front() == '<' ? system_headers : headers).insert(h);

  std::string chain = std::string(plan.source.spec->id);
  for (const PlanStage& s : plan.chain) chain += " -> " + std::string(s.spec->id);
  chain += " -> " + std::string(plan.sink_u32frames ? "std.stream.sink.u32frames_v1(" : "") +
           std::string(plan.sink.spec->id) + (plan.sink_u32frames ? ")" : "");

  std::string out;
  out += "// Generated by sluice " SLUICE_VERSION " from a pipe descriptor. Do not edit: regenerate with\n";
  out += "// `sluice emit-cpp`. The same plan always gives this same file.\n";
  out += "// plan-hash: xxh64:" + hash + "\n";
  out += "// sluice-version: " SLUICE_VERSION "\n";
  out += "// world: " + std::string(world_name(plan.world)) + "\n";
  out += "// chain: " + chain + "\n";
  if (options.native_modules > 0)
    out += "// native modules: " + std::to_string(options.native_modules) +
           " (compile module i with -DSLUICE_NATIVE_MODULE_SYMBOL=sluice_native_module_v1_<i> and link it)\n";
  out += "\n";
  for (const std::string& h : system_headers) out += "#include " + h + "\n";
  out += "\n";
  for (const std::string& h : headers) out += "#include \"" + h + "\"\n";
  // Stream plugins' descriptors, by export symbol: built-ins from libsluice_plugins, the others
  // from the --plugin files linked in.
  std::set<std::string> plugin_symbols;
  for (const PlanStage& s : plan.chain)
    if (!s.plugin.id.empty()) plugin_symbols.insert(s.plugin.export_symbol);
  if (!plugin_symbols.empty()) out += "\n";
  for (const std::string& sym : plugin_symbols) out += "extern \"C\" const x07_stream_xf_plugin_v1 " + sym + ";\n";
  out += "\nnamespace {\n\n";
  if (!x07->code.empty()) out += x07->code + "\n";
  out += make_plan_function(plan, *x07);
  out += "\n";
  out += run_chain_function(plan);
  out += "\n";
  out += run_function(!x07->code.empty());
  out += "\nconst sluice::ExeInfo kInfo{" + cpp_literal(chain) + ", " + cpp_literal(world_name(plan.world)) + ", " +
         cpp_literal("xxh64:" + hash) + ", " + cpp_literal(SLUICE_VERSION) + ", " + cpp_literal(plan.input_digest) + ", " + cpp_literal(shard_refusal(plan)) + ", " +
         cpp_literal(std::string_view(reinterpret_cast<const char*>(plan.rr_session.data()), plan.rr_session.size())) + ", " +
         std::to_string(plan.rr_session.size()) + "};\n";
  out += "\n}  // namespace\n\nint main(int argc, char** argv) { return sluice::exe_main(argc, argv, kInfo, &run); }\n";
  return out;
}

}  // namespace sluice
