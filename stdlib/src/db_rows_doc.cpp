#include "stdlib/src/db_rows_doc.hpp"

namespace sluice {

Flow DbRowsDocSource::query_failed(std::int32_t code) {
  // ERR 7, payload the u32 LE DataModel error code (spec §6); the driver's message goes to the
  // summary only, since the doc bytes are X07's.
  ctx_->set_detail("database error " + std::to_string(code) + ": " + cursor_.error());
  const std::vector<std::uint8_t> payload = u32_payload({static_cast<std::uint32_t>(code)});
  return ctx_->fail(ErrId::kDbQueryFailed, ByteView(payload.data(), static_cast<std::uint32_t>(payload.size())));
}

Flow DbRowsDocSource::open() {
  if (resolve_run_arg(cfg_.conn, *ctx_, conn_, "conn") == Flow::kHalt) return Flow::kHalt;
  if (resolve_run_arg(cfg_.sql, *ctx_, sql_, "sql") == Flow::kHalt) return Flow::kHalt;
  if (resolve_run_arg(cfg_.params, *ctx_, params_, "params_doc") == Flow::kHalt) return Flow::kHalt;
  if (resolve_run_arg(cfg_.qcaps, *ctx_, qcaps_, "qcaps_doc") == Flow::kHalt) return Flow::kHalt;
  if (const std::int32_t code = cursor_.start(ctx_->resources(), conn_.i, sql_.bytes, params_.bytes, qcaps_.bytes))
    return query_failed(code);
  return Flow::kContinue;
}

SourceStep DbRowsDocSource::next(ByteView& item) {
  switch (cursor_.next(item)) {
    case x07rt::DbRowCursor::Step::kRow: return SourceStep::kItem;
    case x07rt::DbRowCursor::Step::kDone: return SourceStep::kEnd;
    case x07rt::DbRowCursor::Step::kError: break;
  }
  query_failed(cursor_.error_code());
  return SourceStep::kHalt;
}

}  // namespace sluice
