// The build cache's work directories and atomic publish (compiler/build_cache.hpp): an entry
// appears whole or not at all, the second of two builds of one key uses the first's entry, a
// build that gives up leaves nothing, and only the work of processes that are gone is swept.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/build_cache.hpp"
#include "tests/support/test_support.hpp"

namespace sluice::test {
namespace {
namespace fs = std::filesystem;

TEST_CASE("build_cache: a work directory is private until published whole") {
  TempDir tmp;
  const std::string root = tmp.file("cache");
  std::string why;
  std::optional<CacheWork> work = CacheWork::open(root, "0123456789abcdef", why);
  REQUIRE(work);
  CHECK(work->entry() == root + "/0123456789abcdef");
  CHECK(fs::path(work->dir()).filename().string().rfind(kCacheWorkPrefix, 0) == 0);
  write_file(work->dir() + "/pipeline", "complete");
  CHECK_FALSE(fs::exists(work->entry()));  // nothing at the key while the build works
  REQUIRE(work->publish(why));
  CHECK(read_file(work->entry() + "/pipeline") == "complete");
  CHECK_FALSE(fs::exists(work->dir()));
  CHECK(list_dir(root) == std::vector<std::string>{"0123456789abcdef"});
}

TEST_CASE("build_cache: the second build of a key uses the first one's entry") {
  TempDir tmp;
  const std::string root = tmp.file("cache");
  std::string why;
  std::optional<CacheWork> first = CacheWork::open(root, "k", why);
  std::optional<CacheWork> second = CacheWork::open(root, "k", why);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->dir() != second->dir());
  write_file(first->dir() + "/pipeline", "first");
  write_file(second->dir() + "/pipeline", "second");
  REQUIRE(first->publish(why));
  REQUIRE(second->publish(why));
  CHECK(read_file(root + "/k/pipeline") == "first");  // never replaced, never mixed
  CHECK(list_dir(root) == std::vector<std::string>{"k"});
}

TEST_CASE("build_cache: a build that gives up leaves nothing") {
  TempDir tmp;
  const std::string root = tmp.file("cache");
  std::string why;
  {
    std::optional<CacheWork> work = CacheWork::open(root, "k", why);
    REQUIRE(work);
    write_file(work->dir() + "/pipeline.cpp", "half");
  }
  CHECK(list_dir(root).empty());
}

TEST_CASE("build_cache: an unusable cache root is an error, not a crash") {
  TempDir tmp;
  write_file(tmp.file("file"), "not a directory");
  std::string why;
  CHECK_FALSE(CacheWork::open(tmp.file("file") + "/cache", "k", why));
  CHECK(why.find("cannot create the build cache") != std::string::npos);
}

TEST_CASE("build_cache: the sweep removes the work of processes that are gone, and only that") {
  TempDir tmp;
  const std::string root = tmp.file("cache");
  std::string why;
  std::optional<CacheWork> live = CacheWork::open(root, "live", why);  // this process: running
  REQUIRE(live);
  // A pid that is certainly gone: a child that has exited and been reaped.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  // Named as this host's work is, with the dead pid.
  const std::string live_name = fs::path(live->dir()).filename().string();
  // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) about "-" + std::string&&.
  std::string self(1, '-');
  self += std::to_string(::getpid());
  self += '-';
  const std::size_t at = live_name.find(self);
  REQUIRE(at != std::string::npos);
  std::string dead_name = live_name.substr(0, at);
  dead_name += '-';
  dead_name += std::to_string(child);
  dead_name += '-';
  dead_name += live_name.substr(at + self.size());
  fs::create_directories(root + "/" + dead_name + "/sub");
  write_file(root + "/" + dead_name + "/sub/pipeline", "broken");
  fs::create_directories(root + "/0123456789abcdef");  // an entry: never swept
  // Another host's work directory, recent: left alone (its process may be running there).
  fs::create_directories(root + "/" + std::string(kCacheWorkPrefix) + "otherhost-1-1.0-k");
  sweep_abandoned_work(root);
  std::vector<std::string> kept{std::string(kCacheWorkPrefix) + "otherhost-1-1.0-k", live_name, "0123456789abcdef"};
  std::sort(kept.begin(), kept.end());
  CHECK(list_dir(root) == kept);
  CHECK(live->publish(why));
}

}  // namespace
}  // namespace sluice::test
