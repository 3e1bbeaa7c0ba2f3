// The page pool (runtime/page_pool.hpp): a cached acquire/release cycle, a jumbo page (always a
// system allocation), and the malloc/free it replaces. The pool bounds memory; it is not meant to
// beat malloc (../shared/research/zero-copy.md §5.1), only to stay off the per-item path.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>

#include "runtime/page_pool.hpp"

namespace sluice::bench {
namespace {

void BM_PoolAcquireRelease(benchmark::State& state) {
  PagePool pool;
  { Page warm = pool.acquire(); }
  for (auto _ : state) {
    Page p = pool.acquire();
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["sys_allocs"] = static_cast<double>(pool.system_allocations());
}
BENCHMARK(BM_PoolAcquireRelease);

void BM_PoolAcquireFillRelease(benchmark::State& state) {
  PagePool pool;
  for (auto _ : state) {
    Page p = pool.acquire();
    std::memset(p.data(), 0x5a, p.capacity());
    benchmark::DoNotOptimize(p.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kDefaultPageSize));
}
BENCHMARK(BM_PoolAcquireFillRelease);

void BM_PoolJumbo(benchmark::State& state) {
  PagePool pool;
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    Page p = pool.acquire_at_least(n);
    benchmark::DoNotOptimize(p.data());
  }
}
BENCHMARK(BM_PoolJumbo)->Arg(256 << 10)->Arg(4 << 20);

void BM_MallocFillFree(benchmark::State& state) {
  for (auto _ : state) {
    auto* p = static_cast<unsigned char*>(std::malloc(kDefaultPageSize));
    std::memset(p, 0x5a, kDefaultPageSize);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kDefaultPageSize));
}
BENCHMARK(BM_MallocFillFree);

}  // namespace
}  // namespace sluice::bench
