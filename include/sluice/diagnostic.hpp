// What the compiler says about a descriptor: one Diagnostic per problem, with a stable code, the
// place (file:line:column and an RFC 6901 pointer) and a message. Part of the embedding API.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace sluice::embed {

enum class Severity : std::uint8_t {
  kError,    // the descriptor is rejected
  kWarning,  // the descriptor compiles; something deserves a look
};

struct Diagnostic {
  std::string code;  // E_PIPE_..., W_PIPE_... (docs/diagnostics.md)
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when the diagnostic is about the file as a whole
  int column = 0;  // 1-based, in Unicode code points
  std::string pointer;  // RFC 6901; "" = the whole document
  std::string message;
  std::string hint;  // optional: how to fix it
};

// `file:line:col: error[CODE]: message (at /pointer)` and, when there is a hint, a second line
// `  hint: ...`; exactly what `sluice check` prints. No trailing newline.
std::string format_text(const Diagnostic& diagnostic);

// The JSON array `sluice check --format json` prints (schemas/check-output.schema.json).
std::string diagnostics_to_json(std::span<const Diagnostic> diagnostics);

}  // namespace sluice::embed
