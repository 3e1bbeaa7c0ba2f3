// std.stream.src.db_rows_doc_v1 (spec x07-pipes §6): one item per row of a query, each the
// DataModel row value (04 ncols cell...) X07 slices out of the query doc. The rows stream from
// the driver (SQLite step by step) into one reused buffer, so memory stays flat however many
// rows there are; the conn argument is usually a run-time argument (std.db.open_v1), evaluated
// when the run starts, and the connection closes when the run ends (RunContext's resources).
#pragma once

#include "runtime/run_context.hpp"
#include "runtime/run_env.hpp"
#include "runtime/source.hpp"
#include "stdlib/plan.hpp"
#include "stdlib/run_time_arg.hpp"
#include "stdlib/x07/db.hpp"

namespace sluice {

struct DbRowsDocConfig {
  // Borrowed from the plan, which outlives the run.
  const ArgValue* conn = nullptr;
  const ArgValue* sql = nullptr;
  const ArgValue* params = nullptr;
  const ArgValue* qcaps = nullptr;
};

class DbRowsDocSource final : public Source {
 public:
  DbRowsDocSource(RunContext& ctx, DbRowsDocConfig cfg, const RunEnv& env) : ctx_(&ctx), cfg_(cfg) {
    prepare_run_resources(ctx, env);
  }

  // Evaluates the arguments (opening the connection) and starts the query.
  Flow open() override;
  SourceStep next(ByteView& item) override;

 private:
  Flow query_failed(std::int32_t code);

  RunContext* ctx_;
  DbRowsDocConfig cfg_;
  RunArg conn_, sql_, params_, qcaps_;
  x07rt::DbRowCursor cursor_;
};

}  // namespace sluice
