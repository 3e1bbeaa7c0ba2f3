// The worker threads and in-flight slots of a par_map stage (spec §11): items are copied into
// slots, mapped by a pool of std::jthread workers (each call with its own interpreter frames or
// compiled-code context), and handed back to the stage in input order (ordered variants) or in
// X07's poll order over finished slots (unordered). The stage decides when to wait (par_map.hpp);
// this file owns every piece of state that two threads touch, all of it under one mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/bytes.hpp"
#include "stdlib/user_fn.hpp"

namespace sluice {

// More workers than this is a typo, not a machine: each one is an OS thread.
inline constexpr unsigned kMaxParMapThreads = 256;

// One item in flight. The stage thread fills `in` and reads the results after `done`; the worker
// fills the results; the mutex hand-over orders the two. Slots are reused, so their buffers keep
// their capacity from item to item.
struct ParMapSlot {
  std::vector<std::uint8_t> in;   // the item, copied (the mapper takes it as owned bytes)
  std::vector<std::uint8_t> out;  // the mapper's bytes (ok value for result_bytes)
  std::uint32_t index = 0;        // item_index: the item's position among the stage's inputs
  std::uint32_t in_len = 0;       // the item's length, for the in-flight byte count
  UserFnStatus status = UserFnStatus::kOk;
  bool is_err = false;            // result_bytes mapper returned err(err_code)
  std::int32_t err_code = 0;
  std::string trap;               // when status is kTrap/kFuel
  bool done = false;              // guarded by the pool's mutex
};

// A FIFO of slot pointers that also supports X07's unordered removal (swap the last one in).
// Grows on demand up to the stage's max_inflight; after warm-up it never allocates.
class SlotRing {
 public:
  [[nodiscard]] std::uint32_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  ParMapSlot*& at(std::uint32_t i) { return buf_[(head_ + i) % buf_.size()]; }
  void push_back(ParMapSlot* s);
  ParMapSlot* pop_front();
  // Removes element i: the last element takes its place (X07's unordered slot list).
  ParMapSlot* swap_remove(std::uint32_t i);

 private:
  std::vector<ParMapSlot*> buf_;
  std::uint32_t head_ = 0;
  std::uint32_t size_ = 0;
};

class ParMapPool {
 public:
  // `threads` already resolved (>= 1). `ctx` must outlive the pool.
  ParMapPool(UserFn fn, ByteView ctx, unsigned threads, bool unordered);
  ~ParMapPool();  // cancels what is in flight and joins every worker
  ParMapPool(const ParMapPool&) = delete;
  ParMapPool& operator=(const ParMapPool&) = delete;

  [[nodiscard]] std::uint32_t inflight() const { return inflight_.size(); }
  [[nodiscard]] std::uint64_t inflight_bytes() const { return inflight_bytes_; }
  [[nodiscard]] unsigned threads() const { return threads_; }

  // Copies `item` into a free slot and queues it for the workers (starting them on first use).
  void submit(ByteView item, std::uint32_t index);
  // Blocks until the next result to emit is finished and takes it out of the in-flight set:
  // ordered, the oldest item; unordered, the first finished slot in slot order. The slot stays
  // the caller's until release().
  ParMapSlot& take_next();
  void release(ParMapSlot& s);
  // Every queued item is dropped, running calls end at their next fuel check (kCanceled), and no
  // worker takes another item. take_next must not be called afterwards.
  void cancel();

 private:
  UserFn fn_;
  ByteView ctx_;
  unsigned threads_;
  bool unordered_;

  // Stage thread only.
  SlotRing inflight_;                 // submitted, not yet taken: submission order, or X07's slot list
  std::uint64_t inflight_bytes_ = 0;  // Σ in_len over inflight_
  std::vector<ParMapSlot*> free_;
  std::vector<std::unique_ptr<ParMapSlot>> slots_;

  // Shared with the workers.
  std::mutex mu_;
  std::condition_variable work_cv_;  // pending_ gained an item, or stopping_
  std::condition_variable done_cv_;  // a slot became done
  SlotRing pending_;                 // queued, not yet picked up by a worker (guarded by mu_)
  bool stopping_ = false;            // guarded by mu_
  std::atomic<bool> cancel_{false};  // polled by running mapper calls (UserFnIo::cancel)

  // Last member: destroyed (joined) first, while everything the workers use is still alive.
  std::vector<std::jthread> workers_;

  void work();
};

// The worker count for a stage: `requested` (--par-threads, 0 = auto) or the cores, never more
// than max_inflight (more could never be busy) nor kMaxParMapThreads, at least 1.
unsigned par_map_threads(unsigned requested, std::uint32_t max_inflight);

}  // namespace sluice
