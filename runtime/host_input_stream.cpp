// The public input stream (<sluice/stream.hpp>, docs/stream_api.md).
//
// Unlike the runtime's InputStream, which moves an unread tail to the front of its page whenever
// a pull would run past the page end, this stream keeps page boundaries at fixed input offsets:
// the device fills a page to the end before the next one starts, so page k always holds input
// bytes [k*P, (k+1)*P). A pull that crosses a boundary is gathered into a separate carry buffer.
// That makes the copy rule exact and independent of how the device chunks its reads: the bytes
// copied are precisely those of the pulls (messages) that cross a page end.
#include <sluice/stream.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/page_pool.hpp"

namespace sluice::embed {
namespace {
// Pages and pulls are bounded so that a view's u32 size can always say how long it is.
constexpr std::size_t kMaxPage = std::size_t{1} << 30;

ByteView view_of(const std::uint8_t* p, std::size_t n) {
  return {p, static_cast<std::uint32_t>(std::min<std::size_t>(n, std::numeric_limits<std::uint32_t>::max()))};
}
}  // namespace

std::string_view stream_error_text(StreamErrc code) {
  switch (code) {
    case StreamErrc::kOk: return "ok";
    case StreamErrc::kDevice: return "device error";
    case StreamErrc::kTooLarge: return "pull or reserve larger than the largest page";
    case StreamErrc::kPastEnd: return "advance past the bytes pulled";
    case StreamErrc::kBadHole: return "fill of an unknown or filled hole, or with the wrong size";
    case StreamErrc::kUnfilledHole: return "closed with a hole never filled";
    case StreamErrc::kClosed: return "write after close";
  }
  return "unknown stream error";
}

struct InputStream::Impl {
  // Memory and mmap streams: the whole input is one region, nothing is ever copied.
  const std::uint8_t* mem = nullptr;
  std::size_t mem_len = 0;
  std::size_t mem_pos = 0;
  bool is_memory = false;
  void* map = nullptr;
  std::size_t map_len = 0;

  // Paged streams: the device, the current page [pos, end) of page_size bytes, and the carry
  // [cpos, cend), which, when not empty, comes before the page in input order.
  int fd = -1;
  ReadFn fn = nullptr;
  void* user = nullptr;
  sluice::PagePool pool;
  sluice::Page page;
  sluice::Page carry;
  std::size_t page_size = 0;
  std::size_t max_pull = 0;
  std::size_t pos = 0, end = 0;
  std::size_t cpos = 0, cend = 0;
  bool eof = false;

  StreamError err;
  std::uint64_t consumed = 0;
  std::uint64_t copied = 0;

  explicit Impl(std::size_t pool_page) : pool(static_cast<std::uint32_t>(pool_page)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (map != nullptr) ::munmap(map, map_len);
  }

  void fail(StreamErrc code, int sys_errno = 0) {
    if (!err) err = {code, sys_errno};  // the first error is the one reported
    eof = true;
  }

  std::ptrdiff_t device_read(std::uint8_t* buf, std::size_t cap) {
    if (fn != nullptr) {
      const std::ptrdiff_t r = fn(user, buf, cap);
      // A callback claiming more than it was offered has written past our page: report it rather
      // than trust the count.
      return r > static_cast<std::ptrdiff_t>(cap) ? -EOVERFLOW : r;
    }
    for (;;) {
      const ssize_t r = ::read(fd, buf, cap);
      if (r >= 0) return r;
      if (errno != EINTR) return -errno;
    }
  }

  // Reads into the page until it holds `target` bytes (at most page_size), or the input ends.
  void fill_page(std::size_t target) {
    while (end < target && !eof) {
      const std::ptrdiff_t r = device_read(page.data() + end, page_size - end);
      if (r > 0) {
        end += static_cast<std::size_t>(r);
      } else if (r == 0) {
        eof = true;
      } else {
        fail(StreamErrc::kDevice, static_cast<int>(-r));
      }
    }
  }

  // Grows the carry to n bytes from the page, refilling the page (from offset 0: a new page)
  // each time it has been used up.
  void extend_carry(std::size_t n) {
    if (cpos + n > max_pull) {
      std::memmove(carry.data(), carry.data() + cpos, cend - cpos);
      copied += cend - cpos;
      cend -= cpos;
      cpos = 0;
    }
    while (cend - cpos < n) {
      if (pos == end) {
        if (end == page_size) pos = end = 0;
        if (eof) break;
        fill_page(std::min(page_size, end + (n - (cend - cpos))));
        if (pos == end) break;
      }
      const std::size_t k = std::min(n - (cend - cpos), end - pos);
      std::memcpy(carry.data() + cend, page.data() + pos, k);
      cend += k;
      pos += k;
      copied += k;
    }
  }

  ByteView peek() const {
    if (err) return {};
    if (is_memory) return view_of(mem + mem_pos, mem_len - mem_pos);
    if (cend > cpos) return view_of(carry.data() + cpos, cend - cpos);
    return view_of(page.data() + pos, end - pos);
  }

  ByteView pull(std::size_t n) {
    if (err) return {};
    if (is_memory) return peek();  // the whole input is buffered: a short view means the end
    if (n > max_pull) {
      fail(StreamErrc::kTooLarge);
      return {};
    }
    if (cend > cpos) {
      if (cend - cpos < n) extend_carry(n);
      return peek();
    }
    // A used-up full page: the next byte starts a new page, so a pull from here crosses nothing.
    if (pos == end && end == page_size) pos = end = 0;
    if (end - pos >= n) return peek();
    if (pos + n <= page_size) {
      fill_page(pos + n);
      return peek();
    }
    // The pull crosses the page end: finish this page first (so the next one starts at the
    // boundary), then gather the n bytes.
    fill_page(page_size);
    if (end < page_size) return peek();  // the input ended (or failed) inside this page
    std::memcpy(carry.data(), page.data() + pos, end - pos);
    copied += end - pos;
    cpos = 0;
    cend = end - pos;
    pos = end;
    extend_carry(n);
    return peek();
  }

  void advance(std::size_t n) {
    if (err) return;
    const std::size_t avail = peek().size;
    if (n > avail) {
      fail(StreamErrc::kPastEnd);
      return;
    }
    if (is_memory) {
      mem_pos += n;
    } else if (cend > cpos) {
      cpos += n;
      if (cpos == cend) cpos = cend = 0;
    } else {
      pos += n;
    }
    consumed += n;
  }

  bool at_end() const {
    if (err) return true;
    if (is_memory) return mem_pos == mem_len;
    return eof && cend == cpos && pos == end;
  }
};

namespace {
std::unique_ptr<InputStream::Impl> paged(const InputOptions& o) {
  const std::size_t page = std::clamp<std::size_t>(o.page_size == 0 ? kStreamDefaultPageSize : o.page_size, 1, kMaxPage);
  auto impl = std::make_unique<InputStream::Impl>(page);
  impl->page_size = page;
  impl->max_pull = std::clamp<std::size_t>(o.max_pull == 0 ? page : o.max_pull, 1, kMaxPage);
  // Both buffers are allocated here, once: pulls never allocate.
  impl->page = impl->pool.acquire();
  impl->carry = impl->pool.acquire_at_least(impl->max_pull);
  return impl;
}
}  // namespace

InputStream::InputStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InputStream::InputStream(InputStream&& other) noexcept = default;
InputStream& InputStream::operator=(InputStream&& other) noexcept = default;
InputStream::~InputStream() = default;

InputStream InputStream::over_memory(ByteView bytes) {
  auto impl = std::make_unique<Impl>(std::size_t{4096});
  impl->is_memory = true;
  impl->mem = bytes.data;
  impl->mem_len = bytes.data == nullptr ? 0 : bytes.size;
  impl->eof = true;
  return InputStream(std::move(impl));
}

InputStream InputStream::over_fd(int fd, const InputOptions& options, FdMode mode) {
  if (mode == FdMode::kMmap) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      const auto len = static_cast<std::size_t>(st.st_size);
      void* m = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        ::madvise(m, len, MADV_SEQUENTIAL);
        auto impl = std::make_unique<Impl>(std::size_t{4096});
        impl->is_memory = true;
        impl->map = m;
        impl->map_len = len;
        impl->mem = static_cast<const std::uint8_t*>(m);
        impl->mem_len = len;
        impl->eof = true;
        return InputStream(std::move(impl));
      }
    }
    // Pipes, sockets, empty or unmappable files are read with read(2).
  }
  auto impl = paged(options);
  impl->fd = fd;
  if (fd < 0) impl->fail(StreamErrc::kDevice, EBADF);
  return InputStream(std::move(impl));
}

InputStream InputStream::over_reader(ReadFn fn, void* user, const InputOptions& options) {
  auto impl = paged(options);
  impl->fn = fn;
  impl->user = user;
  if (fn == nullptr) impl->fail(StreamErrc::kDevice, EINVAL);
  return InputStream(std::move(impl));
}

// A moved-from stream has no Impl; every call on it answers as an ended stream.
ByteView InputStream::pull(std::size_t n) { return impl_ ? impl_->pull(n) : ByteView{}; }
ByteView InputStream::peek() const { return impl_ ? impl_->peek() : ByteView{}; }
void InputStream::advance(std::size_t n) {
  if (impl_) impl_->advance(n);
}
bool InputStream::at_end() const { return impl_ ? impl_->at_end() : true; }
std::uint64_t InputStream::consumed() const { return impl_ ? impl_->consumed : 0; }
std::uint64_t InputStream::copied_bytes() const { return impl_ ? impl_->copied : 0; }
StreamError InputStream::error() const { return impl_ ? impl_->err : StreamError{}; }
std::size_t InputStream::max_pull() const {
  if (!impl_) return 0;
  return impl_->is_memory ? impl_->mem_len : impl_->max_pull;
}

}  // namespace sluice::embed
