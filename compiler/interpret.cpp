#include "compiler/interpret.hpp"

#include "runtime/profile.hpp"
#include "runtime/rr_host.hpp"
#include "stdlib/stage_configs.hpp"

namespace sluice {

RunOutcome run_plan(const Plan& plan, const RunOptions& options) {
  // X07 replaces the whole pipe with a constant ERR 1 doc when the cfg fails its runtime check.
  if (!plan.cfg.runtime_valid()) return outcome_cfg_invalid();
  // The session an entry opens itself (std.rr.with_policy_v1 / with_v1 around its solve), for
  // hosts that did not open it (embedding, `sluice test`): open for the run, closed after it.
  RrSession entry_session;
  RunEnv env = env_for(plan, options.env);
  if (env.rr == nullptr && !plan.rr_session.empty()) {
    RrConfig cfg;
    if (decode_x7rc(ByteView(plan.rr_session.data(), static_cast<std::uint32_t>(plan.rr_session.size())), cfg) != RrCode::kOk)
      return rr_open_failure(RrCode::kCfgInvalid, "the plan's session cfg is not X7RC");
    if (const RrCode code = entry_session.open(env.fs_root, cfg); code != RrCode::kOk)
      return rr_open_failure(code, entry_session.detail());
    env.rr = &entry_session;
  }
  PagePool pool(options.page_size);
  RunContext ctx(budgets_of(plan), pool, options.env.progress);
  ctx.set_par_threads(options.env.par_threads);
  RunProfile* profile = options.env.profile;
  if (profile != nullptr) profile->begin(profile_parts_of(plan));
  Instantiated p = instantiate(plan, ctx, env, options.host);
  if (profile != nullptr) return execute_profiled(ctx, *p.source, p.chain, *p.sink, doc_options_of(plan), *profile);
  return execute(ctx, *p.source, p.chain, *p.sink, doc_options_of(plan));
}

}  // namespace sluice
