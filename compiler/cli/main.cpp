// The sluice command: check, run and plan X07 stream pipelines. A thin layer over the compiler
// API; the exit statuses are the contract of DESIGN.md (0 OK, 1 rejected, 2 usage, 3 ERR doc,
// 4 runtime trap).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <unistd.h>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/arch_check.hpp"
#include "compiler/build_driver.hpp"
#include "compiler/compiled_fns.hpp"
#include "compiler/cli/fmt_command.hpp"
#include "compiler/cli/graph_command.hpp"
#include "compiler/cli/merge_command.hpp"
#include "compiler/cli/rr_command.hpp"
#include "compiler/cli/test_command.hpp"
#include "compiler/diagnostics.hpp"
#include "compiler/diagnostics_ci.hpp"
#include "compiler/emit_cpp.hpp"
#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "compiler/native_modules.hpp"
#include "compiler/plugin_files.hpp"
#include "compiler/plan_print.hpp"
#include "runtime/net_policy.hpp"
#include "runtime/codes.hpp"
#include "runtime/profile.hpp"
#include "runtime/progress.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/rr_host.hpp"
#include "runtime/run_report.hpp"
#include "runtime/shard.hpp"
#include "stdlib/stage_configs.hpp"
#include "runtime/sigpipe.hpp"

namespace {

using namespace sluice;

// `sluice build` only: the C++ compiler failed or could not be run.
constexpr int kExitBuildFailed = 5;

void print_diagnostics(const std::vector<Diagnostic>& diags) {
  for (const Diagnostic& d : diags) std::cerr << format_text(d) << "\n";
}

struct CommonFlags {
  std::string world = "run-os-sandboxed";
};

std::optional<World> world_or_usage(const std::string& id) {
  auto w = parse_world(id);
  if (!w) std::cerr << "sluice: unknown world '" << id << "' (expected one of: " << world_ids_joined() << ")\n";
  return w;
}

// --module and --native-module (every subcommand) and --input (run): what the compiler needs
// besides the world. The native modules' functions are loaded once, before any pipe compiles.
std::vector<std::string> g_module_files;
std::vector<std::string> g_native_module_files;
std::vector<NativeFn> g_native_fns;
std::string g_input_file;
// --arch-root: where the stream plugin registry is (DIR/arch/stream/plugins/); default: the pipe
// file's directory. It adds to the embedded registry of built-in plugins.
std::string g_arch_root;
// --plugin: C/C++ sources, objects or archives defining stream plugin descriptors; loaded once.
std::vector<std::string> g_plugin_files;
std::vector<void*> g_plugin_handles;
// --deny-warnings: a descriptor with warnings (lints among them) is rejected like one with errors.
bool g_deny_warnings = false;
unsigned g_par_threads = 0;  // run --par-threads (0: as many as cores)
std::vector<std::string> g_allow_db;  // run --allow-db (docs/databases.md)
std::vector<std::string> g_allow_host, g_allow_listen;  // run --allow-host, --allow-listen (docs/net.md)
std::string g_net_policy;                               // run --net-policy FILE

// What every command that compiles a pipe takes besides the pipe: modules, native modules, the
// plugin registry's arch root and plugin files, and --deny-warnings.
void add_compile_inputs(CLI::App& cmd) {
  cmd.add_option("--module", g_module_files, "an x07AST module file (*.x07.json) to load (repeatable); modules are also found by id next to the pipe file");
  cmd.add_option("--native-module", g_native_module_files, "a C++ file of stage functions (SLUICE_NATIVE_MODULE, docs/native_modules.md) to compile in (repeatable)");
  cmd.add_option("--arch-root", g_arch_root, "the arch root whose arch/stream/plugins/index.x07sp.json adds stream plugins to the built-in ones (default: the pipe file's directory)");
  cmd.add_option("--plugin", g_plugin_files, "a stream plugin (C/C++ source, object or static archive, docs/plugins.md) whose descriptors registry entries may name (repeatable)");
  cmd.add_flag("--deny-warnings", g_deny_warnings, "warnings (lints among them, docs/diagnostics.md) reject the descriptor like errors");
}

// --rr and its companions (run here; built executables take the same, runtime/exe_main.cpp).
void add_rr_flags(CLI::App& cmd, RrFlags& f) {
  cmd.add_option("--rr", f.cassette,
                 "a record/replay session for the run: the cassette <root>/.x07_rr/CASSETTE (a safe relative path) "
                 "that std.stream.src.rr_send_v1 replays (docs/record_replay.md)");
  cmd.add_option("--rr-mode", f.mode,
                 "replay (default), record_missing (a missing cassette is empty), record, rewrite or off; "
                 "rr_send_v1 gives ERR 11 unless the mode replays");
  cmd.add_option("--rr-match", f.match, "lookup (default: the first unused entry with the key) or transcript (the next entry in file order)");
  cmd.add_option("--rr-policy", f.policy, "an X07 rr policy file (budgets, match_mode, mode_default); default budgets: docs/record_replay.md")
      ->check(CLI::ExistingFile);
}

// Whether the diagnostics reject the descriptor: errors, or any diagnostic under --deny-warnings.
bool rejected(const std::vector<Diagnostic>& diags) {
  return has_errors(diags) || (g_deny_warnings && !diags.empty());
}

std::size_t warning_count(const std::vector<Diagnostic>& diags) {
  std::size_t n = 0;
  for (const Diagnostic& d : diags) n += d.severity == Severity::kWarning ? 1 : 0;
  return n;
}

CompileOptions compile_options(World world) {
  CompileOptions o{.world = world};
  if (!g_arch_root.empty()) o.arch_root = g_arch_root;
  if (!g_plugin_handles.empty())
    o.plugin_lookup = [](const std::string& symbol) { return find_plugin_symbol(g_plugin_handles, symbol); };
  o.module_files = g_module_files;
  o.native_fns = g_native_fns;
  if (!g_input_file.empty()) {
    if (std::FILE* f = std::fopen(g_input_file.c_str(), "rb")) {
      char buf[1 << 16];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) o.input.append(buf, n);
      std::fclose(f);
    }
  }
  return o;
}

EmitOptions emit_options() { return EmitOptions{.native_modules = g_native_module_files.size()}; }

// Compiles (or takes from the cache) and loads the --native-module files into g_native_fns.
// -v on build says whether each came from the cache.
bool load_native_modules_or_report(const NativeModuleOptions& options, bool verbose) {
  if (g_native_module_files.empty()) return true;
  NativeModulesLoad loaded = load_native_modules(g_native_module_files, options);
  if (!loaded.ok) {
    std::cerr << "sluice: " << loaded.message << (loaded.message.ends_with('\n') ? "" : "\n");
    return false;
  }
  if (verbose)
    for (const LoadedNativeModule& m : loaded.modules)
      std::cerr << "native module " << m.file << (m.compiled ? ": compiled: " : ": cached: ") << m.shared_object << "\n";
  g_native_fns = std::move(loaded.fns);
  return true;
}

int cmd_check(const std::vector<std::string>& files, const std::string& world_id, const std::string& format) {
  const auto world = world_or_usage(world_id);
  if (!world) return kExitUsage;
  std::vector<Diagnostic> all;
  bool errors = false;
  for (const std::string& f : files) {
    CompileResult r = compile_pipe_file(f, compile_options(*world));
    errors = errors || rejected(r.diagnostics);
    all.insert(all.end(), r.diagnostics.begin(), r.diagnostics.end());
  }
  if (format == "json") {
    std::cout << diagnostics_to_json(all) << "\n";
  } else if (format == "sarif") {
    std::cout << diagnostics_to_sarif(all, SLUICE_VERSION) << "\n";
  } else if (format == "github") {
    for (const Diagnostic& d : all) std::cout << format_github(d) << "\n";
  } else {
    for (const Diagnostic& d : all) std::cout << format_text(d) << "\n";
    if (!errors) std::cout << files.size() << (files.size() == 1 ? " pipe" : " pipes") << " OK\n";
    if (g_deny_warnings && warning_count(all) != 0)
      std::cout << warning_count(all) << (warning_count(all) == 1 ? " warning" : " warnings")
                << " treated as errors (--deny-warnings)\n";
  }
  return errors ? kExitRejected : kExitOk;
}

// Compiles one pipe file for a command that needs a plan: prints its diagnostics and, when there
// is no plan, sets `status` to the exit status to return (usage for an unknown world, rejected
// for a descriptor with errors).
std::optional<Plan> compile_for_command(const std::string& file, const std::string& world_id, int& status) {
  const auto world = world_or_usage(world_id);
  if (!world) {
    status = kExitUsage;
    return std::nullopt;
  }
  CompileResult r = compile_pipe_file(file, compile_options(*world));
  print_diagnostics(r.diagnostics);
  if (r.ok() && rejected(r.diagnostics))
    std::cerr << "sluice: " << warning_count(r.diagnostics) << " warning(s) treated as errors (--deny-warnings)\n";
  if (rejected(r.diagnostics)) {
    status = kExitRejected;
    return std::nullopt;
  }
  return std::move(r.plan);
}

int cmd_plan(const std::string& file, const std::string& world_id, const std::string& format) {
  int status = kExitOk;
  const std::optional<Plan> plan = compile_for_command(file, world_id, status);
  if (!plan) return status;
  std::cout << (format == "json" ? plan_to_json(*plan) : plan_to_text(*plan));
  return kExitOk;
}

int cmd_graph(const std::string& file, const std::string& world_id, const GraphOptions& options) {
  int status = kExitOk;
  const std::optional<Plan> plan = compile_for_command(file, world_id, status);
  if (!plan) return status;
  return write_graph(*plan, options);
}

// How `run` treats the plan's x07 functions (--compile, --cache-dir, -v).
struct RunCompileFlags {
  std::string mode = "auto";
  std::string cache_dir;
  bool verbose = false;
};

// Swaps the plan's x07 functions for compiled ones as --compile says. Exit status when it cannot
// (always: the compiler failed or the functions cannot be compiled), else kExitOk.
int compile_functions_for_run(Plan& plan, const RunCompileFlags& flags) {
  CompiledFnsOptions options;
  parse_compile_mode(flags.mode, options.mode);  // CLI11 has already checked the value
  options.cache_dir = flags.cache_dir;
  const std::string input = compile_options(plan.world).input;
  options.input = input;
  const CompiledFns c = use_compiled_fns(plan, options);
  if (c.status == CompiledFns::Status::kFailed) {
    std::cerr << "sluice: --compile always: " << c.message << (c.message.ends_with('\n') ? "" : "\n");
    return c.compiler_failed ? kExitBuildFailed : kExitUsage;
  }
  if (flags.verbose) {
    if (c.status == CompiledFns::Status::kCompiled)
      std::cerr << (c.compiled_now ? "compiled: " : "cached: ") << c.shared_object << "\n";
    else if (!c.message.empty())
      std::cerr << "interpreted: " << c.message << "\n";
    else if (plan.uses_user_functions)
      std::cerr << "interpreted: " << (options.mode == CompileMode::kNever ? "--compile never" : "not in the cache (--compile always compiles them)") << "\n";
  }
  return kExitOk;
}

int cmd_run(const std::string& file, const std::string& world_id, const std::string& root, const std::string& emit,
            std::uint32_t page_size, const std::string& read_mode, bool no_fsync, bool no_copy_offload,
            const std::string& progress, bool profile, const RunCompileFlags& compile, const std::string& shard_text,
            std::uint32_t shards, const RrFlags& rr_flags) {
  // The flags alone, checked before compiling (rr_run_config checks them with the pipe's own).
  {
    RrConfig flags_only;
    if (std::string why; !rr_config_from_flags(rr_flags, flags_only, why)) {
      std::cerr << "sluice: " << why << "\n";
      return kExitUsage;
    }
  }
  ShardSpec shard;
  if (!shard_text.empty() || shards != 0) {
    std::string why;
    const std::optional<ShardSpec> s = resolve_shard(shard_text, shards, why);
    if (!s) {
      std::cerr << "sluice: " << why << "\n";
      return kExitUsage;
    }
    shard = *s;
  }
  int status = kExitOk;
  std::optional<Plan> plan = compile_for_command(file, world_id, status);
  if (!plan) return status;
  if (shard.active()) {
    if (const std::string why = shard_refusal(*plan); !why.empty()) {
      std::cerr << "sluice: --shard: cannot shard this pipe: " << why << "\n";
      return kExitUsage;
    }
  }
  if (const int s = compile_functions_for_run(*plan, compile); s != kExitOk) return s;

  RunOptions opts;
  opts.env.fs_root.dir = root;
  opts.env.read_mode = read_mode == "mmap" ? ReadMode::kMmap : ReadMode::kRead;
  opts.env.fsync_outputs = !no_fsync;
  opts.env.copy_offload = !no_copy_offload;
  opts.env.par_threads = g_par_threads;
  opts.env.shard = shard;
  opts.env.allow_db = g_allow_db;
  for (const auto* list : {&g_allow_host, &g_allow_listen})
    for (const std::string& e : *list)
      if (const std::string why = net_entry_problem(e); !why.empty()) {
        std::cerr << "sluice: " << (list == &g_allow_host ? "--allow-host " : "--allow-listen ") << e << ": " << why << "\n";
        return kExitUsage;
      }
  opts.env.allow_host = g_allow_host;
  opts.env.allow_listen = g_allow_listen;
  if (!g_net_policy.empty()) {
    std::string why;
    if (!load_net_policy_file(g_net_policy, opts.env, why)) {
      std::cerr << "sluice: --net-policy: " << why << "\n";
      return kExitUsage;
    }
  }
  opts.page_size = page_size;
  ProgressMode progress_mode = ProgressMode::kAuto;
  parse_progress_mode(progress, progress_mode);  // CLI11 has already checked the value
  std::optional<ProgressMeter> meter;
  if (progress_wanted(progress_mode, STDERR_FILENO)) opts.env.progress = &meter.emplace(STDERR_FILENO);
  RunProfile run_profile;
  if (profile) opts.env.profile = &run_profile;
  EmitMode mode = EmitMode::kSummary;
  parse_emit_mode(emit, mode);  // CLI11 has already checked the value
  // The run's rr session (the flags' or the entry's own): opened before the run, closed when this
  // function returns.
  std::optional<RrConfig> rr_cfg;
  if (std::string why; !rr_run_config(rr_flags, ByteView(plan->rr_session.data(), static_cast<std::uint32_t>(plan->rr_session.size())), rr_cfg, why)) {
    std::cerr << "sluice: " << why << "\n";
    return kExitUsage;
  }
  RrSession rr_session;
  if (rr_cfg) {
    const RrCode code = rr_session.open(opts.env.fs_root, *rr_cfg);
    if (code != RrCode::kOk) return report_outcome(rr_open_failure(code, rr_session.detail()), mode, nullptr);
    opts.env.rr = &rr_session;
  }
  const RunOutcome out = run_plan(*plan, opts);
  if (meter) meter->finish();
  return report_outcome(out, mode, profile ? &run_profile : nullptr);
}

int cmd_emit_cpp(const std::string& file, const std::string& world_id, const std::string& output) {
  int status = kExitOk;
  const std::optional<Plan> plan = compile_for_command(file, world_id, status);
  if (!plan) return status;
  std::string error;
  const std::optional<std::string> emitted = emit_cpp(*plan, emit_options(), error);
  if (!emitted) {
    std::cerr << "sluice: emit-cpp: " << error << "\n";
    return kExitUsage;
  }
  const std::string& cpp = *emitted;
  if (output.empty() || output == "-") {
    std::fwrite(cpp.data(), 1, cpp.size(), stdout);
    return kExitOk;
  }
  // Written beside the target and renamed, so a failed write leaves no partial file.
  const std::string tmp = output + ".sluice-tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  const bool ok = f != nullptr && std::fwrite(cpp.data(), 1, cpp.size(), f) == cpp.size();
  const bool closed = f != nullptr && std::fclose(f) == 0;
  if (!ok || !closed || std::rename(tmp.c_str(), output.c_str()) != 0) {
    std::remove(tmp.c_str());
    std::cerr << "sluice: cannot write " << output << ": " << std::strerror(errno) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

int cmd_build(const std::string& file, const std::string& world_id, const BuildOptions& options, bool verbose) {
  int status = kExitOk;
  const std::optional<Plan> plan = compile_for_command(file, world_id, status);
  if (!plan) return status;
  const BuildResult b = build_executable(*plan, options);
  if (!b.ok) {
    std::cerr << "sluice: build failed: " << b.message << "\n";
    return kExitBuildFailed;
  }
  if (verbose) {
    std::cerr << (b.cache_hit ? "cached: " : "compiled: ") << b.cache_entry << "\n";
    if (!b.cache_hit) std::cerr << "  " << b.command << "\n";
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  report_broken_pipes_as_errors();
  CLI::App app{
      "sluice: budgeted, deterministic stream pipelines from X07 pipe descriptors\n"
      "  [\"std.stream.pipe_v1\", cfg, source, chain, sink]",
      "sluice"};
  app.set_version_flag("--version", std::string("sluice ") + SLUICE_VERSION);
  app.require_subcommand(1);
  app.footer("Exit statuses: 0 OK, 1 descriptor rejected, 2 usage error, 3 ERR doc, 4 runtime trap,\n"
             "5 build failed, 6 the result could not be written to stdout.\n"
             "Docs: README.md, docs/cli.md, docs/compat.md.");

  const std::string world_help = "X07 world: " + std::string(world_ids_joined()) + " (default: run-os-sandboxed)";

  std::vector<std::string> check_files;
  std::string check_world = "run-os-sandboxed";
  std::string check_format = "text";
  auto* check = app.add_subcommand("check", "Check pipe descriptors and report every diagnostic with file:line:column and JSON pointer");
  check->add_option("PIPE", check_files, "pipe descriptor files (JSON)")->required()->check(CLI::ExistingFile);
  add_compile_inputs(*check);
  check->add_option("--world", check_world, world_help);
  check->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty)")->check(CLI::ExistingFile);
  check->add_option("--format", check_format,
                    "text (default), json (an array of diagnostics), sarif (a SARIF 2.1.0 log, for code scanning) "
                    "or github (GitHub Actions annotations)")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  check->footer("Exit: 0 no errors (warnings allowed), 1 errors found, 2 usage error.");

  std::string run_file, run_world = "run-os-sandboxed", run_root = ".", run_emit = "summary", run_read = "read";
  std::uint32_t run_page = kDefaultPageSize;
  auto* run = app.add_subcommand("run", "Run a pipe with the interpreter and report its result doc");
  run->add_option("PIPE", run_file, "pipe descriptor file (JSON)")->required();
  run->add_option("--input", g_input_file, "the bytes an entry-module pipe sees as `input` (default: empty)")->check(CLI::ExistingFile);
  add_compile_inputs(*run);
  run->add_option("--world", run_world, world_help);
  run->add_option("--root", run_root, "directory fs paths are relative to (default: .); sandboxed except in run-os")
      ->check(CLI::ExistingDirectory);
  run->add_option("--emit", run_emit,
                  "doc: the result-doc bytes on stdout; payload: the payload bytes; json: one JSON object; "
                  "summary (default): a short report on stderr")
      ->check(CLI::IsMember({"doc", "payload", "summary", "json"}));
  run->add_option("--page-size", run_page, "input page size in bytes (default 65536); results never depend on it")
      ->check(CLI::Range(1u, 1u << 30));
  run->add_option("--read-mode", run_read, "read (default: read(2) into pool pages) or mmap")
      ->check(CLI::IsMember({"read", "mmap"}));
  bool run_no_fsync = false;
  run->add_flag("--no-fsync", run_no_fsync,
                "fs sinks skip the fsync of the file and its directory before OK (faster; the output is still "
                "all-or-nothing, but may not survive a power cut)");
  bool run_no_copy_offload = false;
  run->add_flag("--no-copy-offload", run_no_copy_offload,
                "a pipe that copies a file unchanged moves its bytes through pages instead of letting the "
                "kernel copy them (copy_file_range); the doc is the same either way");
  std::string run_progress = "auto";
  run->add_option("--progress", run_progress,
                  "a progress line on stderr for runs over a second (bytes, of the total when known, MB/s, items out, "
                  "ETA): auto (default: on a terminal, not under CI=...), always, or never")
      ->check(CLI::IsMember({"never", "auto", "always"}));
  bool run_profile = false;
  run->add_flag("--profile", run_profile,
                "per-stage items and bytes in and out, copied bytes and (sampled) time: a table on stderr after the "
                "report, and a \"profile\" member in --emit json");
  RunCompileFlags run_compile;
  run->add_option("--compile", run_compile.mode,
                  "x07 functions: auto (default: compiled ones when the build cache has them, else interpreted; "
                  "never compiles), always (compile them into the cache if needed), or never (interpret)")
      ->check(CLI::IsMember({"never", "auto", "always"}));
  run->add_option("--cache-dir", run_compile.cache_dir, "the build cache for --compile (default: $SLUICE_CACHE_DIR or ~/.cache/sluice)");
  run->add_flag("-v,--verbose", run_compile.verbose, "say on stderr whether the x07 functions ran compiled (and from where) or interpreted");
  run->add_option("--par-threads", g_par_threads,
                  "worker threads of a par_map stage (default: as many as cores, never more than its max_inflight); "
                  "an ordered par_map gives the same doc for every value")
      ->check(CLI::Range(1u, 256u));
  std::string run_shard;
  std::uint32_t run_shards = 0;
  run->add_option("--shard", run_shard,
                  "I/N: run shard I (from 0) of N of the input file (docs/scale-out.md): a byte range aligned to the first "
                  "stage's lines or frames; fs file sinks write PATH.part-I-of-N; `sluice merge` joins the docs. auto: from "
                  "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX with --shards N");
  run->add_option("--shards", run_shards, "with --shard auto under a Kubernetes Indexed Job: N, the Job's completions")
      ->check(CLI::Range(1u, kMaxShards));
  run->add_option("--allow-db", g_allow_db,
                  "run-os-sandboxed: a database the pipe may open, sqlite:PATH (the path as the pipe writes it) or "
                  "postgres://HOST:PORT; repeatable; any other open is denied with 53249")
      ->allow_extra_args(false);
  run->add_option("--allow-host", g_allow_host,
                  "run-os-sandboxed: HOST:PORT a pipe may connect to (as its NetAddrV1 names it: a name, a dotted "
                  "IPv4 or [IPv6]); repeatable; any other connect gets NetErrDocV1 code 1 policy_denied (docs/net.md)")
      ->allow_extra_args(false);
  run->add_option("--allow-listen", g_allow_listen,
                  "run-os-sandboxed: ADDR:PORT a pipe may listen on (port 0 for an ephemeral port); repeatable")
      ->allow_extra_args(false);
  run->add_option("--net-policy", g_net_policy,
                  "a file of `allow-host HOST:PORT` and `allow-listen ADDR:PORT` lines, added to the flags (docs/net.md)");
  RrFlags run_rr;
  add_rr_flags(*run, run_rr);
  run->footer("Exit: 0 OK doc, 3 ERR doc, 1 descriptor rejected, 2 usage error, 4 runtime trap,\n"
              "6 the result could not be written to stdout (e.g. the reader of a pipe went away).");

  std::vector<std::string> merge_docs;
  std::string merge_pipe, merge_world = "run-os-sandboxed", merge_root = ".", merge_emit = "summary";
  MergeOptions merge_opts;
  bool merge_no_fsync = false;
  auto* merge = app.add_subcommand("merge", "Join the docs of a --shard run's N shards (in shard order) into the doc the unsharded run gives (docs/scale-out.md)");
  merge->add_option("DOC", merge_docs, "shard doc files written with --emit doc, shard 0 first")->required()->check(CLI::ExistingFile);
  merge->add_option("--pipe", merge_pipe, "the pipe descriptor the shards ran (its sink says how payloads and files merge)")
      ->required()
      ->check(CLI::ExistingFile);
  add_compile_inputs(*merge);
  merge->add_option("--world", merge_world, world_help + "; as the shards ran (it decides the fs sandbox)");
  merge->add_option("--root", merge_root, "directory the fs sink's path is relative to, as for run (default: .)")->check(CLI::ExistingDirectory);
  merge->add_option("--emit", merge_emit, "doc, payload, summary (default) or json, as for run")
      ->check(CLI::IsMember({"doc", "payload", "summary", "json"}));
  merge->add_flag("--no-fsync", merge_no_fsync, "do not fsync the joined file and its directory before OK");
  merge->add_flag("--keep-parts", merge_opts.keep_parts, "leave PATH.part-I-of-N after joining them into PATH");
  merge->footer("Counters are summed, payloads concatenated, an fs file sink's PATH.part-I-of-N joined atomically into PATH;\n"
                "the first ERR shard (named on stderr) makes the merged doc.\n"
                "Exit: 0 OK doc, 3 ERR doc, 1 descriptor rejected, 2 usage error (not a doc, a part missing, a pipe that\n"
                "cannot be sharded), 4 the parts could not be joined, 6 the result could not be written to stdout.");

  std::string plan_file, plan_world = "run-os-sandboxed", plan_format = "text";
  auto* plan = app.add_subcommand("plan", "Print the elaborated plan: cfg, source, each stage with its resolved arguments and brands, sink");
  plan->add_option("PIPE", plan_file, "pipe descriptor file (JSON)")->required();
  add_compile_inputs(*plan);
  plan->add_option("--world", plan_world, world_help);
  plan->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty)")->check(CLI::ExistingFile);
  plan->add_option("--format", plan_format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));

  std::string emit_file, emit_world = "run-os-sandboxed", emit_output;
  auto* emit = app.add_subcommand("emit-cpp", "Write the C++ translation unit `sluice build` compiles (same plan, same file)");
  emit->add_option("PIPE", emit_file, "pipe descriptor file (JSON)")->required();
  add_compile_inputs(*emit);
  emit->add_option("--world", emit_world, world_help);
  emit->add_option("-o,--output", emit_output, "output file (default: stdout)");
  emit->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty)")->check(CLI::ExistingFile);

  std::string build_file, build_world = "run-os-sandboxed";
  BuildOptions build_opts;
  bool build_verbose = false, build_no_cache = false;
  auto* build = app.add_subcommand("build", "Compile a pipe into a native executable that takes run's flags and gives the same docs");
  build->add_option("PIPE", build_file, "pipe descriptor file (JSON)")->required();
  build->add_option("-o,--output", build_opts.output, "the executable to write")->required();
  add_compile_inputs(*build);
  build->add_option("--world", build_world, world_help + "; fixed at build time");
  build->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty); "
                    "the executable then requires the same --input when they read it")->check(CLI::ExistingFile);
  build->add_option("--cxx", build_opts.cxx, "C++ compiler (default: $CXX, else the one sluice was configured with)");
  build->add_option("--cxxflag", build_opts.extra_flags, "an extra compiler flag (repeatable)");
  build->add_option("--cache-dir", build_opts.cache_dir,
                    "build cache (default: $SLUICE_CACHE_DIR, $XDG_CACHE_HOME/sluice or ~/.cache/sluice)");
  build->add_flag("--no-cache", build_no_cache, "compile even when the cache has this build");
  build->add_flag("-v,--verbose", build_verbose, "say whether the cache was used and show the compile command");
  build->footer("The executable takes --root, --emit, --page-size, --read-mode, --no-fsync, --no-copy-offload, --progress, --par-threads, --shard,\n"
                "--allow-db, --allow-host, --allow-listen, --net-policy and --rr, --rr-mode, --rr-match, --rr-policy like `sluice run`,\n"
                "and exits 0 OK doc, 3 ERR doc, 2 usage error, 4 runtime trap, 6 stdout write failed.\n"
                "`sluice build` exits 0 on success, 1 when the descriptor is rejected, 2 on usage errors,\n"
                "5 when compiling fails (no file is left at the output path).");

  std::string graph_file, graph_world = "run-os-sandboxed";
  GraphOptions graph_opts;
  auto* graph = app.add_subcommand("graph", "Draw the elaborated pipe: Graphviz DOT (default) or Mermaid, or an SVG/PNG through Graphviz");
  graph->add_option("PIPE", graph_file, "pipe descriptor file (JSON)")->required();
  add_compile_inputs(*graph);
  graph->add_option("--world", graph_world, world_help);
  graph->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty)")->check(CLI::ExistingFile);
  graph->add_option("--format", graph_opts.format, "dot (default) or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));
  graph->add_option("-o,--output", graph_opts.output, "write the DOT or Mermaid text here (default: stdout, unless --svg/--png)");
  graph->add_option("--svg", graph_opts.svg, "render an SVG picture with Graphviz's dot");
  graph->add_option("--png", graph_opts.png, "render a PNG picture with Graphviz's dot");
  graph->footer("Exit: 0 written, 1 descriptor rejected, 2 usage error, an output not written, or Graphviz missing for --svg/--png.");

  std::vector<std::string> test_files;
  TestOptions test_opts;
  auto* test = app.add_subcommand("test", "Run golden pipeline tests from JSON test files (docs/testing.md): each names a pipe, its input and the doc it must give");
  test->add_option("FILE", test_files, "test files (schemas/test-file.schema.json)")->required()->check(CLI::ExistingFile);
  test->add_flag("--build", test_opts.build, "also build each pipe and run the executable: both must give the expected doc");
  test->add_flag("--update", test_opts.update, "rewrite each test's expectation with what the run gave (review with git diff)");
  test->add_option("--junit", test_opts.junit, "write a JUnit XML report (for CI test reporters)");
  test->add_option("--cache-dir", test_opts.cache_dir, "--build: the build cache (default as sluice build)");
  test->footer("Prints one line per test and `N passed, N failed`. Exit: 0 all passed, 1 a test failed or a test file is malformed, 2 usage error.");

  std::vector<std::string> fmt_files;
  FmtOptions fmt_opts;
  auto* fmt = app.add_subcommand("fmt", "Rewrite descriptor and module files in sluice's one canonical JSON layout (docs/cli.md)");
  fmt->add_option("FILE", fmt_files, "JSON files to format in place (pipes, modules, registries)")->required()->check(CLI::ExistingFile);
  fmt->add_flag("--check", fmt_opts.check, "change nothing; list the files that are not formatted and exit 1 if any (for CI)");
  fmt->add_flag("--stdout", fmt_opts.to_stdout, "print the formatted text instead of rewriting the files");
  fmt->footer("Exit: 0 formatted (or, with --check, already formatted), 1 a file is not JSON or --check found\n"
              "one not formatted, 2 a file could not be read or written. fmt does not check descriptors: see check.");
  // `sluice arch check` (compiler/arch_check.hpp): X07's arch layout, its registry and contracts lock.
  ArchCheckOptions arch_opts;
  std::string arch_world = "run-os-sandboxed", arch_format = "text";
  auto* arch = app.add_subcommand("arch", "X07's arch layout (arch/manifest.x07arch.json and the contracts it names)");
  arch->require_subcommand(1);
  auto* arch_check_cmd = arch->add_subcommand(
      "check", "Check the stream plugin registry, its budget profiles and arch/contracts.lock.json as `x07 arch check` does");
  arch_check_cmd->add_option("PIPE_OR_MODULE", arch_opts.usage_files,
                             "pipes and x07AST modules whose std.stream.xf.plugin_v1 ids must be declared and allowed in --world")
      ->check(CLI::ExistingFile);
  arch_check_cmd->add_option("--arch-root", arch_opts.arch_root, "the directory that holds arch/ (default: .)")
      ->check(CLI::ExistingDirectory);
  arch_check_cmd->add_flag("--write-lock", arch_opts.write_lock,
                           "write arch/contracts.lock.json (atomically) instead of comparing it; not written when there are errors");
  arch_check_cmd->add_option("--world", arch_world, world_help + "; the world the files given run in");
  arch_check_cmd->add_option("--format", arch_format, "text (default) or json (an array of diagnostics, like check --format json)")
      ->check(CLI::IsMember({"text", "json"}));
  arch_check_cmd->footer("Exit: 0 no errors (warnings allowed), 1 errors found, 2 usage error.");
  const auto run_arch_check = [&]() -> int {
    const auto world = world_or_usage(arch_world);
    if (!world) return kExitUsage;
    arch_opts.world = *world;
    const ArchCheckResult r = arch_check(arch_opts);
    if (arch_format == "json") {
      std::cout << diagnostics_to_json(r.diagnostics) << "\n";
      for (const std::string& n : r.notes) std::cerr << "note: " << n << "\n";
    } else {
      std::cout << arch_check_text(r);
    }
    return has_errors(r.diagnostics) ? kExitRejected : kExitOk;
  };

  // `sluice rr show|record` (compiler/cli/rr_command.hpp): cassettes under <root>/.x07_rr/.
  auto* rr = app.add_subcommand("rr", "Record/replay cassettes (docs/record_replay.md): list one, or append entries to one");
  rr->require_subcommand(1);
  RrShowOptions rr_show_opts;
  auto* rr_show = rr->add_subcommand("show", "List a cassette's entries as JSON lines (fields: docs/record_replay.md)");
  rr_show->add_option("CASSETTE", rr_show_opts.cassette, "the cassette, a safe relative path under <root>/.x07_rr/")->required();
  rr_show->add_option("--root", rr_show_opts.root, "the fs root that holds .x07_rr/ (default: .)")->check(CLI::ExistingDirectory);
  rr_show->add_option("--rr-policy", rr_show_opts.policy, "an X07 rr policy file whose budgets the cassette is loaded with")
      ->check(CLI::ExistingFile);
  rr_show->footer("Exit: 0 listed, 1 the cassette is missing or malformed (its rr code on stderr, after the valid entries), 2 usage.");
  RrRecordOptions rr_rec_opts;
  auto* rr_record = rr->add_subcommand("record", "Append one entry to a cassette: a response from a file, or from a TCP request/response");
  rr_record->add_option("--cassette", rr_rec_opts.cassette, "the cassette, a safe relative path under <root>/.x07_rr/ (the path --rr takes)")->required();
  rr_record->add_option("--key", rr_rec_opts.key, "the entry's key (what rr_send_v1's key expression gives)")->required();
  rr_record->add_option("--from-file", rr_rec_opts.from_file, "the response is this file's bytes (req = the key)")->check(CLI::ExistingFile);
  rr_record->add_option("--tcp", rr_rec_opts.tcp, "HOST:PORT: connect, send --send, read the response until the server closes (req = the bytes sent)");
  rr_record->add_option("--send", rr_rec_opts.send_file, "--tcp: the request bytes to send")->check(CLI::ExistingFile);
  rr_record->add_option("--timeout-ms", rr_rec_opts.timeout_ms, "--tcp: the whole exchange must end within this time (default 10000)")
      ->check(CLI::Range(1u, 3600000u));
  rr_record->add_option("--kind", rr_rec_opts.kind, "the entry's kind (default rr)");
  rr_record->add_option("--op", rr_rec_opts.op, "the entry's op (default std.stream.src.rr_send_v1, so it replays through a pipe)");
  rr_record->add_option("--err", rr_rec_opts.err, "the entry's err (default 0)");
  rr_record->add_option("--latency-ticks", rr_rec_opts.latency_ticks, "virtual ticks written with the entry (default 0: none)");
  rr_record->add_option("--root", rr_rec_opts.root, "the fs root that holds .x07_rr/ (default: .)")->check(CLI::ExistingDirectory);
  rr_record->add_option("--rr-policy", rr_rec_opts.policy, "an X07 rr policy file whose budgets the entry must fit")->check(CLI::ExistingFile);
  rr_record->footer("Exit: 0 appended, 1 nothing appended (a malformed cassette, a budget, a failed exchange), 2 usage.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  try {
    // A native module that does not compile or load rejects the command like a descriptor
    // error, except for `build`, where it is a failed build.
    const bool building = static_cast<bool>(*build);
    NativeModuleOptions native_options;
    if (building) native_options = NativeModuleOptions{.cxx = build_opts.cxx, .cache_dir = build_opts.cache_dir};
    if (!load_native_modules_or_report(native_options, building && build_verbose))
      return building ? kExitBuildFailed : kExitRejected;
    if (!g_plugin_files.empty()) {
      PluginFilesLoad loaded = load_plugin_files(g_plugin_files, native_options.cxx, native_options.cache_dir);
      if (!loaded.ok) {
        std::cerr << "sluice: " << loaded.message << (loaded.message.ends_with('\n') ? "" : "\n");
        return building ? kExitBuildFailed : kExitRejected;
      }
      g_plugin_handles = std::move(loaded.handles);
    }
    if (*rr_show) return cmd_rr_show(rr_show_opts);
    if (*rr_record) return cmd_rr_record(rr_rec_opts);
    if (*fmt) return cmd_fmt(fmt_files, fmt_opts);
    if (*test) return cmd_test(test_files, test_opts);
    if (*graph) return cmd_graph(graph_file, graph_world, graph_opts);
    if (*arch_check_cmd) return run_arch_check();
    if (*check) return cmd_check(check_files, check_world, check_format);
    if (*run) return cmd_run(run_file, run_world, run_root, run_emit, run_page, run_read, run_no_fsync, run_no_copy_offload,
                                 run_progress, run_profile, run_compile, run_shard, run_shards, run_rr);
    if (*plan) return cmd_plan(plan_file, plan_world, plan_format);
    if (*merge) {
      int status = kExitOk;
      const std::optional<Plan> p = compile_for_command(merge_pipe, merge_world, status);
      if (!p) return status;
      parse_emit_mode(merge_emit, merge_opts.emit);  // CLI11 has already checked the value
      RunEnv host;
      host.fs_root.dir = merge_root;
      merge_opts.root = env_for(*p, host).fs_root;
      merge_opts.fsync = !merge_no_fsync;
      return cmd_merge(*p, merge_docs, merge_opts);
    }
    if (*emit) return cmd_emit_cpp(emit_file, emit_world, emit_output);
    if (*build) {
      build_opts.use_cache = !build_no_cache;
      build_opts.native_modules = g_native_module_files;
      build_opts.plugin_files = g_plugin_files;
      return cmd_build(build_file, build_world, build_opts, build_verbose);
    }
  } catch (const std::bad_alloc&) {
    std::cerr << "sluice: trap: out of memory\n";
    return kExitTrap;
  }
  return kExitUsage;
}
