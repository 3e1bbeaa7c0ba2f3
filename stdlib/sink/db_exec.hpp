// sluice.stream.sink.db_exec_v1 (sluice's own id, docs/databases.md): each item, a DataModel row
// (a seq of scalars, exactly what std.stream.src.db_rows_doc_v1 yields), is bound to the
// statement's parameters and the statement run, in transactions of batch_rows rows. A failing row
// rolls back its batch (the batches before it stay committed) and ends the run with ERR 7
// `stream:db_query_failed`, payload u32 code, u32 item index, u32 rows committed. The OK payload
// is the exec doc summed over the run.
#pragma once

#include <cstdint>

#include "runtime/flow.hpp"
#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/run_time_arg.hpp"
#include "stdlib/x07/db.hpp"

namespace sluice {

struct DbExecConfig {
  const ArgValue* conn = nullptr;  // borrowed from the plan
  const ArgValue* sql = nullptr;
  std::uint32_t batch_rows = 0;
};

class DbExecSink {
 public:
  static constexpr bool kConsumeNeverHalts = false;
  // Rows per transaction when batch_rows is not given: large enough that the commit's fsync is
  // amortized (SQLite commits cost a sync each), small enough that a failure redoes little.
  static constexpr std::uint32_t kDefaultBatchRows = 1000;

  DbExecSink(RunContext& ctx, const DbExecConfig& cfg, const RunEnv& env) : ctx_(&ctx), cfg_(cfg) {
    if (cfg_.batch_rows == 0) cfg_.batch_rows = kDefaultBatchRows;
    prepare_run_resources(ctx, env);
  }

  Flow open() {
    if (resolve_run_arg(cfg_.conn, *ctx_, conn_, "conn") == Flow::kHalt) return Flow::kHalt;
    if (resolve_run_arg(cfg_.sql, *ctx_, sql_, "sql") == Flow::kHalt) return Flow::kHalt;
    if (const std::int32_t code = writer_.start(ctx_->resources(), conn_.i, sql_.bytes)) return failed(code);
    return Flow::kContinue;
  }

  Flow consume(ByteView row) {
    if (const std::int32_t code = writer_.write(row)) return failed(code);
    ++items_;
    if (writer_.batch_rows() >= cfg_.batch_rows)
      if (const std::int32_t code = writer_.commit()) return failed(code);
    return Flow::kContinue;
  }

  Flow finish() {
    if (const std::int32_t code = writer_.commit()) return failed(code);
    payload_ = writer_.exec_doc();
    return Flow::kContinue;
  }

  [[nodiscard]] ByteView payload() const { return {payload_.data(), static_cast<std::uint32_t>(payload_.size())}; }

 private:
  Flow failed(std::int32_t code) {
    writer_.rollback();
    ctx_->set_detail("database error " + std::to_string(code) + " at item " + std::to_string(items_) + ": " +
                     writer_.error());
    const std::vector<std::uint8_t> p = u32_payload({static_cast<std::uint32_t>(code), static_cast<std::uint32_t>(items_),
                                                     static_cast<std::uint32_t>(writer_.committed_rows())});
    return ctx_->fail(ErrId::kDbQueryFailed, ByteView(p.data(), static_cast<std::uint32_t>(p.size())));
  }

  RunContext* ctx_;
  DbExecConfig cfg_;
  RunArg conn_, sql_;
  x07rt::DbRowWriter writer_;
  std::uint64_t items_ = 0;  // rows written (the index of the next item)
  std::vector<std::uint8_t> payload_;
};

}  // namespace sluice
