#include "compiler/lints.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {
namespace {

constexpr std::string_view kSrcBytes = "std.stream.src.bytes_v1";
constexpr std::string_view kSrcFsRead = "std.stream.src.fs_open_read_v1";
constexpr std::string_view kTake = "std.stream.xf.take_v1";
constexpr std::string_view kMapBytes = "std.stream.xf.map_bytes_v1";
constexpr std::string_view kFilter = "std.stream.xf.filter_v1";
constexpr std::string_view kRequireBrand = "std.stream.xf.require_brand_v1";
constexpr std::string_view kSinkCollect = "std.stream.sink.collect_bytes_v1";

bool is_fs_sink(std::string_view id) {
  return id == "std.stream.sink.world_fs_write_file_v1" || id == "std.stream.sink.world_fs_write_stream_v1" ||
         id == "std.stream.sink.world_fs_write_stream_hash_fnv1a32_v1";
}

// The pointer of the ["key", value] entry of the form at `form_pointer` (a stage's field, a cfg
// key), or the form's own pointer when it is not written there.
std::string entry_pointer(const JsonNode& root, const std::string& form_pointer, std::string_view key) {
  const JsonNode* form = json_pointer_find(root, form_pointer);
  if (form == nullptr || !form->is_array()) return form_pointer;
  for (std::size_t i = 1; i < form->items.size(); ++i) {
    const JsonNode& e = form->items[i];
    if (e.is_array() && !e.items.empty() && e.items[0].is_string() && e.items[0].text == key)
      return json_pointer_append(form_pointer, i);
  }
  return form_pointer;
}

// The path as the sandbox would see it: "./" segments and repeated slashes do not name another file.
std::string lexical_path(std::string_view p) {
  std::string out;
  std::size_t i = 0;
  while (i < p.size()) {
    const std::size_t j = p.find('/', i);
    const std::string_view seg = p.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (!seg.empty() && seg != ".") {
      if (!out.empty() || p.starts_with('/')) out += '/';
      out += seg;
    }
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

// Whether the body reads parameter slot 0 anywhere (a copy, a move, a borrow or a peek).
bool reads_slot0(const x07::Node& n) {
  if ((n.op == x07::Op::kLocal || n.op == x07::Op::kLocalView || n.op == x07::Op::kLocalPeek) && n.slot == 0)
    return true;
  for (const x07::Node& k : n.kids)
    if (reads_slot0(k)) return true;
  return false;
}

// Items spec §6's loop cuts `bytes` into, plus the step that finds the end.
std::uint64_t fs_read_steps(std::uint64_t bytes, std::uint64_t chunk, std::uint64_t cap) {
  const std::uint64_t per_window = (cap + chunk - 1) / chunk;
  const std::uint64_t rest = bytes % cap;
  return (bytes / cap) * per_window + (rest + chunk - 1) / chunk + 1;
}

void lint_cfg_and_source(const Plan& plan, const JsonNode& root, FnContext& ctx, bool has_take) {
  const PlanCfg& cfg = plan.cfg;
  if (!cfg.runtime_valid()) return;  // W_PIPE_CFG_ALWAYS_FAILS already says every run fails
  const std::string_view src = plan.source.spec->id;
  if (src == kSrcBytes && !has_take) {
    const ByteView lit = plan.source.bytes_arg("value");
    if (lit.size > static_cast<std::uint32_t>(cfg.max_in_bytes))
      ctx.report(DiagId::kLintInBytesBelowSource, plan.source.pointer + "/1",
                 "the source literal is " + std::to_string(lit.size) + " bytes and max_in_bytes is " +
                     std::to_string(cfg.max_in_bytes) + ": every run returns ERR 2 stream:budget_in_bytes",
                 "raise max_in_bytes to at least " + std::to_string(lit.size));
  }
  if (src == kSrcFsRead) {
    const std::uint64_t need = fs_read_steps(static_cast<std::uint64_t>(cfg.max_in_bytes),
                                             static_cast<std::uint64_t>(cfg.chunk_max_bytes),
                                             static_cast<std::uint64_t>(cfg.bufread_cap_bytes));
    if (need > static_cast<std::uint64_t>(cfg.max_steps)) {
      const std::string at = entry_pointer(root, "/1", cfg.max_steps_given ? "max_steps" : "max_in_bytes");
      ctx.report(DiagId::kLintMaxStepsTooSmall, at,
                 "reading max_in_bytes (" + std::to_string(cfg.max_in_bytes) + ") at chunk_max_bytes " +
                     std::to_string(cfg.chunk_max_bytes) + " and bufread_cap_bytes " +
                     std::to_string(cfg.bufread_cap_bytes) + " takes " + std::to_string(need) + " steps, but max_steps is " +
                     std::to_string(cfg.max_steps) + (cfg.max_steps_given ? "" : " (derived)") +
                     ": a file within budget fails with ERR 1 stream:max_steps_exceeded",
                 "give [\"max_steps\", " + std::to_string(need) + "] in the cfg, or make bufread_cap_bytes a multiple of chunk_max_bytes");
    }
  }
  if (cfg.emit_payload == 0 && plan.sink.spec->id == kSinkCollect)
    ctx.report(DiagId::kLintPayloadDiscarded, entry_pointer(root, "/1", "emit_payload"),
               "emit_payload is 0, so the bytes collect_bytes_v1 gathers never reach the doc",
               "use std.stream.sink.null_v1 to count items only, or drop [\"emit_payload\", 0]");
  if (src == kSrcFsRead && is_fs_sink(plan.sink.spec->id)) {
    const ByteView in = plan.source.bytes_arg("path");
    const ByteView out = plan.sink.bytes_arg("path");
    if (lexical_path(std::string_view(reinterpret_cast<const char*>(in.data), in.size)) ==
        lexical_path(std::string_view(reinterpret_cast<const char*>(out.data), out.size)))
      ctx.report(DiagId::kLintSinkIsSource, plan.sink.pointer + "/1",
                 "the sink writes the file the source reads",
                 "write to another path; a stream sink would truncate the input while it is read");
  }
}

void lint_chain(const Plan& plan, const x07::Program& program, const JsonNode& root, FnContext& ctx) {
  bool after_take_zero = false;
  for (const PlanStage& st : plan.chain) {
    if (st.inserted) continue;
    const std::string_view id = st.spec->id;
    if (after_take_zero) {
      ctx.report(DiagId::kLintAfterTakeZero, st.pointer, "this stage comes after take_v1 with n = 0 and never sees an item",
                 "remove the take_v1, or the stages after it");
      after_take_zero = false;  // one warning is enough: the first dead stage
    }
    if (id == kTake && st.int_arg("n") == 0) after_take_zero = true;
    if (id == kMapBytes || id == kFilter || id == kRequireBrand) {
      const std::string_view key = id == kRequireBrand ? "validator" : "fn";
      const ArgValue* name = st.arg(key);
      if (name == nullptr || name->bytes.empty()) continue;
      const x07::FnIr* fn = program.find_fn(name->bytes);
      if (fn == nullptr || !fn->checked || fn->params.empty() || reads_slot0(fn->body)) continue;
      ctx.report(DiagId::kLintFnIgnoresItem, entry_pointer(root, st.pointer, key),
                 "'" + name->bytes + "' never reads its item, so it gives the same answer for every item" +
                     (id == kRequireBrand ? " (every item passes, or none does)" : ""),
                 "use the parameter, or replace the stage");
    }
  }
}

}  // namespace

void lint_plan(const Plan& plan, const x07::Program& program, const JsonNode& pipe_root, FnContext& ctx) {
  bool has_take = false;
  for (const PlanStage& st : plan.chain) has_take = has_take || st.spec->id == kTake;
  lint_cfg_and_source(plan, pipe_root, ctx, has_take);
  lint_chain(plan, program, pipe_root, ctx);
}

}  // namespace sluice
