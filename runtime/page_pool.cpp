#include "runtime/page_pool.hpp"

#include <new>

namespace sluice {
namespace {

// Pages are aligned for SIMD scanning and so that page offsets stay power-of-two friendly.
constexpr std::align_val_t kPageAlign{64};

std::uint8_t* allocate(std::size_t n) {
  return static_cast<std::uint8_t*>(::operator new(n == 0 ? 1 : n, kPageAlign));
}
void deallocate(std::uint8_t* p) { ::operator delete(p, kPageAlign); }

}  // namespace

void Page::reset() {
  if (data_ != nullptr) {
    if (pool_ != nullptr) {
      pool_->give_back(data_, capacity_);
    } else {
      deallocate(data_);
    }
  }
  pool_ = nullptr;
  data_ = nullptr;
  capacity_ = 0;
}

PagePool::PagePool(std::uint32_t page_size) : page_size_(page_size == 0 ? 1 : page_size) {}

PagePool::~PagePool() {
  for (std::uint8_t* p : free_) deallocate(p);
}

Page PagePool::acquire() {
  if (!free_.empty()) {
    std::uint8_t* p = free_.back();
    free_.pop_back();
    return Page(this, p, page_size_);
  }
  ++system_allocations_;
  return Page(this, allocate(page_size_), page_size_);
}

Page PagePool::acquire_at_least(std::size_t min_bytes) {
  if (min_bytes <= page_size_) return acquire();
  ++system_allocations_;
  return Page(this, allocate(min_bytes), min_bytes);
}

void PagePool::give_back(std::uint8_t* data, std::size_t capacity) {
  if (capacity == page_size_ && free_.size() < kMaxCachedPages) {
    free_.push_back(data);
  } else {
    deallocate(data);
  }
}

}  // namespace sluice
