#include "runtime/executor.hpp"

namespace sluice {

RunOutcome outcome_of_failure(const RunContext& ctx) {
  RunOutcome out;
  out.status = ctx.status();
  out.counters = ctx.counters();
  out.copied_bytes = ctx.copied_bytes();
  out.offloaded_bytes = ctx.offloaded_bytes();
  out.detail = ctx.detail();
  if (ctx.status() == RunStatus::kTrap) {
    out.trap = std::string(trap_message_id(ctx.trap_id()));
    if (!ctx.detail().empty()) out.trap += ": " + ctx.detail();
    return out;
  }
  const auto& p = ctx.err_payload();
  out.doc = encode_err_doc(ctx.err_code(), err_message(ctx.err_id()),
                           ByteView(p.data(), static_cast<std::uint32_t>(p.size())));
  return out;
}

RunOutcome outcome_ok(const RunContext& ctx, ByteView payload, const DocOptions& opts) {
  RunOutcome out;
  out.status = RunStatus::kOk;
  out.counters = ctx.counters();
  out.copied_bytes = ctx.copied_bytes();
  out.offloaded_bytes = ctx.offloaded_bytes();
  out.doc = encode_ok_doc(opts.emit_stats ? ctx.counters() : Counters{}, opts.emit_payload ? payload : ByteView{});
  return out;
}

RunOutcome outcome_cfg_invalid() {
  RunOutcome out;
  out.status = RunStatus::kErr;
  out.doc = encode_err_doc(err_code(ErrId::kCfgInvalid), err_message(ErrId::kCfgInvalid), {});
  return out;
}

}  // namespace sluice
