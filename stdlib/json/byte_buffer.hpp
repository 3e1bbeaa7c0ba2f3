// ByteBuffer: the canonicalizer's growable output and scratch storage. Unlike std::vector it does
// not zero-fill what it reserves, so a writer can reserve a bound, write through a raw pointer
// and commit what it wrote; that keeps reservation O(1) on the per-token hot path.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include <sys/mman.h>

namespace sluice::json {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer() { free_storage(); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        cap_(std::exchange(o.cap_, 0)),
        ready_(std::exchange(o.ready_, 0)),
        mapped_(std::exchange(o.mapped_, false)) {}
  ByteBuffer& operator=(ByteBuffer&& o) noexcept {
    if (this != &o) {
      free_storage();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      cap_ = std::exchange(o.cap_, 0);
      ready_ = std::exchange(o.ready_, 0);
      mapped_ = std::exchange(o.mapped_, false);
    }
    return *this;
  }

  [[nodiscard]] std::uint8_t* data() { return data_; }
  [[nodiscard]] const std::uint8_t* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return cap_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  // Where the next byte goes; valid for the bytes reserved with ensure().
  [[nodiscard]] std::uint8_t* tail() { return data_ + size_; }

  // Makes room for `extra` more bytes. Growth is geometric, so a reserve per token is amortised
  // O(1). Allocation failure throws std::bad_alloc, as std::vector would. One comparison on the
  // hot path: `ready_` (≤ cap_) is where the slow path next has work (growing, prefaulting).
  void ensure(std::size_t extra) {
    if (ready_ - size_ < extra) make_ready(size_ + extra);
  }
  // Commits `n` bytes written at tail() after an ensure().
  void commit(std::size_t n) { size_ += n; }
  void truncate(std::size_t n) { size_ = n; }
  void clear() { size_ = 0; }
  void push(std::uint8_t b) {
    ensure(1);
    data_[size_++] = b;
  }
  void append(const void* p, std::size_t n) {
    ensure(n);
    if (n != 0) std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  // Gives the memory back (a finished run should not hold a document-sized buffer).
  void release() {
    free_storage();
    data_ = nullptr;
    size_ = cap_ = ready_ = 0;
    mapped_ = false;
  }

 private:
  void make_ready(std::size_t need) {
    if (need > cap_) grow(need);
    if (!mapped_) {
      ready_ = cap_;
      return;
    }
    // Prefault the next stretch in one call (MADV_POPULATE_WRITE, Linux 5.14): a page fault per
    // 4 KiB page was a sixth of a 100 MB json_canon run, more under a hypervisor. The pages are
    // about to be written anyway; only `kPrefaultBytes` ahead of what is written, so the unused part
    // of a doubled capacity is not touched. Where the advice is unknown it fails and faults
    // happen as before.
    const std::size_t to = std::min(cap_, std::max(ready_, size_) + kPrefaultBytes);
    const std::uintptr_t page = kPage;
    const auto from = (reinterpret_cast<std::uintptr_t>(data_) + ready_) & ~(page - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data_) + to + page - 1) & ~(page - 1);
#ifdef MADV_POPULATE_WRITE
    if (end > from) ::madvise(reinterpret_cast<void*>(from), end - from, MADV_POPULATE_WRITE);
#endif
    // A larger need (a writer reserving a bound) is allocated; its far pages fault when written.
    ready_ = std::max(need, to);
  }

  void grow(std::size_t need) {
    std::size_t cap = cap_ < 256 ? 256 : cap_;
    while (cap < need) cap = cap > (SIZE_MAX / 2) ? need : cap * 2;
    if (cap < kMapBytes) {
      void* p = std::realloc(data_, cap);
      if (p == nullptr) throw std::bad_alloc();
      data_ = static_cast<std::uint8_t*>(p);
      cap_ = cap;
      return;
    }
    cap = (cap + kPage - 1) & ~(kPage - 1);
    // A document-sized buffer is mapped by us and grown with mremap, which moves the pages, never
    // the bytes: glibc's realloc copies a block that sits below its (moving) mmap threshold,
    // which measured as a fifth of a 100 MB json_canon run.
    void* p = nullptr;
    if (mapped_) {
      p = ::mremap(data_, cap_, cap, MREMAP_MAYMOVE);
    } else {
      p = ::mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED && size_ != 0) std::memcpy(p, data_, size_);  // below kMapBytes: small
    }
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (!mapped_) std::free(data_);
    data_ = static_cast<std::uint8_t*>(p);
    mapped_ = true;
    if (ready_ > cap_) ready_ = cap_;
    cap_ = cap;
    if (cap >= kHugeBytes) advise_huge_pages();
  }

  void free_storage() {
    if (mapped_)
      ::munmap(data_, cap_);
    else
      std::free(data_);
  }

  // A document-sized buffer is touched once, front to back: with transparent huge pages on
  // request (the usual "madvise" setting) that is one fault per 2 MiB instead of one per 4 KiB.
  // Advice only: where huge pages are off it changes nothing.
  void advise_huge_pages() {
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data_) + kHuge - 1) & ~(kHuge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data_) + cap_) & ~(kHuge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kMapBytes = std::size_t{1} << 20;  // mapped from this capacity on
  static constexpr std::size_t kPrefaultBytes = std::size_t{1} << 20;
  static constexpr std::size_t kHugeBytes = std::size_t{4} << 20;

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
  std::size_t ready_ = 0;  // ≤ cap_: below it the slow path has nothing to do (allocated, prefaulted)
  bool mapped_ = false;
};

}  // namespace sluice::json
