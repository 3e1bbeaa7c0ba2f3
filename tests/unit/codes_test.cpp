// Tests for runtime/codes: the code table against spec x07-pipes §14 (tests/data/x07-pipes-codes.tsv).
#include "runtime/codes.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using sluice::ErrId;

struct SpecRow {
  std::uint32_t code;
  std::string message_id;
};

std::vector<SpecRow> load_spec_rows() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/data/x07-pipes-codes.tsv");
  REQUIRE(in.good());
  std::vector<SpecRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    rows.push_back({static_cast<std::uint32_t>(std::stoul(line.substr(0, tab))), line.substr(tab + 1)});
  }
  return rows;
}

bool is_snake_case(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_pascal_case(std::string_view s) {
  if (s.empty() || !(s.front() >= 'A' && s.front() <= 'Z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::vector<ErrId> all_errs() {
  std::vector<ErrId> ids;
  for (std::size_t i = 0; i < sluice::err_count(); ++i) ids.push_back(sluice::err_at(i));
  return ids;
}

}  // namespace

TEST_CASE("codes: the spec table data file is complete (64 message ids, codes 1..118)") {
  const auto rows = load_spec_rows();
  CHECK(rows.size() == 64);
  CHECK(rows.front().code == 1);
  CHECK(rows.front().message_id == "cfg_invalid");
  CHECK(rows.back().code == 118);
  CHECK(rows.back().message_id == "xf_plugin_error");
}

TEST_CASE("codes: every (code, message) of spec §14 is in the table") {
  for (const SpecRow& row : load_spec_rows()) {
    CAPTURE(row.message_id);
    const auto id = sluice::err_by_message("stream:" + row.message_id);
    REQUIRE(id.has_value());
    CHECK(sluice::err_code(*id) == row.code);
    CHECK(sluice::err_message_id(*id) == row.message_id);
  }
}

TEST_CASE("codes: every table entry is in spec §14 with the same code (no extra, no missing)") {
  std::map<std::string, std::uint32_t> spec;
  for (const SpecRow& row : load_spec_rows()) {
    CHECK(spec.emplace(row.message_id, row.code).second);  // message ids are unique in the spec
  }
  std::set<std::pair<std::uint32_t, std::string>> table;
  for (ErrId id : all_errs()) {
    const std::string msg(sluice::err_message_id(id));
    CAPTURE(msg);
    const auto it = spec.find(msg);
    REQUIRE(it != spec.end());
    CHECK(it->second == sluice::err_code(id));
    table.emplace(sluice::err_code(id), msg);
  }
  CHECK(table.size() == spec.size());
  CHECK(sluice::err_count() == spec.size());
}

TEST_CASE("codes: the table lists the spec's rows in the spec's order") {
  // codes.def is append-only and transcribes §14 row by row; the enum order follows it.
  const auto rows = load_spec_rows();
  REQUIRE(sluice::err_count() >= rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(sluice::err_message_id(sluice::err_at(i)) == rows[i].message_id);
    CHECK(sluice::err_code(sluice::err_at(i)) == rows[i].code);
  }
}

TEST_CASE("codes: err_message is the message id with the stream: prefix") {
  for (ErrId id : all_errs()) {
    const std::string_view full = sluice::err_message(id);
    const std::string_view mid = sluice::err_message_id(id);
    CAPTURE(full);
    REQUIRE(full.size() > 7);
    CHECK(full.substr(0, 7) == "stream:");
    CHECK(full.substr(7) == mid);
    CHECK(is_snake_case(mid));
  }
  CHECK(sluice::err_message(ErrId::kBudgetItems) == "stream:budget_items");
  CHECK(sluice::err_message(ErrId::kLineTooLong) == "stream:line_too_long");
  CHECK(sluice::err_message(ErrId::kXfPluginError) == "stream:xf_plugin_error");
}

TEST_CASE("codes: known codes of the worked examples") {
  CHECK(sluice::err_code(ErrId::kCfgInvalid) == 1);
  CHECK(sluice::err_code(ErrId::kBudgetInBytes) == 2);
  CHECK(sluice::err_code(ErrId::kBudgetOutBytes) == 3);
  CHECK(sluice::err_code(ErrId::kBudgetItems) == 4);
  CHECK(sluice::err_code(ErrId::kLineTooLong) == 5);
  CHECK(sluice::err_code(ErrId::kXfBudgetScopeViolation) == 9);
  CHECK(sluice::err_code(ErrId::kDeframeTruncated) == 81);
  CHECK(sluice::err_code(ErrId::kXfPluginInvalid) == 117);
  CHECK(sluice::err_code(ErrId::kXfPluginError) == 118);
}

TEST_CASE("codes: err_by_message round-trips and rejects what is not a full message") {
  for (ErrId id : all_errs()) {
    const auto back = sluice::err_by_message(sluice::err_message(id));
    REQUIRE(back.has_value());
    CHECK(*back == id);
    // The message id alone (no prefix) is not a message.
    CHECK_FALSE(sluice::err_by_message(sluice::err_message_id(id)).has_value());
  }
  CHECK_FALSE(sluice::err_by_message("").has_value());
  CHECK_FALSE(sluice::err_by_message("stream:").has_value());
  CHECK_FALSE(sluice::err_by_message("stream:no_such_error").has_value());
  CHECK_FALSE(sluice::err_by_message("STREAM:budget_items").has_value());
  CHECK_FALSE(sluice::err_by_message("stream:budget_items ").has_value());
  CHECK_FALSE(sluice::err_by_message("stream:budget_item").has_value());
}

TEST_CASE("codes: names and messages are unique, names are PascalCase") {
  std::set<std::string_view> names;
  std::set<std::string_view> messages;
  for (ErrId id : all_errs()) {
    CAPTURE(sluice::err_name(id));
    CHECK(is_pascal_case(sluice::err_name(id)));
    CHECK(names.insert(sluice::err_name(id)).second);
    CHECK(messages.insert(sluice::err_message(id)).second);
  }
  CHECK(sluice::err_name(ErrId::kBudgetItems) == "BudgetItems");
  CHECK(sluice::err_name(ErrId::kXfPluginError) == "XfPluginError");
}

TEST_CASE("codes: err_at indexes the enum in declaration order") {
  for (std::size_t i = 0; i < sluice::err_count(); ++i)
    CHECK(static_cast<std::size_t>(sluice::err_at(i)) == i);
  CHECK(sluice::err_at(0) == ErrId::kCfgInvalid);
}

TEST_CASE("codes: trap ids carry the trap: prefix and are distinct") {
  const sluice::TrapId traps[] = {sluice::TrapId::kFsPathUnsafe, sluice::TrapId::kFsPathEscapesRoot,
                                  sluice::TrapId::kFsOpenFailed, sluice::TrapId::kFsReadFailed,
                                  sluice::TrapId::kOutOfMemory};
  std::set<std::string_view> seen;
  for (sluice::TrapId t : traps) {
    const std::string_view m = sluice::trap_message_id(t);
    CAPTURE(m);
    REQUIRE(m.size() > 5);
    CHECK(m.substr(0, 5) == "trap:");
    CHECK(is_snake_case(m.substr(5)));
    CHECK(seen.insert(m).second);
  }
  CHECK(sluice::trap_message_id(sluice::TrapId::kFsPathUnsafe) == "trap:fs_path_unsafe");
}
