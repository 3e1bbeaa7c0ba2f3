#include "runtime/world.hpp"

#include <array>

namespace sluice {
namespace {
constexpr std::array<std::string_view, 7> kNames = {"solve-pure", "solve-fs", "solve-rr", "solve-kv",
                                                    "solve-full", "run-os",   "run-os-sandboxed"};
}

std::optional<World> parse_world(std::string_view id) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == id) return static_cast<World>(i);
  return std::nullopt;
}

std::string_view world_name(World w) { return kNames[static_cast<std::size_t>(w)]; }

std::string_view world_ids_joined() {
  return "solve-pure, solve-fs, solve-rr, solve-kv, solve-full, run-os, run-os-sandboxed";
}

bool world_allows_fs_read(World w) {
  return w == World::kSolveFs || w == World::kSolveFull || w == World::kRunOs || w == World::kRunOsSandboxed;
}

bool world_allows_rr(World w) {
  return w == World::kSolveRr || w == World::kSolveFull || w == World::kRunOs || w == World::kRunOsSandboxed;
}

bool world_is_os(World w) { return w == World::kRunOs || w == World::kRunOsSandboxed; }

bool world_sandboxes_paths(World w) { return w != World::kRunOs; }

}  // namespace sluice
