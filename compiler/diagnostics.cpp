#include "compiler/diagnostics.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace sluice {
namespace {

constexpr std::array kInfos = {
#define SLUICE_DIAG(ident, code, severity, description) \
  DiagInfo{DiagId::k##ident, code, Severity::severity, description},
#include "compiler/diagnostics.def"
#undef SLUICE_DIAG
};

}  // namespace

const DiagInfo& diag_info(DiagId id) { return kInfos[static_cast<std::size_t>(id)]; }

std::span<const DiagInfo> all_diag_infos() { return kInfos; }

std::optional<DiagId> diag_by_code(std::string_view code) {
  for (const DiagInfo& info : kInfos)
    if (info.code == code) return info.id;
  return std::nullopt;
}

std::string_view severity_name(Severity s) { return s == Severity::kError ? "error" : "warning"; }

Diagnostic make_diagnostic(DiagId id, std::string file, int line, int column, std::string pointer,
                           std::string message, std::string hint) {
  const DiagInfo& info = diag_info(id);
  return Diagnostic{std::string(info.code), info.severity, std::move(file), line,
                    column, std::move(pointer), std::move(message), std::move(hint)};
}

bool has_errors(std::span<const Diagnostic> diagnostics) {
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::kError) return true;
  return false;
}

std::string format_text(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += ':';
    out += std::to_string(d.line);
    out += ':';
    out += std::to_string(d.column);
  }
  out += ": ";
  out += severity_name(d.severity);
  out += "[" + d.code + "]: " + d.message;
  if (!d.pointer.empty()) out += " (at " + d.pointer + ")";
  if (!d.hint.empty()) out += "\n  hint: " + d.hint;
  return out;
}

std::string diagnostics_to_json(std::span<const Diagnostic> diagnostics) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Diagnostic& d : diagnostics) {
    nlohmann::ordered_json j;
    j["code"] = d.code;
    j["severity"] = std::string(severity_name(d.severity));
    j["file"] = d.file;
    j["line"] = d.line;
    j["column"] = d.column;
    j["pointer"] = d.pointer;
    j["message"] = d.message;
    if (!d.hint.empty()) j["hint"] = d.hint;
    out.push_back(std::move(j));
  }
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

DiagId json_error_diag(JsonErrorKind kind) {
  switch (kind) {
    case JsonErrorKind::kSyntax: return DiagId::kJsonSyntax;
    case JsonErrorKind::kEncoding: return DiagId::kJsonEncoding;
    case JsonErrorKind::kTooDeep: return DiagId::kJsonTooDeep;
    case JsonErrorKind::kTooLarge: return DiagId::kJsonTooLarge;
  }
  return DiagId::kJsonSyntax;
}

}  // namespace sluice
