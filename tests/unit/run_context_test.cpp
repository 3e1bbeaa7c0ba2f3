// Tests for runtime/run_context: where budgets are charged (spec x07-pipes §3), at the limit and
// one past it, unsigned arithmetic, and which failure a run ends with.
#include "runtime/run_context.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace {

using sluice::ErrId;
using sluice::Flow;
using sluice::RunStatus;

constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();

sluice::Budgets budgets(std::uint32_t in, std::uint32_t out, std::uint32_t items) {
  sluice::Budgets b;
  b.max_in_bytes = in;
  b.max_out_bytes = out;
  b.max_items = items;
  return b;
}

bool same(const sluice::Counters& a, const sluice::Counters& b) {
  return a.bytes_in == b.bytes_in && a.bytes_out == b.bytes_out && a.items_in == b.items_in &&
         a.items_out == b.items_out;
}

}  // namespace

TEST_CASE("run_context: a fresh context is running with zero counters") {
  sluice::PagePool pool(16);
  sluice::RunContext ctx(budgets(1, 2, 3), pool);
  CHECK(ctx.status() == RunStatus::kOk);
  CHECK(same(ctx.counters(), sluice::Counters{}));
  CHECK(ctx.budgets().max_in_bytes == 1);
  CHECK(ctx.budgets().max_out_bytes == 2);
  CHECK(ctx.budgets().max_items == 3);
  CHECK(&ctx.pool() == &pool);
  CHECK_FALSE(ctx.stop_requested());
  CHECK(ctx.copied_bytes() == 0);
  CHECK(ctx.err_payload().empty());
}

TEST_CASE("run_context: charge_source_item at the in-bytes limit is OK, one past is ERR 2") {
  sluice::PagePool pool(16);
  SUBCASE("one item exactly at the limit, then empty items") {
    sluice::RunContext ctx(budgets(10, 100, 100), pool);
    CHECK(ctx.charge_source_item(10) == Flow::kContinue);
    CHECK(ctx.charge_source_item(0) == Flow::kContinue);  // equality is within budget
    CHECK(ctx.counters().bytes_in == 10);
    CHECK(ctx.counters().items_in == 2);
    CHECK(ctx.status() == RunStatus::kOk);
    CHECK(ctx.charge_source_item(1) == Flow::kHalt);
    CHECK(ctx.status() == RunStatus::kErr);
    CHECK(ctx.err_code() == 2);
    CHECK(ctx.err_id() == ErrId::kBudgetInBytes);
    CHECK(ctx.err_payload().empty());
  }
  SUBCASE("several items summing to the limit and one past") {
    sluice::RunContext ctx(budgets(10, 100, 100), pool);
    CHECK(ctx.charge_source_item(4) == Flow::kContinue);
    CHECK(ctx.charge_source_item(6) == Flow::kContinue);
    CHECK(ctx.charge_source_item(1) == Flow::kHalt);
    CHECK(ctx.err_code() == 2);
  }
  SUBCASE("a single item one past the limit") {
    sluice::RunContext ctx(budgets(10, 100, 100), pool);
    CHECK(ctx.charge_source_item(11) == Flow::kHalt);
    CHECK(ctx.err_id() == ErrId::kBudgetInBytes);
    // The source counts the item, then checks (spec §3): the failing item is counted.
    CHECK(ctx.counters().bytes_in == 11);
    CHECK(ctx.counters().items_in == 1);
  }
  SUBCASE("source charging never touches the sink counters") {
    sluice::RunContext ctx(budgets(10, 100, 100), pool);
    CHECK(ctx.charge_source_item(3) == Flow::kContinue);
    CHECK(ctx.counters().bytes_out == 0);
    CHECK(ctx.counters().items_out == 0);
  }
}

TEST_CASE("run_context: charge_source_item compares unsigned 32-bit and does not wrap around") {
  sluice::PagePool pool(16);
  SUBCASE("the largest budget admits exactly 2^32-1 bytes") {
    sluice::RunContext ctx(budgets(kMax, 1, 1), pool);
    CHECK(ctx.charge_source_item(kMax - 10) == Flow::kContinue);
    CHECK(ctx.charge_source_item(10) == Flow::kContinue);
    CHECK(ctx.counters().bytes_in == kMax);
    CHECK(ctx.charge_source_item(0) == Flow::kContinue);
    CHECK(ctx.charge_source_item(1) == Flow::kHalt);  // would wrap to 0: still over budget
    CHECK(ctx.err_code() == 2);
  }
  SUBCASE("a sum that wraps to a small number is over budget") {
    sluice::RunContext ctx(budgets(kMax, 1, 1), pool);
    CHECK(ctx.charge_source_item(10) == Flow::kContinue);
    CHECK(ctx.charge_source_item(kMax - 5) == Flow::kHalt);  // 10 + (2^32-6) wraps to 4
    CHECK(ctx.err_id() == ErrId::kBudgetInBytes);
  }
  SUBCASE("budgets above 2^31 are not read as negative") {
    sluice::RunContext ctx(budgets(0x80000000u, 1, 1), pool);
    CHECK(ctx.charge_source_item(0x80000000u) == Flow::kContinue);
    CHECK(ctx.charge_source_item(1) == Flow::kHalt);
  }
}

TEST_CASE("run_context: charge_sink_item at the limits and one past") {
  sluice::PagePool pool(16);
  SUBCASE("items: equality OK, one past is ERR 4") {
    sluice::RunContext ctx(budgets(100, 100, 2), pool);
    CHECK(ctx.charge_sink_item(1) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(1) == Flow::kContinue);
    CHECK(ctx.counters().items_out == 2);
    CHECK(ctx.charge_sink_item(0) == Flow::kHalt);
    CHECK(ctx.err_code() == 4);
    CHECK(ctx.err_id() == ErrId::kBudgetItems);
  }
  SUBCASE("bytes: equality OK, one past is ERR 3") {
    sluice::RunContext ctx(budgets(100, 10, 100), pool);
    CHECK(ctx.charge_sink_item(6) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(4) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(0) == Flow::kContinue);  // 10 + 0 is still within budget
    CHECK(ctx.counters().bytes_out == 10);
    CHECK(ctx.counters().items_out == 3);
    CHECK(ctx.charge_sink_item(1) == Flow::kHalt);
    CHECK(ctx.err_code() == 3);
    CHECK(ctx.err_id() == ErrId::kBudgetOutBytes);
  }
  SUBCASE("a zero item budget fails the first item") {
    sluice::RunContext ctx(budgets(100, 100, 0), pool);
    CHECK(ctx.charge_sink_item(0) == Flow::kHalt);
    CHECK(ctx.err_code() == 4);
  }
  SUBCASE("sink charging never touches the source counters") {
    sluice::RunContext ctx(budgets(100, 100, 100), pool);
    CHECK(ctx.charge_sink_item(7) == Flow::kContinue);
    CHECK(ctx.counters().bytes_in == 0);
    CHECK(ctx.counters().items_in == 0);
  }
}

TEST_CASE("run_context: the sink checks items before bytes") {
  sluice::PagePool pool(16);
  SUBCASE("both over: the items error wins") {
    sluice::RunContext ctx(budgets(100, 5, 1), pool);
    CHECK(ctx.charge_sink_item(5) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(5) == Flow::kHalt);  // items 2 > 1 and bytes 10 > 5
    CHECK(ctx.err_code() == 4);
    CHECK(ctx.err_id() == ErrId::kBudgetItems);
  }
  SUBCASE("only bytes over: the bytes error") {
    sluice::RunContext ctx(budgets(100, 5, 1), pool);
    CHECK(ctx.charge_sink_item(6) == Flow::kHalt);
    CHECK(ctx.err_code() == 3);
  }
}

TEST_CASE("run_context: sink counters are unchanged when a check fails") {
  sluice::PagePool pool(16);
  sluice::RunContext items(budgets(100, 100, 1), pool);
  CHECK(items.charge_sink_item(40) == Flow::kContinue);
  const sluice::Counters before_items = items.counters();
  CHECK(items.charge_sink_item(1) == Flow::kHalt);
  CHECK(same(items.counters(), before_items));

  sluice::RunContext bytes(budgets(100, 50, 100), pool);
  CHECK(bytes.charge_sink_item(40) == Flow::kContinue);
  const sluice::Counters before_bytes = bytes.counters();
  CHECK(bytes.charge_sink_item(11) == Flow::kHalt);
  CHECK(same(bytes.counters(), before_bytes));
  CHECK(bytes.counters().bytes_out == 40);
  CHECK(bytes.counters().items_out == 1);
}

TEST_CASE("run_context: charge_sink_item compares unsigned 32-bit and does not wrap around") {
  sluice::PagePool pool(16);
  SUBCASE("the largest budget admits exactly 2^32-1 bytes") {
    sluice::RunContext ctx(budgets(1, kMax, kMax), pool);
    CHECK(ctx.charge_sink_item(kMax) == Flow::kContinue);
    CHECK(ctx.counters().bytes_out == kMax);
    CHECK(ctx.charge_sink_item(0) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(1) == Flow::kHalt);  // would wrap to 0
    CHECK(ctx.err_code() == 3);
    CHECK(ctx.counters().bytes_out == kMax);
  }
  SUBCASE("a sum that wraps to a small number is over budget") {
    sluice::RunContext ctx(budgets(1, kMax, kMax), pool);
    CHECK(ctx.charge_sink_item(2) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(kMax - 1) == Flow::kHalt);  // 2 + (2^32-2) wraps to 0
    CHECK(ctx.err_code() == 3);
    CHECK(ctx.counters().bytes_out == 2);
  }
  SUBCASE("budgets above 2^31 are not read as negative") {
    sluice::RunContext ctx(budgets(1, 0x80000001u, 0x80000000u), pool);
    CHECK(ctx.charge_sink_item(0x80000001u) == Flow::kContinue);
    CHECK(ctx.charge_sink_item(1) == Flow::kHalt);
    CHECK(ctx.err_code() == 3);
  }
}

TEST_CASE("run_context: the first failure wins") {
  sluice::PagePool pool(16);
  sluice::RunContext ctx(budgets(1, 1, 1), pool);
  const std::vector<std::uint8_t> p1 = {1, 2, 3};
  CHECK(ctx.fail(ErrId::kLineTooLong, {p1.data(), 3}) == Flow::kHalt);
  CHECK(ctx.fail(ErrId::kBudgetItems) == Flow::kHalt);
  CHECK(ctx.fail_with_code(777, ErrId::kXfPluginError) == Flow::kHalt);
  CHECK(ctx.charge_source_item(100) == Flow::kHalt);
  CHECK(ctx.trap(sluice::TrapId::kFsReadFailed, "late") == Flow::kHalt);
  CHECK(ctx.status() == RunStatus::kErr);
  CHECK(ctx.err_code() == 5);
  CHECK(ctx.err_id() == ErrId::kLineTooLong);
  CHECK(ctx.err_payload() == p1);
  CHECK(ctx.detail().empty());
}

TEST_CASE("run_context: fail copies the payload") {
  sluice::PagePool pool(16);
  sluice::RunContext ctx(budgets(1, 1, 1), pool);
  std::vector<std::uint8_t> p = sluice::u32_payload({2, 7, 1, 118});
  CHECK(ctx.fail_with_code(118, ErrId::kXfPluginError, {p.data(), static_cast<std::uint32_t>(p.size())}) ==
        Flow::kHalt);
  p.assign(p.size(), 0xff);  // the context kept its own copy
  CHECK(ctx.err_payload() == sluice::u32_payload({2, 7, 1, 118}));
  CHECK(ctx.err_code() == 118);
  CHECK(ctx.err_id() == ErrId::kXfPluginError);
}

TEST_CASE("run_context: fail_with_code keeps the code apart from the message") {
  sluice::PagePool pool(16);
  sluice::RunContext ctx(budgets(1, 1, 1), pool);
  ctx.fail_with_code(4242, ErrId::kXfPluginError);
  CHECK(ctx.err_code() == 4242);
  CHECK(sluice::err_message(ctx.err_id()) == "stream:xf_plugin_error");
}

TEST_CASE("run_context: override_failure replaces an earlier failure") {
  sluice::PagePool pool(16);
  SUBCASE("over an ERR") {
    sluice::RunContext ctx(budgets(1, 1, 1), pool);
    const std::vector<std::uint8_t> old_payload = {9, 9};
    ctx.fail(ErrId::kBudgetItems, {old_payload.data(), 2});
    ctx.set_detail("downstream detail");
    const std::vector<std::uint8_t> p = {1};
    CHECK(ctx.override_failure(ErrId::kLineTooLong, {p.data(), 1}) == Flow::kHalt);
    CHECK(ctx.status() == RunStatus::kErr);
    CHECK(ctx.err_code() == 5);
    CHECK(ctx.err_id() == ErrId::kLineTooLong);
    CHECK(ctx.err_payload() == p);
    CHECK(ctx.detail().empty());
    // After the override, the first-failure rule applies again.
    ctx.fail(ErrId::kBudgetOutBytes);
    CHECK(ctx.err_code() == 5);
  }
  SUBCASE("over a trap (X07 would have run the upstream step before anything downstream)") {
    sluice::RunContext ctx(budgets(1, 1, 1), pool);
    ctx.trap(sluice::TrapId::kFsOpenFailed, "cannot open");
    CHECK(ctx.override_failure(ErrId::kDeframeTruncated) == Flow::kHalt);
    CHECK(ctx.status() == RunStatus::kErr);
    CHECK(ctx.err_code() == 81);
    CHECK(ctx.detail().empty());
  }
  SUBCASE("with nothing recorded it records") {
    sluice::RunContext ctx(budgets(1, 1, 1), pool);
    CHECK(ctx.override_failure(ErrId::kFrameTooLarge) == Flow::kHalt);
    CHECK(ctx.status() == RunStatus::kErr);
    CHECK(ctx.err_code() == 10);
    CHECK(ctx.err_payload().empty());
  }
}

TEST_CASE("run_context: trap records a trap with its detail, and the first failure wins") {
  sluice::PagePool pool(16);
  SUBCASE("trap first") {
    sluice::RunContext ctx(budgets(1, 1, 1), pool);
    CHECK(ctx.trap(sluice::TrapId::kFsPathEscapesRoot, "x/../y") == Flow::kHalt);
    CHECK(ctx.status() == RunStatus::kTrap);
    CHECK(ctx.trap_id() == sluice::TrapId::kFsPathEscapesRoot);
    CHECK(ctx.detail() == "x/../y");
    CHECK(ctx.fail(ErrId::kBudgetItems) == Flow::kHalt);
    CHECK(ctx.trap(sluice::TrapId::kOutOfMemory, "other") == Flow::kHalt);
    CHECK(ctx.status() == RunStatus::kTrap);
    CHECK(ctx.trap_id() == sluice::TrapId::kFsPathEscapesRoot);
    CHECK(ctx.detail() == "x/../y");
  }
  SUBCASE("ERR first") {
    sluice::RunContext ctx(budgets(1, 1, 1), pool);
    ctx.fail(ErrId::kBudgetInBytes);
    ctx.trap(sluice::TrapId::kFsReadFailed, "eio");
    CHECK(ctx.status() == RunStatus::kErr);
    CHECK(ctx.err_code() == 2);
  }
}

TEST_CASE("run_context: stop flag, detail and copy counter") {
  sluice::PagePool pool(16);
  sluice::RunContext ctx(budgets(1, 1, 1), pool);
  ctx.request_stop();
  CHECK(ctx.stop_requested());
  CHECK(ctx.status() == RunStatus::kOk);  // a stop is not a failure
  ctx.set_detail("why");
  CHECK(ctx.detail() == "why");
  ctx.count_copy(5);
  ctx.count_copy(0);
  ctx.count_copy(std::uint64_t{1} << 33);
  CHECK(ctx.copied_bytes() == 5 + (std::uint64_t{1} << 33));
}

TEST_CASE("run_context: u32_payload writes little-endian words in order") {
  CHECK(sluice::u32_payload({}).empty());
  CHECK(sluice::u32_payload({0x04030201u, 0xffffffffu, 0}) ==
        std::vector<std::uint8_t>{1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0});
}
