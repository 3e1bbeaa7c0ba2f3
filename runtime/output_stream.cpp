#include "runtime/output_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/uio.h>
#include <unistd.h>

namespace sluice {
namespace {
// writev takes at most IOV_MAX (1024 on Linux) entries; a flush walks its pages in groups.
constexpr int kIovBatch = 64;
}  // namespace

OutputStream::OutputStream(int fd, PagePool& pool) : fd_(fd), pool_(&pool) {}
OutputStream::OutputStream(WritevFn fn, void* user, PagePool& pool) : fd_(-1), fn_(fn), fn_user_(user), pool_(&pool) {}

OutputStream::Chunk& OutputStream::tail_with_room(std::size_t min_room) {
  if (chunks_.empty() || chunks_.back().page.capacity() - chunks_.back().used < min_room) {
    Chunk c;
    c.page = pool_->acquire_at_least(min_room);
    chunks_.push_back(std::move(c));
  }
  return chunks_.back();
}

void OutputStream::write(ByteView bytes) {
  if (failed()) return;
  std::size_t done = 0;
  while (done < bytes.size) {
    Chunk& c = tail_with_room(1);
    const std::size_t n = std::min<std::size_t>(bytes.size - done, c.page.capacity() - c.used);
    std::memcpy(c.page.data() + c.used, bytes.data + done, n);
    c.used += n;
    done += n;
  }
  buffered_ += bytes.size;
}

OutputStream::Hole OutputStream::reserve(std::size_t n) {
  // Holes are contiguous by construction: a hole never straddles two pages.
  Chunk& c = tail_with_room(n);
  Hole h{chunks_.size() - 1, c.used, n, next_serial_++};
  std::memset(c.page.data() + c.used, 0, n);
  c.used += n;
  buffered_ += n;
  holes_.push_back(h);
  return h;
}

bool OutputStream::fill(const Hole& hole, ByteView bytes) {
  auto it = std::find_if(holes_.begin(), holes_.end(), [&](const Hole& h) { return h.serial == hole.serial; });
  if (it == holes_.end() || bytes.size != it->size) return false;  // filling twice or with a wrong size is a no-op
  if (bytes.size != 0) std::memcpy(chunks_[it->page].page.data() + it->offset, bytes.data, bytes.size);
  holes_.erase(it);
  return true;
}

bool OutputStream::write_all(const struct iovec* iov_in, int count) {
  struct iovec iov[kIovBatch];
  std::copy(iov_in, iov_in + count, iov);
  int first = 0;
  while (first < count) {
    std::ptrdiff_t r = 0;
    if (fn_ != nullptr) {
      // The supplied device reports its errors as a negative errno, with no EINTR to retry; a 0
      // for a non-empty batch would loop here forever, so it counts as an I/O error.
      r = fn_(fn_user_, iov + first, count - first);
      if (r <= 0) {
        errno_ = r < 0 ? static_cast<int>(-r) : EIO;
        return false;
      }
    } else {
      r = ::writev(fd_, iov + first, count - first);
      if (r < 0) {
        if (errno == EINTR) continue;
        errno_ = errno;
        return false;
      }
    }
    bytes_written_ += static_cast<std::uint64_t>(r);
    std::size_t left = static_cast<std::size_t>(r);
    while (first < count && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < count) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return true;
}

bool OutputStream::flush() {
  if (failed()) return false;
  // Bytes at and after the first unfilled hole stay buffered.
  std::size_t stop_page = chunks_.size();
  std::size_t stop_offset = 0;
  if (!holes_.empty()) {
    const Hole& first = *std::min_element(holes_.begin(), holes_.end(), [](const Hole& a, const Hole& b) {
      return a.page != b.page ? a.page < b.page : a.offset < b.offset;
    });
    stop_page = first.page;
    stop_offset = first.offset;
  }
  struct iovec iov[kIovBatch];
  int n = 0;
  std::size_t total = 0;
  for (std::size_t i = 0; i <= stop_page && i < chunks_.size(); ++i) {
    Chunk& c = chunks_[i];
    const std::size_t end = (i == stop_page) ? stop_offset : c.used;
    if (end > c.written) {
      iov[n].iov_base = c.page.data() + c.written;
      iov[n].iov_len = end - c.written;
      total += end - c.written;
      c.written = end;
      if (++n == kIovBatch) {
        if (!write_all(iov, n)) return false;
        n = 0;
      }
    }
  }
  if (total == 0) return true;
  if (n > 0 && !write_all(iov, n)) return false;
  ++physical_writes_;
  buffered_ -= total;
  // Drop fully written pages from the front, never the page of an open hole (it is filled in
  // place later); hole indices shift with the dropped pages.
  std::size_t drop = 0;
  while (drop < chunks_.size() && drop < stop_page && chunks_[drop].written == chunks_[drop].used) ++drop;
  if (drop == chunks_.size()) {
    // Keep the last page for reuse as the write tail (FastStreams' recycled last page).
    Chunk& last = chunks_.back();
    last.used = last.written = 0;
    chunks_.erase(chunks_.begin(), chunks_.end() - 1);
  } else if (drop > 0) {
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(drop));
    for (Hole& h : holes_) h.page -= drop;
  }
  return true;
}

bool OutputStream::write_direct(ByteView bytes) {
  if (failed()) return false;
  if (bytes.size == 0) return true;
  struct iovec iov;
  iov.iov_base = const_cast<std::uint8_t*>(bytes.data);
  iov.iov_len = bytes.size;
  if (!write_all(&iov, 1)) return false;
  ++physical_writes_;
  return true;
}

}  // namespace sluice
