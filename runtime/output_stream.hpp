// Output streams: bytes buffered in pool pages and written to a file descriptor in whole-buffer
// writes. A writer can reserve a contiguous hole (a length prefix whose value is known only
// later) and fill it afterwards; bytes from the first unfilled hole on are held back until it is
// filled. Device errors are sticky: the first one is kept and every later write is a no-op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/page_pool.hpp"

struct iovec;

namespace sluice {

class OutputStream {
 public:
  // A reserved range inside the buffer, to be filled with exactly `size` bytes.
  struct Hole {
    std::size_t page = 0;
    std::size_t offset = 0;
    std::size_t size = 0;
    std::uint64_t serial = 0;
  };

  // Writes go to `fd` (borrowed: the caller closes it). Nothing is written by the stream on its
  // own: the caller decides when to flush, so write counts follow the caller's policy exactly.
  OutputStream(int fd, PagePool& pool);
  // A device the caller supplies instead of a descriptor (the public stream API's memory and
  // host-callback outputs): writev-like, returns the bytes taken (> 0) or a negative errno.
  using WritevFn = std::ptrdiff_t (*)(void* user, const ::iovec* iov, int count);
  OutputStream(WritevFn fn, void* user, PagePool& pool);
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  void write(ByteView bytes);
  Hole reserve(std::size_t n);
  // Returns false (and changes nothing) for an unknown or already filled hole or a wrong size;
  // the size checked is the one recorded at reserve(), never the caller's copy.
  bool fill(const Hole& hole, ByteView bytes);

  // Writes every buffered byte before the first unfilled hole with one writev loop; counts one
  // physical write when there was anything to write. Returns false once the stream has failed.
  bool flush();
  // Writes `bytes` straight to the device, bypassing the buffer (which must be flushed first).
  bool write_direct(ByteView bytes);

  [[nodiscard]] std::size_t buffered() const { return buffered_; }
  [[nodiscard]] std::uint32_t physical_writes() const { return physical_writes_; }
  [[nodiscard]] std::uint64_t bytes_written() const { return bytes_written_; }
  [[nodiscard]] bool failed() const { return errno_ != 0; }
  [[nodiscard]] int error_number() const { return errno_; }
  [[nodiscard]] std::size_t open_holes() const { return holes_.size(); }

 private:
  struct Chunk {
    Page page;
    std::size_t used = 0;
    std::size_t written = 0;  // bytes of this page already handed to the device
  };
  Chunk& tail_with_room(std::size_t min_room);
  bool write_all(const ::iovec* iov, int count);

  int fd_;
  WritevFn fn_ = nullptr;
  void* fn_user_ = nullptr;
  PagePool* pool_;
  std::vector<Chunk> chunks_;
  std::vector<Hole> holes_;  // unfilled, in reservation order
  std::size_t buffered_ = 0;
  std::uint64_t next_serial_ = 1;
  std::uint32_t physical_writes_ = 0;
  std::uint64_t bytes_written_ = 0;
  int errno_ = 0;
};

}  // namespace sluice
