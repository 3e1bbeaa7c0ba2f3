#include "compiler/build_cache.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <random>

#include <signal.h>
#include <unistd.h>

namespace sluice {
namespace fs = std::filesystem;
namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "host";
  std::string h = name;
  for (char& c : h)
    if (c == '-' || c == '/') c = '_';  // '-' separates the fields of a work directory's name
  return h;
}

// ".work-HOST-PID-UNIQUE-KEY": the host and pid say whose it is, UNIQUE keeps the builds of one
// process (and a reused pid) apart, KEY is for a person looking at the cache.
std::string work_name(const std::string& key) {
  static std::atomic<unsigned> counter{0};
  static const unsigned long long salt = std::random_device{}();
  return std::string(kCacheWorkPrefix) + host_name() + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(salt % 1000000007ull) + "." + std::to_string(counter++) + "-" + key;
}

}  // namespace

std::optional<CacheWork> CacheWork::open(const std::string& root, const std::string& key, std::string& why) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    why = "cannot create the build cache " + root + ": " + ec.message();
    return std::nullopt;
  }
  const fs::path dir = fs::path(root) / work_name(key);
  if (!fs::create_directory(dir, ec) || ec) {
    why = "cannot create a work directory in the build cache " + root + ": " +
          (ec ? ec.message() : std::string("it already exists"));
    return std::nullopt;
  }
  return CacheWork(dir.string(), (fs::path(root) / key).string());
}

CacheWork::CacheWork(CacheWork&& other) noexcept
    : dir_(std::move(other.dir_)), entry_(std::move(other.entry_)), done_(other.done_) {
  other.done_ = true;
}

CacheWork::~CacheWork() {
  if (done_) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

bool CacheWork::publish(std::string& why) {
  if (::rename(dir_.c_str(), entry_.c_str()) == 0) {
    done_ = true;
    return true;
  }
  const int e = errno;
  // Another build of the same key got there first: its entry is as complete as ours would be.
  if ((e == ENOTEMPTY || e == EEXIST) && fs::is_directory(entry_)) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    done_ = true;
    return true;
  }
  why = "cannot store the build in the cache (" + entry_ + "): " + std::generic_category().message(e);
  return false;
}

void sweep_abandoned_work(const std::string& root) {
  const std::string prefix = std::string(kCacheWorkPrefix) + host_name() + "-";
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(kCacheWorkPrefix, 0) != 0) continue;
    bool abandoned = false;
    if (name.rfind(prefix, 0) == 0) {
      // Ours: abandoned when no process has its pid any more.
      const std::string rest = name.substr(prefix.size());
      const std::size_t dash = rest.find('-');
      const long pid = dash == std::string::npos ? 0 : std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
      abandoned = pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    }
    std::error_code time_ec;
    const auto modified = fs::last_write_time(it->path(), time_ec);
    if (!time_ec && now - modified > std::chrono::hours(24)) abandoned = true;
    if (abandoned) {
      std::error_code remove_ec;
      fs::remove_all(it->path(), remove_ec);
    }
  }
}

}  // namespace sluice
