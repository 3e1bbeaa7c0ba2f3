#include "runtime/sigpipe.hpp"

#include <csignal>

namespace sluice {
namespace {
void on_sigpipe(int) {}
}  // namespace

void report_broken_pipes_as_errors() {
  struct sigaction sa {};
  sa.sa_handler = on_sigpipe;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGPIPE, &sa, nullptr);
}

}  // namespace sluice
