// Tests for runtime/shard: --shard I/N and auto (Slurm array and Kubernetes Indexed Job variables).
#include "runtime/shard.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace {

using sluice::resolve_shard;
using sluice::ShardSpec;

std::map<std::string, std::string> g_env;
const char* fake_env(const char* name) {
  const auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

std::string refusal(std::string_view text, std::uint32_t shards = 0) {
  std::string why;
  CHECK_FALSE(resolve_shard(text, shards, why, fake_env).has_value());
  return why;
}

}  // namespace

TEST_CASE("shard: I/N within 0 <= I < N, digits only") {
  g_env.clear();
  std::string why;
  const auto s = resolve_shard("3/7", 0, why, fake_env);
  REQUIRE(s.has_value());
  CHECK(s->index == 3);
  CHECK(s->count == 7);
  for (const char* bad : {"7/7", "0/0", "-1/2", "1/-2", " 1/2", "1/2x", "1", "/2", "1/", "auto2", "1/1000001"})
    CHECK(refusal(bad).find("expected I/N") != std::string::npos);
  CHECK(refusal("1/2", 2).find("--shards N goes with --shard auto") != std::string::npos);
  CHECK(sluice::shard_part_suffix(ShardSpec{2, 5}) == ".part-2-of-5");
  CHECK(sluice::shard_part_suffix(ShardSpec{}).empty());
}

TEST_CASE("shard: auto from a Slurm array, its rank from SLURM_ARRAY_TASK_MIN") {
  g_env = {{"SLURM_ARRAY_TASK_ID", "6"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  std::string why;
  auto s = resolve_shard("auto", 0, why, fake_env);
  REQUIRE(s.has_value());
  CHECK(s->index == 1);
  CHECK(s->count == 4);
  g_env = {{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_STEP", "1"}};
  s = resolve_shard("auto", 0, why, fake_env);
  REQUIRE(s.has_value());
  CHECK(s->index == 3);
  g_env["SLURM_ARRAY_TASK_STEP"] = "2";
  CHECK(refusal("auto").find("step 2") != std::string::npos);
  g_env = {{"SLURM_ARRAY_TASK_ID", "9"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  CHECK(refusal("auto").find("do not name a task") != std::string::npos);
  g_env = {{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  CHECK(refusal("auto").find("do not name a task") != std::string::npos);
}

TEST_CASE("shard: auto from a Kubernetes Indexed Job needs --shards") {
  g_env = {{"JOB_COMPLETION_INDEX", "2"}};
  std::string why;
  const auto s = resolve_shard("auto", 3, why, fake_env);
  REQUIRE(s.has_value());
  CHECK(s->index == 2);
  CHECK(s->count == 3);
  CHECK(refusal("auto").find("pass --shards N") != std::string::npos);
  CHECK(refusal("auto", 2).find("not in 0..1") != std::string::npos);
  g_env.clear();
  CHECK(refusal("auto", 2).find("neither SLURM_ARRAY_TASK_ID") != std::string::npos);
}
