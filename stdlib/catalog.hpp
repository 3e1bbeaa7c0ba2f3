// The stage catalog: for every descriptor id the compiler accepts, its kind, its positional
// arguments and kv fields (with types, limits and defaults), the world it needs, whether it is
// flushed, and its default item brands. The front end checks descriptors against this table and
// the interpreter/emitter construct stages from it. Stages are listed explicitly in catalog.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace sluice {

struct Plan;
struct RunEnv;
class RunContext;
class Source;
class Stage;
class Sink;

// How the interpreter builds a stage: from the plan (and, for a transducer, its chain index),
// pushing into `next`.
using BuildSource = std::unique_ptr<Source> (*)(const Plan&, RunContext&, const RunEnv&);
using BuildStage = std::unique_ptr<Stage> (*)(const Plan&, std::size_t index, RunContext&, Stage* next);
using BuildSink = std::unique_ptr<Sink> (*)(const Plan&, RunContext&, const RunEnv&);

enum class StageKind : std::uint8_t { kSource, kTransducer, kSink };

// The type an ["std.stream.expr_v1", X] argument must have.
enum class ValueType : std::uint8_t { kI32, kBytes, kBytesView };

enum class FieldKind : std::uint8_t {
  kIntLiteral,  // a JSON integer literal fitting i32, at least `min_value`
  kWord,        // one identifier out of `words` (e.g. on_truncated: err | drop); stored as its index
  kBrandIn,     // in_item_brand: "any" | "same" | brand id (sinks: "any" | brand id)
  kBrandOut,    // out_item_brand: "same" | "none" | brand id (sources: brand id only)
  kExpr,        // ["std.stream.expr_v1", X] of `type`
  kFn,          // ["std.stream.fn_v1", "<fn symbol>"]; also accepted bare, without the key
                // (map_bytes/filter/map_in_place: ["std.stream.xf.filter_v1", ["std.stream.fn_v1", f]]);
                // par_map's mapper_defasync also takes a bare "<fn symbol>" (spec §2)
  kSymbol,      // a bare symbol (require_brand_v1 brand, validator); stored as a word
  kPluginId,    // plugin_v1 id: ["bytes.lit", id] or ["std.stream.expr_v1", ["bytes.lit", id]]; a word
  kPluginOpt,   // a flag inside plugin_v1's ["opts_v1", [name, 0|1]...] (never a field of its own)
  kScopeCfg,    // par_map scope_cfg: ["task.scope.cfg_v1", [key, int]...]; stored as bytes "key=v;..."
};

enum class WorldNeed : std::uint8_t {
  kNone,    // any world
  kFsRead,  // solve-fs, solve-full, run-os, run-os-sandboxed
  kOs,      // run-os, run-os-sandboxed
  kRr,      // record/replay: solve-rr, solve-full, run-os, run-os-sandboxed
};

struct PositionalSpec {
  std::string_view name;
  ValueType type;
};

struct FieldSpec {
  std::string_view name;
  FieldKind kind;
  bool required = false;
  std::int32_t min_value = INT32_MIN;       // kIntLiteral only
  std::int32_t default_value = 0;           // kIntLiteral/kWord when absent and not required
  std::span<const std::string_view> words = {};  // kWord only
  ValueType type = ValueType::kI32;         // kExpr only
};

struct StageSpec {
  std::string_view id;
  StageKind kind;
  std::span<const PositionalSpec> positional = {};  // each one an expr_v1, in descriptor order
  std::span<const FieldSpec> fields = {};  // the kv fields, in any order in the descriptor
  WorldNeed world = WorldNeed::kNone;
  bool wraps_sink = false;   // u32frames_v1: its first positional element is an inner sink
  bool flushable = false;    // holds state that the end-of-input flush walk emits
  bool plugin_like = false;  // X07 runs it as a plugin: its step errors win over downstream errors
  std::string_view default_in_brand = "any";
  std::string_view default_out_brand = "none";
  std::string_view summary;  // one line for `sluice plan` and help texts
  bool calls_user_fn = false;  // its kFn field / validator is resolved to PlanStage::fn

  // Construction, the same for both backends: the stage's C++ type is built from
  // `cpp_config(plan[, index])`. The interpreter calls `build_*`; the C++ backend writes
  //   cpp_type<Next> sN(ctx, Next(ctx, next), cpp_config(plan, N));   (transducers)
  //   cpp_type src(ctx, cpp_config(plan), env);                       (sources)
  //   SinkEntry<cpp_type> sink(ctx, u32frames, ctx, cpp_config(plan), env);  (sinks)
  std::string_view cpp_header = {};
  std::string_view cpp_type = {};
  std::string_view cpp_config = {};
  BuildSource build_source = nullptr;
  BuildStage build_stage = nullptr;
  BuildSink build_sink = nullptr;
};

// nullptr when the id is not a stage sluice knows.
const StageSpec* find_stage(std::string_view id);
std::span<const StageSpec* const> all_stages();

}  // namespace sluice

