// X07 worlds: which I/O a pipeline may do, and whether fs paths are sandboxed to the root.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

enum class World : std::uint8_t {
  kSolvePure,       // no I/O at all; deterministic
  kSolveFs,         // read-only fixture files under the root; deterministic
  kSolveRr,         // record/replay cassettes only; deterministic
  kSolveKv,         // key-value fixture only; deterministic
  kSolveFull,       // fs fixture + rr + kv; deterministic
  kRunOs,           // the real OS: fs paths are relative to the root but not confined to it
  kRunOsSandboxed,  // the real OS under a policy: fs paths are confined to the root
};

std::optional<World> parse_world(std::string_view id);
std::string_view world_name(World w);
// Every world id, in X07's order, for help texts and diagnostics.
std::string_view world_ids_joined();

bool world_allows_fs_read(World w);
// Record/replay (x07-modules §6.1): solve-rr, solve-full, run-os, run-os-sandboxed.
bool world_allows_rr(World w);
bool world_is_os(World w);
bool world_sandboxes_paths(World w);

}  // namespace sluice
