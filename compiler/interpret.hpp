// The interpreter backend: runs a plan in this process and returns its result doc.
#pragma once

#include <cstdint>

#include "runtime/executor.hpp"
#include "runtime/page_pool.hpp"
#include "stdlib/instantiate.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

struct RunOptions {
  RunEnv env;
  std::uint32_t page_size = kDefaultPageSize;
  HostIo host;  // an embedding host's own source bytes and sink callback, if any
};

RunOutcome run_plan(const Plan& plan, const RunOptions& options);

}  // namespace sluice
