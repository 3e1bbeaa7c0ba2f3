// What the interpreter adds to the kernels: split_lines → null and split_lines → frame_u32le →
// hash_fnv1a32 composed as `sluice run` composes them (DynStage/StageRef, one virtual call per
// item and stage, the sink entry's budget charges), and composed statically as the C++ backend
// will (concrete Next types, no virtual call). Same 1 MiB of lines in 64 KiB items.
#include <benchmark/benchmark.h>

#include "bench/micro/bench_data.hpp"
#include "bench/micro/split_lines_proto.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/run_context.hpp"
#include "runtime/stage.hpp"
#include "stdlib/sink/hash_fnv1a32.hpp"
#include "stdlib/sink/null.hpp"
#include "stdlib/sink/sink_entry.hpp"
#include "stdlib/xf/frame_u32le.hpp"
#include "stdlib/xf/split_lines.hpp"

namespace sluice::bench {
namespace {

constexpr std::size_t kBytes = 1 << 20;
constexpr std::size_t kChunk = 65536;

const std::vector<std::uint8_t>& lines() {
  static const auto v = make_lines(kBytes);
  return v;
}

// A Next bound to a concrete (final) stage: calls devirtualise, as in generated code.
template <class S>
struct Direct {
  S* s;
  Flow push(ByteView v) { return s->push(v); }
  Flow push_framed(ByteView v) { return s->push_framed(v); }
};

// One pass over the buffer per iteration, with a fresh RunContext and fresh stages each time
// (a few hundred ns against ~100 µs of work), so the u32 counters never reach their budgets.
template <class Build>
void drive(benchmark::State& state, Build build) {
  const auto& buf = lines();
  std::uint64_t items = 0;
  for (auto _ : state) {
    PagePool pool;
    RunContext ctx(Budgets{kNoLimit, kNoLimit, kNoLimit}, pool);
    build(ctx, [&](auto& head) {
      for (std::size_t off = 0; off < buf.size(); off += kChunk) {
        const std::size_t n = std::min(kChunk, buf.size() - off);
        ctx.charge_source_item(static_cast<std::uint32_t>(n));
        head.push(ByteView(buf.data() + off, static_cast<std::uint32_t>(n)));
      }
    });
    items += ctx.counters().items_out;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}

const SplitLinesConfig kSplit{'\n', 65536};

void BM_SplitNullInterp(benchmark::State& state) {
  drive(state, [](RunContext& ctx, auto run) {
    SinkEntry<NullSink> sink(ctx, false);
    DynStage<SplitLines<StageRef>> split(ctx, ctx, StageRef(&sink), kSplit);
    split.init();
    run(static_cast<Stage&>(split));
  });
}
BENCHMARK(BM_SplitNullInterp);

void BM_SplitNullStatic(benchmark::State& state) {
  using SinkT = SinkEntry<NullSink>;
  drive(state, [](RunContext& ctx, auto run) {
    SinkT sink(ctx, false);
    SplitLines<Direct<SinkT>> split(ctx, Direct<SinkT>{&sink}, kSplit);
    split.init();
    run(split);
  });
}
BENCHMARK(BM_SplitNullStatic);

// split_lines → null with the bitmask prototype in place of the kernel (the proposed change).
void BM_SplitNullInterpBitmaskProto(benchmark::State& state) {
  drive(state, [](RunContext& ctx, auto run) {
    SinkEntry<NullSink> sink(ctx, false);
    DynStage<SplitLinesBitmaskProto<StageRef>> split(ctx, ctx, StageRef(&sink), std::uint8_t{'\n'});
    run(static_cast<Stage&>(split));
  });
}
BENCHMARK(BM_SplitNullInterpBitmaskProto);

void BM_SplitNullStaticBitmaskProto(benchmark::State& state) {
  using SinkT = SinkEntry<NullSink>;
  drive(state, [](RunContext& ctx, auto run) {
    SinkT sink(ctx, false);
    SplitLinesBitmaskProto<Direct<SinkT>> split(ctx, Direct<SinkT>{&sink}, std::uint8_t{'\n'});
    run(split);
  });
}
BENCHMARK(BM_SplitNullStaticBitmaskProto);

// Bitmask scan + one call per 64 KiB item carrying all its lines, charged in bulk (prototype).
void BM_SplitNullBatchProto(benchmark::State& state) {
  const auto& buf = lines();
  std::uint64_t items = 0;
  for (auto _ : state) {
    BatchCounters c;
    NullSinkBatchProto sink(c);
    SplitLinesBatchProto<NullSinkBatchProto> split(&sink);
    for (std::size_t off = 0; off < buf.size(); off += kChunk) {
      const std::size_t n = std::min(kChunk, buf.size() - off);
      split.push(ByteView(buf.data() + off, static_cast<std::uint32_t>(n)));
    }
    items += c.items_out;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SplitNullBatchProto);

void BM_SplitFrameHashInterp(benchmark::State& state) {
  drive(state, [](RunContext& ctx, auto run) {
    SinkEntry<HashFnv1a32> sink(ctx, false);
    DynStage<FrameU32le<StageRef>> frame(ctx, ctx, StageRef(&sink));
    DynStage<SplitLines<StageRef>> split(ctx, ctx, StageRef(&frame), kSplit);
    split.init();
    run(static_cast<Stage&>(split));
    sink.finish();
    benchmark::DoNotOptimize(load_u32le(sink.payload().data));
  });
}
BENCHMARK(BM_SplitFrameHashInterp);

void BM_SplitFrameHashStatic(benchmark::State& state) {
  using SinkT = SinkEntry<HashFnv1a32>;
  using FrameT = FrameU32le<Direct<SinkT>>;
  drive(state, [](RunContext& ctx, auto run) {
    SinkT sink(ctx, false);
    FrameT frame(ctx, Direct<SinkT>{&sink});
    SplitLines<Direct<FrameT>> split(ctx, Direct<FrameT>{&frame}, kSplit);
    split.init();
    run(split);
    sink.finish();
    benchmark::DoNotOptimize(load_u32le(sink.payload().data));
  });
}
BENCHMARK(BM_SplitFrameHashStatic);

}  // namespace
}  // namespace sluice::bench
