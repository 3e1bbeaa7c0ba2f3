// How concurrent builds share one build cache. Every build (a `sluice build` or a native module
// compiled for `run`) works in a private directory of its own under the cache root and, once
// everything in it is complete, publishes it by renaming the whole directory to its key. So:
//  - an entry that exists is complete: readers never see a partial file or a half-made entry;
//  - two builds of the same key never write the same file: the first rename wins, the second
//    finds the entry there and uses it (rename(2) of a directory onto a non-empty one fails);
//  - a build that crashes leaves only its work directory, whose name no reader ever looks up;
//    a later build removes it once its process is gone (sweep_abandoned_work).
#pragma once

#include <optional>
#include <string>

namespace sluice {

// Part of every cache key: entries made by an older layout (which a crash could leave half-made)
// never match a key of this one.
inline constexpr const char* kCacheLayout = "sluice build cache layout 2 (entries published by rename)";

// The prefix of work directories in the cache root; entries are plain hex keys.
inline constexpr const char* kCacheWorkPrefix = ".work-";

// One build's private work directory for the entry `key`; removed when destroyed unless it was
// published.
class CacheWork {
 public:
  // Makes the cache root if needed and a fresh work directory in it; nullopt with `why` set when
  // either cannot be made.
  static std::optional<CacheWork> open(const std::string& root, const std::string& key, std::string& why);

  CacheWork(CacheWork&& other) noexcept;
  CacheWork& operator=(CacheWork&&) = delete;
  CacheWork(const CacheWork&) = delete;
  CacheWork& operator=(const CacheWork&) = delete;
  ~CacheWork();

  const std::string& dir() const { return dir_; }      // where this build writes
  const std::string& entry() const { return entry_; }  // where the finished entry lives

  // Renames the work directory to the entry. True when it is published, or when another build
  // published the same key first (then the work directory is removed and entry() is theirs,
  // equally complete). False with `why` set when the rename fails otherwise.
  bool publish(std::string& why);

 private:
  CacheWork(std::string dir, std::string entry) : dir_(std::move(dir)), entry_(std::move(entry)) {}
  std::string dir_;
  std::string entry_;
  bool done_ = false;
};

// Removes the work directories of builds that are no longer running: on this host, those whose
// process is gone; from any host, those untouched for a day. Errors are ignored (another build
// may be removing the same directory).
void sweep_abandoned_work(const std::string& root);

}  // namespace sluice
