#include "stdlib/src/shard_range.hpp"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace sluice {
namespace {

// A read-only window over the file: hops and scans that stay inside it cost no syscall, so small
// frames and short lines are found at memory speed, and a big frame's payload is never read.
class Window {
 public:
  Window(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  // The byte at `off` (< size), or -1 with err_no() set when the read fails.
  int byte_at(std::uint64_t off) {
    if (!load(off, 1)) return -1;
    return buf_[off - start_];
  }
  // n <= sizeof buf_ contiguous bytes at `off`; false when the file ends first or a read fails.
  bool bytes_at(std::uint64_t off, std::size_t n, std::uint8_t* out) {
    if (!load(off, n)) return false;
    std::memcpy(out, buf_ + (off - start_), n);
    return true;
  }
  // The first `delim` at or after `off`, or size when there is none (or -1 on a read error).
  std::int64_t find(std::uint64_t off, std::uint8_t delim) {
    while (off < size_) {
      if (!load(off, 1)) return -1;
      const std::uint8_t* from = buf_ + (off - start_);
      const std::size_t avail = static_cast<std::size_t>(len_ - (off - start_));
      if (const void* hit = std::memchr(from, delim, avail)) return static_cast<std::int64_t>(off + (static_cast<const std::uint8_t*>(hit) - from));
      off += avail;
    }
    return static_cast<std::int64_t>(size_);
  }
  [[nodiscard]] int err_no() const { return err_no_; }

 private:
  bool load(std::uint64_t off, std::size_t n) {
    if (off >= start_ && off + n <= start_ + len_) return true;
    if (off + n > size_) return false;
    std::size_t want = sizeof buf_;
    if (size_ - off < want) want = static_cast<std::size_t>(size_ - off);
    std::size_t got = 0;
    while (got < want) {
      const ssize_t r = ::pread(fd_, buf_ + got, want - got, static_cast<off_t>(off + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        err_no_ = errno;
        return false;
      }
      if (r == 0) break;  // the file shrank under us: treat what is there as all there is
      got += static_cast<std::size_t>(r);
    }
    start_ = off;
    len_ = got;
    return got >= n;
  }

  int fd_;
  std::uint64_t size_;
  std::uint64_t start_ = 0;
  std::uint64_t len_ = 0;
  int err_no_ = 0;
  std::uint8_t buf_[1 << 16];
};

// The first line start at or after `cut`.
std::int64_t line_boundary(Window& w, std::uint64_t size, std::uint64_t cut, std::uint8_t delim) {
  if (cut == 0 || cut >= size) return static_cast<std::int64_t>(cut >= size ? size : 0);
  const int before = w.byte_at(cut - 1);
  if (before < 0) return -1;
  if (before == delim) return static_cast<std::int64_t>(cut);
  const std::int64_t at = w.find(cut, delim);
  if (at < 0) return -1;
  return static_cast<std::uint64_t>(at) >= size ? static_cast<std::int64_t>(size) : at + 1;
}

// The first frame start at or after `cut`, hopping from `from` (a frame start before or at cut).
// A header or payload that runs past the end is the last piece: cuts after its start go to the end.
std::int64_t frame_boundary(Window& w, std::uint64_t size, std::uint64_t cut, std::uint64_t& from) {
  std::uint64_t off = from;
  while (off < cut && off < size) {
    std::uint8_t h[4];
    if (!w.bytes_at(off, 4, h)) {
      if (w.err_no() != 0) return -1;
      off = size;  // a truncated header
      break;
    }
    const std::uint64_t len = std::uint64_t{h[0]} | std::uint64_t{h[1]} << 8 | std::uint64_t{h[2]} << 16 | std::uint64_t{h[3]} << 24;
    if (len > size - off - 4) {
      off = size;  // a truncated payload
      break;
    }
    off += 4 + len;
  }
  from = off;
  return static_cast<std::int64_t>(off > size ? size : off);
}

// floor(I*size/N) without overflow for any 64-bit size: size = q*N + r, so it is q*I + r*I/N, and
// r*I < N*N <= 10^12.
std::uint64_t nominal_cut(std::uint64_t size, std::uint32_t i, std::uint32_t n) {
  return (size / n) * i + (size % n) * i / n;
}

}  // namespace

ShardRange shard_range(int fd, std::uint64_t size, ShardAlign align, std::uint8_t delim, const ShardSpec& shard) {
  ShardRange r;
  if (!shard.active()) {
    r.end = size;
    return r;
  }
  const std::uint64_t lo = nominal_cut(size, shard.index, shard.count);
  const std::uint64_t hi = nominal_cut(size, shard.index + 1, shard.count);
  Window w(fd, size);
  std::int64_t b = -1, e = -1;
  if (align == ShardAlign::kLines) {
    b = line_boundary(w, size, lo, delim);
    e = b < 0 ? -1 : line_boundary(w, size, hi, delim);
  } else {
    std::uint64_t from = 0;
    b = frame_boundary(w, size, lo, from);
    e = b < 0 ? -1 : frame_boundary(w, size, hi, from);
  }
  if (b < 0 || e < 0) {
    r.err_no = w.err_no() != 0 ? w.err_no() : EIO;
    return r;
  }
  r.begin = static_cast<std::uint64_t>(b);
  r.end = static_cast<std::uint64_t>(e) < r.begin ? r.begin : static_cast<std::uint64_t>(e);
  return r;
}

}  // namespace sluice
