// The sluice command: check, run and plan X07 stream pipelines. A thin layer over the compiler
// API; the exit statuses are the contract of DESIGN.md (0 OK, 1 rejected, 2 usage, 3 ERR doc,
// 4 runtime trap).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/build_driver.hpp"
#include "compiler/diagnostics.hpp"
#include "compiler/diagnostics_ci.hpp"
#include "compiler/emit_cpp.hpp"
#include "compiler/front_end.hpp"
#include "compiler/interpret.hpp"
#include "compiler/native_modules.hpp"
#include "compiler/plugin_files.hpp"
#include "compiler/plan_print.hpp"
#include "runtime/codes.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/run_report.hpp"
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

int cmd_run(const std::string& file, const std::string& world_id, const std::string& root, const std::string& emit,
            std::uint32_t page_size, const std::string& read_mode, bool no_fsync, bool no_copy_offload) {
  int status = kExitOk;
  const std::optional<Plan> plan = compile_for_command(file, world_id, status);
  if (!plan) return status;

  RunOptions opts;
  opts.env.fs_root.dir = root;
  opts.env.read_mode = read_mode == "mmap" ? ReadMode::kMmap : ReadMode::kRead;
  opts.env.fsync_outputs = !no_fsync;
  opts.env.copy_offload = !no_copy_offload;
  opts.env.par_threads = g_par_threads;
  opts.page_size = page_size;
  const RunOutcome out = run_plan(*plan, opts);
  EmitMode mode = EmitMode::kSummary;
  parse_emit_mode(emit, mode);  // CLI11 has already checked the value
  return report_outcome(out, mode);
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
  check->add_option("--module", g_module_files, "an x07AST module file (*.x07.json) to load (repeatable); modules are also found by id next to the pipe file");
  check->add_option("--native-module", g_native_module_files, "a C++ file of stage functions (SLUICE_NATIVE_MODULE, docs/native_modules.md) to compile in (repeatable)");
  check->add_option("--arch-root", g_arch_root, "the arch root whose arch/stream/plugins/index.x07sp.json adds stream plugins to the built-in ones (default: the pipe file's directory)");
  check->add_option("--plugin", g_plugin_files, "a stream plugin (C/C++ source, object or static archive, docs/plugins.md) whose descriptors registry entries may name (repeatable)");
  check->add_flag("--deny-warnings", g_deny_warnings, "warnings (lints among them, docs/diagnostics.md) reject the descriptor like errors");
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
  run->add_option("--module", g_module_files, "an x07AST module file (*.x07.json) to load (repeatable); modules are also found by id next to the pipe file");
  run->add_option("--native-module", g_native_module_files, "a C++ file of stage functions (SLUICE_NATIVE_MODULE, docs/native_modules.md) to compile in (repeatable)");
  run->add_option("--arch-root", g_arch_root, "the arch root whose arch/stream/plugins/index.x07sp.json adds stream plugins to the built-in ones (default: the pipe file's directory)");
  run->add_option("--plugin", g_plugin_files, "a stream plugin (C/C++ source, object or static archive, docs/plugins.md) whose descriptors registry entries may name (repeatable)");
  run->add_flag("--deny-warnings", g_deny_warnings, "warnings (lints among them, docs/diagnostics.md) reject the descriptor like errors");
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
  run->add_option("--par-threads", g_par_threads,
                  "worker threads of a par_map stage (default: as many as cores, never more than its max_inflight); "
                  "an ordered par_map gives the same doc for every value")
      ->check(CLI::Range(1u, 256u));
  run->footer("Exit: 0 OK doc, 3 ERR doc, 1 descriptor rejected, 2 usage error, 4 runtime trap,\n"
              "6 the result could not be written to stdout (e.g. the reader of a pipe went away).");

  std::string plan_file, plan_world = "run-os-sandboxed", plan_format = "text";
  auto* plan = app.add_subcommand("plan", "Print the elaborated plan: cfg, source, each stage with its resolved arguments and brands, sink");
  plan->add_option("PIPE", plan_file, "pipe descriptor file (JSON)")->required();
  plan->add_option("--module", g_module_files, "an x07AST module file (*.x07.json) to load (repeatable); modules are also found by id next to the pipe file");
  plan->add_option("--native-module", g_native_module_files, "a C++ file of stage functions (SLUICE_NATIVE_MODULE, docs/native_modules.md) to compile in (repeatable)");
  plan->add_option("--arch-root", g_arch_root, "the arch root whose arch/stream/plugins/index.x07sp.json adds stream plugins to the built-in ones (default: the pipe file's directory)");
  plan->add_option("--plugin", g_plugin_files, "a stream plugin (C/C++ source, object or static archive, docs/plugins.md) whose descriptors registry entries may name (repeatable)");
  plan->add_flag("--deny-warnings", g_deny_warnings, "warnings (lints among them, docs/diagnostics.md) reject the descriptor like errors");
  plan->add_option("--world", plan_world, world_help);
  plan->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty)")->check(CLI::ExistingFile);
  plan->add_option("--format", plan_format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));

  std::string emit_file, emit_world = "run-os-sandboxed", emit_output;
  auto* emit = app.add_subcommand("emit-cpp", "Write the C++ translation unit `sluice build` compiles (same plan, same file)");
  emit->add_option("PIPE", emit_file, "pipe descriptor file (JSON)")->required();
  emit->add_option("--module", g_module_files, "an x07AST module file (*.x07.json) to load (repeatable); modules are also found by id next to the pipe file");
  emit->add_option("--native-module", g_native_module_files, "a C++ file of stage functions (SLUICE_NATIVE_MODULE, docs/native_modules.md) to compile in (repeatable)");
  emit->add_option("--arch-root", g_arch_root, "the arch root whose arch/stream/plugins/index.x07sp.json adds stream plugins to the built-in ones (default: the pipe file's directory)");
  emit->add_option("--plugin", g_plugin_files, "a stream plugin (C/C++ source, object or static archive, docs/plugins.md) whose descriptors registry entries may name (repeatable)");
  emit->add_flag("--deny-warnings", g_deny_warnings, "warnings (lints among them, docs/diagnostics.md) reject the descriptor like errors");
  emit->add_option("--world", emit_world, world_help);
  emit->add_option("-o,--output", emit_output, "output file (default: stdout)");
  emit->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty)")->check(CLI::ExistingFile);

  std::string build_file, build_world = "run-os-sandboxed";
  BuildOptions build_opts;
  bool build_verbose = false, build_no_cache = false;
  auto* build = app.add_subcommand("build", "Compile a pipe into a native executable that takes run's flags and gives the same docs");
  build->add_option("PIPE", build_file, "pipe descriptor file (JSON)")->required();
  build->add_option("-o,--output", build_opts.output, "the executable to write")->required();
  build->add_option("--module", g_module_files, "an x07AST module file (*.x07.json) to load (repeatable); modules are also found by id next to the pipe file");
  build->add_option("--native-module", g_native_module_files, "a C++ file of stage functions (SLUICE_NATIVE_MODULE, docs/native_modules.md) to compile in (repeatable)");
  build->add_option("--arch-root", g_arch_root, "the arch root whose arch/stream/plugins/index.x07sp.json adds stream plugins to the built-in ones (default: the pipe file's directory)");
  build->add_option("--plugin", g_plugin_files, "a stream plugin (C/C++ source, object or static archive, docs/plugins.md) whose descriptors registry entries may name (repeatable)");
  build->add_flag("--deny-warnings", g_deny_warnings, "warnings (lints among them, docs/diagnostics.md) reject the descriptor like errors");
  build->add_option("--world", build_world, world_help + "; fixed at build time");
  build->add_option("--input", g_input_file, "the `input` the entry's lets and expr_v1 values are computed with (default: empty); "
                    "the executable then requires the same --input when they read it")->check(CLI::ExistingFile);
  build->add_option("--cxx", build_opts.cxx, "C++ compiler (default: $CXX, else the one sluice was configured with)");
  build->add_option("--cxxflag", build_opts.extra_flags, "an extra compiler flag (repeatable)");
  build->add_option("--cache-dir", build_opts.cache_dir,
                    "build cache (default: $SLUICE_CACHE_DIR, $XDG_CACHE_HOME/sluice or ~/.cache/sluice)");
  build->add_flag("--no-cache", build_no_cache, "compile even when the cache has this build");
  build->add_flag("-v,--verbose", build_verbose, "say whether the cache was used and show the compile command");
  build->footer("The executable takes --root, --emit, --page-size, --read-mode, --no-fsync, --no-copy-offload and --par-threads like `sluice run`,\n"
                "and exits 0 OK doc, 3 ERR doc, 2 usage error, 4 runtime trap, 6 stdout write failed.\n"
                "`sluice build` exits 0 on success, 1 when the descriptor is rejected, 2 on usage errors,\n"
                "5 when compiling fails (no file is left at the output path).");

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
    if (*check) return cmd_check(check_files, check_world, check_format);
    if (*run) return cmd_run(run_file, run_world, run_root, run_emit, run_page, run_read, run_no_fsync, run_no_copy_offload);
    if (*plan) return cmd_plan(plan_file, plan_world, plan_format);
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
