// Tests for runtime/world: the seven X07 world ids and their capabilities (x07-modules §6.1).
#include "runtime/world.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using sluice::World;

struct Row {
  std::string_view id;
  World world;
  bool fs_read;     // x07-modules §6.1 "fs read" column is not "–"
  bool os;          // a run-os world (real OS, not deterministic)
  bool sandboxed;   // fs paths confined to the root
};

// x07-modules §6.1, in its order.
const std::vector<Row>& table() {
  static const std::vector<Row> rows = {
      {"solve-pure", World::kSolvePure, false, false, true},
      {"solve-fs", World::kSolveFs, true, false, true},
      {"solve-rr", World::kSolveRr, false, false, true},
      {"solve-kv", World::kSolveKv, false, false, true},
      {"solve-full", World::kSolveFull, true, false, true},
      {"run-os", World::kRunOs, true, true, false},
      {"run-os-sandboxed", World::kRunOsSandboxed, true, true, true},
  };
  return rows;
}

}  // namespace

TEST_CASE("world: every X07 world id parses and prints back") {
  for (const Row& r : table()) {
    CAPTURE(r.id);
    const auto w = sluice::parse_world(r.id);
    REQUIRE(w.has_value());
    CHECK(*w == r.world);
    CHECK(sluice::world_name(*w) == r.id);
  }
}

TEST_CASE("world: unknown ids are rejected") {
  for (std::string_view bad : {"", "solve", "pure", "solve_pure", "Solve-Pure", "SOLVE-FS", " solve-fs",
                               "solve-fs ", "run-os-", "run_os", "run-os-sandbox", "run-os-sandboxed2",
                               "solve-full\n", "os"}) {
    CAPTURE(bad);
    CHECK_FALSE(sluice::parse_world(bad).has_value());
  }
  CHECK_FALSE(sluice::parse_world(std::string_view("solve-fs\0", 9)).has_value());
}

TEST_CASE("world: the joined id list names every world in X07's order") {
  std::string joined;
  for (const Row& r : table()) {
    if (!joined.empty()) joined += ", ";
    joined += r.id;
  }
  CHECK(sluice::world_ids_joined() == joined);
}

TEST_CASE("world: capability table of x07-modules §6.1") {
  for (const Row& r : table()) {
    CAPTURE(r.id);
    CHECK(sluice::world_allows_fs_read(r.world) == r.fs_read);
    CHECK(sluice::world_is_os(r.world) == r.os);
    CHECK(sluice::world_sandboxes_paths(r.world) == r.sandboxed);
  }
}

TEST_CASE("world: only run-os leaves fs paths unconfined") {
  int unconfined = 0;
  for (const Row& r : table())
    if (!sluice::world_sandboxes_paths(r.world)) ++unconfined;
  CHECK(unconfined == 1);
  CHECK_FALSE(sluice::world_sandboxes_paths(World::kRunOs));
  CHECK(sluice::world_sandboxes_paths(World::kRunOsSandboxed));
}
