// Per-run OS resources (database connections now, sockets later) opened by run-time arguments:
// registered under a small integer id when opened, and closed when the run ends, whatever ends
// it (OK, ERR, trap, an exception unwinding the run), because the table is owned by the run's
// RunContext and closes everything in its destructor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/fs_sandbox.hpp"

namespace sluice {

// One open resource. The destructor releases it (closes the connection).
class RunResource {
 public:
  RunResource() = default;
  RunResource(const RunResource&) = delete;
  RunResource& operator=(const RunResource&) = delete;
  virtual ~RunResource() = default;
};

// Which databases a sandboxed run may open (--allow-db): "sqlite:PATH" entries name a path as
// written (resolved under the root), "postgres://HOST:PORT" a server.
struct DbPolicy {
  bool sandboxed = false;            // run-os-sandboxed: deny whatever is not allowed
  std::vector<std::string> allow;    // the --allow-db values
};

// Which TCP endpoints a sandboxed run may use (--allow-host, --allow-listen): entries are
// "HOST:PORT" as the NetAddrV1 names them (a name, a dotted IPv4, or [IPv6]); docs/net.md.
struct NetPolicy {
  bool sandboxed = false;
  std::vector<std::string> allow_host;
  std::vector<std::string> allow_listen;
};

class RunResources {
 public:
  RunResources() = default;
  RunResources(const RunResources&) = delete;
  RunResources& operator=(const RunResources&) = delete;
  // Closes in reverse order of opening: a later resource may depend on an earlier one.
  ~RunResources() { close_all(); }

  // The id of `r` (>= 1), or -1 once kMaxResources are open (a runaway loop opening handles).
  std::int32_t add(std::unique_ptr<RunResource> r) {
    if (open_count() >= kMaxResources) return -1;
    items_.push_back(std::move(r));
    return static_cast<std::int32_t>(items_.size());
  }
  [[nodiscard]] RunResource* get(std::int32_t id) const {
    if (id < 1 || static_cast<std::size_t>(id) > items_.size()) return nullptr;
    return items_[static_cast<std::size_t>(id) - 1].get();
  }
  // Closes one resource now; false if `id` is not open. Ids are never reused within a run.
  bool close(std::int32_t id) {
    if (get(id) == nullptr) return false;
    items_[static_cast<std::size_t>(id) - 1].reset();
    return true;
  }
  void close_all() {
    for (std::size_t i = items_.size(); i-- > 0;) items_[i].reset();
    items_.clear();
  }
  [[nodiscard]] std::size_t open_count() const {
    std::size_t n = 0;
    for (const auto& r : items_) n += r != nullptr;
    return n;
  }

  // Where relative database paths resolve (--root) and what the world allows; set by the run
  // from its RunEnv before any run-time argument is evaluated.
  FsRoot root;
  DbPolicy db_policy;
  NetPolicy net_policy;
  // The code and message of this run's last failed open. A failed open gives the handle -1, and
  // a stage given that handle reports this code (e.g. 53249 policy denied) rather than "bad
  // connection", which would hide why.
  std::int32_t last_open_error = 0;
  std::string last_open_message;
  // The same for std.net: the NetErrDocV1 code of the last failed connect/listen/accept (a
  // stage given handle 0 reports it: policy_denied stays policy_denied), and its sentence.
  std::int32_t last_net_error = 0;
  std::string last_net_message;

  // Open handles per run: far more than a pipe needs (one or two connections), few enough that a
  // loop opening connections ends with an error instead of exhausting file descriptors.
  static constexpr std::size_t kMaxResources = 256;

 private:
  std::vector<std::unique_ptr<RunResource>> items_;
};

// The resources of the run whose run-time arguments are being evaluated on this thread, or
// null (at check time, or outside a run): how x07 library functions that open or use resources
// (std.db.*) find them without every x07 call carrying a run pointer.
RunResources* current_run_resources();

// Makes `r` current on this thread for its lifetime (nests: the previous one comes back).
class RunResourcesScope {
 public:
  explicit RunResourcesScope(RunResources* r);
  ~RunResourcesScope();
  RunResourcesScope(const RunResourcesScope&) = delete;
  RunResourcesScope& operator=(const RunResourcesScope&) = delete;

 private:
  RunResources* prev_;
};

}  // namespace sluice
