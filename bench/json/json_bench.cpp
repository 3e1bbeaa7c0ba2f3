// Times sluice's RFC 8785 canonicalizer (stdlib/json) on one document held in memory: the full
// canonicalization and the parse-only baseline of the same parser (validate()), best of N runs.
// Prints one tab-separated line per row, `row  seconds  MB/s` (MB = 10^6 bytes of input), then
// the output's size and FNV-1a 32, and can write the canonical bytes for a comparison.
//
//   sluice_json_bench DOC.json [REPS=5] [--out CANON.json]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/hash_fnv1a.hpp"
#include "stdlib/json/json_canon.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DOC.json [REPS=5] [--out CANON.json]\n", argv[0]);
    return 2;
  }
  int reps = 5;
  std::string out_path;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out_path = argv[++i];
    } else {
      reps = std::atoi(argv[i]);
    }
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<std::uint8_t> doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    std::perror(argv[1]);
    return 1;
  }
  const sluice::ByteView view(doc.data(), static_cast<std::uint32_t>(doc.size()));
  // Limits wide enough for any generated document; the stage's defaults would refuse nothing here.
  sluice::json::JsonCanonLimits limits;
  limits.max_depth = 64;
  limits.max_object_members = 4096;
  limits.max_object_total_bytes = 0x7FFFFFFF;
  const double mb = static_cast<double>(doc.size()) / 1e6;

  sluice::json::JsonCanonicalizer canon;
  sluice::json::ByteBuffer out;
  double best_canon = 1e30;
  double best_parse = 1e30;
  for (int r = 0; r < reps; ++r) {
    out.release();  // each run grows its output from nothing, as the stage does
    auto t0 = std::chrono::steady_clock::now();
    const sluice::json::JsonError e = canon.canonicalize(view, limits, out);
    best_canon = std::min(best_canon, seconds_since(t0));
    if (!e.ok()) {
      std::fprintf(stderr, "canonicalize: ERR %d at %u\n", static_cast<int>(e.code), e.offset);
      return 1;
    }
    t0 = std::chrono::steady_clock::now();
    const sluice::json::JsonError v = canon.validate(view, limits);
    best_parse = std::min(best_parse, seconds_since(t0));
    if (!v.ok()) {
      std::fprintf(stderr, "validate: ERR %d at %u\n", static_cast<int>(v.code), v.offset);
      return 1;
    }
  }
  std::printf("sluice_canonicalize\t%.4f\t%.1f\n", best_canon, mb / best_canon);
  std::printf("sluice_parse_only\t%.4f\t%.1f\n", best_parse, mb / best_parse);
  const std::uint32_t h =
      sluice::fnv1a32_update(sluice::kFnv1a32Basis, sluice::ByteView(out.data(), static_cast<std::uint32_t>(out.size())));
  std::printf("output\t%zu\t%08x\n", out.size(), h);
  if (!out_path.empty()) {
    std::FILE* f = std::fopen(out_path.c_str(), "wb");
    if (f == nullptr || std::fwrite(out.data(), 1, out.size(), f) != out.size() || std::fclose(f) != 0) {
      std::perror(out_path.c_str());
      return 1;
    }
  }
  return 0;
}
