#include "stdlib/instantiate.hpp"

#include "runtime/profile.hpp"
#include "stdlib/sink/sink_entry.hpp"
#include "stdlib/src/host_bytes.hpp"

namespace sluice {

Instantiated instantiate(const Plan& plan, RunContext& ctx, const RunEnv& env, const HostIo& host) {
  Instantiated p;
  if (host.source_bytes) {
    p.source = std::make_unique<HostBytesSource>(*host.source_bytes, static_cast<std::uint32_t>(plan.cfg.chunk_max_bytes));
  } else {
    p.source = plan.source.spec->build_source(plan, ctx, env);
  }
  if (host.sink) {
    p.sink = std::make_unique<SinkEntry<HostCallback>>(ctx, plan.sink_u32frames, host.sink);
  } else {
    p.sink = plan.sink.spec->build_sink(plan, ctx, env);
  }
  p.stages.resize(plan.chain.size());
  // Each stage is built pushing into what follows it: the next stage or the sink, behind a
  // profile tap when the run is profiled.
  const auto link_to = [&](Stage& target, std::size_t index) -> Stage* {
    if (env.profile == nullptr) return &target;
    p.taps.push_back(std::make_unique<ProfiledStage>(ctx, target, env.profile->link(index)));
    return p.taps.back().get();
  };
  for (std::size_t i = plan.chain.size(); i-- > 0;) {
    Stage& after = i + 1 == plan.chain.size() ? static_cast<Stage&>(*p.sink) : *p.stages[i + 1];
    p.stages[i] = plan.chain[i].spec->build_stage(plan, i, ctx, link_to(after, i + 1));
  }
  for (auto& s : p.stages) p.chain.push_back(s.get());
  return p;
}

}  // namespace sluice
