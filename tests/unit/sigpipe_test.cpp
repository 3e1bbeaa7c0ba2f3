// Tests for runtime/sigpipe: after report_broken_pipes_as_errors(), a write to a pipe whose
// reader is gone fails with EPIPE instead of killing the process, and the disposition is a
// handler (reset to the default across exec), not SIG_IGN (which children would inherit).
#include "runtime/sigpipe.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

TEST_CASE("sigpipe: a write to a closed pipe is EPIPE, not a death, and children start with the default") {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // in a child, so the test process keeps its own disposition
    sluice::report_broken_pipes_as_errors();
    int fds[2];
    if (::pipe(fds) != 0) ::_exit(10);
    ::close(fds[0]);
    const ssize_t r = ::write(fds[1], "x", 1);
    if (r != -1 || errno != EPIPE) ::_exit(11);
    struct sigaction now {};
    ::sigaction(SIGPIPE, nullptr, &now);
    if (now.sa_handler == SIG_IGN || now.sa_handler == SIG_DFL) ::_exit(12);
    // A program exec'd from here starts with SIGPIPE at its default: it dies by the signal.
    ::execl("/bin/sh", "sh", "-c", "kill -PIPE $$; exit 13", static_cast<char*>(nullptr));
    ::_exit(14);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGPIPE);
  if (WIFEXITED(status)) CHECK(WEXITSTATUS(status) == 0);  // names which step failed
}
