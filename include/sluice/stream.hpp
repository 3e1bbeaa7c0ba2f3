// The zero-copy stream API for hosts (docs/stream_api.md): an input stream that hands out views
// into its own pages (readable/pull/peek/advance), and an output stream that buffers in pages and
// lets a writer reserve a hole (a length prefix) and fill it later. Both keep the first device
// error (sticky) and never throw for bad input or device failures; only std::bad_alloc can
// escape, from the factories. The implementation stays behind a pimpl in the installed
// libsluice_runtime, so this header needs nothing but the standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <sluice/byte_view.hpp>

namespace sluice::embed {

// Why a stream stopped. kDevice carries the errno (or the negated return of a host callback).
enum class StreamErrc : std::uint8_t {
  kOk = 0,
  kDevice = 1,         // read(2)/write(2) or the host callback failed
  kTooLarge = 2,       // pull(n) or reserve(n) beyond the largest page: refused, nothing overflowed
  kPastEnd = 3,        // advance(n) beyond the bytes the last pull/peek returned
  kBadHole = 4,        // fill() of an unknown or already filled hole, or with the wrong size
  kUnfilledHole = 5,   // close() with a hole still open: nothing from the hole on was written
  kClosed = 6,         // a write after close()
};

struct StreamError {
  StreamErrc code = StreamErrc::kOk;
  int sys_errno = 0;  // for kDevice: the errno; 0 otherwise
  explicit operator bool() const { return code != StreamErrc::kOk; }
};

// A one-line description of `code` ("device error", "pull larger than the largest page", ...).
std::string_view stream_error_text(StreamErrc code);

inline constexpr std::size_t kStreamDefaultPageSize = 64 * 1024;

struct InputOptions {
  // read(2) (or the host callback) fills pages of this size, one after the other; a message that
  // lies inside one page is handed out as a view into it, one that crosses a page end is copied.
  std::size_t page_size = kStreamDefaultPageSize;
  // The largest n pull() accepts (0: page_size). A pull that crosses a page end is gathered in a
  // buffer of this size, allocated once when the stream is made.
  std::size_t max_pull = 0;
};

enum class FdMode : std::uint8_t {
  kRead,  // read(2) into the stream's page: pipes, sockets, devices, files
  kMmap,  // map a regular file whole (no copy at all); anything else falls back to kRead
};

// A read-like host function: fill at most `cap` bytes at `buf`; return how many (> 0), 0 at the
// end of the input, or a negative errno (the stream keeps it as a kDevice error).
using ReadFn = std::ptrdiff_t (*)(void* user, std::uint8_t* buf, std::size_t cap);

class InputStream {
 public:
  // Borrows `bytes`; they must outlive the stream. Never copies.
  static InputStream over_memory(ByteView bytes);
  // Borrows `fd` (the host closes it after the stream is gone).
  static InputStream over_fd(int fd, const InputOptions& options = {}, FdMode mode = FdMode::kRead);
  // Reads through `fn(user, ...)`; `user` must outlive the stream.
  static InputStream over_reader(ReadFn fn, void* user, const InputOptions& options = {});

  InputStream(InputStream&& other) noexcept;
  InputStream& operator=(InputStream&& other) noexcept;
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;
  ~InputStream();

  // Makes n contiguous bytes available at the cursor if the input has them, and returns the
  // buffered bytes from the cursor: size >= n, or less only when the input ended or failed first
  // (or n exceeds max_pull(): kTooLarge, an empty view). The view lives until the next
  // pull/readable/advance on this stream.
  ByteView pull(std::size_t n);
  // pull(n).size >= n: FastStreams' readable(n).
  bool readable(std::size_t n) { return pull(n).size >= n; }
  // The buffered bytes at the cursor, without reading the device.
  [[nodiscard]] ByteView peek() const;
  // Consumes n bytes of what the last pull/peek returned (more is kPastEnd, and nothing moves).
  void advance(std::size_t n);

  // True when nothing is buffered and the device has ended (or failed).
  [[nodiscard]] bool at_end() const;
  [[nodiscard]] std::uint64_t consumed() const;
  // Bytes copied to make a pull contiguous across a page end (0 for memory and mmap streams).
  [[nodiscard]] std::uint64_t copied_bytes() const;
  [[nodiscard]] StreamError error() const;
  [[nodiscard]] std::size_t max_pull() const;

  struct Impl;

 private:
  explicit InputStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct OutputOptions {
  // Writes are buffered in pages of this size; a hole never straddles two pages, so reserve(n)
  // accepts n up to page_size.
  std::size_t page_size = kStreamDefaultPageSize;
  // write()/fill() flush on their own once this many bytes are buffered before the first open
  // hole (0: never; the host calls flush()). Bytes after an open hole are held back regardless.
  std::size_t flush_threshold = 4 * kStreamDefaultPageSize;
};

// One piece of a gathered write (a writev entry).
struct IoPart {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};
// A writev-like host function: write the parts in order; return how many bytes it took (it may
// take fewer; the stream calls again with the rest), or a negative errno (kept as kDevice).
using WriteFn = std::ptrdiff_t (*)(void* user, const IoPart* parts, int count);

// A reserved range in the output, to be filled with exactly `size` bytes. A token: copy it
// freely; its fields mean nothing to the host but the size.
struct Hole {
  std::uint64_t id = 0;
  std::size_t size = 0;
};

class OutputStream {
 public:
  // Writes to `fd` (borrowed) with writev(2).
  static OutputStream over_fd(int fd, const OutputOptions& options = {});
  // Collects the written bytes in memory; memory() shows what was flushed so far.
  static OutputStream over_memory(const OutputOptions& options = {});
  // Writes through `fn(user, ...)`; `user` must outlive the stream.
  static OutputStream over_writer(WriteFn fn, void* user, const OutputOptions& options = {});

  OutputStream(OutputStream&& other) noexcept;
  OutputStream& operator=(OutputStream&& other) noexcept;
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;
  // Flushes what can be flushed (errors are dropped: call close() to see them).
  ~OutputStream();

  void write(ByteView bytes);
  void write(std::string_view chars) { write(ByteView::of(chars)); }
  // Reserves n bytes (zeroed until filled) at the current end; bytes written after it are held
  // back until it is filled. n > page size is kTooLarge (the returned hole has size 0).
  Hole reserve(std::size_t n);
  // Fills `hole` with exactly hole.size bytes. Anything else is kBadHole. Returns !error().
  bool fill(const Hole& hole, ByteView bytes);
  // Hands every buffered byte before the first open hole to the device, in writev batches.
  bool flush();
  // Flushes; an open hole is kUnfilledHole (nothing from it on is written). Later writes are
  // kClosed. Returns !error().
  bool close();

  [[nodiscard]] StreamError error() const;
  [[nodiscard]] std::uint64_t bytes_written() const;   // handed to the device
  [[nodiscard]] std::size_t buffered() const;          // not yet handed to the device
  [[nodiscard]] std::uint32_t device_writes() const;   // flushes that wrote something
  [[nodiscard]] std::size_t open_holes() const;
  // over_memory streams: the bytes flushed so far (empty otherwise). Valid until the next call.
  [[nodiscard]] ByteView memory() const;

  struct Impl;

 private:
  explicit OutputStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::embed
