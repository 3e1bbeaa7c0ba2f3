// split_lines: the kernel (stdlib/xf/split_lines.hpp) against the raw scans it could approach:
// one memchr per line (its current method) and a 64-byte newline-bitmask scanner (the method
// ../shared/research/zero-copy.md §5.3 recommends; a prototype here, not in stdlib).
#include <benchmark/benchmark.h>

#include <cstring>

#include "bench/micro/bench_data.hpp"
#include "bench/micro/split_lines_proto.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/run_context.hpp"
#include "stdlib/xf/split_lines.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::bench {
namespace {

// 1 MiB of lines: L2-resident, as a 64 KiB page just filled by read(2) is in a real run.
constexpr std::size_t kLinesBytes = 1 << 20;

const std::vector<std::uint8_t>& lines() {
  static const auto v = make_lines(kLinesBytes);
  return v;
}

void set_rates(benchmark::State& state, std::uint64_t items) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kLinesBytes));
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}

// The kernel, fed the buffer in items of state.range(0) bytes (the source's chunk_max_bytes).
void BM_SplitLinesKernel(benchmark::State& state) {
  const auto& buf = lines();
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  PagePool pool;
  RunContext ctx(Budgets{kNoLimit, kNoLimit, kNoLimit}, pool);
  std::uint64_t items = 0, bytes = 0;
  SplitLines<CountNext> k(ctx, CountNext{&items, &bytes}, SplitLinesConfig{'\n', 65536});
  k.init();
  for (auto _ : state) {
    for (std::size_t off = 0; off < buf.size(); off += chunk) {
      const std::size_t n = std::min(chunk, buf.size() - off);
      k.push(ByteView(buf.data() + off, static_cast<std::uint32_t>(n)));
    }
    benchmark::DoNotOptimize(bytes);
  }
  k.flush();
  set_rates(state, items);
  state.counters["copied/B"] =
      static_cast<double>(ctx.copied_bytes()) / static_cast<double>(state.iterations() * kLinesBytes);
}
BENCHMARK(BM_SplitLinesKernel)->Arg(4096)->Arg(65536)->Arg(1 << 20);

// The floor of the kernel's method: memchr per line, no carry, no Next.
void BM_MemchrPerLine(benchmark::State& state) {
  const auto& buf = lines();
  std::uint64_t items = 0;
  for (auto _ : state) {
    const std::uint8_t* p = buf.data();
    const std::uint8_t* end = p + buf.size();
    std::uint64_t sum = 0;
    while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      const auto* q = static_cast<const std::uint8_t*>(nl);
      sum += static_cast<std::uint64_t>(q - p);
      ++items;
      p = q + 1;
    }
    benchmark::DoNotOptimize(sum);
  }
  set_rates(state, items);
}
BENCHMARK(BM_MemchrPerLine);

#if defined(__x86_64__) && defined(__GNUC__)
// 64 bytes at a time: two 32-byte compares → a 64-bit newline mask → one tzcnt per line.
__attribute__((target("avx2,bmi"))) std::uint64_t bitmask_split(const std::uint8_t* p, std::size_t n,
                                                                  std::uint64_t& items) {
  const __m256i nl = _mm256_set1_epi8('\n');
  std::uint64_t sum = 0;
  std::size_t line_start = 0, i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    std::uint64_t m = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, nl))) |
                      (static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, nl)))) << 32);
    while (m != 0) {
      const std::size_t pos = i + static_cast<std::size_t>(_tzcnt_u64(m));
      sum += pos - line_start;  // the line is [line_start, pos)
      ++items;
      line_start = pos + 1;
      m = _blsr_u64(m);
    }
  }
  for (; i < n; ++i)
    if (p[i] == '\n') {
      sum += i - line_start;
      ++items;
      line_start = i + 1;
    }
  return sum;
}

void BM_BitmaskSplitAvx2(benchmark::State& state) {
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi")) {
    state.SkipWithError("no AVX2/BMI on this CPU");
    return;
  }
  const auto& buf = lines();
  std::uint64_t items = 0;
  for (auto _ : state) benchmark::DoNotOptimize(bitmask_split(buf.data(), buf.size(), items));
  set_rates(state, items);
}
BENCHMARK(BM_BitmaskSplitAvx2);
#endif

// The same scan with SSE2 (x86-64 baseline, no dispatch needed), as in split_lines_proto.hpp.
void BM_BitmaskSplitSse2(benchmark::State& state) {
  const auto& buf = lines();
  std::uint64_t items = 0;
  for (auto _ : state) {
    const std::uint8_t* p = buf.data();
    std::uint64_t sum = 0;
    std::size_t start = 0, i = 0;
    for (; i + 64 <= buf.size(); i += 64) {
      std::uint64_t m = match_mask64(p + i, '\n');
      while (m != 0) {
        const std::size_t pos = i + static_cast<std::size_t>(__builtin_ctzll(m));
        m &= m - 1;
        sum += pos - start;
        ++items;
        start = pos + 1;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  set_rates(state, items);
}
BENCHMARK(BM_BitmaskSplitSse2);

// The prototype kernel (bitmask scan + split_lines' carry rules), fed like BM_SplitLinesKernel.
void BM_SplitLinesBitmaskProto(benchmark::State& state) {
  const auto& buf = lines();
  const std::size_t chunk = static_cast<std::size_t>(state.range(0));
  PagePool pool;
  RunContext ctx(Budgets{kNoLimit, kNoLimit, kNoLimit}, pool);
  std::uint64_t items = 0, bytes = 0;
  SplitLinesBitmaskProto<CountNext> k(ctx, CountNext{&items, &bytes}, '\n');
  for (auto _ : state) {
    for (std::size_t off = 0; off < buf.size(); off += chunk) {
      const std::size_t n = std::min(chunk, buf.size() - off);
      k.push(ByteView(buf.data() + off, static_cast<std::uint32_t>(n)));
    }
    benchmark::DoNotOptimize(bytes);
  }
  k.flush();
  set_rates(state, items);
}
BENCHMARK(BM_SplitLinesBitmaskProto)->Arg(65536);

}  // namespace
}  // namespace sluice::bench
