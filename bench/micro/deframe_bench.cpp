// deframe_u32le (stdlib/xf/deframe_u32le.hpp) fed 64 KiB items: small frames (≈ framed 80-byte
// lines), 28,796-byte messages (the .NET Pipelines gRPC example) and frames larger than a page.
// copied/B is the share of bytes gathered into the carry (frames that cross an item boundary).
#include <benchmark/benchmark.h>

#include "bench/micro/bench_data.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/run_context.hpp"
#include "stdlib/xf/deframe_u32le.hpp"

namespace sluice::bench {
namespace {

void BM_DeframeKernel(benchmark::State& state) {
  const auto payload = static_cast<std::uint32_t>(state.range(0));
  const std::size_t chunk = 65536;
  // ~2 MiB of whole frames (L2-sized), so each pass leaves the state machine between frames.
  const auto buf = make_frames(std::size_t{2} << 20, payload);
  PagePool pool;
  RunContext ctx(Budgets{kNoLimit, kNoLimit, kNoLimit}, pool);
  std::uint64_t items = 0, bytes = 0;
  DeframeU32le<CountNext> k(ctx, CountNext{&items, &bytes}, DeframeConfig{1 << 24, 0, 1, false});
  k.init();
  for (auto _ : state) {
    for (std::size_t off = 0; off < buf.size(); off += chunk) {
      const std::size_t n = std::min(chunk, buf.size() - off);
      k.push(ByteView(buf.data() + off, static_cast<std::uint32_t>(n)));
    }
    benchmark::DoNotOptimize(bytes);
  }
  const double total = static_cast<double>(state.iterations() * buf.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(total));
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
  state.counters["copied/B"] = static_cast<double>(ctx.copied_bytes()) / total;
}
BENCHMARK(BM_DeframeKernel)->ArgName("payload")->Arg(76)->Arg(28796)->Arg(200000);

}  // namespace
}  // namespace sluice::bench
