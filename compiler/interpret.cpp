#include "compiler/interpret.hpp"

namespace sluice {

RunOutcome run_plan(const Plan& plan, const RunOptions& options) {
  // X07 replaces the whole pipe with a constant ERR 1 doc when the cfg fails its runtime check.
  if (!plan.cfg.runtime_valid()) return outcome_cfg_invalid();
  PagePool pool(options.page_size);
  const Budgets budgets{static_cast<std::uint32_t>(plan.cfg.max_in_bytes),
                        static_cast<std::uint32_t>(plan.cfg.max_out_bytes),
                        static_cast<std::uint32_t>(plan.cfg.max_items)};
  RunContext ctx(budgets, pool);
  RunEnv env = options.env;
  env.fs_root.sandboxed = world_sandboxes_paths(plan.world);
  Pipeline p = instantiate(plan, ctx, env);
  const DocOptions doc{plan.cfg.emit_payload != 0, plan.cfg.emit_stats != 0};
  return execute(ctx, *p.source, p.chain, *p.sink, doc);
}

}  // namespace sluice
