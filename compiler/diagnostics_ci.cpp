#include "compiler/diagnostics_ci.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace sluice {
namespace {

using Json = nlohmann::ordered_json;

const char* sarif_level(Severity s) { return s == Severity::kError ? "error" : "warning"; }

// Workflow command values: '%', CR and LF always; in properties also ':' and ','.
std::string github_escape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string path_to_uri(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = path.starts_with('/') ? "file://" : "";
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string diagnostics_to_sarif(std::span<const Diagnostic> diagnostics, std::string_view tool_version) {
  // Rules in order of first occurrence, so ruleIndex is stable for a given input.
  std::map<std::string, std::size_t> rule_index;
  Json rules = Json::array();
  Json results = Json::array();
  for (const Diagnostic& d : diagnostics) {
    auto [it, added] = rule_index.try_emplace(d.code, rules.size());
    if (added) {
      Json rule;
      rule["id"] = d.code;
      const auto id = diag_by_code(d.code);
      rule["shortDescription"]["text"] = id ? std::string(diag_info(*id).description) : d.code;
      rule["defaultConfiguration"]["level"] = sarif_level(id ? diag_info(*id).severity : d.severity);
      rules.push_back(std::move(rule));
    }
    Json r;
    r["ruleId"] = d.code;
    r["ruleIndex"] = it->second;
    r["level"] = sarif_level(d.severity);
    r["message"]["text"] = d.message;
    Json loc;
    loc["physicalLocation"]["artifactLocation"]["uri"] = path_to_uri(d.file);
    if (d.line > 0) {
      loc["physicalLocation"]["region"]["startLine"] = d.line;
      loc["physicalLocation"]["region"]["startColumn"] = d.column > 0 ? d.column : 1;
    }
    if (!d.pointer.empty()) {
      Json logical;
      logical["fullyQualifiedName"] = d.pointer;
      logical["kind"] = "element";
      loc["logicalLocations"] = Json::array({std::move(logical)});
    }
    r["locations"] = Json::array({std::move(loc)});
    if (!d.hint.empty()) r["properties"]["hint"] = d.hint;
    results.push_back(std::move(r));
  }
  Json driver;
  driver["name"] = "sluice";
  driver["version"] = std::string(tool_version);
  driver["rules"] = std::move(rules);
  Json run;
  run["tool"]["driver"] = std::move(driver);
  // sluice counts columns in Unicode code points, as editors do (SARIF's default is UTF-16 units).
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);
  Json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = Json::array({std::move(run)});
  return log.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string format_github(const Diagnostic& d) {
  std::string out = d.severity == Severity::kError ? "::error " : "::warning ";
  out += "file=" + github_escape(d.file, true);
  if (d.line > 0) {
    out += ",line=" + std::to_string(d.line);
    out += ",col=" + std::to_string(d.column);
  }
  out += ",title=" + github_escape(d.code, true);
  std::string message = d.message;
  if (!d.pointer.empty()) message += " (at " + d.pointer + ")";
  if (!d.hint.empty()) message += "\nhint: " + d.hint;
  out += "::" + github_escape(message, false);
  return out;
}

}  // namespace sluice
