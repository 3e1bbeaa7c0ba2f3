// The progress line of a long run (sluice run --progress, and built executables): bytes read, of
// the total when the source's size is known, MB/s, items out and the time left, redrawn in place
// on a terminal. The host (the CLI, an executable's main) owns the meter and hands it to the run
// through RunEnv; the source loop ticks it once per source item. Cheap by construction: a tick is
// a counter increment, the clock is read every 16th tick, and the line is drawn at most four times
// a second, first after a second (short runs draw nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/result_doc.hpp"

namespace sluice {

enum class ProgressMode : std::uint8_t {
  kNever,
  kAuto,    // when stderr is a terminal and the CI environment variable is not set
  kAlways,  // even into a file or a pipe (there, one plain line per redraw: a log keeps each state)
};

bool parse_progress_mode(std::string_view text, ProgressMode& out);
// Whether `mode` draws on `fd` in this environment.
bool progress_wanted(ProgressMode mode, int fd);

class ProgressMeter {
 public:
  // Draws on `fd`. The first line appears `first_after` after start() (1 s; the environment
  // variable SLUICE_PROGRESS_DELAY_MS overrides it, for tests and demos).
  explicit ProgressMeter(int fd);
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;
  ~ProgressMeter() { finish(); }

  // The run starts reading; `total_bytes` is the source's size when it is known.
  void start(std::optional<std::uint64_t> total_bytes);
  void tick(const Counters& c) {
    if ((++ticks_ & 15u) == 0) on_sixteenth_tick(c);
  }
  // Clears the line (if one was drawn), so the run's report starts on a clean line.
  void finish();

  // The text of the line, for tests: bytes read, total, elapsed seconds, items out.
  static std::string line_text(std::uint64_t bytes, std::optional<std::uint64_t> total, double seconds,
                               std::uint64_t items_out);

 private:
  void on_sixteenth_tick(const Counters& c);

  int fd_;
  bool terminal_;  // redraw in place; else one line per state
  std::uint32_t ticks_ = 0;
  bool started_ = false;
  bool drawn_ = false;
  std::optional<std::uint64_t> total_;
  std::chrono::steady_clock::duration first_after_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace sluice
