#include "runtime/progress.hpp"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

namespace sluice {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(250);

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) return;  // a progress line is never worth failing a run over
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

bool parse_progress_mode(std::string_view text, ProgressMode& out) {
  if (text == "never") out = ProgressMode::kNever;
  else if (text == "auto") out = ProgressMode::kAuto;
  else if (text == "always") out = ProgressMode::kAlways;
  else return false;
  return true;
}

bool progress_wanted(ProgressMode mode, int fd) {
  if (mode == ProgressMode::kAlways) return true;
  if (mode == ProgressMode::kNever) return false;
  const char* ci = std::getenv("CI");
  return ::isatty(fd) == 1 && (ci == nullptr || *ci == '\0');
}

ProgressMeter::ProgressMeter(int fd) : fd_(fd), terminal_(::isatty(fd) == 1), first_after_(std::chrono::seconds(1)) {
  if (const char* d = std::getenv("SLUICE_PROGRESS_DELAY_MS"); d != nullptr && *d != '\0')
    first_after_ = std::chrono::milliseconds(std::strtoul(d, nullptr, 10));
}

void ProgressMeter::start(std::optional<std::uint64_t> total_bytes) {
  total_ = total_bytes;
  start_ = std::chrono::steady_clock::now();
  last_draw_ = start_ - kRedrawEvery;
  started_ = true;
}

std::string ProgressMeter::line_text(std::uint64_t bytes, std::optional<std::uint64_t> total, double seconds,
                                     std::uint64_t items_out) {
  std::string line = "sluice: " + human_bytes(static_cast<double>(bytes));
  if (total && *total > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, " (%.0f%%)", 100.0 * static_cast<double>(bytes) / static_cast<double>(*total));
    line += " of " + human_bytes(static_cast<double>(*total)) + pct;
  }
  const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  line += ", " + human_bytes(rate) + "/s, " + std::to_string(items_out) + " items out, " + clock_text(seconds);
  if (total && *total > bytes && rate > 0) line += ", ETA " + clock_text(static_cast<double>(*total - bytes) / rate);
  return line;
}

void ProgressMeter::on_sixteenth_tick(const Counters& c) {
  if (!started_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < first_after_ || now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const std::string line = line_text(c.bytes_in, total_, seconds, c.items_out);
  // On a terminal, \r and "erase to the end of the line" redraw it in place.
  write_all(fd_, terminal_ ? "\r" + line + "\x1b[K" : line + "\n");
  drawn_ = terminal_;
}

void ProgressMeter::finish() {
  if (drawn_) write_all(fd_, "\r\x1b[K");
  drawn_ = false;
  started_ = false;
}

}  // namespace sluice
