// What a host (`sluice run`, a built executable) does with the --rr flags: the session's cfg
// from --rr, --rr-mode, --rr-match and --rr-policy, and the report of a session that does not
// open. The session is opened before the run and destroyed after it (runtime/os/rr_cassette.hpp).
#pragma once

#include <optional>
#include <string>

#include "runtime/executor.hpp"
#include "runtime/os/rr_cassette.hpp"

namespace sluice {

struct RrFlags {
  std::string cassette;  // --rr: a safe relative path under <root>/.x07_rr/ ("" = no session)
  std::string mode;      // --rr-mode ("" = the policy's mode_default, else replay)
  std::string match;     // --rr-match ("" = the policy's match_mode, else lookup)
  std::string policy;    // --rr-policy: an X07 rr policy file (x07.arch.rr.policy@0.1.0)
};

// The session cfg the flags describe; false with a usage message in `error` (an --rr-* flag
// without --rr, an unknown word, an unreadable or malformed policy file).
bool rr_config_from_flags(const RrFlags& flags, RrConfig& out, std::string& error);

// The cfg of the session a run opens: the flags', or the one the pipe's entry opens itself
// (`entry_x7rc`, Plan::rr_session: std.rr.with_policy_v1 / with_v1 around its solve). Both at
// once is refused: a pipe has one session, and quietly preferring either would replay another
// cassette than one of them names. `out` stays empty when neither asks for a session.
bool rr_run_config(const RrFlags& flags, ByteView entry_x7rc, std::optional<RrConfig>& out, std::string& error);

// Reads an X07 rr policy file: budgets{max_cassette_bytes, max_entries, max_req_bytes,
// max_resp_bytes, max_key_bytes} (all required), match_mode and mode_default (optional words).
// Unknown members are ignored, as X07 does. False with the reason in `error`.
bool read_rr_policy(const std::string& path, RrConfig& out, std::string& error);

// The trap outcome of a session that could not be opened (exit status 4, no doc): the message
// names X07's rr code, e.g. "trap:rr_open_failed: 2002 rr_cassette_missing: .x07_rr/x.rrbin: ...".
RunOutcome rr_open_failure(RrCode code, const std::string& detail);

}  // namespace sluice
