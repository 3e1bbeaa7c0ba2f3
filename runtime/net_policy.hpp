// The network allow-lists of run-os-sandboxed (docs/net.md): --allow-host HOST:PORT and
// --allow-listen ADDR:PORT on `sluice run` and built executables, and the same entries from a
// policy file (--net-policy FILE). Entries are compared as written with what the pipe's
// NetAddrV1 names, so they are checked for shape here, where a typo can still be reported.
#pragma once

#include <string>
#include <string_view>

#include "runtime/run_env.hpp"

namespace sluice {

// Empty when `entry` is HOST:PORT (a name, a dotted IPv4 or a bracketed IPv6, and a port
// 0..65535); else what is wrong with it.
std::string net_entry_problem(std::string_view entry);

// Reads a policy file: one entry a line, `allow-host HOST:PORT` or `allow-listen ADDR:PORT`;
// blank lines and lines starting with # are skipped. Appends to env; false with `error` (file
// and line) on a bad line or an unreadable file.
bool load_net_policy_file(const std::string& path, RunEnv& env, std::string& error);

}  // namespace sluice
