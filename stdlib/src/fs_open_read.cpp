#include "stdlib/src/fs_open_read.hpp"

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
  stream_ = InputStream::over_fd(opened.fd, ctx_->pool(), cfg_.chunk_max_bytes, mode_);
  return Flow::kContinue;
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
