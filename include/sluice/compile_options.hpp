// How a descriptor is compiled: the X07 world, module files, the program input, the per-call
// fuel of user functions, and C++ functions the host offers to pipes. Part of the embedding API.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/byte_view.hpp>

namespace sluice::embed {

// X07 worlds: which I/O a pipeline may do, and whether fs paths are confined to the root.
enum class World : std::uint8_t {
  kSolvePure,       // no I/O at all; deterministic
  kSolveFs,         // read-only fixture files under the root; deterministic
  kSolveRr,         // record/replay cassettes only; deterministic
  kSolveKv,         // key-value fixture only; deterministic
  kSolveFull,       // fs fixture + rr + kv; deterministic
  kRunOs,           // the real OS: fs paths are relative to the root but not confined to it
  kRunOsSandboxed,  // the real OS under a policy: fs paths are confined to the root
};

// "solve-pure", ..., "run-os-sandboxed" (the ids `sluice --world` takes); nullopt for others.
std::optional<World> parse_world(std::string_view id);
std::string_view world_name(World world);

// Per-call fuel of user functions and expr_v1 evaluations (X07's test-runner solve fuel).
inline constexpr std::uint64_t kDefaultFuel = 50'000'000;

// The stage signatures a host function can have (X07 modules §7.1).
enum class NativeFnSig : std::uint8_t {
  kMap,         // (bytes_view) -> bytes: fill *out
  kFilter,      // (bytes_view) -> i32: set value (non-zero keeps the item)
  kValidator,   // (bytes_view) -> result_i32: set value and is_err
  kMapInPlace,  // (bytes_view, i32) -> result_i32: append to *scratch (at most scratch_cap bytes)
};

// One call of a host function. sluice reuses the buffers between calls, so a function that
// only reads `item` allocates nothing.
struct NativeFnCall {
  ByteView item;                                 // in: valid during the call only
  std::vector<std::uint8_t>* out = nullptr;      // kMap: the result bytes (replace them)
  std::vector<std::uint8_t>* scratch = nullptr;  // kMapInPlace: the stage's scratch buffer
  std::uint32_t scratch_cap = 0;                 // kMapInPlace: its fixed capacity
  std::int32_t value = 0;                        // out: i32 result, or result_i32's ok value / err code
  bool is_err = false;                           // out: result_i32 is err(value)
  std::string trap;                              // out: why, when the function returns kTrap
};

enum class NativeFnOutcome : std::uint8_t {
  kReturned,  // the outputs are set
  kTrapped,   // the run ends in a trap (exit status 4); call.trap says why
};

using NativeFnBody = std::function<NativeFnOutcome(NativeFnCall& call)>;

struct NativeFn {
  std::string name;  // how pipes call it: std.stream.fn_v1 "name", or from x07 bodies
  NativeFnSig sig = NativeFnSig::kMap;
  NativeFnBody body;
};

struct CompileOptions {
  World world = World::kRunOsSandboxed;
  // *.x07.json modules to load (sluice --module). Others are found by module id next to the pipe
  // file: module a.b.c at <pipe dir>/a/b/c.x07.json.
  std::vector<std::string> module_files = {};
  // The program input of an entry-module pipe (sluice run --input), used at compile time.
  std::string input = {};
  std::uint64_t fuel = kDefaultFuel;
  // Host functions. A name a module defn or the built-in library already uses resolves to those.
  // A pipeline keeps its own copy of each body, so captured state must outlive only the runs.
  std::vector<NativeFn> native_fns = {};

  void register_native_fn(std::string name, NativeFnSig sig, NativeFnBody body) {
    native_fns.push_back(NativeFn{std::move(name), sig, std::move(body)});
  }
};

}  // namespace sluice::embed
