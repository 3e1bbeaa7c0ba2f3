// Input streams: a cursor over bytes that a device supplies (memory, a file read with read(2),
// a memory-mapped file). The stream owns its buffer; a reader asks for at least N contiguous
// bytes, looks at them as a view, and advances. Device errors are sticky.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/bytes.hpp"
#include "runtime/page_pool.hpp"

namespace sluice {

enum class ReadMode : std::uint8_t {
  kRead,  // read(2) into pool pages: bounded memory, works for pipes and devices
  kMmap,  // map the whole file: no copy at all; falls back to kRead when the file cannot be mapped
};

class InputStream {
 public:
  InputStream() = default;
  InputStream(InputStream&& other) noexcept;
  InputStream& operator=(InputStream&& other) noexcept;
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;
  ~InputStream();

  // Borrows `bytes`; they must outlive the stream.
  static InputStream over_memory(ByteView bytes);
  // Takes ownership of `fd`. `max_pull` is the largest n the reader will ask pull() for; the
  // buffer is a pool page, or a jumbo page when max_pull exceeds the page size.
  static InputStream over_fd(int fd, PagePool& pool, std::size_t max_pull, ReadMode mode);
  // The bytes [begin, end) of the regular file `fd` (a --shard slice), read with pread(2) from
  // those offsets or viewed in a mapping of the whole file; the stream ends at `end`.
  static InputStream over_fd_range(int fd, PagePool& pool, std::size_t max_pull, ReadMode mode, std::uint64_t begin,
                                   std::uint64_t end);

  // Makes at least n contiguous bytes available at the cursor and returns every byte buffered
  // from there: size >= n, or less only when the input ended (or failed) first. Bytes that must
  // move to the front of the buffer to become contiguous are counted in copied_bytes().
  ByteView pull(std::size_t n);
  // The bytes buffered at the cursor, without reading.
  [[nodiscard]] ByteView peek() const;
  void advance(std::size_t n);

  [[nodiscard]] bool failed() const { return errno_ != 0; }
  [[nodiscard]] int error_number() const { return errno_; }
  [[nodiscard]] std::uint64_t consumed() const { return consumed_; }
  [[nodiscard]] std::uint64_t copied_bytes() const { return copied_; }

  // For copy offload: the descriptor read from, while nothing has been pulled from it yet
  // (-1 otherwise, and for a memory stream). The stream never depends on the descriptor's file
  // offset after a copy that used explicit offsets.
  [[nodiscard]] int unread_fd() const { return (!ranged_ && consumed_ == 0 && cur_ == 0 && (map_ != nullptr || end_ == 0)) ? fd_ : -1; }
  // A mapped file ends at its mapped length, whatever happens to the file later.
  [[nodiscard]] bool mapped() const { return map_ != nullptr; }
  [[nodiscard]] std::uint64_t mapped_bytes() const { return map_len_; }

 private:
  void refill(std::size_t n);
  void release();

  // The buffered region is [base_ + cur_, base_ + end_).
  const std::uint8_t* base_ = nullptr;
  std::size_t cur_ = 0;
  std::size_t end_ = 0;
  Page page_;                // owns base_ in read(2) mode
  void* map_ = nullptr;      // owns base_ in mmap mode
  std::size_t map_len_ = 0;
  int fd_ = -1;
  bool eof_ = true;
  int errno_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t copied_ = 0;
  bool ranged_ = false;          // over_fd_range in read(2) mode: pread from read_off_ up to read_end_
  std::uint64_t read_off_ = 0;
  std::uint64_t read_end_ = 0;
};

}  // namespace sluice
