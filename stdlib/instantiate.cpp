#include "stdlib/instantiate.hpp"

namespace sluice {

Pipeline instantiate(const Plan& plan, RunContext& ctx, const RunEnv& env) {
  Pipeline p;
  p.source = plan.source.spec->build_source(plan, ctx, env);
  p.sink = plan.sink.spec->build_sink(plan, ctx, env);
  p.stages.resize(plan.chain.size());
  Stage* next = p.sink.get();
  for (std::size_t i = plan.chain.size(); i-- > 0;) {
    p.stages[i] = plan.chain[i].spec->build_stage(plan, i, ctx, next);
    next = p.stages[i].get();
  }
  for (auto& s : p.stages) p.chain.push_back(s.get());
  return p;
}

}  // namespace sluice
