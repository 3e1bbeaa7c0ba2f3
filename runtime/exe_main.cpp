#include "runtime/net_policy.hpp"
#include "runtime/exe_main.hpp"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <optional>

#include <unistd.h>

#include <sys/stat.h>

#include "runtime/page_pool.hpp"
#include "runtime/plan_hash.hpp"
#include "runtime/profile.hpp"
#include "runtime/progress.hpp"
#include "runtime/rr_host.hpp"
#include "runtime/run_report.hpp"
#include "runtime/shard.hpp"
#include "runtime/sigpipe.hpp"

namespace sluice {
namespace {

void print_help(const char* argv0, const ExeInfo& info) {
  std::printf(
      "%s: a compiled sluice pipeline (world %s, plan %s, sluice %s)\n  %s\n"
      "\n"
      "Usage: %s [--root DIR] [--emit doc|payload|summary|json] [--page-size N] [--read-mode read|mmap]\n"
      "          [--input FILE] [--no-fsync] [--no-copy-offload] [--progress never|auto|always]\n"
      "          [--par-threads N] [--profile] [--shard I/N|auto [--shards N]] [--allow-db DB]...\n"
      "          [--allow-host HOST:PORT]... [--allow-listen ADDR:PORT]... [--net-policy FILE]\n"
      "          [--rr CASSETTE [--rr-mode MODE] [--rr-match lookup|transcript] [--rr-policy FILE]]\n"
      "\n"
      "  --root DIR        directory fs paths are relative to (default: .); sandboxed except in run-os\n"
      "  --emit MODE       doc: the result-doc bytes on stdout; payload: the payload bytes; json: one JSON\n"
      "                    object; summary (default): a short report on stderr\n"
      "  --page-size N     input page size in bytes (default 65536); results never depend on it\n"
      "  --read-mode MODE  read (default: read(2) into pool pages) or mmap\n"
      "  --input FILE      the program input x07 functions see as `input` (default: empty)\n"
      "  --allow-db DB     run-os-sandboxed: a database the pipe may open (sqlite:PATH, postgres://HOST:PORT);\n"
      "                    repeatable; any other open is denied with 53249\n"
      "  --allow-host H:P  run-os-sandboxed: a host the pipe may connect to, as its NetAddrV1 names it\n"
      "                    (name, dotted IPv4 or [IPv6], and port); repeatable; others: policy_denied\n"
      "  --allow-listen A:P run-os-sandboxed: an address the pipe may listen on; repeatable\n"
      "  --net-policy FILE allow-host / allow-listen lines (docs/net.md), added to the flags\n"
      "  --no-fsync        fs sinks skip the fsync of the file and directory before OK (faster; the\n"
      "                    output is still all-or-nothing, but may not survive a power cut)\n"
      "  --no-copy-offload a pipe that copies a file unchanged moves its bytes through pages instead of\n"
      "                    letting the kernel copy them (copy_file_range); the doc is the same\n"
      "  --progress MODE   a progress line on stderr for runs over a second: auto (default: on a\n"
      "                    terminal, not under CI=...), always, or never\n"
      "  --par-threads N   worker threads of a par_map stage, 1..256 (default: as many as cores, never\n"
      "                    more than its max_inflight); an ordered par_map gives the same doc for any N\n"
      "  --profile         per-stage items and bytes in and out, copied bytes and (sampled) time: a table\n"
      "                    on stderr after the report, and a \"profile\" member in --emit json\n"
      "  --shard I/N|auto  run shard I (from 0) of N of the input file: a byte range aligned to the first\n"
      "                    stage's lines or frames; fs file sinks write PATH.part-I-of-N; `sluice merge`\n"
      "                    joins the docs. auto: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or\n"
      "                    JOB_COMPLETION_INDEX with --shards N (docs/scale-out.md)\n"
      "  --shards N        with --shard auto in a Kubernetes Indexed Job: N, the Job's completions\n"
      "  --rr CASSETTE     a record/replay session for the run: the cassette <root>/.x07_rr/CASSETTE\n"
      "                    (a safe relative path) that std.stream.src.rr_send_v1 replays\n"
      "  --rr-mode MODE    replay (default), record_missing (a missing cassette is empty), record,\n"
      "                    rewrite or off; rr_send_v1 gives ERR 11 unless the mode replays\n"
      "  --rr-match M      lookup (default: the first unused entry with the key) or transcript (the\n"
      "                    next entry in file order)\n"
      "  --rr-policy FILE  an X07 rr policy file: budgets, match_mode, mode_default\n"
      "                    (default budgets: docs/record_replay.md)\n"
      "\n"
      "Exit statuses: 0 OK doc, 3 ERR doc, 2 usage error, 4 runtime trap, 6 the result could not be\n"
      "written to stdout (e.g. the reader of a pipe went away).\n",
      argv0, info.world, info.plan_hash, info.sluice_version, info.chain, argv0);
}

int usage(const char* argv0, const std::string& msg) {
  std::fprintf(stderr, "%s: %s (see --help)\n", argv0, msg.c_str());
  return kExitUsage;
}

bool read_whole_file(const std::string& path, std::string& out, std::string& why) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    why = std::strerror(errno);
    return false;
  }
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  if (failed) why = std::strerror(errno ? errno : EIO);
  std::fclose(f);
  return !failed;
}

// A decimal count in [lo, hi], digits only: no sign, no spaces, no suffix.
// (strtoul would take "-1" and " 7", and needs a NUL-terminated copy.)
std::optional<std::uint64_t> parse_count(std::string_view text, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t n = 0;
  const char* const last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, n);
  if (text.empty() || ec != std::errc{} || end != last || n < lo || n > hi) return std::nullopt;
  return n;
}

}  // namespace

int exe_main(int argc, char** argv, const ExeInfo& info, ExeRun run) {
  const char* argv0 = argc > 0 ? argv[0] : "pipeline";
  report_broken_pipes_as_errors();
  RunEnv env;
  EmitMode emit = EmitMode::kSummary;
  std::uint32_t page_size = kDefaultPageSize;
  std::string input;
  ProgressMode progress_mode = ProgressMode::kAuto;
  bool profiled = false;
  std::string shard_text;
  std::uint32_t shards = 0;
  RrFlags rr_flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      print_help(argv0, info);
      return kExitOk;
    }
    if (a == "--version") {
      std::printf("sluice %s (plan %s)\n", info.sluice_version, info.plan_hash);
      return kExitOk;
    }
    if (a == "--no-fsync") {
      env.fsync_outputs = false;
      continue;
    }
    if (a == "--no-copy-offload") {
      env.copy_offload = false;
      continue;
    }
    if (a == "--profile") {
      profiled = true;
      continue;
    }
    if (i + 1 >= argc) return usage(argv0, "unknown option or missing value: " + std::string(a));
    const std::string_view v = argv[++i];
    if (a == "--root") {
      struct stat st {};
      if (::stat(std::string(v).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return usage(argv0, "--root: not a directory: " + std::string(v));
      env.fs_root.dir = std::string(v);
    } else if (a == "--allow-db") {
      env.allow_db.emplace_back(v);
    } else if (a == "--allow-host" || a == "--allow-listen") {
      if (const std::string why = net_entry_problem(v); !why.empty())
        return usage(argv0, std::string(a) + " " + std::string(v) + ": " + why);
      (a == "--allow-host" ? env.allow_host : env.allow_listen).emplace_back(v);
    } else if (a == "--net-policy") {
      std::string why;
      if (!load_net_policy_file(std::string(v), env, why)) return usage(argv0, "--net-policy: " + why);
    } else if (a == "--emit") {
      if (!parse_emit_mode(v, emit)) return usage(argv0, "--emit: expected doc, payload, summary or json, got " + std::string(v));
    } else if (a == "--page-size") {
      const std::optional<std::uint64_t> n = parse_count(v, 1, std::uint64_t{1} << 30);
      if (!n) return usage(argv0, "--page-size: expected 1..1073741824, got " + std::string(v));
      page_size = static_cast<std::uint32_t>(*n);
    } else if (a == "--par-threads") {
      const std::optional<std::uint64_t> n = parse_count(v, 1, 256);
      if (!n) return usage(argv0, "--par-threads: expected 1..256, got " + std::string(v));
      env.par_threads = static_cast<unsigned>(*n);
    } else if (a == "--input") {
      std::string why;
      input.clear();
      if (!read_whole_file(std::string(v), input, why)) return usage(argv0, "--input: cannot read " + std::string(v) + ": " + why);
    } else if (a == "--progress") {
      if (!parse_progress_mode(v, progress_mode))
        return usage(argv0, "--progress: expected never, auto or always, got " + std::string(v));
    } else if (a == "--shard") {
      shard_text = std::string(v);
    } else if (a == "--shards") {
      const std::optional<std::uint64_t> n = parse_count(v, 1, kMaxShards);
      if (!n) return usage(argv0, "--shards: expected 1.." + std::to_string(kMaxShards) + ", got " + std::string(v));
      shards = static_cast<std::uint32_t>(*n);
    } else if (a == "--rr") {
      rr_flags.cassette = std::string(v);
    } else if (a == "--rr-mode") {
      rr_flags.mode = std::string(v);
    } else if (a == "--rr-match") {
      rr_flags.match = std::string(v);
    } else if (a == "--rr-policy") {
      rr_flags.policy = std::string(v);
    } else if (a == "--read-mode") {
      if (v == "read") env.read_mode = ReadMode::kRead;
      else if (v == "mmap") env.read_mode = ReadMode::kMmap;
      else return usage(argv0, "--read-mode: expected read or mmap, got " + std::string(v));
    } else {
      return usage(argv0, "unknown option: " + std::string(a));
    }
  }
  if (!shard_text.empty() || shards != 0) {
    std::string why;
    const std::optional<ShardSpec> shard = resolve_shard(shard_text, shards, why);
    if (!shard) return usage(argv0, why);
    if (info.shard_refusal != nullptr && info.shard_refusal[0] != '\0')
      return usage(argv0, std::string("--shard: cannot shard this pipe: ") + info.shard_refusal);
    env.shard = *shard;
  }
  if (info.input_digest[0] != '\0' && xxh64_hex(input) != info.input_digest)
    return usage(argv0, std::string("this pipeline's values were computed at build time from a different input ") +
                            "(xxh64:" + info.input_digest + "); pass that --input, or rebuild with sluice build --input FILE");
  std::optional<RrConfig> rr_cfg;
  const ByteView entry_rr(reinterpret_cast<const std::uint8_t*>(info.rr_session), info.rr_session_size);
  if (std::string why; !rr_run_config(rr_flags, entry_rr, rr_cfg, why)) return usage(argv0, why);
  try {
    // The run's rr session (the flags' or the entry's own): opened before the run, closed when
    // this scope ends, whatever the run did.
    RrSession rr_session;
    if (rr_cfg) {
      const RrCode code = rr_session.open(env.fs_root, *rr_cfg);
      if (code != RrCode::kOk) return report_outcome(rr_open_failure(code, rr_session.detail()), emit, nullptr);
      env.rr = &rr_session;
    }
    std::optional<ProgressMeter> meter;
    if (progress_wanted(progress_mode, STDERR_FILENO)) env.progress = &meter.emplace(STDERR_FILENO);
    RunProfile profile;
    if (profiled) env.profile = &profile;
    const RunOutcome outcome = run(env, page_size, ByteView::of(input));
    if (meter) meter->finish();
    return report_outcome(outcome, emit, profiled ? &profile : nullptr);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "sluice: trap:out_of_memory\n");
    return kExitTrap;
  }
}

}  // namespace sluice
