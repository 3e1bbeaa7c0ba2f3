// The --progress line's text (runtime/progress.hpp) and its mode words.
#include <doctest/doctest.h>

#include <string>

#include "runtime/progress.hpp"

using sluice::ProgressMeter;
using sluice::ProgressMode;

TEST_CASE("progress line: bytes of the total, percent, rate, items out, elapsed and ETA") {
  CHECK(ProgressMeter::line_text(180'400'000, 404'000'000, 0.25, 1785044) ==
        "sluice: 180.4 MB of 404.0 MB (45%), 721.6 MB/s, 1785044 items out, 0:00, ETA 0:00");
  // 1 GB of 4 GB in 100 s: 10 MB/s, 300 s left.
  CHECK(ProgressMeter::line_text(1'000'000'000, 4'000'000'000, 100, 7) ==
        "sluice: 1.0 GB of 4.0 GB (25%), 10.0 MB/s, 7 items out, 1:40, ETA 5:00");
  // No total (a pipe, a device): no percent, no ETA. Hours when a run is that long.
  CHECK(ProgressMeter::line_text(512, std::nullopt, 3725, 0) == "sluice: 512 B, 0 B/s, 0 items out, 1:02:05");
  // Done reading: no ETA.
  CHECK(ProgressMeter::line_text(2000, 2000, 2, 1) == "sluice: 2.0 kB of 2.0 kB (100%), 1.0 kB/s, 1 items out, 0:02");
}

TEST_CASE("progress modes: never, auto and always, anything else refused") {
  ProgressMode m = ProgressMode::kAuto;
  CHECK(sluice::parse_progress_mode("never", m));
  CHECK(m == ProgressMode::kNever);
  CHECK(sluice::parse_progress_mode("always", m));
  CHECK(m == ProgressMode::kAlways);
  CHECK(sluice::parse_progress_mode("auto", m));
  CHECK(m == ProgressMode::kAuto);
  CHECK_FALSE(sluice::parse_progress_mode("sometimes", m));
  CHECK(sluice::progress_wanted(ProgressMode::kAlways, -1));
  CHECK_FALSE(sluice::progress_wanted(ProgressMode::kNever, 2));
  // auto: never on something that is not a terminal (here: a closed descriptor).
  CHECK_FALSE(sluice::progress_wanted(ProgressMode::kAuto, -1));
}
