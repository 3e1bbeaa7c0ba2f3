// `sluice rr show` and `sluice rr record`: list a record/replay cassette as JSON lines, and
// append entries to one from a file or from a TCP request/response (docs/record_replay.md).
#pragma once

#include <cstdint>
#include <string>

namespace sluice {

struct RrShowOptions {
  std::string cassette;  // under <root>/.x07_rr/
  std::string root = ".";
  std::string policy;    // --rr-policy: the budgets to load with (default budgets otherwise)
};

// Prints one JSON object per entry on stdout. Exit: 0 every frame is a valid entry; 1 the
// cassette is missing or malformed (the entries before the bad frame are printed, then the rr
// code on stderr); 2 usage.
int cmd_rr_show(const RrShowOptions& options);

struct RrRecordOptions {
  std::string cassette;
  std::string root = ".";
  std::string policy;
  std::string key;
  std::string kind = "rr";
  std::string op = "std.stream.src.rr_send_v1";
  std::string from_file;  // the response is this file's bytes (req = key)
  std::string tcp;        // HOST:PORT: the response is what the server sends back (req = the --send bytes)
  std::string send_file;
  std::uint32_t timeout_ms = 10000;
  std::uint32_t latency_ticks = 0;
  std::int32_t err = 0;
};

// Appends one entry (seq = max existing seq + 1, v 1). Exit: 0 appended; 1 the cassette is
// malformed, a budget would be exceeded or the exchange failed (nothing is appended); 2 usage.
int cmd_rr_record(const RrRecordOptions& options);

}  // namespace sluice
