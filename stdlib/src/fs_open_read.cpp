#include "stdlib/src/fs_open_read.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace sluice {

Flow FsOpenReadSource::open() {
  const OpenedPath opened = open_read(root_, cfg_.path);
  if (opened.fd < 0) {
    const TrapId id = opened.error == PathError::kUnsafe        ? TrapId::kFsPathUnsafe
                      : opened.error == PathError::kEscapesRoot ? TrapId::kFsPathEscapesRoot
                                                                : TrapId::kFsOpenFailed;
    return ctx_->trap(id, "'" + cfg_.path + "': " + describe(opened.error, opened.err_no));
  }
  if (!shard_.active()) {
    stream_ = InputStream::over_fd(opened.fd, ctx_->pool(), cfg_.chunk_max_bytes, mode_);
    return Flow::kContinue;
  }
  // A slice needs a size and item boundaries that stay put: a regular file (hosts refuse --shard
  // for pipes whose first stage has no boundaries, before running; kNone here is a host's bug).
  struct stat st {};
  if (::fstat(opened.fd, &st) != 0 || !S_ISREG(st.st_mode) || cfg_.shard_align == ShardAlign::kNone) {
    ::close(opened.fd);
    return ctx_->trap(TrapId::kFsShardNotRegular,
                      "'" + cfg_.path + "': --shard reads a byte range, which needs a regular file" +
                          (cfg_.shard_align == ShardAlign::kNone ? " and a split_lines_v1 or deframe_u32le_v1 first stage" : ""));
  }
  const ShardRange range = shard_range(opened.fd, static_cast<std::uint64_t>(st.st_size), cfg_.shard_align, cfg_.shard_delim, shard_);
  if (range.err_no != 0) {
    ::close(opened.fd);
    return ctx_->trap(TrapId::kFsReadFailed, "'" + cfg_.path + "': finding the shard's boundaries: " + std::strerror(range.err_no));
  }
  shard_bytes_ = range.end - range.begin;
  stream_ = InputStream::over_fd_range(opened.fd, ctx_->pool(), cfg_.chunk_max_bytes, mode_, range.begin, range.end);
  return Flow::kContinue;
}

std::optional<std::uint64_t> FsOpenReadSource::total_bytes() {
  if (shard_.active()) return shard_bytes_;
  if (stream_.mapped()) return stream_.mapped_bytes();
  const int fd = stream_.unread_fd();
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_size);
}

// The page path below delivers each full refill window of bufread_cap_bytes in
// ceil(cap / chunk) items and the last, partial window in ceil(rest / chunk); the step that finds
// the end is one more step. So the item count of a file of known size is exact.
OffloadInput FsOpenReadSource::offload_input() {
  // A shard is never offloaded: its first stage splits items, so nothing copies the file whole.
  if (shard_.active()) return {};
  const int fd = stream_.unread_fd();
  const std::uint64_t cap = cfg_.bufread_cap_bytes;
  const std::uint64_t chunk = cfg_.chunk_max_bytes;
  if (fd < 0 || steps_ != 0 || cap == 0 || chunk == 0) return {};
  std::uint64_t size = 0;
  if (stream_.mapped()) {
    size = stream_.mapped_bytes();
  } else {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return {};
    size = static_cast<std::uint64_t>(st.st_size);
  }
  if (size == 0 || size > UINT32_MAX) return {};  // nothing to gain; past any u32 budget
  const std::uint64_t per_window = (cap + chunk - 1) / chunk;
  const std::uint64_t rest = size % cap;
  const std::uint64_t items = (size / cap) * per_window + (rest + chunk - 1) / chunk;
  if (items + 1 > cfg_.max_steps) return {};  // the page path fails at its step limit
  OffloadInput in;
  in.fd = fd;
  in.bytes = size;
  in.items = static_cast<std::uint32_t>(items);
  in.ends_at_bytes = stream_.mapped();
  return in;
}

// X07's loop: fill() returns the rest of the current window or refills one of up to
// bufread_cap_bytes; the item is its first min(len, chunk_max_bytes) bytes; an empty fill is end
// of input. Tracking what is left of the window reproduces those item boundaries exactly while
// the stream reads in whole pages.
SourceStep FsOpenReadSource::next(ByteView& item) {
  stream_.advance(pending_advance_);
  pending_advance_ = 0;
  if (++steps_ > cfg_.max_steps) {
    ctx_->fail(ErrId::kMaxStepsExceeded);
    return SourceStep::kHalt;
  }
  if (window_left_ == 0) window_left_ = cfg_.bufread_cap_bytes;
  const std::uint32_t want = std::min(window_left_, cfg_.chunk_max_bytes);
  ByteView v = stream_.pull(want);
  if (stream_.copied_bytes() != copies_reported_) {
    ctx_->count_copy(stream_.copied_bytes() - copies_reported_);
    copies_reported_ = stream_.copied_bytes();
  }
  if (stream_.failed() && v.size < want) {
    ctx_->trap(TrapId::kFsReadFailed, "'" + cfg_.path + "': " + std::strerror(stream_.error_number()));
    return SourceStep::kHalt;
  }
  const std::uint32_t n = std::min(v.size, want);
  if (n == 0) return SourceStep::kEnd;
  // A short read means the file ended inside this window: the next fill finds nothing.
  window_left_ = (n < want) ? 0 : window_left_ - n;
  pending_advance_ = n;
  item = ByteView(v.data, n);
  return SourceStep::kItem;
}

}  // namespace sluice
