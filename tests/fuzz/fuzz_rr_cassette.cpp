// Fuzz target for the record/replay cassette reader (runtime/os/rr_cassette): any bytes, parsed
// as a .rrbin cassette under the default budgets and under tight ones, and as an X7RC cfg. Never a
// crash or a hang; every error is an rr code 2003..2014 (2000 for X7RC); on OK the frames cover
// the input exactly, each entry's doc parses again to the same fields, and a decoded X7RC
// encodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <string_view>

#include "runtime/os/rr_cassette.hpp"

namespace {

using namespace sluice;

void check_cassette(std::string_view bytes, const RrBudgets& budgets) {
  RrCassette c;
  c.assign(bytes);
  const RrCode code = parse_rr_cassette(c, budgets);
  if (code != RrCode::kOk) {
    const std::uint32_t n = rr_code_number(code);
    if (n < 2003 || n > 2014 || n == 2009 || n == 2010 || n == 2011 || n == 2012 || n == 2013) std::abort();
    return;
  }
  std::uint64_t covered = 0;
  for (const RrEntry& e : c.entries) {
    covered += 4u + e.doc.size;
    RrEntry again;
    if (parse_rr_entry(e.doc, budgets, again) != RrCode::kOk) std::abort();
    if (again.key != e.key || again.resp != e.resp || again.op != e.op || again.err != e.err) std::abort();
    if (e.key.size() > budgets.max_key_bytes || e.resp.size() > budgets.max_resp_bytes) std::abort();
  }
  if (covered != bytes.size() || c.entries.size() > budgets.max_entries) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_cassette(bytes, default_rr_budgets());
  check_cassette(bytes, RrBudgets{256, 2, 8, 8, 4});
  RrConfig cfg;
  if (size <= UINT32_MAX && decode_x7rc(ByteView(data, static_cast<std::uint32_t>(size)), cfg) == RrCode::kOk) {
    const auto back = encode_x7rc(cfg);
    if (back.size() != size || !std::equal(back.begin(), back.end(), data)) std::abort();
  }
  return 0;
}
