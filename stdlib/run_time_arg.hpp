// Run-time arguments (docs/expressions.md): an expr_v1 that calls an effectful library function
// (std.db.*) is kept in the plan as a function and evaluated here, when the run starts, with the
// run's resource table current, in both backends. A constant argument passes through unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "stdlib/plan.hpp"

namespace sluice {

// One argument's value for this run: an i32, or bytes (a view of the plan's constant, or of
// `owned` when evaluated at run time).
struct RunArg {
  std::int32_t i = 0;
  ByteView bytes;
  std::vector<std::uint8_t> owned;
};

// What a run-time argument's library calls may open (the root for relative database paths, the
// sandbox policy): set once per run, before the first evaluation.
inline void prepare_run_resources(RunContext& ctx, const RunEnv& env) {
  RunResources& r = ctx.resources();
  r.root = env.fs_root;
  r.db_policy.sandboxed = env.fs_root.sandboxed;
  r.db_policy.allow = env.allow_db;
  r.net_policy.sandboxed = env.fs_root.sandboxed;
  r.net_policy.allow_host = env.allow_host;
  r.net_policy.allow_listen = env.allow_listen;
}

// kContinue with `out` set, or kHalt with a trap recorded (the expression trapped or ran out of
// fuel: the same traps as a stage function's). `what` names the argument in the trap detail.
inline Flow resolve_run_arg(const ArgValue* v, RunContext& ctx, RunArg& out, const char* what) {
  if (v == nullptr) return Flow::kContinue;
  switch (v->kind) {
    case ArgValue::Kind::kInt:
    case ArgValue::Kind::kWord: out.i = static_cast<std::int32_t>(v->i); return Flow::kContinue;
    case ArgValue::Kind::kBytes: out.bytes = ByteView::of(v->bytes); return Flow::kContinue;
    case ArgValue::Kind::kRunTime: break;
  }
  UserFnIo io;
  io.out = &out.owned;
  UserFnStatus status = UserFnStatus::kTrap;
  {
    RunResourcesScope scope(&ctx.resources());
    if (v->fn) status = v->fn(io);
    else io.trap = "no function for the run-time argument";
  }
  if (status != UserFnStatus::kOk)
    return ctx.trap(status == UserFnStatus::kFuel ? TrapId::kUserFnFuel : TrapId::kUserFnTrap,
                    std::string(what) + " (evaluated at run start): " + io.trap);
  out.i = io.value;
  out.bytes = ByteView(out.owned.data(), static_cast<std::uint32_t>(out.owned.size()));
  return Flow::kContinue;
}

}  // namespace sluice
