#include "runtime/copy_offload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace sluice {
namespace {

// Largest request per call: the kernel caps a call near 2 GiB anyway, and smaller requests keep
// a signal's EINTR cheap to retry.
constexpr std::size_t kMaxCopyRequest = std::size_t{1} << 30;

bool copy_range(int in_fd, int out_fd, std::uint64_t bytes) {
  off_t in_off = 0;
  off_t out_off = 0;
  std::uint64_t left = bytes;
  while (left > 0) {
    const std::size_t want = left < kMaxCopyRequest ? static_cast<std::size_t>(left) : kMaxCopyRequest;
    const ssize_t n = ::copy_file_range(in_fd, &in_off, out_fd, &out_off, want, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // refused, failed, or the input ended before `bytes`
    left -= static_cast<std::uint64_t>(n);
  }
  return true;
}

// The page path reads until read(2) returns 0: a byte at offset `bytes` means it would have
// delivered more than was measured.
bool grew_past(int fd, std::uint64_t bytes) {
  unsigned char probe = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, &probe, 1, static_cast<off_t>(bytes));
    if (n < 0 && errno == EINTR) continue;
    return n != 0;  // an error counts as "not known to have ended": take the page path
  }
}

}  // namespace

CopyExactly copy_file_exactly(int in_fd, int out_fd, std::uint64_t bytes, bool input_may_grow) {
  CopyExactly r;
  if (copy_range(in_fd, out_fd, bytes) && !(input_may_grow && grew_past(in_fd, bytes))) {
    r.copied = true;
    return r;
  }
  while (::ftruncate(out_fd, 0) != 0) {
    if (errno == EINTR) continue;
    r.truncate_errno = errno;
    break;
  }
  return r;
}

}  // namespace sluice
