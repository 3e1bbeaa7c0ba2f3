// The plugin resolution pass (spec §7.10, §9.4): every std.stream.xf.plugin_v1 stage's literal id
// looked up in the registry (embedded + arch root), its world checked, its descriptor found among
// the built-ins and the plugins the caller offers (no other code is ever loaded), its brands taken
// from the entry, and a canon_json_v1 cfg checked against its RFC 8785 form. Private to compiler/.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/plugin_registry.hpp"
#include "compiler/resolve_fns.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

struct PluginResolveInput {
  std::optional<std::string> arch_root;  // resolved: given, or the pipe file's directory
  // Descriptors by export symbol besides the built-ins (--plugin files, host programs).
  std::function<const x07_stream_xf_plugin_v1*(const std::string&)> lookup;
};

// Does nothing (and loads no registry) for a plan without plugin_v1 stages.
void resolve_plugins(Plan& plan, const PluginResolveInput& in, FnContext& ctx, std::vector<Diagnostic>& out);

bool plan_uses_plugins(const Plan& plan);

}  // namespace sluice
