#include "stdlib/xf/par_map_pool.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>

namespace sluice {

void SlotRing::push_back(ParMapSlot* s) {
  if (size_ == buf_.size()) {
    // Grow and straighten: the oldest element moves to index 0.
    std::vector<ParMapSlot*> grown(std::max<std::size_t>(8, buf_.size() * 2), nullptr);
    for (std::uint32_t i = 0; i < size_; ++i) grown[i] = at(i);
    buf_ = std::move(grown);
    head_ = 0;
  }
  buf_[(head_ + size_) % buf_.size()] = s;
  ++size_;
}

ParMapSlot* SlotRing::pop_front() {
  assert(size_ > 0);
  ParMapSlot* s = buf_[head_];
  head_ = static_cast<std::uint32_t>((head_ + 1) % buf_.size());
  --size_;
  return s;
}

ParMapSlot* SlotRing::swap_remove(std::uint32_t i) {
  assert(i < size_);
  ParMapSlot* s = at(i);
  at(i) = at(size_ - 1);
  --size_;
  return s;
}

unsigned par_map_threads(unsigned requested, std::uint32_t max_inflight) {
  unsigned n = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  n = std::min<unsigned>(n, kMaxParMapThreads);
  n = static_cast<unsigned>(std::min<std::uint64_t>(n, std::max<std::uint32_t>(1u, max_inflight)));
  return std::max(1u, n);
}

ParMapPool::ParMapPool(UserFn fn, ByteView ctx, unsigned threads, bool unordered)
    : fn_(fn), ctx_(ctx), threads_(std::max(1u, threads)), unordered_(unordered) {}

ParMapPool::~ParMapPool() {
  cancel();
  workers_.clear();  // joins
}

void ParMapPool::submit(ByteView item, std::uint32_t index) {
  if (workers_.empty()) {
    workers_.reserve(threads_);
    for (unsigned i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
  }
  ParMapSlot* s = nullptr;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    slots_.push_back(std::make_unique<ParMapSlot>());
    s = slots_.back().get();
  }
  // The item's bytes live only until the stage's push returns (borrowed-view rule): the slot
  // keeps its own copy, which the mapper then owns.
  s->in.assign(item.begin(), item.end());
  s->index = index;
  s->in_len = item.size;
  s->status = UserFnStatus::kOk;
  s->is_err = false;
  s->err_code = 0;
  s->trap.clear();
  inflight_.push_back(s);
  inflight_bytes_ += item.size;
  {
    const std::lock_guard<std::mutex> lock(mu_);
    s->done = false;
    pending_.push_back(s);
  }
  work_cv_.notify_one();
}

ParMapSlot& ParMapPool::take_next() {
  assert(!inflight_.empty());
  std::unique_lock<std::mutex> lock(mu_);
  ParMapSlot* s = nullptr;
  if (!unordered_) {
    ParMapSlot* head = inflight_.at(0);
    done_cv_.wait(lock, [&] { return head->done; });
    s = inflight_.pop_front();
  } else {
    // X07 polls its slots 0..n-1 and takes the first finished one (the last slot moves into its
    // place); when none is finished it waits a tick. Here the wait ends at the next completion.
    std::uint32_t found = 0;
    done_cv_.wait(lock, [&] {
      for (std::uint32_t i = 0; i < inflight_.size(); ++i)
        if (inflight_.at(i)->done) {
          found = i;
          return true;
        }
      return false;
    });
    s = inflight_.swap_remove(found);
  }
  lock.unlock();
  inflight_bytes_ -= s->in_len;
  return *s;
}

void ParMapPool::release(ParMapSlot& s) { free_.push_back(&s); }

void ParMapPool::cancel() {
  cancel_.store(true, std::memory_order_relaxed);
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    while (!pending_.empty()) pending_.pop_front();
  }
  work_cv_.notify_all();
}

void ParMapPool::work() {
  UserFnIo io;
  io.mapper_ctx = ctx_;
  io.cancel = &cancel_;
  for (;;) {
    ParMapSlot* s = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      s = pending_.pop_front();
    }
    io.item = ByteView(s->in.data(), static_cast<std::uint32_t>(s->in.size()));
    io.owned_item = &s->in;
    io.out = &s->out;
    io.value = 0;
    io.is_err = false;
    io.trap.clear();
    s->out.clear();
    const UserFnStatus status = fn_(io);
    {
      const std::lock_guard<std::mutex> lock(mu_);
      s->status = status;
      s->is_err = io.is_err;
      s->err_code = io.value;
      if (status != UserFnStatus::kOk) s->trap.swap(io.trap);
      s->done = true;
    }
    done_cv_.notify_all();
  }
}

}  // namespace sluice
