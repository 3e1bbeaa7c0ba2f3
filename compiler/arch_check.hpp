// `sluice arch check` (x07-pipes §9.5): X07's arch layout checked the way `x07 arch check` checks
// it. The manifest arch/manifest.x07arch.json says which contracts there are
// (contracts_v1.stream_plugins, contracts_v1.budgets); without one, the stream plugin registry at
// arch/stream/plugins/index.x07sp.json is checked with X07's defaults. The registry is read by the
// same reader pipes use (compiler/plugin_registry.hpp) under X07's E_ARCH_* names; the pipes and
// modules given are scanned for std.stream.xf.plugin_v1 ids; arch/contracts.lock.json pins every
// contract file by the SHA-256 of its RFC 8785 form (compiler/contract_hash.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "runtime/world.hpp"

namespace sluice {

struct ArchCheckOptions {
  std::string arch_root = ".";             // the directory that holds arch/
  bool write_lock = false;                 // write arch/contracts.lock.json instead of comparing it
  std::vector<std::string> usage_files;    // pipes and x07AST modules to scan for plugin ids
  World world = World::kRunOsSandboxed;    // the world the scanned files run in
};

struct ArchCheckResult {
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> notes;  // what was checked and with which defaults, for the text output
  std::size_t plugins = 0;         // registry entries read
  bool lock_written = false;
  std::string lock_path;           // arch/contracts.lock.json under the arch root
};

ArchCheckResult arch_check(const ArchCheckOptions& options);

// The text report: each diagnostic as `sluice check` prints it, the notes, then a summary line.
std::string arch_check_text(const ArchCheckResult& result);

}  // namespace sluice
