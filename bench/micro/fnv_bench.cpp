// FNV-1a 32 (runtime/hash_fnv1a.hpp): over a hot 64 KiB page, per 80-byte item (as the hash sink
// sees framed lines: a 4-byte header call, then the line), and the plain byte loop of bench's
// C baseline, to show the unrolled kernel and the baseline run the same serial chain.
#include <benchmark/benchmark.h>

#include "bench/micro/bench_data.hpp"
#include "runtime/hash_fnv1a.hpp"

namespace sluice::bench {
namespace {

const std::vector<std::uint8_t>& page() {
  static const auto v = make_lines(65536);
  return v;
}

void BM_Fnv1aPage(benchmark::State& state) {
  const auto& buf = page();
  std::uint32_t h = kFnv1a32Basis;
  for (auto _ : state) {
    h = fnv1a32_update(h, ByteView(buf.data(), static_cast<std::uint32_t>(buf.size())));
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_Fnv1aPage);

void BM_Fnv1aPerItem(benchmark::State& state) {
  const auto& buf = page();
  const auto item = static_cast<std::uint32_t>(state.range(0));
  std::uint32_t h = kFnv1a32Basis;
  std::uint8_t hdr[4];
  store_u32le(hdr, item);
  std::size_t done = 0;
  for (auto _ : state) {
    for (std::size_t off = 0; off + item <= buf.size(); off += item) {
      h = fnv1a32_update(h, ByteView(hdr, 4));
      h = fnv1a32_update(h, ByteView(buf.data() + off, item));
      done += std::size_t{item} + 4;
    }
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(done));
}
BENCHMARK(BM_Fnv1aPerItem)->ArgName("item")->Arg(80);

void BM_Fnv1aPlainLoop(benchmark::State& state) {
  const auto& buf = page();
  std::uint32_t h = kFnv1a32Basis;
  for (auto _ : state) {
    for (const std::uint8_t b : buf) h = (h ^ b) * kFnv1a32Prime;
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_Fnv1aPlainLoop);

}  // namespace
}  // namespace sluice::bench
