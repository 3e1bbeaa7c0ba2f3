// How a finished run is reported on the command line, shared by `sluice run` and compiled
// pipeline executables so both print the same bytes: --emit doc|payload|json|summary, and the
// exit status of the outcome.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "runtime/executor.hpp"

namespace sluice {

enum class EmitMode : std::uint8_t {
  kSummary,  // a one-line human report on stderr (the default)
  kDoc,      // the exact result-doc bytes on stdout
  kPayload,  // the payload bytes alone on stdout
  kJson,     // one JSON object on stdout
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitErrDoc = 3;
inline constexpr int kExitTrap = 4;
// The result could not be written to stdout (EPIPE: the reader went away, ENOSPC, ...): the
// consumer did not get it, whatever the doc said. Status 5 is `sluice build`'s compile failure.
inline constexpr int kExitOutputFailed = 6;

bool parse_emit_mode(std::string_view text, EmitMode& out);

class RunProfile;

// Writes the outcome as `mode` asks (traps always go to stderr) and returns the exit status;
// kExitOutputFailed, with a message on `err`, when writing to `out` fails. With a profile
// (--profile), its table goes to `err` after the report, and --emit json carries it too.
int report_outcome(const RunOutcome& outcome, EmitMode mode, const RunProfile* profile = nullptr,
                   std::FILE* out = stdout, std::FILE* err = stderr);

// The --emit json object: ok, code, message, counters (null for ERR), payload (base64),
// payload_len, copied_bytes, offloaded_bytes, detail when there is one, and profile when the run
// was profiled.
std::string outcome_json(const RunOutcome& outcome, const RunProfile* profile = nullptr);

// A JSON string literal for `s` (quotes, backslashes and control characters escaped).
std::string json_string(std::string_view s);

std::string base64_encode(ByteView bytes);

}  // namespace sluice
