// Diagnostics in the formats CI systems read: SARIF 2.1.0 (code scanning, most CI dashboards) and
// GitHub Actions workflow commands (annotations on the changed lines of a pull request).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "compiler/diagnostics.hpp"

namespace sluice {

// One SARIF 2.1.0 log with one run: the tool's rules are the codes that occur (each with its
// description from the code table and its severity as default level), one result per diagnostic
// with its physical location (artifact URI, line and column in Unicode code points; no region for
// a whole-file diagnostic) and the JSON pointer as a logical location. The hint, when there is
// one, is in the result's properties.
std::string diagnostics_to_sarif(std::span<const Diagnostic> diagnostics, std::string_view tool_version);

// `::error file=F,line=L,col=C,title=CODE::message` (or ::warning), the message followed by the
// pointer and, on a second line, the hint; values escaped as the workflow command syntax asks.
std::string format_github(const Diagnostic& d);

// A file name as a SARIF artifact URI: a relative path stays relative (percent-encoded outside
// RFC 3986's unreserved characters and '/'), an absolute one becomes a file:// URI.
std::string path_to_uri(std::string_view path);

}  // namespace sluice
