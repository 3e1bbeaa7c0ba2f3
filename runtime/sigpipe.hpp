// A reader that goes away (`sluice run ... | head -c1`, a FIFO sink whose reader exits) must not
// kill the process with SIGPIPE: the write fails with EPIPE instead and is reported (an ERR doc
// for a sink, exit status 6 for stdout). Used by the command line and compiled executables; a
// library host keeps its own SIGPIPE policy (docs/embed.md).
#pragma once

namespace sluice {

// Installs an empty SIGPIPE handler rather than SIG_IGN: a caught signal is reset to the
// default across exec, so child processes (the C++ compiler of `sluice build`) are unaffected.
void report_broken_pipes_as_errors();

}  // namespace sluice
