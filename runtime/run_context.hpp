// Per-run state shared by every stage: counters, budgets and where they are charged (spec §3),
// the take_v1 stop flag, the recorded failure (ERR doc or trap), and the copied-bytes count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/bytes.hpp"
#include "runtime/codes.hpp"
#include "runtime/flow.hpp"
#include "runtime/page_pool.hpp"
#include "runtime/result_doc.hpp"
#include "runtime/run_resources.hpp"

namespace sluice {

class ProgressMeter;

struct Budgets {
  std::uint32_t max_in_bytes = 0;
  std::uint32_t max_out_bytes = 0;
  std::uint32_t max_items = 0;
};

enum class RunStatus : std::uint8_t {
  kOk,    // no failure recorded: the run goes on, and ends with an OK doc
  kErr,   // an ERR doc is recorded (code, message, payload)
  kTrap,  // a runtime trap is recorded: no doc, exit status 4
};

class RunContext {
 public:
  RunContext(const Budgets& budgets, PagePool& pool, ProgressMeter* progress = nullptr)
      : budgets_(budgets), pool_(&pool), progress_(progress) {}

  [[nodiscard]] const Budgets& budgets() const { return budgets_; }
  [[nodiscard]] const Counters& counters() const { return counters_; }
  [[nodiscard]] PagePool& pool() const { return *pool_; }
  // The host's progress line, or null (RunEnv::progress).
  [[nodiscard]] ProgressMeter* progress() const { return progress_; }

  // Source side: count the item, then check the in-bytes budget (equality is within budget).
  Flow charge_source_item(std::uint32_t len) {
    counters_.bytes_in += len;
    counters_.items_in += 1;
    if (counters_.bytes_in > budgets_.max_in_bytes || counters_.bytes_in < len) return fail(ErrId::kBudgetInBytes);
    return Flow::kContinue;
  }
  // Sink side: items first, then bytes (`inc` includes u32frames headers); counters move only
  // when both checks pass. Comparisons are unsigned 32-bit, as in X07.
  Flow charge_sink_item(std::uint32_t inc) {
    if (std::uint64_t{counters_.items_out} + 1u > budgets_.max_items) return fail(ErrId::kBudgetItems);
    const std::uint64_t out = static_cast<std::uint64_t>(counters_.bytes_out) + inc;
    if (out > budgets_.max_out_bytes) return fail(ErrId::kBudgetOutBytes);
    counters_.items_out += 1;
    counters_.bytes_out = static_cast<std::uint32_t>(out);
    return Flow::kContinue;
  }

  // n items of `bytes` bytes in all, charged at once when both budgets take all of them; when
  // they do not, nothing is charged and the caller charges item by item to fail at the right one.
  bool try_charge_sink_items(std::uint32_t n, std::uint64_t bytes) {
    if (std::uint64_t{counters_.items_out} + n > budgets_.max_items) return false;
    const std::uint64_t out = static_cast<std::uint64_t>(counters_.bytes_out) + bytes;
    if (out > budgets_.max_out_bytes) return false;
    counters_.items_out += n;
    counters_.bytes_out = static_cast<std::uint32_t>(out);
    return true;
  }

  // Copy offload (copy_offload.hpp): whether `items` source items of `bytes` bytes in all, passed
  // unchanged to the sink, would each pass the in-bytes, items and out-bytes budgets. Exact, since
  // every counter only grows: the last item is the one that would fail first.
  [[nodiscard]] bool budgets_take_passthrough(std::uint32_t items, std::uint64_t bytes) const {
    if (counters_.items_in != 0 || counters_.items_out != 0) return false;
    return bytes <= budgets_.max_in_bytes && bytes <= budgets_.max_out_bytes && items <= budgets_.max_items;
  }
  // Counts an offloaded input as the page path would have counted its items at source and sink.
  void charge_offloaded(std::uint32_t items, std::uint64_t bytes) {
    counters_.items_in += items;
    counters_.items_out += items;
    counters_.bytes_in += static_cast<std::uint32_t>(bytes);
    counters_.bytes_out += static_cast<std::uint32_t>(bytes);
    offloaded_bytes_ += bytes;
  }
  // Bytes the kernel copied for this run (copy offload), never through a page.
  [[nodiscard]] std::uint64_t offloaded_bytes() const { return offloaded_bytes_; }

  // Worker threads a par_map stage may use (--par-threads; 0: as many as cores). Set by the
  // backend from RunEnv::par_threads before the stages are built.
  void set_par_threads(unsigned n) { par_threads_ = n; }
  [[nodiscard]] unsigned par_threads() const { return par_threads_; }

  // take_v1: the source stops after the current item, without flushing (spec §5).
  void request_stop() { stop_requested_ = true; }
  [[nodiscard]] bool stop_requested() const { return stop_requested_; }
  // A net source's on_timeout=stop_if_clean ended the input (spec §6): the deframe stage the
  // u32frames source inserted reports a partial frame as ERR 84 instead of 81.
  void set_source_timed_out() { source_timed_out_ = true; }
  [[nodiscard]] bool source_timed_out() const { return source_timed_out_; }

  // Records an ERR; the first failure of a run wins unless a plugin-like stage overrides it.
  Flow fail(ErrId id, ByteView payload = {});
  Flow fail_with_code(std::uint32_t code, ErrId message, ByteView payload = {});
  // An upstream plugin-like stage found an error of its own in the same input item; in X07 its
  // step would have run over the whole item before anything was pushed on, so its error wins.
  Flow override_failure(ErrId id, ByteView payload = {});
  Flow trap(TrapId id, std::string detail);
  // A human-readable detail for the summary (e.g. the errno text of a failed write). It never
  // reaches the doc, whose bytes are X07's.
  void set_detail(std::string detail) { detail_ = std::move(detail); }

  [[nodiscard]] RunStatus status() const { return status_; }
  [[nodiscard]] std::uint32_t err_code() const { return code_; }
  [[nodiscard]] ErrId err_id() const { return err_id_; }
  [[nodiscard]] TrapId trap_id() const { return trap_id_; }
  [[nodiscard]] const std::string& detail() const { return detail_; }
  [[nodiscard]] const std::vector<std::uint8_t>& err_payload() const { return payload_; }

  // Bytes the runtime copied to make an item contiguous or to build a new item (carries, frame
  // headers, stream compaction). Reading from a device and filling a sink's payload are not copies
  // in this sense: they are the I/O itself.
  void count_copy(std::uint64_t n) { copied_bytes_ += n; }
  [[nodiscard]] std::uint64_t copied_bytes() const { return copied_bytes_; }

  // The run's open OS resources (database connections): closed when this context is destroyed,
  // which every backend does when the run ends, however it ends.
  [[nodiscard]] RunResources& resources() { return resources_; }

 private:
  Budgets budgets_;
  PagePool* pool_;
  Counters counters_;
  bool stop_requested_ = false;
  bool source_timed_out_ = false;
  unsigned par_threads_ = 0;
  RunStatus status_ = RunStatus::kOk;
  std::uint32_t code_ = 0;
  ErrId err_id_ = ErrId::kCfgInvalid;
  TrapId trap_id_ = TrapId::kFsPathUnsafe;
  std::vector<std::uint8_t> payload_;
  std::string detail_;
  std::uint64_t copied_bytes_ = 0;
  ProgressMeter* progress_ = nullptr;
  std::uint64_t offloaded_bytes_ = 0;
  // Last member: destroyed first, so connections close while the rest of the context is intact.
  RunResources resources_;
};

// Payload builders for the structured ERR payloads of §14.
std::vector<std::uint8_t> u32_payload(std::initializer_list<std::uint32_t> words);

}  // namespace sluice
