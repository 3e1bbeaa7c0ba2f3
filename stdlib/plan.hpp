// The elaborated plan: what the front end hands to the backends. Every argument is resolved to a
// value (expr_v1 evaluated, defaults filled in), so a backend needs no descriptor JSON; except a
// run-time argument (an expression calling std.db.*), kept as a function evaluated when the run
// starts (docs/expressions.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/plugin_host.hpp"
#include "runtime/world.hpp"
#include "stdlib/catalog.hpp"
#include "stdlib/user_fn.hpp"

namespace sluice {

struct ArgValue {
  enum class Kind : std::uint8_t {
    kInt, kBytes, kWord,
    kRunTime,  // an expression evaluated at run start (fn); bytes holds its source text
  };
  Kind kind = Kind::kInt;
  std::int64_t i = 0;   // kInt value, or the word's index for kWord; kRunTime: 1 if fn returns bytes, 0 if i32
  std::string bytes;    // kBytes value, or the word itself for kWord
  // kRunTime: a (bytes_view) -> i32 | bytes function whose argument is ignored. Its calls of
  // std.db.* find the run's resources through current_run_resources().
  UserFn fn = {};
};

struct PlanArg {
  std::string name;
  ArgValue value;
  bool defaulted = false;  // not written in the descriptor
};

// std.stream.xf.plugin_v1: the registry entry the id resolved to (spec §9.4), and the code.
struct PlanPlugin {
  std::string id;             // plugin_id
  std::string export_symbol;  // the descriptor's C symbol
  std::string origin;         // "embedded" or the registry index file
  std::string spec_file;      // the spec file the limits come from
  std::string canon_mode;     // none_v1 | canon_json_v1
  PluginLimits limits;
  bool cfg_canon_ok = true;   // false: canon_json_v1, strict_cfg_canon and a cfg not in RFC 8785 form
  // The descriptor for the interpreter (a built-in or a loaded --plugin object); generated code
  // refers to export_symbol instead.
  const x07_stream_xf_plugin_v1* descriptor = nullptr;
};

struct PlanStage {
  const StageSpec* spec = nullptr;
  std::vector<PlanArg> args;  // positional first, then fields in catalog order
  std::string in_brand;       // resolved brand on the incoming edge ("any", or a brand id)
  std::string out_brand;      // resolved brand on the outgoing edge ("none", or a brand id)
  bool inserted = false;      // added by the compiler (auto_require_brand_v1 / verify)
  std::string declared_in_brand;   // in_item_brand as written ("" = absent), for brand typing
  std::string declared_out_brand;  // out_item_brand as written ("" = absent)
  std::string pointer;        // JSON pointer of the stage's descriptor in the pipe file
  // map_bytes/filter/map_in_place: the function named by the `fn` argument; require_brand: the
  // validator (named by the `validator` argument, filled in from the registry when absent).
  // Resolved by the front end (compiler/resolve_fns.cpp) to a handle into the x07 interpreter,
  // the built-in library or a host's native function.
  UserFn fn;
  PlanPlugin plugin;  // plugin_v1 only

  [[nodiscard]] const ArgValue* arg(std::string_view name) const {
    for (const PlanArg& a : args)
      if (a.name == name) return &a.value;
    return nullptr;
  }
  [[nodiscard]] std::int32_t int_arg(std::string_view name) const {
    const ArgValue* v = arg(name);
    return v ? static_cast<std::int32_t>(v->i) : 0;
  }
  [[nodiscard]] ByteView bytes_arg(std::string_view name) const {
    const ArgValue* v = arg(name);
    return v ? ByteView::of(v->bytes) : ByteView{};
  }
};

struct PlanCfg {
  std::int32_t chunk_max_bytes = 0;
  std::int32_t bufread_cap_bytes = 0;
  std::int32_t max_in_bytes = 0;      // after the json_canon reduction (spec §3)
  std::int32_t max_out_bytes = 0;
  std::int32_t max_items = 0;
  std::int32_t max_steps = 0;         // resolved: given (>0) or derived
  bool max_steps_given = false;
  std::int32_t emit_payload = 1;
  std::int32_t emit_stats = 1;
  std::int32_t allow_nondet_v1 = 0;
  std::int32_t typecheck_item_brands_v1 = 1;
  std::int32_t auto_require_brand_v1 = 0;
  std::int32_t verify_produced_brands_v1 = 0;
  std::optional<std::string> brand_registry_ref_v1;

  // Every integer value with its descriptor key, in spec §3 order: what plan renderings and the
  // C++ backend write out.
  [[nodiscard]] std::vector<std::pair<std::string_view, std::int32_t>> int_fields() const {
    return {{"chunk_max_bytes", chunk_max_bytes},
            {"bufread_cap_bytes", bufread_cap_bytes},
            {"max_in_bytes", max_in_bytes},
            {"max_out_bytes", max_out_bytes},
            {"max_items", max_items},
            {"max_steps", max_steps},
            {"emit_payload", emit_payload},
            {"emit_stats", emit_stats},
            {"allow_nondet_v1", allow_nondet_v1},
            {"typecheck_item_brands_v1", typecheck_item_brands_v1},
            {"auto_require_brand_v1", auto_require_brand_v1},
            {"verify_produced_brands_v1", verify_produced_brands_v1}};
  }

  // The runtime cfg check of spec §3: false means every run returns ERR 1 stream:cfg_invalid.
  [[nodiscard]] bool runtime_valid() const {
    return chunk_max_bytes > 0 && bufread_cap_bytes > 0 && max_in_bytes > 0 && max_out_bytes > 0 &&
           max_items > 0 && bufread_cap_bytes >= chunk_max_bytes;
  }
};

struct Plan {
  std::string file;  // the pipe file, for messages
  World world = World::kRunOsSandboxed;
  PlanCfg cfg;
  PlanStage source;
  std::vector<PlanStage> chain;
  PlanStage sink;              // the sink that consumes bytes (inside u32frames_v1 when wrapped)
  bool sink_u32frames = false; // the sink is wrapped in std.stream.sink.u32frames_v1
  // Some stage calls a user function (PlanStage::fn).
  bool uses_user_functions = false;
  // xxh64 of the program input (`input`) when an entry's lets or an expr_v1 read it: the plan's
  // values hold only for that input, so a compiled executable checks its --input against it.
  std::string input_digest;
  // The X7RC cfg (x07-modules §4.2) of the record/replay session an entry's std.rr.with_policy_v1
  // or std.rr.with_v1 opens around the pipe, made at compile time; empty: none. The host opens
  // it when the run starts and closes it when the run ends (runtime/rr_host.hpp).
  std::vector<std::uint8_t> rr_session;
  // --plugin objects loaded for the interpreter; kept alive with the plan (plugin descriptors).
  std::shared_ptr<const void> plugin_owner;
  // Keeps alive what the UserFn handles point into (the compiled modules); copies share it.
  std::shared_ptr<const void> user_fn_owner;
};

}  // namespace sluice
