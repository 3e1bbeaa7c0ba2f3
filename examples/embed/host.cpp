// A C++ host that embeds sluice: it compiles a descriptor held in memory, feeds the pipeline from
// its own buffer, receives each line in a callback, and reads the typed result doc. It also shows
// what a host gets for a descriptor with errors.
#include <cstdio>
#include <string>
#include <vector>

#include <sluice/sluice.hpp>

namespace {

constexpr const char* kDescriptor = R"([
  "std.stream.pipe_v1",
  ["std.stream.cfg_v1", ["chunk_max_bytes", 16], ["bufread_cap_bytes", 16],
                        ["max_in_bytes", 4096], ["max_out_bytes", 4096], ["max_items", 100]],
  ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "replaced by the host"]]],
  ["std.stream.chain_v1",
    ["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 256]],
    ["std.stream.xf.take_v1", ["std.stream.expr_v1", 3]]],
  ["std.stream.sink.collect_bytes_v1"]])";

}  // namespace

namespace embed = sluice::embed;

int main() {
  std::vector<embed::Diagnostic> diags;
  const auto pipe = embed::Pipeline::compile(kDescriptor, {}, &diags, "host.json");
  if (!pipe) {
    for (const auto& d : diags) std::fprintf(stderr, "%s\n", embed::format_text(d).c_str());
    return 1;
  }

  const std::string input = "first line\nsecond line\nthird line\nfourth line\n";
  std::vector<std::string> lines;
  embed::RunRequest req;
  req.source_bytes = embed::ByteView::of(input);
  req.sink = [&](embed::ByteView item) { lines.emplace_back(item.as_chars()); };
  const embed::RunResult r = pipe->run(req);
  if (!r.ok() || !r.doc) {
    std::fprintf(stderr, "run failed: %s\n", r.trap.c_str());
    return 1;
  }
  for (const std::string& l : lines) std::printf("line: %s\n", l.c_str());
  const embed::Counters& c = r.doc->counters;
  std::printf("OK bytes_in=%u bytes_out=%u items_in=%u items_out=%u doc=%zu bytes\n", c.bytes_in, c.bytes_out,
              c.items_in, c.items_out, r.doc_bytes.size());

  // A descriptor with a mistake: the host gets every diagnostic, with line and column.
  std::vector<embed::Diagnostic> bad_diags;
  const auto bad = embed::Pipeline::compile(R"(["std.stream.pipe_v1", ["std.stream.cfg_v1"],
    ["std.stream.src.bytes_v1", ["std.stream.expr_v1", 7]], ["std.stream.chain_v1"], ["std.stream.sink.null_v1"]])",
                                             {}, &bad_diags, "bad.json");
  std::printf("bad descriptor: %s, %zu diagnostics, first: %s\n", bad ? "accepted" : "rejected", bad_diags.size(),
              bad_diags.empty() ? "-" : bad_diags.front().code.c_str());
  return 0;
}
