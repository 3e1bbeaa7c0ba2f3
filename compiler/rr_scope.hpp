// An entry whose solve opens a record/replay session around its pipe (x07-modules §4.2):
//   ["std.rr.with_policy_v1", ["bytes.lit", POLICY], ["bytes.lit", PATH], ["i32.lit", MODE], body]
//   ["std.rr.with_v1", cfg_view_expr, body]
// X07 opens the session when the function reaches the scope. A sluice entry runs one pipe, so
// the scope may only wrap the whole solve, and the session's X7RC cfg is made here, at compile
// time, for the host to open when the run starts and close when it ends, as it does for --rr
// (docs/record_replay.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/json_source.hpp"
#include "runtime/world.hpp"

namespace sluice {

// True for a list headed std.rr.with_policy_v1 or std.rr.with_v1.
bool is_rr_scope(const JsonNode& node);

// The scope's body (its last element), or nullptr when the form has the wrong arity (reported
// by rr_policy_cfg / rr_cfg_from_bytes, which check it first).
const JsonNode* rr_scope_body(const JsonNode& scope);

struct RrScopeSite {
  std::string file;     // the entry module, for diagnostics
  std::string pointer;  // where the scope is ("/solve")
  World world = World::kRunOsSandboxed;
};

// The X7RC cfg of a std.rr.with_policy_v1 scope, built as X07 builds it: the policy named in
// `<arch_root>/arch/rr/index.x07rr.json` (its policy_path relative to the arch root), the mode
// allowed by the index's defaults.record_modes_allowed (replay_v1 only when absent), the policy
// file's match_mode and budgets. nullopt after reporting, with the file and line:column of what
// is wrong.
std::optional<std::vector<std::uint8_t>> rr_policy_cfg(const JsonNode& scope, const RrScopeSite& site,
                                                       const std::string& arch_root, std::vector<Diagnostic>& diags);

// `cfg`, the evaluated first argument of a std.rr.with_v1 scope whose shape was checked, when it
// is a valid X7RC cfg (a safe relative path among the rest). nullopt after reporting.
std::optional<std::vector<std::uint8_t>> rr_cfg_from_bytes(const JsonNode& scope, const RrScopeSite& site,
                                                           std::vector<std::uint8_t> cfg, std::vector<Diagnostic>& diags);

// Whether the form is well shaped and its world allows record/replay; reports otherwise. The
// callers above call it first; the front end calls it before evaluating with_v1's cfg.
bool rr_scope_shape_ok(const JsonNode& scope, const RrScopeSite& site, std::vector<Diagnostic>& diags);

}  // namespace sluice
