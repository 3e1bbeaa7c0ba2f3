// Copy offload: a pipe that moves a file's bytes unchanged (an fs source, an empty chain, a file
// sink) can let the kernel copy them (copy_file_range: no trip through user space, and a reflink or
// a server-side copy where the file system offers one) instead of reading them into pages and
// writing them out. The doc must be the one the page path gives, so the executor offloads only when
// it can tell in advance that every item would pass every budget (run_context.hpp), and the copy
// falls back to the page path whenever the kernel cannot do it or the input is not what it was
// when it was measured.
#pragma once

#include <cstdint>

namespace sluice {

// What a source offers for offload: its descriptor (read from offset 0 with explicit offsets, so
// the page path can still start from the beginning), how many bytes it holds and in how many items
// the page path would deliver them. fd < 0: no offer.
struct OffloadInput {
  int fd = -1;
  std::uint64_t bytes = 0;
  std::uint32_t items = 0;
  // The page path reads exactly `bytes` bytes even if the file grows (a mapped file); otherwise
  // the copy checks that the file did not grow past `bytes` while it ran.
  bool ends_at_bytes = false;
};

enum class OffloadCopy : std::uint8_t {
  kCopied,         // the sink holds exactly the input's bytes
  kDeclined,       // nothing was written: the run takes the page path
  kOutputFailed,   // the sink recorded a write error of its own; it reports it at finish
};

struct CopyExactly {
  bool copied = false;    // true: out_fd holds exactly `bytes` bytes from offset 0
  int truncate_errno = 0;  // not copied and the partial output could not be removed (errno)
};

// Copies `bytes` bytes from offset 0 of in_fd to offset 0 of out_fd (an empty regular file) with
// copy_file_range, leaving both descriptors' file offsets alone. Not copied when the kernel
// refuses (another file system on an old kernel, a special file), the input ends early, grows
// (unless `input_may_grow` is false), or a copy fails midway; out_fd is then truncated back to
// empty so that the page path starts clean.
CopyExactly copy_file_exactly(int in_fd, int out_fd, std::uint64_t bytes, bool input_may_grow);

}  // namespace sluice
