// Tests of compiler/diagnostics: the code table, the text format and the JSON format.
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/diagnostics.hpp"

using namespace sluice;

TEST_CASE("diagnostics: the code table is well formed") {
  const auto infos = all_diag_infos();
  REQUIRE(infos.size() >= 25);
  std::set<std::string_view> codes;
  // W_LINT_: the lints (compiler/lints.cpp, docs/ci.md); E_TEST_: sluice test files; E_ARCH_/W_ARCH_:
  // `sluice arch check`, under X07's own names (compiler/arch_check.cpp).
  const std::regex shape("[EW]_(PIPE|LINT|TEST|ARCH)_[A-Z0-9_]+");
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const DiagInfo& info = infos[i];
    INFO(info.code);
    CHECK(static_cast<std::size_t>(info.id) == i);
    CHECK(&diag_info(info.id) == &info);
    CHECK(std::regex_match(std::string(info.code), shape));
    // The prefix and the severity agree, so a code alone tells a CI script whether it fails.
    CHECK((info.code[0] == 'E') == (info.severity == Severity::kError));
    CHECK_FALSE(info.description.empty());
    CHECK(codes.insert(info.code).second);
    REQUIRE(diag_by_code(info.code).has_value());
    CHECK(*diag_by_code(info.code) == info.id);
  }
  CHECK_FALSE(diag_by_code("E_PIPE_NO_SUCH_CODE").has_value());
  CHECK(codes.count("E_PIPE_JSON_SYNTAX") == 1);
  CHECK(codes.count("W_PIPE_CFG_DUPLICATE_KEY") == 1);
  CHECK(severity_name(Severity::kError) == "error");
  CHECK(severity_name(Severity::kWarning) == "warning");
}

TEST_CASE("diagnostics: make_diagnostic takes code and severity from the table") {
  const Diagnostic d = make_diagnostic(DiagId::kCfgDuplicateKey, "p.json", 3, 4, "/1/6/0", "m", "h");
  CHECK(d.code == "W_PIPE_CFG_DUPLICATE_KEY");
  CHECK(d.severity == Severity::kWarning);
  CHECK(d.file == "p.json");
  CHECK(d.line == 3);
  CHECK(d.column == 4);
  CHECK(d.pointer == "/1/6/0");
  CHECK(d.message == "m");
  CHECK(d.hint == "h");

  const std::vector<Diagnostic> warnings{d};
  CHECK_FALSE(has_errors(warnings));
  const std::vector<Diagnostic> mixed{d, make_diagnostic(DiagId::kArity, "p.json", 1, 1, "", "x")};
  CHECK(has_errors(mixed));
  CHECK_FALSE(has_errors(std::vector<Diagnostic>{}));
}

TEST_CASE("diagnostics: text format") {
  const Diagnostic d = make_diagnostic(DiagId::kUnknownStage, "pipes/a.json", 7, 4, "/3/1/0",
                                       "unknown transducer id \"x\"", "did you mean \"y\"?");
  CHECK(format_text(d) ==
        "pipes/a.json:7:4: error[E_PIPE_UNKNOWN_STAGE]: unknown transducer id \"x\" (at /3/1/0)\n"
        "  hint: did you mean \"y\"?");

  const Diagnostic no_hint = make_diagnostic(DiagId::kCfgAlwaysFails, "a.json", 2, 9, "/1/5/1", "cfg max_items is 0");
  CHECK(format_text(no_hint) == "a.json:2:9: warning[W_PIPE_CFG_ALWAYS_FAILS]: cfg max_items is 0 (at /1/5/1)");

  // JSON syntax errors have no node, so no pointer; a file-level problem has no line either.
  const Diagnostic syntax = make_diagnostic(DiagId::kJsonSyntax, "a.json", 1, 6, "", "expected ','");
  CHECK(format_text(syntax) == "a.json:1:6: error[E_PIPE_JSON_SYNTAX]: expected ','");
  const Diagnostic file = make_diagnostic(DiagId::kFileUnreadable, "gone.json", 0, 0, "", "cannot read");
  CHECK(format_text(file) == "gone.json: error[E_PIPE_FILE_UNREADABLE]: cannot read");
}

TEST_CASE("diagnostics: JSON format has exactly the documented keys") {
  const std::vector<Diagnostic> diags{
      make_diagnostic(DiagId::kWorld, "a.json", 5, 3, "/2/0", "fs.open_read is disabled", "use --world solve-fs"),
      make_diagnostic(DiagId::kCfgDuplicateKey, "a.json", 4, 27, "/1/6/0", "given twice"),
  };
  const auto j = nlohmann::json::parse(diagnostics_to_json(diags));
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  const auto keys = [](const nlohmann::json& o) {
    std::vector<std::string> k;
    for (const auto& [key, value] : o.items()) k.push_back(key);
    return std::set<std::string>(k.begin(), k.end());
  };
  const std::set<std::string> base{"code", "severity", "file", "line", "column", "pointer", "message"};
  std::set<std::string> with_hint = base;
  with_hint.insert("hint");
  CHECK(keys(j[0]) == with_hint);
  CHECK(keys(j[1]) == base);
  CHECK(j[0]["code"] == "E_PIPE_WORLD");
  CHECK(j[0]["severity"] == "error");
  CHECK(j[0]["file"] == "a.json");
  CHECK(j[0]["line"] == 5);
  CHECK(j[0]["column"] == 3);
  CHECK(j[0]["pointer"] == "/2/0");
  CHECK(j[0]["message"] == "fs.open_read is disabled");
  CHECK(j[0]["hint"] == "use --world solve-fs");
  CHECK(j[1]["severity"] == "warning");

  CHECK(nlohmann::json::parse(diagnostics_to_json(std::vector<Diagnostic>{})) == nlohmann::json::array());
}

TEST_CASE("diagnostics: JSON output survives a file name that is not UTF-8") {
  const std::vector<Diagnostic> diags{make_diagnostic(DiagId::kFileUnreadable, "caf\xE9.json", 0, 0, "", "x")};
  std::string out;
  CHECK_NOTHROW(out = diagnostics_to_json(diags));
  const auto j = nlohmann::json::parse(out);
  CHECK(j[0]["file"] == "caf\xEF\xBF\xBD.json");
}
