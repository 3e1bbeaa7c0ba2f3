#include "runtime/input_stream.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice {

InputStream::InputStream(InputStream&& other) noexcept { *this = std::move(other); }

InputStream& InputStream::operator=(InputStream&& other) noexcept {
  if (this == &other) return *this;
  release();
  base_ = std::exchange(other.base_, nullptr);
  cur_ = std::exchange(other.cur_, 0);
  end_ = std::exchange(other.end_, 0);
  page_ = std::move(other.page_);
  map_ = std::exchange(other.map_, nullptr);
  map_len_ = std::exchange(other.map_len_, 0);
  fd_ = std::exchange(other.fd_, -1);
  eof_ = std::exchange(other.eof_, true);
  errno_ = std::exchange(other.errno_, 0);
  consumed_ = std::exchange(other.consumed_, 0);
  copied_ = std::exchange(other.copied_, 0);
  ranged_ = std::exchange(other.ranged_, false);
  read_off_ = std::exchange(other.read_off_, 0);
  read_end_ = std::exchange(other.read_end_, 0);
  return *this;
}

InputStream::~InputStream() { release(); }

void InputStream::release() {
  if (map_ != nullptr) ::munmap(map_, map_len_);
  if (fd_ >= 0) ::close(fd_);
  map_ = nullptr;
  fd_ = -1;
  page_.reset();
  base_ = nullptr;
}

InputStream InputStream::over_memory(ByteView bytes) {
  InputStream s;
  s.base_ = bytes.data;
  s.end_ = bytes.size;
  s.eof_ = true;
  return s;
}

InputStream InputStream::over_fd(int fd, PagePool& pool, std::size_t max_pull, ReadMode mode) {
  InputStream s;
  s.fd_ = fd;
  if (mode == ReadMode::kMmap) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* m = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        ::madvise(m, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
        s.map_ = m;
        s.map_len_ = static_cast<std::size_t>(st.st_size);
        s.base_ = static_cast<const std::uint8_t*>(m);
        s.end_ = s.map_len_;
        s.eof_ = true;
        return s;
      }
    }
    // Anything that cannot be mapped (pipes, empty or size-0 /proc files) is read with read(2).
  }
  s.page_ = pool.acquire_at_least(max_pull == 0 ? 1 : max_pull);
  s.base_ = s.page_.data();
  s.eof_ = false;
  return s;
}

InputStream InputStream::over_fd_range(int fd, PagePool& pool, std::size_t max_pull, ReadMode mode, std::uint64_t begin,
                                       std::uint64_t end) {
  if (end < begin) end = begin;
  InputStream s = over_fd(fd, pool, max_pull, mode);
  if (s.map_ != nullptr) {
    // The mapping is of the whole file (munmap needs its start and length); the view is the slice.
    const std::uint64_t len = s.map_len_;
    const std::uint64_t b = begin < len ? begin : len;
    const std::uint64_t e = end < len ? end : len;
    s.base_ = static_cast<const std::uint8_t*>(s.map_) + b;
    s.end_ = static_cast<std::size_t>(e - b);
    s.ranged_ = true;  // never refilled (eof_ is set); keeps unread_fd() at -1 for the slice
    return s;
  }
  s.ranged_ = true;
  s.read_off_ = begin;
  s.read_end_ = end;
  s.eof_ = begin == end;
  return s;
}

ByteView InputStream::peek() const {
  const std::size_t avail = end_ - cur_;
  return {base_ + cur_, static_cast<std::uint32_t>(avail > UINT32_MAX ? UINT32_MAX : avail)};
}

void InputStream::advance(std::size_t n) {
  cur_ += n;
  consumed_ += n;
}

ByteView InputStream::pull(std::size_t n) {
  if (end_ - cur_ < n && !eof_) refill(n);
  const std::size_t avail = end_ - cur_;
  return {base_ + cur_, static_cast<std::uint32_t>(avail > UINT32_MAX ? UINT32_MAX : avail)};
}

void InputStream::refill(std::size_t n) {
  std::uint8_t* buf = page_.data();
  const std::size_t cap = page_.capacity();
  if (n > cap) n = cap;  // callers never ask for more than max_pull; clamp defensively
  while (end_ - cur_ < n && !eof_) {
    // Move the unconsumed tail to the front only when n bytes from the cursor cannot fit in the
    // page; otherwise the next read lands after it. With pulls that divide the page the tail is
    // empty whenever this happens, so nothing is copied.
    if (cur_ + n > cap) {
      const std::size_t tail = end_ - cur_;
      if (tail != 0) {
        std::memmove(buf, buf + cur_, tail);
        copied_ += tail;
      }
      end_ = tail;
      cur_ = 0;
    }
    std::size_t room = cap - end_;
    if (ranged_ && read_end_ - read_off_ < room) room = static_cast<std::size_t>(read_end_ - read_off_);
    if (ranged_ && room == 0) {
      eof_ = true;
      break;
    }
    const ssize_t r = ranged_ ? ::pread(fd_, buf + end_, room, static_cast<off_t>(read_off_)) : ::read(fd_, buf + end_, room);
    if (ranged_ && r > 0) read_off_ += static_cast<std::uint64_t>(r);
    if (r > 0) {
      end_ += static_cast<std::size_t>(r);
    } else if (r == 0) {
      eof_ = true;
    } else if (errno != EINTR) {
      errno_ = errno;  // sticky: the stream ends here and reports the error once
      eof_ = true;
    }
  }
}

}  // namespace sluice
