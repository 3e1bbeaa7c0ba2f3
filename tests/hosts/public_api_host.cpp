// A host built by tests/cli/public_headers.sh against an installed prefix with nothing but
// -I PREFIX/include: it uses every part of the public C++ API (compile, diagnostics, options,
// a host function, source bytes, a sink callback, the three run statuses, the plan) and prints
// one line per check, which the script compares.
#include <cstdio>
#include <string>
#include <vector>

#include <sluice/sluice.hpp>

namespace embed = sluice::embed;

namespace {

std::string pipe(const std::string& chain, const std::string& sink = R"(["std.stream.sink.collect_bytes_v1"])",
                 int max_items = 100) {
  return R"(["std.stream.pipe_v1", ["std.stream.cfg_v1", ["chunk_max_bytes", 8], ["bufread_cap_bytes", 8],
    ["max_in_bytes", 4096], ["max_out_bytes", 4096], ["max_items", )" + std::to_string(max_items) + R"(]],
    ["std.stream.src.bytes_v1", ["std.stream.expr_v1", ["bytes.lit", "from the descriptor\n"]]],
    ["std.stream.chain_v1", )" + chain + "], " + sink + "]";
}

const char* status_name(embed::RunStatus s) {
  switch (s) {
    case embed::RunStatus::kOkDoc: return "ok-doc";
    case embed::RunStatus::kErrDoc: return "err-doc";
    case embed::RunStatus::kTrap: return "trap";
  }
  return "?";
}

}  // namespace

int main() {
  const std::string split = R"(["std.stream.xf.split_lines_v1", ["std.stream.expr_v1", 10], ["std.stream.expr_v1", 64]])";

  // A host function, called by the pipe as "host.shout" (a map: bytes in, bytes out).
  int calls = 0;
  embed::CompileOptions options;
  options.world = *embed::parse_world("solve-pure");
  options.register_native_fn("host.shout", embed::NativeFnSig::kMap, [&calls](embed::NativeFnCall& call) {
    ++calls;
    call.out->assign(call.item.begin(), call.item.end());
    call.out->push_back('!');
    return embed::NativeFnOutcome::kReturned;
  });
  std::vector<embed::Diagnostic> diags;
  const auto shout = embed::Pipeline::compile(
      pipe(split + R"(, ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "host.shout"]])"), options, &diags, "shout.json");
  if (!shout) {
    for (const auto& d : diags) std::fprintf(stderr, "%s\n", embed::format_text(d).c_str());
    return 1;
  }
  std::printf("world: %s\n", std::string(embed::world_name(options.world)).c_str());

  // Source bytes from host memory, items into a callback.
  const std::string input = "ab\ncd\n";
  std::string seen;
  embed::RunRequest req;
  req.source_bytes = embed::ByteView::of(input);
  req.sink = [&seen](embed::ByteView item) { seen.append(item.as_chars()).append("|"); };
  const embed::RunResult r = shout->run(req);
  std::printf("run: %s exit=%d items_out=%u seen=%s calls=%d doc=%zu\n", status_name(r.status), r.exit_status(),
              r.doc ? r.doc->counters.items_out : 0U, seen.c_str(), calls, r.doc_bytes.size());

  // The descriptor's own source and sink: the payload is the collected bytes.
  const embed::RunResult own = shout->run();
  std::printf("own: %s payload=%.*s\n", status_name(own.status), own.doc ? static_cast<int>(own.doc->payload.size()) : 0,
              own.doc ? reinterpret_cast<const char*>(own.doc->payload.data()) : "");

  // An ERR doc: a budget (max_items 1) runs out on the second line.
  const auto tight = embed::Pipeline::compile(pipe(split, R"(["std.stream.sink.null_v1"])", 1));
  embed::RunRequest two_lines;
  two_lines.source_bytes = embed::ByteView::of(input);
  const embed::RunResult err = tight->run(two_lines);
  std::printf("err: %s exit=%d code=%u message=%s\n", status_name(err.status), err.exit_status(),
              err.doc ? err.doc->code : 0U, err.doc ? err.doc->message.c_str() : "-");

  // A trap: the host function traps.
  embed::CompileOptions trapping = options;
  trapping.native_fns.clear();
  trapping.register_native_fn("host.shout", embed::NativeFnSig::kMap, [](embed::NativeFnCall& call) {
    call.trap = "no shouting";
    return embed::NativeFnOutcome::kTrapped;
  });
  const auto t = embed::Pipeline::compile(
      pipe(split + R"(, ["std.stream.xf.map_bytes_v1", ["std.stream.fn_v1", "host.shout"]])"), trapping);
  const embed::RunResult trap = t->run();
  std::printf("trap: %s exit=%d doc=%zu text=%s\n", status_name(trap.status), trap.exit_status(), trap.doc_bytes.size(),
              trap.trap.c_str());

  // Diagnostics: every one, with its place, as text and as `sluice check --format json`.
  std::vector<embed::Diagnostic> bad;
  const auto rejected = embed::Pipeline::compile(pipe(R"(["std.stream.xf.take_v1", ["std.stream.expr_v1", 1], ["n", 2]])"),
                                                 {}, &bad, "bad.json");
  const std::string json = embed::diagnostics_to_json(bad);
  std::printf("bad: %s n=%zu first=%s line=%d json=%s\n", rejected ? "accepted" : "rejected", bad.size(),
              bad.empty() ? "-" : bad.front().code.c_str(), bad.empty() ? 0 : bad.front().line,
              json.find("\"code\": \"E_PIPE_UNKNOWN_FIELD\"") != std::string::npos ? "has the code" : json.c_str());

  // The plan, as `sluice plan --format json` prints it.
  const std::string plan = shout->plan_json();
  std::printf("plan: %s\n", plan.find("\"std.stream.xf.map_bytes_v1\"") != std::string::npos ? "has map_bytes" : "missing");
  std::printf("version: %s\n", embed::version());
  return 0;
}
