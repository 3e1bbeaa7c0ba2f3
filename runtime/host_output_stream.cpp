// The public output stream (<sluice/stream.hpp>, docs/stream_api.md): the runtime's
// OutputStream (pages, holes, writev batches, sticky device errors) behind a pimpl, plus what a
// host needs on top of it: memory and callback devices, auto-flush, a checked fill, close().
#include <sluice/stream.hpp>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <vector>

#include <sys/uio.h>

#include "runtime/output_stream.hpp"
#include "runtime/page_pool.hpp"

namespace sluice::embed {
namespace {
constexpr std::size_t kMaxPage = std::size_t{1} << 30;
constexpr int kMaxParts = 64;  // the runtime hands at most this many iovecs per call
}  // namespace

struct OutputStream::Impl {
  sluice::PagePool pool;  // declared before `out`: its pages go back to the pool
  std::size_t page_size;
  std::size_t flush_threshold;
  WriteFn fn = nullptr;
  void* user = nullptr;
  bool is_memory = false;
  std::vector<std::uint8_t> memory;
  sluice::OutputStream out;
  StreamError err;  // the errors of this layer; device errors live in `out`
  bool closed = false;

  Impl(std::size_t page, std::size_t threshold, int fd)
      : pool(static_cast<std::uint32_t>(page)), page_size(page), flush_threshold(threshold), out(fd, pool) {}
  Impl(std::size_t page, std::size_t threshold)
      : pool(static_cast<std::uint32_t>(page)), page_size(page), flush_threshold(threshold), out(&device, this, pool) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The runtime's writev-like device, for memory and host callbacks. Host results are checked
  // here: a 0 or an overlong count would make the runtime loop or run past its buffers.
  static std::ptrdiff_t device(void* self, const ::iovec* iov, int count) {
    auto* impl = static_cast<Impl*>(self);
    std::size_t total = 0;
    if (impl->is_memory) {
      for (int i = 0; i < count; ++i) {
        const auto* p = static_cast<const std::uint8_t*>(iov[i].iov_base);
        impl->memory.insert(impl->memory.end(), p, p + iov[i].iov_len);
        total += iov[i].iov_len;
      }
      return static_cast<std::ptrdiff_t>(total);
    }
    IoPart parts[kMaxParts];
    const int n = std::min(count, kMaxParts);
    for (int i = 0; i < n; ++i) {
      parts[i] = {static_cast<const std::uint8_t*>(iov[i].iov_base), iov[i].iov_len};
      total += iov[i].iov_len;
    }
    const std::ptrdiff_t r = impl->fn(impl->user, parts, n);
    if (r == 0 && total != 0) return -EIO;
    if (r > static_cast<std::ptrdiff_t>(total)) return -EOVERFLOW;
    return r;
  }

  [[nodiscard]] StreamError error() const {
    if (err) return err;
    if (out.failed()) return {StreamErrc::kDevice, out.error_number()};
    return {};
  }
  void fail(StreamErrc code) {
    if (!error()) err = {code, 0};
  }
  // Usable for another write: no error, not closed (a write after close is itself an error).
  bool writable() {
    if (error()) return false;
    if (closed) {
      fail(StreamErrc::kClosed);
      return false;
    }
    return true;
  }
  void maybe_flush() {
    // With a hole open nothing past it can go, so flushing on every write would only rescan.
    if (flush_threshold != 0 && out.open_holes() == 0 && out.buffered() >= flush_threshold) out.flush();
  }
};

namespace {
std::unique_ptr<OutputStream::Impl> make(const OutputOptions& o, int fd, bool with_fd) {
  const std::size_t page = std::clamp<std::size_t>(o.page_size == 0 ? kStreamDefaultPageSize : o.page_size, 1, kMaxPage);
  return with_fd ? std::make_unique<OutputStream::Impl>(page, o.flush_threshold, fd)
                 : std::make_unique<OutputStream::Impl>(page, o.flush_threshold);
}
}  // namespace

OutputStream::OutputStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutputStream::OutputStream(OutputStream&& other) noexcept = default;
OutputStream& OutputStream::operator=(OutputStream&& other) noexcept {
  if (this != &other) {
    if (impl_ && !impl_->closed && !impl_->error()) impl_->out.flush();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
OutputStream::~OutputStream() {
  if (impl_ && !impl_->closed && !impl_->error()) impl_->out.flush();
}

OutputStream OutputStream::over_fd(int fd, const OutputOptions& options) {
  auto impl = make(options, fd, true);
  if (fd < 0) impl->err = {StreamErrc::kDevice, EBADF};
  return OutputStream(std::move(impl));
}

OutputStream OutputStream::over_memory(const OutputOptions& options) {
  auto impl = make(options, -1, false);
  impl->is_memory = true;
  return OutputStream(std::move(impl));
}

OutputStream OutputStream::over_writer(WriteFn fn, void* user, const OutputOptions& options) {
  auto impl = make(options, -1, false);
  impl->fn = fn;
  impl->user = user;
  if (fn == nullptr) impl->err = {StreamErrc::kDevice, EINVAL};
  return OutputStream(std::move(impl));
}

void OutputStream::write(ByteView bytes) {
  if (!impl_ || !impl_->writable()) return;
  if (bytes.size == 0) return;
  impl_->out.write(sluice::ByteView(bytes.data, bytes.size));
  impl_->maybe_flush();
}

Hole OutputStream::reserve(std::size_t n) {
  if (!impl_ || !impl_->writable()) return {};
  if (n > impl_->page_size) {
    impl_->fail(StreamErrc::kTooLarge);
    return {};
  }
  const sluice::OutputStream::Hole h = impl_->out.reserve(n);
  return {h.serial, h.size};
}

bool OutputStream::fill(const Hole& hole, ByteView bytes) {
  if (!impl_ || !impl_->writable()) return false;
  sluice::OutputStream::Hole h;
  h.serial = hole.id;
  h.size = hole.size;
  // The runtime checks the id and the size recorded at reserve(); the host's copy of the size is
  // never trusted for the copy.
  if (hole.id == 0 || !impl_->out.fill(h, sluice::ByteView(bytes.data, bytes.size))) {
    impl_->fail(StreamErrc::kBadHole);
    return false;
  }
  impl_->maybe_flush();
  return true;
}

bool OutputStream::flush() {
  if (!impl_ || impl_->error()) return false;
  impl_->out.flush();
  return !impl_->error();
}

bool OutputStream::close() {
  if (!impl_) return false;
  if (impl_->closed) return !impl_->error();
  if (!impl_->error()) {
    impl_->out.flush();  // writes up to the first open hole, and holds the rest back
    if (!impl_->error() && impl_->out.open_holes() != 0) impl_->fail(StreamErrc::kUnfilledHole);
  }
  impl_->closed = true;
  return !impl_->error();
}

StreamError OutputStream::error() const { return impl_ ? impl_->error() : StreamError{}; }
std::uint64_t OutputStream::bytes_written() const { return impl_ ? impl_->out.bytes_written() : 0; }
std::size_t OutputStream::buffered() const { return impl_ ? impl_->out.buffered() : 0; }
std::uint32_t OutputStream::device_writes() const { return impl_ ? impl_->out.physical_writes() : 0; }
std::size_t OutputStream::open_holes() const { return impl_ ? impl_->out.open_holes() : 0; }
ByteView OutputStream::memory() const {
  if (!impl_ || !impl_->is_memory) return {};
  const std::size_t n = std::min<std::size_t>(impl_->memory.size(), std::numeric_limits<std::uint32_t>::max());
  return {impl_->memory.data(), static_cast<std::uint32_t>(n)};
}

}  // namespace sluice::embed
