// The compiler front end's public API: descriptor text or file in, a Plan (when there are no
// errors) and every diagnostic out. Parse with positions → check → elaborate. Never throws.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "runtime/world.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/user_fn.hpp"

namespace sluice {

// A C++ function a host program offers to pipes under `name`, callable from std.stream.fn_v1
// (and from x07 bodies) like a module function with signature `sig`. See docs/expressions.md.
struct NativeFn {
  std::string name;
  UserFnSig sig = UserFnSig::kMap;
  UserFn fn;
};

// Per-call fuel of user functions and expr_v1 evaluations: X07's test-runner default solve fuel
// (x07-modules §1.4). A runaway loop traps with trap:user_fn_fuel_exhausted instead of hanging.
inline constexpr std::uint64_t kDefaultUserFnFuel = 50'000'000;

struct CompileOptions {
  World world = World::kRunOsSandboxed;
  // *.x07.json modules to load (sluice --module). Others are found by module id next to the pipe
  // file: module a.b.c at <pipe dir>/a/b/c.x07.json.
  std::vector<std::string> module_files = {};
  // The program input `input` of an entry-module pipe file (sluice run --input); expr_v1 and the
  // entry's lets are evaluated with it at compile time, before the pipeline starts.
  std::string input = {};
  std::uint64_t fuel = kDefaultUserFnFuel;
  std::vector<NativeFn> native_fns = {};
  // The arch root whose DIR/arch/stream/plugins/index.x07sp.json adds stream plugins to the
  // embedded registry (spec §9.4). Absent: the pipe file's directory, when the file exists.
  std::optional<std::string> arch_root = {};
  // Plugin descriptors offered by export symbol, besides the built-ins (sluice --plugin, or a
  // host's own): asked only for the export_symbol of a registry entry a pipe uses.
  std::function<const x07_stream_xf_plugin_v1*(const std::string& export_symbol)> plugin_lookup = {};

  // Registers a host function. `fn.ctx` must outlive every plan compiled with these options.
  // A name already used by a module defn or the built-in library resolves to those first.
  void register_native_fn(std::string name, UserFnSig sig, UserFn fn) {
    native_fns.push_back(NativeFn{std::move(name), sig, fn});
  }
};

struct CompileResult {
  std::optional<Plan> plan;  // set only when there are no error diagnostics (warnings allowed)
  std::vector<Diagnostic> diagnostics;
  [[nodiscard]] bool ok() const { return !has_errors(diagnostics); }
};

// `file_name` is used in diagnostics and Plan::file, and its directory is where modules are
// looked up by id. The text is a bare pipe descriptor or an entry module (kind "entry", with
// the pipe in `solve`, optionally inside a begin with lets before it).
CompileResult compile_pipe_text(std::string_view text, std::string_view file_name, const CompileOptions& options);
// An unreadable file gives E_PIPE_FILE_UNREADABLE at line 0, column 0.
CompileResult compile_pipe_file(const std::string& path, const CompileOptions& options);

}  // namespace sluice
