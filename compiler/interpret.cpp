#include "compiler/interpret.hpp"

#include "runtime/profile.hpp"
#include "stdlib/stage_configs.hpp"

namespace sluice {

RunOutcome run_plan(const Plan& plan, const RunOptions& options) {
  // X07 replaces the whole pipe with a constant ERR 1 doc when the cfg fails its runtime check.
  if (!plan.cfg.runtime_valid()) return outcome_cfg_invalid();
  PagePool pool(options.page_size);
  RunContext ctx(budgets_of(plan), pool, options.env.progress);
  ctx.set_par_threads(options.env.par_threads);
  RunProfile* profile = options.env.profile;
  if (profile != nullptr) profile->begin(profile_parts_of(plan));
  Instantiated p = instantiate(plan, ctx, env_for(plan, options.env), options.host);
  if (profile != nullptr) return execute_profiled(ctx, *p.source, p.chain, *p.sink, doc_options_of(plan), *profile);
  return execute(ctx, *p.source, p.chain, *p.sink, doc_options_of(plan));
}

}  // namespace sluice
