// The one way a kernel calls a user function: run it, and turn a trap or an exhausted fuel
// budget into the run's trap (exit 4) naming the function. Shared by the four user-fn stages.
#pragma once

#include <string>

#include "runtime/run_context.hpp"
#include "stdlib/user_fn.hpp"

namespace sluice {

inline bool call_user_fn(RunContext& ctx, const UserFn& fn, const std::string& name, UserFnIo& io) {
  const UserFnStatus s = fn(io);
  if (s == UserFnStatus::kOk) return true;
  ctx.trap(s == UserFnStatus::kFuel ? TrapId::kUserFnFuel : TrapId::kUserFnTrap, name + ": " + io.trap);
  return false;
}

}  // namespace sluice
