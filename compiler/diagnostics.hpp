// Diagnostics: what the front end reports about a descriptor (code, severity, file:line:column,
// JSON pointer, message, hint), the table of every code (from diagnostics.def), and the text and
// JSON renderings that `sluice check` prints.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/json_source.hpp"

namespace sluice {

enum class Severity : std::uint8_t { kError, kWarning };

enum class DiagId : std::uint8_t {
#define SLUICE_DIAG(ident, code, severity, description) k##ident,
#include "compiler/diagnostics.def"
#undef SLUICE_DIAG
};

struct DiagInfo {
  DiagId id;
  std::string_view code;  // e.g. "E_PIPE_UNKNOWN_STAGE"
  Severity severity;
  std::string_view description;
};

const DiagInfo& diag_info(DiagId id);
std::span<const DiagInfo> all_diag_infos();
std::optional<DiagId> diag_by_code(std::string_view code);
std::string_view severity_name(Severity s);  // "error" | "warning"

struct Diagnostic {
  std::string code;
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when the diagnostic is about the file as a whole
  int column = 0;  // 1-based, in Unicode code points (see SourcePos)
  std::string pointer;  // RFC 6901; "" = the whole document (or no node, for JSON syntax errors)
  std::string message;
  std::string hint;  // optional: how to fix it
};

Diagnostic make_diagnostic(DiagId id, std::string file, int line, int column, std::string pointer,
                           std::string message, std::string hint = {});

bool has_errors(std::span<const Diagnostic> diagnostics);

// The diagnostic of a JSON parse error, for a pipe file and a module file alike.
DiagId json_error_diag(JsonErrorKind kind);

// `file:line:col: error[CODE]: message (at /pointer)` and, when there is a hint, a second line
// `  hint: ...`. No trailing newline. line:col is left out when line is 0, the pointer when empty.
std::string format_text(const Diagnostic& d);

// A JSON array of objects with exactly the keys code, severity, file, line, column, pointer,
// message, plus hint when it is not empty. Bytes that are not UTF-8 (file names) become U+FFFD.
std::string diagnostics_to_json(std::span<const Diagnostic> diagnostics);

}  // namespace sluice
