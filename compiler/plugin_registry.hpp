// The stream plugin registry (spec §9.4): the embedded one (the built-in plugins, always there)
// plus, from an arch root, DIR/arch/stream/plugins/index.x07sp.json and one spec file per plugin,
// which *adds* to the embedded registry (an id in both must be identical). Index and spec files
// are checked against each other with E_PIPE_PLUGIN_* diagnostics at file:line:column. Private to
// compiler/ (and `sluice arch check`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "runtime/plugin_host.hpp"
#include "runtime/world.hpp"

namespace sluice {

struct PluginEntry {
  // Index entry.
  std::string plugin_id;
  std::string plugin_spec_path;  // relative to the index's folder
  std::string budget_profile_id;
  std::string native_backend_id;
  std::string export_symbol;
  std::string determinism;                  // deterministic_v1 | nondet_os_only_v1
  std::vector<std::string> worlds_allowed;  // empty = every world
  std::string in_item_brand;
  std::string out_item_brand;
  // Spec file.
  std::string canon_mode;  // none_v1 | canon_json_v1
  PluginLimits limits;     // abi_major, state/scratch bytes, cfg.max_bytes, per-step limits
  // Where it came from: "embedded" or the index file's path; and the spec file's path.
  std::string origin;
  std::string spec_file;
  int line = 0, column = 0;  // of the index entry
  std::string pointer;       // of the index entry, e.g. /plugins/3

  [[nodiscard]] bool allows(World w) const;
  // Everything but origin/spec_file, for "identical in both registries".
  [[nodiscard]] bool same_contract(const PluginEntry& o) const;
};

struct PluginRegistry {
  std::vector<PluginEntry> entries;
  bool file_registry = false;  // an arch root held an index
  std::string index_path;      // when file_registry
  [[nodiscard]] const PluginEntry* find(const std::string& id) const;
};

// The code each registry check reports: the E_PIPE_PLUGIN_* codes when a pipe loads the registry
// (kPipeRegistryDiags), X07's E_ARCH_STREAM_PLUGIN* names under `sluice arch check`. One reader,
// two vocabularies, so the two commands can never disagree about what is wrong.
struct RegistryDiagIds {
  DiagId index_unreadable, index_json, index_schema_version, index_schema, not_sorted, duplicate;
  DiagId spec_missing, spec_json, spec_schema_version, spec_schema;
  DiagId spec_id, spec_abi, spec_budgets, spec_brands, spec_determinism, spec_worlds, spec_canon_mode, spec_limits;
};
extern const RegistryDiagIds kPipeRegistryDiags;

// Loads the embedded registry and, when `arch_root` holds one, the file registry. Diagnostics
// about the files are appended to `out`; entries with errors are left out.
PluginRegistry load_plugin_registry(const std::optional<std::string>& arch_root, std::vector<Diagnostic>& out);

// One index file and its spec files, as `sluice arch check` reads them (no embedded merge).
// `require_sorted`: X07's require_registry_uptodate.
std::vector<PluginEntry> read_plugin_index(const std::string& index_path, std::vector<Diagnostic>& out,
                                           bool require_sorted = true,
                                           const RegistryDiagIds& ids = kPipeRegistryDiags);

}  // namespace sluice
